import type { TrainingPath } from './fitTypes';

/** One training step's outcome, as the loop reads it back. */
export interface StepOutcome {
  readonly loss: number;
  readonly accuracy: number;
  /** Samples in the batch. */
  readonly size: number;
  /**
   * The loss was finite but the weights after this step were not (a ReLU can turn NaN into 0,
   * so a NaN layer can still give a plausible loss); `loss` is then NaN.
   */
  readonly weightsNotFinite?: true;
}

/**
 * What fitClassifier's loop drives: tfjs' layers and kernels (src/model/tfjsTrainer.ts) or
 * denselab's dense engine (src/model/engineTrainer.ts). Internal.
 */
export interface Trainer {
  readonly path: TrainingPath;
  /**
   * Runs (or queues) one step on the training rows `order[start .. start + size)`; false when
   * the step's loss was not finite and nothing more should run before `collect`.
   */
  step(order: Int32Array, start: number, size: number): boolean;
  /** Steps whose outcome has not been collected. */
  readonly pending: number;
  /** The outcomes of the steps since the last call, in order. */
  collect(): Promise<StepOutcome[]>;
  /** Writes the current weights (and with `optimizer`, its state) into the tfjs model. */
  sync(optimizer: boolean): Promise<void>;
  /**
   * Reads the model's weights (and with `optimizer`, its state and hyperparameters) back in,
   * after callbacks that may have changed them.
   */
  reload(optimizer: boolean): Promise<void>;
  /** Loss and accuracy on the validation data. */
  validate(): Promise<{ loss: number; accuracy: number }>;
  /**
   * After a step's loss came back non-finite: puts the last weights known to give a finite loss
   * into the model; returns how many steps of this training they came after (0: the weights
   * training started from).
   */
  recover(): Promise<number>;
  /** Frees what the trainer made (never the model or the data). */
  dispose(): void;
}
