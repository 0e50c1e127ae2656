import * as tf from '@tensorflow/tfjs-core';
import { stepWithRule } from './fusedUpdate';
import { specFromConfig } from './optimizerSpec';

/**
 * tfjs' AdagradOptimizer with one fused kernel per variable and step where denselab's kernels
 * are installed (see useFastKernels) and the backend runs them; elsewhere it is tfjs' own code.
 * Slots, names, `getWeights`/`setWeights`, config and class name are tfjs'. Internal: what
 * createOptimizer('adagrad') returns.
 */
export class FastAdagradOptimizer extends tf.AdagradOptimizer {
  override applyGradients(
    variableGradients: Parameters<tf.AdagradOptimizer['applyGradients']>[0],
  ): void {
    if (!stepWithRule(this, specFromConfig('adagrad', this.getConfig()), variableGradients, true)) {
      super.applyGradients(variableGradients);
      return;
    }
    this.incrementIterations();
  }
}
