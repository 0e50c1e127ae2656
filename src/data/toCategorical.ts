import * as tf from '@tensorflow/tfjs-core';
import { rangeError, show } from '../core/errors';
import { readValues } from '../core/input';
import type { NumericInput } from '../core/types';

/**
 * One-hot encodes integer class labels, like Keras' `keras.utils.to_categorical`: the result
 * has the labels' shape plus a class axis of size `numClasses` (a trailing axis of size 1 in
 * the labels is dropped first, so `[N, 1]` gives `[N, numClasses]`), float32, a 1 at each
 * label's class and 0 elsewhere. Without `numClasses` the count is the largest label plus one.
 *
 * Stricter than Keras, which wraps negative labels around and can fail late: negative,
 * fractional, NaN or infinite labels, labels `>= numClasses`, empty input and a `numClasses`
 * that is not an integer >= 1 are errors that name the first offending value and its index.
 *
 * @param labels - a tensor, an NdArray (such as `loadMnist()`'s labels), a typed array or an
 *   array of numbers
 * @param numClasses - the number of classes; default `max(labels) + 1`
 * @returns a new float32 tensor of shape `[...labelsShape, numClasses]`
 * @throws RangeError for the bad labels and class counts above; TypeError for an input of
 *   another kind
 *
 * @example
 * ```ts
 * import '@tensorflow/tfjs-backend-cpu';
 * import { toCategorical } from 'denselab';
 *
 * // The notes' example: three categories.
 * const y = toCategorical([0, 2, 1, 2], 3);
 * console.log(y.shape, y.arraySync()); // [4, 3] [[1,0,0],[0,0,1],[0,1,0],[0,0,1]]
 * y.dispose();
 * ```
 */
export function toCategorical(labels: NumericInput, numClasses?: number): tf.Tensor {
  const fn = 'toCategorical';
  if (
    numClasses !== undefined &&
    (typeof numClasses !== 'number' || !Number.isInteger(numClasses) || numClasses < 1)
  ) {
    throw rangeError(fn, `numClasses is ${show(numClasses)}; expected an integer >= 1`);
  }
  const { values, shape } = readValues(fn, labels, 'labels');
  if (values.length === 0) {
    throw rangeError(
      fn,
      `labels is empty (shape [${shape.join(', ')}]); expected at least one label`,
    );
  }
  let maxLabel = 0;
  const limit = numClasses === undefined ? '' : ` in [0, ${numClasses})`;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isInteger(v)) {
      throw rangeError(
        fn,
        `label ${show(v)} at index ${i} is not an integer; expected integers${limit}`,
      );
    }
    if (v < 0) {
      throw rangeError(
        fn,
        `label ${show(v)} at index ${i} is negative; expected integers${limit || ' >= 0'}`,
      );
    }
    if (numClasses !== undefined && v >= numClasses) {
      throw rangeError(
        fn,
        `label ${show(v)} at index ${i} is out of range for ${numClasses} classes; expected integers${limit}`,
      );
    }
    if (v > maxLabel) maxLabel = v;
  }
  const classes = numClasses ?? maxLabel + 1;
  const outShape = shape.length > 1 && shape[shape.length - 1] === 1 ? shape.slice(0, -1) : shape;
  const out = new Float32Array(values.length * classes);
  for (let i = 0; i < values.length; i++) out[i * classes + (values[i] as number)] = 1;
  return tf.tensor(out, [...outShape, classes], 'float32');
}
