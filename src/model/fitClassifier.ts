import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { yieldToEventLoop } from '../core/env';
import { rangeError, show, typeError } from '../core/errors';
import { divergenceHint } from '../optim/divergenceHint';
import { NonFiniteLossError } from '../core/NonFiniteLossError';
import { createRng } from '../core/random';
import {
  boolean,
  checkOptions,
  finite,
  func,
  integer,
  oneOf,
  type OptionHints,
  type OptionSpec,
} from '../core/validate';
import { hasWasmSimd } from '../wasm/encoder';
import type { GpuDevice } from '../gpu/webgpuTypes';
import { webgpuDevice } from '../internals/tfjsInternals';
import { PROGRESS_LOGGER_OPTIONS, ProgressLogger } from '../progress/ProgressLogger';
import {
  checkData,
  checkModel,
  modelLoss,
  type ClassifierData,
  type ModelLoss,
  type TensorData,
} from './classifierInputs';
import { sliceRows } from './evaluateClassifier';
import { checkCallShape } from './plainData';
import { adaptTfjsCallback, isTfjsCallback, type TfjsCallback } from './tfjsCallbacks';
import { denseStack } from './denseStack';
import { chooseByTiming } from './chooseByTiming';
import { defaultThreads, EngineTrainer } from './engineTrainer';
import type {
  ClassifierCallbacks,
  ClassifierHistory,
  ClassifierTraining,
  FitClassifierOptions,
  TrainingPath,
} from './fitTypes';
import { TfjsTrainer } from './tfjsTrainer';
import type { Trainer } from './trainer';

const FN = 'fitClassifier';

/**
 * Trains a classifier the way Keras' `model.fit(x, y, epochs, batch_size, validation_data)`
 * does, with Keras' progress output, history keys and defaults (batch 32, shuffled every
 * epoch), and three things tfjs' `model.fit` lacks:
 *
 * - **a seeded shuffle**: with a model from `buildDenseClassifier({ seed })` and the same
 *   `seed` here, a run repeats bit for bit on the same backend (tfjs' shuffle uses
 *   `Math.random`);
 * - **checks before training**: rows of x and y, x's width against the model's input, y's
 *   width against its output, labels that are not one-hot, all reported with what was expected;
 * - **a stop on a NaN or infinite loss** (Keras' `TerminateOnNaN`): a
 *   {@link NonFiniteLossError} naming the epoch and batch, holding the history so far.
 *
 * **Where it trains** (see {@link TrainingPath}; the result's `path` and the verbose log say
 * which ran and why): a stack of Dense layers trained with categorical or sparse categorical
 * cross-entropy or MSE and SGD (with momentum or Nesterov's), RMSprop, Adam, Adamax, Adagrad
 * or Keras' Adadelta trains on **denselab's dense engine**: on the wasm or cpu backend in
 * denselab's own WebAssembly memory, split across threads, many times faster than tfjs'
 * layers; on a GPU backend, a few steps are first timed on the engine, on the engine's WebGPU
 * device (webgpu backend) and through tfjs, and the fastest trains (`engine` forces one). The
 * weights are written back into the model after every epoch (and before each `onBatchEnd`,
 * which also sees current weights), the optimizer's state after every epoch; the loss curve
 * agrees with tfjs' path within float32 rounding. Anything else (other layers, regularizers,
 * custom optimizers or losses) trains **through tfjs**, where losses stay on the backend and
 * are read back in groups.
 *
 * After a non-finite loss the model holds the last weights known to give a finite loss (the
 * error says which), not the broken ones Keras' `TerminateOnNaN` leaves. The loop yields to
 * the event loop as it reads losses, so a page stays responsive. No tensor is left behind.
 * Layer regularization losses are not added (the models {@link buildDenseClassifier} makes
 * have none).
 *
 * @param model - a compiled tfjs-layers model with one input and one output
 * @param data - `x` float32 `[N, features]`, `y` one-hot `[N, classes]`: tensors, `NdArray`s or
 *   nested arrays (see {@link ClassifierData}); made into tensors for the call and disposed
 * @param options - epochs, batch size, validation data or split, shuffle, seed, verbosity,
 *   callbacks (denselab's hooks or tfjs callback objects), engine and threads
 * @returns the epochs, Keras' history and the path training took
 * @throws TypeError or RangeError before training for bad options, unknown option keys, or
 *   data that does not fit the model (wrong shapes, labels, NaN or infinite inputs, naming the
 *   first bad row); {@link NonFiniteLossError} when the loss stops being finite
 *
 * @category Model
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import '@tensorflow/tfjs-backend-cpu';
 * import { buildDenseClassifier, fitClassifier, toCategorical } from 'denselab';
 *
 * // Two separable classes of 2-D points.
 * const x = tf.tensor2d([[0, 0], [0, 1], [1, 0], [5, 5], [5, 6], [6, 5]]);
 * const y = toCategorical([0, 0, 0, 1, 1, 1], 2);
 * const model = buildDenseClassifier({ inputSize: 2, hiddenUnits: [8], numClasses: 2, optimizer: 'adam', learningRate: 0.05, seed: 1 });
 * const { history } = await fitClassifier(model, { x, y }, { epochs: 30, batchSize: 6, seed: 1, verbose: 0 });
 * console.log(history.accuracy.at(-1)); // 1
 * tf.dispose([x, y]);
 * model.dispose();
 * ```
 */
export async function fitClassifier(
  model: tfl.LayersModel,
  data: ClassifierData,
  options: FitClassifierOptions = {},
): Promise<ClassifierTraining> {
  checkCallShape(FN, data, options, 'fitClassifier(model, { x, y }, options)');
  const m = checkModel(FN, model, 'fit');
  const run = checkFitOptions(options);
  const loss = modelLoss(FN, m);
  const owned: tf.Tensor[] = [];
  try {
    const { train, validation } = await trainingData(m, loss, data, run, owned);
    const callbacks = withTfjsCallbacks(m, run, train.x.shape[0], validation !== undefined);
    const trainer = await chooseTrainer(m, loss, train, validation, run);
    try {
      return await runEpochs(
        m,
        trainer,
        train.x.shape[0],
        { ...run, callbacks },
        validation !== undefined,
      );
    } catch (err) {
      // The model gets the engine's latest weights on every way out (after a NaN, recover did).
      if (!(err instanceof NonFiniteLossError)) await trainer.sync(true).catch(() => undefined);
      throw err;
    } finally {
      trainer.dispose();
    }
  } finally {
    tf.dispose(owned);
  }
}

/**
 * The training and validation data as checked tensors: `validationData`, or with
 * `validationSplit` the last rows of `data` as Keras takes them (before any shuffling:
 * training keeps rows [0, floor(N * (1 - split))), validation the rest). Tensors made on the
 * way go into `owned`.
 */
async function trainingData(
  model: tfl.LayersModel,
  loss: ModelLoss,
  data: unknown,
  run: Run,
  owned: tf.Tensor[],
): Promise<{ train: TensorData; validation: TensorData | undefined }> {
  const all = await checkData(FN, model, loss, data, 'data');
  owned.push(...all.owned);
  if (run.validationSplit === undefined || run.validationSplit === 0) {
    if (run.validationData === undefined) return { train: all, validation: undefined };
    const validation = await checkData(FN, model, loss, run.validationData, 'validationData');
    owned.push(...validation.owned);
    return { train: all, validation };
  }
  const n = all.x.shape[0];
  const at = Math.floor(n * (1 - run.validationSplit));
  if (at === 0 || at === n) {
    throw rangeError(
      FN,
      `validationSplit is ${run.validationSplit}, which splits ${plural(n, 'row')} into ${at} for training and ${n - at} for validation; expected at least one of each (more data or another fraction)`,
    );
  }
  const part = (start: number, size: number): TensorData => {
    const t = { x: sliceRows(all.x, start, size), y: sliceRows(all.y, start, size), owned: [] };
    owned.push(t.x, t.y);
    return t;
  };
  return { train: part(0, at), validation: part(at, n - at) };
}

/** The callbacks with tfjs callback objects adapted to this model and run. */
function withTfjsCallbacks(
  model: tfl.LayersModel,
  run: Run,
  n: number,
  doValidation: boolean,
): ClassifierCallbacks[] {
  const params = {
    epochs: run.epochs,
    initialEpoch: run.initialEpoch,
    samples: n,
    steps: Math.ceil(n / run.batchSize),
    batchSize: run.batchSize,
    doValidation,
  };
  const path = (i: number): string => (run.callbacksListed ? `callbacks[${i}]` : 'callbacks');
  return run.callbacks.map((c, i) =>
    isTfjsCallback(c) ? adaptTfjsCallback(FN, path(i), c, model, params) : c,
  );
}

/** What fitClassifier says to Keras' and tfjs' `fit` arguments it does not take. */
const FIT_HINTS: OptionHints = {
  metrics: 'fitClassifier always reports loss and accuracy',
  loss: 'compile the model with the loss (buildDenseClassifier compiles categorical cross-entropy)',
  optimizer: 'compile the model with it, or pass optimizer to buildDenseClassifier',
  lr: 'the learning rate belongs to the optimizer: buildDenseClassifier({ learningRate }) or createOptimizer(name, learningRate)',
  learningRate:
    'the learning rate belongs to the optimizer: buildDenseClassifier({ learningRate }) or createOptimizer(name, learningRate)',
  classWeight:
    'fitClassifier does not weight classes; balance the rows, or train with tfjs-layers model.fit',
  sampleWeight:
    'fitClassifier does not weight samples; balance the rows, or train with tfjs-layers model.fit',
  stepsPerEpoch:
    'fitClassifier goes through all the rows every epoch; pass fewer rows for shorter epochs',
  validationSteps:
    'fitClassifier validates on all of validationData; pass fewer rows to validate on less',
  validationFreq: 'fitClassifier validates after every epoch',
  yieldEvery: 'fitClassifier yields to the event loop whenever it reads the losses',
  workers: 'use threads (the dense engine runs its steps on several threads)',
  useMultiprocessing: 'use threads (the dense engine runs its steps on several threads)',
  x: 'pass the data as the second argument: fitClassifier(model, { x, y }, options)',
  y: 'pass the data as the second argument: fitClassifier(model, { x, y }, options)',
};

const FIT_OPTIONS = {
  epochs: integer({ min: 1 }),
  initialEpoch: integer({ min: 0 }),
  batchSize: integer({ min: 1 }),
  // checked against the model with the data (checkData)
  validationData: (_fn: string, _path: string, value: unknown): ClassifierData =>
    value as ClassifierData,
  validationSplit: (fn: string, path: string, value: unknown): number => {
    const v = finite({ min: 0, max: 1 }, 'a fraction')(fn, path, value);
    if (v === 1) throw rangeError(fn, `${path} is 1; expected a fraction in [0, 1)`);
    return v;
  },
  validationBatchSize: integer({ min: 1 }),
  shuffle: boolean,
  seed: finite(),
  verbose: PROGRESS_LOGGER_OPTIONS.verbose,
  sink: PROGRESS_LOGGER_OPTIONS.sink,
  logger: (fn: string, path: string, value: unknown) => {
    if (value instanceof ProgressLogger) return value;
    throw typeError(fn, `${path} is ${show(value)}; expected a ProgressLogger`);
  },
  callbacks: (fn: string, path: string, value: unknown) => checkCallbacks(fn, path, value),
  engine: oneOf(['auto', 'tfjs', 'wasm', 'webgpu']),
  threads: integer({ min: 1, max: 64 }),
} satisfies OptionSpec;

/** The options with their defaults, checked. */
interface Run {
  epochs: number;
  initialEpoch: number;
  batchSize: number;
  validationData: ClassifierData | undefined;
  validationSplit: number | undefined;
  validationBatchSize: number;
  shuffle: boolean;
  seed: number | undefined;
  logger: ProgressLogger;
  callbacks: (ClassifierCallbacks | TfjsCallback)[];
  /** Whether `callbacks` came as a list (messages then name `callbacks[i]`). */
  callbacksListed: boolean;
  engine: NonNullable<FitClassifierOptions['engine']>;
  threads: number | undefined;
}

function checkFitOptions(options: unknown): Run {
  const o = checkOptions(FN, options, FIT_OPTIONS, 'options', FIT_HINTS);
  if (o.validationData !== undefined && o.validationSplit !== undefined) {
    throw typeError(
      FN,
      'validationData and validationSplit were both given (Keras lets validation data win silently); pass one of them',
    );
  }
  const epochs = o.epochs ?? 1;
  const initialEpoch = o.initialEpoch ?? 0;
  if (initialEpoch >= epochs) {
    throw rangeError(
      FN,
      `initialEpoch is ${initialEpoch}; expected an integer in [0, epochs) = [0, ${epochs})`,
    );
  }
  if (o.logger !== undefined && (o.verbose !== undefined || o.sink !== undefined)) {
    throw typeError(FN, 'logger replaces verbose and sink; pass either logger or verbose and sink');
  }
  const batchSize = o.batchSize ?? 32;
  return {
    epochs,
    initialEpoch,
    batchSize,
    validationData: o.validationData,
    validationSplit: o.validationSplit,
    validationBatchSize: o.validationBatchSize ?? Math.max(batchSize, 256),
    shuffle: o.shuffle ?? true,
    seed: o.seed,
    logger: o.logger ?? new ProgressLogger({ verbose: o.verbose ?? 1, sink: o.sink }),
    callbacks: o.callbacks ?? [],
    callbacksListed: Array.isArray((options as { callbacks?: unknown } | null)?.callbacks),
    engine: o.engine ?? 'auto',
    threads: o.threads,
  };
}

const HOOKS = ['onTrainBegin', 'onEpochBegin', 'onBatchEnd', 'onEpochEnd', 'onTrainEnd'] as const;

/**
 * Callbacks: one or a list, each a tfjs-layers callback object (adapted when training starts)
 * or a plain object with only known hooks, each a function.
 */
function checkCallbacks(
  fn: string,
  path: string,
  value: unknown,
): (ClassifierCallbacks | TfjsCallback)[] {
  const list: unknown[] = Array.isArray(value) ? value : [value];
  const hooks = Object.fromEntries(HOOKS.map((h) => [h, func('a function')]));
  return list.map((c, i) => {
    if (isTfjsCallback(c)) return c;
    return checkOptions(fn, c, hooks, Array.isArray(value) ? `${path}[${i}]` : path, {
      onBatchBegin: 'fitClassifier has no such hook; use onBatchEnd',
      onTrainBatchBegin: 'fitClassifier has no such hook; use onBatchEnd',
      onYield: 'fitClassifier yields to the event loop by itself',
    });
  });
}

/** The dense engine when the model and backend allow it, else tfjs; with the reason. */
async function chooseTrainer(
  model: tfl.LayersModel,
  loss: ModelLoss,
  train: TensorData,
  validation: TensorData | undefined,
  run: Run,
): Promise<Trainer> {
  const backend = tf.getBackend();
  const stack = denseStack(model, loss.kind);
  const gpu = webgpuDevice(tf.backend()) as GpuDevice | undefined;
  const unfit =
    run.engine === 'tfjs'
      ? "engine: 'tfjs' was asked for"
      : !hasWasmSimd()
        ? 'this JavaScript engine has no WebAssembly SIMD'
        : !stack.ok
          ? `the model is not a plain stack of Dense layers: ${stack.reason}`
          : undefined;
  if (unfit !== undefined || !stack.ok) {
    if (run.engine === 'wasm' || run.engine === 'webgpu') {
      throw typeError(FN, `engine is '${run.engine}', but ${unfit ?? ''}; use engine: 'auto'`);
    }
    const { validationBatchSize, shuffle } = run;
    const why = unfit ?? '';
    return new TfjsTrainer(model, loss, train, validation, validationBatchSize, shuffle, why);
  }
  if (run.engine === 'webgpu' && gpu === undefined) {
    throw typeError(
      FN,
      `engine is 'webgpu', but tfjs' backend is ${backend}; the engine's WebGPU device runs on tfjs' webgpu backend (selectBackend() picks it where a WebGPU adapter exists)`,
    );
  }
  const threads = run.threads ?? (await defaultThreads());
  const input = {
    model,
    stack: stack.stack,
    train,
    validation,
    threads,
    batchSize: run.batchSize,
    validationBatchSize: run.validationBatchSize,
  };
  const layers = stack.stack.layers.map((l) => l.units).join('-');
  const what = `a stack of ${stack.stack.layers.length} Dense layers (${layers}) with ${stack.stack.optimizer.kind} and ${stack.stack.loss} loss, on the ${backend} backend`;
  if (run.engine === 'wasm')
    return EngineTrainer.create(input, `engine: 'wasm' was asked for; ${what}`);
  if (run.engine === 'webgpu') {
    return EngineTrainer.create(input, `engine: 'webgpu' was asked for; ${what}`, gpu).catch(
      (err: unknown) => {
        throw new Error(
          `${FN}: engine is 'webgpu', but the engine's WebGPU device could not run this model: ${(err as Error).message}`,
        );
      },
    );
  }
  if (backend === 'wasm' || backend === 'cpu') return EngineTrainer.create(input, what);
  const { validationBatchSize, shuffle } = run;
  const choice = { model, loss, train, validation, validationBatchSize, shuffle, backend, gpu };
  return chooseByTiming({ ...choice, engine: input, engineWhat: what });
}

/** Everything the epochs share. */
interface Loop {
  model: tfl.LayersModel;
  trainer: Trainer;
  run: Run;
  n: number;
  steps: number;
  order: Int32Array;
  history: Required<ClassifierHistory>;
}

async function runEpochs(
  model: tfl.LayersModel,
  trainer: Trainer,
  n: number,
  run: Run,
  validate: boolean,
): Promise<ClassifierTraining> {
  const steps = Math.ceil(n / run.batchSize);
  const history: Required<ClassifierHistory> = {
    loss: [],
    accuracy: [],
    val_loss: [],
    val_accuracy: [],
  };
  const loop: Loop = {
    model,
    trainer,
    run,
    n,
    steps,
    order: new Int32Array(n).map((_, i) => i),
    history,
  };
  const rng = createRng(run.seed);
  const epochList: number[] = [];
  model.stopTraining = false;
  run.logger.trainBegin(run.epochs, steps);
  run.logger.note(describePath(trainer.path));
  for (const c of run.callbacks) await c.onTrainBegin?.();
  // Replay the shuffles of the skipped epochs so that a resumed run sees the same order.
  if (run.shuffle) for (let e = 0; e < run.initialEpoch; e++) shuffleInPlace(loop.order, rng);
  for (let epoch = run.initialEpoch; epoch < run.epochs; epoch++) {
    if (run.shuffle) shuffleInPlace(loop.order, rng);
    run.logger.epochBegin(epoch);
    await callHooks(loop, 'onEpochBegin', epoch);
    const logs = await runEpoch(loop, epoch);
    await trainer.sync(true);
    if (validate) {
      const scores = await trainer.validate();
      logs.val_loss = scores.loss;
      logs.val_accuracy = scores.accuracy;
      history.val_loss.push(scores.loss);
      history.val_accuracy.push(scores.accuracy);
    }
    history.loss.push(logs.loss);
    history.accuracy.push(logs.accuracy);
    epochList.push(epoch);
    run.logger.epochEnd(logs);
    await callHooks(loop, 'onEpochEnd', epoch, withTfjsNames(logs));
    if (model.stopTraining) break;
  }
  const result = trimmed(history);
  for (const c of run.callbacks) await c.onTrainEnd?.(result);
  return { epoch: epochList, history: result, path: trainer.path };
}

/**
 * Calls one hook of every callback; when any has it, the trainer reads the model back in
 * afterwards (the hook may have changed the weights, or with `optimizer` the optimizer).
 */
async function callHooks<H extends 'onEpochBegin' | 'onEpochEnd' | 'onBatchEnd'>(
  loop: Loop,
  name: H,
  ...args: Parameters<NonNullable<ClassifierCallbacks[H]>>
): Promise<void> {
  const hooks = loop.run.callbacks.filter((c) => c[name] !== undefined);
  for (const c of hooks) {
    await (c[name] as (...a: Parameters<NonNullable<ClassifierCallbacks[H]>>) => unknown)(...args);
  }
  if (hooks.length > 0) await loop.trainer.reload(name !== 'onBatchEnd');
}

function describePath(path: TrainingPath): string {
  if (path.engine === 'tfjs') return `Training through tfjs: ${path.reason}`;
  if (path.device === 'webgpu')
    return `Training on the dense engine's WebGPU device: ${path.reason}`;
  const simd = path.fusedMultiplyAdd ? 'relaxed SIMD' : 'SIMD';
  return `Training on denselab's dense engine (${simd}, ${path.threads} thread${path.threads === 1 ? '' : 's'}): ${path.reason}`;
}

/** Losses wait on the backend at most this many batches before they are read and checked. */
const MAX_PENDING = 100;

/** One epoch's steps; returns its mean loss and accuracy. */
async function runEpoch(
  loop: Loop,
  epoch: number,
): Promise<{ loss: number; accuracy: number; val_loss?: number; val_accuracy?: number }> {
  const { trainer, run, n, steps } = loop;
  const wantBatchLogs = run.callbacks.some((c) => c.onBatchEnd !== undefined);
  const sums = { loss: 0, accuracy: 0, seen: 0, done: 0 };
  const flush = async (): Promise<void> => {
    for (const o of await trainer.collect()) {
      if (!Number.isFinite(o.loss)) {
        throw await diverged(loop, epoch, sums.done + 1, o.loss, o.weightsNotFinite === true);
      }
      sums.loss += o.loss * o.size;
      sums.accuracy += o.accuracy * o.size;
      sums.seen += o.size;
      sums.done++;
      if (wantBatchLogs) {
        await trainer.sync(false);
        const logs = withTfjsNames({ loss: o.loss, accuracy: o.accuracy, size: o.size });
        await callHooks(loop, 'onBatchEnd', sums.done - 1, logs);
      }
    }
    run.logger.batchEnd(sums.done, {
      loss: sums.loss / sums.seen,
      accuracy: sums.accuracy / sums.seen,
    });
    await yieldToEventLoop();
  };
  for (let step = 0; step < steps; step++) {
    const start = step * run.batchSize;
    const ok = trainer.step(loop.order, start, Math.min(run.batchSize, n - start));
    if (!ok || wantBatchLogs || trainer.pending >= MAX_PENDING || run.logger.drawDue) await flush();
  }
  await flush();
  return { loss: sums.loss / sums.seen, accuracy: sums.accuracy / sums.seen };
}

/** The error for a non-finite loss, after the model got its last finite weights back. */
async function diverged(
  loop: Loop,
  epoch: number,
  batch: number,
  loss: number,
  weightsOnly: boolean,
): Promise<NonFiniteLossError> {
  const steps = await loop.trainer.recover();
  const at = steps - 1;
  const restored =
    steps === 0
      ? 'the weights it started from'
      : `the weights after epoch ${loop.run.initialEpoch + Math.floor(at / loop.steps) + 1}, batch ${(at % loop.steps) + 1}, the last known to give a finite loss`;
  return new NonFiniteLossError(
    FN,
    epoch + 1,
    batch,
    Number.isFinite(loss) ? NaN : loss,
    trimmed(loop.history),
    `${weightsOnly ? 'strictly, the weights stopped being finite, and a ReLU (which turns NaN and -Infinity into 0) kept the loss finite; ' : ''}${divergenceHint(loop.model.optimizer) ?? 'try a smaller learning rate, and check the inputs for values far outside [0, 1]'}; the model holds ${restored}`,
  );
}

/** The history without validation keys when there was no validation. */
function trimmed(h: Required<ClassifierHistory>): ClassifierHistory {
  const base = { loss: [...h.loss], accuracy: [...h.accuracy] };
  if (h.val_loss.length === 0) return base;
  return { ...base, val_loss: [...h.val_loss], val_accuracy: [...h.val_accuracy] };
}

/** Fisher-Yates with the given generator. */
function shuffleInPlace(a: Int32Array, rng: () => number): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = a[i] as number;
    a[i] = a[j] as number;
    a[j] = t;
  }
}

/** `1 row`, `8 rows`. */
function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * Logs that also answer to tfjs' names (`logs.acc`, `logs.val_acc`, as tfjs' tutorials read
 * them), as non-enumerable getters: JSON and `Object.keys` show Keras' names only.
 */
function withTfjsNames<T extends { accuracy: number; val_accuracy?: number }>(logs: T): T {
  const out = { ...logs };
  Object.defineProperty(out, 'acc', { get: () => out.accuracy, enumerable: false });
  if (out.val_accuracy !== undefined) {
    Object.defineProperty(out, 'val_acc', { get: () => out.val_accuracy, enumerable: false });
  }
  return out;
}
