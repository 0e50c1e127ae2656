import type * as tf from '@tensorflow/tfjs-core';
import { rangeError } from '../core/errors';
import { arrayOf, checkOptions, type OptionSpec } from '../core/validate';
import { NonFiniteLossError } from '../core/NonFiniteLossError';
import { withAliases } from '../core/aliases';
import type { Line, LossHistory, TypedArray } from '../core/types';
import {
  KERAS_OPTIMIZER_DEFAULTS,
  learningRateOption,
  OPTIMIZER_NAMES,
  optimizerName,
  type OptimizerName,
} from '../optim/createOptimizer';
import { FIT_LINEAR_OPTIONS, fitLine } from './fitLinear';
import { checkLinearCallShape, LINEAR_HINTS, readXYAsync } from './linearInputs';

const TIE_TOLERANCE = 1e-9;

const COMPARE_OPTIONS = {
  optimizers: arrayOf(optimizerName, { min: 1 }, 'a list of optimizer names'),
  learningRates: (fn: string, path: string, value: unknown) =>
    checkOptions(
      fn,
      value,
      Object.fromEntries(OPTIMIZER_NAMES.map((n) => [n, learningRateOption])) as Record<
        OptimizerName,
        typeof learningRateOption
      >,
      path,
    ),
  epochs: FIT_LINEAR_OPTIONS.epochs,
  seed: FIT_LINEAR_OPTIONS.seed,
  initial: FIT_LINEAR_OPTIONS.initial,
  initialM: FIT_LINEAR_OPTIONS.initialM,
  initialB: FIT_LINEAR_OPTIONS.initialB,
} satisfies OptionSpec;

/**
 * Options of {@link compareOptimizers}.
 *
 * @category Regression
 */
export interface CompareOptimizersOptions {
  /** Which optimizers to run, each with Keras' defaults. Default: all of {@link OPTIMIZER_NAMES}. */
  optimizers?: readonly OptimizerName[];
  /** Learning rates that replace Keras' defaults, per optimizer. */
  learningRates?: Partial<Record<OptimizerName, number>>;
  /** Full-batch epochs for every optimizer. Default 10,000. */
  epochs?: number;
  /** Seeds the shared initial slope (Keras' glorot-uniform draw). */
  seed?: number;
  /** The shared starting line, as {@link FitLinearOptions}' `initial`. */
  initial?: Partial<Line>;
  /** @deprecated Use `initial: { m }`. Removed in 0.3.0. */
  initialM?: number;
  /** @deprecated Use `initial: { b }`. Removed in 0.3.0. */
  initialB?: number;
}

/**
 * One optimizer's run in {@link compareOptimizers}: the fields of a {@link LinearFit} that a
 * comparison needs (`loss`, `history`, `m`, `b`), and where its loss was lowest.
 *
 * @category Regression
 */
export interface OptimizerRun {
  /** The optimizer. */
  readonly optimizer: OptimizerName;
  /** The learning rate it used (Keras' default unless `learningRates` set another). */
  readonly learningRate: number;
  /** The final line's mean squared error (float64); NaN when the run diverged. */
  readonly loss: number;
  /** The loss of every epoch (`history.loss[e]` is epoch e + 1's, before its update), to plot. */
  readonly history: LossHistory;
  /** The epoch (1-based) of the lowest loss. */
  readonly bestEpoch: number;
  /** The lowest loss of any epoch. */
  readonly bestLoss: number;
  /** The final slope (NaN when the run diverged). */
  readonly m: number;
  /** The final intercept (NaN when the run diverged). */
  readonly b: number;
  /** Why the run stopped early, when its loss became NaN or infinite. */
  readonly diverged?: string;
  /** @deprecated Use `optimizer` (the same name as {@link LinearFit}'s). Removed in 0.3.0. */
  readonly name: OptimizerName;
  /** @deprecated Use `loss` (the final loss, as {@link LinearFit}'s). Removed in 0.3.0. */
  readonly finalLoss: number;
}

/**
 * What {@link compareOptimizers} returns.
 *
 * @category Regression
 */
export interface OptimizerComparison {
  /** One run per optimizer, in the order asked. */
  readonly runs: readonly OptimizerRun[];
  /**
   * The optimizers with the lowest final loss: one, or several that tie (final losses within
   * 1e-9 relative of the lowest, in the order asked). When SGD and momentum both reach the
   * least-squares line, they tie.
   */
  readonly best: readonly OptimizerName[];
  /** @deprecated Use `best`: this is `best[0]`, and hides a tie. Removed in 0.3.0. */
  readonly winner: OptimizerName;
  /** The start every run shared. */
  readonly initial: Line;
  /** Epochs per run. */
  readonly epochs: number;
}

/**
 * Fits the same line from the same starting weights with each optimizer (Keras' defaults) and
 * returns each run's loss curve, final line and lowest loss, and the best (several when they
 * tie). On a small problem such as the example's ten points, SGD (and momentum, tied) reach the
 * least-squares line, while the adaptive optimizers at Keras' default rate of 0.001 are still
 * far from it after 10,000 epochs.
 *
 * A run whose loss becomes NaN or infinite (a learning rate too large) is kept with the curve
 * up to that point and a `diverged` message, and the others go on.
 *
 * @param x - the inputs
 * @param y - the targets, as many as `x`
 * @param options - optimizers, learning rates, epochs and the shared start
 * @returns the runs and the best
 * @throws RangeError for bad data or options (as {@link fitLinear}), an empty or unknown
 *   optimizer list, or when every run diverged
 *
 * @category Regression
 * @example
 * ```ts
 * import { compareOptimizers } from 'denselab';
 *
 * const x = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
 * const y = [10, 20, 25, 30, 40, 45, 40, 50, 60, 55];
 * const cmp = await compareOptimizers(x, y, { optimizers: ['sgd', 'adam'], epochs: 2000, seed: 1 });
 * const [sgd, adam] = cmp.runs;
 * console.log(sgd!.optimizer, sgd!.loss.toFixed(2), sgd!.history.loss.length); // sgd 14.88 2000
 * console.log(adam!.optimizer, adam!.loss.toFixed(2), adam!.bestEpoch); // adam 809.52 2000
 * console.log(cmp.best); // ["sgd"]
 * ```
 */
export async function compareOptimizers(
  x: readonly number[] | TypedArray | tf.Tensor,
  y: readonly number[] | TypedArray | tf.Tensor,
  options: CompareOptimizersOptions = {},
): Promise<OptimizerComparison> {
  const fn = 'compareOptimizers';
  checkLinearCallShape(fn, x);
  const options_ = checkOptions(fn, options, COMPARE_OPTIONS, 'options', LINEAR_HINTS);
  const [xs, ys] = await readXYAsync(fn, x, y, 2);
  const names: readonly OptimizerName[] = options_.optimizers ?? OPTIMIZER_NAMES;
  const epochs = options_.epochs ?? 10_000;
  const { initial: start, initialM, initialB, seed } = options_;
  const initial = (
    await fitLine(fn, xs, ys, { epochs: 1, seed, initial: start, initialM, initialB })
  ).initial;
  const runs: OptimizerRun[] = [];
  for (const optimizer of names) {
    const learningRate =
      options_.learningRates?.[optimizer] ?? KERAS_OPTIMIZER_DEFAULTS[optimizer].learningRate;
    const common = { optimizer, learningRate };
    try {
      const fit = await fitLine(fn, xs, ys, { optimizer, learningRate, epochs, initial });
      const { m, b, loss, history } = fit;
      runs.push(run({ ...common, loss, history, ...lowestOf(history.loss), m, b }));
    } catch (err) {
      if (!(err instanceof NonFiniteLossError)) throw err;
      const { history } = err;
      const failed = { loss: NaN, m: NaN, b: NaN, diverged: err.message };
      runs.push(run({ ...common, history, ...lowestOf(history.loss), ...failed }));
    }
  }
  const finished = runs.filter((r) => r.diverged === undefined);
  if (finished.length === 0)
    throw rangeError(fn, 'every optimizer diverged; use smaller learning rates');
  // A difference in the last float32 bits is no win: every optimizer that close is listed.
  const lowest = Math.min(...finished.map((r) => r.loss));
  const best = finished
    .filter((r) => r.loss <= lowest * (1 + TIE_TOLERANCE))
    .map((r) => r.optimizer);
  // The deprecated `winner` (best[0]) stays out of JSON and spreads, as the renamed fields do.
  const comparison = { runs, best, initial, epochs };
  return Object.defineProperty(comparison, 'winner', {
    get: () => best[0],
    enumerable: false,
  }) as typeof comparison & Pick<OptimizerComparison, 'winner'>;
}

function run(fields: Omit<OptimizerRun, 'name' | 'finalLoss'>): OptimizerRun {
  return withAliases(fields, { name: 'optimizer', finalLoss: 'loss' });
}

function lowestOf(loss: readonly number[]): { bestEpoch: number; bestLoss: number } {
  let bestEpoch = 0;
  let bestLoss = Infinity;
  loss.forEach((v, i) => {
    if (v < bestLoss) {
      bestLoss = v;
      bestEpoch = i + 1;
    }
  });
  return { bestEpoch, bestLoss: bestEpoch === 0 ? NaN : bestLoss };
}
