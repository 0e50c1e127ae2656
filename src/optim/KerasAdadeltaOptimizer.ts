import * as tf from '@tensorflow/tfjs-core';
import { stepWithRule } from './fusedUpdate';
import { specFromConfig } from './optimizerSpec';

/**
 * tfjs' AdadeltaOptimizer with Keras' update: the step is scaled by the accumulated squared
 * gradient *after* this step's gradient is added (`sqrt(E[dx²] + eps) / sqrt(E[g²] + eps)`),
 * as Keras (and Zeiler's paper) compute it. tfjs 4.22 uses the value from before the step, so
 * its first step is the raw gradient times the learning rate where Keras' is about 1,000 times
 * smaller. One fused kernel per variable where denselab's kernels run. Slots, names, config and
 * class name are tfjs', so saved models load anywhere as a plain Adadelta. Internal: what
 * createOptimizer('adadelta') returns.
 */
export class KerasAdadeltaOptimizer extends tf.AdadeltaOptimizer {
  override applyGradients(
    variableGradients: Parameters<tf.AdadeltaOptimizer['applyGradients']>[0],
  ): void {
    stepWithRule(this, specFromConfig('adadelta', this.getConfig()), variableGradients, false);
    this.incrementIterations();
  }
}
