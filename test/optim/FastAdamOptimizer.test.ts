import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDenseClassifier, createOptimizer, loadModel, useFastKernels } from '../../src';
import { FastAdamOptimizer } from '../../src/optim/FastAdamOptimizer';
import { bits, fusedOptimizerSuite } from './twins';

afterAll(async () => {
  useFastKernels(false);
  await tf.setBackend('cpu');
});

fusedOptimizerSuite({
  name: 'adam',
  className: 'Adam',
  fusedClass: FastAdamOptimizer,
  kernelName: 'DenselabOptimizerUpdate',
  reference: () => tf.train.adam(0.01, 0.9, 0.999, 1e-7),
  scalarKernels: [],
});

describe('FastAdamOptimizer', () => {
  it('trains a plain model.fit exactly as tfjs Adam, and loadModel restores it as the fused one', async () => {
    await tf.setBackend('wasm');
    useFastKernels(true);
    const x = tf.randomUniform([40, 6], 0, 1, 'float32', 4);
    const y = tf.oneHot(
      tf.tensor1d(
        Array.from({ length: 40 }, (_, i) => i % 3),
        'int32',
      ),
      3,
    );
    const train = async (optimizer: tf.Optimizer) => {
      const model = buildDenseClassifier({
        inputSize: 6,
        hiddenUnits: [8],
        numClasses: 3,
        optimizer,
        seed: 2,
      });
      const h = await model.fit(x, y, { epochs: 3, batchSize: 10, shuffle: false, verbose: 0 });
      return { model, loss: h.history['loss'] };
    };
    const fast = await train(createOptimizer('adam', 0.01));
    const plain = await train(tf.train.adam(0.01, 0.9, 0.999, 1e-7));
    expect(fast.loss).toHaveLength(3);
    expect(fast.loss).toEqual(plain.loss);

    // Save with the optimizer into memory, load: the restored Adam is the fused one, same state.
    let artifacts: tf.io.ModelArtifacts | undefined;
    await fast.model.save(
      tf.io.withSaveHandler((a) => {
        artifacts = a;
        return Promise.resolve({
          modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' },
        });
      }),
      { includeOptimizer: true },
    );
    const loaded = await loadModel(tf.io.fromMemory(artifacts!));
    expect(loaded.optimizer.constructor).toBe(FastAdamOptimizer); // (instanceof is true for any tfjs optimizer)
    const [a, b] = await Promise.all([
      fast.model.optimizer.getWeights(),
      loaded.optimizer.getWeights(),
    ]);
    expect(b.map((w) => bits(w.tensor))).toEqual(a.map((w) => bits(w.tensor)));
    tf.dispose([...a, ...b].filter((w) => w.name === 'iter').map((w) => w.tensor));
    [fast.model, plain.model].forEach((m) => m.optimizer.dispose()); // the caller's to dispose
    [fast.model, plain.model, loaded].forEach((m) => m.dispose());
    tf.dispose([x, y]);
  });
});
