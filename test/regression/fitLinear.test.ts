import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { fitLinear, NonFiniteLossError, OPTIMIZER_NAMES, polyfitBaseline } from '../../src';

const x = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const y = [10, 20, 25, 30, 40, 45, 40, 50, 60, 55];
const POLYFIT_LOSS = 14.87878787878788; // numpy.polyfit(x, y, 1), the best any line does

describe('fitLinear: the notes experiments', () => {
  it('experiment 2 (SGD, lr 0.01, 500 epochs) ends with loss in [14.88, 15.3]', async () => {
    const fit = await fitLinear(x, y, { seed: 42 });
    expect(fit.optimizer).toBe('sgd');
    expect(fit.engine).toBe('js');
    expect(fit.history.loss).toHaveLength(500);
    expect(fit.loss).toBeGreaterThanOrEqual(14.88);
    expect(fit.loss).toBeLessThanOrEqual(15.3);
    // Measured with tfjs 4.22 (design.md): m 5.244, b 13.68, loss 15.05
    expect(fit.m).toBeCloseTo(5.24, 1);
    expect(fit.b).toBeCloseTo(13.7, 0);
    // Keras' history: the first loss is the starting line's.
    const m0 = fit.initial.m;
    const startLoss = y.reduce((s, yi, i) => s + (x[i]! * m0 - yi) ** 2, 0) / x.length;
    expect(fit.history.loss[0]).toBeCloseTo(startLoss, 2);
  });

  it('ends in the same range from any Keras start (slope in [-√3, √3])', async () => {
    for (const initialM of [-Math.sqrt(3), 0, Math.sqrt(3)]) {
      const fit = await fitLinear(x, y, { initial: { m: initialM } });
      expect(fit.loss).toBeGreaterThanOrEqual(14.88);
      expect(fit.loss).toBeLessThanOrEqual(15.3);
    }
  });

  it('experiment 3 (RMSprop, lr 0.001, 10,000 epochs) ends with loss in [20, 25]', async () => {
    const fit = await fitLinear(x, y, { optimizer: 'rmsprop', epochs: 10_000, seed: 42 });
    expect(fit.loss).toBeGreaterThanOrEqual(20);
    expect(fit.loss).toBeLessThanOrEqual(25);
    expect(fit.history.loss).toHaveLength(10_000);
  });

  it('never beats the least-squares line', async () => {
    for (const optimizer of OPTIMIZER_NAMES) {
      const fit = await fitLinear(x, y, { optimizer, epochs: 3000, seed: 7 });
      expect(fit.loss).toBeGreaterThanOrEqual(POLYFIT_LOSS - 1e-6);
      for (const l of fit.history.loss) expect(l).toBeGreaterThanOrEqual(POLYFIT_LOSS - 1e-4);
    }
    expect(polyfitBaseline(x, y).loss).toBeCloseTo(POLYFIT_LOSS, 12);
  });

  it('repeats bit for bit with the same seed, and differs with another', async () => {
    const a = await fitLinear(x, y, { seed: 3, optimizer: 'adam', epochs: 200 });
    const b = await fitLinear(x, y, { seed: 3, optimizer: 'adam', epochs: 200 });
    const c = await fitLinear(x, y, { seed: 4, optimizer: 'adam', epochs: 200 });
    expect(b.history.loss).toEqual(a.history.loss);
    expect([b.m, b.b]).toEqual([a.m, a.b]);
    expect(c.initial.m).not.toBe(a.initial.m);
    expect(Math.abs(a.initial.m)).toBeLessThanOrEqual(Math.sqrt(3));
    expect(a.initial.b).toBe(0);
  });

  it('predicts with the fitted line', async () => {
    const fit = await fitLinear(x, y, { seed: 1, epochs: 50 });
    expect(fit.predict(2)).toBeCloseTo(fit.m * 2 + fit.b, 12);
    expect(fit.predict([0, 1])).toEqual([fit.b, fit.m + fit.b]);
  });
});

describe('fitLinear: the JavaScript arithmetic matches the tfjs optimizers', () => {
  // Same start, same data: each named optimizer's JS update against tfjs' own optimizer on the
  // cpu backend. Float32 rounding of reductions may differ in the last bits; over 300 epochs
  // the weights agree to 1e-5 relative.
  for (const optimizer of OPTIMIZER_NAMES) {
    it(optimizer, async () => {
      const opts = { optimizer, epochs: 300, initial: { m: 0.37 }, learningRate: undefined };
      const before = tf.memory().numTensors;
      const js = await fitLinear(x, y, opts);
      const viaTfjs = await fitLinear(x, y, { ...opts, engine: 'tfjs' });
      expect(tf.memory().numTensors).toBe(before);
      expect(js.engine).toBe('js');
      expect(viaTfjs.engine).toBe('tfjs');
      expect(js.m).toBeCloseTo(viaTfjs.m, 4);
      expect(js.b).toBeCloseTo(viaTfjs.b, 4);
      expect(Math.abs(js.loss - viaTfjs.loss) / viaTfjs.loss).toBeLessThan(1e-5);
      js.history.loss.forEach((l, i) => {
        expect(Math.abs(l - viaTfjs.history.loss[i]!) / l).toBeLessThan(1e-4);
      });
    });
  }

  it('takes any tf.Optimizer, leaving it to the caller', async () => {
    const sgd = tf.train.sgd(0.01);
    const before = tf.memory().numTensors;
    const custom = await fitLinear(x, y, { optimizer: sgd, initial: { m: 0.5 } });
    const named = await fitLinear(x, y, { initial: { m: 0.5 } });
    expect(custom.optimizer).toBe('custom');
    expect(custom.engine).toBe('tfjs');
    expect(custom.m).toBeCloseTo(named.m, 4);
    // The optimizer keeps its own state (none for SGD) and is still usable.
    expect(tf.memory().numTensors).toBe(before);
    sgd.dispose();
  });
});

describe('fitLinear: errors', () => {
  it("names tfjs' centered RMSprop when it turns a zero gradient into NaN", async () => {
    const optimizer = tf.train.rmsprop(0.01, 0.9, 0, 1e-7, true);
    const before = tf.memory().numTensors;
    // x all 0: the slope's gradient is 0 at every step.
    const err = await fitLinear([0, 0, 0], [1, 2, 3], { optimizer, epochs: 5 }).catch(
      (e: unknown) => e,
    );
    expect((err as Error).constructor.name).toBe('NonFiniteLossError');
    expect((err as Error).message).toMatch(/centered RMSprop .* use centered: false$/);
    optimizer.dispose(); // and with it the slots it made
    expect(tf.memory().numTensors).toBe(before);
  });

  it("passes on a custom optimizer's error and leaves no tensor behind", async () => {
    class Failing extends tf.SGDOptimizer {
      steps = 0;
      override applyGradients(grads: Parameters<tf.SGDOptimizer['applyGradients']>[0]): void {
        if (++this.steps === 3) throw new Error('out of ideas');
        super.applyGradients(grads);
      }
    }
    const optimizer = new Failing(0.01);
    const before = tf.memory().numTensors;
    await expect(fitLinear(x, y, { optimizer, epochs: 10 })).rejects.toThrow('out of ideas');
    expect(optimizer.steps).toBe(3);
    expect(tf.memory().numTensors).toBe(before);
    optimizer.dispose();
  });

  it('stops on divergence, naming the epoch and suggesting a smaller rate', async () => {
    const err = await fitLinear(x, y, { learningRate: 0.5, epochs: 1000, seed: 1 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(NonFiniteLossError);
    const e = err as NonFiniteLossError;
    expect(e.message).toMatch(
      /^fitLinear: the loss became (NaN|Infinity) at epoch \d+; .*smaller learningRate/,
    );
    expect(e.epoch).toBeGreaterThan(1);
    expect(e.history.loss).toHaveLength(e.epoch - 1);
    expect(e.history.loss.every(Number.isFinite)).toBe(true);
    const before = tf.memory().numTensors;
    const viaTfjs = await fitLinear(x, y, {
      learningRate: 0.5,
      epochs: 1000,
      seed: 1,
      engine: 'tfjs',
    }).catch((e2: unknown) => e2);
    expect(viaTfjs).toBeInstanceOf(NonFiniteLossError);
    expect((viaTfjs as NonFiniteLossError).epoch).toBe(e.epoch);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad data before training', async () => {
    await expect(fitLinear([1, 2, 3], [1, 2])).rejects.toThrow(
      /^fitLinear: x has 3 values but y has 2; expected the same length/,
    );
    await expect(fitLinear([1], [1])).rejects.toThrow(
      /^fitLinear: got 1 point\(s\); expected at least 2/,
    );
    await expect(fitLinear([1, NaN], [1, 2])).rejects.toThrow(
      /^fitLinear: x\[1\] is NaN; expected finite numbers/,
    );
    await expect(fitLinear([1, 2], [1, Infinity])).rejects.toThrow(
      /^fitLinear: y\[1\] is Infinity/,
    );
    await expect(fitLinear('12' as never, [1, 2])).rejects.toThrow(TypeError);
  });

  it('rejects bad options before training', async () => {
    await expect(fitLinear(x, y, { optimizer: 'nadam' as never })).rejects.toThrow(
      /^fitLinear: optimizer is "nadam"; expected a tf.Optimizer or one of 'sgd', 'momentum'/,
    );
    await expect(fitLinear(x, y, { learningRate: 0 })).rejects.toThrow(
      /^fitLinear: learningRate is 0; expected a finite number > 0/,
    );
    await expect(fitLinear(x, y, { epochs: 0 })).rejects.toThrow(
      /^fitLinear: epochs is 0; expected an integer >= 1/,
    );
    await expect(fitLinear(x, y, { epochs: 2.5 })).rejects.toThrow(/epochs is 2.5/);
    await expect(fitLinear(x, y, { seed: NaN })).rejects.toThrow(/^fitLinear: seed is NaN/);
    await expect(fitLinear(x, y, { initial: { m: Infinity } })).rejects.toThrow(
      /^fitLinear: initial.m is Infinity/,
    );
    await expect(fitLinear(x, y, { engine: 'gpu' as never })).rejects.toThrow(
      /^fitLinear: engine is "gpu"/,
    );
    const sgd = tf.train.sgd(0.1);
    await expect(fitLinear(x, y, { optimizer: sgd, learningRate: 0.1 })).rejects.toThrow(
      /learningRate applies to a named optimizer/,
    );
    sgd.dispose();
  });

  it('reads tensors and typed arrays without leaking', async () => {
    const xt = tf.tensor1d(x);
    const before = tf.memory().numTensors;
    const fit = await fitLinear(xt, Float64Array.from(y), { seed: 42 });
    expect(tf.memory().numTensors).toBe(before);
    const ref = await fitLinear(x, y, { seed: 42 });
    expect(fit.m).toBe(ref.m);
    xt.dispose();
  });
});
