import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { rangeError } from '../core/errors';
import { requireBackend } from '../core/input';
import { LIMITS } from '../core/limits';
import { arrayOf, checkOptions, finite, integer, oneOf } from '../core/validate';
import { createRng } from '../core/random';
import { ownOptimizer } from '../internals/tfjsInternals';
import {
  createOptimizer,
  learningRateOption,
  optimizerOption,
  resolveOptimizerOption,
  type OptimizerName,
} from '../optim/createOptimizer';

/**
 * Hidden-layer activations {@link buildDenseClassifier} accepts (Keras' names).
 *
 * @category Model
 */
export type DenseActivation = 'relu' | 'sigmoid' | 'tanh' | 'elu' | 'selu' | 'softplus' | 'linear';

const ACTIVATIONS: readonly DenseActivation[] = [
  'relu',
  'sigmoid',
  'tanh',
  'elu',
  'selu',
  'softplus',
  'linear',
];

/**
 * Options of {@link buildDenseClassifier}.
 *
 * @category Model
 */
export interface DenseClassifierOptions {
  /** Features per sample. Default 784 (28x28 flattened). */
  inputSize?: number;
  /** Units of each hidden Dense layer. Default `[512, 512]`: the classic MNIST network, 784-512-512-10. */
  hiddenUnits?: readonly number[];
  /** Activation of the hidden layers. Default `'relu'`. */
  activation?: DenseActivation;
  /** Classes of the softmax output. Default 10. */
  numClasses?: number;
  /**
   * A name with Keras' defaults (see {@link OptimizerName}) or a `tf.Optimizer`. Default
   * `'rmsprop'`, what Keras uses when `compile` names none. A named optimizer is owned and
   * disposed with the model; a `tf.Optimizer` you pass stays yours.
   */
  optimizer?: OptimizerName | tf.Optimizer;
  /** Overrides a named optimizer's default learning rate. */
  learningRate?: number;
  /** Seeds the glorot-uniform kernels: the same seed builds the same weights. */
  seed?: number;
}

/** What buildDenseClassifier says to Keras' and tfjs' layer and compile arguments. */
const BUILD_HINTS = {
  units: 'use hiddenUnits: [512, 512], one size per hidden layer',
  layers: 'use hiddenUnits: [512, 512], one size per hidden layer',
  inputShape: 'use inputSize: 784 (the model takes rows of that many values)',
  inputDim: 'use inputSize: 784 (the model takes rows of that many values)',
  loss: 'the model is compiled with categorical cross-entropy; compile a tfjs-layers model of your own for another loss',
  metrics: 'the model is compiled with the accuracy metric, which fitClassifier reports',
  lr: 'use learningRate',
  classes: 'use numClasses',
  outputUnits: 'use numClasses',
  kernelInitializer: "the kernels start as Keras' glorotUniform, seeded by seed",
} as const;

/**
 * Builds and compiles a dense classifier (by default the classic MNIST network) with Keras' defaults:
 * `Dense(512, relu, input 784) -> Dense(512, relu) -> Dense(10, softmax)`, 669,706 parameters,
 * glorot-uniform kernels and zero biases (tfjs layers default to glorot-normal), categorical
 * cross-entropy, an accuracy metric, and RMSprop with lr 0.001, rho 0.9, epsilon 1e-7.
 *
 * Train it with {@link fitClassifier}; `model.summary()` and `model.getWeights()` work as in
 * Keras. Dispose it with `model.dispose()` (which also disposes a named optimizer).
 *
 * @param options - layer sizes, activation, classes, optimizer, learning rate, seed
 * @returns a compiled `tf.Sequential`
 * @throws RangeError for sizes that are not positive integers (or above {@link LIMITS}), fewer
 *   than 2 classes, an unknown activation or optimizer, a bad learning rate or seed; TypeError
 *   for options of the wrong type or unknown option keys; all before any tensor is made
 *
 * @category Model
 * @example
 * ```ts
 * import '@tensorflow/tfjs-backend-cpu';
 * import { buildDenseClassifier } from 'denselab';
 *
 * const model = buildDenseClassifier({ seed: 1 });
 * console.log(model.countParams()); // 669706
 * console.log(model.layers.map((l) => l.outputShape)); // [[null,512],[null,512],[null,10]]
 * model.dispose();
 * ```
 */
export function buildDenseClassifier(options: DenseClassifierOptions = {}): tfl.Sequential {
  const fn = 'buildDenseClassifier';
  const o = checkOptions(
    fn,
    options,
    {
      inputSize: integer({ min: 1, max: LIMITS.maxUnits }),
      hiddenUnits: arrayOf(
        integer({ min: 1, max: LIMITS.maxUnits }),
        {},
        'an array of layer sizes, one per hidden layer, such as [512, 512]',
      ),
      activation: oneOf(ACTIVATIONS),
      numClasses: integer({ min: 2, max: LIMITS.maxClasses }),
      optimizer: optimizerOption,
      learningRate: learningRateOption,
      seed: finite(),
    },
    'options',
    BUILD_HINTS,
  );
  const inputSize = o.inputSize ?? 784;
  const hiddenUnits = o.hiddenUnits ?? [512, 512];
  const numClasses = o.numClasses ?? 10;
  const activation = o.activation ?? 'relu';
  const sizes = [...hiddenUnits, numClasses];
  const parameters = sizes.reduce(
    (sum, units, i) => sum + ((i === 0 ? inputSize : (sizes[i - 1] as number)) + 1) * units,
    0,
  );
  if (parameters > LIMITS.maxParameters) {
    throw rangeError(
      fn,
      `the model would have ${parameters} parameters; expected at most ${LIMITS.maxParameters} (LIMITS.maxParameters)`,
    );
  }
  const seed = o.seed;
  requireBackend(fn);
  const { custom, hyper } = resolveOptimizerOption(fn, o.optimizer, o.learningRate, 'rmsprop');

  // One seed per layer, drawn from the model's seed, so that same-shaped layers differ.
  const rng = seed === undefined ? undefined : createRng(seed);
  const layerSeed = (): number | undefined =>
    rng === undefined ? undefined : Math.floor(rng() * 2 ** 31);
  const model = tfl.sequential();
  sizes.forEach((units, i) => {
    model.add(
      tfl.layers.dense({
        units,
        activation: i === sizes.length - 1 ? 'softmax' : activation,
        inputShape: i === 0 ? [inputSize] : undefined,
        kernelInitializer: tfl.initializers.glorotUniform({ seed: layerSeed() }),
        biasInitializer: 'zeros',
        name: `dense_${i + 1}`,
      }),
    );
  });
  const optimizer = custom ?? createOptimizer(hyper.name, hyper.learningRate);
  model.compile({ loss: 'categoricalCrossentropy', optimizer, metrics: ['accuracy'] });
  if (custom === undefined) ownOptimizer(model);
  return model;
}
