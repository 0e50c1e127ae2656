import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { checkPositiveInteger, checkSeed } from '../core/checks';
import { rangeError, show } from '../core/errors';
import { NonFiniteLossError } from '../core/NonFiniteLossError';
import { createRng } from '../core/random';
import { ProgressLogger, type ProgressSink, type Verbosity } from '../progress/ProgressLogger';
import { checkData, checkModel, modelLoss, type ClassifierData } from './classifierInputs';
import { scoreInBatches } from './evaluateClassifier';

/**
 * Keras' `history.history` of a classifier: one value per epoch under each key.
 *
 * @example
 * ```ts
 * import type { ClassifierHistory } from 'denselab';
 *
 * const history: ClassifierHistory = { loss: [0.19, 0.1], accuracy: [0.94, 0.97] };
 * console.log('val_loss' in history); // false
 * ```
 */
export interface ClassifierHistory {
  /** Mean training loss of each epoch (the average over its batches, as Keras reports). */
  readonly loss: number[];
  /** Mean training accuracy of each epoch. */
  readonly accuracy: number[];
  /** Validation loss after each epoch, when there is validation data. */
  readonly val_loss?: number[];
  /** Validation accuracy after each epoch, when there is validation data. */
  readonly val_accuracy?: number[];
}

/**
 * The values {@link ClassifierCallbacks} receive at the end of an epoch.
 *
 * @example
 * ```ts
 * import type { EpochLogs } from 'denselab';
 *
 * const logs: EpochLogs = { loss: 0.1933, accuracy: 0.9426, val_loss: 0.1238, val_accuracy: 0.9661 };
 * console.log(logs.val_accuracy); // 0.9661
 * ```
 */
export interface EpochLogs {
  /** The epoch's mean training loss. */
  readonly loss: number;
  /** The epoch's mean training accuracy. */
  readonly accuracy: number;
  /** Validation loss, when there is validation data. */
  readonly val_loss?: number;
  /** Validation accuracy, when there is validation data. */
  readonly val_accuracy?: number;
}

/**
 * The values {@link ClassifierCallbacks} receive at the end of a batch.
 *
 * @example
 * ```ts
 * import type { BatchLogs } from 'denselab';
 *
 * const logs: BatchLogs = { loss: 0.31, accuracy: 0.9375, size: 32 };
 * console.log(logs.size); // 32
 * ```
 */
export interface BatchLogs {
  /** The batch's loss. */
  readonly loss: number;
  /** The batch's accuracy. */
  readonly accuracy: number;
  /** Samples in the batch. */
  readonly size: number;
}

/**
 * Hooks into {@link fitClassifier}'s loop; each may return a promise, which is awaited.
 * Set `model.stopTraining = true` in one to stop after the current epoch.
 *
 * @example
 * ```ts
 * import type { ClassifierCallbacks } from 'denselab';
 *
 * const seen: number[] = [];
 * const callbacks: ClassifierCallbacks = { onEpochEnd: (epoch, logs) => void seen.push(epoch, logs.loss) };
 * callbacks.onEpochEnd?.(0, { loss: 0.25, accuracy: 0.9 });
 * console.log(seen); // [0, 0.25]
 * ```
 */
export interface ClassifierCallbacks {
  /** Before the first epoch. */
  onTrainBegin?(): void | Promise<void>;
  /** Before each epoch (0-based). */
  onEpochBegin?(epoch: number): void | Promise<void>;
  /**
   * After each batch (0-based within its epoch). Asking for this reads the loss back after
   * every batch, which slows training on GPU backends.
   */
  onBatchEnd?(batch: number, logs: BatchLogs): void | Promise<void>;
  /** After each epoch (0-based) and its validation. */
  onEpochEnd?(epoch: number, logs: EpochLogs): void | Promise<void>;
  /** After the last epoch. */
  onTrainEnd?(history: ClassifierHistory): void | Promise<void>;
}

/**
 * Options of {@link fitClassifier}.
 *
 * @example
 * ```ts
 * import type { FitClassifierOptions } from 'denselab';
 *
 * const notes: FitClassifierOptions = { epochs: 5, batchSize: 32, verbose: 1, seed: 1 };
 * console.log(notes.epochs); // 5
 * ```
 */
export interface FitClassifierOptions {
  /** Passes over the training data. Default 1, as Keras. */
  epochs?: number;
  /**
   * The epoch to start at (0-based), to resume an earlier run, as Keras' `initial_epoch`:
   * `epochs` stays the index to stop at. With the same `seed`, the shuffle continues where an
   * uninterrupted run would be. Default 0.
   */
  initialEpoch?: number;
  /** Samples per gradient step. Default 32, as Keras (60,000 images: 1,875 steps). */
  batchSize?: number;
  /** Data evaluated after each epoch (the notes' 10,000 test images). */
  validationData?: ClassifierData;
  /** Samples per forward pass of the validation. Default `max(batchSize, 256)`. */
  validationBatchSize?: number;
  /** Shuffle the training samples before each epoch. Default true, as Keras. */
  shuffle?: boolean;
  /** Seeds the shuffle, so that the same seed repeats a run bit for bit on one backend. */
  seed?: number;
  /** Keras' `verbose`: 0 silent, 1 progress bar (default), 2 one line per epoch. */
  verbose?: Verbosity;
  /** Where progress lines go (default: standard output in Node, the console elsewhere). */
  sink?: ProgressSink;
  /** A logger of your own (it replaces `verbose` and `sink`). */
  logger?: ProgressLogger;
  /** Hooks called during training. */
  callbacks?: ClassifierCallbacks | readonly ClassifierCallbacks[];
}

/**
 * What {@link fitClassifier} returns, shaped like the History tfjs and Keras return.
 *
 * @example
 * ```ts
 * import type { ClassifierTraining } from 'denselab';
 *
 * const training: ClassifierTraining = { epoch: [0, 1], history: { loss: [0.19, 0.1], accuracy: [0.94, 0.97] } };
 * console.log(training.epoch.length); // 2
 * ```
 */
export interface ClassifierTraining {
  /** The epochs that ran, 0-based. */
  readonly epoch: number[];
  /** Keras' keys: `loss`, `accuracy`, `val_loss`, `val_accuracy`. */
  readonly history: ClassifierHistory;
}

const FN = 'fitClassifier';
/** Losses wait on the backend at most this many batches before they are read and checked. */
const MAX_PENDING = 100;

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
 * Losses stay on the backend and are read back in groups (when the progress bar redraws, or
 * every 100 batches), not after every batch; after each read-back the loop yields to the event
 * loop, so a page stays responsive while it trains. No tensor is left behind: after training and
 * `model.dispose()`, `tf.memory().numTensors` is where it started. Layer regularization
 * losses are not added (the models {@link buildDenseClassifier} makes have none).
 *
 * @param model - a compiled tfjs-layers model with one input and one output
 * @param data - `x` float32 `[N, features]`, `y` one-hot `[N, classes]`
 * @param options - epochs, batch size, validation data, shuffle, seed, verbosity, callbacks
 * @returns the epochs and Keras' history
 * @throws TypeError or RangeError before training for bad options or data that does not fit
 *   the model; {@link NonFiniteLossError} when the loss stops being finite
 *
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
  const m = checkModel(FN, model, 'fit');
  const epochs = checkPositiveInteger(FN, 'epochs', options.epochs ?? 1);
  const batchSize = checkPositiveInteger(FN, 'batchSize', options.batchSize ?? 32);
  const initialEpoch = options.initialEpoch ?? 0;
  if (!Number.isInteger(initialEpoch) || initialEpoch < 0 || initialEpoch >= epochs) {
    throw rangeError(
      FN,
      `initialEpoch is ${show(initialEpoch)}; expected an integer in [0, epochs) = [0, ${epochs})`,
    );
  }
  const validationBatchSize = checkPositiveInteger(
    FN,
    'validationBatchSize',
    options.validationBatchSize ?? Math.max(batchSize, 256),
  );
  const seed = checkSeed(FN, options.seed);
  const shuffle = options.shuffle ?? true;
  if (typeof shuffle !== 'boolean')
    throw rangeError(FN, `shuffle is ${show(shuffle)}; expected a boolean`);
  const callbacks =
    options.callbacks === undefined ? [] : ([] as ClassifierCallbacks[]).concat(options.callbacks);
  const logger =
    options.logger ?? new ProgressLogger({ verbose: options.verbose ?? 1, sink: options.sink });
  const { x, y } = await checkData(FN, m, data, 'data');
  const validation =
    options.validationData === undefined
      ? undefined
      : await checkData(FN, m, options.validationData, 'validationData');

  const n = x.shape[0];
  const steps = Math.ceil(n / batchSize);
  const optimizer = m.optimizer;
  const lossFn = modelLoss(FN, m);
  const variables = m.trainableWeights.map((w) => w.read() as tf.Variable);
  const rng = createRng(seed);
  const order = new Int32Array(n).map((_, i) => i);
  const history: Required<ClassifierHistory> = {
    loss: [],
    accuracy: [],
    val_loss: [],
    val_accuracy: [],
  };
  const epochList: number[] = [];
  const wantBatchLogs = callbacks.some((c) => c.onBatchEnd !== undefined);

  m.stopTraining = false;
  logger.trainBegin(epochs, steps);
  for (const c of callbacks) await c.onTrainBegin?.();

  // Replay the shuffles of the skipped epochs so that a resumed run sees the same order.
  if (shuffle) for (let e = 0; e < initialEpoch; e++) shuffleInPlace(order, rng);
  for (let epoch = initialEpoch; epoch < epochs; epoch++) {
    if (shuffle) shuffleInPlace(order, rng);
    logger.epochBegin(epoch);
    for (const c of callbacks) await c.onEpochBegin?.(epoch);

    let lossSum = 0;
    let accSum = 0;
    let seen = 0;
    let done = 0;
    // Each step leaves its loss and [accuracy, sum of predictions] on the backend; they are
    // read together when the bar redraws, a callback wants them, or MAX_PENDING accumulate.
    // The prediction sum catches NaN weights even where the loss hides them: wasm's clip
    // turns NaN probabilities into epsilon, so its cross-entropy stays finite.
    let pending: { loss: tf.Scalar; stats: tf.Tensor1D; size: number }[] = [];
    const flush = async (): Promise<void> => {
      if (pending.length === 0) return;
      const batch = pending;
      pending = [];
      const stacked = tf.tidy(() =>
        tf.concat([tf.stack(batch.map((p) => p.loss)), ...batch.map((p) => p.stats)]),
      );
      tf.dispose(batch.flatMap((p) => [p.loss, p.stats]));
      const values = await stacked.data();
      stacked.dispose();
      for (let i = 0; i < batch.length; i++) {
        const loss = values[i] as number;
        const acc = values[batch.length + 2 * i] as number;
        const predSum = values[batch.length + 2 * i + 1] as number;
        const size = (batch[i] as { size: number }).size;
        if (!Number.isFinite(loss) || !Number.isFinite(predSum)) {
          throw new NonFiniteLossError(
            FN,
            epoch + 1,
            done + 1,
            Number.isFinite(loss) ? NaN : loss,
            trimmed(history),
            'try a smaller learning rate, and check the inputs for NaN or values far outside [0, 1]',
          );
        }
        lossSum += loss * size;
        accSum += acc * size;
        seen += size;
        done++;
        for (const c of callbacks) await c.onBatchEnd?.(done - 1, { loss, accuracy: acc, size });
      }
      logger.batchEnd(done, { loss: lossSum / seen, accuracy: accSum / seen });
      // Let the page (or the process) breathe: a read-back on the cpu and wasm backends
      // resolves at once, so without this a browser tab would freeze until training ends.
      await new Promise((resolve) => setTimeout(resolve, 0));
    };

    try {
      for (let step = 0; step < steps; step++) {
        const start = step * batchSize;
        const size = Math.min(batchSize, n - start);
        const [xb, yb] = tf.tidy(() => {
          if (!shuffle)
            return [tf.slice(x, [start, 0], [size, -1]), tf.slice(y, [start, 0], [size, -1])];
          const idx = tf.tensor1d(order.subarray(start, start + size), 'int32');
          return [tf.gather(x, idx), tf.gather(y, idx)];
        });
        let stats: tf.Tensor1D | undefined;
        const loss = optimizer.minimize(
          () => {
            const pred = m.apply(xb, { training: true }) as tf.Tensor;
            const accuracy = tf.mean(tfl.metrics.categoricalAccuracy(yb, pred));
            stats = tf.keep(tf.stack([accuracy, tf.sum(pred)]) as tf.Tensor1D);
            return tf.mean<tf.Scalar>(lossFn(yb, pred));
          },
          true,
          variables,
        ) as tf.Scalar;
        tf.dispose([xb, yb]);
        pending.push({ loss, stats: stats as tf.Tensor1D, size });
        if (wantBatchLogs || pending.length >= MAX_PENDING || logger.drawDue) await flush();
      }
      await flush();
    } finally {
      tf.dispose(pending.flatMap((p) => [p.loss, p.stats]));
    }

    const logs: { loss: number; accuracy: number; val_loss?: number; val_accuracy?: number } = {
      loss: lossSum / seen,
      accuracy: accSum / seen,
    };
    history.loss.push(logs.loss);
    history.accuracy.push(logs.accuracy);
    if (validation !== undefined) {
      const scores = await scoreInBatches(m, validation.x, validation.y, validationBatchSize);
      logs.val_loss = scores.loss;
      logs.val_accuracy = scores.accuracy;
      history.val_loss.push(scores.loss);
      history.val_accuracy.push(scores.accuracy);
    }
    epochList.push(epoch);
    logger.epochEnd(logs);
    for (const c of callbacks) await c.onEpochEnd?.(epoch, logs);
    if (m.stopTraining) break;
  }
  const result = trimmed(history);
  for (const c of callbacks) await c.onTrainEnd?.(result);
  return { epoch: epochList, history: result };
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
