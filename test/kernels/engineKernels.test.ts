import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gemmFunctions, nnCalls, ntCalls, runCalls } from '../../src/wasm/gemm';
import { ThreadPool } from '../../src/engine/threads';
import { encodeModule, hasRelaxedSimd, instantiateOn } from '../../src/wasm/encoder';

const FMA = hasRelaxedSimd() ? [false, true] : [false];

/** A value a product never computes here, placed where it must not write. */
const SENTINEL = 12345.5;

/** float64 references. */
function nnRef(
  a: Float32Array,
  b: Float32Array,
  bias: Float32Array | undefined,
  m: number,
  k: number,
  n: number,
  lda: number,
  ldak: number,
  relu: boolean,
): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = bias?.[j] ?? 0;
      for (let q = 0; q < k; q++) s += a[i * lda + q * ldak]! * b[q * n + j]!;
      c[i * n + j] = relu ? Math.max(s, 0) : s;
    }
  return c;
}

function ntRef(
  a: Float32Array,
  b: Float32Array,
  mask: Float32Array | undefined,
  m: number,
  k: number,
  n: number,
): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let q = 0; q < k; q++) s += a[i * k + q]! * b[j * k + q]!;
      c[i * n + j] = mask === undefined || mask[i * n + j]! > 0 ? s : 0;
    }
  return c;
}

/** |got - want| within float32 rounding of a k-term sum: k ulps of the sum of |terms|. */
function expectClose(got: Float32Array, want: Float64Array, k: number, scale: number): void {
  const tol = (k + 2) * 2 ** -23 * scale;
  got.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThanOrEqual(tol));
}

describe("the engine's products", () => {
  for (const fma of FMA) {
    it(`nn: A B + bias with ReLU, and Aᵀ B through strides, any sizes (fma ${fma})`, () => {
      const memory = new WebAssembly.Memory({ initial: 16 });
      const exports = instantiateOn(gemmFunctions(fma), memory);
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 19 }),
          // past 256, the sums run in blocks that go on from C (bias first, ReLU last)
          fc.oneof(fc.integer({ min: 1, max: 37 }), fc.integer({ min: 250, max: 600 })),
          fc.integer({ min: 1, max: 41 }),
          fc.boolean(),
          fc.boolean(),
          fc.boolean(),
          fc.integer(),
          (m, k, n, transposed, withBias, relu, seed) => {
            const f32 = new Float32Array(memory.buffer);
            const a = Float32Array.from({ length: m * k }, (_, i) => Math.sin(seed + i));
            const b = Float32Array.from({ length: k * n }, (_, i) => Math.cos(seed - 1.3 * i));
            const bias = withBias
              ? Float32Array.from({ length: n }, (_, i) => Math.sin(i * 7))
              : undefined;
            const [A, B, C, BIAS] = [64, 64 + 4 * 32768, 64 + 8 * 32768, 64 + 12 * 32768];
            // Aᵀ: store A as its transpose [k, m] and read it with lda 1, ldak m.
            const stored = transposed
              ? Float32Array.from({ length: m * k }, (_, t) => a[(t % m) * k + Math.floor(t / m)]!)
              : a;
            f32.set(stored, A / 4);
            f32.set(b, B / 4);
            if (bias) f32.set(bias, BIAS / 4);
            // C's rows are `ldc` apart: the gap after each row (and the row after the last)
            // holds a sentinel that the tiles, partial ones included, must leave alone.
            const ldc = n + (seed & 3);
            f32.fill(SENTINEL, C / 4, C / 4 + (m + 1) * ldc);
            for (let i = 0; i < m; i++) f32.fill(NaN, C / 4 + i * ldc, C / 4 + i * ldc + n);
            const [lda, ldak] = transposed ? [1, m] : [k, 1];
            runCalls(
              exports,
              nnCalls(
                { a: A, b: B, c: C, bias: bias ? BIAS : 0, k, lda, ldak, ldb: n, ldc },
                { r0: 0, r1: m, c0: 0, c1: n },
                relu,
              ),
            );
            const want = nnRef(a, b, bias, m, k, n, k, 1, relu);
            const got = Float32Array.from({ length: m * n }, (_, t) => {
              return f32[C / 4 + Math.floor(t / n) * ldc + (t % n)]!;
            });
            expectClose(got, want, k, k + 1);
            for (let i = 0; i <= m; i++) {
              const from = i === m ? 0 : n;
              for (let j = from; j < ldc; j++) expect(f32[C / 4 + i * ldc + j]).toBe(SENTINEL);
            }
          },
        ),
        { numRuns: 150, seed: 7 },
      );
    });

    it(`nt: A Bᵀ masked by M > 0, any sizes and blocks (fma ${fma})`, () => {
      const memory = new WebAssembly.Memory({ initial: 16 });
      const exports = instantiateOn(gemmFunctions(fma), memory);
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 19 }),
          // long sums too (the products split k into blocks only in nn)
          fc.oneof(fc.integer({ min: 1, max: 37 }), fc.integer({ min: 250, max: 600 })),
          fc.integer({ min: 1, max: 41 }),
          fc.boolean(),
          fc.integer(),
          (m, k, n, masked, seed) => {
            const f32 = new Float32Array(memory.buffer);
            const a = Float32Array.from({ length: m * k }, (_, i) => Math.sin(seed + i));
            const b = Float32Array.from({ length: n * k }, (_, i) => Math.cos(seed - 1.3 * i));
            const mask = masked
              ? Float32Array.from({ length: m * n }, (_, i) =>
                  i % 3 === 0 ? 0 : i % 5 === 0 ? NaN : 1,
                )
              : undefined;
            const [A, B, C, M] = [64, 64 + 4 * 32768, 64 + 8 * 32768, 64 + 12 * 32768];
            f32.set(a, A / 4);
            f32.set(b, B / 4);
            if (mask) f32.set(mask, M / 4);
            f32.fill(NaN, C / 4, C / 4 + m * n);
            // Two blocks of columns, as two threads would split them.
            const half = Math.floor(n / 2);
            for (const [c0, c1] of [
              [0, half],
              [half, n],
            ] as const) {
              runCalls(
                exports,
                ntCalls(
                  { a: A, b: B, c: C, mask: mask ? M : 0, k, lda: k, ldb: k, ldc: n, ldm: n },
                  { r0: 0, r1: m, c0, c1 },
                ),
              );
            }
            expectClose(f32.slice(C / 4, C / 4 + m * n), ntRef(a, b, mask, m, k, n), k, k);
          },
        ),
        { numRuns: 150, seed: 8 },
      );
    });
  }
});

describe("the engine's worker threads", () => {
  it('run calls on a shared memory, and report a worker failure as an error', async () => {
    const fns = gemmFunctions(false);
    const memory = new WebAssembly.Memory({ initial: 64, maximum: 64, shared: true });
    const module = new WebAssembly.Module(encodeModule(fns, true));
    const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
    const pool = await ThreadPool.start(
      1,
      module,
      memory,
      2 * 65536,
      fns.map((f) => f.name),
    );
    const f32 = new Float32Array(memory.buffer);
    f32.set([1, 2, 3, 4], 16); // A 2x2 at byte 64
    f32.set([1, 0, 0, 1], 32); // B identity at byte 128
    const args = { a: 64, b: 128, c: 192, bias: 0, k: 2, lda: 2, ldak: 1, ldb: 2, ldc: 2 };
    pool.run(
      [
        nnCalls(args, { r0: 0, r1: 2, c0: 0, c1: 1 }, false),
        nnCalls(args, { r0: 0, r1: 2, c0: 1, c1: 2 }, false),
      ],
      (own) => runCalls(exports, own),
    );
    expect(Array.from(f32.slice(48, 52))).toEqual([1, 2, 3, 4]);
    // A pointer past the end of memory traps in the worker; the caller gets its message.
    expect(() =>
      pool.run(
        [[], nnCalls({ ...args, a: 64 * 65536 }, { r0: 0, r1: 2, c0: 0, c1: 2 }, false)],
        () => undefined,
      ),
    ).toThrow(/^dense engine: a worker thread failed: .*out of bounds/);
    pool.dispose();
  });
});

describe("starting the engine's worker threads is bounded", () => {
  const fns = gemmFunctions(false);
  const start = (bound: number, host: string) => {
    const memory = new WebAssembly.Memory({ initial: 64, maximum: 64, shared: true });
    const module = new WebAssembly.Module(encodeModule(fns, true));
    const names = fns.map((f) => f.name);
    return ThreadPool.start(2, module, memory, 2 * 65536, names, bound, host);
  };

  it('a worker that starts but never answers: an error naming it, once the bound has passed', async () => {
    // A real worker thread whose start-up code never calls the engine's handler.
    const began = Date.now();
    await expect(
      start(400, 'function start() { setInterval(function () {}, 1000); }'),
    ).rejects.toThrow(
      /^worker thread 1 of 2 did not answer within 400 ms \(a page's Content-Security-Policy may block blob: workers, or the machine is overloaded\)$/,
    );
    const took = Date.now() - began;
    expect(took).toBeGreaterThanOrEqual(390);
    expect(took).toBeLessThan(3_000);
  });

  it('a worker that fails while starting: its own error, without waiting for the bound', async () => {
    const began = Date.now();
    await expect(
      start(20_000, "function start() { throw new Error('no engine here'); }"),
    ).rejects.toThrow(/no engine here/);
    expect(Date.now() - began).toBeLessThan(3_000);
  });
});
