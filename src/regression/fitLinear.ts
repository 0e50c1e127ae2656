import * as tf from '@tensorflow/tfjs-core';
import { requireBackend } from '../core/input';
import {
  checkOptions,
  finite,
  integer,
  nested,
  oneOf,
  renamed,
  type Checked,
  type OptionSpec,
} from '../core/validate';
import { NonFiniteLossError } from '../core/NonFiniteLossError';
import { createRng } from '../core/random';
import type { Line, LossHistory, TypedArray } from '../core/types';
import {
  createOptimizer,
  learningRateOption,
  optimizerOption,
  resolveOptimizerOption,
  type OptimizerName,
} from '../optim/createOptimizer';
import { divergenceHint } from '../optim/divergenceHint';
import { ScalarOptimizer } from '../optim/ScalarOptimizer';
import { checkLinearCallShape, LINEAR_HINTS, readXYAsync } from './linearInputs';

/**
 * Options of {@link fitLinear}.
 *
 * @category Regression
 */
export interface FitLinearOptions {
  /**
   * A name with Keras' defaults (see {@link OptimizerName}) or any `tf.Optimizer` (which the
   * caller keeps and disposes). Default `'sgd'`.
   */
  optimizer?: OptimizerName | tf.Optimizer;
  /** Overrides the named optimizer's default learning rate. */
  learningRate?: number;
  /** Full-batch epochs. Default 500. */
  epochs?: number;
  /** Seeds the random initial slope; the same seed gives the same fit. */
  seed?: number;
  /**
   * The starting line: `m` defaults to Keras' glorot-uniform draw for a 1x1 kernel (in
   * [-√3, √3], seeded by `seed`), `b` to 0 (Keras' zero bias). Pass a fit's `initial` to
   * repeat it exactly.
   */
  initial?: Partial<Line>;
  /** @deprecated Use `initial: { m }`. Removed in 0.3.0. */
  initialM?: number;
  /** @deprecated Use `initial: { b }`. Removed in 0.3.0. */
  initialB?: number;
  /**
   * `'auto'` (default): a named optimizer runs the unit's float32 arithmetic in JavaScript,
   * which is 10 to 100 times faster than tfjs kernels on 10 points and gives the same numbers
   * (tested against tfjs); a `tf.Optimizer` runs on the tfjs backend. `'tfjs'`: always the
   * tfjs backend.
   */
  engine?: 'auto' | 'tfjs';
}

/**
 * Evaluates a fitted line or polynomial at one x or at each of many.
 *
 * @category Regression
 */
export interface Predictor {
  /** The value at `x`. */
  (x: number): number;
  /** The value at each x. */
  (x: readonly number[]): number[];
}

/**
 * What {@link fitLinear} returns.
 *
 * @category Regression
 */
export interface LinearFit {
  /** The fitted slope (the Dense unit's kernel). */
  readonly m: number;
  /** The fitted intercept (the Dense unit's bias). */
  readonly b: number;
  /**
   * The mean squared error of the fitted line on the data, in float64
   * (`np.sum((y - y_hat) ** 2) / len(x)`).
   */
  readonly loss: number;
  /** Keras' `history.history`: `loss[e]` is epoch e+1's loss, before that epoch's update. */
  readonly history: LossHistory;
  /** The starting slope and intercept, so that a run can be repeated exactly. */
  readonly initial: Line;
  /** The optimizer's name, or `'custom'` for a `tf.Optimizer`. */
  readonly optimizer: OptimizerName | 'custom';
  /** Which arithmetic ran: JavaScript float32 or the tfjs backend. */
  readonly engine: 'js' | 'tfjs';
  /** m * x + b for one x, or for each of many (a plain function: pass it around freely). */
  readonly predict: Predictor;
}

const FN = 'fitLinear';

/**
 * Fits a line y = m * x + b with one Dense unit, MSE loss and full-batch training: Keras'
 * `Sequential([Dense(1, input_shape=[1])])` compiled with `loss='mse'`.
 *
 * The defaults are SGD with learning rate 0.01 for 500 epochs. `{ optimizer: 'rmsprop',
 * epochs: 10000 }` is Keras' default optimizer, which on the example's ten points ends further
 * from the data (loss 20 to 25 against 15): the optimizer and its learning rate matter more
 * than the number of epochs. The best any line can do is {@link polyfitBaseline}'s.
 *
 * The unit starts as Keras starts it: a glorot-uniform slope (seeded by `seed`) and a zero
 * intercept; `initial` sets another start.
 * With a named optimizer and the default engine no tensor is made, so it runs before any
 * backend is chosen.
 *
 * @param x - the inputs (numbers, typed array or 1-D tensor)
 * @param y - the targets, as many as `x`
 * @param options - optimizer, learning rate, epochs, seed, start, engine
 * @returns the fitted m and b, the final loss, the loss of every epoch and a predict function
 * @throws RangeError for fewer than 2 points, lengths that differ, non-finite values, an
 *   unknown optimizer, or epochs/learningRate/seed out of range (before any training)
 * @throws {@link NonFiniteLossError} when the loss becomes NaN or infinite (a learning rate too
 *   large), naming the epoch
 *
 * @category Regression
 * @example
 * ```ts
 * import { fitLinear } from 'denselab';
 *
 * const x = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
 * const y = [10, 20, 25, 30, 40, 45, 40, 50, 60, 55];
 * const sgd = await fitLinear(x, y, { seed: 42 }); // SGD, lr 0.01, 500 epochs
 * console.log(sgd.loss > 14.87 && sgd.loss < 15.3, sgd.history.loss.length); // true 500
 * const rms = await fitLinear(x, y, { optimizer: 'rmsprop', epochs: 10000, seed: 42 });
 * console.log(rms.loss > 20 && rms.loss < 25); // true
 * console.log(sgd.predict(10) > 60); // true
 * ```
 */
export async function fitLinear(
  x: readonly number[] | TypedArray | tf.Tensor,
  y: readonly number[] | TypedArray | tf.Tensor,
  options: FitLinearOptions = {},
): Promise<LinearFit> {
  checkLinearCallShape(FN, x);
  const checked = checkOptions(FN, options, FIT_LINEAR_OPTIONS, 'options', LINEAR_HINTS);
  const [xs, ys] = await readXYAsync(FN, x, y, 2);
  return fitLine(FN, xs, ys, checked);
}

/** The checks of every fitLinear option (compareOptimizers checks the shared ones with these). */
export const FIT_LINEAR_OPTIONS = {
  optimizer: optimizerOption,
  learningRate: learningRateOption,
  epochs: integer({ min: 1 }),
  seed: finite(),
  initial: nested({ m: finite(), b: finite() }),
  initialM: finite(),
  initialB: finite(),
  engine: oneOf(['auto', 'tfjs']),
} satisfies OptionSpec;

/**
 * fitLinear on checked data and options; `fn` is the public function the user called, which
 * every error names.
 */
export async function fitLine(
  fn: string,
  xs: Float64Array,
  ys: Float64Array,
  options: Checked<typeof FIT_LINEAR_OPTIONS>,
): Promise<LinearFit> {
  const epochs = options.epochs ?? 500;
  const engine = options.engine ?? 'auto';
  const { custom, hyper } = resolveOptimizerOption(
    fn,
    options.optimizer,
    options.learningRate,
    'sgd',
  );
  const start = startOf(fn, options);
  const m0 = Math.fround(start.m ?? glorotUniformSlope(options.seed));
  const b0 = Math.fround(start.b ?? 0);
  const xf = new Float32Array(xs);
  const yf = new Float32Array(ys);
  const inJs = hyper !== undefined && engine === 'auto';
  let m: number;
  let b: number;
  let losses: number[];
  if (inJs) {
    const optimizer = new ScalarOptimizer(hyper.name, hyper, 2);
    [m, b, losses] = fitInJs(fn, xf, yf, m0, b0, epochs, optimizer);
  } else {
    requireBackend(fn);
    const optimizer = custom ?? createOptimizer(hyper?.name ?? 'sgd', hyper?.learningRate);
    try {
      [m, b, losses] = await fitInTfjs(fn, xf, yf, m0, b0, epochs, optimizer);
    } finally {
      if (custom === undefined) optimizer.dispose();
    }
  }
  const predict = ((v: number | readonly number[]) =>
    typeof v === 'number' ? v * m + b : v.map((xi) => xi * m + b)) as Predictor;
  return {
    m,
    b,
    loss: lineMse(xs, ys, m, b),
    history: { loss: losses },
    initial: { m: m0, b: b0 },
    optimizer: hyper?.name ?? 'custom',
    engine: inJs ? 'js' : 'tfjs',
    predict,
  };
}

/** The starting line asked for, under `initial` or the deprecated `initialM` and `initialB`. */
function startOf(fn: string, options: Checked<typeof FIT_LINEAR_OPTIONS>): Partial<Line> {
  const { initial = {}, initialM, initialB } = options;
  return {
    m: renamed(fn, { name: 'initial.m', value: initial.m }, { name: 'initialM', value: initialM }),
    b: renamed(fn, { name: 'initial.b', value: initial.b }, { name: 'initialB', value: initialB }),
  };
}

/** The mean squared error of a line, in float64: `np.sum((y - y_hat) ** 2) / len(x)`. */
function lineMse(xs: Float64Array, ys: Float64Array, m: number, b: number): number {
  let sse = 0;
  for (let i = 0; i < xs.length; i++) {
    const r = (ys[i] as number) - ((xs[i] as number) * m + b);
    sse += r * r;
  }
  return sse / xs.length;
}

/** Keras' glorot-uniform draw for a 1x1 kernel: uniform in [-√3, √3] (fan in = fan out = 1). */
function glorotUniformSlope(seed: number | undefined): number {
  const limit = Math.sqrt(6 / (1 + 1));
  return -limit + 2 * limit * createRng(seed)();
}

function diverged(
  fn: string,
  epoch: number,
  loss: number,
  history: number[],
  optimizer?: tf.Optimizer,
): NonFiniteLossError {
  return new NonFiniteLossError(
    fn,
    epoch,
    undefined,
    loss,
    { loss: history },
    divergenceHint(optimizer) ??
      'the steps are too large for this data: try a smaller learningRate (or scale x and y)',
  );
}

function fitInJs(
  fn: string,
  x: Float32Array,
  y: Float32Array,
  m0: number,
  b0: number,
  epochs: number,
  optimizer: ScalarOptimizer,
): [number, number, number[]] {
  const n = x.length;
  const params = new Float32Array([m0, b0]);
  const grads = new Float64Array(2);
  const losses: number[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const m = params[0] as number;
    const b = params[1] as number;
    let sse = 0;
    let gm = 0;
    let gb = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[i] as number;
      const r = Math.fround(Math.fround(xi * m) + b) - (y[i] as number);
      sse += r * r;
      gm += r * xi;
      gb += r;
    }
    const loss = Math.fround(sse / n);
    if (!Number.isFinite(loss)) throw diverged(fn, epoch, loss, losses);
    losses.push(loss);
    grads[0] = (2 * gm) / n;
    grads[1] = (2 * gb) / n;
    optimizer.step(params, grads);
  }
  const [m = NaN, b = NaN] = params;
  if (!Number.isFinite(m) || !Number.isFinite(b)) throw diverged(fn, epochs, NaN, losses);
  return [m, b, losses];
}

let fitCount = 0;

async function fitInTfjs(
  fn: string,
  x: Float32Array,
  y: Float32Array,
  m0: number,
  b0: number,
  epochs: number,
  optimizer: tf.Optimizer,
): Promise<[number, number, number[]]> {
  const id = fitCount++;
  const xt = tf.tensor1d(x);
  const yt = tf.tensor1d(y);
  const mName = `denselab_fitLinear_${id}_m`;
  const bName = `denselab_fitLinear_${id}_b`;
  const mv = tf.tidy(() => tf.variable(tf.scalar(m0), true, mName));
  const bv = tf.tidy(() => tf.variable(tf.scalar(b0), true, bName));
  const twoOverN = tf.scalar(2 / x.length);
  const losses: number[] = [];
  let pending: tf.Scalar[] = [];
  // Losses stay on the backend and are read in chunks, so the loop does not wait for the
  // device every epoch; a non-finite loss is still caught within one chunk.
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const stacked = tf.stack(pending);
    const values = await stacked.data();
    tf.dispose([stacked, ...pending]);
    pending = [];
    for (const v of values) {
      if (!Number.isFinite(v)) throw diverged(fn, losses.length + 1, v, losses, optimizer);
      losses.push(v);
    }
  };
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const [loss, dm, db] = tf.tidy((): [tf.Scalar, tf.Scalar, tf.Scalar] => {
        const r = tf.sub(tf.add(tf.mul(xt, mv), bv), yt);
        const g = tf.mul(r, twoOverN);
        return [tf.mean(tf.square(r)), tf.sum(tf.mul(g, xt)), tf.sum(g)];
      });
      pending.push(loss);
      try {
        optimizer.applyGradients({ [mName]: dm, [bName]: db });
      } finally {
        tf.dispose([dm, db]);
      }
      if (pending.length === 250) await flush();
    }
    await flush();
    const [m = NaN, b = NaN] = await Promise.all([mv.data(), bv.data()]).then((v) =>
      v.map((a) => a[0] as number),
    );
    if (!Number.isFinite(m) || !Number.isFinite(b)) throw diverged(fn, epochs, NaN, losses);
    return [m, b, losses];
  } finally {
    tf.dispose([xt, yt, mv, bv, twoOverN, ...pending]);
  }
}
