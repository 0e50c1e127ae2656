import type { ProgressLogger, ProgressSink, Verbosity } from '../progress/ProgressLogger';
import type { ClassifierData } from './classifierInputs';

/**
 * Keras' `history.history` of a classifier: one value per epoch under each key.
 *
 * @category Model
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
 * @category Model
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
 * @category Model
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
 * @category Model
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
 * A tfjs-layers callback object, as {@link fitClassifier} recognises one: anything with tfjs'
 * `setModel` and `setParams` (`tfl.callbacks.earlyStopping(...)`, `new tfl.CustomCallback(...)`,
 * any subclass of `tfl.Callback`).
 *
 * @category Model
 */
export interface TfjsCallbackObject {
  /** Called with the model being trained. */
  setModel(model: unknown): void;
  /** Called with the run's parameters (epochs, steps, samples, batch size, ...). */
  setParams(params: unknown): void;
}

/**
 * One callback of {@link fitClassifier}: denselab's hooks, or a tfjs-layers callback object.
 *
 * @category Model
 */
export type FitCallback = ClassifierCallbacks | TfjsCallbackObject;

/**
 * Options of {@link fitClassifier}.
 *
 * @category Model
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
  /**
   * Data evaluated after each epoch (Keras' `validation_data`; for MNIST, usually the 10,000
   * test images): `{ x, y }`, or `[x, y]` as tfjs' `model.fit` takes it.
   */
  validationData?: ClassifierData | readonly [ClassifierData['x'], ClassifierData['y']];
  /**
   * The fraction of the rows of `data` to hold out for validation instead (Keras'
   * `validation_split`): the last `N - floor(N * (1 - validationSplit))` rows, taken before
   * any shuffling, as Keras and tfjs take them. Not together with `validationData`.
   */
  validationSplit?: number;
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
  /**
   * Hooks called during training: plain objects with the {@link ClassifierCallbacks} hooks,
   * tfjs-layers callback objects (`tfl.callbacks.earlyStopping(...)`, `new
   * tfl.CustomCallback(...)`, any `tfl.Callback`), or a list of both. A tfjs callback gets
   * the model and the run's parameters as `model.fit` gives them, and epoch logs under Keras'
   * and tfjs' names (`accuracy` and `acc`).
   */
  callbacks?: FitCallback | readonly FitCallback[];
  /**
   * What trains. `'auto'` (default): a stack of Dense layers on the wasm or cpu backend trains
   * on denselab's dense engine (see {@link TrainingPath}); on a GPU backend a few steps are
   * timed before training, without changing the model, on the engine, on the engine's WebGPU
   * device (on the webgpu backend) and through tfjs, and the fastest trains (`path.reason`
   * gives every figure); anything else trains through tfjs. `'tfjs'`: always through tfjs'
   * layers and kernels. `'wasm'`: the dense engine on WebAssembly, untimed. `'webgpu'`: the
   * dense engine's WebGPU device, untimed (needs tfjs' webgpu backend). A model the engine
   * cannot train is an error with `'wasm'` and `'webgpu'`.
   */
  engine?: 'auto' | 'tfjs' | 'wasm' | 'webgpu';
  /**
   * Threads the dense engine may use, the calling one included. Default: the processor's
   * cores (at most 4) in Node and in cross-origin isolated pages, else 1. The same seed gives
   * the same run for any thread count.
   */
  threads?: number;
}

/**
 * What {@link fitClassifier} returns, shaped like the History tfjs and Keras return.
 *
 * @category Model
 */
export interface ClassifierTraining {
  /** The epochs that ran, 0-based. */
  readonly epoch: number[];
  /** Keras' keys: `loss`, `accuracy`, `val_loss`, `val_accuracy`. */
  readonly history: ClassifierHistory;
  /** How the training ran, and why that way. */
  readonly path: TrainingPath;
}

/**
 * How {@link fitClassifier} trained: on denselab's dense engine (every step in denselab's own
 * WebAssembly memory: the products with their bias and ReLU fused, the loss, the backward pass
 * and the optimizer's update, split across threads) or through tfjs (its layers, tape and
 * kernels, on whatever backend is active), and why.
 *
 * @category Model
 */
export interface TrainingPath {
  /** `'dense'` for denselab's dense engine, `'tfjs'` for tfjs' layers and kernels. */
  readonly engine: 'dense' | 'tfjs';
  /**
   * Where the steps ran: `'wasm'` (the dense engine's WebAssembly, on the CPU's cores),
   * `'webgpu'` (the dense engine's WebGPU device), or on tfjs' path the name of tfjs' backend.
   */
  readonly device: string;
  /** Why, in words: what made the model eligible, or what kept it on tfjs. */
  readonly reason: string;
  /** Threads the engine ran on (1 on tfjs' path: tfjs does not run its kernels on several). */
  readonly threads: number;
  /** Whether the engine's products used relaxed SIMD's fused multiply-add. */
  readonly fusedMultiplyAdd: boolean;
}
