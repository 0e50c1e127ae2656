import { show, typeError } from '../core/errors';
import { checkNdArray, isNdArray, isTensor, isTypedArray } from '../core/input';
import type { NdArray, TypedArray } from '../core/types';

/**
 * Plain nested arrays of numbers, one level per axis, as tfjs' `tensor.arraySync()` gives them.
 *
 * @category Data
 */
export type NestedArray = (number | NestedArray)[];

/**
 * Converts an {@link NdArray} (what {@link loadMnist} and {@link readIdx} return) to plain
 * nested arrays, one level per axis: `toArray(images)[0]` is the first image as 28 rows of 28
 * numbers. A typed array becomes a plain `number[]`. For a tensor, use tfjs' own
 * `tensor.array()`.
 *
 * @param x - an NdArray or a typed array
 * @returns nested arrays of numbers (a flat `number[]` for 1-D data)
 * @throws TypeError for anything else (a tensor, a plain object); RangeError for an NdArray
 *   whose shape does not match its data
 *
 * @category Data
 * @example
 * ```ts
 * import { loadMnist, toArray } from 'denselab';
 *
 * const { train } = await loadMnist({ trainLimit: 2, testLimit: 0 });
 * const first = toArray(train.images)[0] as number[][]; // 28 rows of 28 pixels
 * console.log(first.length, first[14]!.slice(10, 14)); // 28 [0, 0, 0, 81]
 * console.log(toArray(train.labels)); // [5, 0]
 * ```
 */
export function toArray(x: TypedArray): number[];
export function toArray(x: NdArray): NestedArray;
export function toArray(x: NdArray | TypedArray): NestedArray {
  const fn = 'toArray';
  if (isNdArray(x)) {
    checkNdArray(fn, x);
    return nest(x.data, x.shape, 0, 0);
  }
  if (isTypedArray(x)) return Array.from(x);
  const hint = isTensor(x) ? ' (for a tensor, use tensor.array())' : '';
  throw typeError(
    fn,
    `x is ${show(x)}; expected an NdArray { data, shape } or a typed array${hint}`,
  );
}

/** The values of `shape[axis:]` starting at `offset`, nested. */
function nest(
  data: TypedArray,
  shape: readonly number[],
  axis: number,
  offset: number,
): NestedArray {
  const size = shape[axis] ?? 0;
  if (axis === shape.length - 1) return Array.from(data.subarray(offset, offset + size));
  const stride = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  return Array.from({ length: size }, (_, i) => nest(data, shape, axis + 1, offset + i * stride));
}
