/**
 * tfjs-layers callback objects (`tfl.callbacks.earlyStopping(...)`, `new tfl.CustomCallback`,
 * any subclass of `tfl.Callback`) as {@link ClassifierCallbacks}: they get the model and the
 * run's parameters as `model.fit` gives them, and logs with both Keras' names (`accuracy`) and
 * tfjs' (`acc`), so a monitor of either name works. Only the hooks a callback implements are
 * called, so one that does not watch batches does not slow training. Internal.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { typeError } from '../core/errors';
import {
  baseCallbackHooks,
  customCallbackHas,
  earlyStoppingMonitor,
} from '../internals/tfjsInternals';
import type { BatchLogs, ClassifierCallbacks, EpochLogs } from './fitTypes';

/** The part of tfjs' `BaseCallback` used here. */
export interface TfjsCallback {
  setModel(model: unknown): void;
  setParams(params: Record<string, unknown>): void;
  onTrainBegin(logs?: object): Promise<void> | void;
  onTrainEnd(logs?: object): Promise<void> | void;
  onEpochBegin(epoch: number, logs?: object): Promise<void> | void;
  onEpochEnd(epoch: number, logs?: object): Promise<void> | void;
  onBatchBegin(batch: number, logs?: object): Promise<void> | void;
  onBatchEnd(batch: number, logs?: object): Promise<void> | void;
}

/** True for a tfjs-layers callback object (duck-typed on `setModel` and `setParams`). */
export function isTfjsCallback(value: unknown): value is TfjsCallback {
  const v = value as Partial<TfjsCallback> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.setModel === 'function' &&
    typeof v.setParams === 'function'
  );
}

/** Whether the callback does something in `hook` (not tfjs' empty default). */
function implementsHook(c: TfjsCallback, hook: keyof TfjsCallback): boolean {
  const base = baseCallbackHooks()[hook];
  const own = (c as unknown as Record<string, unknown>)[hook];
  if (own === base) return false;
  return customCallbackHas(c, hook) ?? typeof own === 'function';
}

/** Epoch logs under Keras' and tfjs' names. */
function bothNames(logs: EpochLogs): Record<string, number> {
  const out: Record<string, number> = {
    loss: logs.loss,
    accuracy: logs.accuracy,
    acc: logs.accuracy,
  };
  if (logs.val_loss !== undefined) out.val_loss = logs.val_loss;
  if (logs.val_accuracy !== undefined) {
    out.val_accuracy = logs.val_accuracy;
    out.val_acc = logs.val_accuracy;
  }
  return out;
}

/** What fitClassifier tells a tfjs callback about the run (`model.fit`'s params). */
export interface RunParams {
  epochs: number;
  initialEpoch: number;
  samples: number;
  steps: number;
  batchSize: number;
  doValidation: boolean;
}

/**
 * The tfjs callback as fitClassifier's hooks, after `setModel(model)` and `setParams`. A
 * callback that implements `onBatchBegin` is refused (fitClassifier has no such point).
 */
export function adaptTfjsCallback(
  fn: string,
  path: string,
  c: TfjsCallback,
  model: tfl.LayersModel,
  params: RunParams,
): ClassifierCallbacks {
  if (implementsHook(c, 'onBatchBegin')) {
    throw typeError(
      fn,
      `${path} implements onBatchBegin, which fitClassifier does not call; expected a callback that uses onBatchEnd instead`,
    );
  }
  const monitor = earlyStoppingMonitor(c);
  if (monitor?.startsWith('val_') === true && !params.doValidation) {
    throw typeError(
      fn,
      `${path} stops early on ${JSON.stringify(monitor)}, but there is no validation data; expected validationData or validationSplit, or monitor: 'loss'`,
    );
  }
  c.setModel(model);
  c.setParams({
    ...params,
    verbose: 0,
    metrics: ['loss', 'acc', ...(params.doValidation ? ['val_loss', 'val_acc'] : [])],
  });
  const hooks: ClassifierCallbacks = {
    onTrainBegin: () => c.onTrainBegin({}),
    onEpochBegin: (epoch) => c.onEpochBegin(epoch, {}),
    onEpochEnd: (epoch, logs) => c.onEpochEnd(epoch, bothNames(logs)),
    onTrainEnd: () => c.onTrainEnd({}),
  };
  if (implementsHook(c, 'onBatchEnd')) {
    return {
      ...hooks,
      onBatchEnd: (batch: number, logs: BatchLogs) =>
        c.onBatchEnd(batch, { ...logs, acc: logs.accuracy, batch }),
    };
  }
  return hooks;
}
