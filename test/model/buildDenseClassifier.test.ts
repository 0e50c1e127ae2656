import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { buildDenseClassifier } from '../../src';
import { expectThrowsClean } from '../helpers';

describe('buildDenseClassifier', () => {
  it("builds the notes' model: 784 -> 512 relu -> 512 relu -> 10 softmax, 669,706 parameters", () => {
    const model = buildDenseClassifier({ seed: 1 });
    expect(model.countParams()).toBe(669_706);
    expect(model.layers.map((l) => l.outputShape)).toEqual([
      [null, 512],
      [null, 512],
      [null, 10],
    ]);
    expect(model.inputs[0]!.shape).toEqual([null, 784]);
    const configs = model.layers.map((l) => l.getConfig());
    expect(configs.map((c) => c.activation)).toEqual(['relu', 'relu', 'softmax']);
    expect(model.getWeights().map((w) => w.shape)).toEqual([
      [784, 512],
      [512],
      [512, 512],
      [512],
      [512, 10],
      [10],
    ]);
    model.dispose();
  });

  it("uses Keras' defaults: glorot-uniform kernels, zero biases, cross-entropy, accuracy, RMSprop", () => {
    const model = buildDenseClassifier({ seed: 2 });
    for (const layer of model.layers) {
      const c = layer.getConfig() as {
        kernelInitializer: { className: string; config: object };
        biasInitializer: { className: string };
      };
      // tfjs serializes glorotUniform as the variance scaling it is.
      expect(c.kernelInitializer.className).toBe('VarianceScaling');
      expect(c.kernelInitializer.config).toMatchObject({
        scale: 1,
        mode: 'fanAvg',
        distribution: 'uniform',
      });
      expect(c.biasInitializer.className).toBe('Zeros');
    }
    const weights = model.getWeights();
    // glorot uniform: |w| <= sqrt(6 / (fanIn + fanOut)); biases start at 0
    const limits = [
      Math.sqrt(6 / (784 + 512)),
      Math.sqrt(6 / (512 + 512)),
      Math.sqrt(6 / (512 + 10)),
    ];
    limits.forEach((limit, i) => {
      const k = Array.from(weights[2 * i]!.dataSync());
      const maxAbs = k.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(maxAbs).toBeLessThanOrEqual(limit * (1 + 1e-6)); // float32 rounding
      expect(maxAbs).toBeGreaterThan(limit * 0.99); // uniform over the whole range, not normal
      expect(Array.from(weights[2 * i + 1]!.dataSync()).every((v) => v === 0)).toBe(true);
    });
    expect(model.loss).toBe('categoricalCrossentropy');
    expect(model.metricsNames).toEqual(['loss', 'acc']);
    expect(model.optimizer.getClassName()).toBe('RMSProp');
    expect(model.optimizer.getConfig()).toEqual({
      learningRate: 0.001,
      decay: 0.9,
      momentum: 0,
      epsilon: 1e-7,
      centered: false,
    });
    model.dispose();
  });

  it('repeats its weights for a seed; other seeds and same-shaped layers differ', () => {
    const a = buildDenseClassifier({
      seed: 5,
      inputSize: 16,
      hiddenUnits: [16, 16],
      numClasses: 3,
    });
    const b = buildDenseClassifier({
      seed: 5,
      inputSize: 16,
      hiddenUnits: [16, 16],
      numClasses: 3,
    });
    const c = buildDenseClassifier({
      seed: 6,
      inputSize: 16,
      hiddenUnits: [16, 16],
      numClasses: 3,
    });
    const wa = a.getWeights().map((w) => Array.from(w.dataSync()));
    expect(b.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(wa);
    expect(Array.from(c.getWeights()[0]!.dataSync())).not.toEqual(wa[0]);
    expect(wa[2]).not.toEqual(wa[0]); // the two 16x16 kernels
    a.dispose();
    b.dispose();
    c.dispose();
  });

  it('takes sizes, activation, classes, a named optimizer with a learning rate, or a tf.Optimizer', () => {
    const model = buildDenseClassifier({
      inputSize: 20,
      hiddenUnits: [7],
      activation: 'tanh',
      numClasses: 4,
      optimizer: 'adam',
      learningRate: 0.01,
    });
    expect(model.countParams()).toBe(20 * 7 + 7 + 7 * 4 + 4);
    expect(model.layers[0]!.getConfig().activation).toBe('tanh');
    expect(model.optimizer.getConfig()).toMatchObject({
      learningRate: 0.01,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
    });
    model.dispose();
    const sgd = tf.train.sgd(0.1);
    const custom = buildDenseClassifier({
      inputSize: 3,
      hiddenUnits: [],
      numClasses: 2,
      optimizer: sgd,
    });
    expect(custom.optimizer).toBe(sgd);
    expect(custom.countParams()).toBe(3 * 2 + 2);
    custom.dispose();
    // A caller's optimizer stays usable after the model is disposed.
    expect(sgd.getConfig()).toEqual({ learningRate: 0.1 });
    sgd.dispose();
  });

  it('leaves no tensor behind once disposed, optimizer state included', async () => {
    const before = tf.memory().numTensors;
    const model = buildDenseClassifier({ inputSize: 4, hiddenUnits: [3], numClasses: 2, seed: 1 });
    const x = tf.ones([2, 4]);
    const y = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    await model.trainOnBatch(x, y); // creates RMSprop's slot variables
    tf.dispose([x, y]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad options before making any tensor', () => {
    const cases: [object, RegExp][] = [
      [
        { inputSize: 0 },
        /^buildDenseClassifier: inputSize is 0; expected an integer in \[1, 65536\]/,
      ],
      [
        { hiddenUnits: [512, 1.5] },
        /^buildDenseClassifier: hiddenUnits\[1\] is 1.5; expected an integer in \[1, 65536\]/,
      ],
      [{ hiddenUnits: [0] }, /hiddenUnits\[0\] is 0/],
      [
        { numClasses: 1 },
        /^buildDenseClassifier: numClasses is 1; expected an integer in \[2, 65536\]/,
      ],
      [
        { activation: 'swish' },
        /^buildDenseClassifier: activation is "swish"; expected one of 'relu'/,
      ],
      [
        { optimizer: 'lbfgs' },
        /^buildDenseClassifier: optimizer is "lbfgs"; expected a tf.Optimizer or one of/,
      ],
      [{ learningRate: -0.1 }, /^buildDenseClassifier: learningRate is -0.1/],
      [{ seed: NaN }, /^buildDenseClassifier: seed is NaN/],
    ];
    for (const [options, pattern] of cases) {
      expectThrowsClean(() => buildDenseClassifier(options), pattern, RangeError);
    }
    const typeCases: [object, RegExp][] = [
      [{ hiddenUnits: 512 }, /^buildDenseClassifier: hiddenUnits is 512; expected an array/],
      [{ inputSize: '784' }, /^buildDenseClassifier: inputSize is "784"; expected an integer/],
      [
        { hidenUnits: [8] },
        /^buildDenseClassifier: unknown option "hidenUnits"; did you mean "hiddenUnits"\?/,
      ],
      [
        { optimizer: 3 },
        /^buildDenseClassifier: optimizer is 3; expected a tf.Optimizer or one of/,
      ],
    ];
    for (const [options, pattern] of typeCases) {
      expectThrowsClean(() => buildDenseClassifier(options), pattern, TypeError);
    }
    expectThrowsClean(
      () => buildDenseClassifier({ hiddenUnits: [4, 2 ** 31] }),
      /^buildDenseClassifier: hiddenUnits\[1\] is 2147483648; expected an integer in \[1, 65536\]/,
      RangeError,
    );
    expectThrowsClean(
      () => buildDenseClassifier({ inputSize: 65536, hiddenUnits: [65536] }),
      /^buildDenseClassifier: the model would have \d+ parameters; expected at most 268435456/,
      RangeError,
    );
  });
});
