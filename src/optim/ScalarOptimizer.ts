import type { OptimizerHyperparameters, OptimizerName } from './createOptimizer';

const f = Math.fround;

/**
 * The named optimizers' update rules for a handful of float32 parameters, in plain
 * JavaScript. Each rule follows the tfjs optimizer that {@link createOptimizer} builds,
 * operation by operation, rounding to float32 where tfjs stores a tensor, so that a fit on a
 * few scalars gives what the tfjs optimizer gives, without tens of kernel launches per step.
 * (Tests compare the two.)
 */
export class ScalarOptimizer {
  private readonly h: Required<OptimizerHyperparameters>;
  private readonly name: OptimizerName;
  private readonly s1: Float32Array;
  private readonly s2: Float32Array;
  private accBeta1: number;
  private accBeta2: number;

  constructor(name: OptimizerName, h: OptimizerHyperparameters, size: number) {
    this.name = name;
    this.h = {
      momentum: 0,
      rho: 0.9,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
      initialAccumulatorValue: 0.1,
      ...h,
    };
    this.s1 = new Float32Array(size);
    this.s2 = new Float32Array(size);
    if (name === 'adagrad') this.s1.fill(this.h.initialAccumulatorValue);
    this.accBeta1 = f(this.h.beta1);
    this.accBeta2 = f(this.h.beta2);
  }

  /** Updates `params` in place (float32) from `grads`. */
  step(params: Float32Array, grads: ArrayLike<number>): void {
    const rule = RULES[this.name];
    const { h, s1, s2, accBeta1, accBeta2 } = this;
    const state: State = { h, s1, s2, accBeta1, accBeta2 };
    for (let i = 0; i < params.length; i++) {
      params[i] = rule(state, i, f(grads[i] as number), params[i] as number);
    }
    if (this.name === 'adam' || this.name === 'adamax') {
      this.accBeta1 = f(this.accBeta1 * this.h.beta1);
      this.accBeta2 = f(this.accBeta2 * this.h.beta2);
    }
  }
}

/** What a rule reads and updates: the hyperparameters, the two slots, Adam's beta powers. */
interface State {
  readonly h: Required<OptimizerHyperparameters>;
  readonly s1: Float32Array;
  readonly s2: Float32Array;
  readonly accBeta1: number;
  readonly accBeta2: number;
}

/** One parameter's update: its new value from gradient g and value p, slots updated. */
type Rule = (o: State, i: number, g: number, p: number) => number;

const RULES: Record<OptimizerName, Rule> = {
  sgd: ({ h }, _i, g, p) => f(p - f(h.learningRate * g)),
  momentum: ({ h, s1 }, i, g, p) => {
    const acc = f(f(h.momentum * (s1[i] as number)) + g);
    s1[i] = acc;
    return f(f(-h.learningRate * acc) + p);
  },
  rmsprop: ({ h, s1, s2 }, i, g, p) => {
    const ms = f(f((s1[i] as number) * h.rho) + f(f(g * g) * f(1 - h.rho)));
    s1[i] = ms;
    const step = f(f(g * h.learningRate) / f(Math.sqrt(f(ms + h.epsilon))));
    const mom = f(f((s2[i] as number) * 0) + step);
    s2[i] = mom;
    return f(p - mom);
  },
  adam: ({ h, s1, s2, accBeta1, accBeta2 }, i, g, p) => {
    const m = f(f((s1[i] as number) * h.beta1) + f(g * f(1 - h.beta1)));
    const v = f(f((s2[i] as number) * h.beta2) + f(f(g * g) * f(1 - h.beta2)));
    s1[i] = m;
    s2[i] = v;
    const mHat = f(m / f(1 - accBeta1));
    const vHat = f(v / f(1 - accBeta2));
    return f(f(f(mHat / f(f(Math.sqrt(vHat)) + h.epsilon)) * -h.learningRate) + p);
  },
  adamax: ({ h, s1, s2, accBeta1 }, i, g, p) => {
    const m = f(f((s1[i] as number) * h.beta1) + f(g * f(1 - h.beta1)));
    const u = Math.max(f((s2[i] as number) * h.beta2), Math.abs(g));
    s1[i] = m;
    s2[i] = u;
    return f(f(f(-h.learningRate / f(1 - accBeta1)) * f(m / f(u + h.epsilon))) + p);
  },
  adagrad: ({ h, s1 }, i, g, p) => {
    const acc = f((s1[i] as number) + f(g * g));
    s1[i] = acc;
    return f(f(f(g / f(Math.sqrt(f(acc + h.epsilon)))) * -h.learningRate) + p);
  },
  adadelta: ({ h, s1, s2 }, i, g, p) => {
    // As Keras: the update uses the accumulated gradient after this step.
    const accG = s1[i] as number;
    const accU = s2[i] as number;
    const newAccG = f(f(accG * h.rho) + f(f(g * g) * f(1 - h.rho)));
    const ratio = f(f(Math.sqrt(f(accU + h.epsilon))) / f(Math.sqrt(f(newAccG + h.epsilon))));
    const update = f(ratio * g);
    s1[i] = newAccG;
    s2[i] = f(f(accU * h.rho) + f(f(update * update) * f(1 - h.rho)));
    return f(f(update * -h.learningRate) + p);
  },
};
