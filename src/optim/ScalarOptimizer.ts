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
    const { learningRate: lr, rho, beta1, beta2, epsilon, momentum } = this.h;
    const { s1, s2 } = this;
    for (let i = 0; i < params.length; i++) {
      const g = f(grads[i] as number);
      const p = params[i] as number;
      switch (this.name) {
        case 'sgd':
          params[i] = f(p - f(lr * g));
          break;
        case 'momentum': {
          const acc = f(f(momentum * (s1[i] as number)) + g);
          s1[i] = acc;
          params[i] = f(f(-lr * acc) + p);
          break;
        }
        case 'rmsprop': {
          const ms = f(f((s1[i] as number) * rho) + f(f(g * g) * f(1 - rho)));
          s1[i] = ms;
          const mom = f(f((s2[i] as number) * 0) + f(f(g * lr) / f(Math.sqrt(f(ms + epsilon)))));
          s2[i] = mom;
          params[i] = f(p - mom);
          break;
        }
        case 'adam': {
          const m = f(f((s1[i] as number) * beta1) + f(g * f(1 - beta1)));
          const v = f(f((s2[i] as number) * beta2) + f(f(g * g) * f(1 - beta2)));
          s1[i] = m;
          s2[i] = v;
          const mHat = f(m / f(1 - this.accBeta1));
          const vHat = f(v / f(1 - this.accBeta2));
          params[i] = f(f(f(mHat / f(f(Math.sqrt(vHat)) + epsilon)) * -lr) + p);
          break;
        }
        case 'adamax': {
          const m = f(f((s1[i] as number) * beta1) + f(g * f(1 - beta1)));
          const u = Math.max(f((s2[i] as number) * beta2), Math.abs(g));
          s1[i] = m;
          s2[i] = u;
          const step = f(f(-lr / f(1 - this.accBeta1)) * f(m / f(u + epsilon)));
          params[i] = f(step + p);
          break;
        }
        case 'adagrad': {
          const acc = f((s1[i] as number) + f(g * g));
          s1[i] = acc;
          params[i] = f(f(f(g / f(Math.sqrt(f(acc + epsilon)))) * -lr) + p);
          break;
        }
        case 'adadelta': {
          // As Keras: the update uses the accumulated gradient after this step.
          const accG = s1[i] as number;
          const accU = s2[i] as number;
          const newAccG = f(f(accG * rho) + f(f(g * g) * f(1 - rho)));
          const update = f(
            f(f(Math.sqrt(f(accU + epsilon))) / f(Math.sqrt(f(newAccG + epsilon)))) * g,
          );
          s1[i] = newAccG;
          s2[i] = f(f(accU * rho) + f(f(update * update) * f(1 - rho)));
          params[i] = f(f(update * -lr) + p);
          break;
        }
      }
    }
    if (this.name === 'adam' || this.name === 'adamax') {
      this.accBeta1 = f(this.accBeta1 * beta1);
      this.accBeta2 = f(this.accBeta2 * beta2);
    }
  }
}
