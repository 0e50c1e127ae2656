import * as tf from '@tensorflow/tfjs-core';

/**
 * A known fault of `optimizer` that makes training give NaN whatever the learning rate, as a
 * hint for `NonFiniteLossError`; undefined when there is none. Internal.
 *
 * tfjs 4.22's centered RMSprop divides by sqrt(ms - mg^2 - epsilon) where Keras has
 * sqrt(ms - mg^2 + epsilon): a parameter whose gradient is 0 at the first step (a dead ReLU
 * unit, an unused input) becomes NaN at once. denselab's engine and its RMSprop class
 * (createOptimizer, loadModel) compute Keras' formula.
 */
export function divergenceHint(optimizer: tf.Optimizer | undefined): string | undefined {
  if (optimizer === undefined || (optimizer as object).constructor !== tf.RMSPropOptimizer) {
    return undefined;
  }
  const { centered } = optimizer.getConfig() as { centered?: unknown };
  if (centered !== true) return undefined;
  return (
    "tfjs 4.22's centered RMSprop takes the square root of ms - mg^2 - epsilon (Keras adds " +
    'epsilon), which is NaN for any parameter whose gradient is 0; use centered: false'
  );
}
