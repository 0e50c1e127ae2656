import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { FastAdagradOptimizer } from '../../src/optim/FastAdagradOptimizer';
import { FastAdamOptimizer } from '../../src/optim/FastAdamOptimizer';
import { FastRMSPropOptimizer } from '../../src/optim/FastRMSPropOptimizer';
import { toFusedOptimizer } from '../../src/optim/toFusedOptimizer';
import { bits, twin } from './twins';

describe('toFusedOptimizer', () => {
  // (tfjs' Optimizer answers instanceof for any optimizer: the classes are compared.)
  const cases = [
    ['RMSprop', () => tf.train.rmsprop(0.01, 0.9, 0, 1e-7), FastRMSPropOptimizer],
    [
      'centered RMSprop',
      () => new FastRMSPropOptimizer(0.01, 0.8, 0.3, 1e-6, true),
      FastRMSPropOptimizer,
    ],
    ['Adam', () => tf.train.adam(0.01, 0.9, 0.999, 1e-7), FastAdamOptimizer],
    ['Adagrad', () => tf.train.adagrad(0.01), FastAdagradOptimizer],
  ] as const;
  for (const [name, make, fused] of cases) {
    it(`takes over a tfjs ${name}: same config, state and step count, the original disposed`, async () => {
      const before = tf.memory().numTensors;
      const original = make();
      const reference = make();
      const { mine, theirs } = twin(original, reference, 3);
      const config = original.getConfig();
      // a tfjs optimizer of the same class and state (centered: denselab's already, kept)
      const fast = await toFusedOptimizer(original);
      expect(fast.constructor).toBe(fused);
      expect(fast.getConfig()).toEqual(config);
      expect(fast.iterations).toBe(3);
      // Training goes on exactly as the uninterrupted tfjs optimizer.
      const g = mine.map((v) => tf.onesLike(v));
      fast.applyGradients(mine.map((v, i) => ({ name: v.name, tensor: g[i]! })));
      reference.applyGradients(theirs.map((v, i) => ({ name: v.name, tensor: g[i]! })));
      mine.forEach((v, i) => expect(bits(v)).toEqual(bits(theirs[i]!)));
      tf.dispose([...mine, ...theirs, ...g]);
      fast.dispose();
      reference.dispose();
      expect(tf.memory().numTensors).toBe(before); // the original's slots went with it
    });
  }

  it("takes over a tfjs centered RMSprop's three slot lists", async () => {
    const before = tf.memory().numTensors;
    const original = tf.train.rmsprop(0.01, 0.8, 0.3, 1e-6, true);
    const reference = tf.train.rmsprop(0.01, 0.8, 0.3, 1e-6, true);
    const { mine, theirs } = twin(original, reference, 2);
    const state = await original.getWeights();
    const saved = state.map((w) => ({ name: w.name, bits: bits(w.tensor) }));
    state[0]!.tensor.dispose();
    const fast = await toFusedOptimizer(original);
    expect(fast.constructor).toBe(FastRMSPropOptimizer);
    const now = await fast.getWeights();
    expect(now.map((w) => w.name)).toEqual(saved.map((w) => w.name));
    expect(now.slice(1).map((w) => bits(w.tensor))).toEqual(saved.slice(1).map((w) => w.bits));
    expect(now.filter((w) => w.name.endsWith('/mg')).length).toBe(mine.length);
    tf.dispose([...mine, ...theirs, now[0]!.tensor]);
    fast.dispose();
    reference.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaves other optimizers and fused ones as they are', async () => {
    const sgd = tf.train.sgd(0.1);
    expect(await toFusedOptimizer(sgd)).toBe(sgd);
    const fused = new FastAdamOptimizer(0.01, 0.9, 0.999);
    expect(await toFusedOptimizer(fused)).toBe(fused);
    fused.dispose();
  });
});
