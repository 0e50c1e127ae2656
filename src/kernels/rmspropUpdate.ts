/**
 * One kernel for a whole RMSprop step of one variable: the new value, mean square and moment in
 * a single pass over memory, with WebAssembly SIMD, instead of tfjs' chain of about 14
 * elementwise kernels (each allocating and walking a full-size tensor). Same float32 arithmetic,
 * operation for operation, as tfjs' RMSPropOptimizer, so the results are identical.
 * Internal: installed by useFastKernels, used by the optimizer createOptimizer makes.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { cpuParts, scratchMemory, valuesOf } from './cpuBackend';
import { offsetOf, wasmMemoryOf, wasmParts } from './wasmBackend';
import { encodeModule, F32, I32, op, V128, type WasmFunction } from './wasmCode';

/** The kernel's name in tfjs' registry. */
export const RMSPROP_UPDATE = 'DenselabRMSPropUpdate';

/** Its attributes: the optimizer's hyperparameters. */
export interface RMSPropUpdateAttrs {
  learningRate: number;
  rho: number;
  momentum: number;
  epsilon: number;
}

// Parameters: byte pointers to value, gradient, meanSquare, moment and the three outputs; the
// element count; then learningRate, rho, 1 - rho, epsilon, momentum. Then the locals.
const p = { w: 0, g: 1, ms: 2, mom: 3, ow: 4, oms: 5, omom: 6, n: 7 } as const;
const h = { lr: 8, rho: 9, rho1: 10, eps: 11, momentum: 12 } as const;
const v = { lr: 18, rho: 19, rho1: 20, eps: 21, momentum: 22 } as const; // h as f32x4 splats
const l = { i: 13, vend: 14, end: 15, g: 16, s: 17, m: 23, g1: 24, s1: 25, m1: 26 } as const;

const at = (pointer: number): number[] => [...op.get(pointer), ...op.get(l.i), ...op.i32Add];

const RMSPROP: WasmFunction = {
  name: 'rmsprop',
  params: [I32, I32, I32, I32, I32, I32, I32, I32, F32, F32, F32, F32, F32],
  // l.i, l.vend, l.end; l.g, l.s, v.*, l.m; l.g1, l.s1, l.m1
  locals: [I32, I32, I32, V128, V128, V128, V128, V128, V128, V128, V128, F32, F32, F32],
  // prettier-ignore
  body: [
    ...(['lr', 'rho', 'rho1', 'eps', 'momentum'] as const).flatMap((k) => [op.get(h[k]), op.f32x4Splat, op.set(v[k])]),
    // vend = (n & ~3) * 4, end = n * 4 (byte offsets)
    op.get(p.n), op.i32(-4), op.i32And, op.i32(4), op.i32Mul, op.set(l.vend),
    op.get(p.n), op.i32(4), op.i32Mul, op.set(l.end),
    op.i32(0), op.set(l.i),
    // Four lanes at a time.
    op.block, op.loop,
    op.get(l.i), op.get(l.vend), op.i32GeU, op.brIf(1),
    at(p.g), op.v128Load, op.set(l.g),
    // s = ms * rho + (g * g) * (1 - rho)
    at(p.ms), op.v128Load, op.get(v.rho), op.f32x4Mul,
    op.get(l.g), op.get(l.g), op.f32x4Mul, op.get(v.rho1), op.f32x4Mul,
    op.f32x4Add, op.set(l.s),
    // m = mom * momentum + (g * lr) / sqrt(s + eps)
    at(p.mom), op.v128Load, op.get(v.momentum), op.f32x4Mul,
    op.get(l.g), op.get(v.lr), op.f32x4Mul,
    op.get(l.s), op.get(v.eps), op.f32x4Add, op.f32x4Sqrt,
    op.f32x4Div, op.f32x4Add, op.set(l.m),
    at(p.oms), op.get(l.s), op.v128Store,
    at(p.omom), op.get(l.m), op.v128Store,
    // w - m
    at(p.ow), at(p.w), op.v128Load, op.get(l.m), op.f32x4Sub, op.v128Store,
    op.get(l.i), op.i32(16), op.i32Add, op.set(l.i),
    op.br(0),
    op.end, op.end,
    // The last n % 4 elements, the same arithmetic one lane at a time.
    op.block, op.loop,
    op.get(l.i), op.get(l.end), op.i32GeU, op.brIf(1),
    at(p.g), op.f32Load, op.set(l.g1),
    at(p.ms), op.f32Load, op.get(h.rho), op.f32Mul,
    op.get(l.g1), op.get(l.g1), op.f32Mul, op.get(h.rho1), op.f32Mul,
    op.f32Add, op.set(l.s1),
    at(p.mom), op.f32Load, op.get(h.momentum), op.f32Mul,
    op.get(l.g1), op.get(h.lr), op.f32Mul,
    op.get(l.s1), op.get(h.eps), op.f32Add, op.f32Sqrt,
    op.f32Div, op.f32Add, op.set(l.m1),
    at(p.oms), op.get(l.s1), op.f32Store,
    at(p.omom), op.get(l.m1), op.f32Store,
    at(p.ow), at(p.w), op.f32Load, op.get(l.m1), op.f32Sub, op.f32Store,
    op.get(l.i), op.i32(4), op.i32Add, op.set(l.i),
    op.br(0),
    op.end, op.end,
  ],
};

type RMSPropFn = (
  w: number,
  g: number,
  ms: number,
  mom: number,
  ow: number,
  oms: number,
  omom: number,
  n: number,
  lr: number,
  rho: number,
  rho1: number,
  eps: number,
  momentum: number,
) => void;

const instances = new WeakMap<WebAssembly.Memory, RMSPropFn>();
let simdSupport: boolean | undefined;

/** Whether this JavaScript engine runs WebAssembly SIMD. */
export function hasWasmSimd(): boolean {
  simdSupport ??=
    typeof WebAssembly === 'object' && WebAssembly.validate(encodeModule([RMSPROP], false));
  return simdSupport;
}

/** The kernel compiled against `memory`, once per memory. */
function rmspropOn(memory: WebAssembly.Memory): RMSPropFn {
  let fn = instances.get(memory);
  if (fn === undefined) {
    const shared =
      typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const module = new WebAssembly.Module(encodeModule([RMSPROP], shared));
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    fn = instance.exports['rmsprop'] as RMSPropFn;
    instances.set(memory, fn);
  }
  return fn;
}

/** Whether the kernel can run on `backend` (tfjs' wasm or cpu backend, with WebAssembly SIMD). */
export function rmspropUpdateRuns(backendName: string, backend: unknown): boolean {
  if (!hasWasmSimd()) return false;
  if (backendName === 'wasm') return wasmMemoryOf(backend) !== undefined;
  if (backendName === 'cpu') return cpuParts(backend) !== undefined;
  return false;
}

interface UpdateInputs {
  value: tf.TensorInfo;
  gradient: tf.TensorInfo;
  meanSquare: tf.TensorInfo;
  moment: tf.TensorInfo;
}

const scalars = (a: RMSPropUpdateAttrs): [number, number, number, number, number] => [
  Math.fround(a.learningRate),
  Math.fround(a.rho),
  Math.fround(1 - a.rho),
  Math.fround(a.epsilon),
  Math.fround(a.momentum),
];

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The wasm backend's kernel: reads and writes the backend's own memory, without copies. */
export function rmspropUpdateWasm(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo[] {
  const { value, gradient, meanSquare, moment } = args.inputs as unknown as UpdateInputs;
  const backend = wasmParts(args.backend);
  const memory = wasmMemoryOf(backend);
  if (backend === undefined || memory === undefined) {
    throw new Error(`${RMSPROP_UPDATE}: not tfjs' wasm backend`);
  }
  const outs = [0, 1, 2].map(() => backend.makeOutput([...value.shape], 'float32'));
  const offset = (t: tf.TensorInfo): number => offsetOf(backend, t);
  const [ow, oms, omom] = outs.map(offset) as [number, number, number];
  rmspropOn(memory)(
    offset(value),
    offset(gradient),
    offset(meanSquare),
    offset(moment),
    ow,
    oms,
    omom,
    sizeOf(value.shape),
    ...scalars(args.attrs as unknown as RMSPropUpdateAttrs),
  );
  return outs;
}

/** The cpu backend's kernel: copies into the scratch WebAssembly memory and back. */
export function rmspropUpdateCpu(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo[] {
  const { value, gradient, meanSquare, moment } = args.inputs as unknown as UpdateInputs;
  const backend = cpuParts(args.backend);
  if (backend === undefined) throw new Error(`${RMSPROP_UPDATE}: not tfjs' cpu backend`);
  const n = sizeOf(value.shape);
  const bytes = n * 4;
  const memory = scratchMemory(7 * bytes);
  const heap = new Float32Array(memory.buffer);
  [value, gradient, meanSquare, moment].forEach((t, i) => {
    const values = valuesOf(backend, t);
    if (!(values instanceof Float32Array)) {
      throw new Error(`${RMSPROP_UPDATE}: expected float32 data`);
    }
    heap.set(values, i * n);
  });
  rmspropOn(memory)(
    0,
    bytes,
    2 * bytes,
    3 * bytes,
    4 * bytes,
    5 * bytes,
    6 * bytes,
    n,
    ...scalars(args.attrs as unknown as RMSPropUpdateAttrs),
  );
  return [4, 5, 6].map((k) =>
    backend.makeTensorInfo([...value.shape], 'float32', heap.slice(k * n, (k + 1) * n)),
  );
}
