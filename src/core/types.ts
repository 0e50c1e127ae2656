import type { Tensor } from '@tensorflow/tfjs-core';

/**
 * The typed arrays denselab reads and writes.
 *
 * @category Data
 */
export type TypedArray =
  Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/**
 * A plain n-dimensional array: a flat typed array in row-major order and its shape.
 *
 * This is what {@link readIdx} and {@link loadMnist} return (Keras' `mnist.load_data()`
 * gives numpy arrays; this is their JavaScript counterpart), and what {@link flattenImages},
 * {@link normalize} and {@link toCategorical} accept besides tensors.
 *
 * @category Data
 */
export interface NdArray<T extends TypedArray = TypedArray> {
  /** The values in row-major (C) order; its length is the product of `shape`. */
  readonly data: T;
  /** The size of each axis. */
  readonly shape: readonly number[];
}

/**
 * The numeric inputs denselab's array functions accept: a tfjs tensor, an {@link NdArray}, a
 * typed array or a flat array of numbers.
 *
 * @category Data
 */
export type NumericInput = Tensor | NdArray | TypedArray | readonly number[];

/**
 * Keras' `history.history` for a run that tracks only its loss.
 *
 * @category Regression
 */
export interface LossHistory {
  /** `loss[e]` is the loss of epoch e + 1. */
  readonly loss: readonly number[];
}

/**
 * A line y = m * x + b.
 *
 * @category Regression
 */
export interface Line {
  /** The slope. */
  readonly m: number;
  /** The intercept. */
  readonly b: number;
}
