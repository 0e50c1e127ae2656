import type { LossHistory } from './types';

/**
 * Thrown when training produces a loss that is NaN or infinite (as Keras' `TerminateOnNaN`
 * stops training). It says when it happened and keeps the history up to that point, so the
 * caller can plot what went wrong.
 *
 * @category Errors
 * @example
 * ```ts
 * import { fitLinear, NonFiniteLossError } from 'denselab';
 *
 * try {
 *   await fitLinear([0, 1, 2, 3], [0, 10, 20, 30], { learningRate: 10, seed: 1 });
 * } catch (err) {
 *   if (err instanceof NonFiniteLossError) console.log(err.epoch > 1, err.history.loss.length === err.epoch - 1); // true true
 * }
 * ```
 */
export class NonFiniteLossError extends Error {
  /** The epoch (1-based) whose loss was not finite. */
  readonly epoch: number;
  /** The batch (1-based) within that epoch, for batched training. */
  readonly batch: number | undefined;
  /** The finite losses of the epochs before it. */
  readonly history: LossHistory;

  /**
   * @param fn - the function that was training
   * @param epoch - the epoch (1-based)
   * @param batch - the batch (1-based), or undefined for full-batch training
   * @param loss - the bad value
   * @param history - losses of the completed epochs
   * @param hint - what to try instead
   */
  constructor(
    fn: string,
    epoch: number,
    batch: number | undefined,
    loss: number,
    history: LossHistory,
    hint: string,
  ) {
    const where = batch === undefined ? `epoch ${epoch}` : `epoch ${epoch}, batch ${batch}`;
    super(`${fn}: the loss became ${String(loss)} at ${where}; ${hint}`);
    this.name = 'NonFiniteLossError';
    this.epoch = epoch;
    this.batch = batch;
    this.history = history;
  }
}
