import { updateRule, type UpdateRule } from '../rules/optimizers';
import { runProgram } from '../rules/program';
import type { OptimizerHyperparameters, OptimizerName } from './createOptimizer';
import { specOfName } from './optimizerSpec';

/**
 * The named optimizers for a handful of float32 parameters, in plain JavaScript: each step
 * runs the optimizer's update rule (src/rules/optimizers.ts), the same program the dense engine
 * and the fused tfjs kernels run, rounding to float32 after every operation, so that a fit on a
 * few scalars gives what the tfjs optimizer that {@link createOptimizer} builds gives, without
 * tens of kernel launches per step. (Tests compare the two.)
 */
export class ScalarOptimizer {
  private readonly rule: UpdateRule;
  private readonly slots: Float32Array[];
  private readonly grads: Float32Array;
  private state: number[];

  constructor(name: OptimizerName, h: OptimizerHyperparameters, size: number) {
    this.rule = updateRule(specOfName(name, h));
    this.slots = this.rule.slots.map((s) => new Float32Array(size).fill(s.initial));
    this.grads = new Float32Array(size);
    this.state = [...this.rule.state];
  }

  /** Updates `params` in place (float32) from `grads` (rounded to float32). */
  step(params: Float32Array, grads: ArrayLike<number>): void {
    this.grads.set(grads);
    const { rule, slots } = this;
    // Each program reads an element's value and slots before it writes them: in place is safe.
    runProgram(
      rule.program,
      [params, this.grads, ...slots, params, ...slots],
      params.length,
      rule.scalars(this.state),
    );
    this.state = rule.advance(this.state);
  }
}
