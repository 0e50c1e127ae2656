import { rangeError } from '../core/errors';
import { withAliases } from '../core/aliases';
import { LIMITS } from '../core/limits';
import { checkOptions, finite, integer, oneOf } from '../core/validate';
import type { TypedArray } from '../core/types';
import { solveTriangle, vandermondeQr } from './leastSquares';
import type { Predictor } from './fitLinear';
import { readXY } from './linearInputs';

/**
 * Options of {@link polyfitBaseline}.
 *
 * @category Regression
 */
export interface PolyfitOptions {
  /**
   * What to do when the scaled Vandermonde matrix is rank deficient (fewer distinct x than
   * coefficients, or too badly conditioned), where numpy emits a `RankWarning`: `'warn'`
   * (default) writes a warning with `console.warn`, `'throw'` throws a RangeError, `'ignore'`
   * stays silent. The result is the minimum-norm solution, as numpy returns, either way.
   */
  onRankDeficient?: 'warn' | 'throw' | 'ignore';
  /**
   * Relative cut-off for small singular values. Default `x.length * 2.22e-16`, numpy's.
   */
  rcond?: number;
}

/**
 * What {@link polyfitBaseline} returns.
 *
 * @category Regression
 */
export interface PolyFit {
  /** The polynomial's coefficients, highest power first (numpy's order): `[m, b]` for a line. */
  readonly coefficients: readonly number[];
  /** The degree that was fitted. */
  readonly degree: number;
  /** The fitted values' mean squared error on the data (float64), as {@link LinearFit}'s. */
  readonly loss: number;
  /** @deprecated Use `loss` (the same name as every other result's). Removed in 0.3.0. */
  readonly mse: number;
  /** The effective rank of the scaled Vandermonde matrix; `degree + 1` when well posed. */
  readonly rank: number;
  /** True when `rank < degree + 1` (numpy's RankWarning). */
  readonly rankDeficient: boolean;
  /** The singular values of the column-scaled Vandermonde matrix, largest first. */
  readonly singularValues: readonly number[];
  /** Evaluates the polynomial (Horner's rule, float64) at one x or at each of many. */
  readonly predict: Predictor;
}

const FN = 'polyfitBaseline';

/**
 * The closed-form least-squares fit of a polynomial, like `numpy.polyfit(x, y, degree)`, in
 * float64 on plain arrays: the best any line (or polynomial) can do on the data, which is the
 * baseline to compare a trained Dense unit with.
 *
 * Solved as numpy solves it: the Vandermonde matrix's columns are scaled to unit norm, then an
 * orthogonal factorisation (a streaming QR by Givens rotations, one pass over the data, then an
 * SVD of the small triangle) gives the minimum-norm least-squares solution, which stays accurate when x is far from 0 or the degree
 * is high (the normal equations would lose digits there).
 *
 * - Fewer distinct x than coefficients (too few points, repeated x): the problem is rank
 *   deficient; as numpy, the minimum-norm solution is returned and `onRankDeficient` decides
 *   whether to warn (default), throw or stay silent.
 * - Non-finite values, lengths that differ, no points, or a degree that is not an integer in
 *   [0, {@link LIMITS}.maxPolyfitDegree] are RangeErrors (numpy would fail inside its SVD or return NaN).
 *
 * @param x - the inputs
 * @param y - the targets, as many as `x`
 * @param degree - the polynomial's degree, default 1 (a line)
 * @param options - rank-deficiency handling and the singular-value cut-off
 * @returns coefficients highest power first, the fit's MSE, rank and a predict function
 * @throws RangeError for the bad inputs above, and for rank deficiency with `'throw'`
 *
 * @category Regression
 * @example
 * ```ts
 * import { polyfitBaseline } from 'denselab';
 *
 * const x = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
 * const y = [10, 20, 25, 30, 40, 45, 40, 50, 60, 55];
 * const fit = polyfitBaseline(x, y); // numpy: m = 5.121212121212121, b = 14.454545454545448
 * const [m, b] = fit.coefficients;
 * console.log(m.toFixed(6), b.toFixed(6), fit.loss.toFixed(6)); // 5.121212 14.454545 14.878788
 * console.log(fit.predict(10).toFixed(3)); // 65.667
 * ```
 */
export function polyfitBaseline(
  x: readonly number[] | TypedArray,
  y: readonly number[] | TypedArray,
  degree = 1,
  options: PolyfitOptions = {},
): PolyFit {
  integer({ min: 0, max: LIMITS.maxPolyfitDegree })(FN, 'degree', degree);
  const checked = checkOptions(FN, options, {
    onRankDeficient: oneOf(['warn', 'throw', 'ignore']),
    rcond: finite({ min: 0 }),
  });
  const mode = checked.onRankDeficient ?? 'warn';
  const [xs, ys] = readXY(FN, x, y, 1);
  const n = xs.length;
  const rcond = checked.rcond ?? n * Number.EPSILON;
  const order = degree + 1;

  // The Vandermonde matrix's columns x^degree ... x^0 scaled to unit norm (as numpy does),
  // reduced to a triangle in one streaming pass, then solved through its SVD.
  const { r, qty, scales } = vandermondeQr(xs, ys, degree);
  const overflow = scales.findIndex((v) => !Number.isFinite(v));
  if (overflow >= 0) {
    throw rangeError(
      FN,
      `x^${degree - overflow} overflows float64 for these x; scale x (e.g. subtract its mean) first`,
    );
  }
  const { solution, singularValues, rank } = solveTriangle(r, qty, rcond);
  const coefficients = Array.from(solution, (c, j) => c / (scales[j] as number));
  const rankDeficient = rank < order;
  if (rankDeficient && mode !== 'ignore') {
    const message =
      `${FN}: the fit is rank deficient (rank ${rank} of ${order}: ${n} point(s), ` +
      `degree ${degree}); the minimum-norm solution is returned and may be poorly conditioned`;
    if (mode === 'throw') throw new RangeError(message);
    console.warn(message);
  }
  const coef = Float64Array.from(coefficients);
  const evaluate = (v: number): number => {
    let acc = 0;
    for (let j = 0; j < coef.length; j++) acc = acc * v + (coef[j] as number);
    return acc;
  };
  let sse = 0;
  for (let i = 0; i < n; i++) {
    const r = (ys[i] as number) - evaluate(xs[i] as number);
    sse += r * r;
  }
  const predict = ((v: number | readonly number[]) =>
    typeof v === 'number' ? evaluate(v) : v.map(evaluate)) as Predictor;
  const fit = {
    coefficients,
    degree,
    loss: sse / n,
    rank,
    rankDeficient,
    singularValues: Array.from(singularValues),
    predict,
  };
  return withAliases(fit, { mse: 'loss' });
}
