/**
 * The argument checks of denselab/notebook, in the package's one validation vocabulary
 * (src/core/validate.ts): what a cell passes wrongly is an error naming the function, the
 * argument and the value, before anything is shown. Internal.
 */
import { isNdArray, checkNdArray } from '../core/input';
import { typeError } from '../core/errors';
import { show as showValue } from '../core/errors';
import type { NdArray } from '../core/types';
import { arrayOf, finite, func, plainObject, string, type Check } from '../core/validate';

/** The column titles and rows of a table, each row as long as the titles. */
export function checkTable(
  fn: string,
  header: unknown,
  rows: unknown,
): { header: string[]; rows: string[][] } {
  const titles = arrayOf(string, { min: 1 }, 'a list of column titles')(fn, 'header', header);
  const width = { min: titles.length, max: titles.length };
  const row = arrayOf(string, width, 'an array of strings');
  return { header: titles, rows: arrayOf(row, {}, 'a list of rows')(fn, 'rows', rows) };
}

/** MNIST-like images: an NdArray of uint8 `[N, H, W]`. */
export function checkImages(fn: string, images: unknown): NdArray<Uint8Array> {
  if (!isNdArray(images) || !(images.data instanceof Uint8Array) || images.shape.length !== 3) {
    throw typeError(
      fn,
      `images is ${showValue(images)}; expected an NdArray of uint8 [N, H, W], as loadMnist gives`,
    );
  }
  checkNdArray(fn, images);
  return images as NdArray<Uint8Array>;
}

/** A list of `{ name, values }` curves, the values numbers (NaN and infinities allowed). */
export const curves: Check<{ name: string; values: number[] }[]> = arrayOf(
  (fn, path, value) => {
    const o = plainObject(fn, path, value);
    return {
      name: string(fn, `${path}.name`, o.name),
      values: arrayOf(number, {}, 'an array of numbers')(fn, `${path}.values`, o.values),
    };
  },
  {},
  'a list of { name, values }',
);

/** A list of `{ name, predict }` lines. */
export const lines: Check<{ name: string; predict: (x: number) => number }[]> = arrayOf(
  (fn, path, value) => {
    const o = plainObject(fn, path, value);
    return {
      name: string(fn, `${path}.name`, o.name),
      predict: func<(x: number) => number>('a function of x')(fn, `${path}.predict`, o.predict),
    };
  },
  {},
  'a list of { name, predict }',
);

/** Any number, NaN and infinities too (a loss that diverged is still drawn, as a gap). */
const number: Check<number> = (fn, path, value) => {
  if (typeof value === 'number') return value;
  throw typeError(fn, `${path} is ${showValue(value)}; expected a number`);
};

/** The finite numbers of a chart's points. */
export const points: Check<number[]> = arrayOf(finite(), { min: 1 }, 'a non-empty array');
