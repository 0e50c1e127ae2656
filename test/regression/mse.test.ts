import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { mse } from '../../src';
import { expectThrowsClean } from '../helpers';

describe('mse', () => {
  it('is the mean of squared differences, in float64 for arrays', () => {
    expect(mse([10, 20, 25], [12, 20, 24])).toBe(5 / 3);
    expect(mse(new Float64Array([0.1]), [0.3])).toBe((0.1 - 0.3) ** 2);
    expect(mse(new Int32Array([1, 2]), new Uint8Array([1, 2]))).toBe(0);
  });

  it("gives the notes' polyfit loss for the least-squares line", () => {
    const x = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const y = [10, 20, 25, 30, 40, 45, 40, 50, 60, 55];
    const yHat = x.map((v) => 5.121212121212121 * v + 14.454545454545448);
    expect(mse(y, yHat)).toBeCloseTo(14.87878787878788, 12);
  });

  it('works on tensors on their backend, without leaking, and on mixed inputs', () => {
    const y = tf.tensor1d([1, 2, 3]);
    const yHat = tf.tensor2d([[1], [2], [5]]);
    const before = tf.memory().numTensors;
    expect(mse(y, yHat)).toBeCloseTo(4 / 3, 6);
    expect(mse(y, [1, 2, 5])).toBe(4 / 3);
    expect(mse({ data: new Float32Array([1, 2, 3]), shape: [3, 1] }, [1, 2, 5])).toBe(4 / 3);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([y, yHat]);
  });

  it('rejects shapes that differ, empty input and non-finite values', () => {
    expectThrowsClean(
      () => mse([1, 2], [1]),
      /^mse: y has shape \[2\] but yHat has shape \[1\]; expected the same shape/,
      RangeError,
    );
    const a = tf.zeros([2, 3]);
    const b = tf.zeros([3, 2]);
    expectThrowsClean(
      () => mse(a, b),
      /^mse: y has shape \[2, 3\] but yHat has shape \[3, 2\]/,
      RangeError,
    );
    tf.dispose([a, b]);
    expectThrowsClean(() => mse([], []), /^mse: y is empty/, RangeError);
    expectThrowsClean(
      () => mse([1, 2], [1, NaN]),
      /^mse: yHat\[1\] is NaN; expected finite numbers/,
      RangeError,
    );
    const t = tf.tensor1d([1, Infinity]);
    const u = tf.tensor1d([1, 1]);
    expectThrowsClean(() => mse(t, u), /^mse: y\[1\] is Infinity/, RangeError);
    tf.dispose([t, u]);
    expectThrowsClean(() => mse('ab' as never, [1]), /^mse: y is "ab"/, TypeError);
  });
});
