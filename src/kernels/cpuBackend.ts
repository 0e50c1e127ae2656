/**
 * The parts of tfjs' cpu backend that denselab's cpu kernels use, found by shape, and the
 * scratch WebAssembly memory those kernels run their SIMD code in (the cpu backend keeps its
 * data in JavaScript typed arrays). Internal.
 */
import type * as tf from '@tensorflow/tfjs-core';

export interface CpuBackendParts {
  data: { get(dataId: tf.DataId): { values?: unknown } | undefined };
  makeTensorInfo(
    shape: number[],
    dtype: tf.DataType,
    values: tf.backend_util.TypedArray,
  ): tf.TensorInfo;
}

/** The backend as CpuBackendParts, or undefined when it does not look like tfjs' cpu backend. */
export function cpuParts(backend: unknown): CpuBackendParts | undefined {
  const parts = backend as Partial<CpuBackendParts>;
  return typeof parts.makeTensorInfo === 'function' && typeof parts.data?.get === 'function'
    ? (parts as CpuBackendParts)
    : undefined;
}

/** A tensor's values on the cpu backend. */
export function valuesOf(backend: CpuBackendParts, t: tf.TensorInfo): unknown {
  return backend.data.get(t.dataId)?.values;
}

let scratch: WebAssembly.Memory | undefined;

/** One scratch memory for every cpu kernel, grown to at least `bytes`. */
export function scratchMemory(bytes: number): WebAssembly.Memory {
  scratch ??= new WebAssembly.Memory({ initial: 1 });
  const missing = Math.ceil(bytes / 65536) - scratch.buffer.byteLength / 65536;
  if (missing > 0) scratch.grow(missing);
  return scratch;
}
