import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useFastKernels } from '../../src';

beforeAll(async () => {
  await tf.setBackend('wasm');
});
afterAll(async () => {
  useFastKernels(false);
  await tf.setBackend('cpu');
});

type Dtype = 'float32' | 'int32' | 'bool';

/** A tensor of `shape` whose every element is distinct (as far as the dtype allows). */
function distinct(shape: number[], dtype: Dtype): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: n }, (_, i) =>
    dtype === 'bool' ? (i * 7) % 3 === 0 : dtype === 'int32' ? i * 3 - 7 : i * 0.5 - 3.25,
  );
  return dtype === 'bool'
    ? tf.tensor(values as boolean[], shape, 'bool')
    : tf.tensor(values as number[], shape, dtype);
}

/** Runs `op` with tfjs' kernels and with denselab's; returns both results' shapes and values. */
function both(op: () => tf.Tensor): { tfjs: [number[], unknown[]]; fast: [number[], unknown[]] } {
  const run = (fast: boolean): [number[], unknown[]] => {
    useFastKernels(fast);
    const t = op();
    const out: [number[], unknown[]] = [t.shape, Array.from(t.dataSync())];
    t.dispose();
    return out;
  };
  const tfjs = run(false);
  const before = tf.memory();
  const fast = run(true);
  expect(tf.memory().numTensors).toBe(before.numTensors);
  expect(tf.memory().numBytes).toBe(before.numBytes);
  return { tfjs, fast };
}

const shapeAndSlice = fc
  .array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4 })
  .chain((shape) =>
    fc.tuple(
      fc.constant(shape),
      fc.tuple(...shape.map((d) => fc.integer({ min: 0, max: d - 1 }))),
      fc.constantFrom<Dtype>('float32', 'int32', 'bool'),
    ),
  )
  .chain(([shape, begin, dtype]) =>
    fc.tuple(
      fc.constant(shape),
      fc.constant(begin),
      // -1 (to the end) or a size that fits
      fc.tuple(...shape.map((d, i) => fc.integer({ min: -1, max: d - begin[i]! }))),
      fc.constant(dtype),
    ),
  );

describe('Slice on wasm', () => {
  // First in the file, while the heap is still small.
  it('copies right when making the output grows the wasm heap (the old views go stale)', () => {
    useFastKernels(true);
    const wasm = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm;
    // An input at least as big as the heap: its copy cannot fit in what is left.
    const cols = 2048;
    const rows = Math.max(8192, Math.ceil(wasm.HEAPU8.buffer.byteLength / 4 / cols));
    const value = (i: number) => i % 1_000_003; // exact in float32
    const values = new Float32Array(rows * cols);
    for (let i = 0; i < values.length; i++) values[i] = value(i);
    const x = tf.tensor2d(values, [rows, cols]);
    const before = wasm.HEAPU8.buffer.byteLength;
    const s = tf.slice(x, [1, 0], [rows - 1, cols]);
    expect(wasm.HEAPU8.buffer.byteLength).toBeGreaterThan(before); // it did grow
    const g = tf.gather(x, tf.tensor1d([rows - 1, 0, 5], 'int32'));
    const sv = s.dataSync();
    expect([sv[0], sv[cols], sv[sv.length - 1]]).toEqual(
      [cols, 2 * cols, rows * cols - 1].map(value),
    );
    const gv = g.dataSync();
    expect([gv[0], gv[cols], gv[2 * cols + 1]]).toEqual(
      [(rows - 1) * cols, 0, 5 * cols + 1].map(value),
    );
    tf.dispose([x, s, g]);
  });

  it('gives what tfjs gives for any shape, begin, size and dtype (300 random cases)', () => {
    fc.assert(
      fc.property(shapeAndSlice, ([shape, begin, size, dtype]) => {
        const x = distinct(shape, dtype);
        const { tfjs, fast } = both(() => tf.slice(x, begin, size));
        x.dispose();
        expect(fast).toEqual(tfjs);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('copies only the rows asked for: 32 rows of 60,000 x 784 match tfjs', () => {
    const x = tf.tidy(() => tf.reshape(tf.range(0, 60_000 * 784, 1, 'float32'), [60_000, 784]));
    const { tfjs, fast } = both(() => tf.slice(x, [30_000, 0], [32, -1]));
    x.dispose();
    expect(fast[0]).toEqual([32, 784]);
    expect(fast).toEqual(tfjs);
  });

  it('leaves strings to tfjs', () => {
    const x = tf.tensor(['a', 'b', 'c', 'd'], [2, 2], 'string');
    useFastKernels(true);
    const s = tf.slice(x, [1, 0], [1, 2]);
    expect(s.dataSync()).toEqual(['c', 'd']);
    tf.dispose([x, s]);
  });
});

const gatherCase = fc
  .tuple(
    fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }),
    fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 2 }),
    fc.constantFrom<Dtype>('float32', 'int32', 'bool'),
  )
  .chain(([shape, indexShape, dtype]) =>
    fc.tuple(
      fc.constant(shape),
      fc.constant(indexShape),
      fc.array(fc.integer({ min: 0, max: shape[0]! - 1 }), {
        minLength: indexShape.reduce((a, b) => a * b, 1),
        maxLength: indexShape.reduce((a, b) => a * b, 1),
      }),
      fc.constant(dtype),
    ),
  );

for (const backend of ['wasm', 'cpu']) {
  describe(`GatherV2 on ${backend}`, () => {
    beforeAll(async () => {
      await tf.setBackend(backend);
    });
    afterAll(async () => {
      await tf.setBackend('wasm');
    });

    it('gives what tfjs gives along axis 0 for any shape, indices and dtype (300 random cases)', () => {
      fc.assert(
        fc.property(gatherCase, ([shape, indexShape, picks, dtype]) => {
          const x = distinct(shape, dtype);
          const idx = tf.tensor(picks, indexShape, 'int32');
          const { tfjs, fast } = both(() => tf.gather(x, idx));
          tf.dispose([x, idx]);
          expect(fast).toEqual(tfjs);
        }),
        { numRuns: 300, seed: 11 },
      );
    });

    it('leaves other axes and batch dimensions to tfjs, with the same results', () => {
      const x = distinct([3, 4, 5], 'float32');
      const columns = tf.tensor1d([3, 0], 'int32');
      const perRow = tf.tensor2d(
        [
          [0, 3],
          [2, 1],
          [1, 1],
        ],
        [3, 2],
        'int32',
      );
      const alongAxis1 = both(() => tf.gather(x, columns, 1));
      expect(alongAxis1.fast).toEqual(alongAxis1.tfjs);
      expect(alongAxis1.fast[0]).toEqual([3, 2, 5]);
      const batched = both(() => tf.gather(x, perRow, 1, 1));
      expect(batched.fast).toEqual(batched.tfjs);
      tf.dispose([x, columns, perRow]);
    });

    it("throws tfjs' error for an index out of range, and leaks nothing", () => {
      const x = distinct([4, 3], 'float32');
      for (const bad of [4, -1]) {
        const idx = tf.tensor1d([0, bad], 'int32');
        const messages = [false, true].map((fast) => {
          useFastKernels(fast);
          const before = tf.memory().numTensors;
          try {
            tf.gather(x, idx);
            return 'no error';
          } catch (err) {
            expect(tf.memory().numTensors).toBe(before);
            return (err as Error).message;
          }
        });
        expect(messages[1]).toBe(messages[0]);
        expect(messages[1]).toMatch(/GatherV2: the index value .* is not in \[0, 3\]/);
        idx.dispose();
      }
      x.dispose();
    });
  });
}
