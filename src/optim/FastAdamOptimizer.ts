import * as tf from '@tensorflow/tfjs-core';
import { stepWithRule } from './fusedUpdate';
import { specFromConfig } from './optimizerSpec';

/**
 * tfjs' AdamOptimizer with one fused kernel per variable and step where denselab's kernels are
 * installed (see useFastKernels) and the backend runs them; elsewhere it is tfjs' own code.
 * Slots, names, `getWeights`/`setWeights`, config and class name are tfjs'. Internal: what
 * createOptimizer('adam') returns.
 */
export class FastAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(
    variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0],
  ): void {
    if (!stepWithRule(this, specFromConfig('adam', this.getConfig()), variableGradients, true)) {
      super.applyGradients(variableGradients);
      return;
    }
    this.incrementIterations();
  }
}
