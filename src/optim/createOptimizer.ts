import * as tf from '@tensorflow/tfjs-core';
import { rangeError, show, typeError } from '../core/errors';
import { finite, type Check } from '../core/validate';
import { FastAdagradOptimizer } from './FastAdagradOptimizer';
import { FastAdamaxOptimizer } from './FastAdamaxOptimizer';
import { FastAdamOptimizer } from './FastAdamOptimizer';
import { FastRMSPropOptimizer } from './FastRMSPropOptimizer';
import { KerasAdadeltaOptimizer } from './KerasAdadeltaOptimizer';

/**
 * The optimizers denselab knows by name, each with Keras' defaults:
 *
 * | name       | Keras                                  | defaults                                    |
 * | ---------- | -------------------------------------- | ------------------------------------------- |
 * | `sgd`      | `SGD()`                                | lr 0.01                                     |
 * | `momentum` | `SGD(momentum=0.9)`                    | lr 0.01, momentum 0.9                       |
 * | `rmsprop`  | `RMSprop()` (Keras' default optimizer) | lr 0.001, rho 0.9, epsilon 1e-7             |
 * | `adam`     | `Adam()`                               | lr 0.001, beta1 0.9, beta2 0.999, eps 1e-7  |
 * | `adamax`   | `Adamax()`                             | lr 0.001, beta1 0.9, beta2 0.999, eps 1e-7  |
 * | `adagrad`  | `Adagrad()`                            | lr 0.001, initial accumulator 0.1           |
 * | `adadelta` | `Adadelta()`                           | lr 0.001, rho 0.95, epsilon 1e-7            |
 *
 * The update rules are Keras' (and tfjs'): denselab builds tfjs optimizers, with one correction:
 * tfjs 4.22's Adadelta scales each step with the gradient average from *before* the step (its
 * first step is the raw gradient times the learning rate, about 1,000 times Keras' first
 * step); denselab's `adadelta` uses the average after it, as Keras and the paper do.
 *
 * @category Optimizers
 */
export type OptimizerName =
  'sgd' | 'momentum' | 'rmsprop' | 'adam' | 'adamax' | 'adagrad' | 'adadelta';

/**
 * Every {@link OptimizerName}, in the order the optimizer comparison lists them.
 *
 * @category Optimizers
 * @example
 * ```ts
 * import { OPTIMIZER_NAMES } from 'denselab';
 *
 * console.log(OPTIMIZER_NAMES.length); // 7
 * ```
 */
export const OPTIMIZER_NAMES: readonly OptimizerName[] = [
  'sgd',
  'momentum',
  'rmsprop',
  'adam',
  'adamax',
  'adagrad',
  'adadelta',
];

/**
 * Keras' hyperparameters for each named optimizer.
 *
 * @category Optimizers
 */
export interface OptimizerHyperparameters {
  /** The step size. */
  learningRate: number;
  /** SGD momentum. */
  momentum?: number;
  /** Decay of the running averages (RMSprop, Adadelta). */
  rho?: number;
  /** Decay of the first moment (Adam, Adamax). */
  beta1?: number;
  /** Decay of the second moment (Adam, Adamax). */
  beta2?: number;
  /** Added to denominators for stability. */
  epsilon?: number;
  /** Adagrad's starting accumulator. */
  initialAccumulatorValue?: number;
}

/**
 * Keras' default hyperparameters of each named optimizer (tfjs' own defaults differ: its
 * RMSprop and Adagrad learning rates must be given, and its epsilon follows the backend).
 *
 * @category Optimizers
 * @example
 * ```ts
 * import { KERAS_OPTIMIZER_DEFAULTS } from 'denselab';
 *
 * console.log(KERAS_OPTIMIZER_DEFAULTS.rmsprop); // {"learningRate":0.001,"rho":0.9,"epsilon":1e-7}
 * ```
 */
export const KERAS_OPTIMIZER_DEFAULTS: Readonly<Record<OptimizerName, OptimizerHyperparameters>> = {
  sgd: { learningRate: 0.01 },
  momentum: { learningRate: 0.01, momentum: 0.9 },
  rmsprop: { learningRate: 0.001, rho: 0.9, epsilon: 1e-7 },
  adam: { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
  adamax: { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
  adagrad: { learningRate: 0.001, initialAccumulatorValue: 0.1 },
  adadelta: { learningRate: 0.001, rho: 0.95, epsilon: 1e-7 },
};

const NAMES_TEXT = OPTIMIZER_NAMES.map((n) => `'${n}'`).join(', ');

/**
 * The optimizer a name means, in any case and with Keras' or tfjs' class names too: `'Adam'`,
 * `'RMSprop'`, `'RMSPropOptimizer'`, `'SGD'` (Keras and tfjs accept their class names).
 */
export function canonicalOptimizerName(value: string): OptimizerName | undefined {
  const key = value
    .trim()
    .toLowerCase()
    .replace(/optimizer$/, '');
  return (OPTIMIZER_NAMES as readonly string[]).includes(key) ? (key as OptimizerName) : undefined;
}

/** An optimizer name (a string not in the list is a RangeError, another type a TypeError). */
export const optimizerName: Check<OptimizerName> = (fn, path, value) => {
  const name = typeof value === 'string' ? canonicalOptimizerName(value) : undefined;
  if (name !== undefined) return name;
  const message = `${path} is ${show(value)}; expected one of ${NAMES_TEXT}`;
  throw typeof value === 'string' ? rangeError(fn, message) : typeError(fn, message);
};

/** The `optimizer` option: a name or a tf.Optimizer. */
export const optimizerOption: Check<OptimizerName | tf.Optimizer> = (fn, path, value) => {
  if (isOptimizer(value)) return value;
  const message = `${path} is ${show(value)}; expected a tf.Optimizer or one of ${NAMES_TEXT}`;
  if (typeof value !== 'string') throw typeError(fn, message);
  const name = canonicalOptimizerName(value);
  if (name === undefined) throw rangeError(fn, message);
  return name;
};

/** A learning rate: a finite number > 0. */
export const learningRateOption: Check<number> = finite({ min: 0, exclusiveMin: true });

/** Checks an optimizer name and learning rate; returns the hyperparameters to use. */
export function resolveHyperparameters(
  fn: string,
  name: unknown,
  learningRate: unknown,
): OptimizerHyperparameters & { name: OptimizerName } {
  const checkedName = optimizerName(fn, 'name', name);
  const lr =
    learningRate === undefined ? undefined : learningRateOption(fn, 'learningRate', learningRate);
  const defaults = KERAS_OPTIMIZER_DEFAULTS[checkedName];
  return { ...defaults, learningRate: lr ?? defaults.learningRate, name: checkedName };
}

/**
 * Creates a tfjs optimizer by name with Keras' defaults (see {@link OptimizerName}), or with
 * another learning rate. The caller owns it: `dispose()` it when training is over.
 *
 * `'rmsprop'` and `'adam'` are tfjs' classes whose update runs as one fused kernel per
 * variable where {@link useFastKernels} has installed it (wasm and cpu), with the same results
 * bit for bit; they save and load as tfjs' RMSProp and Adam.
 *
 * @param name - one of {@link OPTIMIZER_NAMES}
 * @param learningRate - overrides Keras' default learning rate
 * @returns a new `tf.Optimizer`
 * @throws RangeError for an unknown name or a learning rate that is not a positive number
 *
 * @category Optimizers
 * @example
 * ```ts
 * import '@tensorflow/tfjs-backend-cpu';
 * import { createOptimizer } from 'denselab';
 *
 * const rmsprop = createOptimizer('rmsprop'); // Keras' default: lr 0.001, rho 0.9, eps 1e-7
 * console.log(rmsprop.getConfig()); // {"learningRate":0.001,"decay":0.9,"momentum":0,"epsilon":1e-7,"centered":false}
 * rmsprop.dispose();
 * ```
 */
export function createOptimizer(name: OptimizerName, learningRate?: number): tf.Optimizer {
  const h = resolveHyperparameters('createOptimizer', name, learningRate);
  const lr = h.learningRate;
  switch (h.name) {
    case 'sgd':
      return tf.train.sgd(lr);
    case 'momentum':
      return new DisposingMomentumOptimizer(lr, h.momentum ?? 0.9);
    case 'rmsprop':
      return new FastRMSPropOptimizer(lr, h.rho, 0, h.epsilon);
    case 'adam':
      return new FastAdamOptimizer(lr, h.beta1 ?? 0.9, h.beta2 ?? 0.999, h.epsilon);
    case 'adamax':
      return new FastAdamaxOptimizer(lr, h.beta1 ?? 0.9, h.beta2 ?? 0.999, h.epsilon);
    case 'adagrad':
      return new FastAdagradOptimizer(lr, h.initialAccumulatorValue);
    case 'adadelta':
      return new KerasAdadeltaOptimizer(lr, h.rho ?? 0.95, h.epsilon);
  }
}

/**
 * tfjs 4.22's MomentumOptimizer.dispose() leaves its learning-rate scalar behind (it does not
 * call SGDOptimizer.dispose()); this subclass releases it too.
 */
export class DisposingMomentumOptimizer extends tf.MomentumOptimizer {
  override dispose(): void {
    super.dispose();
    if (!this.c.isDisposed) this.c.dispose();
  }
}

/** True for a tfjs optimizer (duck-typed, so another tfjs-core copy's optimizer counts too). */
export function isOptimizer(value: unknown): value is tf.Optimizer {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as tf.Optimizer).applyGradients === 'function'
  );
}

/** The checked `optimizer` and `learningRate` options: a caller's tf.Optimizer, or a name. */
export type OptimizerChoice =
  | { custom: tf.Optimizer; hyper?: undefined }
  | { custom?: undefined; hyper: OptimizerHyperparameters & { name: OptimizerName } };

/**
 * The checked `optimizer` and `learningRate` options (see {@link optimizerOption}): a caller's
 * tf.Optimizer, or a name with its hyperparameters, defaulting to `fallback`.
 */
export function resolveOptimizerOption(
  fn: string,
  optimizer: OptimizerName | tf.Optimizer | undefined,
  learningRate: number | undefined,
  fallback: OptimizerName,
): OptimizerChoice {
  if (optimizer !== undefined && isOptimizer(optimizer)) {
    if (learningRate !== undefined) {
      throw rangeError(
        fn,
        'learningRate applies to a named optimizer; set it on your tf.Optimizer',
      );
    }
    return { custom: optimizer };
  }
  const name = optimizer ?? fallback;
  const defaults = KERAS_OPTIMIZER_DEFAULTS[name];
  return { hyper: { ...defaults, learningRate: learningRate ?? defaults.learningRate, name } };
}
