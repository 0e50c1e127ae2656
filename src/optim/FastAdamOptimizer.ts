import * as tf from '@tensorflow/tfjs-core';
import { ADAM_UPDATE, type AdamUpdateAttrs } from '../kernels/adamUpdate';
import { adamState } from '../internals/tfjsInternals';
import { canFuse, gradientEntries, runUpdate, slot } from './fusedUpdate';

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
    const state = adamState(this);
    const entries = gradientEntries(variableGradients);
    if (
      !(state.accBeta1 instanceof tf.Variable) ||
      !canFuse(ADAM_UPDATE, entries, [state.accumulatedFirstMoment, state.accumulatedSecondMoment])
    ) {
      super.applyGradients(variableGradients);
      return;
    }
    // tfjs keeps beta^t in scalar variables; the cpu and wasm backends read them at once.
    const attrs: AdamUpdateAttrs = {
      learningRate: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      accBeta1: state.accBeta1.dataSync()[0] as number,
      accBeta2: state.accBeta2.dataSync()[0] as number,
    };
    entries.forEach(([name, gradient], i) => {
      const firstMoment = slot(state.accumulatedFirstMoment, i, name, 'm');
      const secondMoment = slot(state.accumulatedSecondMoment, i, name, 'v');
      if (gradient == null) return;
      const value = tf.engine().registeredVariables[name] as tf.Variable;
      runUpdate(ADAM_UPDATE, { value, gradient, firstMoment, secondMoment }, attrs, [
        value,
        firstMoment,
        secondMoment,
      ]);
    });
    tf.tidy(() => {
      state.accBeta1.assign(tf.mul(state.accBeta1, this.beta1));
      state.accBeta2.assign(tf.mul(state.accBeta2, this.beta2));
    });
    this.incrementIterations();
  }
}
