/**
 * The parts of tfjs' wasm backend (tfjs-backend-wasm 4.x) that denselab's wasm kernels use,
 * found by shape so that a backend without them is left to tfjs' own kernels. Internal.
 */
import type * as tf from '@tensorflow/tfjs-core';

export interface WasmBackendParts {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  dataIdMap: { get(dataId: tf.DataId): { memoryOffset: number } | undefined };
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
