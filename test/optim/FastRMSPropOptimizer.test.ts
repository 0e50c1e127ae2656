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
  kernelName: 'DenselabRMSPropUpdate',
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
});
