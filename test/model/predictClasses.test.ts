import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { buildDenseClassifier, evaluateClassifier, predictClasses, toCategorical } from '../../src';

describe('predictClasses', () => {
  it('needs no compiled model (a loaded model without training config predicts too)', async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({
          units: 3,
          inputShape: [2],
          activation: 'softmax',
          kernelInitializer: 'ones',
        }),
      ],
    });
    model.setWeights([
      tf.tensor2d([
        [1, 0, 0],
        [0, 2, 0],
      ]),
      tf.tensor1d([0, 0, 0.5]),
    ]);
    const x = tf.tensor2d([
      [5, 0],
      [0, 5],
      [0, 0],
    ]);
    const before = tf.memory().numTensors;
    const { classes, probabilities, numClasses } = await predictClasses(model, x, { batchSize: 2 });
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(classes)).toEqual([0, 1, 2]);
    expect(numClasses).toBe(3);
    expect(probabilities).toHaveLength(9);
    for (let r = 0; r < 3; r++)
      expect(probabilities.slice(r * 3, r * 3 + 3).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    const empty = tf.zeros([0, 2]);
    expect((await predictClasses(model, empty)).classes).toHaveLength(0);
    tf.dispose([x, empty]);
    model.dispose();
  });

  it('rejects inputs that do not fit the model', async () => {
    const model = buildDenseClassifier({ inputSize: 4, hiddenUnits: [2], numClasses: 2, seed: 1 });
    const wide = tf.zeros([1, 5]);
    const ints = tf.zeros([1, 4], 'int32');
    await expect(predictClasses(model, wide)).rejects.toThrow(
      /^predictClasses: x has 5 features but the model's input takes 4/,
    );
    await expect(predictClasses(model, ints)).rejects.toThrow(
      /^predictClasses: x has dtype int32; expected float32/,
    );
    await expect(predictClasses(model, [1, 2] as never)).rejects.toThrow(
      /^predictClasses: x is \[1, 2\] with no shape; expected rows \[N, features\]: pass \{ data, shape: \[N, features\] \} or a tensor$/,
    );
    const ok = tf.zeros([1, 4]);
    await expect(predictClasses(model, ok, { batchSize: 0 })).rejects.toThrow(
      /^predictClasses: batchSize is 0/,
    );
    tf.dispose([wide, ints, ok]);
    model.dispose();
  });
});

describe('evaluateClassifier', () => {
  it('needs a compiled model and data that fits it', async () => {
    const bare = tfl.sequential({
      layers: [tfl.layers.dense({ units: 2, inputShape: [4], activation: 'softmax' })],
    });
    const x = tf.ones([2, 4]);
    const y = toCategorical([0, 1], 2);
    await expect(evaluateClassifier(bare, { x, y })).rejects.toThrow(
      /^evaluateClassifier: model is not compiled/,
    );
    const model = buildDenseClassifier({ inputSize: 4, hiddenUnits: [2], numClasses: 2, seed: 1 });
    const scores = await evaluateClassifier(model, { x, y }, { batchSize: 1 });
    const all = await evaluateClassifier(model, { x, y });
    expect(scores.loss).toBeCloseTo(all.loss, 6);
    expect(scores.accuracy).toBe(all.accuracy);
    const y3 = toCategorical([0, 1, 2], 3);
    await expect(evaluateClassifier(model, { x, y: y3 })).rejects.toThrow(
      /^evaluateClassifier: data.x has 2 rows but data.y has 3/,
    );
    tf.dispose([x, y, y3]);
    bare.dispose();
    model.dispose();
  });
});
