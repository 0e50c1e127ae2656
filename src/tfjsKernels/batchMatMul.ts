/**
 * BatchMatMul for tfjs' wasm and cpu backends. On wasm, tfjs 4.22 hands only untransposed
 * products to XNNPACK (with `transposeA` or `transposeB`, every Dense layer's backward pass, it
 * runs a plain loop 10 to 20 times slower), and XNNPACK repacks B for every new B (the weights,
 * after every training step). The wasm kernel rearranges transposed products for XNNPACK and
 * sends short products with a new B to denselab's SIMD product; the cpu kernel replaces tfjs'
 * JavaScript loops with that product. Internal: installed by useFastKernels.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { cpuParts, valuesOf } from '../internals/tfjsInternals';
import { scratchMemory } from './scratchMemory';
import { gemmOn } from '../wasm/gemm';
import { offsetOf, wasmMemoryOf, wasmParts, xnnpackThreads } from '../internals/tfjsInternals';

type KernelFunc = tf.KernelConfig['kernelFunc'];

interface MatMulArgs {
  inputs: { a: tf.TensorInfo; b: tf.TensorInfo };
  backend: tf.KernelBackend;
  attrs: { transposeA: boolean; transposeB: boolean };
}

/**
 * A BatchMatMul kernel function that calls `plain` (tfjs' own kernel) only without transposes,
 * moving data with `transpose` (tfjs' own Transpose kernel of the same backend).
 */
export function untransposedBatchMatMul(plain: KernelFunc, transpose: KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as MatMulArgs;
    const { transposeA, transposeB } = attrs;
    if (!transposeA && !transposeB) return plain(args);
    const temporaries: tf.TensorInfo[] = [];
    /** x with its last two axes swapped; a temporary unless it is the result. */
    const swapLastTwo = (x: tf.TensorInfo, result = false): tf.TensorInfo => {
      const rank = x.shape.length;
      const perm = Array.from({ length: rank }, (_, i) => i);
      perm[rank - 1] = rank - 2;
      perm[rank - 2] = rank - 1;
      const out = transpose({ inputs: { x }, backend, attrs: { perm } }) as tf.TensorInfo;
      if (!result) temporaries.push(out);
      return out;
    };
    const multiply = (a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo =>
      plain({
        ...args,
        inputs: { a, b },
        attrs: { ...attrs, transposeA: false, transposeB: false },
      }) as tf.TensorInfo;
    try {
      const { a, b } = inputs;
      const ra = a.shape.length;
      const rb = b.shape.length;
      // The product is [m, k] x [k, n] once the transposes are applied.
      const m = a.shape[transposeA ? ra - 1 : ra - 2] as number;
      const k = a.shape[transposeA ? ra - 2 : ra - 1] as number;
      const n = b.shape[transposeB ? rb - 2 : rb - 1] as number;
      // A^T B^T = (B A)^T: one transpose, of the result.
      // A B^T = (B A^T)^T: cheaper than transposing B when B is the big one (a weight matrix
      // against a batch), which also spares XNNPACK packing B as its weights.
      const swap = transposeA ? transposeB : m * k + m * n < n * k;
      if (swap) {
        const product = multiply(b, transposeA ? a : swapLastTwo(a));
        temporaries.push(product);
        return swapLastTwo(product, true);
      }
      return multiply(transposeA ? swapLastTwo(a) : a, transposeB ? swapLastTwo(b) : b);
    } finally {
      for (const t of temporaries) backend.disposeData(t.dataId);
    }
  };
}

/** B operands XNNPACK has seen: it keeps their packed copy, so it is faster from then on. */
const seenByXnnpack = new WeakSet<object>();

/**
 * Products of at most this many rows go to denselab's SIMD product when XNNPACK has not packed
 * B before: packing costs about as much as the product itself for a batch of 32, and training
 * changes the weights every step. Longer products amortise the packing; XNNPACK's kernel wins.
 */
export const GEMM_MAX_ROWS = 256;

interface Operands {
  a: tf.TensorInfo;
  b: tf.TensorInfo;
  m: number;
  k: number;
  n: number;
}

/** The untransposed, unbatched float32 product's sizes, or undefined for anything else. */
function plainOperands(args: MatMulArgs): Operands | undefined {
  const { a, b } = args.inputs;
  if (args.attrs.transposeA || args.attrs.transposeB) return undefined;
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
  const unbatched = (s: readonly number[]): boolean =>
    s.length === 2 || (s.length === 3 && s[0] === 1);
  if (!unbatched(a.shape) || !unbatched(b.shape)) return undefined;
  const [m, k] = a.shape.slice(-2) as [number, number];
  const [k2, n] = b.shape.slice(-2) as [number, number];
  if (k !== k2) return undefined; // tfjs' kernel reports it
  return { a, b, m, k, n };
}

/** The output shape tfjs' BatchMatMul gives an unbatched product. */
const outShape = (o: Operands): number[] =>
  o.a.shape.length === 3 || o.b.shape.length === 3 ? [1, o.m, o.n] : [o.m, o.n];

/**
 * wasm's untransposed BatchMatMul: denselab's SIMD product, in the backend's own memory, for
 * short products whose B XNNPACK has not packed; tfjs' (XNNPACK) kernel otherwise.
 */
export function wasmGemmBatchMatMul(plain: KernelFunc): KernelFunc {
  return (args) => {
    const o = plainOperands(args as unknown as MatMulArgs);
    const backend = wasmParts(args.backend);
    const memory = wasmMemoryOf(backend);
    if (o === undefined || backend === undefined || memory === undefined) return plain(args);
    // With the threaded build XNNPACK has several cores; this product has one.
    if (xnnpackThreads(backend) > 1) return plain(args);
    const known = seenByXnnpack.has(o.b.dataId);
    seenByXnnpack.add(o.b.dataId); // from its second time on, XNNPACK's packed copy wins
    if (known || o.m > GEMM_MAX_ROWS) return plain(args);
    const out = backend.makeOutput(outShape(o), 'float32');
    gemmOn(memory)(
      offsetOf(backend, o.a),
      offsetOf(backend, o.b),
      offsetOf(backend, out),
      o.m,
      o.k,
      o.n,
    );
    return out;
  };
}

/**
 * cpu's BatchMatMul for unbatched float32 products, transposed or not: the operands are copied
 * (transposed where asked) into a scratch WebAssembly memory for denselab's SIMD product, which
 * is 20 to 40 times faster than tfjs' JavaScript loops. Batched products go to tfjs' kernel.
 */
export function cpuGemmBatchMatMul(plain: KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, attrs } = args as unknown as MatMulArgs;
    const parts = cpuParts(args.backend);
    const untransposed = plainOperands({
      ...(args as unknown as MatMulArgs),
      attrs: { transposeA: false, transposeB: false },
      inputs: {
        a: attrs.transposeA ? swapped(inputs.a) : inputs.a,
        b: attrs.transposeB ? swapped(inputs.b) : inputs.b,
      },
    });
    if (parts === undefined || untransposed === undefined) return plain(args);
    const aValues = valuesOf(parts, inputs.a);
    const bValues = valuesOf(parts, inputs.b);
    if (!(aValues instanceof Float32Array) || !(bValues instanceof Float32Array)) {
      return plain(args);
    }
    const { m, k, n } = untransposed;
    const memory = scratchMemory(4 * (m * k + k * n + m * n));
    const heap = new Float32Array(memory.buffer);
    copyInto(heap, 0, aValues, m, k, attrs.transposeA);
    copyInto(heap, m * k, bValues, k, n, attrs.transposeB);
    gemmOn(memory)(0, 4 * m * k, 4 * (m * k + k * n), m, k, n);
    const c = heap.slice(m * k + k * n, m * k + k * n + m * n);
    return parts.makeTensorInfo(outShape(untransposed), 'float32', c);
  };
}

/** The info with its last two axes' sizes swapped (for shape checks only). */
function swapped(t: tf.TensorInfo): tf.TensorInfo {
  const s = [...t.shape];
  const r = s.length;
  if (r >= 2) [s[r - 2], s[r - 1]] = [s[r - 1] as number, s[r - 2] as number];
  return { ...t, shape: s };
}

/** Writes a rows x cols matrix at `at`, from `values` stored as it is or transposed. */
function copyInto(
  heap: Float32Array,
  at: number,
  values: Float32Array,
  rows: number,
  cols: number,
  transposed: boolean,
): void {
  if (!transposed) {
    heap.set(values.subarray(0, rows * cols), at);
    return;
  }
  // values is cols x rows; block by 32 for cache-friendly reads and writes
  for (let i0 = 0; i0 < rows; i0 += 32) {
    for (let j0 = 0; j0 < cols; j0 += 32) {
      const i1 = Math.min(i0 + 32, rows);
      const j1 = Math.min(j0 + 32, cols);
      for (let i = i0; i < i1; i++) {
        for (let j = j0; j < j1; j++) heap[at + i * cols + j] = values[j * rows + i] as number;
      }
    }
  }
}
