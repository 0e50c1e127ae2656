import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { createOptimizer, useFastKernels } from '../../src';
import { FastRMSPropOptimizer } from '../../src/optim/FastRMSPropOptimizer';
import { bits, fusedOptimizerSuite, twin } from './twins';

afterAll(async () => {
  useFastKernels(false);
  await tf.setBackend('cpu');
});

fusedOptimizerSuite({
  name: 'rmsprop',
  className: 'RMSProp',
  fusedClass: FastRMSPropOptimizer,
  kernelName: 'DenselabOptimizerUpdate',
  reference: () => tf.train.rmsprop(0.01, 0.9, 0, 1e-7),
  scalarKernels: [],
});

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

  it("follows tfjs' formula with momentum, on the fused kernel and off it", async () => {
    for (const fastKernels of [true, false]) {
      await tf.setBackend('wasm');
      useFastKernels(fastKernels);
      const fast = new FastRMSPropOptimizer(0.02, 0.8, 0.5, 1e-6);
      const reference = tf.train.rmsprop(0.02, 0.8, 0.5, 1e-6);
      const { mine, theirs } = twin(fast, reference, 6);
      mine.forEach((v, i) => expect(bits(v)).toEqual(bits(theirs[i]!)));
      tf.dispose([...mine, ...theirs]);
      fast.dispose();
      reference.dispose();
    }
    useFastKernels(true);
  });

  // Keras: mg = rho mg + (1 - rho) g; step = lr g / sqrt(ms - mg^2 + eps); mom = m mom + step.
  function kerasCentered(grads: number[], lr: number, rho: number, m: number, eps: number) {
    let [ms, mg, mom, value] = [0, 0, 0, 1];
    for (const g of grads) {
      ms = rho * ms + (1 - rho) * g * g;
      mg = rho * mg + (1 - rho) * g;
      mom = m * mom + (lr * g) / Math.sqrt(ms - mg * mg + eps);
      value -= mom;
    }
    return value;
  }

  for (const [backend, fastKernels] of [
    ['wasm', true],
    ['cpu', true],
    ['wasm', false],
  ] as const) {
    it(`centered: Keras' formula, finite after a zero first gradient (${backend}, fused kernel ${fastKernels ? 'on' : 'off'})`, async () => {
      await tf.setBackend(backend);
      useFastKernels(fastKernels);
      const grads = [0, 0.5, -0.25, 0, 2];
      const before = tf.memory().numTensors;
      const v = tf.tidy(() =>
        tf.variable(tf.ones([6]), true, `centered${backend}${String(fastKernels)}`),
      );
      const fast = new FastRMSPropOptimizer(0.01, 0.9, 0.5, 1e-7, true);
      for (const g of grads) {
        const t = tf.fill([6], g);
        fast.applyGradients([{ name: v.name, tensor: t }]);
        t.dispose();
      }
      const expected = kerasCentered(grads, 0.01, 0.9, 0.5, 1e-7);
      v.dataSync().forEach((x) => expect(Math.abs(x - expected)).toBeLessThan(1e-5));
      // tfjs' own: NaN from the first step.
      const theirs = tf.tidy(() =>
        tf.variable(tf.ones([6]), true, `centeredTfjs${backend}${String(fastKernels)}`),
      );
      const reference = tf.train.rmsprop(0.01, 0.9, 0.5, 1e-7, true);
      const zero = tf.zeros([6]);
      reference.applyGradients([{ name: theirs.name, tensor: zero }]);
      expect(Number.isNaN(theirs.dataSync()[0])).toBe(true);
      tf.dispose([v, theirs, zero]);
      fast.dispose();
      reference.dispose();
      expect(tf.memory().numTensors).toBe(before);
      useFastKernels(true);
    });
  }
});
