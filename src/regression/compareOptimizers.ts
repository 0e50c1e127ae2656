import type * as tf from '@tensorflow/tfjs-core';
import { rangeError } from '../core/errors';
import { arrayOf, checkOptions, type OptionSpec } from '../core/validate';
import { NonFiniteLossError } from '../core/NonFiniteLossError';
import type { Line, TypedArray } from '../core/types';
import {
  learningRateOption,
  OPTIMIZER_NAMES,
  optimizerName,
  type OptimizerName,
} from '../optim/createOptimizer';
import { FIT_LINEAR_OPTIONS, fitLine } from './fitLinear';
import { readXYAsync } from './linearInputs';

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
  initialM: FIT_LINEAR_OPTIONS.initialM,
  initialB: FIT_LINEAR_OPTIONS.initialB,
} satisfies OptionSpec;

/**
 * Options of {@link compareOptimizers}.
 *
 * @example
 * ```ts
 * import type { CompareOptimizersOptions } from 'denselab';
 *
 * const options: CompareOptimizersOptions = { optimizers: ['sgd', 'adam'], learningRates: { adam: 0.1 }, epochs: 500 };
 * console.log(options.optimizers); // ["sgd","adam"]
 * ```
 */
export interface CompareOptimizersOptions {
  /** Which optimizers to run, each with Keras' defaults. Default: all of {@link OPTIMIZER_NAMES}. */
  optimizers?: readonly OptimizerName[];
  /** Learning rates that replace Keras' defaults, per optimizer. */
  learningRates?: Partial<Record<OptimizerName, number>>;
  /** Full-batch epochs for every optimizer. Default 10,000, as the notes' chart. */
  epochs?: number;
  /** Seeds the shared initial slope (Keras' glorot-uniform draw). */
  seed?: number;
  /** The shared starting slope, instead of a random one. */
  initialM?: number;
  /** The shared starting intercept. Default 0. */
  initialB?: number;
}

/**
 * One optimizer's run in {@link compareOptimizers}.
 *
 * @example
 * ```ts
 * import { compareOptimizers, type OptimizerRun } from 'denselab';
 *
 * const [run] = (await compareOptimizers([0, 1, 2, 3], [1, 3, 5, 7], { optimizers: ['adam'], epochs: 50, seed: 1 })).runs;
 * const adam: OptimizerRun = run!;
 * console.log(adam.name, adam.loss.length, adam.bestEpoch); // adam 50 50
 * ```
 */
export interface OptimizerRun {
  /** The optimizer's name. */
  readonly name: OptimizerName;
  /** The learning rate it used. */
  readonly learningRate: number | undefined;
  /** The loss of every epoch (before that epoch's update), to plot. */
  readonly loss: readonly number[];
  /** The epoch (1-based) of the lowest loss. */
  readonly bestEpoch: number;
  /** The lowest loss. */
  readonly bestLoss: number;
  /** The MSE of the final line (float64). NaN when the run diverged. */
  readonly finalLoss: number;
  /** The final slope and intercept (NaN when the run diverged). */
  readonly m: number;
  /** See `m`. */
  readonly b: number;
  /** Why the run stopped early, when its loss became NaN or infinite. */
  readonly diverged?: string;
}

/**
 * What {@link compareOptimizers} returns.
 *
 * @example
 * ```ts
 * import { compareOptimizers, type OptimizerComparison } from 'denselab';
 *
 * const cmp: OptimizerComparison = await compareOptimizers([0, 1, 2, 3], [1, 3, 5, 7], { optimizers: ['sgd'], epochs: 10, seed: 1 });
 * console.log(cmp.best, cmp.epochs); // ["sgd"] 10
 * ```
 */
export interface OptimizerComparison {
  /** One run per optimizer, in the order asked. */
  readonly runs: readonly OptimizerRun[];
  /**
   * The optimizers with the lowest final loss: one, or several that tie (final losses within
   * 1e-9 relative of the lowest, in the order asked). On the notes' data SGD and momentum tie:
   * both reach the least-squares line.
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
 * The notes' optimizer chart (experiment 5): fits the same line from the same starting weights
 * with each optimizer and returns every loss curve, the epoch of each one's lowest loss, and
 * the best (several when they tie). On the notes' data SGD (with momentum, tied) does best; Adam reaches its lowest loss late and the adaptive
 * optimizers with Keras' default rate of 0.001 stay far from the least-squares line.
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
 * @example
 * ```ts
 * import { compareOptimizers } from 'denselab';
 *
 * const x = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
 * const y = [10, 20, 25, 30, 40, 45, 40, 50, 60, 55];
 * const cmp = await compareOptimizers(x, y, { optimizers: ['sgd', 'adam'], epochs: 2000, seed: 1 });
 * console.log(cmp.best, cmp.runs.map((r) => r.loss.length)); // ["sgd"] [2000, 2000]
 * ```
 */
export async function compareOptimizers(
  x: readonly number[] | TypedArray | tf.Tensor,
  y: readonly number[] | TypedArray | tf.Tensor,
  options: CompareOptimizersOptions = {},
): Promise<OptimizerComparison> {
  const fn = 'compareOptimizers';
  const options_ = checkOptions(fn, options, COMPARE_OPTIONS);
  const [xs, ys] = await readXYAsync(fn, x, y, 2);
  const names: readonly OptimizerName[] = options_.optimizers ?? OPTIMIZER_NAMES;
  const epochs = options_.epochs ?? 10_000;
  const { initialM, initialB, seed } = options_;
  const initial = (await fitLine(fn, xs, ys, { epochs: 1, seed, initialM, initialB })).initial;
  const runs: OptimizerRun[] = [];
  for (const name of names) {
    const learningRate = options_.learningRates?.[name];
    try {
      const fit = await fitLine(fn, xs, ys, {
        optimizer: name,
        learningRate,
        epochs,
        initialM: initial.m,
        initialB: initial.b,
      });
      runs.push({
        name,
        learningRate,
        ...lowestOf(fit.history.loss),
        finalLoss: fit.loss,
        m: fit.m,
        b: fit.b,
      });
    } catch (err) {
      if (!(err instanceof NonFiniteLossError)) throw err;
      const failed = { finalLoss: NaN, m: NaN, b: NaN, diverged: err.message };
      runs.push({ name, learningRate, ...lowestOf(err.history.loss), ...failed });
    }
  }
  const finished = runs.filter((r) => r.diverged === undefined);
  if (finished.length === 0)
    throw rangeError(fn, 'every optimizer diverged; use smaller learning rates');
  // A difference in the last float32 bits is no win: every optimizer that close is listed.
  const lowest = Math.min(...finished.map((r) => r.finalLoss));
  const best = finished
    .filter((r) => r.finalLoss <= lowest * (1 + TIE_TOLERANCE))
    .map((r) => r.name);
  return { runs, best, winner: best[0] as OptimizerName, initial, epochs };
}

function lowestOf(loss: readonly number[]): {
  loss: readonly number[];
  bestEpoch: number;
  bestLoss: number;
} {
  let bestEpoch = 0;
  let bestLoss = Infinity;
  loss.forEach((v, i) => {
    if (v < bestLoss) {
      bestLoss = v;
      bestEpoch = i + 1;
    }
  });
  return { loss, bestEpoch, bestLoss: bestEpoch === 0 ? NaN : bestLoss };
}
