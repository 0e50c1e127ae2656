/**
 * Elementwise kernels over float32 tensors of one shape, written once as a lane program and
 * compiled to a WebAssembly function that runs it four lanes at a time with SIMD and then one
 * lane at a time for the last n % 4 elements; plus the tfjs kernel functions that run such a
 * function on the wasm backend (in its heap) and on the cpu backend (in a scratch memory).
 * Internal: the optimizers' fused updates are built on it.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { cpuParts, valuesOf } from '../internals/tfjsInternals';
import { scratchMemory } from './scratchMemory';
import { offsetOf, wasmMemoryOf, wasmParts } from '../internals/tfjsInternals';
import { F32, I32, instantiateOn, op, V128, type WasmFunction } from './wasmCode';

type Code = (number[] | readonly number[])[];

/** The operations of a lane program; the same program runs on 4-lane vectors and on scalars. */
export interface Lane {
  /** Pushes element i of pointer k (an input). */
  load(k: number): Code;
  /** Stores the code's value as element i of pointer k (an output). */
  store(k: number, value: Code): Code;
  /** Pushes scalar parameter k (splat on vectors). */
  scalar(k: number): Code;
  /** Pops into / pushes temporary t. */
  set(t: number): Code;
  get(t: number): Code;
  add: Code;
  sub: Code;
  mul: Code;
  div: Code;
  sqrt: Code;
}

/** What an elementwise function takes and does. */
export interface ElementwiseSpec {
  name: string;
  /** Byte pointers (inputs, then outputs). */
  pointers: number;
  /** float32 parameters after the element count. */
  scalars: number;
  /**
   * Read the scalars from memory (an i32 byte pointer after the element count, to `scalars`
   * consecutive float32) instead of taking them as float32 parameters; a command list of
   * integers can then call the function (the engine's worker threads do).
   */
  scalarsInMemory?: boolean;
  /** Temporaries the program uses. */
  temps: number;
  program(lane: Lane): Code;
}

/**
 * The function (pointers..., n, scalars...) running `program` for i in [0, n): lanes of four
 * while they fit, then single lanes.
 */
export function elementwiseFunction(spec: ElementwiseSpec): WasmFunction {
  const n = spec.pointers;
  const inMemory = spec.scalarsInMemory === true;
  const firstScalar = n + 1;
  let next = inMemory ? n + 2 : firstScalar + spec.scalars;
  const loaded = inMemory ? Array.from({ length: spec.scalars }, () => next++) : [];
  const scalarLocal = (k: number): number => (inMemory ? (loaded[k] as number) : firstScalar + k);
  const i = next++;
  const vend = next++;
  const end = next++;
  const splats = Array.from({ length: spec.scalars }, () => next++);
  const vecTemps = Array.from({ length: spec.temps }, () => next++);
  const f32Temps = Array.from({ length: spec.temps }, () => next++);
  const at = (k: number): Code => [op.get(k), op.get(i), op.i32Add];
  const lane = (vector: boolean): Lane => ({
    load: (k) => [...at(k), vector ? op.v128Load : op.f32Load],
    store: (k, value) => [...at(k), ...value, vector ? op.v128Store : op.f32Store],
    scalar: (k) => [op.get(vector ? (splats[k] as number) : scalarLocal(k))],
    set: (t) => [op.set((vector ? vecTemps : f32Temps)[t] as number)],
    get: (t) => [op.get((vector ? vecTemps : f32Temps)[t] as number)],
    add: [vector ? op.f32x4Add : op.f32Add],
    sub: [vector ? op.f32x4Sub : op.f32Sub],
    mul: [vector ? op.f32x4Mul : op.f32Mul],
    div: [vector ? op.f32x4Div : op.f32Div],
    sqrt: [vector ? op.f32x4Sqrt : op.f32Sqrt],
  });
  const loop = (limit: number, step: number, body: Code): Code => byteLoop(i, limit, step, body);
  return {
    name: spec.name,
    params: inMemory
      ? new Array<number>(n + 2).fill(I32)
      : [...new Array<number>(n + 1).fill(I32), ...new Array<number>(spec.scalars).fill(F32)],
    locals: [
      ...new Array<number>(loaded.length).fill(F32),
      I32,
      I32,
      I32,
      ...new Array<number>(spec.scalars + spec.temps).fill(V128),
      ...new Array<number>(spec.temps).fill(F32),
    ],
    // prettier-ignore
    body: [
      ...loaded.flatMap((l, k) => [op.get(n + 1), op.i32(4 * k), op.i32Add, op.f32Load, op.set(l)]),
      ...splats.flatMap((s, k) => [op.get(scalarLocal(k)), op.f32x4Splat, op.set(s)]),
      // vend = (n & ~3) * 4, end = n * 4: byte offsets
      op.get(n), op.i32(-4), op.i32And, op.i32(4), op.i32Mul, op.set(vend),
      op.get(n), op.i32(4), op.i32Mul, op.set(end),
      op.i32(0), op.set(i),
      ...loop(vend, 16, spec.program(lane(true))),
      ...loop(end, 4, spec.program(lane(false))),
    ],
  };
}

/** `body` for the byte offset in local `i` from its value up to local `limit`, by `step`. */
function byteLoop(i: number, limit: number, step: number, body: Code): Code {
  // prettier-ignore
  return [
    op.block, op.loop,
    op.get(i), op.get(limit), op.i32GeU, op.brIf(1),
    ...body,
    op.get(i), op.i32(step), op.i32Add, op.set(i),
    op.br(0),
    op.end, op.end,
  ];
}

type Fn = (...args: number[]) => void;
const compiled = new WeakMap<WebAssembly.Memory, Map<string, Fn>>();

/** `fn` compiled against `memory`, once per memory. */
function runnable(fn: WasmFunction, memory: WebAssembly.Memory): Fn {
  let byName = compiled.get(memory);
  if (byName === undefined) compiled.set(memory, (byName = new Map<string, Fn>()));
  let run = byName.get(fn.name);
  if (run === undefined) {
    run = instantiateOn([fn], memory)[fn.name] as Fn;
    byName.set(fn.name, run);
  }
  return run;
}

/** A tfjs kernel made of an elementwise function. */
export interface UpdateKernel<A> {
  kernelName: string;
  fn: WasmFunction;
  /** The kernel's input names, in the function's pointer order. */
  inputs: readonly string[];
  /** How many outputs (shaped as the first input) follow the inputs' pointers. */
  outputs: number;
  /** The function's float32 parameters from the kernel's attributes. */
  scalars(attrs: A): number[];
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

function tensorsOf<A>(kernel: UpdateKernel<A>, args: KernelArgs): tf.TensorInfo[] {
  return kernel.inputs.map((name) => args.inputs[name] as tf.TensorInfo);
}

/** The kernel on tfjs' wasm backend: reads and writes the backend's own heap, no copies. */
export function onWasm<A>(kernel: UpdateKernel<A>): (args: KernelArgs) => tf.TensorInfo[] {
  return (args) => {
    const inputs = tensorsOf(kernel, args);
    const backend = wasmParts(args.backend);
    const memory = wasmMemoryOf(backend);
    if (backend === undefined || memory === undefined) {
      throw new Error(`${kernel.kernelName}: not tfjs' wasm backend`);
    }
    const shape = [...(inputs[0] as tf.TensorInfo).shape];
    const outs = Array.from({ length: kernel.outputs }, () => backend.makeOutput(shape, 'float32'));
    const n = shape.reduce((a, b) => a * b, 1);
    runnable(kernel.fn, memory)(
      ...[...inputs, ...outs].map((t) => offsetOf(backend, t)),
      n,
      ...kernel.scalars(args.attrs as unknown as A),
    );
    return outs;
  };
}

/** The kernel on tfjs' cpu backend: copies into the scratch memory and back. */
export function onCpu<A>(kernel: UpdateKernel<A>): (args: KernelArgs) => tf.TensorInfo[] {
  return (args) => {
    const inputs = tensorsOf(kernel, args);
    const backend = cpuParts(args.backend);
    if (backend === undefined) throw new Error(`${kernel.kernelName}: not tfjs' cpu backend`);
    const shape = [...(inputs[0] as tf.TensorInfo).shape];
    const n = shape.reduce((a, b) => a * b, 1);
    const count = inputs.length + kernel.outputs;
    const memory = scratchMemory(count * n * 4);
    const heap = new Float32Array(memory.buffer);
    inputs.forEach((t, k) => {
      const values = valuesOf(backend, t);
      if (!(values instanceof Float32Array)) {
        throw new Error(`${kernel.kernelName}: expected float32 data`);
      }
      heap.set(values, k * n);
    });
    runnable(kernel.fn, memory)(
      ...Array.from({ length: count }, (_, k) => k * n * 4),
      n,
      ...kernel.scalars(args.attrs as unknown as A),
    );
    return Array.from({ length: kernel.outputs }, (_, k) => {
      const at = (inputs.length + k) * n;
      return backend.makeTensorInfo(shape, 'float32', heap.slice(at, at + n));
    });
  };
}

/** Whether the kernel can run on `backend` (tfjs' wasm or cpu backend). */
export function runsOn(backendName: string, backend: unknown): boolean {
  if (backendName === 'wasm') return wasmMemoryOf(backend) !== undefined;
  if (backendName === 'cpu') return cpuParts(backend) !== undefined;
  return false;
}
