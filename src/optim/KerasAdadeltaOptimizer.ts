import * as tf from '@tensorflow/tfjs-core';
import { adadeltaState } from '../internals/tfjsInternals';

/**
 * tfjs' AdadeltaOptimizer with Keras' update: the step is scaled by the accumulated squared
 * gradient *after* this step's gradient is added (`sqrt(E[dx²] + eps) / sqrt(E[g²] + eps)`),
 * as Keras (and Zeiler's paper) compute it. tfjs 4.22 uses the value from before the step, so
 * its first step is the raw gradient times the learning rate where Keras' is about 1,000 times
 * smaller. Slots, names, config and class name are tfjs', so saved models load anywhere as a
 * plain Adadelta. Internal: what createOptimizer('adadelta') returns.
 */
export class KerasAdadeltaOptimizer extends tf.AdadeltaOptimizer {
  override applyGradients(
    variableGradients: Parameters<tf.AdadeltaOptimizer['applyGradients']>[0],
  ): void {
    const state = adadeltaState(this);
    const entries = Array.isArray(variableGradients)
      ? variableGradients.map((g): [string, tf.Tensor | undefined] => [g.name, g.tensor])
      : Object.entries(variableGradients);
    entries.forEach(([name, gradient], i) => {
      const value = tf.engine().registeredVariables[name] as tf.Variable;
      const slot = (): tf.Variable => tf.tidy(() => tf.zerosLike(value).variable(false));
      state.accumulatedGrads[i] ??= {
        originalName: `${name}/accum_grad`,
        variable: slot(),
      };
      state.accumulatedUpdates[i] ??= {
        originalName: `${name}/accum_var`,
        variable: slot(),
      };
      if (gradient == null) return;
      const accGrad = state.accumulatedGrads[i].variable;
      const accUpdate = state.accumulatedUpdates[i].variable;
      tf.tidy(() => {
        const rho = state.rho;
        const newAccGrad = tf.add(tf.mul(accGrad, rho), tf.mul(tf.square(gradient), 1 - rho));
        const update = tf.mul(
          tf.div(
            tf.sqrt(tf.add(accUpdate, state.epsilon)),
            tf.sqrt(tf.add(newAccGrad, state.epsilon)),
          ),
          gradient,
        );
        const newAccUpdate = tf.add(tf.mul(accUpdate, rho), tf.mul(tf.square(update), 1 - rho));
        accGrad.assign(newAccGrad);
        accUpdate.assign(newAccUpdate);
        value.assign(tf.add(tf.mul(update, -state.learningRate), value));
      });
    });
    this.incrementIterations();
  }
}
