import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildDenseClassifier,
  fitClassifier,
  loadModel,
  ModelFileError,
  saveModel,
  toCategorical,
  useFastKernels,
} from '../../src';
import { FastRMSPropOptimizer } from '../../src/optim/FastRMSPropOptimizer';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'denselab-io-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const rows = [
  [0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
  [0.9, 0.1, 0.0, 0.3, 0.7, 0.2],
];

function bitsOf(t: tf.Tensor): number[] {
  return Array.from(new Uint32Array(new Float32Array(t.dataSync()).buffer));
}

async function trainedModel(seed: number, includeTraining = true) {
  const model = buildDenseClassifier({ inputSize: 6, hiddenUnits: [16, 8], numClasses: 3, seed });
  if (includeTraining) {
    const x = tf.randomUniform([48, 6], 0, 1, 'float32', seed);
    const y = toCategorical(
      Array.from({ length: 48 }, (_, i) => i % 3),
      3,
    );
    await fitClassifier(model, { x, y }, { epochs: 2, batchSize: 16, seed, verbose: 0 });
    tf.dispose([x, y]);
  }
  return model;
}

async function expectModelFileError(
  p: Promise<unknown>,
  code: string,
  pattern: RegExp,
): Promise<ModelFileError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelFileError);
  expect((err as ModelFileError).code).toBe(code);
  expect((err as Error).message).toMatch(pattern);
  return err as ModelFileError;
}

describe('saveModel and loadModel in Node', () => {
  it('round-trips: a new process predicts exactly what the saved model did', async () => {
    const model = await trainedModel(1);
    const dir = join(root, 'roundtrip');
    const saved = await saveModel(model, dir);
    const shard = readdirSync(dir).find((f) => f.endsWith('.bin'))!;
    expect(shard).toMatch(/^group1-shard1of1-[0-9a-f]{16}\.bin$/);
    expect(readdirSync(dir).sort()).toEqual([shard, 'model.json']);
    expect(saved.files).toEqual([join(dir, 'model.json'), join(dir, shard)]);
    expect(saved.weightBytes).toBe(model.countParams() * 4);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest).toEqual([
      { paths: [shard], weights: expect.any(Array) as unknown },
    ]);
    const x = tf.tensor2d(rows);
    const expected = model.predict(x) as tf.Tensor;
    const child = fileURLToPath(new URL('./fixtures/predict.ts', import.meta.url));
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', child, dir, JSON.stringify(rows)],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    const { shape, bits } = JSON.parse(out) as { shape: number[]; bits: number[] };
    expect(shape).toEqual([2, 3]);
    expect(bits).toEqual(bitsOf(expected));
    // And in this process, from a file: URL and from the model.json path.
    for (const source of [pathToFileURL(dir), join(dir, 'model.json')]) {
      const loaded = await loadModel(source);
      const y = loaded.predict(x) as tf.Tensor;
      expect(bitsOf(y)).toEqual(bitsOf(expected));
      tf.dispose(y);
      loaded.dispose();
    }
    tf.dispose([x, expected]);
    model.dispose();
  });

  it('writes 4 MiB shards for large models, with optimizer state, without leaking', async () => {
    const before = tf.memory().numTensors;
    const model = buildDenseClassifier({ seed: 3 }); // 669,706 float32 = 2.7 MB
    const x = tf.randomUniform([8, 784], 0, 1, 'float32', 3);
    const y = toCategorical([0, 1, 2, 3, 4, 5, 6, 7], 10);
    await fitClassifier(model, { x, y }, { epochs: 1, batchSize: 8, verbose: 0 }); // RMSprop slots
    tf.dispose([x, y]);
    const dir = join(root, 'sharded');
    const saved = await saveModel(model, dir, { includeOptimizer: true });
    // weights, then RMSprop's mean squares and moments: 3 x 2.7 MB + the iteration count
    expect(saved.weightBytes).toBe(3 * 669_706 * 4 + 4);
    const files = readdirSync(dir).sort();
    expect(files).toHaveLength(3);
    expect(files[0]).toMatch(/^group1-shard1of2-[0-9a-f]{16}\.bin$/);
    expect(files[1]).toMatch(/^group1-shard2of2-[0-9a-f]{16}\.bin$/);
    expect(files[2]).toBe('model.json');
    expect(statSync(join(dir, files[0]!)).size).toBe(4 * 1024 * 1024);
    const loaded = await loadModel(dir);
    expect(loaded.getWeights().map(bitsOf)).toEqual(model.getWeights().map(bitsOf));
    const [savedSlots, loadedSlots] = await Promise.all([
      model.optimizer.getWeights(),
      loaded.optimizer.getWeights(),
    ]);
    expect(loadedSlots.map((w) => bitsOf(w.tensor))).toEqual(
      savedSlots.map((w) => bitsOf(w.tensor)),
    );
    tf.dispose(
      [...savedSlots, ...loadedSlots].filter((w) => w.name === 'iter').map((w) => w.tensor),
    );
    loaded.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('saves optimizer state when asked: training resumes with the same history as an uninterrupted run', async () => {
    useFastKernels(true); // the fused RMSprop before saving and after loading
    const x = tf.randomUniform([64, 6], 0, 1, 'float32', 9);
    const y = toCategorical(
      Array.from({ length: 64 }, (_, i) => (i * 7) % 3),
      3,
    );
    const opts = { batchSize: 16, seed: 5, verbose: 0 as const };

    const straight = await trainedModel(2, false);
    const whole = await fitClassifier(straight, { x, y }, { ...opts, epochs: 3 });

    const first = await trainedModel(2, false);
    const part1 = await fitClassifier(first, { x, y }, { ...opts, epochs: 1 });
    const dir = join(root, 'resume');
    await saveModel(first, dir, { includeOptimizer: true });
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as {
      trainingConfig?: unknown;
      weightsManifest: { weights: { name: string }[] }[];
    };
    expect(json.trainingConfig).toBeDefined();
    expect(json.weightsManifest[0]!.weights.some((w) => w.name.includes('rms'))).toBe(true);
    first.dispose();

    const resumed = await loadModel(dir);
    expect(resumed.optimizer.constructor).toBe(FastRMSPropOptimizer); // not tfjs' instanceof
    const part2 = await fitClassifier(resumed, { x, y }, { ...opts, epochs: 3, initialEpoch: 1 });
    expect([...part1.history.loss, ...part2.history.loss]).toEqual(whole.history.loss);
    expect(part2.epoch).toEqual([1, 2]);
    expect(resumed.getWeights().map(bitsOf)).toEqual(straight.getWeights().map(bitsOf));
    tf.dispose([x, y]);
    straight.dispose();
    resumed.dispose();
    useFastKernels(false);
  });

  it('replaces a model only when asked, keeping one model file set, leaving nothing temporary', async () => {
    const a = await trainedModel(4, false);
    const b = await trainedModel(5, false);
    const dir = join(root, 'replace');
    await saveModel(a, dir);
    const err = await expectModelFileError(
      saveModel(b, dir),
      'exists',
      /^saveModel: .*replace: already holds a model; pass \{ overwrite: true \} to replace it/,
    );
    expect(err.file).toBe(dir);
    let loaded = await loadModel(dir);
    expect(bitsOf(loaded.getWeights()[0]!)).toEqual(bitsOf(a.getWeights()[0]!));
    loaded.dispose();
    await saveModel(b, dir, { overwrite: true });
    loaded = await loadModel(dir);
    expect(bitsOf(loaded.getWeights()[0]!)).toEqual(bitsOf(b.getWeights()[0]!));
    loaded.dispose();
    // Only the new model's files: the old shard was removed, no temporary or lock file left.
    expect(readdirSync(dir).filter((f) => f !== 'model.json')).toHaveLength(1);
    a.dispose();
    b.dispose();
  });

  describe('damaged files give errors that name the file', () => {
    let dir: string;
    beforeAll(async () => {
      const model = await trainedModel(6, false);
      dir = join(root, 'pristine');
      await saveModel(model, dir);
      model.dispose();
    });
    const copy = (name: string): string => {
      const target = join(root, name);
      rmSync(target, { recursive: true, force: true });
      execFileSync('cp', ['-r', dir, target]);
      return target;
    };

    const shardOf = (d: string): string =>
      join(
        d,
        readdirSync(d).find((f) => f.endsWith('.bin'))!,
      );

    it('a truncated shard', async () => {
      const d = copy('truncated');
      const shard = shardOf(d);
      truncateSync(shard, statSync(shard).size - 4);
      const before = tf.memory().numTensors;
      await expectModelFileError(
        loadModel(d),
        'truncated',
        /group1-shard1of1-\w+\.bin: group1-shard1of1-\w+\.bin hold \d+ bytes but model\.json describes \d+ bytes/,
      );
      expect(tf.memory().numTensors).toBe(before);
    });

    it('a shard whose bytes were changed', async () => {
      const d = copy('changed');
      const shard = shardOf(d);
      const bytes = readFileSync(shard);
      bytes[7] = bytes[7]! ^ 1;
      writeFileSync(shard, bytes);
      await expectModelFileError(
        loadModel(d),
        'invalid',
        /does not hold the bytes its name was given for/,
      );
    });

    it('a missing shard', async () => {
      const d = copy('missing');
      const shard = shardOf(d);
      rmSync(shard);
      const e = await expectModelFileError(
        loadModel(d),
        'missing',
        /group1-shard1of1-\w+\.bin: weights shard listed in model\.json is missing/,
      );
      expect(e.file).toBe(shard);
    });

    it('a shape edited in the weights manifest', async () => {
      const d = copy('manifest-shape');
      const file = join(d, 'model.json');
      const json = JSON.parse(readFileSync(file, 'utf8')) as {
        weightsManifest: { weights: { shape: number[] }[] }[];
      };
      json.weightsManifest[0]!.weights[0]!.shape = [6, 17];
      writeFileSync(file, JSON.stringify(json));
      await expectModelFileError(loadModel(d), 'truncated', /describes \d+ bytes of weights/);
    });

    it('a shape edited in the topology', async () => {
      const d = copy('topology-shape');
      const file = join(d, 'model.json');
      const text = readFileSync(file, 'utf8').replace('"units":16', '"units":17');
      writeFileSync(file, text);
      const before = tf.memory().numTensors;
      await expectModelFileError(
        loadModel(d),
        'invalid',
        /topology-shape: could not be loaded as a layers model/,
      );
      expect(tf.memory().numTensors).toBe(before); // the model built before the weights failed
    });

    it('an optimizer that cannot be restored', async () => {
      const d = copy('optimizer');
      const file = join(d, 'model.json');
      const json = JSON.parse(readFileSync(file, 'utf8')) as {
        trainingConfig: {
          optimizer_config: { class_name: string; config: Record<string, unknown> };
        };
      };
      const before = tf.memory().numTensors;
      json.trainingConfig = {
        optimizer_config: { class_name: 'Lion', config: { learningRate: 0.001 } },
      };
      Object.assign(json.trainingConfig, {
        loss: 'categoricalCrossentropy',
        metrics: ['accuracy'],
      });
      writeFileSync(file, JSON.stringify(json));
      await expectModelFileError(
        loadModel(d),
        'invalid',
        /optimizer is "Lion"; expected one of tfjs' SGD/,
      );
      json.trainingConfig.optimizer_config = {
        class_name: 'RMSProp',
        config: { learningRate: -1 },
      };
      writeFileSync(file, JSON.stringify(json));
      await expectModelFileError(
        loadModel(d),
        'invalid',
        /RMSProp has learningRate -1; expected a finite number > 0/,
      );
      expect(tf.memory().numTensors).toBe(before);
    });

    it('no model.json, or not JSON', async () => {
      await expectModelFileError(
        loadModel(join(root, 'nothing-here')),
        'missing',
        /nothing-here\/model\.json: no such file/,
      );
      const d = copy('not-json');
      writeFileSync(join(d, 'model.json'), '{ nope');
      await expectModelFileError(loadModel(d), 'invalid', /model\.json: not JSON/);
    });
  });

  it('rejects targets and sources of other kinds', async () => {
    const model = await trainedModel(7, false);
    await expect(saveModel(model, 42 as never)).rejects.toThrow(
      /^saveModel: target is 42; expected a folder path, a URL or an IOHandler/,
    );
    await expect(saveModel({} as never, join(root, 'x'))).rejects.toThrow(
      /^saveModel: model is an empty object; expected a tfjs-layers model$/,
    );
    await expect(loadModel(null as never)).rejects.toThrow(/^loadModel: source is null/);
    await expect(saveModel(model, join(root, 'x'), { overwrite: 'yes' as never })).rejects.toThrow(
      /^saveModel: overwrite is "yes"; expected true or false/,
    );
    expect(existsSync(join(root, 'x'))).toBe(false);
    model.dispose();
  });
});
