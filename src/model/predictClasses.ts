import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { isDataLike, show, typeError } from '../core/errors';
import { checkOptions, integer } from '../core/validate';
import { checkFiniteRows, checkInputs, checkModel } from './classifierInputs';
import { predictOnEngine } from './engineInference';
import { inputTensor, type ClassifierInput } from './plainData';

/**
 * What {@link predictClasses} returns for each sample.
 *
 * @category Model
 */
export interface ClassPredictions {
  /** The most probable class of each sample (Keras' `argmax(model.predict(x), axis=-1)`). */
  readonly classes: Int32Array;
  /** Each sample's probabilities, row-major `[N, classes]`. */
  readonly probabilities: Float32Array;
  /** Classes per sample. */
  readonly numClasses: number;
}

/**
 * Options of {@link predictClasses}.
 *
 * @category Model
 */
export interface PredictClassesOptions {
  /** Samples per forward pass. Default 256 (Keras' `predict` uses 32). */
  batchSize?: number;
}

/**
 * Predicts the class of new samples: the model's probabilities and the most probable class of
 * each row, as plain arrays (no tensor to dispose).
 *
 * @param model - a tfjs-layers classifier, e.g. from {@link buildDenseClassifier}
 * @param x - `[N, features]` float32 inputs prepared as the training data were: a tensor, an
 *   NdArray or a nested array of rows
 * @param options - `batchSize` of the forward passes (default 256)
 * @returns classes and probabilities
 * @throws TypeError or RangeError when `x` is not a float32 `[N, features]` tensor matching the
 *   model's input
 *
 * @category Model
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import '@tensorflow/tfjs-backend-cpu';
 * import { buildDenseClassifier, predictClasses } from 'denselab';
 *
 * const model = buildDenseClassifier({ inputSize: 2, hiddenUnits: [4], numClasses: 3, seed: 1 });
 * const x = tf.tensor2d([[0, 1], [1, 0]]);
 * const { classes, probabilities } = await predictClasses(model, x);
 * console.log(classes.length, probabilities.length); // 2 6
 * x.dispose();
 * model.dispose();
 * ```
 */
export async function predictClasses(
  model: tfl.LayersModel,
  x: ClassifierInput,
  options: PredictClassesOptions = {},
): Promise<ClassPredictions> {
  const fn = 'predictClasses';
  const m = checkModel(fn, model, 'predict');
  if (isDataLike(options)) {
    throw typeError(
      fn,
      `options is ${show(options)}; predictClasses takes no labels: predictClasses(model, x), or evaluateClassifier(model, { x, y }) to score against labels`,
    );
  }
  const { batchSize = 256 } = checkOptions(
    fn,
    options,
    { batchSize: integer({ min: 1 }) },
    'options',
    {
      verbose: 'predictClasses prints nothing',
      steps: 'predictClasses predicts every row; pass fewer rows to predict fewer',
    },
  );
  const input = inputTensor(fn, m, x, 'x');
  try {
    return await predictRows(fn, m, input.tensor, batchSize);
  } finally {
    if (input.owned) input.tensor.dispose();
  }
}

/** Classes and probabilities of every row of the tensor `x`, in batches. */
async function predictRows(
  fn: string,
  m: tfl.LayersModel,
  x: tf.Tensor,
  batchSize: number,
): Promise<ClassPredictions> {
  if (x.isDisposed) throw typeError(fn, 'x is a disposed tensor');
  checkInputs(fn, m, x, 'x');
  await checkFiniteRows(fn, x, 'x');
  const n = x.shape[0];
  if (n === 0) {
    const numClasses = m.outputs[0]?.shape[1] ?? 0;
    return { classes: new Int32Array(0), probabilities: new Float32Array(0), numClasses };
  }
  const probabilities = (await predictOnEngine(m, x)) ?? (await tfjsProbabilities(m, x, batchSize));
  const numClasses = probabilities.length / n;
  return { classes: argmaxRows(probabilities, n, numClasses), probabilities, numClasses };
}

/** The model's outputs for all rows through tfjs, in batches, read back once. */
async function tfjsProbabilities(
  m: tfl.LayersModel,
  x: tf.Tensor,
  batchSize: number,
): Promise<Float32Array> {
  const n = x.shape[0];
  const parts: tf.Tensor[] = [];
  try {
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      parts.push(
        tf.tidy(
          () => m.apply(tf.slice(x, [start, 0], [size, -1]), { training: false }) as tf.Tensor,
        ),
      );
    }
    const all = parts.length === 1 ? (parts[0] as tf.Tensor) : tf.concat(parts, 0);
    const probabilities = (await all.data()) as Float32Array;
    if (all !== parts[0]) all.dispose();
    return probabilities;
  } finally {
    tf.dispose(parts);
  }
}

/** The index of each row's largest value (the first, on ties). */
function argmaxRows(values: Float32Array, n: number, width: number): Int32Array {
  const classes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < width; c++) {
      if ((values[i * width + c] as number) > (values[i * width + best] as number)) best = c;
    }
    classes[i] = best;
  }
  return classes;
}
