import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { checkOptions, integer } from '../core/validate';
import { scoreOnEngine } from './engineInference';
import { checkCallShape } from './plainData';
import {
  checkData,
  checkModel,
  modelLoss,
  type ClassifierData,
  type ModelLoss,
} from './classifierInputs';

/**
 * A classifier's loss and accuracy on some data.
 *
 * @category Model
 */
export interface ClassifierScores {
  /** Mean loss (the model's compiled loss, e.g. categorical cross-entropy). */
  readonly loss: number;
  /** The fraction of samples whose most probable class is the label's. */
  readonly accuracy: number;
}

/**
 * Options of {@link evaluateClassifier}.
 *
 * @category Model
 */
export interface EvaluateClassifierOptions {
  /** Samples per forward pass. Default 32, as Keras; larger is faster and gives the same mean. */
  batchSize?: number;
}

/**
 * Keras' `model.evaluate(x, y)` for a classifier: the mean loss and the accuracy over all
 * samples, in batches, with one read-back at the end.
 *
 * @param model - a compiled tfjs-layers model, e.g. from {@link buildDenseClassifier}
 * @param data - `x` `[N, features]` float32 and one-hot `y` `[N, classes]`
 * @param options - `batchSize`
 * @returns `{ loss, accuracy }`
 * @throws TypeError or RangeError naming the problem when the model is not compiled or the
 *   data does not fit it (rows, widths, dtype, labels that are not one-hot)
 *
 * @category Model
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import '@tensorflow/tfjs-backend-cpu';
 * import { buildDenseClassifier, evaluateClassifier, toCategorical } from 'denselab';
 *
 * const model = buildDenseClassifier({ inputSize: 4, hiddenUnits: [8], numClasses: 3, seed: 1 });
 * const x = tf.tensor2d([[0, 0, 1, 1], [1, 1, 0, 0]]);
 * const y = toCategorical([2, 0], 3);
 * const { loss, accuracy } = await evaluateClassifier(model, { x, y });
 * console.log(loss > 0, accuracy >= 0 && accuracy <= 1); // true true
 * tf.dispose([x, y]);
 * model.dispose();
 * ```
 */
export async function evaluateClassifier(
  model: tfl.LayersModel,
  data: ClassifierData,
  options: EvaluateClassifierOptions = {},
): Promise<ClassifierScores> {
  const fn = 'evaluateClassifier';
  checkCallShape(fn, data, options, 'evaluateClassifier(model, { x, y }, options)');
  const m = checkModel(fn, model, 'evaluate');
  const { batchSize } = checkOptions(fn, options, { batchSize: integer({ min: 1 }) }, 'options', {
    metrics: 'evaluateClassifier always reports loss and accuracy',
    verbose: 'evaluateClassifier prints nothing',
    steps: 'evaluateClassifier scores every row; pass fewer rows to score fewer',
    sampleWeight: 'evaluateClassifier does not weight samples',
    x: 'pass the data as the second argument: evaluateClassifier(model, { x, y })',
  });
  const loss = modelLoss(fn, m);
  const { x, y, owned } = await checkData(fn, m, loss, data, 'data');
  try {
    return (
      (await scoreOnEngine(m, loss.kind, x, y)) ??
      (await scoreInBatches(m, loss, x, y, batchSize ?? 32))
    );
  } finally {
    tf.dispose([...owned]);
  }
}

/** Sums of loss and correct predictions over all rows, in batches, read back once. */
export async function scoreInBatches(
  model: tfl.LayersModel,
  loss: ModelLoss,
  x: tf.Tensor,
  y: tf.Tensor,
  batchSize: number,
): Promise<ClassifierScores> {
  const n = x.shape[0];
  const sums: tf.Tensor[] = [];
  try {
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      sums.push(
        tf.tidy(() => {
          const xb = tf.slice(x, [start, 0], [size, -1]);
          const yb = sliceRows(y, start, size);
          const pred = model.apply(xb, { training: false }) as tf.Tensor;
          return tf.stack([tf.sum(loss.loss(yb, pred)), tf.sum(loss.accuracy(yb, pred))]);
        }),
      );
    }
    const total = tf.addN(sums);
    const [lossSum = NaN, correct = NaN] = await total.data();
    total.dispose();
    return { loss: lossSum / n, accuracy: correct / n };
  } finally {
    tf.dispose(sums);
  }
}

/** Rows [start, start + size) of a tensor of any rank (labels may be [N]). */
export function sliceRows(t: tf.Tensor, start: number, size: number): tf.Tensor {
  const begin = t.shape.map((_, i) => (i === 0 ? start : 0));
  const sizes = t.shape.map((d, i) => (i === 0 ? size : d));
  return tf.slice(t, begin, sizes);
}
