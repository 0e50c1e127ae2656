import * as tf from '@tensorflow/tfjs-core';
import {
  RMSPROP_UPDATE,
  rmspropUpdateRuns,
  type RMSPropUpdateAttrs,
} from '../kernels/rmspropUpdate';

/** tfjs' RMSPropOptimizer state, private in its types; read here to keep one set of slots. */
interface RMSPropState {
  accumulatedMeanSquares: { originalName: string; variable: tf.Variable }[];
  accumulatedMoments: { originalName: string; variable: tf.Variable }[];
  centered: boolean;
}

/**
 * tfjs' RMSPropOptimizer with one fused kernel per variable and step where denselab's kernels
 * are installed (see useFastKernels) and the backend runs them; elsewhere, and when centered,
 * it is tfjs' own code. The slots, their names, `getWeights`/`setWeights`, the config and the
 * class name are tfjs', so saved models load anywhere as a plain RMSProp. Internal: what
 * createOptimizer('rmsprop') returns.
 */
export class FastRMSPropOptimizer extends tf.RMSPropOptimizer {
  override applyGradients(
    variableGradients: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[],
  ): void {
    const state = this as unknown as RMSPropState;
    const engine = tf.engine();
    const backendName = tf.getBackend();
    const entries: [string, tf.Tensor | undefined][] = Array.isArray(variableGradients)
      ? variableGradients.map((g) => [g.name, g.tensor])
      : Object.entries(variableGradients);
    if (
      state.centered ||
      !Array.isArray(state.accumulatedMeanSquares) ||
      !Array.isArray(state.accumulatedMoments) ||
      tf.getKernel(RMSPROP_UPDATE, backendName) === undefined ||
      !rmspropUpdateRuns(backendName, engine.backend) ||
      !entries.every(([name, gradient], i) =>
        fusable(engine.registeredVariables[name], gradient, [
          state.accumulatedMeanSquares[i]?.variable,
          state.accumulatedMoments[i]?.variable,
        ]),
      )
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
      const value = engine.registeredVariables[name] as tf.Variable;
      state.accumulatedMeanSquares[i] ??= {
        originalName: `${name}/rms`,
        variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
      };
      state.accumulatedMoments[i] ??= {
        originalName: `${name}/momentum`,
        variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
      };
      if (gradient == null) return;
      const meanSquare = state.accumulatedMeanSquares[i].variable;
      const moment = state.accumulatedMoments[i].variable;
      const [newValue, newMeanSquare, newMoment] = engine.runKernel<tf.Tensor[]>(
        RMSPROP_UPDATE,
        { value, gradient, meanSquare, moment },
        attrs as unknown as tf.NamedAttrMap,
      ) as [tf.Tensor, tf.Tensor, tf.Tensor];
      meanSquare.assign(newMeanSquare);
      moment.assign(newMoment);
      value.assign(newValue);
      tf.dispose([newValue, newMeanSquare, newMoment]);
    });
    this.incrementIterations();
  }
}

/** A float32 variable whose gradient (if any) and existing slots are float32 of its shape. */
function fusable(
  value: tf.Variable | undefined,
  gradient: tf.Tensor | undefined,
  slots: (tf.Variable | undefined)[],
): boolean {
  if (value === undefined || value.dtype !== 'float32') return false;
  return [gradient, ...slots].every(
    (t) =>
      t == null ||
      (t.dtype === 'float32' &&
        t.shape.length === value.shape.length &&
        t.shape.every((d, k) => d === value.shape[k])),
  );
}
