import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { rangeError, show, typeError } from '../core/errors';
import { isTensor } from '../core/input';

/**
 * Images and one-hot labels for a classifier: `x` `[N, features]`, `y` `[N, classes]`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import '@tensorflow/tfjs-backend-cpu';
 * import { toCategorical, type ClassifierData } from 'denselab';
 *
 * const data: ClassifierData = { x: tf.zeros([2, 784]), y: toCategorical([3, 7], 10) };
 * console.log(data.x.shape, data.y.shape); // [2, 784] [2, 10]
 * tf.dispose([data.x, data.y]);
 * ```
 */
export interface ClassifierData {
  /** Inputs, float32 `[N, features]`, e.g. `flattenImages(normalize(images))`. */
  readonly x: tf.Tensor;
  /** One-hot labels, `[N, classes]`, e.g. `toCategorical(labels, 10)`. */
  readonly y: tf.Tensor;
}

/**
 * Checks that `model` is a tfjs-layers model with one input and one output; compiled (with an
 * optimizer) when `needs` says so: `'predict'` needs neither, `'evaluate'` a loss, `'fit'` both.
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

/** A per-sample loss function: `[N, classes]` labels and predictions to `[N]` losses. */
export type LossFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

const CROSS_ENTROPY_NAMES = ['categoricalCrossentropy', 'categorical_crossentropy'];

/**
 * The compiled model's loss as a function: categorical cross-entropy by name (the classifier
 * loss), or the function it was compiled with.
 */
export function modelLoss(fn: string, model: tfl.LayersModel): LossFunction {
  const loss: unknown = Array.isArray(model.loss) ? model.loss[0] : model.loss;
  if (typeof loss === 'function') return loss as LossFunction;
  if (typeof loss === 'string' && CROSS_ENTROPY_NAMES.includes(loss)) {
    return tfl.metrics.categoricalCrossentropy;
  }
  throw rangeError(
    fn,
    `model is compiled with loss ${show(loss)}; expected 'categoricalCrossentropy' or a loss function`,
  );
}

/**
 * Checks x and y against each other and the model: rank 2, float32 x, the same number of
 * rows, x's width the model's input width, y's width the model's output width, y one-hot.
 * One read-back for the one-hot test.
 */
export async function checkData(
  fn: string,
  model: tfl.LayersModel,
  data: unknown,
  what: string,
): Promise<ClassifierData> {
  const d = data as ClassifierData | null;
  if (typeof d !== 'object' || d === null || !isTensor(d.x) || !isTensor(d.y)) {
    throw typeError(fn, `${what} is ${show(data)}; expected { x: Tensor2D, y: Tensor2D }`);
  }
  const { x, y } = d;
  if (x.isDisposed || y.isDisposed) throw typeError(fn, `${what} holds a disposed tensor`);
  if (x.rank !== 2) {
    throw rangeError(
      fn,
      `${what}.x has shape [${x.shape.join(', ')}]; expected [N, features] (flattenImages makes it)`,
    );
  }
  if (y.rank !== 2) {
    throw rangeError(
      fn,
      `${what}.y has shape [${y.shape.join(', ')}]; expected one-hot [N, classes] (toCategorical makes it)`,
    );
  }
  if (x.dtype !== 'float32') {
    throw typeError(fn, `${what}.x has dtype ${x.dtype}; expected float32 (normalize makes it)`);
  }
  const [n, features] = x.shape as [number, number];
  if (n === 0) throw rangeError(fn, `${what}.x has no rows`);
  if (y.shape[0] !== n) {
    throw rangeError(
      fn,
      `${what}.x has ${n} rows but ${what}.y has ${y.shape[0]}; expected the same`,
    );
  }
  const inputWidth = model.inputs[0]?.shape[1];
  if (inputWidth != null && features !== inputWidth) {
    throw rangeError(
      fn,
      `${what}.x has ${features} features but the model's input takes ${inputWidth}`,
    );
  }
  const outputWidth = model.outputs[0]?.shape[1];
  if (outputWidth != null && y.shape[1] !== outputWidth) {
    throw rangeError(
      fn,
      `${what}.y has ${y.shape[1]} columns but the model outputs ${outputWidth} classes`,
    );
  }
  const bad = tf.tidy(() => {
    const yf = tf.cast(y, 'float32');
    const notBinary = tf.logicalAnd(tf.notEqual(yf, 0), tf.notEqual(yf, 1));
    const rowBad = tf.logicalOr(tf.any(notBinary, 1), tf.notEqual(tf.sum(yf, 1), 1));
    return tf.cast(rowBad, 'int32');
  });
  const flags = await bad.data();
  bad.dispose();
  const row = flags.findIndex((v) => v !== 0);
  if (row >= 0) {
    const values = tf.tidy(() => tf.slice(y, [row, 0], [1, -1]));
    const shown = Array.from(await values.data());
    values.dispose();
    throw rangeError(
      fn,
      `${what}.y row ${row} is [${shown.join(', ')}], not one-hot; expected a single 1 (toCategorical makes it)`,
    );
  }
  return { x, y };
}
