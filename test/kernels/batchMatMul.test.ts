import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { useFastKernels } from '../../src';
import { GEMM_MAX_ROWS } from '../../src/tfjsKernels/batchMatMul';
import { wasmParts, xnnpackThreads } from '../../src/internals/tfjsInternals';

afterAll(async () => {
  useFastKernels(false);
  await tf.setBackend('cpu');
});

const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
const operand = (shape: number[], f: (i: number) => number) =>
  tf.tensor(
    Float32Array.from({ length: size(shape) }, (_, i) => f(i)),
    shape,
  );

/** tfjs' product and denselab's of the same operands; checks that nothing leaks. */
function both(a: tf.Tensor, b: tf.Tensor, tA: boolean, tB: boolean, times = 1) {
  useFastKernels(false);
  const c = tf.matMul(a, b, tA, tB);
  const reference = { shape: c.shape, values: c.dataSync() as Float32Array };
  c.dispose();
  useFastKernels(true);
  const before = tf.memory();
  const results = Array.from({ length: times }, () => {
    const d = tf.matMul(a, b, tA, tB);
    const r = { shape: d.shape, values: d.dataSync() as Float32Array };
    d.dispose();
    return r;
  });
  expect(tf.memory().numTensors).toBe(before.numTensors);
  expect(tf.memory().numBytes).toBe(before.numBytes);
  return { reference, results };
}

function expectClose(
  reference: { shape: number[]; values: Float32Array },
  fast: { shape: number[]; values: Float32Array },
) {
  expect(fast.shape).toEqual(reference.shape);
  // Summation order differs from XNNPACK's and tfjs' blocked loops: float32 rounding only.
  const scale = Math.max(1, ...reference.values.map(Math.abs));
  let worst = 0;
  reference.values.forEach((v, i) => (worst = Math.max(worst, Math.abs(fast.values[i]! - v))));
  expect(worst).toBeLessThanOrEqual(1e-5 * scale);
}

const CASES: [string, number[], number[]][] = [
  ['a Dense layer of the notes (batch 32)', [32, 784], [784, 512]],
  ['the hidden 512 x 512 layer', [32, 512], [512, 512]],
  ['odd sizes for every tail', [7, 13], [13, 19]],
  ['one row, one column', [1, 5], [5, 1]],
  ['more rows than the SIMD product takes', [GEMM_MAX_ROWS + 3, 24], [24, 20]],
  ['a leading batch of one', [1, 6, 9], [1, 9, 8]],
  ['batched', [3, 5, 6], [3, 6, 4]],
  ['broadcast batch', [1, 5, 6], [4, 6, 2]],
];

describe('which product runs', () => {
  it("Node's tfjs wasm runs XNNPACK on one thread (with more, it keeps every product)", async () => {
    await tf.setBackend('wasm');
    expect(xnnpackThreads(wasmParts(tf.backend())!)).toBe(1);
  });
});

for (const backend of ['wasm', 'cpu']) {
  describe(`BatchMatMul on ${backend} with denselab's kernels`, () => {
    for (const [name, aShape, bShape] of CASES) {
      for (const [tA, tB] of [
        [false, false],
        [true, false],
        [false, true],
        [true, true],
      ] as const) {
        it(`${name}, transposeA=${tA}, transposeB=${tB}: tfjs' values`, async () => {
          await tf.setBackend(backend);
          const swap = (s: number[]) => [...s.slice(0, -2), s.at(-1)!, s.at(-2)!];
          const a = operand(tA ? swap(aShape) : aShape, (i) => Math.sin(i * 0.37));
          const b = operand(tB ? swap(bShape) : bShape, (i) => Math.cos(i * 0.11));
          // Twice with the same B: the second goes where XNNPACK has B packed already.
          const { reference, results } = both(a, b, tA, tB, 2);
          results.forEach((r) => expectClose(reference, r));
          tf.dispose([a, b]);
        });
      }
    }

    it('keeps tfjs’ error for mismatched inner sizes', async () => {
      await tf.setBackend(backend);
      const a = tf.ones([2, 3]);
      const b = tf.ones([4, 2]);
      const message = (fast: boolean) => {
        useFastKernels(fast);
        try {
          tf.matMul(a, b);
          return 'no error';
        } catch (err) {
          return (err as Error).message;
        }
      };
      expect(message(true)).toBe(message(false));
      expect(message(true)).toMatch(/inner shapes/);
      tf.dispose([a, b]);
    });

    it('propagates NaN and infinities like the naive product', async () => {
      await tf.setBackend(backend);
      const a = tf.tensor2d([
        [NaN, 1],
        [Infinity, 1],
        [1, 1],
      ]);
      const b = tf.tensor2d([
        [1, 0, 2, 3, 4],
        [1, 1, 1, 1, 1],
      ]);
      const { reference, results } = both(a, b, false, false);
      expect(Array.from(results[0]!.values)).toEqual(Array.from(reference.values));
      tf.dispose([a, b]);
    });
  });
}
