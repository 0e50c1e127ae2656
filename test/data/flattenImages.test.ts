import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { flattenImages } from '../../src';
import { expectNoLeak, expectThrowsClean } from '../helpers';

describe('flattenImages', () => {
  it('flattens [N, H, W] in row-major order, keeping the dtype', () => {
    const images = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2], 'int32');
    const flat = expectNoLeak(() => flattenImages(images));
    expect(flat.shape).toEqual([2, 4]);
    expect(flat.dtype).toBe('int32');
    expect(flat.arraySync()).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
    tf.dispose([images, flat]);
  });

  it('flattens [N, H, W, C] with channels innermost', () => {
    // image 0: pixel (h, w) has channels [10*h + w, -(10*h + w)]
    const values = [0, -0, 1, -1, 10, -10, 11, -11];
    const images = tf.tensor4d(values, [1, 2, 2, 2]);
    const flat = flattenImages(images);
    expect(flat.shape).toEqual([1, 8]);
    expect(flat.dtype).toBe('float32');
    expect(Array.from(flat.dataSync())).toEqual(values);
    tf.dispose([images, flat]);
  });

  it('returns a rank-2 input with the same shape and values, as a new tensor', () => {
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
    const flat = flattenImages(x);
    expect(flat).not.toBe(x);
    expect(flat.shape).toEqual([3, 2]);
    expect(flat.arraySync()).toEqual(x.arraySync());
    flat.dispose();
    expect(x.isDisposed).toBe(false);
    x.dispose();
  });

  it('flattens higher ranks too', () => {
    const x = tf.zeros([2, 3, 4, 5, 6]);
    const flat = flattenImages(x);
    expect(flat.shape).toEqual([2, 360]);
    tf.dispose([x, flat]);
  });

  it('casts when asked', () => {
    const x = tf.tensor3d([0, 255, 128, 1], [1, 2, 2], 'int32');
    const flat = expectNoLeak(() => flattenImages(x, { dtype: 'float32' }));
    expect(flat.dtype).toBe('float32');
    expect(Array.from(flat.dataSync())).toEqual([0, 255, 128, 1]);
    tf.dispose([x, flat]);
  });

  it('reads NdArrays: uint8 becomes int32, floats float32, without aliasing the input', () => {
    const data = new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7, 255, 254, 253, 252]);
    const flat = expectNoLeak(() => flattenImages({ data, shape: [3, 2, 2] }));
    expect(flat.dtype).toBe('int32');
    expect(flat.arraySync()).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [255, 254, 253, 252],
    ]);
    const floats = new Float32Array([0.5, 1.5, 2.5, 3.5]);
    const f = flattenImages({ data: floats, shape: [1, 2, 2] });
    expect(f.dtype).toBe('float32');
    floats[0] = 99;
    expect(f.dataSync()[0]).toBe(0.5);
    const asFloat = flattenImages({ data, shape: [3, 4] }, { dtype: 'float32' });
    expect(asFloat.dtype).toBe('float32');
    expect(asFloat.dataSync()[8]).toBe(255);
    tf.dispose([flat, f, asFloat]);
  });

  it('rejects rank below 2 with the shape in the message, leaving the input alone', () => {
    const x = tf.tensor1d([1, 2, 3]);
    expectThrowsClean(
      () => flattenImages(x),
      /^flattenImages: .*shape \[3\] \(rank 1\); expected rank 2 or more/,
      RangeError,
    );
    expect(x.isDisposed).toBe(false);
    x.dispose();
    const s = tf.scalar(1);
    expectThrowsClean(() => flattenImages(s), /rank 0/, RangeError);
    s.dispose();
    expectThrowsClean(
      () => flattenImages({ data: new Uint8Array(4), shape: [4] }),
      /rank 1/,
      RangeError,
    );
  });

  it('rejects NdArrays whose shape does not match their data', () => {
    expectThrowsClean(
      () => flattenImages({ data: new Uint8Array(5), shape: [2, 2] }),
      /^flattenImages: shape \[2, 2\] holds 4 values but data has 5/,
      RangeError,
    );
    expectThrowsClean(
      () => flattenImages({ data: new Uint8Array(4), shape: [2, 2.5] }),
      /shape\[1\] is 2.5/,
      RangeError,
    );
  });

  it('rejects other inputs and options by name', () => {
    expectThrowsClean(
      () => flattenImages([1, 2] as never),
      /^flattenImages: images is \[1, 2\]; expected a tensor or an NdArray/,
      TypeError,
    );
    expectThrowsClean(() => flattenImages(null as never), /images is null/, TypeError);
    const x = tf.zeros([2, 2]);
    expectThrowsClean(
      () => flattenImages(x, { dtype: 'uint8' as never }),
      /dtype is "uint8"; expected 'float32' or 'int32'/,
      RangeError,
    );
    x.dispose();
    const gone = tf.zeros([2, 2]);
    gone.dispose();
    expectThrowsClean(() => flattenImages(gone), /disposed/, TypeError);
  });
});
