// predictClasses and evaluateClassifier run their forward passes on the dense engine for plain
// Dense stacks with enough rows: the same outputs as tfjs' own forward pass (to float32
// rounding of the sums), the same scores, nothing leaked, and small inputs left to tfjs.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDenseClassifier, evaluateClassifier, predictClasses, toCategorical } from '../../src';
import { predictOnEngine, scoreOnEngine } from '../../src/model/engineInference';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

function data(rows: number, features: number, classes: number) {
  const x = tf.randomUniform([rows, features], 0, 1, 'float32', 7);
  const labels = Array.from({ length: rows }, (_, i) => (i * 5) % classes);
  return { x, labels };
}

describe('inference on the dense engine', () => {
  it('gives tfjs forward pass outputs within 1e-5, and its classes', async () => {
    const model = buildDenseClassifier({
      inputSize: 300,
      hiddenUnits: [200, 150],
      numClasses: 7,
      seed: 2,
    });
    const { x } = data(600, 300, 7);
    const before = tf.memory().numTensors;
    const engine = await predictOnEngine(model, x);
    expect(engine).toBeInstanceOf(Float32Array);
    const reference = tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync());
    engine!.forEach((v, i) => expect(Math.abs(v - reference[i]!)).toBeLessThan(1e-5));
    const { classes, numClasses } = await predictClasses(model, x);
    expect(numClasses).toBe(7);
    const want = tf.tidy(() => tf.argMax(model.predict(x) as tf.Tensor, 1).dataSync());
    expect(Array.from(classes)).toEqual(Array.from(want));
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    model.dispose();
  });

  it.each([
    ['categoricalCrossentropy', 'softmax'],
    ['sparseCategoricalCrossentropy', 'softmax'],
    ['meanSquaredError', 'sigmoid'],
  ])('scores %s as tfjs does (loss within 1e-5 relative, the same accuracy)', async (loss, out) => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({
          inputShape: [300],
          units: 160,
          activation: 'tanh',
          kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
        }),
        tfl.layers.dense({
          units: 6,
          activation: out as 'softmax',
          kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
        }),
      ],
    });
    model.compile({ loss, optimizer: 'sgd', metrics: ['accuracy'] });
    const { x, labels } = data(900, 300, 6);
    const y = loss.startsWith('sparse') ? tf.tensor1d(labels, 'float32') : toCategorical(labels, 6);
    const kind = loss.startsWith('sparse')
      ? 'sparse'
      : loss.startsWith('mean')
        ? 'mse'
        : 'categorical';
    const engine = await scoreOnEngine(model, kind, x, y);
    expect(engine).toBeDefined();
    const [l, a] = model.evaluate(x, y, { batchSize: 900 }) as tf.Scalar[];
    const [refLoss, refAccuracy] = [l!.dataSync()[0]!, a!.dataSync()[0]!];
    tf.dispose([l!, a!]);
    expect(Math.abs(engine!.loss - refLoss) / refLoss).toBeLessThan(1e-5);
    if (kind !== 'mse') expect(engine!.accuracy).toBeCloseTo(refAccuracy, 6);
    const scores = await evaluateClassifier(model, { x, y });
    expect(scores).toEqual(engine);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('leaves small inputs, other backends and other models to tfjs', async () => {
    const model = buildDenseClassifier({
      inputSize: 300,
      hiddenUnits: [200],
      numClasses: 7,
      seed: 2,
    });
    const small = data(10, 300, 7).x;
    expect(await predictOnEngine(model, small)).toBeUndefined();
    const { x } = data(600, 300, 7);
    const conv = tfl.sequential({
      layers: [
        tfl.layers.dense({ inputShape: [300], units: 200 }),
        tfl.layers.dropout({ rate: 0.5 }),
        tfl.layers.dense({ units: 7 }),
      ],
    });
    expect(await predictOnEngine(conv, x)).toBeUndefined();
    await tf.setBackend('cpu');
    const onCpu = tf.tensor(await x.data(), x.shape);
    expect(await predictOnEngine(model, onCpu)).toBeInstanceOf(Float32Array);
    tf.dispose([onCpu]);
    await tf.setBackend('wasm');
    tf.dispose([small, x]);
    model.dispose();
    conv.dispose();
  });
});
