import * as tf from '@tensorflow/tfjs-core';
import { rangeError, show } from '../core/errors';
import { readValues, requireBackend } from '../core/input';
import { LIMITS } from '../core/limits';
import { integer } from '../core/validate';
import type { NumericInput } from '../core/types';

/**
 * One-hot encodes integer class labels, like Keras' `keras.utils.to_categorical`: the result
 * has the labels' shape plus a class axis of size `numClasses` (a trailing axis of size 1 in
 * the labels is dropped first, so `[N, 1]` gives `[N, numClasses]`), float32, a 1 at each
 * label's class and 0 elsewhere. Without `numClasses` the count is the largest label plus one.
 *
 * Stricter than Keras, which wraps negative labels around and can fail late: negative,
 * fractional, NaN or infinite labels, labels `>= numClasses`, empty input and a `numClasses`
 * that is not an integer in [1, {@link LIMITS}.maxClasses] are errors that name the first
 * offending value and its index, raised before anything is allocated.
 *
 * @param labels - a tensor, an NdArray (such as `loadMnist()`'s labels), a typed array or an
 *   array of numbers
 * @param numClasses - the number of classes; default `max(labels) + 1`
 * @returns a new float32 tensor of shape `[...labelsShape, numClasses]`
 * @throws RangeError for the bad labels and class counts above; TypeError for an input of
 *   another kind
 *
 * @category Data
 * @example
 * ```ts
 * import '@tensorflow/tfjs-backend-cpu';
 * import { toCategorical } from 'denselab';
 *
 * // Four labels, three categories.
 * const y = toCategorical([0, 2, 1, 2], 3);
 * console.log(y.shape, y.arraySync()); // [4, 3] [[1,0,0],[0,0,1],[0,1,0],[0,0,1]]
 * y.dispose();
 * ```
 */
export function toCategorical(labels: NumericInput, numClasses?: number): tf.Tensor {
  const fn = 'toCategorical';
  const classes =
    numClasses === undefined
      ? undefined
      : integer({ min: 1, max: LIMITS.maxClasses })(fn, 'numClasses', numClasses);
  const { values, shape } = readValues(fn, labels, 'labels');
  if (values.length === 0) {
    throw rangeError(
      fn,
      `labels is empty (shape [${shape.join(', ')}]); expected at least one label`,
    );
  }
  const maxLabel = checkLabels(fn, values, classes);
  const count = classes ?? maxLabel + 1;
  if (values.length * count > LIMITS.maxTensorElements) {
    throw rangeError(
      fn,
      `${values.length} labels of ${count} classes make ${values.length * count} values; ` +
        `expected at most ${LIMITS.maxTensorElements} (LIMITS.maxTensorElements)`,
    );
  }
  requireBackend(fn);
  const outShape = shape.length > 1 && shape[shape.length - 1] === 1 ? shape.slice(0, -1) : shape;
  const out = new Float32Array(values.length * count);
  for (let i = 0; i < values.length; i++) out[i * count + (values[i] as number)] = 1;
  return tf.tensor(out, [...outShape, count], 'float32');
}

/** Checks every label (an integer in [0, classes), and at most LIMITS.maxClasses - 1); returns the largest. */
function checkLabels(fn: string, values: ArrayLike<number>, classes: number | undefined): number {
  const upper = classes ?? LIMITS.maxClasses;
  const limit = ` in [0, ${upper})`;
  let maxLabel = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isInteger(v) && v >= 0 && v < upper) {
      if (v > maxLabel) maxLabel = v;
      continue;
    }
    const at = `label ${show(v)} at index ${i}`;
    if (!Number.isInteger(v)) {
      throw rangeError(fn, `${at} is not an integer; expected integers${limit}`);
    }
    if (v < 0) throw rangeError(fn, `${at} is negative; expected integers${limit}`);
    throw rangeError(
      fn,
      classes === undefined
        ? `${at} is above LIMITS.maxClasses - 1 (${LIMITS.maxClasses - 1}); expected integers${limit}`
        : `${at} is out of range for ${classes} classes; expected integers${limit}`,
    );
  }
  return maxLabel;
}
