import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { restoreProcessHandlers } from '../backend/processHandlers';
import { isDataLike, rangeError, show, typeError } from '../core/errors';
import { asFloat32 } from '../core/input';
import { inputTensor, labelTensor, type ClassifierInput, type ClassifierLabels } from './plainData';
import { compiledLoss, isModelDisposed } from '../internals/tfjsInternals';

/**
 * Inputs and labels for a classifier, as Keras' `fit(x, y)` takes numpy arrays: `x` rows
 * `[N, features]` and `y` as the model's loss wants it: one-hot `[N, classes]` for categorical
 * cross-entropy (what {@link toCategorical} makes), class indices `[N]` for sparse categorical
 * cross-entropy, targets `[N, outputs]` for MSE. Each may be a tensor, an {@link NdArray} or a
 * nested array (class indices also a typed or plain array); tensors made from them are
 * disposed before the call returns.
 *
 * @category Model
 */
export interface ClassifierData {
  /** Inputs, float32 `[N, features]`, e.g. `flattenImages(normalize(images))`. */
  readonly x: ClassifierInput;
  /** Labels: one-hot `[N, classes]` (e.g. `toCategorical(labels, 10)`), or see above. */
  readonly y: ClassifierLabels;
}

/** {@link ClassifierData} as tensors, checked; `owned` are the tensors made for the call. */
export interface TensorData {
  readonly x: tf.Tensor;
  readonly y: tf.Tensor;
  readonly owned: readonly tf.Tensor[];
}

/**
 * Checks that `model` is a live tfjs-layers model with one input and one output; compiled
 * (with an optimizer) when `needs` says so: `'predict'` needs neither, `'evaluate'` a loss,
 * `'fit'` both.
 */
export function checkModel(
  fn: string,
  model: unknown,
  needs: 'predict' | 'evaluate' | 'fit',
): tfl.LayersModel {
  const m = model as tfl.LayersModel | null;
  if (
    typeof m !== 'object' ||
    m === null ||
    typeof m.apply !== 'function' ||
    !Array.isArray(m.inputs) ||
    !Array.isArray(m.outputs)
  ) {
    throw typeError(fn, `model is ${show(model)}; expected a tfjs-layers model`);
  }
  restoreProcessHandlers();
  if (isModelDisposed(m)) {
    throw typeError(fn, `model ${show(m.name)} was disposed; expected a live model`);
  }
  if (m.inputs.length !== 1 || m.outputs.length !== 1) {
    throw rangeError(
      fn,
      `model has ${m.inputs.length} inputs and ${m.outputs.length} outputs; expected 1 and 1`,
    );
  }
  if (needs !== 'predict' && m.loss == null) {
    throw rangeError(
      fn,
      'model is not compiled; call model.compile() or use buildDenseClassifier()',
    );
  }
  if (needs === 'fit' && m.optimizer == null) {
    throw rangeError(fn, 'model has no optimizer; compile it with one');
  }
  return m;
}

/** A per-sample function: labels and predictions to `[N]` values. */
export type LossFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/**
 * The compiled loss, by kind: categorical and sparse categorical cross-entropy and mean
 * squared error are known (denselab's engine runs them, and checks labels for them); any other
 * loss function is `custom`.
 */
export type LossKind = 'categorical' | 'sparse' | 'mse' | 'custom';

/** The compiled model's loss and the accuracy that goes with it. */
export interface ModelLoss {
  readonly kind: LossKind;
  /** Per-sample loss. */
  readonly loss: LossFunction;
  /** Per-sample accuracy: 1 where the prediction is right. */
  readonly accuracy: LossFunction;
}

const LOSS_NAMES: Record<string, LossKind> = {
  categoricalCrossentropy: 'categorical',
  sparseCategoricalCrossentropy: 'sparse',
  meanSquaredError: 'mse',
};

/** The compiled model's loss (see {@link LossKind}); throws for multi-output configurations. */
export function modelLoss(fn: string, model: tfl.LayersModel): ModelLoss {
  const loss: unknown = Array.isArray(model.loss) ? model.loss[0] : model.loss;
  const resolved = compiledLoss(model);
  if (resolved === undefined || (typeof loss !== 'string' && typeof loss !== 'function')) {
    throw rangeError(fn, `model is compiled with loss ${show(loss)}; expected one loss`);
  }
  const kind = typeof loss === 'string' ? (LOSS_NAMES[loss] ?? 'custom') : 'custom';
  return { kind, loss: resolved, accuracy: accuracyFor(kind, model) };
}

function accuracyFor(kind: LossKind, model: tfl.LayersModel): LossFunction {
  if (kind === 'sparse') {
    return (y, p) =>
      tf.cast(tf.equal(tf.cast(tf.reshape(y, [-1]), 'int32'), tf.argMax(p, -1)), 'float32');
  }
  const outputs = model.outputs[0]?.shape[1];
  if (kind === 'mse' && outputs === 1) {
    return (y, p) =>
      tf.reshape(tf.cast(tf.equal(tf.greater(y, 0.5), tf.greater(p, 0.5)), 'float32'), [-1]);
  }
  return tfl.metrics.categoricalAccuracy;
}

/**
 * Checks x and y against each other and the model before anything runs: rank 2 float32 x with
 * the model's input width and only finite values; y as `loss` wants it (one-hot rows, class
 * indices in range, or finite targets of the output's width); the same number of rows.
 */
export async function checkData(
  fn: string,
  model: tfl.LayersModel,
  loss: ModelLoss,
  data: unknown,
  what: string,
): Promise<TensorData> {
  const d = (
    what === 'validationData' && Array.isArray(data) && data.length === 2
      ? { x: data[0] as unknown, y: data[1] as unknown } // tfjs' validationData: [x, y]
      : data
  ) as Record<string, unknown> | null;
  if (typeof d === 'object' && d !== null && 'xs' in d && 'ys' in d) {
    throw typeError(
      fn,
      `${what} has xs and ys (the names of tfjs' datasets); expected { x, y }: ${fn}(model, { x: xs, y: ys })`,
    );
  }
  if (typeof d !== 'object' || d === null || isDataLike(d) || !('x' in d) || !('y' in d)) {
    throw typeError(fn, `${what} is ${show(data)}; expected { x, y }`);
  }
  const extra = Object.keys(d).filter((k) => k !== 'x' && k !== 'y');
  if (extra.length > 0) {
    const option = ['validationData', 'validationSplit', 'epochs', 'batchSize'].includes(extra[0]!);
    throw typeError(
      fn,
      `${what} has unknown key ${JSON.stringify(extra[0])}; expected only x and y` +
        (option ? ` (${extra[0]} is an option: ${fn}(model, { x, y }, { ${extra[0]} }))` : ''),
    );
  }
  const owned: tf.Tensor[] = [];
  try {
    const xs = inputTensor(fn, model, d.x, `${what}.x`);
    if (xs.owned) owned.push(xs.tensor);
    const ys = labelTensor(fn, model, loss.kind, d.y, `${what}.y`);
    if (ys.owned) owned.push(ys.tensor);
    await checkTensors(fn, model, loss, xs.tensor, ys.tensor, what);
    return { x: xs.tensor, y: ys.tensor, owned };
  } catch (err) {
    tf.dispose(owned);
    throw err;
  }
}

/** The checks of x and y as tensors: live, rows, at least one, labels, finite inputs. */
async function checkTensors(
  fn: string,
  model: tfl.LayersModel,
  loss: ModelLoss,
  x: tf.Tensor,
  y: tf.Tensor,
  what: string,
): Promise<void> {
  if (x.isDisposed) throw typeError(fn, `${what}.x is a disposed tensor`);
  if (y.isDisposed) throw typeError(fn, `${what}.y is a disposed tensor`);
  const n = checkInputs(fn, model, x, `${what}.x`);
  if (n === 0) throw rangeError(fn, `${what}.x has 0 rows; expected at least 1`);
  if (y.shape[0] !== n) {
    throw rangeError(
      fn,
      `${what}.x has ${n} rows but ${what}.y has ${y.shape[0]}; expected the same`,
    );
  }
  await checkLabels(fn, model, loss.kind, y, `${what}.y`);
  await checkFiniteRows(fn, x, `${what}.x`);
}

/** Checks x's shape, dtype and width against the model; returns its row count. */
export function checkInputs(
  fn: string,
  model: tfl.LayersModel,
  x: tf.Tensor,
  what: string,
): number {
  if (x.rank !== 2) {
    throw rangeError(
      fn,
      `${what} has shape [${x.shape.join(', ')}]; expected [N, features] (flattenImages makes it)`,
    );
  }
  if (x.dtype !== 'float32') {
    throw typeError(fn, `${what} has dtype ${x.dtype}; expected float32 (normalize makes it)`);
  }
  const [n, features] = x.shape as [number, number];
  const inputWidth = model.inputs[0]?.shape[1];
  if (inputWidth != null && features !== inputWidth) {
    throw rangeError(
      fn,
      `${what} has ${features} features but the model's input takes ${inputWidth}`,
    );
  }
  return n;
}

async function checkLabels(
  fn: string,
  model: tfl.LayersModel,
  kind: LossKind,
  y: tf.Tensor,
  what: string,
): Promise<void> {
  const outputs = model.outputs[0]?.shape[1] ?? undefined;
  if (kind === 'sparse') return checkClassIndices(fn, y, outputs, what);
  if (y.rank !== 2) {
    const hint = kind === 'categorical' ? ' (toCategorical makes it)' : '';
    throw rangeError(
      fn,
      `${what} has shape [${y.shape.join(', ')}]; expected [N, ${outputs ?? 'outputs'}]${hint}`,
    );
  }
  if (outputs != null && y.shape[1] !== outputs) {
    throw rangeError(fn, `${what} has ${y.shape[1]} columns but the model outputs ${outputs}`);
  }
  if (kind === 'categorical') return checkOneHot(fn, y, what);
  return checkFiniteRows(fn, y, what);
}

async function checkOneHot(fn: string, y: tf.Tensor, what: string): Promise<void> {
  const bad = tf.tidy(() => {
    const yf = asFloat32(y);
    const notBinary = tf.logicalAnd(tf.notEqual(yf, 0), tf.notEqual(yf, 1));
    const rowBad = tf.logicalOr(tf.any(notBinary, 1), tf.notEqual(tf.sum(yf, 1), 1));
    return tf.cast(rowBad, 'int32');
  });
  const flags = await bad.data();
  bad.dispose();
  const row = flags.findIndex((v) => v !== 0);
  if (row < 0) return;
  const shown = await rowValues(y, row);
  throw rangeError(
    fn,
    `${what} row ${row} is [${shown.join(', ')}], not one-hot; expected a single 1 (toCategorical makes it)`,
  );
}

async function checkClassIndices(
  fn: string,
  y: tf.Tensor,
  classes: number | undefined,
  what: string,
): Promise<void> {
  if (y.rank !== 1 && !(y.rank === 2 && y.shape[1] === 1)) {
    throw rangeError(
      fn,
      `${what} has shape [${y.shape.join(', ')}]; expected class indices [N] for sparse categorical cross-entropy`,
    );
  }
  const values = await y.data();
  const limit = classes == null ? '' : ` in [0, ${classes})`;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isInteger(v) || v < 0 || (classes != null && v >= classes)) {
      throw rangeError(fn, `${what}[${i}] is ${show(v)}; expected class indices${limit}`);
    }
  }
}

/**
 * Throws naming the first row of the 2-D `x` that holds a NaN or an infinity. One reduction on
 * the backend and one read-back of a value per row; a row whose sum overflowed is read and
 * looked at before it is blamed.
 */
export async function checkFiniteRows(fn: string, x: tf.Tensor, what: string): Promise<void> {
  if (x.size === 0) return;
  const sums = tf.tidy(() => tf.sum(tf.reshape(asFloat32(x), [x.shape[0], -1]), 1));
  const values = await sums.data();
  sums.dispose();
  for (let row = 0; row < values.length; row++) {
    if (Number.isFinite(values[row])) continue;
    const rowData = await rowValues(x, row);
    const column = rowData.findIndex((v) => !Number.isFinite(v));
    if (column < 0) continue; // large finite values whose sum overflowed
    throw rangeError(
      fn,
      `${what} row ${row} has ${show(rowData[column])} at column ${column}; expected finite values (check the data preparation)`,
    );
  }
}

async function rowValues(t: tf.Tensor, row: number): Promise<number[]> {
  const slice = tf.tidy(() =>
    tf.reshape(tf.slice(tf.reshape(t, [t.shape[0], -1]), [row, 0], [1, -1]), [-1]),
  );
  const values = Array.from(await slice.data());
  slice.dispose();
  return values;
}
