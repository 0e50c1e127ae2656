import * as tf from '@tensorflow/tfjs-core';
import { RMSPROP_UPDATE, type RMSPropUpdateAttrs } from '../kernels/rmspropUpdate';
import { rmspropState } from '../internals/tfjsInternals';
import { canFuse, gradientEntries, runUpdate, slot } from './fusedUpdate';

/**
 * tfjs' RMSPropOptimizer with one fused kernel per variable and step where denselab's kernels
 * are installed (see useFastKernels) and the backend runs them; elsewhere, and when centered,
 * it is tfjs' own code. The slots, their names, `getWeights`/`setWeights`, the config and the
 * class name are tfjs', so saved models load anywhere as a plain RMSProp. Internal: what
 * createOptimizer('rmsprop') returns.
 */
export class FastRMSPropOptimizer extends tf.RMSPropOptimizer {
  override applyGradients(
    variableGradients: Parameters<tf.RMSPropOptimizer['applyGradients']>[0],
  ): void {
    const state = rmspropState(this);
    const entries = gradientEntries(variableGradients);
    if (
      state.centered ||
      !canFuse(RMSPROP_UPDATE, entries, [state.accumulatedMeanSquares, state.accumulatedMoments])
    ) {
      super.applyGradients(variableGradients);
      return;
    }
    const attrs: RMSPropUpdateAttrs = {
      learningRate: this.learningRate,
      rho: this.decay,
      momentum: this.momentum,
      epsilon: this.epsilon,
    };
    entries.forEach(([name, gradient], i) => {
      const meanSquare = slot(state.accumulatedMeanSquares, i, name, 'rms');
      const moment = slot(state.accumulatedMoments, i, name, 'momentum');
      if (gradient == null) return;
      const value = tf.engine().registeredVariables[name] as tf.Variable;
      runUpdate(RMSPROP_UPDATE, { value, gradient, meanSquare, moment }, attrs, [
        value,
        meanSquare,
        moment,
      ]);
    });
    this.incrementIterations();
  }
}
