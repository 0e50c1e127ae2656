import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { FastAdamOptimizer } from '../../src/optim/FastAdamOptimizer';
import { FastRMSPropOptimizer } from '../../src/optim/FastRMSPropOptimizer';
import { toFusedOptimizer } from '../../src/optim/toFusedOptimizer';
import { bits, twin } from './twins';

describe('toFusedOptimizer', () => {
  const cases = [
    ['RMSprop', () => tf.train.rmsprop(0.01, 0.9, 0, 1e-7), FastRMSPropOptimizer],
    ['centered RMSprop', () => tf.train.rmsprop(0.01, 0.8, 0.3, 1e-6, true), FastRMSPropOptimizer],
    ['Adam', () => tf.train.adam(0.01, 0.9, 0.999, 1e-7), FastAdamOptimizer],
  ] as const;
  for (const [name, make, fused] of cases) {
    it(`takes over a tfjs ${name}: same config, state and step count, the original disposed`, async () => {
      const before = tf.memory().numTensors;
      const original = make();
      const reference = make();
      const { mine, theirs } = twin(original, reference, 3);
      const config = original.getConfig();
      const fast = await toFusedOptimizer(original);
      expect(fast).toBeInstanceOf(fused);
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

  it('leaves other optimizers and fused ones as they are', async () => {
    const sgd = tf.train.sgd(0.1);
    expect(await toFusedOptimizer(sgd)).toBe(sgd);
    const fused = new FastAdamOptimizer(0.01, 0.9, 0.999);
    expect(await toFusedOptimizer(fused)).toBe(fused);
    fused.dispose();
  });
});
