import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerKind, OptimizerSpec } from '../rules/optimizers';
import type { OptimizerHyperparameters, OptimizerName } from './createOptimizer';

type Config = Record<string, unknown>;

const num = (c: Config, key: string, fallback?: number): number => {
  const v = c[key];
  if (typeof v === 'number') return v;
  if (fallback !== undefined) return fallback;
  throw new Error(`the optimizer's config has no number ${key}`);
};

/**
 * The update rule's description of a tfjs optimizer of `kind`, from its config (tfjs' names:
 * RMSprop's rho is `decay`; Adagrad's epsilon is the backend's). Internal.
 */
export function specFromConfig(kind: OptimizerKind, c: Config): OptimizerSpec {
  const learningRate = num(c, 'learningRate');
  switch (kind) {
    case 'sgd':
      return { kind, learningRate };
    case 'momentum':
      return { kind, learningRate, momentum: num(c, 'momentum'), nesterov: c.useNesterov === true };
    case 'rmsprop':
      return {
        kind,
        learningRate,
        rho: num(c, 'decay'),
        momentum: num(c, 'momentum', 0),
        epsilon: num(c, 'epsilon'),
        centered: c.centered === true,
      };
    case 'adam':
      return {
        kind,
        learningRate,
        beta1: num(c, 'beta1'),
        beta2: num(c, 'beta2'),
        epsilon: num(c, 'epsilon'),
      };
    case 'adamax':
      return {
        kind,
        learningRate,
        beta1: num(c, 'beta1'),
        beta2: num(c, 'beta2'),
        epsilon: num(c, 'epsilon'),
        decay: num(c, 'decay', 0),
      };
    case 'adagrad':
      return {
        kind,
        learningRate,
        initialAccumulatorValue: num(c, 'initialAccumulatorValue'),
        epsilon: tf.backend().epsilon(),
      };
    case 'adadelta':
      return { kind, learningRate, rho: num(c, 'rho'), epsilon: num(c, 'epsilon') };
  }
}

/**
 * The update rule's description of a named optimizer with Keras' hyperparameters (what
 * createOptimizer builds; Adagrad's epsilon is float32 backends' 1e-7). Internal.
 */
export function specOfName(name: OptimizerName, h: OptimizerHyperparameters): OptimizerSpec {
  const learningRate = h.learningRate;
  const epsilon = h.epsilon ?? 1e-7;
  const [beta1, beta2] = [h.beta1 ?? 0.9, h.beta2 ?? 0.999];
  switch (name) {
    case 'sgd':
      return { kind: name, learningRate };
    case 'momentum':
      return { kind: name, learningRate, momentum: h.momentum ?? 0.9, nesterov: false };
    case 'rmsprop':
      return { kind: name, learningRate, rho: h.rho ?? 0.9, momentum: 0, epsilon, centered: false };
    case 'adam':
      return { kind: name, learningRate, beta1, beta2, epsilon };
    case 'adamax':
      return { kind: name, learningRate, beta1, beta2, epsilon, decay: 0 };
    case 'adagrad':
      return {
        kind: name,
        learningRate,
        initialAccumulatorValue: h.initialAccumulatorValue ?? 0.1,
        epsilon,
      };
    case 'adadelta':
      return { kind: name, learningRate, rho: h.rho ?? 0.95, epsilon };
  }
}
