import * as tf from '@tensorflow/tfjs-core';
import { rangeError, show, typeError } from '../core/errors';
import { asFloat32, isTensor, readSync, readValues } from '../core/input';
import type { NumericInput } from '../core/types';

/**
 * The mean squared error between targets and predictions, as one number: Keras' `'mse'` loss,
 * NumPy's `np.sum((y - y_hat) ** 2) / len(x)`.
 *
 * Arrays are compared in float64, without overflow along the way: the result is within one
 * unit in the last place of the exact mean squared error whenever that is a finite double
 * (`mse([1e154], [0])` is 1e308), and a RangeError when it is not. When both arguments are
 * tensors the sum runs on the tensors' backend (in float32) and one number is read back
 * (redone in float64 if float32 overflows). Shapes must match; a trailing axis of size
 * 1 is ignored, so a model's `[N, 1]` predictions compare with `[N]` targets.
 *
 * @param y - the targets
 * @param yHat - the predictions
 * @returns the mean of the squared differences
 * @throws RangeError for shapes or lengths that differ, empty input, or non-finite values
 *   (naming the first one); TypeError for inputs of another kind
 *
 * @category Regression
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
    checkTensor(fn, y, 'y');
    checkTensor(fn, yHat, 'yHat');
    checkShapes(fn, y.shape, yHat.shape);
    if (y.size === 0) throw rangeError(fn, 'y is empty');
    const result = tf.tidy(() => {
      const a = tf.reshape(asFloat32(y), [-1]);
      const b = tf.reshape(asFloat32(yHat), [-1]);
      return tf.mean(tf.square(tf.sub(a, b)));
    });
    const value = readSync(fn, result)[0] as number;
    result.dispose();
    if (Number.isFinite(value)) return value;
    // A NaN or an infinity in the inputs (named), or a float32 overflow: redo it in float64.
    return meanSquaredDifference(fn, readSync(fn, y), readSync(fn, yHat));
  }
  const a = readValues(fn, y, 'y');
  const b = readValues(fn, yHat, 'yHat');
  checkShapes(fn, a.shape, b.shape);
  if (a.values.length === 0) throw rangeError(fn, 'y is empty');
  return meanSquaredDifference(fn, a.values, b.values);
}

function checkTensor(fn: string, t: tf.Tensor, name: string): void {
  if (t.isDisposed) throw typeError(fn, `${name} is a disposed tensor`);
  if (t.dtype === 'string' || t.dtype === 'complex64') {
    throw typeError(fn, `${name} has dtype ${t.dtype}; expected a numeric tensor`);
  }
}

/**
 * The mean of (a[i] - b[i])^2 in float64 without overflow or underflow along the way: the
 * halved differences are kept exactly (each as a rounded value and its error), scaled by a
 * power of two (exactly) into [0, 2), each square is split into its rounded value and its
 * exact error (Dekker), and all of them are summed with compensation; in effect only the
 * division by n rounds. So the result is within one unit in the last
 * place of the exact answer whenever that is a finite double (`mse([1e154], [0])` is 1e308,
 * not Infinity); the property test checks it against exact BigInt arithmetic.
 */
function meanSquaredDifference(fn: string, a: ArrayLike<number>, b: ArrayLike<number>): number {
  checkFinite(fn, a, b);
  const n = a.length;
  // Halves, so that a difference of two finite doubles cannot overflow (halving is exact
  // above the subnormal range; below it the values are too small to matter to the mean).
  const d = new Float64Array(n);
  const e = new Float64Array(n); // d[i] + e[i] is a[i]/2 - b[i]/2 exactly (Knuth's TwoSum)
  let largest = 0;
  for (let i = 0; i < n; i++) {
    const x = (a[i] as number) / 2;
    const y = -(b[i] as number) / 2;
    const v = x + y;
    const yPart = v - x;
    d[i] = v;
    e[i] = x - (v - yPart) + (y - yPart);
    largest = Math.max(largest, Math.abs(v));
  }
  if (largest === 0) return 0;
  const scale = powerOfTwoAtMost(largest);
  const sum = new CompensatedSum();
  for (let i = 0; i < n; i++) {
    const t = (d[i] as number) / scale; // exact: a power of two
    const u = (e[i] as number) / scale;
    const square = t * t;
    sum.add(square);
    sum.add(squareError(t, square));
    sum.add(2 * t * u + u * u); // (t + u)^2 - t^2, far below t^2's last place
  }
  // 4 scale^2 (sum / n), by powers of two: exact unless the answer itself overflows.
  const result = (sum.value() / n) * (2 * scale) * (2 * scale);
  if (!Number.isFinite(result)) {
    throw rangeError(fn, `the mean squared error exceeds the largest double (about 1.8e308)`);
  }
  return result;
}

/** The largest power of two at most x (x > 0, finite). */
function powerOfTwoAtMost(x: number): number {
  let p = 2 ** Math.floor(Math.log2(x));
  if (p > x) p /= 2;
  else if (p * 2 <= x) p *= 2;
  return p;
}

/** t*t - square exactly, for |t| < 2^500 (Dekker's product with Veltkamp's split). */
function squareError(t: number, square: number): number {
  const c = 134217729 * t; // 2^27 + 1
  const hi = c - (c - t);
  const lo = t - hi;
  return hi * hi - square + 2 * hi * lo + lo * lo;
}

/** Neumaier's compensated summation. */
class CompensatedSum {
  private sum = 0;
  private compensation = 0;

  add(term: number): void {
    const next = this.sum + term;
    this.compensation +=
      Math.abs(this.sum) >= Math.abs(term) ? this.sum - next + term : term - next + this.sum;
    this.sum = next;
  }

  value(): number {
    return this.sum + this.compensation;
  }
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
