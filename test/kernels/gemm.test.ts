import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gemmOn } from '../../src/wasm/gemm';

/** The naive product with each multiply and add rounded to float32, the reference order. */
function naive(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float32Array {
  const c = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let q = 0; q < k; q++) s = Math.fround(s + Math.fround(a[i * k + q]! * b[q * n + j]!));
      c[i * n + j] = s;
    }
  }
  return c;
}

describe('the SIMD product', () => {
  it('gives the bits of the naive float32 loop for any sizes (200 random cases)', () => {
    const memory = new WebAssembly.Memory({ initial: 4 });
    const gemm = gemmOn(memory);
    expect(gemmOn(memory)).toBe(gemm); // compiled once per memory
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 37 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 41 }),
        fc.integer(),
        (m, k, n, seed) => {
          const heap = new Float32Array(memory.buffer);
          const a = Float32Array.from({ length: m * k }, (_, i) => Math.sin(seed + i) * 3);
          const b = Float32Array.from({ length: k * n }, (_, i) => Math.cos(seed - i * 1.7));
          heap.set(a, 0);
          heap.set(b, m * k);
          heap.fill(NaN, m * k + k * n, m * k + k * n + m * n); // no stale values count
          gemm(0, 4 * m * k, 4 * (m * k + k * n), m, k, n);
          const got = heap.slice(m * k + k * n, m * k + k * n + m * n);
          expect(Array.from(got)).toEqual(Array.from(naive(a, b, m, k, n)));
        },
      ),
      { numRuns: 200, seed: 3 },
    );
  });

  it('keeps those bits when the sums and rows are split into blocks (long k, many rows)', () => {
    // k past 256 runs in several calls that go on from C; rows past the block size in several
    // blocks. Each element must still be the naive loop's, bias and ReLU included.
    const memory = new WebAssembly.Memory({ initial: 64 });
    const gemm = gemmOn(memory);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 160 }),
        fc.integer({ min: 250, max: 700 }),
        fc.integer({ min: 1, max: 19 }),
        (m, k, n) => {
          const heap = new Float32Array(memory.buffer);
          const a = Float32Array.from({ length: m * k }, (_, i) => Math.sin(m + i) * 3);
          const b = Float32Array.from({ length: k * n }, (_, i) => Math.cos(k - i * 1.7));
          heap.set(a, 0);
          heap.set(b, m * k);
          heap.fill(NaN, m * k + k * n, m * k + k * n + m * n);
          gemm(0, 4 * m * k, 4 * (m * k + k * n), m, k, n);
          const got = heap.slice(m * k + k * n, m * k + k * n + m * n);
          expect(Array.from(got)).toEqual(Array.from(naive(a, b, m, k, n)));
        },
      ),
      { numRuns: 25, seed: 5 },
    );
  });
});
