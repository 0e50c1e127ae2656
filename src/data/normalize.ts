import * as tf from '@tensorflow/tfjs-core';
import { rangeError, show, typeError } from '../core/errors';
import { asFloat32, isTensor, readSync, readValues, requireBackend } from '../core/input';
import { float32InPlace } from '../internals/tfjsInternals';
import { checkOptions, finite } from '../core/validate';
import type { NumericInput } from '../core/types';

/**
 * Options of {@link normalize}.
 *
 * @category Data
 */
export interface NormalizeOptions {
  /**
   * The value that maps to 1, such as 255 for 8-bit images. By default the data's own maximum
   * (NumPy's `x / x.max()`). Values above it are an error.
   */
  max?: number;
}

/**
 * Scales non-negative data into [0, 1] by dividing by its maximum (NumPy's
 * `x_train / x_train.max()`) or by a given `max` such as 255.
 *
 * This is min-free max scaling, **not** Keras' `keras.utils.normalize`, which divides each row
 * by its L2 norm. Zero stays zero and the largest value becomes 1.
 *
 * Bad data is an error rather than NaN output: negative, NaN or infinite values, a maximum of 0
 * (all zeros), empty input, a `max` that is not a positive finite number, or a value above the
 * given `max`. The error names the first offending value and its flat index.
 *
 * @param x - a tensor, an NdArray, a typed array or an array of numbers
 * @param options - `max` to divide by a fixed scale
 * @returns a new float32 tensor of the same shape, values in [0, 1]
 * @throws RangeError for the bad values above; TypeError for an input of another kind
 *
 * @category Data
 * @example
 * ```ts
 * import '@tensorflow/tfjs-backend-cpu';
 * import { normalize } from 'denselab';
 *
 * const pixels = normalize(new Uint8Array([0, 51, 255]), { max: 255 });
 * console.log(Array.from(pixels.dataSync())); // about [0, 0.2, 1] (float32)
 * const byMax = normalize([0, 2, 4]);
 * console.log(Array.from(byMax.dataSync())); // [0, 0.5, 1]
 * pixels.dispose();
 * byMax.dispose();
 * ```
 */
export function normalize(x: NumericInput, options: NormalizeOptions = {}): tf.Tensor {
  const fn = 'normalize';
  const { max } = checkOptions(
    fn,
    options,
    { max: finite({ min: 0, exclusiveMin: true }) },
    'options',
    {
      axis: "normalize divides by the maximum (or max), not Keras' utils.normalize (an L2 norm along an axis)",
      order:
        "normalize divides by the maximum (or max), not Keras' utils.normalize (an L2 norm along an axis)",
      scale: 'use max: the value that becomes 1',
    },
  );
  if (isTensor(x)) return normalizeTensor(x, max);
  const { values, shape } = readValues(fn, x, 'x');
  const scale = checkValues(values, max);
  requireBackend(fn);
  // On wasm, straight into the tensor's storage (MNIST's 188 MB allocated once, not twice).
  const inPlace = float32InPlace(shape);
  const out = inPlace?.values ?? new Float32Array(values.length);
  divideInto(out, values, scale);
  return inPlace?.tensor() ?? tf.tensor(out, shape, 'float32');
}

/** out[i] = values[i] / scale, with a loop V8 compiles for the common typed arrays. */
function divideInto(out: Float32Array, values: ArrayLike<number>, scale: number): void {
  for (let i = 0; i < values.length; i++) out[i] = (values[i] as number) / scale;
}

function normalizeTensor(x: tf.Tensor, max: number | undefined): tf.Tensor {
  const fn = 'normalize';
  if (x.isDisposed) throw typeError(fn, 'x is a disposed tensor');
  if (x.dtype !== 'float32' && x.dtype !== 'int32' && x.dtype !== 'bool') {
    throw typeError(fn, `x has dtype ${x.dtype}; expected a numeric tensor`);
  }
  if (x.size === 0) throw rangeError(fn, `x is empty (shape [${x.shape.join(', ')}])`);
  // One read-back of three reductions checks the whole tensor on its backend.
  const stats = tf.tidy(() => {
    const f = asFloat32(x);
    const bad = tf.sum(tf.cast(tf.logicalOr(tf.isNaN(f), tf.isInf(f)), 'float32'));
    return tf.stack([tf.min(f), tf.max(f), bad]);
  });
  const [lo = 0, hi = 0, nonFinite = 0] = Array.from(readSync(fn, stats));
  stats.dispose();
  if (nonFinite > 0 || lo < 0 || (max !== undefined && hi > max)) {
    // Find and name the first offending value (slow path, only on error).
    checkValues(readSync(fn, x), max);
  }
  const scale = max ?? hi;
  if (scale === 0) {
    throw rangeError(
      fn,
      'the maximum of x is 0 (all values are 0), so there is nothing to scale by',
    );
  }
  return tf.tidy(() => tf.div(asFloat32(x), tf.scalar(scale, 'float32')));
}

/** Validates every value and returns the scale to divide by. */
function checkValues(values: ArrayLike<number>, max: number | undefined): number {
  const fn = 'normalize';
  if (values.length === 0) throw rangeError(fn, 'x is empty');
  let hi = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isNaN(v)) throw rangeError(fn, `x[${i}] is NaN; expected finite values >= 0`);
    if (!Number.isFinite(v)) {
      throw rangeError(fn, `x[${i}] is ${show(v)}; expected finite values >= 0`);
    }
    if (v < 0) throw rangeError(fn, `x[${i}] is ${show(v)}; expected values >= 0`);
    if (max !== undefined && v > max) {
      throw rangeError(
        fn,
        `x[${i}] is ${show(v)}, above max ${show(max)}; expected values in [0, max]`,
      );
    }
    if (v > hi) hi = v;
  }
  if (max === undefined && hi === 0) {
    throw rangeError(
      fn,
      'the maximum of x is 0 (all values are 0), so there is nothing to scale by',
    );
  }
  return max ?? hi;
}
