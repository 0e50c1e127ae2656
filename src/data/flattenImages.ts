import * as tf from '@tensorflow/tfjs-core';
import { rangeError, show, typeError } from '../core/errors';
import { checkNdArray, copyFor, isNdArray, isTensor, requireBackend } from '../core/input';
import { checkOptions, oneOf } from '../core/validate';
import type { NdArray } from '../core/types';

/**
 * Options of {@link flattenImages}.
 *
 * @category Data
 */
export interface FlattenImagesOptions {
  /**
   * The result's dtype. By default a tensor keeps its dtype; an NdArray of floats becomes
   * float32 and one of integers int32 (tfjs has no uint8 tensors).
   */
  dtype?: 'float32' | 'int32';
}

/**
 * Flattens a batch of images into one row per image: `[N, H, W]` or `[N, H, W, C]` becomes
 * `[N, H*W*C]` (MNIST's 28x28 images become 784 values). Values keep their row-major order, so
 * `result[n][(h * W + w) * C + c]` is pixel (h, w), channel c, of image n.
 *
 * Any rank of 2 or more is accepted: every axis after the first is flattened. A rank-2 input
 * `[N, D]` is already flat and comes back with the same shape and values (a new tensor that
 * the caller disposes, as with any other input).
 *
 * @param images - a tensor, or an NdArray such as `loadMnist()`'s `train.images`
 * @param options - `dtype` to convert while flattening
 * @returns a new Tensor2D `[N, H*W*C]`
 * @throws RangeError when the rank is below 2 or an NdArray's shape does not match its data
 * @throws TypeError for anything that is not a tensor or an NdArray, or an unknown `dtype`
 *
 * @category Data
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import '@tensorflow/tfjs-backend-cpu';
 * import { flattenImages } from 'denselab';
 *
 * const images = { data: new Uint8Array(3 * 28 * 28), shape: [3, 28, 28] };
 * const x = flattenImages(images, { dtype: 'float32' });
 * console.log(x.shape, x.dtype); // [3, 784] float32
 * x.dispose();
 * console.log(tf.memory().numTensors); // 0
 * ```
 */
export function flattenImages(
  images: tf.Tensor | NdArray,
  options: FlattenImagesOptions = {},
): tf.Tensor2D {
  const fn = 'flattenImages';
  const { dtype } = checkOptions(fn, options, { dtype: oneOf(['float32', 'int32']) });
  if (isTensor(images)) {
    if (images.isDisposed) throw typeError(fn, 'images is a disposed tensor');
    const shape = checkRank(fn, images.shape);
    return tf.tidy(() => {
      const flat = tf.reshape(images, shape);
      return dtype === undefined || dtype === images.dtype ? flat : tf.cast(flat, dtype);
    }) as tf.Tensor2D;
  }
  if (isNdArray(images)) {
    checkNdArray(fn, images);
    const shape = checkRank(fn, images.shape);
    const isFloat = images.data instanceof Float32Array || images.data instanceof Float64Array;
    const target = dtype ?? (isFloat ? 'float32' : 'int32');
    requireBackend(fn);
    return tf.tensor2d(copyFor(images.data, target), shape, target);
  }
  throw typeError(
    fn,
    `images is ${show(images)}; expected a tensor or an NdArray ({ data, shape })`,
  );
}

function checkRank(fn: string, shape: readonly number[]): [number, number] {
  if (shape.length < 2) {
    throw rangeError(
      fn,
      `images has shape [${shape.join(', ')}] (rank ${shape.length}); expected rank 2 or more, ` +
        `such as [N, H, W] or [N, H, W, C]`,
    );
  }
  const n = shape[0] as number;
  const rest = shape.slice(1).reduce((a, b) => a * b, 1);
  return [n, rest];
}
