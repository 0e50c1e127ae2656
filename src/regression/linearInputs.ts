import { rangeError, show } from '../core/errors';
import { readValues } from '../core/input';

/** Reads x and y as float64 arrays of equal length, all finite. */
export function readXY(
  fn: string,
  x: unknown,
  y: unknown,
  minPoints: number,
): [Float64Array, Float64Array] {
  const xs = new Float64Array(readValues(fn, x, 'x').values);
  const ys = new Float64Array(readValues(fn, y, 'y').values);
  if (xs.length !== ys.length) {
    throw rangeError(
      fn,
      `x has ${xs.length} values but y has ${ys.length}; expected the same length`,
    );
  }
  if (xs.length < minPoints) {
    throw rangeError(fn, `got ${xs.length} point(s); expected at least ${minPoints}`);
  }
  for (const [name, arr] of [
    ['x', xs],
    ['y', ys],
  ] as const) {
    const i = arr.findIndex((v) => !Number.isFinite(v));
    if (i >= 0) throw rangeError(fn, `${name}[${i}] is ${show(arr[i])}; expected finite numbers`);
  }
  return [xs, ys];
}
