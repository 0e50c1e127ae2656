import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it, vi } from 'vitest';
import { polyfitBaseline } from '../../src';

interface NumpyCase {
  name: string;
  x: number[];
  y: number[];
  degree: number;
  coefficients: number[];
  mse: number;
}
const cases = JSON.parse(
  readFileSync(new URL('./numpy-polyfit-cases.json', import.meta.url), 'utf8'),
) as NumpyCase[];

/** max |a - b| relative to max |b|: agreement of the coefficient vector as a whole. */
function normwiseError(a: readonly number[], b: readonly number[]): number {
  const scale = Math.max(...b.map(Math.abs));
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]!))) / scale;
}

describe('polyfitBaseline', () => {
  it('matches numpy on experiment 4 to 1e-10 relative', () => {
    const fit = polyfitBaseline(
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      [10, 20, 25, 30, 40, 45, 40, 50, 60, 55],
    );
    const [m, b] = fit.coefficients;
    expect(Math.abs(m! - 5.121212121212121) / 5.121212121212121).toBeLessThan(1e-10);
    expect(Math.abs(b! - 14.454545454545448) / 14.454545454545448).toBeLessThan(1e-10);
    expect(Math.abs(fit.loss - 14.87878787878788) / 14.87878787878788).toBeLessThan(1e-10);
    expect(fit.mse).toBe(fit.loss); // the 0.1 name, deprecated
    expect(Object.keys(fit)).not.toContain('mse');
    expect(fit.rank).toBe(2);
    expect(fit.rankDeficient).toBe(false);
    expect(fit.degree).toBe(1);
  });

  // Well-conditioned cases to 1e-10; the badly conditioned cubic to 1e-6 (numpy itself is
  // only that accurate there: its condition number is about 1e13 after scaling).
  for (const c of cases.filter((k) => !k.name.includes('rank deficient'))) {
    const tol = c.name.includes('badly') ? 1e-6 : 1e-10;
    it(`matches numpy.polyfit: ${c.name} (tolerance ${tol})`, () => {
      const fit = polyfitBaseline(c.x, c.y, c.degree);
      expect(fit.coefficients).toHaveLength(c.degree + 1);
      expect(normwiseError(fit.coefficients, c.coefficients)).toBeLessThan(tol);
      expect(fit.rankDeficient).toBe(false);
      if (!c.name.includes('badly')) expect(Math.abs(fit.loss - c.mse) / c.mse).toBeLessThan(1e-9);
    });
  }

  it('stays accurate far from 0 where the normal equations fail', () => {
    // Shifting x does not change the slope: at x = 1e8 + i it is still experiment 4's.
    const y = [10, 20, 25, 30, 40, 45, 40, 50, 60, 55];
    const x = y.map((_, i) => 1e8 + i);
    const exact = 5.121212121212121;
    const [m] = polyfitBaseline(x, y, 1).coefficients;
    expect(Math.abs(m! - exact) / exact).toBeLessThan(1e-8);
    // The normal equations in float64, for contrast, lose most of the slope's digits.
    const n = x.length;
    const sx = x.reduce((a, b) => a + b, 0);
    const sxx = x.reduce((a, b) => a + b * b, 0);
    const sy = y.reduce((a, b) => a + b, 0);
    const sxy = x.reduce((a, b, i) => a + b * y[i]!, 0);
    const mNormal = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    expect(Math.abs(mNormal - exact) / exact).toBeGreaterThan(1e-3);
  });

  it("returns numpy's minimum-norm solution for rank-deficient fits, and warns as numpy does", () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      for (const c of cases.filter((k) => k.name.includes('rank deficient'))) {
        const fit = polyfitBaseline(c.x, c.y, c.degree);
        expect(fit.rankDeficient).toBe(true);
        expect(fit.rank).toBeLessThan(c.degree + 1);
        expect(normwiseError(fit.coefficients, c.coefficients)).toBeLessThan(1e-10);
        expect(Math.abs(fit.loss - c.mse)).toBeLessThan(1e-20 + 1e-10 * c.mse);
      }
      expect(warn).toHaveBeenCalledTimes(2);
      expect(warn.mock.calls[0]![0]).toMatch(
        /^polyfitBaseline: the fit is rank deficient \(rank 2 of 4: 2 point\(s\), degree 3\)/,
      );
      warn.mockClear();
      polyfitBaseline([2, 2, 2], [1, 2, 3], 1, { onRankDeficient: 'ignore' });
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
    expect(() => polyfitBaseline([2, 2, 2], [1, 2, 3], 1, { onRankDeficient: 'throw' })).toThrow(
      /^polyfitBaseline: the fit is rank deficient \(rank 1 of 2: 3 point\(s\), degree 1\)/,
    );
  });

  it('fits a polynomial exactly through as many points as coefficients', () => {
    const fit = polyfitBaseline([-1, 0, 2], [6, 1, 3], 2); // 2x^2 - 3x + 1
    [2, -3, 1].forEach((c, i) => expect(fit.coefficients[i]).toBeCloseTo(c, 12));
    expect(fit.loss).toBeLessThan(1e-25);
    expect(fit.predict(1)).toBeCloseTo(0, 12);
    expect(fit.predict([3])[0]).toBeCloseTo(10, 12);
  });

  it('rejects bad input with the function name and the value', () => {
    expect(() => polyfitBaseline([1, 2], [1])).toThrow(
      /^polyfitBaseline: x has 2 values but y has 1/,
    );
    expect(() => polyfitBaseline([], [])).toThrow(
      /^polyfitBaseline: got 0 point\(s\); expected at least 1/,
    );
    expect(() => polyfitBaseline([1, NaN], [1, 2])).toThrow(
      /^polyfitBaseline: x\[1\] is NaN; expected finite numbers/,
    );
    expect(() => polyfitBaseline([1, 2], [-Infinity, 2])).toThrow(
      /^polyfitBaseline: y\[0\] is -Infinity/,
    );
    expect(() => polyfitBaseline([1, 2], [1, 2], -1)).toThrow(
      /^polyfitBaseline: degree is -1; expected an integer in \[0, 64\]/,
    );
    expect(() => polyfitBaseline([1, 2], [1, 2], 1.5)).toThrow(/degree is 1.5/);
    expect(() => polyfitBaseline([1e200, 2], [1, 2], 2)).toThrow(
      /^polyfitBaseline: x\^2 overflows float64/,
    );
    expect(() => polyfitBaseline([1, 2], [1, 2], 1, { onRankDeficient: 'loud' as never })).toThrow(
      /onRankDeficient is "loud"/,
    );
    expect(() => polyfitBaseline([1, 2], [1, 2], 1, { rcond: -1 })).toThrow(/rcond is -1/);
  });

  it('creates no tensors', () => {
    const before = tf.memory().numTensors;
    polyfitBaseline(new Float64Array([1, 2, 3]), new Float32Array([2, 4, 7]), 1);
    expect(tf.memory().numTensors).toBe(before);
  });
});
