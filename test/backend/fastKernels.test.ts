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

function product(
  aShape: number[],
  bShape: number[],
  transposeA: boolean,
  transposeB: boolean,
  fast: boolean,
): Float32Array {
  useFastKernels(fast);
  const n = (s: number[]) => s.reduce((p, d) => p * d, 1);
  const a = tf.tensor(
    Float32Array.from({ length: n(aShape) }, (_, i) => Math.sin(i * 0.37)),
    aShape,
  );
  const b = tf.tensor(
    Float32Array.from({ length: n(bShape) }, (_, i) => Math.cos(i * 0.11)),
    bShape,
  );
  const c = tf.matMul(a, b, transposeA, transposeB);
  const out = c.dataSync() as Float32Array;
  tf.dispose([a, b, c]);
  return out;
}

describe('useFastKernels', () => {
  const cases: [string, number[], number[]][] = [
    ['the Dense backward shapes', [32, 784], [784, 512]],
    ['small square', [7, 7], [7, 7]],
    ['batched', [3, 5, 6], [3, 6, 4]],
    ['broadcast batch', [1, 5, 6], [4, 6, 2]],
  ];
  for (const [name, aShape, bShape] of cases) {
    for (const [tA, tB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      it(`matMul ${name}, transposeA=${tA}, transposeB=${tB}: same values as tfjs' kernel`, () => {
        // Shapes of the transposed operands.
        const swap = (s: number[]) => [...s.slice(0, -2), s.at(-1)!, s.at(-2)!];
        const a = tA ? swap(aShape) : aShape;
        const b = tB ? swap(bShape) : bShape;
        const reference = product(a, b, tA, tB, false);
        const before = tf.memory();
        const fast = product(a, b, tA, tB, true);
        expect(tf.memory().numTensors).toBe(before.numTensors);
        expect(tf.memory().numBytes).toBe(before.numBytes);
        expect(fast).toHaveLength(reference.length);
        const scale = Math.max(...reference.map(Math.abs));
        reference.forEach((v, i) =>
          expect(Math.abs(fast[i]! - v)).toBeLessThanOrEqual(1e-5 * scale),
        );
      });
    }
  }

  it('is switchable: off restores the very kernel tfjs registered', () => {
    useFastKernels(false);
    const original = tf.getKernel('BatchMatMul', 'wasm');
    const cpuKernel = tf.getKernel('BatchMatMul', 'cpu');
    expect(useFastKernels(true)).toEqual(['wasm']);
    expect(tf.getKernel('BatchMatMul', 'wasm')).not.toBe(original);
    expect(useFastKernels(true)).toEqual(['wasm']); // twice is once
    expect(useFastKernels(false)).toEqual([]);
    expect(tf.getKernel('BatchMatMul', 'wasm')).toBe(original);
    expect(() => useFastKernels('off' as never)).toThrow(
      /^useFastKernels: enabled is "off"; expected true or false/,
    );
    expect(tf.getKernel('BatchMatMul', 'wasm')).toBe(original);
    // Other backends' kernels are untouched, on and off.
    useFastKernels(true);
    expect(tf.getKernel('BatchMatMul', 'cpu')).toBe(cpuKernel);
    useFastKernels(false);
    expect(tf.getKernel('BatchMatMul', 'cpu')).toBe(cpuKernel);
  });

  it('trains to the same losses as tfjs kernels, within float32 rounding', async () => {
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
    fast.forEach((l, i) => expect(Math.abs(l - reference[i]!) / reference[i]!).toBeLessThan(1e-5));
  });
});
