// On a GPU backend fitClassifier times both devices before training and trains on the faster,
// with both figures in path.reason; the timing leaves the model as it was. "testgpu" stands in
// for a GPU backend here: tfjs' cpu backend and kernels under another name, so that the
// choice runs without a GPU (the H200 check is bench/gpu-device.sh quiet).
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildDenseClassifier, fitClassifier, toCategorical } from '../../src';
import {
  TIMING,
  timeSteps,
  useDeviceTimer,
  type DeviceTimer,
} from '../../src/model/chooseByTiming';
import { quietCpuBackend } from '../../src/internals/tfjsInternals';

const GPU = 'testgpu';

beforeAll(() => {
  const cpu = tf.findBackend('cpu');
  const Backend = cpu.constructor as new () => tf.KernelBackend;
  tf.registerBackend(GPU, () => new Backend());
  for (const k of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...k, backendName: GPU });
  // A cpu backend greets Node with an advert for tfjs-node on its first tensor.
  quietCpuBackend(tf.engine().findBackend(GPU));
});
afterAll(async () => {
  await tf.setBackend('cpu');
  for (const k of tf.getKernelsForBackend(GPU)) tf.unregisterKernel(k.kernelName, GPU);
  tf.removeBackend(GPU);
});
afterEach(() => useDeviceTimer(undefined));

/** Runs the real timing steps on each device (so they must be undone), then reports `ms`. */
function forced(engineMs: number, tfjsMs: number): DeviceTimer {
  return async (device, trainer, rows, batch) => {
    await timeSteps(device, trainer, rows, batch);
    return device === 'engine' ? engineMs : tfjsMs;
  };
}

/** Trains the small model for 2 epochs on `backend`; the history, path and optimizer steps. */
async function train(
  backend: string,
  engine: 'auto' | 'tfjs' = 'auto',
  optimizer: 'rmsprop' | 'adam' | 'momentum' = 'rmsprop',
) {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const x = tf.tensor2d(
    Array.from({ length: 64 * 8 }, (_, i) => ((i * 37) % 11) / 10),
    [64, 8],
  );
  const y = toCategorical(
    Array.from({ length: 64 }, (_, i) => i % 3),
    3,
  );
  const model = buildDenseClassifier({
    inputSize: 8,
    hiddenUnits: [16],
    numClasses: 3,
    seed: 5,
    optimizer,
  });
  const out = await fitClassifier(
    model,
    { x, y },
    { epochs: 2, batchSize: 8, seed: 1, verbose: 0, engine },
  );
  const iterations = model.optimizer.iterations;
  tf.dispose([x, y]);
  model.dispose();
  return { ...out, iterations, leaked: tf.memory().numTensors - before };
}

describe('fitClassifier on a GPU backend: the faster device, chosen by timing', () => {
  it.each(['rmsprop', 'adam', 'momentum'] as const)(
    'the engine when its timing is lower; the steps timed are undone (%s: the same run as on cpu)',
    async (optimizer) => {
      useDeviceTimer(forced(1, 5));
      const r = await train(GPU, 'auto', optimizer);
      expect(r.path.engine).toBe('dense');
      expect(r.path.reason).toMatch(
        new RegExp(
          `^timed ${TIMING.timed} steps of batch 8 before training: the dense engine 1\\.00 ms a step, tfjs' testgpu backend 5\\.00 ms, so the engine trains \\(a stack of 2 Dense layers`,
        ),
      );
      const onCpu = await train('cpu', 'auto', optimizer);
      expect(onCpu.path.engine).toBe('dense');
      expect(r.history).toEqual(onCpu.history); // bit for bit: the timing steps left no trace
      expect(r.iterations).toBe(16);
      expect(r.leaked).toBe(0);
    },
  );

  it("tfjs when its timing is lower; its steps ran on a copy (the same run as engine: 'tfjs')", async () => {
    useDeviceTimer(forced(9, 3));
    const r = await train(GPU);
    expect(r.path.engine).toBe('tfjs');
    expect(r.path.reason).toBe(
      `timed ${TIMING.timed} steps of batch 8 before training: the dense engine 9.00 ms a step, tfjs' testgpu backend 3.00 ms, so tfjs' testgpu backend trains`,
    );
    const plain = await train(GPU, 'tfjs');
    expect(plain.path.reason).toBe("engine: 'tfjs' was asked for");
    expect(r.history).toEqual(plain.history);
    expect(r.iterations).toBe(16);
    expect(r.leaked).toBe(0);
  });

  it('timed once per model: a second call (one epoch per call, as scripts do) reuses the figures', async () => {
    let calls = 0;
    useDeviceTimer((device) => {
      calls++;
      return Promise.resolve(device === 'engine' ? 1 : 5);
    });
    await tf.setBackend(GPU);
    const x = tf.tensor2d(
      Array.from({ length: 16 * 4 }, (_, i) => (i % 5) / 5),
      [16, 4],
    );
    const y = toCategorical(
      Array.from({ length: 16 }, (_, i) => i % 2),
      2,
    );
    const model = buildDenseClassifier({ inputSize: 4, hiddenUnits: [4], numClasses: 2, seed: 1 });
    const first = await fitClassifier(model, { x, y }, { epochs: 1, verbose: 0 });
    const second = await fitClassifier(model, { x, y }, { epochs: 2, initialEpoch: 1, verbose: 0 });
    expect(calls).toBe(2); // the engine and tfjs, once
    expect(first.path.reason).toMatch(/^timed 8 steps of batch 32 before training: /);
    expect(second.path.reason).toMatch(
      /^timed 8 steps of batch 32 when this model first trained here: the dense engine 1\.00 ms a step, tfjs' testgpu backend 5\.00 ms, so the engine trains/,
    );
    // Another batch size is another measurement.
    await fitClassifier(model, { x, y }, { epochs: 1, batchSize: 8, verbose: 0 });
    expect(calls).toBe(4);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('measured for real: both figures in the reason, nothing left behind', async () => {
    const r = await train(GPU);
    expect(r.path.reason).toMatch(
      /^timed \d+ steps of batch 8 before training: the dense engine \d+\.\d\d ms a step, tfjs' testgpu backend \d+\.\d\d ms, so (the engine|tfjs' testgpu backend) trains/,
    );
    expect(r.iterations).toBe(16);
    expect(r.leaked).toBe(0);
  });
});

describe('fitClassifier with a forced engine', () => {
  it("engine: 'webgpu' without tfjs' webgpu backend is an error naming the backend, and changes nothing", async () => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    const x = tf.ones([8, 4]);
    const y = toCategorical([0, 1, 0, 1, 0, 1, 0, 1], 2);
    const model = buildDenseClassifier({ inputSize: 4, hiddenUnits: [4], numClasses: 2, seed: 1 });
    const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
    await expect(fitClassifier(model, { x, y }, { engine: 'webgpu', verbose: 0 })).rejects.toThrow(
      /^fitClassifier: engine is 'webgpu', but tfjs' backend is cpu; the engine's WebGPU device runs on tfjs' webgpu backend/,
    );
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(weights);
    expect(model.optimizer.iterations).toBe(0);
    tf.dispose([x, y]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("engine: 'wasm' on a model the engine cannot train is an error saying why", async () => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    const x = tf.ones([8, 4]);
    const y = toCategorical([0, 1, 0, 1, 0, 1, 0, 1], 2);
    const model = buildDenseClassifier({ inputSize: 4, hiddenUnits: [4], numClasses: 2, seed: 1 });
    model.layers[0]!.trainable = false;
    model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    await expect(fitClassifier(model, { x, y }, { engine: 'wasm', verbose: 0 })).rejects.toThrow(
      /^fitClassifier: engine is 'wasm', but the model is not a plain stack of Dense layers: .*frozen/,
    );
    await expect(
      fitClassifier(model, { x, y }, { engine: 'gpu' as 'wasm', verbose: 0 }),
    ).rejects.toThrow(/engine is "gpu"; expected one of 'auto', 'tfjs', 'wasm' or 'webgpu'/);
    tf.dispose([x, y]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
