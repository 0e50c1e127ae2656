/**
 * The data a Keras user hands to `fit`, in JavaScript: tensors, NdArrays (what loadMnist
 * returns), nested arrays of rows, and class labels as typed or plain arrays. Each is turned
 * into the tensor the classifier functions check, or refused with a message that names the
 * part (`data.x`, `validationData.y`), what it is, and the call that makes the right thing.
 * Tensors made here are returned in `owned` for the caller to dispose. Internal.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { isDataLike, nestedShape, rangeError, show, typeError } from '../core/errors';
import { checkNdArray, copyFor, isNdArray, isTensor, isTypedArray } from '../core/input';
import type { NdArray, TypedArray } from '../core/types';
import type { LossKind } from './classifierInputs';

/**
 * Inputs as {@link fitClassifier}, {@link evaluateClassifier} and {@link predictClasses} take
 * them: a tensor `[N, features]`, an {@link NdArray} of that shape, or a nested array of rows.
 *
 * @category Model
 */
export type ClassifierInput = tf.Tensor | NdArray | readonly (readonly number[])[];

/**
 * Labels as the classifier functions take them: one-hot rows `[N, classes]` as a tensor,
 * NdArray or nested array (categorical cross-entropy), or class indices `[N]` as a tensor,
 * NdArray, typed array or array (sparse categorical cross-entropy).
 *
 * @category Model
 */
export type ClassifierLabels = ClassifierInput | TypedArray | readonly number[];

/** `fitClassifier(model, x, y, options)` and friends: the message that says the right call. */
export function checkCallShape(fn: string, data: unknown, third: unknown, call: string): void {
  const isXY = typeof data === 'object' && data !== null && 'x' in data && 'y' in data;
  if (isXY || !isDataLike(data)) return;
  const rest = isDataLike(third) ? `; the labels came as the next argument (${show(third)})` : '';
  throw typeError(fn, `data is ${show(data)}${rest}; pass the data as one object: ${call}`);
}

/** The row count and width a value holds when it is plain rows, for messages. */
function rowsOf(values: ArrayLike<number>, width: number | undefined): string {
  if (width === undefined || width <= 0 || values.length % width !== 0) return '[N, features]';
  return `[${values.length / width}, ${width}]`;
}

/** `x` as a float32 tensor `[N, features]`: the caller's tensor, or one made here (owned). */
export function inputTensor(
  fn: string,
  model: tfl.LayersModel,
  x: unknown,
  what: string,
): { tensor: tf.Tensor; owned: boolean } {
  if (isTensor(x)) return { tensor: x, owned: false };
  const width = model.inputs[0]?.shape[1] ?? undefined;
  if (isNdArray(x)) {
    checkNdArray(fn, x);
    if (x.shape.length !== 2) {
      const hint = x.shape.length > 2 ? ' (flattenImages(normalize(images)) makes them)' : '';
      throw rangeError(
        fn,
        `${what} is ${show(x)}; expected rows [N, ${width ?? 'features'}]${hint}`,
      );
    }
    if (!(x.data instanceof Float32Array || x.data instanceof Float64Array)) {
      throw typeError(
        fn,
        `${what} is ${show(x)}; expected float values (normalize(images) makes a Float32Array in [0, 1])`,
      );
    }
  }
  const rows = ownedRows(fn, x, what);
  if (rows !== undefined) return rows;
  if (isTypedArray(x) || Array.isArray(x)) {
    const values = x as ArrayLike<number>;
    throw typeError(
      fn,
      `${what} is ${show(x)} with no shape; expected rows ${rowsOf(values, width)}: pass ` +
        `{ data, shape: ${rowsOf(values, width)} } or a tensor`,
    );
  }
  throw typeError(
    fn,
    `${what} is ${show(x)}; expected a tensor, an NdArray ({ data, shape }) or a nested array of rows`,
  );
}

/** A 2-D NdArray or nested array of rows as a float32 tensor made for the call (owned). */
function ownedRows(
  fn: string,
  value: unknown,
  what: string,
): { tensor: tf.Tensor; owned: boolean } | undefined {
  if (isNdArray(value) && value.shape.length === 2) {
    const [n, width] = value.shape as [number, number];
    return { tensor: tf.tensor2d(copyFor(value.data, 'float32'), [n, width]), owned: true };
  }
  if (Array.isArray(value) && value.length > 0 && Array.isArray(value[0])) {
    const width = (value[0] as unknown[]).length;
    return { tensor: tf.tensor2d(rowsFrom(fn, value, what), [value.length, width]), owned: true };
  }
  return undefined;
}

/** A nested array of numeric rows of one length, flattened; refused naming the first bad row. */
function rowsFrom(fn: string, x: readonly unknown[], what: string): Float32Array {
  const shape = nestedShape(x);
  if (shape.length !== 2) {
    throw rangeError(fn, `${what} is ${show(x)}; expected rows of numbers [N, features]`);
  }
  const width = shape[1]!;
  const out = new Float32Array(x.length * width);
  x.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== width) {
      throw rangeError(
        fn,
        `${what}[${i}] is ${show(row)}; expected a row of ${width} numbers like ${what}[0]`,
      );
    }
    row.forEach((v: unknown, j) => {
      if (typeof v !== 'number') {
        throw typeError(fn, `${what}[${i}][${j}] is ${show(v)}; expected a number`);
      }
      out[i * width + j] = v;
    });
  });
  return out;
}

/** `y` as the loss wants it: the caller's tensor, or one made here (owned). */
export function labelTensor(
  fn: string,
  model: tfl.LayersModel,
  kind: LossKind,
  y: unknown,
  what: string,
): { tensor: tf.Tensor; owned: boolean } {
  const outputs = model.outputs[0]?.shape[1] ?? undefined;
  const flat = flatLabels(fn, y, what);
  if (flat !== undefined && kind === 'categorical') {
    throw rangeError(
      fn,
      `${what} is ${labelsInWords(y, flat)}, but the model's loss is categorical ` +
        `cross-entropy, which needs one-hot rows: toCategorical(labels, ${outputs ?? 'numClasses'})`,
    );
  }
  if (isTensor(y)) return { tensor: y, owned: false };
  if (flat !== undefined) {
    if (kind === 'sparse') return { tensor: tf.tensor1d(copyFor(flat, 'float32')), owned: true };
    return { tensor: tf.tensor2d(copyFor(flat, 'float32'), [flat.length, 1]), owned: true };
  }
  if (isNdArray(y)) {
    checkNdArray(fn, y);
    if (y.shape.length !== 2) {
      throw rangeError(fn, `${what} is ${show(y)}; expected rows [N, ${outputs ?? 'outputs'}]`);
    }
  }
  const rows = ownedRows(fn, y, what);
  if (rows !== undefined) return rows;
  throw typeError(
    fn,
    `${what} is ${show(y)}; expected a tensor, an NdArray, a nested array of rows or an array of class labels`,
  );
}

/** `a Uint8Array of 60000 class labels`, `a float32 Tensor of 8 class labels`. */
function labelsInWords(y: unknown, flat: ArrayLike<number>): string {
  if (isTensor(y)) return `a ${y.dtype} Tensor of ${y.shape[0]} class labels`;
  if (isNdArray(y)) return `an NdArray of ${flat.length} class labels`;
  if (isTypedArray(y)) return `a ${y.constructor.name} of ${flat.length} class labels`;
  return `an array of ${flat.length} class labels`;
}

/**
 * The values of one-dimensional labels (a typed or plain array, a rank-1 NdArray; a rank-1
 * tensor gives an empty marker, its values stay on the backend); undefined for rows.
 */
function flatLabels(fn: string, y: unknown, what: string): ArrayLike<number> | undefined {
  if (isTensor(y)) return y.rank === 1 ? new Float32Array(0) : undefined;
  if (isNdArray(y)) return y.shape.length === 1 ? y.data : undefined;
  if (isTypedArray(y)) return y;
  if (!Array.isArray(y) || (y.length > 0 && Array.isArray(y[0]))) return undefined;
  const i = y.findIndex((v) => typeof v !== 'number');
  if (i >= 0) throw typeError(fn, `${what}[${i}] is ${show(y[i])}; expected a number`);
  return y as number[];
}
