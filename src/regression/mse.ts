import * as tf from '@tensorflow/tfjs-core';
import { rangeError, show } from '../core/errors';
import { isTensor, readSync, readValues } from '../core/input';
import type { NumericInput } from '../core/types';

/**
 * The mean squared error between targets and predictions, as one number: Keras' `'mse'` loss,
 * and the notes' `np.sum((y - y_hat) ** 2) / len(x)`.
 *
 * Arrays are compared in float64. When both arguments are tensors the sum runs on the tensors'
 * backend (in float32) and one number is read back. Shapes must match; a trailing axis of size
 * 1 is ignored, so a model's `[N, 1]` predictions compare with `[N]` targets.
 *
 * @param y - the targets
 * @param yHat - the predictions
 * @returns the mean of the squared differences
 * @throws RangeError for shapes or lengths that differ, empty input, or non-finite values
 *   (naming the first one); TypeError for inputs of another kind
 *
 * @example
 * ```ts
 * import '@tensorflow/tfjs-backend-cpu';
 * import * as tf from '@tensorflow/tfjs-core';
 * import { mse } from 'denselab';
 *
 * console.log(mse([10, 20, 25], [12, 20, 24])); // 1.6666666666666667
 * const y = tf.tensor1d([1, 2]);
 * const yHat = tf.tensor2d([[1.5], [2]]); // a model's [N, 1] output
 * console.log(mse(y, yHat)); // 0.125
 * tf.dispose([y, yHat]);
 * ```
 */
export function mse(y: NumericInput, yHat: NumericInput): number {
  const fn = 'mse';
  if (isTensor(y) && isTensor(yHat)) {
    checkShapes(fn, y.shape, yHat.shape);
    if (y.size === 0) throw rangeError(fn, 'y is empty');
    const result = tf.tidy(() => {
      const a = tf.reshape(tf.cast(y, 'float32'), [-1]);
      const b = tf.reshape(tf.cast(yHat, 'float32'), [-1]);
      return tf.mean(tf.square(tf.sub(a, b)));
    });
    const value = readSync(fn, result)[0] as number;
    result.dispose();
    if (!Number.isFinite(value)) checkFinite(fn, readSync(fn, y), readSync(fn, yHat));
    return value;
  }
  const a = readValues(fn, y, 'y');
  const b = readValues(fn, yHat, 'yHat');
  checkShapes(fn, a.shape, b.shape);
  if (a.values.length === 0) throw rangeError(fn, 'y is empty');
  checkFinite(fn, a.values, b.values);
  let sum = 0;
  for (let i = 0; i < a.values.length; i++) {
    const d = (a.values[i] as number) - (b.values[i] as number);
    sum += d * d;
  }
  return sum / a.values.length;
}

function squeezeTrailing(shape: readonly number[]): readonly number[] {
  return shape.length > 1 && shape[shape.length - 1] === 1 ? shape.slice(0, -1) : shape;
}

function checkShapes(fn: string, a: readonly number[], b: readonly number[]): void {
  const sa = squeezeTrailing(a);
  const sb = squeezeTrailing(b);
  if (sa.length !== sb.length || sa.some((d, i) => d !== sb[i])) {
    throw rangeError(
      fn,
      `y has shape [${a.join(', ')}] but yHat has shape [${b.join(', ')}]; expected the same shape`,
    );
  }
}

function checkFinite(fn: string, a: ArrayLike<number>, b: ArrayLike<number>): void {
  for (const [name, arr] of [
    ['y', a],
    ['yHat', b],
  ] as const) {
    for (let i = 0; i < arr.length; i++) {
      if (!Number.isFinite(arr[i])) {
        throw rangeError(fn, `${name}[${i}] is ${show(arr[i])}; expected finite numbers`);
      }
    }
  }
}
