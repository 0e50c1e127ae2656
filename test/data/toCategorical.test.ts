import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { LIMITS, toCategorical } from '../../src';
import { expectNoLeak, expectThrowsClean } from '../helpers';

describe('toCategorical', () => {
  it("reproduces the notes' example with 3 categories", () => {
    const y = expectNoLeak(() => toCategorical([0, 2, 1, 2], 3));
    expect(y.dtype).toBe('float32');
    expect(y.arraySync()).toEqual([
      [1, 0, 0],
      [0, 0, 1],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    y.dispose();
  });

  it('infers the class count as max + 1, like Keras', () => {
    const y = toCategorical(new Uint8Array([1, 4]));
    expect(y.shape).toEqual([2, 5]);
    expect(y.arraySync()).toEqual([
      [0, 1, 0, 0, 0],
      [0, 0, 0, 0, 1],
    ]);
    y.dispose();
  });

  it('drops a trailing axis of size 1 and keeps other axes', () => {
    const col = toCategorical({ data: new Int32Array([2, 0]), shape: [2, 1] }, 3);
    expect(col.shape).toEqual([2, 3]);
    const grid = toCategorical({ data: new Int32Array([0, 1, 1, 0]), shape: [2, 2] });
    expect(grid.shape).toEqual([2, 2, 2]);
    expect(grid.arraySync()).toEqual([
      [
        [1, 0],
        [0, 1],
      ],
      [
        [0, 1],
        [1, 0],
      ],
    ]);
    tf.dispose([col, grid]);
  });

  it('reads tensors without leaking', () => {
    const labels = tf.tensor1d([9, 0], 'int32');
    const y = expectNoLeak(() => toCategorical(labels, 10));
    expect(y.shape).toEqual([2, 10]);
    expect(Array.from(tf.argMax(y, -1).dataSync())).toEqual([9, 0]);
    tf.dispose([labels, y]);
  });

  it('names the first bad label and its index', () => {
    expectThrowsClean(
      () => toCategorical([0, 1, -1, -2], 3),
      /^toCategorical: label -1 at index 2 is negative; expected integers in \[0, 3\)/,
      RangeError,
    );
    expectThrowsClean(
      () => toCategorical([0, 1.5]),
      /label 1.5 at index 1 is not an integer/,
      RangeError,
    );
    expectThrowsClean(
      () => toCategorical([NaN]),
      /label NaN at index 0 is not an integer/,
      RangeError,
    );
    expectThrowsClean(() => toCategorical([Infinity]), /label Infinity at index 0/, RangeError);
    expectThrowsClean(
      () => toCategorical([0, 3, 5], 3),
      /label 3 at index 1 is out of range for 3 classes/,
      RangeError,
    );
    const t = tf.tensor1d([0, 10], 'int32');
    expectThrowsClean(
      () => toCategorical(t, 10),
      /label 10 at index 1 is out of range for 10 classes/,
      RangeError,
    );
    expect(t.isDisposed).toBe(false);
    t.dispose();
  });

  it('checks sizes against LIMITS before allocating anything', () => {
    const heap = process.memoryUsage().arrayBuffers;
    expectThrowsClean(
      () => toCategorical([1e9]),
      /^toCategorical: label 1000000000 at index 0 is above LIMITS.maxClasses - 1 \(65535\)/,
      RangeError,
    );
    expectThrowsClean(
      () => toCategorical(new Int32Array(5000).fill(65535)),
      /5000 labels of 65536 classes make 327680000 values; expected at most 268435456/,
      RangeError,
    );
    expect(process.memoryUsage().arrayBuffers - heap).toBeLessThan(1e6);
  });

  it('rejects empty input and bad class counts', () => {
    expectThrowsClean(() => toCategorical([]), /^toCategorical: labels is empty/, RangeError);
    for (const n of [0, -1, 2.5, NaN, LIMITS.maxClasses + 1]) {
      expectThrowsClean(
        () => toCategorical([0], n),
        /^toCategorical: numClasses is .*; expected an integer in \[1, 65536\]/,
        RangeError,
      );
    }
    expectThrowsClean(
      () => toCategorical([0], '10' as never),
      /^toCategorical: numClasses is "10"; expected an integer/,
      TypeError,
    );
    expectThrowsClean(
      () => toCategorical({} as never),
      /^toCategorical: labels is an empty object; expected a tensor/,
      TypeError,
    );
  });
});
