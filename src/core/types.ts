/**
 * The typed arrays denselab reads and writes.
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
