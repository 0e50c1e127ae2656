import * as tf from '@tensorflow/tfjs-core';
import { restoreProcessHandlers } from '../backend/processHandlers';
import { rangeError, show, typeError } from './errors';
import type { NdArray, TypedArray } from './types';

/**
 * True for a tfjs tensor. Duck-typed rather than `instanceof`, so that a tensor made by another
 * copy of tfjs-core is still recognised (and then reported by tfjs itself if the copies clash).
 */
export function isTensor(x: unknown): x is tf.Tensor {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as tf.Tensor).dataSync === 'function' &&
    Array.isArray((x as tf.Tensor).shape) &&
    typeof (x as tf.Tensor).dtype === 'string'
  );
}

export function isTypedArray(x: unknown): x is TypedArray {
  return ArrayBuffer.isView(x) && !(x instanceof DataView);
}

/**
 * True for an NdArray `{ data, shape }`. A typed array is never one, even when it carries
 * `data` and `shape` too (loadMnist's labels do, for 0.1's code): it is taken as what it is.
 */
export function isNdArray(x: unknown): x is NdArray {
  return (
    typeof x === 'object' &&
    x !== null &&
    !isTensor(x) &&
    !isTypedArray(x) &&
    isTypedArray((x as NdArray).data) &&
    Array.isArray((x as NdArray).shape)
  );
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Checks an NdArray's shape against its data; throws naming `fn`. */
export function checkNdArray(fn: string, x: NdArray): void {
  x.shape.forEach((dim, i) => {
    if (!Number.isInteger(dim) || dim < 0) {
      throw rangeError(fn, `shape[${i}] is ${show(dim)}; expected a non-negative integer`);
    }
  });
  const size = sizeOf(x.shape);
  if (size !== x.data.length) {
    throw rangeError(
      fn,
      `shape [${x.shape.join(', ')}] holds ${size} values but data has ${x.data.length}`,
    );
  }
}

/** Array-like inputs as plain values and a shape; tensors are read back with dataSync. */
export interface Values {
  values: ArrayLike<number>;
  shape: number[];
}

/**
 * Reads a Tensor, NdArray, typed array or (flat) number array into values and shape, with an
 * error naming `fn` for anything else.
 */
export function readValues(fn: string, x: unknown, what: string): Values {
  if (isTensor(x)) {
    if (x.isDisposed) throw typeError(fn, `${what} is a disposed tensor`);
    if (x.dtype === 'string' || x.dtype === 'complex64') {
      throw typeError(fn, `${what} has dtype ${x.dtype}; expected a numeric tensor`);
    }
    return { values: readSync(fn, x), shape: x.shape.slice() };
  }
  if (isNdArray(x)) {
    checkNdArray(fn, x);
    return { values: x.data, shape: x.shape.slice() };
  }
  if (isTypedArray(x)) return { values: x, shape: [x.length] };
  if (Array.isArray(x)) {
    x.forEach((v, i) => {
      if (typeof v !== 'number') {
        throw typeError(fn, `${what}[${i}] is ${show(v)}; expected a number (flat arrays only)`);
      }
    });
    return { values: x as number[], shape: [x.length] };
  }
  throw typeError(
    fn,
    `${what} is ${show(x)}; expected a tensor, an NdArray ({ data, shape }), a typed array or ` +
      `an array of numbers`,
  );
}

/**
 * A fresh typed array of the type tfjs stores for `dtype`, so that a tensor made from it never
 * aliases the caller's array (some backends keep the array they are given).
 */
export function copyFor(
  values: ArrayLike<number>,
  dtype: 'float32' | 'int32',
): Float32Array | Int32Array {
  return dtype === 'float32' ? new Float32Array(values) : new Int32Array(values);
}

/**
 * `tensor.dataSync()` with a clear error where a backend cannot read synchronously: tfjs'
 * WebGPU backend (refused outright), or any backend whose read fails.
 */
export function readSync(fn: string, t: tf.Tensor): ArrayLike<number> {
  if (backendName() === 'webgpu') {
    // tfjs' WebGPU readSync needs OffscreenCanvas (absent in Node) and gave zeros in headless
    // Chromium on SwiftShader: refuse rather than compute on wrong values.
    throw new Error(
      `${fn}: the webgpu backend cannot read tensors back synchronously; pass the data as an ` +
        `array or NdArray instead (e.g. ${fn}(train.images) before making tensors)`,
    );
  }
  try {
    return t.dataSync();
  } catch (err) {
    throw new Error(
      `${fn}: cannot read a ${t.dtype} tensor back synchronously on the ${backendName()} backend ` +
        `(${(err as Error).message}); pass the data as an array or NdArray instead`,
    );
  }
}

/** Like {@link readValues}, but reads tensors asynchronously (every backend supports that). */
export async function readValuesAsync(fn: string, x: unknown, what: string): Promise<Values> {
  if (isTensor(x) && !x.isDisposed && x.dtype !== 'string' && x.dtype !== 'complex64') {
    return { values: await x.data(), shape: x.shape.slice() };
  }
  return readValues(fn, x, what);
}

function backendName(): string {
  try {
    return tf.getBackend();
  } catch {
    return 'current';
  }
}

/**
 * Makes sure tfjs has a backend ready before `fn` makes a tensor; otherwise throws an error in
 * denselab's words that names `selectBackend()` (tfjs' own says "No backend found in
 * registry"). Starts a registered backend that starts synchronously, as tfjs would.
 */
export function requireBackend(fn: string): void {
  try {
    tf.backend();
    restoreProcessHandlers();
  } catch (err) {
    throw new Error(
      `${fn}: no TensorFlow.js backend is ready (${(err as Error).message}); call ` +
        '`await selectBackend()` from denselab first, or import a backend such as ' +
        "'@tensorflow/tfjs-backend-cpu' and `await tf.ready()`",
    );
  }
}

/**
 * `t` as float32: `t` itself when it already is (tfjs' wasm backend copies a tensor cast to
 * its own dtype, 188 MB for MNIST's training images), else a cast.
 */
export function asFloat32(t: tf.Tensor): tf.Tensor {
  return t.dtype === 'float32' ? t : tf.cast(t, 'float32');
}
