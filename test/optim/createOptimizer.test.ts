import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createOptimizer, KERAS_OPTIMIZER_DEFAULTS, OPTIMIZER_NAMES } from '../../src';

describe('createOptimizer', () => {
  it("uses Keras' defaults, read back from the tfjs optimizers", () => {
    const config = (name: (typeof OPTIMIZER_NAMES)[number]) => {
      const opt = createOptimizer(name);
      const c = opt.getConfig();
      opt.dispose();
      return c;
    };
    expect(config('sgd')).toEqual({ learningRate: 0.01 });
    expect(config('momentum')).toMatchObject({
      learningRate: 0.01,
      momentum: 0.9,
      useNesterov: false,
    });
    expect(config('rmsprop')).toEqual({
      learningRate: 0.001,
      decay: 0.9,
      momentum: 0,
      epsilon: 1e-7,
      centered: false,
    });
    expect(config('adam')).toEqual({
      learningRate: 0.001,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
    });
    expect(config('adamax')).toMatchObject({
      learningRate: 0.001,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
    });
    expect(config('adagrad')).toEqual({ learningRate: 0.001, initialAccumulatorValue: 0.1 });
    expect(config('adadelta')).toEqual({ learningRate: 0.001, rho: 0.95, epsilon: 1e-7 });
    expect(KERAS_OPTIMIZER_DEFAULTS.rmsprop.learningRate).toBe(0.001);
  });

  it('takes another learning rate', () => {
    const opt = createOptimizer('adam', 0.05);
    expect(opt.getConfig().learningRate).toBe(0.05);
    opt.dispose();
  });

  it('leaves no tensor behind once used and disposed (tfjs 4.22 momentum leaks without the fix)', () => {
    for (const name of OPTIMIZER_NAMES) {
      const before = tf.memory().numTensors;
      const opt = createOptimizer(name);
      const v = tf.tidy(() => tf.variable(tf.zeros([2]), true, `createOptimizer_test_${name}`));
      const g = tf.ones([2]);
      opt.applyGradients({ [v.name]: g });
      tf.dispose([v, g]);
      opt.dispose();
      expect(tf.memory().numTensors, name).toBe(before);
    }
  });

  it('rejects unknown names and bad learning rates', () => {
    expect(() => createOptimizer('nadam' as never)).toThrow(
      /^createOptimizer: name is "nadam"; expected one of 'sgd', 'momentum'/,
    );
    expect(() => createOptimizer('sgd', -1)).toThrow(
      /^createOptimizer: learningRate is -1; expected a finite number > 0/,
    );
    expect(() => createOptimizer('sgd', NaN)).toThrow(/learningRate is NaN/);
  });
});

describe("createOptimizer('adadelta') follows Keras", () => {
  it("scales each step by the squared-gradient average after the step, as Keras (not tfjs 4.22's before)", () => {
    // Keras' Adadelta in float64: E[g²] first, then the update from it.
    const keras = (g: number[], lr: number, rho: number, eps: number): number[] => {
      let [accG, accU, w] = [0, 0, 1];
      const out: number[] = [];
      for (const gi of g) {
        accG = rho * accG + (1 - rho) * gi * gi;
        const update = (Math.sqrt(accU + eps) / Math.sqrt(accG + eps)) * gi;
        accU = rho * accU + (1 - rho) * update * update;
        w -= lr * update;
        out.push(w);
      }
      return out;
    };
    const grads = [0.8, -0.3, 0.5, 0.1, -0.9];
    const run = (opt: tf.Optimizer): number[] => {
      const w = tf.variable(tf.scalar(1), true);
      const path: number[] = [];
      for (const g of grads) {
        const grad = tf.scalar(g);
        opt.applyGradients({ [w.name]: grad });
        grad.dispose();
        path.push(w.dataSync()[0]!);
      }
      w.dispose();
      opt.dispose();
      return path;
    };
    const ours = run(createOptimizer('adadelta', 1));
    const expected = keras(grads, 1, 0.95, 1e-7);
    ours.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-6));
    // tfjs' own: its first step is the raw gradient (w = 1 - 0.8), far from Keras' (about 1e-3).
    const tfjs = run(tf.train.adadelta(1, 0.95, 1e-7));
    expect(tfjs[0]).toBeCloseTo(0.2, 5);
    expect(Math.abs(1 - expected[0]!)).toBeLessThan(0.01);
  });
});
