import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDenseClassifier, fitClassifier, toCategorical, useFastKernels } from '../../src';

beforeAll(async () => {
  await tf.setBackend('wasm');
});
afterAll(async () => {
  useFastKernels(false);
  await tf.setBackend('cpu');
});

describe('useFastKernels', () => {
  it('is switchable: off restores the very kernels tfjs registered, on every backend', () => {
    useFastKernels(false);
    const replaced = [
      ['BatchMatMul', 'wasm'],
      ['Slice', 'wasm'],
      ['GatherV2', 'wasm'],
      ['BatchMatMul', 'cpu'],
      ['GatherV2', 'cpu'],
    ] as const;
    const originals = replaced.map(([k, b]) => tf.getKernel(k, b));
    const untouched = [tf.getKernel('Slice', 'cpu'), tf.getKernel('Transpose', 'wasm')];
    const added = ['DenselabOptimizerUpdate'].flatMap((k) =>
      ['wasm', 'cpu'].map((b) => [k, b] as const),
    );
    added.forEach(([k, b]) => expect(tf.getKernel(k, b)).toBeUndefined());

    expect(useFastKernels(true)).toEqual(['wasm', 'cpu']);
    replaced.forEach(([k, b], i) => expect(tf.getKernel(k, b)).not.toBe(originals[i]));
    added.forEach(([k, b]) => expect(tf.getKernel(k, b)).toBeDefined());
    expect(useFastKernels(true)).toEqual(['wasm', 'cpu']); // twice is once

    expect(useFastKernels(false)).toEqual([]);
    replaced.forEach(([k, b], i) => expect(tf.getKernel(k, b)).toBe(originals[i]));
    added.forEach(([k, b]) => expect(tf.getKernel(k, b)).toBeUndefined());
    expect([tf.getKernel('Slice', 'cpu'), tf.getKernel('Transpose', 'wasm')]).toEqual(untouched);

    expect(() => useFastKernels('off' as never)).toThrow(
      /^useFastKernels: enabled is "off"; expected true or false/,
    );
    replaced.forEach(([k, b], i) => expect(tf.getKernel(k, b)).toBe(originals[i]));
  });

  for (const backend of ['wasm', 'cpu']) {
    it(`trains to the same losses as tfjs kernels on ${backend}, within float32 rounding`, async () => {
      await tf.setBackend(backend);
      const run = async (fast: boolean) => {
        useFastKernels(fast);
        const model = buildDenseClassifier({
          inputSize: 20,
          hiddenUnits: [16, 16],
          numClasses: 4,
          seed: 5,
        });
        const x = tf.randomUniform([64, 20], 0, 1, 'float32', 5);
        const y = toCategorical(
          Array.from({ length: 64 }, (_, i) => i % 4),
          4,
        );
        const { history } = await fitClassifier(
          model,
          { x, y },
          { epochs: 3, batchSize: 16, seed: 5, verbose: 0 },
        );
        tf.dispose([x, y]);
        model.dispose();
        return history.loss;
      };
      const reference = await run(false);
      const fast = await run(true);
      fast.forEach((l, i) =>
        expect(Math.abs(l - reference[i]!) / reference[i]!).toBeLessThan(1e-5),
      );
    });
  }
});
