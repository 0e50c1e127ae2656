import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
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

/** x * 2^1074 as a BigInt: exact for every finite double. */
function scaled(x: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const exp = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  const magnitude = exp === 0 ? frac : (frac | (1n << 52n)) << BigInt(exp - 1);
  return bits >> 63n === 1n ? -magnitude : magnitude;
}

/** The exact mean of (a - b)^2, rounded to a double (Infinity beyond the largest). */
function exactMse(a: number[], b: number[]): number {
  const sum = a.reduce((s, v, i) => {
    const d = scaled(v) - scaled(b[i] as number);
    return s + d * d;
  }, 0n); // sum / (n * 2^2148) is the answer
  if (sum === 0n) return 0;
  const n = BigInt(a.length);
  const k = 80 - (sum.toString(2).length - n.toString(2).length); // ~80 bits of quotient
  const q = k >= 0 ? (sum << BigInt(k)) / n : sum / n / (1n << BigInt(-k));
  let r = Number(q);
  let e = -2148 - k;
  for (; e < -1000; e += 1000) r *= 2 ** -1000;
  for (; e > 1000; e -= 1000) r *= 2 ** 1000;
  return r * 2 ** e;
}

describe('mse (property)', () => {
  it('is within one unit in the last place of the exact mean squared error, or a RangeError past the largest double', () => {
    const value = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.double({ min: -1e200, max: 1e200, noNaN: true }),
      fc.integer({ min: -100, max: 100 }),
    );
    const pairs = fc.array(fc.tuple(value, value), { minLength: 1, maxLength: 24 });
    fc.assert(
      fc.property(pairs, (ps) => {
        const a = ps.map((p) => p[0]);
        const b = ps.map((p) => p[1]);
        const exact = exactMse(a, b);
        if (!Number.isFinite(exact)) {
          expect(() => mse(a, b)).toThrow(RangeError);
          return;
        }
        fc.pre(exact < Number.MAX_VALUE * (1 - 1e-12)); // no verdict at the edge itself
        const got = mse(a, b);
        const ulp = exact < 2 ** -1022 ? 2 ** -1074 : 2 ** (Math.floor(Math.log2(exact)) - 52);
        expect(Math.abs(got - exact)).toBeLessThanOrEqual(ulp);
      }),
      { numRuns: 2000 },
    );
    expect(mse([1e154, 1e154], [0, 0])).toBeCloseTo(1e308, -300);
    expect(exactMse([1e154, 1e154], [0, 0])).toBe(1e308);
  });
});
