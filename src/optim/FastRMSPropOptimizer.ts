import * as tf from '@tensorflow/tfjs-core';
import { stepWithRule } from './fusedUpdate';
import { specFromConfig } from './optimizerSpec';

/**
 * tfjs' RMSPropOptimizer with one fused kernel per variable and step where denselab's kernels
 * are installed (see useFastKernels) and the backend runs them; elsewhere tfjs' own code, except
 * when centered: there the denominator is Keras' `sqrt(ms - mg² + epsilon)` on every backend
 * (tfjs 4.22 computes `sqrt(ms - mg² - epsilon)`, NaN as soon as a gradient has been zero). The
 * slots, their names, `getWeights`/`setWeights`, the config and the class name are tfjs', so
 * saved models load anywhere as a plain RMSProp. Internal: what createOptimizer('rmsprop')
 * returns.
 */
export class FastRMSPropOptimizer extends tf.RMSPropOptimizer {
  override applyGradients(
    variableGradients: Parameters<tf.RMSPropOptimizer['applyGradients']>[0],
  ): void {
    const spec = specFromConfig('rmsprop', this.getConfig());
    const centered = spec.kind === 'rmsprop' && spec.centered;
    if (!stepWithRule(this, spec, variableGradients, !centered)) {
      super.applyGradients(variableGradients);
      return;
    }
    this.incrementIterations();
  }
}
