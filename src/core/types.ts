import type { Tensor } from '@tensorflow/tfjs-core';

/**
 * The typed arrays denselab reads and writes.
 *
 * @example
 * ```ts
 * import type { TypedArray } from 'denselab';
 *
 * const pixels: TypedArray = new Uint8Array([0, 128, 255]);
 * console.log(pixels.length); // 3
 * ```
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
 * @example
 * ```ts
 * import type { NdArray } from 'denselab';
 *
 * const twoImages: NdArray<Uint8Array> = {
 *   data: new Uint8Array(2 * 28 * 28),
 *   shape: [2, 28, 28],
 * };
 * console.log(twoImages.shape); // [2, 28, 28]
 * ```
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
 * @example
 * ```ts
 * import type { NumericInput } from 'denselab';
 *
 * const inputs: NumericInput[] = [[1, 2, 3], new Float32Array([1, 2]), { data: new Uint8Array(4), shape: [2, 2] }];
 * console.log(inputs.length); // 3
 * ```
 */
export type NumericInput = Tensor | NdArray | TypedArray | readonly number[];

/**
 * Keras' `history.history` for a run that tracks only its loss.
 *
 * @example
 * ```ts
 * import type { LossHistory } from 'denselab';
 *
 * const history: LossHistory = { loss: [3.2, 1.5, 0.9] };
 * console.log(history.loss.length); // 3
 * ```
 */
export interface LossHistory {
  /** `loss[e]` is the loss of epoch e + 1. */
  readonly loss: readonly number[];
}

/**
 * A line y = m * x + b.
 *
 * @example
 * ```ts
 * import type { Line } from 'denselab';
 *
 * const line: Line = { m: 5.12, b: 14.45 };
 * console.log(line.m * 10 + line.b); // 65.65
 * ```
 */
export interface Line {
  /** The slope. */
  readonly m: number;
  /** The intercept. */
  readonly b: number;
}
