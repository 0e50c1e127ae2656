import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildDenseClassifier,
  evaluateClassifier,
  fitClassifier,
  flattenImages,
  loadMnist,
  NonFiniteLossError,
  normalize,
  predictClasses,
  ProgressLogger,
  toCategorical,
  useFastKernels,
} from '../../src';

// The MNIST runs use the wasm backend with denselab's fast kernels, as selectBackend sets it up
// for the examples (the cpu backend is 5x slower).
const LINE =
  /^\d+\/\d+ \[=+\] - \d+s \d+(ms|s|us)\/step - loss: \d+\.\d{4} - accuracy: \d\.\d{4}( - val_loss: \d+\.\d{4} - val_accuracy: \d\.\d{4})?$/;

let x: tf.Tensor;
let y: tf.Tensor;
let xv: tf.Tensor;
let yv: tf.Tensor;

beforeAll(async () => {
  await tf.setBackend('wasm');
  useFastKernels(true);
  const { train, test } = await loadMnist({ trainLimit: 6000, testLimit: 1000 });
  x = tf.tidy(() => normalize(flattenImages(train.images)));
  y = toCategorical(train.labels, 10);
  xv = tf.tidy(() => normalize(flattenImages(test.images)));
  yv = toCategorical(test.labels, 10);
});

afterAll(async () => {
  useFastKernels(false);
  tf.dispose([x, y, xv, yv]);
  await tf.setBackend('cpu');
});

describe('fitClassifier on MNIST', () => {
  it('learns: 6,000 images, 1 epoch, at least 0.90 accuracy on 1,000 test images, with Keras-style lines', async () => {
    const before = tf.memory().numTensors;
    const lines: string[] = [];
    const model = buildDenseClassifier({ seed: 4 });
    const { history, epoch } = await fitClassifier(
      model,
      { x, y },
      {
        epochs: 1,
        seed: 4,
        validationData: { x: xv, y: yv },
        sink: { writeLine: (l) => lines.push(l) },
      },
    );
    expect(epoch).toEqual([0]);
    expect(Object.keys(history).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    expect(history.val_accuracy![0]).toBeGreaterThanOrEqual(0.9);
    expect(history.accuracy[0]).toBeGreaterThan(0.8);
    expect(history.loss[0]).toBeLessThan(0.6);
    // A sink without update(): one line per epoch, in the notes' format.
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('Epoch 1/1');
    expect(lines[1]).toMatch(LINE);
    expect(lines[1]).toMatch(/^188\/188 \[={30}\]/);
    expect(lines[1]).toContain(`val_accuracy: ${history.val_accuracy![0]!.toFixed(4)}`);
    // evaluateClassifier agrees with the validation of the last epoch.
    const scores = await evaluateClassifier(model, { x: xv, y: yv });
    expect(scores.accuracy).toBe(history.val_accuracy![0]);
    expect(scores.loss).toBeCloseTo(history.val_loss![0]!, 5);
    const { classes } = await predictClasses(model, xv);
    const labels = tf.tidy(() => tf.argMax(yv, 1).dataSync());
    expect(classes.filter((c, i) => c === labels[i]).length / classes.length).toBe(scores.accuracy);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('repeats a seeded run bit for bit', async () => {
    const run = async (seed: number) => {
      const model = buildDenseClassifier({ seed, hiddenUnits: [64] });
      const xs = tf.slice(x, [0, 0], [640, -1]);
      const ys = tf.slice(y, [0, 0], [640, -1]);
      const { history } = await fitClassifier(
        model,
        { x: xs, y: ys },
        { epochs: 2, seed, verbose: 0, validationData: { x: xv, y: yv } },
      );
      const weights = Array.from(model.getWeights()[0]!.dataSync().slice(0, 50));
      tf.dispose([xs, ys]);
      model.dispose();
      return { history, weights };
    };
    const a = await run(11);
    const b = await run(11);
    const c = await run(12);
    expect(b.history).toEqual(a.history);
    expect(b.weights).toEqual(a.weights);
    expect(c.history.loss).not.toEqual(a.history.loss);
  });
});

describe('fitClassifier checks', () => {
  const small = () =>
    buildDenseClassifier({ inputSize: 4, hiddenUnits: [5], numClasses: 3, seed: 1 });

  async function expectRejectsClean(
    promise: () => Promise<unknown>,
    pattern: RegExp,
  ): Promise<void> {
    const before = tf.memory().numTensors;
    await expect(promise()).rejects.toThrow(pattern);
    expect(tf.memory().numTensors).toBe(before);
  }

  it('rejects mismatched inputs before training, saying what was expected', async () => {
    const model = small();
    const x4 = tf.ones([6, 4]);
    const x5 = tf.ones([6, 5]);
    const y3 = toCategorical([0, 1, 2, 0, 1, 2], 3);
    const y2 = toCategorical([0, 1, 1, 0, 1, 0], 2);
    const y3short = toCategorical([0, 1, 2], 3);
    const notOneHot = tf.tensor2d([
      [1, 0, 0],
      [0, 1, 0],
      [0.5, 0.5, 0],
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    const xInt = tf.ones([6, 4], 'int32');
    const x1d = tf.ones([6]);
    const weightsBefore = model.getWeights().map((w) => Array.from(w.dataSync()));
    await expectRejectsClean(
      () => fitClassifier(model, { x: x4, y: y3short }),
      /^fitClassifier: data.x has 6 rows but data.y has 3; expected the same/,
    );
    await expectRejectsClean(
      () => fitClassifier(model, { x: x5, y: y3 }),
      /^fitClassifier: data.x has 5 features but the model's input takes 4/,
    );
    await expectRejectsClean(
      () => fitClassifier(model, { x: x4, y: y2 }),
      /^fitClassifier: data.y has 2 columns but the model outputs 3 classes/,
    );
    await expectRejectsClean(
      () => fitClassifier(model, { x: x4, y: notOneHot }),
      /^fitClassifier: data.y row 2 is \[0.5, 0.5, 0\], not one-hot/,
    );
    await expectRejectsClean(
      () => fitClassifier(model, { x: xInt, y: y3 }),
      /^fitClassifier: data.x has dtype int32; expected float32/,
    );
    await expectRejectsClean(
      () => fitClassifier(model, { x: x1d, y: y3 }),
      /^fitClassifier: data.x has shape \[6\]; expected \[N, features\]/,
    );
    await expectRejectsClean(
      () => fitClassifier(model, { x: x4, y: y3 }, { validationData: { x: x5, y: y3 } }),
      /^fitClassifier: validationData.x has 5 features/,
    );
    await expectRejectsClean(
      () => fitClassifier(model, { x: x4 } as never),
      /^fitClassifier: data is Object; expected \{ x: Tensor2D, y: Tensor2D \}/,
    );
    await expectRejectsClean(
      () => fitClassifier(model, { x: x4, y: y3 }, { epochs: 0 }),
      /^fitClassifier: epochs is 0; expected an integer >= 1/,
    );
    await expectRejectsClean(
      () => fitClassifier(model, { x: x4, y: y3 }, { batchSize: 2.5 }),
      /^fitClassifier: batchSize is 2.5/,
    );
    await expectRejectsClean(
      () => fitClassifier(model, { x: x4, y: y3 }, { seed: Infinity }),
      /^fitClassifier: seed is Infinity/,
    );
    await expectRejectsClean(
      () => fitClassifier(model, { x: x4, y: y3 }, { verbose: 3 as never }),
      /^ProgressLogger: verbose is 3; expected 0, 1 or 2/,
    );
    await expectRejectsClean(
      () => fitClassifier({} as never, { x: x4, y: y3 }),
      /^fitClassifier: model is Object; expected a tfjs-layers model/,
    );
    // Nothing was trained.
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(weightsBefore);
    tf.dispose([x4, x5, y3, y2, y3short, notOneHot, xInt, x1d]);
    model.dispose();
  });

  it('stops on a NaN loss naming the epoch and batch, keeping the history so far', async () => {
    // A NaN input: wasm's clip turns NaN probabilities into epsilon, so the loss alone would
    // stay finite there; fitClassifier also watches the predictions.
    const before = tf.memory().numTensors;
    const model = buildDenseClassifier({
      inputSize: 4,
      hiddenUnits: [5],
      activation: 'linear',
      numClasses: 3,
      seed: 1,
    });
    const n = 40;
    const values = new Float32Array(n * 4).fill(0.5);
    values[19 * 4] = NaN; // row 19: the third batch of 8 when not shuffled
    const xs = tf.tensor2d(values, [n, 4]);
    const ys = toCategorical(
      Array.from({ length: n }, (_, i) => i % 3),
      3,
    );
    let epochsEnded = 0;
    const err = await fitClassifier(
      model,
      { x: xs, y: ys },
      {
        epochs: 3,
        batchSize: 8,
        shuffle: false,
        verbose: 0,
        callbacks: { onEpochEnd: () => void epochsEnded++ },
      },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteLossError);
    const e = err as NonFiniteLossError;
    expect(e.message).toMatch(
      /^fitClassifier: the loss became NaN at epoch 1, batch 3; try a smaller learning rate/,
    );
    expect([e.epoch, e.batch]).toEqual([1, 3]);
    expect(e.history.loss).toEqual([]);
    expect(epochsEnded).toBe(0);

    // A weight that turns NaN after the first epoch: the error comes in epoch 2, batch 1, and
    // the history holds epoch 1.
    const clean = tf.slice(xs, [0, 0], [16, -1]);
    const cleanY = tf.slice(ys, [0, 0], [16, -1]);
    const model2 = small();
    const err2 = await fitClassifier(
      model2,
      { x: clean, y: cleanY },
      {
        epochs: 3,
        batchSize: 8,
        verbose: 0,
        callbacks: {
          onEpochEnd: (epoch) => {
            if (epoch !== 0) return;
            const [kernel, bias] = model2.layers[1]!.getWeights();
            const poisoned = tf.fill(kernel!.shape, NaN);
            model2.layers[1]!.setWeights([poisoned, bias!]);
            poisoned.dispose();
          },
        },
      },
    ).catch((x2: unknown) => x2);
    const e2 = err2 as NonFiniteLossError;
    expect(e2).toBeInstanceOf(NonFiniteLossError);
    expect([e2.epoch, e2.batch]).toEqual([2, 1]);
    expect(e2.history.loss).toHaveLength(1);
    expect(Number.isFinite(e2.history.loss[0])).toBe(true);
    tf.dispose([xs, ys, clean, cleanY]);
    model.dispose();
    model2.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('calls callbacks, honours stopTraining, and prints nothing at verbose 0', async () => {
    const model = small();
    const xs = tf.randomUniform([24, 4], 0, 1, 'float32', 3);
    const ys = toCategorical(
      Array.from({ length: 24 }, (_, i) => i % 3),
      3,
    );
    const events: string[] = [];
    const lines: string[] = [];
    const { epoch, history } = await fitClassifier(
      model,
      { x: xs, y: ys },
      {
        epochs: 5,
        batchSize: 10,
        verbose: 0,
        sink: { writeLine: (l) => lines.push(l) },
        callbacks: [
          {
            onTrainBegin: () => void events.push('begin'),
            onEpochBegin: (e) => void events.push(`epoch ${e}`),
            onBatchEnd: (b, logs) => void events.push(`batch ${b} size ${logs.size}`),
            onEpochEnd: (e, logs) => {
              events.push(`end ${e} ${Number.isFinite(logs.loss)}`);
              if (e === 1) model.stopTraining = true;
            },
            onTrainEnd: (h) => void events.push(`done ${h.loss.length}`),
          },
        ],
      },
    );
    expect(epoch).toEqual([0, 1]);
    expect(history.loss).toHaveLength(2);
    expect(history.val_loss).toBeUndefined();
    expect(events).toEqual([
      'begin',
      'epoch 0',
      'batch 0 size 10',
      'batch 1 size 10',
      'batch 2 size 4',
      'end 0 true',
      'epoch 1',
      'batch 0 size 10',
      'batch 1 size 10',
      'batch 2 size 4',
      'end 1 true',
      'done 2',
    ]);
    expect(lines).toEqual([]);
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('prints one line per epoch at verbose 2, and a throttled live bar with a redrawable sink', async () => {
    const model = small();
    const xs = tf.randomUniform([64, 4], 0, 1, 'float32', 4);
    const ys = toCategorical(
      Array.from({ length: 64 }, (_, i) => i % 3),
      3,
    );
    const lines: string[] = [];
    await fitClassifier(
      model,
      { x: xs, y: ys },
      { epochs: 2, batchSize: 8, verbose: 2, sink: { writeLine: (l) => lines.push(l) } },
    );
    expect(lines.filter((l) => l.startsWith('Epoch'))).toEqual(['Epoch 1/2', 'Epoch 2/2']);
    for (const l of lines.filter((v) => !v.startsWith('Epoch'))) {
      expect(l).toMatch(
        /^8\/8 - \d+s - loss: \d\.\d{4} - accuracy: \d\.\d{4} - \d+s\/epoch - \d+(ms|us|s)\/step$/,
      );
    }
    // Live bar with a fake clock: 10 ms per batch, redraws at most every 25 ms.
    let t = 0;
    const updates: string[] = [];
    const finals: string[] = [];
    const logger = new ProgressLogger({
      interval: 25,
      now: () => (t += 10),
      sink: { writeLine: (l) => finals.push(l), update: (l) => updates.push(l) },
    });
    await fitClassifier(model, { x: xs, y: ys }, { epochs: 1, batchSize: 8, logger });
    expect(updates.length).toBeGreaterThan(0);
    expect(updates.length).toBeLessThan(8);
    for (const u of updates)
      expect(u).toMatch(/^\d\/8 \[=*>?\.*\] - ETA: \d+s - loss: \d\.\d{4} - accuracy: \d\.\d{4}$/);
    expect(finals[1]).toMatch(/^8\/8 \[={30}\] - \d+s \d+ms\/step - loss/);
    tf.dispose([xs, ys]);
    model.dispose();
  });
});
