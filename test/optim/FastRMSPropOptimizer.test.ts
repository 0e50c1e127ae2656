import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { createOptimizer, useFastKernels } from '../../src';
import { FastRMSPropOptimizer } from '../../src/optim/FastRMSPropOptimizer';

afterAll(async () => {
  useFastKernels(false);
  await tf.setBackend('cpu');
});

// Sizes that are and are not multiples of the four SIMD lanes, a scalar, and an empty one.
const SHAPES = [[37, 13], [5], [64, 32], [], [0, 3]];
let counter = 0;

/**
 * Trains the same variables with `optimizer` and with tfjs' own RMSprop on the same gradients;
 * returns the values and slots of both after `steps` steps.
 */
function twin(optimizer: tf.Optimizer, reference: tf.Optimizer, steps: number) {
  const id = counter++;
  const init = SHAPES.map((s, i) => tf.randomNormal(s, 0, 1, 'float32', 100 + i));
  const mine = init.map((t, i) => tf.variable(t, true, `rms${id}mine${i}`));
  const theirs = init.map((t, i) => tf.variable(t, true, `rms${id}ref${i}`));
  tf.dispose(init);
  for (let step = 0; step < steps; step++) {
    // Gradients of very different scales, a zero one, and one missing at step 2.
    const grads = SHAPES.map((s, i) =>
      step === 2 && i === 1
        ? null
        : tf.randomNormal(s, 0, [1e-4, 1, 30, 0][step % 4]! + i, 'float32', step * 10 + i),
    );
    optimizer.applyGradients(mine.map((v, i) => ({ name: v.name, tensor: grads[i]! })));
    reference.applyGradients(theirs.map((v, i) => ({ name: v.name, tensor: grads[i]! })));
    tf.dispose(grads.filter((g): g is tf.Tensor => g !== null));
  }
  return { mine, theirs };
}

const bits = (t: tf.Tensor) =>
  Array.from(new Uint32Array((t.dataSync() as Float32Array).slice().buffer));

for (const backend of ['wasm', 'cpu']) {
  describe(`createOptimizer('rmsprop') on ${backend}`, () => {
    it('runs one fused kernel per variable, bit for bit what tfjs RMSprop computes', async () => {
      await tf.setBackend(backend);
      expect(useFastKernels(true)).toContain(backend);
      const fast = createOptimizer('rmsprop', 0.01);
      expect(fast).toBeInstanceOf(FastRMSPropOptimizer);
      const reference = tf.train.rmsprop(0.01, 0.9, 0, 1e-7);
      const { mine, theirs } = twin(fast, reference, 12);
      mine.forEach((v, i) => expect(bits(v)).toEqual(bits(theirs[i]!)));
      // The slots too, under tfjs' names and in tfjs' order, so saved models load as RMSProp.
      const [a, b] = await Promise.all([fast.getWeights(), reference.getWeights()]);
      expect(a.map((w) => w.name.replace('mine', ''))).toEqual(
        b.map((w) => w.name.replace('ref', '')),
      );
      a.forEach((w, i) => expect(bits(w.tensor)).toEqual(bits(b[i]!.tensor)));
      expect(fast.getClassName()).toBe('RMSProp');
      expect(fast.getConfig()).toEqual(reference.getConfig());
      tf.dispose([...mine, ...theirs]);
      fast.dispose();
      reference.dispose();
    });

    it('uses the kernel (one kernel a variable) and leaks nothing per step', async () => {
      await tf.setBackend(backend);
      useFastKernels(true);
      const v = tf.variable(tf.ones([40, 10]), true, `rms${counter++}leak`);
      const g = tf.fill([40, 10], 0.5);
      const opt = createOptimizer('rmsprop');
      opt.applyGradients([{ name: v.name, tensor: g }]); // creates the two slots
      const before = tf.memory();
      const profile = await tf.profile(() => {
        opt.applyGradients([{ name: v.name, tensor: g }]);
      });
      expect(profile.kernelNames).toEqual(['DenselabRMSPropUpdate']);
      expect(tf.memory().numTensors).toBe(before.numTensors);
      expect(tf.memory().numBytes).toBe(before.numBytes);
      opt.dispose();
      tf.dispose([v, g]);
    });

    it("falls back to tfjs' code, with the same values, when the kernels are off", async () => {
      await tf.setBackend(backend);
      useFastKernels(false);
      const fast = createOptimizer('rmsprop', 0.01);
      const reference = tf.train.rmsprop(0.01, 0.9, 0, 1e-7);
      const { mine, theirs } = twin(fast, reference, 3);
      mine.forEach((v, i) => expect(bits(v)).toEqual(bits(theirs[i]!)));
      tf.dispose([...mine, ...theirs]);
      fast.dispose();
      reference.dispose();
      useFastKernels(true);
    });
  });
}

describe('FastRMSPropOptimizer', () => {
  it("trains a plain tfjs-layers model.fit to exactly tfjs RMSprop's losses", async () => {
    await tf.setBackend('wasm');
    useFastKernels(true);
    const losses = async (optimizer: tf.Optimizer) => {
      const model = tfl.sequential({
        layers: [
          tfl.layers.dense({
            inputShape: [6],
            units: 8,
            activation: 'relu',
            kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
          }),
          tfl.layers.dense({
            units: 3,
            activation: 'softmax',
            kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }),
          }),
        ],
      });
      model.compile({ optimizer, loss: 'categoricalCrossentropy' });
      const x = tf.randomUniform([40, 6], 0, 1, 'float32', 4);
      const y = tf.oneHot(
        tf.tensor1d(
          Array.from({ length: 40 }, (_, i) => i % 3),
          'int32',
        ),
        3,
      );
      const h = await model.fit(x, y, { epochs: 3, batchSize: 10, shuffle: false, verbose: 0 });
      tf.dispose([x, y]);
      model.dispose();
      optimizer.dispose();
      return h.history['loss'];
    };
    const fast = await losses(createOptimizer('rmsprop', 0.01));
    expect(fast).toEqual(await losses(tf.train.rmsprop(0.01, 0.9, 0, 1e-7)));
    expect(fast).toHaveLength(3);
  });

  it("leaves centered RMSprop to tfjs' code, and momentum follows tfjs' formula", async () => {
    await tf.setBackend('wasm');
    useFastKernels(true);
    for (const [momentum, centered] of [
      [0.9, true],
      [0.5, false],
    ] as const) {
      const fast = new FastRMSPropOptimizer(0.02, 0.8, momentum, 1e-6, centered);
      const reference = tf.train.rmsprop(0.02, 0.8, momentum, 1e-6, centered);
      const { mine, theirs } = twin(fast, reference, 6);
      mine.forEach((v, i) => expect(bits(v)).toEqual(bits(theirs[i]!)));
      tf.dispose([...mine, ...theirs]);
      fast.dispose();
      reference.dispose();
    }
  });

  it('goes on from state restored with setWeights, as tfjs does', async () => {
    await tf.setBackend('wasm');
    useFastKernels(true);
    const first = tf.train.rmsprop(0.01, 0.9, 0, 1e-7);
    const reference = tf.train.rmsprop(0.01, 0.9, 0, 1e-7);
    const { mine, theirs } = twin(first, reference, 4);
    const resumed = createOptimizer('rmsprop', 0.01);
    // Copies, so that disposing `first` leaves them alone.
    const saved = (await first.getWeights()).map((w) => ({
      name: w.name,
      tensor: w.tensor.clone(),
    }));
    await resumed.setWeights(saved);
    const g = mine.map((v) => tf.onesLike(v));
    resumed.applyGradients(mine.map((v, i) => ({ name: v.name, tensor: g[i]! })));
    reference.applyGradients(theirs.map((v, i) => ({ name: v.name, tensor: g[i]! })));
    mine.forEach((v, i) => expect(bits(v)).toEqual(bits(theirs[i]!)));
    expect(resumed.iterations).toBe(reference.iterations);
    tf.dispose([...mine, ...theirs, ...g, ...saved.map((w) => w.tensor)]);
    [first, resumed, reference].forEach((o) => o.dispose());
  });
});
