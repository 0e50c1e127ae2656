/**
 * Every private or undocumented part of tfjs that denselab reads or writes, in one place. Each
 * is checked by a test of its own (test/internals/tfjsInternals.test.ts) that fails loudly when
 * a tfjs upgrade renames or removes it. Internal: nothing here is exported from the package.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerKind } from '../rules/optimizers';
import * as tfl from '@tensorflow/tfjs-layers';

/**
 * Whether a tfjs-layers model was disposed: tfjs keeps a reference count on every layer and
 * container (`_refCount`, protected) that `dispose()` takes to 0.
 */
export function isModelDisposed(model: tfl.LayersModel): boolean {
  return (model as unknown as { _refCount: number | null })._refCount === 0;
}

/**
 * Makes `model.dispose()` dispose the model's optimizer too (`isOptimizerOwned`, protected).
 * tfjs owns an optimizer only when `compile` created it from a string (with tfjs' own
 * defaults); denselab compiles with optimizer instances (Keras' defaults) and
 * `loadLayersModel` restores one from a saved training config, and both would leak the
 * optimizer's slot variables on dispose otherwise.
 */
export function ownOptimizer(model: tfl.LayersModel): void {
  (model as unknown as { isOptimizerOwned: boolean }).isOptimizerOwned = true;
}

/**
 * Replaces a compiled model's optimizer. A Sequential keeps its own `optimizer_` (private, the
 * one its dispose() releases) besides its inner model's, and the public setter updates only
 * the inner one; both are set here.
 */
export function replaceOptimizer(model: tfl.LayersModel, optimizer: tf.Optimizer): void {
  model.optimizer = optimizer;
  const m = model as unknown as { optimizer_?: tf.Optimizer };
  if ('optimizer_' in m) m.optimizer_ = optimizer;
}

/** Whether `model.dispose()` disposes its optimizer (see {@link ownOptimizer}). */
export function ownsOptimizer(model: tfl.LayersModel): boolean {
  return (model as unknown as { isOptimizerOwned?: boolean }).isOptimizerOwned === true;
}

/** The layers whose outputs feed `layer` (its inbound nodes' layers; protected in tfjs). */
export function inboundLayers(layer: tfl.layers.Layer): unknown[] {
  const nodes = (layer as unknown as { inboundNodes?: { inboundLayers?: unknown[] }[] })
    .inboundNodes;
  return (nodes ?? []).flatMap((n) => n.inboundLayers ?? []);
}

/**
 * The loss function `compile` resolved for the model's first output (`lossFunctions`, kept on
 * the inner model of a Sequential).
 */
export function compiledLoss(
  model: tfl.LayersModel,
): ((yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor) | undefined {
  type WithLosses = { lossFunctions?: unknown[]; model?: WithLosses };
  const m = model as unknown as WithLosses;
  const fn = (m.model?.lossFunctions ?? m.lossFunctions)?.[0];
  return typeof fn === 'function'
    ? (fn as (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor)
    : undefined;
}

// ------------------------------------------------------------------- optimizer slot state

/** One slot variable of a tfjs optimizer, as tfjs keeps it. */
export interface Slot {
  originalName: string;
  variable: tf.Variable;
}

/**
 * The private slot lists of tfjs' optimizers, in the order of denselab's update rules (see
 * src/rules/optimizers.ts): slot list s holds slot s of each variable, by the variable's
 * position in applyGradients' argument. Centered RMSprop's third list is `accumulatedMeanGrads`.
 */
const SLOT_FIELDS: Record<OptimizerKind, readonly string[]> = {
  sgd: [],
  momentum: ['accumulations'],
  rmsprop: ['accumulatedMeanSquares', 'accumulatedMoments', 'accumulatedMeanGrads'],
  adam: ['accumulatedFirstMoment', 'accumulatedSecondMoment'],
  adamax: ['accumulatedFirstMoment', 'accumulatedWeightedInfNorm'],
  adagrad: ['accumulatedGrads'],
  adadelta: ['accumulatedGrads', 'accumulatedUpdates'],
};

/**
 * The optimizer's first `count` slot lists (tfjs fills them as it steps; a list may be
 * undefined on a tfjs that renamed it).
 */
export function slotLists(optimizer: tf.Optimizer, kind: OptimizerKind, count: number): Slot[][] {
  const o = optimizer as unknown as Record<string, Slot[] | undefined>;
  return (SLOT_FIELDS[kind] ?? []).slice(0, count).map((field) => {
    if (kind === 'rmsprop' && field === 'accumulatedMeanGrads') o[field] ??= [];
    const list = o[field];
    if (!Array.isArray(list)) throw new Error(`tfjs' ${kind} optimizer has no ${field} list`);
    return list;
  });
}

/**
 * The scalar variables of tfjs' optimizers that advance every step besides the iteration count
 * (the state of denselab's rules): Adam's `accBeta1` and `accBeta2`, Adamax' `accBeta1` and
 * `iteration`; none for the others.
 */
export function stateVariables(optimizer: tf.Optimizer, kind: OptimizerKind): tf.Variable[] {
  const fields =
    kind === 'adam' ? ['accBeta1', 'accBeta2'] : kind === 'adamax' ? ['accBeta1', 'iteration'] : [];
  const o = optimizer as unknown as Record<string, unknown>;
  const isVariable = (x: unknown): x is tf.Variable => x instanceof tf.Variable;
  return fields.map((field) => {
    const v = o[field];
    if (!isVariable(v)) throw new Error(`tfjs' ${kind} optimizer has no ${field} variable`);
    return v;
  });
}

// ------------------------------------------------------------------------- backend internals

/**
 * Keeps tfjs' cpu backend from printing its "Hi, looks like you are running TensorFlow.js in
 * Node.js" banner, which it writes before its first tensor while `firstUse` (private) is true.
 */
export function quietCpuBackend(backend: unknown): void {
  const b = backend as { firstUse?: boolean };
  if (typeof b.firstUse === 'boolean') b.firstUse = false;
}

export interface WasmBackendParts {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  /** tfjs' DataStorage: `get` moves a tensor's data here from another backend; `has` does not. */
  dataIdMap: {
    get(dataId: tf.DataId): { memoryOffset: number } | undefined;
    has(dataId: tf.DataId): boolean;
  };
  wasm: {
    HEAPU8: Uint8Array;
    asm?: { memory?: unknown };
    wasmExports?: { memory?: unknown };
    tfjs?: { getThreadsCount?: () => number };
  };
}

/** The backend as WasmBackendParts, or undefined when it does not look like tfjs' wasm backend. */
export function wasmParts(backend: unknown): WasmBackendParts | undefined {
  const parts = backend as Partial<WasmBackendParts>;
  if (
    typeof parts.makeOutput !== 'function' ||
    typeof parts.dataIdMap?.get !== 'function' ||
    typeof parts.dataIdMap.has !== 'function' ||
    !(parts.wasm?.HEAPU8 instanceof Uint8Array)
  ) {
    return undefined;
  }
  return parts as WasmBackendParts;
}

/** The wasm backend's WebAssembly memory, when it can be found. */
export function wasmMemoryOf(backend: unknown): WebAssembly.Memory | undefined {
  const parts = wasmParts(backend);
  const memory = parts?.wasm.asm?.memory ?? parts?.wasm.wasmExports?.memory;
  return memory instanceof WebAssembly.Memory ? memory : undefined;
}

/** Where a tensor's data starts in the wasm heap, in bytes. */
export function offsetOf(backend: WasmBackendParts, t: tf.TensorInfo): number {
  const data = backend.dataIdMap.get(t.dataId);
  if (data === undefined) throw new Error('denselab kernel: tensor data not found on wasm');
  return data.memoryOffset;
}

/** Bytes per element of the dtypes the copy kernels handle (wasm keeps bool as one byte). */
export const COPY_BYTES: Partial<Record<tf.DataType, number>> = { float32: 4, int32: 4, bool: 1 };

/** The current heap (read it after every allocation: growing memory replaces the buffer). */
export function heap(backend: WasmBackendParts): Uint8Array {
  return backend.wasm.HEAPU8;
}

/**
 * How many threads tfjs' wasm build runs XNNPACK on: 1 in Node and in pages that are not
 * cross-origin isolated, more with the threaded build.
 */
export function xnnpackThreads(backend: WasmBackendParts): number {
  const count = backend.wasm.tfjs?.getThreadsCount?.();
  return typeof count === 'number' && count > 0 ? count : 1;
}

export interface CpuBackendParts {
  /** tfjs' DataStorage: `get` moves a tensor's data here from another backend; `has` does not. */
  data: {
    get(dataId: tf.DataId): { values?: unknown } | undefined;
    has(dataId: tf.DataId): boolean;
  };
  makeTensorInfo(
    shape: number[],
    dtype: tf.DataType,
    values: tf.backend_util.TypedArray,
  ): tf.TensorInfo;
}

/** The backend as CpuBackendParts, or undefined when it does not look like tfjs' cpu backend. */
export function cpuParts(backend: unknown): CpuBackendParts | undefined {
  const parts = backend as Partial<CpuBackendParts>;
  return typeof parts.makeTensorInfo === 'function' &&
    typeof parts.data?.get === 'function' &&
    typeof parts.data.has === 'function'
    ? (parts as CpuBackendParts)
    : undefined;
}

/** A tensor's values on the cpu backend. */
export function valuesOf(backend: CpuBackendParts, t: tf.TensorInfo): unknown {
  return backend.data.get(t.dataId)?.values;
}

/**
 * A float32 tensor's values where tfjs keeps them (the wasm heap, the cpu backend's array),
 * without a copy, or undefined on other backends and for a tensor whose data is still on
 * another backend (tfjs moves it when it is read); read it at once (tfjs' heap may move when
 * it next allocates).
 */
export function valuesInPlace(x: tf.Tensor): Float32Array | undefined {
  if (x.dtype !== 'float32') return undefined;
  const backend = tf.backend();
  const wasm = wasmParts(backend);
  if (wasm !== undefined) {
    if (!wasm.dataIdMap.has(x.dataId)) return undefined;
    return new Float32Array(heap(wasm).buffer, offsetOf(wasm, x), x.size);
  }
  const cpu = cpuParts(backend);
  const values = cpu?.data.has(x.dataId) === true ? valuesOf(cpu, x) : undefined;
  return values instanceof Float32Array ? values : undefined;
}

/**
 * A new float32 tensor's storage in tfjs' wasm heap, to be filled in place and then made a
 * tensor (one allocation instead of a JavaScript array copied into the heap), or undefined on
 * other backends. Fill `values` at once: the heap may move when tfjs next allocates.
 */
export function float32InPlace(
  shape: number[],
): { values: Float32Array; tensor(): tf.Tensor } | undefined {
  const wasm = wasmParts(tf.backend());
  if (wasm === undefined) return undefined;
  const info = wasm.makeOutput(shape, 'float32');
  const size = shape.reduce((a, b) => a * b, 1);
  return {
    values: new Float32Array(heap(wasm).buffer, offsetOf(wasm, info), size),
    tensor: () => tf.engine().makeTensorFromTensorInfo(info),
  };
}

/**
 * The hooks of tfjs-layers' `BaseCallback` (not exported: the parent class of `CustomCallback`
 * and of `Callback`, whose methods are empty async no-ops). A callback whose hook is still the
 * base one does not implement it.
 */
export function baseCallbackHooks(): Record<string, unknown> {
  return Object.getPrototypeOf(tfl.CustomCallback.prototype) as Record<string, unknown>;
}

/**
 * For a tfjs-layers `CustomCallback`, whether it was given the hook (it stores each function
 * of its args under the hook's short name, protected: `batchEnd` for `onBatchEnd`); undefined
 * for any other object.
 */
export function customCallbackHas(callback: object, hook: string): boolean | undefined {
  if (!(callback instanceof tfl.CustomCallback)) return undefined;
  const short = hook.charAt(2).toLowerCase() + hook.slice(3);
  return typeof (callback as unknown as Record<string, unknown>)[short] === 'function';
}

/**
 * What a tfjs-layers `EarlyStopping` watches (`monitor`, protected: `'val_loss'` unless given);
 * undefined for any other callback.
 */
export function earlyStoppingMonitor(callback: object): string | undefined {
  if (!(callback instanceof tfl.EarlyStopping)) return undefined;
  const monitor = (callback as unknown as { monitor?: unknown }).monitor;
  return typeof monitor === 'string' ? monitor : undefined;
}

/**
 * Emscripten's process handlers in tfjs-backend-wasm's Node build: once its module starts it
 * adds an `uncaughtException` listener that rethrows (Node then exits with code 7 from inside
 * tfjs) and an `unhandledRejection` listener that throws, and removes them only in the
 * module's `_dispose`, which tfjs never calls. Recognised by their source text.
 */
export function emscriptenProcessListeners(): {
  event: 'uncaughtException' | 'unhandledRejection';
  listener: (...args: unknown[]) => void;
}[] {
  const proc = (globalThis as { process?: NodeJS.Process }).process;
  if (proc === undefined || typeof proc.listeners !== 'function') return [];
  const found: ReturnType<typeof emscriptenProcessListeners> = [];
  for (const listener of proc.listeners('uncaughtException')) {
    if (/instanceof ExitStatus/.test(String(listener))) {
      found.push({ event: 'uncaughtException', listener: listener as (...a: unknown[]) => void });
    }
  }
  for (const listener of proc.listeners('unhandledRejection')) {
    if (/^function\s*\(reason\)\s*\{\s*throw reason;?\s*\}$/.test(String(listener))) {
      found.push({ event: 'unhandledRejection', listener: listener as (...a: unknown[]) => void });
    }
  }
  return found;
}

/**
 * Makes tfjs forget a backend initialisation still in flight (tfjs-core's engine keeps its
 * number in `pendingBackendInitId` and the promise in `pendingBackendInit`, both private): a
 * later answer from the abandoned backend is then discarded as outdated, as tfjs does when
 * another backend was set meanwhile, instead of replacing the backend chosen since.
 */
export function abandonBackendInit(): void {
  const engine = tf.engine() as unknown as {
    pendingBackendInitId: number;
    pendingBackendInit: Promise<boolean> | null;
  };
  engine.pendingBackendInitId++;
  engine.pendingBackendInit = null;
}

/**
 * Whether tfjs has already created the backend `name` (tfjs-core's engine keeps instances in
 * `registry`, private). `tf.findBackend` cannot tell: it starts the backend when it was not.
 */
export function backendCreated(name: string): boolean {
  const registry = (tf.engine() as unknown as { registry: Record<string, unknown> }).registry;
  return registry[name] != null;
}

/**
 * The GPUDevice of tfjs' WebGPU backend (`WebGPUBackend.device`, public in its class but not
 * in tfjs-core's types), or undefined for any other backend.
 */
export function webgpuDevice(backend: unknown): object | undefined {
  const device = (backend as { device?: unknown } | null)?.device;
  return typeof device === 'object' && device !== null && 'queue' in device ? device : undefined;
}
