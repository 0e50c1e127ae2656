import * as tf from '@tensorflow/tfjs-core';
import { slotLists, stateVariables } from '../internals/tfjsInternals';
import { stepWithRule } from './fusedUpdate';
import { specFromConfig } from './optimizerSpec';

/**
 * tfjs' AdamaxOptimizer with one fused kernel per variable and step where denselab's kernels
 * are installed (see useFastKernels) and the backend runs them; elsewhere it is tfjs' own code.
 * Unlike tfjs 4.22's Adamax it gives and takes its state (`getWeights`/`setWeights`, as tfjs'
 * Adam does: the step count, then the first moments, then the weighted infinity norms), so a
 * model saved with it keeps its optimizer and the dense engine can train with it. Config and
 * class name are tfjs'. Internal: what createOptimizer('adamax') returns.
 */
export class FastAdamaxOptimizer extends tf.AdamaxOptimizer {
  override applyGradients(
    variableGradients: Parameters<tf.AdamaxOptimizer['applyGradients']>[0],
  ): void {
    if (!stepWithRule(this, specFromConfig('adamax', this.getConfig()), variableGradients, true)) {
      super.applyGradients(variableGradients);
      return;
    }
    this.incrementIterations();
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const [m, u] = slotLists(this, 'adamax', 2) as [Slot[], Slot[]];
    const slots = [...m, ...u].map((s) => ({ name: s.originalName, tensor: s.variable }));
    return [await this.saveIterations(), ...slots];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const values = await this.extractIterations(weightValues);
    const { beta1 } = this.getConfig() as { beta1: number };
    const [accBeta1, iteration] = stateVariables(this, 'adamax') as [tf.Variable, tf.Variable];
    tf.tidy(() => {
      accBeta1.assign(tf.pow(beta1, this.iterations + 1));
      iteration.assign(tf.scalar(this.iterations));
    });
    const [m, u] = slotLists(this, 'adamax', 2) as [Slot[], Slot[]];
    const half = values.length / 2;
    tf.dispose([...m, ...u].map((s) => s.variable));
    const toSlot = (v: NamedTensor): Slot => ({
      originalName: v.name,
      variable: v.tensor.variable(false),
    });
    m.splice(0, m.length, ...values.slice(0, half).map(toSlot));
    u.splice(0, u.length, ...values.slice(half).map(toSlot));
  }
}

type Slot = ReturnType<typeof slotLists>[number][number];
type NamedTensor = Awaited<ReturnType<tf.Optimizer['getWeights']>>[number];
