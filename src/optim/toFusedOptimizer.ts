import * as tf from '@tensorflow/tfjs-core';
import { FastAdagradOptimizer } from './FastAdagradOptimizer';
import { FastAdamaxOptimizer } from './FastAdamaxOptimizer';
import { FastAdamOptimizer } from './FastAdamOptimizer';
import { FastRMSPropOptimizer } from './FastRMSPropOptimizer';
import { KerasAdadeltaOptimizer } from './KerasAdadeltaOptimizer';

/** tfjs' optimizer classes and denselab's subclass of each (fused, or Keras' update). */
const FUSED = [
  [tf.RMSPropOptimizer, FastRMSPropOptimizer],
  [tf.AdamOptimizer, FastAdamOptimizer],
  [tf.AdadeltaOptimizer, KerasAdadeltaOptimizer],
  [tf.AdagradOptimizer, FastAdagradOptimizer],
  [tf.AdamaxOptimizer, FastAdamaxOptimizer],
] as const;

/**
 * denselab's counterpart of a tfjs RMSprop, Adam, Adagrad, Adamax (fused) or Adadelta (Keras'
 * update), as `loadLayersModel` restores them, holding its state (the same slot data and step count); the
 * original is disposed. Anything else, and an optimizer that is denselab's already, comes back
 * as it is. Internal: used by loadModel.
 */
export async function toFusedOptimizer(optimizer: tf.Optimizer): Promise<tf.Optimizer> {
  // By constructor: tfjs' Optimizer answers instanceof for any optimizer (Symbol.hasInstance).
  const ctor = (optimizer as object).constructor;
  for (const [base, fused] of FUSED) {
    if (ctor !== base) continue;
    const fast = fused.fromConfig(fused, optimizer.getConfig()) as tf.Optimizer;
    // tfjs 4.22's Adamax gives no state (getWeights throws); a loaded one has none yet.
    if (base === tf.AdamaxOptimizer && optimizer.iterations === 0) {
      optimizer.dispose();
      return fast;
    }
    if (base === tf.AdamaxOptimizer) return optimizer;
    const state = await optimizer.getWeights(); // [iterations scalar (new), ...slot variables]
    await fast.setWeights(state); // new variables over the same data
    state[0]?.tensor.dispose();
    optimizer.dispose();
    return fast;
  }
  return optimizer;
}
