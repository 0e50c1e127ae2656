import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildDenseClassifier,
  createOptimizer,
  evaluateClassifier,
  fitClassifier,
  flattenImages,
  loadMnist,
  NonFiniteLossError,
  normalize,
  predictClasses,
  toCategorical,
  useFastKernels,
} from '../../src';
import { FastRMSPropOptimizer } from '../../src/optim/FastRMSPropOptimizer';
import { kerasLine } from '../helpers';

// The MNIST runs use the wasm backend, as selectBackend chooses it in Node without a GPU.
const LINE = kerasLine(
  String.raw`^\d+/\d+ \[=+\] - \d+s \d+(ms|s|us)/step - loss: V - accuracy: V( - val_loss: V - val_accuracy: V)?$`,
);

let x: tf.Tensor;
let y: tf.Tensor;
let xv: tf.Tensor;
let yv: tf.Tensor;

beforeAll(async () => {
  await tf.setBackend('wasm');
  const { train, test } = await loadMnist({ trainLimit: 6000, testLimit: 1000 });
  x = tf.tidy(() => normalize(flattenImages(train.images)));
  y = toCategorical(train.labels, 10);
  xv = tf.tidy(() => normalize(flattenImages(test.images)));
  yv = toCategorical(test.labels, 10);
});

afterAll(async () => {
  tf.dispose([x, y, xv, yv]);
  await tf.setBackend('cpu');
});

describe('fitClassifier on MNIST (the dense engine)', () => {
  it('learns: 6,000 images, 1 epoch, at least 0.90 accuracy on 1,000 test images, with Keras-style lines', async () => {
    const before = tf.memory().numTensors;
    const lines: string[] = [];
    const model = buildDenseClassifier({ seed: 4 });
    const { history, epoch, path } = await fitClassifier(
      model,
      { x, y },
      {
        epochs: 1,
        seed: 4,
        validationData: { x: xv, y: yv },
        sink: { writeLine: (l) => lines.push(l) },
      },
    );
    expect(path.engine).toBe('dense');
    expect(path.reason).toMatch(/^a stack of 3 Dense layers \(512-512-10\) with rmsprop/);
    expect(epoch).toEqual([0]);
    expect(Object.keys(history).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    expect(history.val_accuracy![0]).toBeGreaterThanOrEqual(0.9);
    expect(history.accuracy[0]).toBeGreaterThan(0.8);
    expect(history.loss[0]).toBeLessThan(0.6);
    // A sink without update(): the path, then one line per epoch in the notes' format.
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^Training on denselab's dense engine \((relaxed )?SIMD, \d threads?\): /,
    );
    expect(lines[1]).toBe('Epoch 1/1');
    expect(lines[2]).toMatch(LINE);
    expect(lines[2]).toMatch(/^188\/188 \[={30}\]/);
    expect(lines[2]).toContain(`val_accuracy: ${history.val_accuracy![0]!.toFixed(4)}`);
    // The model holds the trained weights: tfjs' own evaluation agrees with the engine's.
    const scores = await evaluateClassifier(model, { x: xv, y: yv });
    expect(scores.accuracy).toBe(history.val_accuracy![0]);
    expect(scores.loss).toBeCloseTo(history.val_loss![0]!, 4);
    const { classes } = await predictClasses(model, xv);
    const labels = tf.tidy(() => tf.argMax(yv, 1).dataSync());
    expect(classes.filter((c, i) => c === labels[i]).length / classes.length).toBe(scores.accuracy);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('repeats a seeded run bit for bit, on one thread or two alike', async () => {
    const run = async (seed: number, threads?: number) => {
      const model = buildDenseClassifier({ seed, hiddenUnits: [64] });
      const xs = tf.slice(x, [0, 0], [640, -1]);
      const ys = tf.slice(y, [0, 0], [640, -1]);
      const { history, path } = await fitClassifier(
        model,
        { x: xs, y: ys },
        { epochs: 2, seed, verbose: 0, validationData: { x: xv, y: yv }, threads },
      );
      const weights = Array.from(model.getWeights()[0]!.dataSync().slice(0, 50));
      tf.dispose([xs, ys]);
      model.dispose();
      return { history, weights, threads: path.threads };
    };
    const a = await run(11);
    const b = await run(11);
    const c = await run(12);
    const one = await run(11, 1);
    const two = await run(11, 2);
    expect(b.history).toEqual(a.history);
    expect(b.weights).toEqual(a.weights);
    expect(c.history.loss).not.toEqual(a.history.loss);
    expect([one.threads, two.threads]).toEqual([1, 2]);
    expect(one.history).toEqual(two.history);
    expect(one.weights).toEqual(two.weights);
  });

  it('runs on the engine after tf.setBackend by hand, without selectBackend or fast kernels', async () => {
    useFastKernels(false);
    const model = buildDenseClassifier({ seed: 2, hiddenUnits: [32] });
    const xs = tf.slice(x, [0, 0], [64, -1]);
    const ys = tf.slice(y, [0, 0], [64, -1]);
    const { path } = await fitClassifier(model, { x: xs, y: ys }, { verbose: 0 });
    expect(path.engine).toBe('dense');
    expect(path.reason).toContain('on the wasm backend');
    tf.dispose([xs, ys]);
    model.dispose();
  });
});

/** Data for small models: inputs in [0, 1) and labels for `classes` classes. */
function smallData(n: number, features: number, classes: number, seed: number) {
  const xs = tf.randomUniform([n, features], 0, 1, 'float32', seed);
  const labels = Array.from({ length: n }, (_, i) => (i * 7 + seed) % classes);
  return { xs, labels };
}

interface Case {
  name: string;
  build(): tfl.LayersModel;
  y(labels: number[], classes: number): tf.Tensor;
}

const dense = (units: number, activation: string, extra: object = {}) =>
  tfl.layers.dense({
    units,
    activation: activation as 'relu',
    kernelInitializer: tfl.initializers.glorotUniform({ seed: units * 7 + activation.length }),
    ...extra,
  });

function sequential(
  layers: tfl.layers.Layer[],
  loss: string,
  optimizer: () => tf.Optimizer,
): tfl.LayersModel {
  const model = tfl.sequential({ layers });
  model.compile({ loss, optimizer: optimizer(), metrics: ['accuracy'] });
  return model;
}

const oneHot = (labels: number[], classes: number) => toCategorical(labels, classes);
const CASES: Case[] = [
  ...(['sgd', 'momentum', 'rmsprop', 'adam', 'adamax', 'adagrad', 'adadelta'] as const).map(
    (name): Case => ({
      name: `relu + softmax, categorical, ${name}`,
      build: () =>
        buildDenseClassifier({
          inputSize: 6,
          hiddenUnits: [16, 12],
          numClasses: 3,
          optimizer: name,
          learningRate: 0.05,
          seed: 3,
        }),
      y: oneHot,
    }),
  ),
  {
    name: "tfjs' own RMSprop class, Nesterov momentum, sparse labels",
    build: () =>
      sequential(
        [dense(10, 'tanh', { inputShape: [6] }), dense(3, 'softmax')],
        'sparseCategoricalCrossentropy',
        () => tf.train.momentum(0.05, 0.9, true),
      ),
    y: (labels) => tf.tensor1d(labels, 'float32'),
  },
  {
    name: 'sigmoid, elu, selu, softplus hidden layers, a layer without bias, adam',
    build: () =>
      sequential(
        [
          dense(8, 'sigmoid', { inputShape: [6] }),
          dense(8, 'elu', { useBias: false }),
          dense(8, 'selu'),
          dense(8, 'softplus'),
          dense(3, 'softmax'),
        ],
        'categoricalCrossentropy',
        () => tf.train.adam(0.02),
      ),
    y: oneHot,
  },
  {
    name: "centered RMSprop with momentum (denselab's class: Keras' formula), sparse labels",
    build: () =>
      sequential(
        [dense(10, 'relu', { inputShape: [6] }), dense(3, 'softmax')],
        'sparseCategoricalCrossentropy',
        () => new FastRMSPropOptimizer(0.01, 0.9, 0.5, 1e-7, true),
      ),
    y: (labels) => tf.tensor1d(labels, 'float32'),
  },
  {
    name: "tfjs' own Adagrad class, MSE",
    build: () =>
      sequential(
        [dense(10, 'tanh', { inputShape: [6] }), dense(3, 'sigmoid')],
        'meanSquaredError',
        () => tf.train.adagrad(0.1),
      ),
    y: oneHot,
  },
  {
    name: 'MSE on a linear, a sigmoid and a softmax output',
    build: () =>
      sequential(
        [dense(8, 'relu', { inputShape: [6] }), dense(8, 'softmax'), dense(3, 'sigmoid')],
        'meanSquaredError',
        () => tf.train.rmsprop(0.01, 0.9, 0.5, 1e-7),
      ),
    y: oneHot,
  },
  {
    name: 'a functional model, MSE on one linear output, tfjs RMSprop',
    build: () => {
      const input = tfl.input({ shape: [6] });
      const h = dense(8, 'linear').apply(input) as tfl.SymbolicTensor;
      const out = dense(1, 'linear').apply(h) as tfl.SymbolicTensor;
      const model = tfl.model({ inputs: input, outputs: out });
      model.compile({ loss: 'meanSquaredError', optimizer: tf.train.sgd(0.05) });
      return model;
    },
    y: (labels) =>
      tf.tensor2d(
        labels.map((l) => [l / 2]),
        [labels.length, 1],
      ),
  },
];

describe('the dense engine trains as tfjs does', () => {
  for (const c of CASES) {
    it(`${c.name}: batch losses within 1e-4, weights and optimizer state within 1e-4`, async () => {
      const before = tf.memory().numTensors;
      const { xs, labels } = smallData(40, 6, 3, 5);
      const ys = c.y(labels, 3);
      const run = async (engine: 'auto' | 'tfjs') => {
        const model = c.build();
        const losses: number[] = [];
        const result = await fitClassifier(
          model,
          { x: xs, y: ys },
          {
            epochs: 3,
            batchSize: 8,
            seed: 9,
            verbose: 0,
            engine,
            callbacks: { onBatchEnd: (_b, l) => void losses.push(l.loss) },
          },
        );
        const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
        const state = await model.optimizer.getWeights();
        const slots = state.slice(1).map((w) => Array.from(w.tensor.dataSync()));
        const iterations = model.optimizer.iterations;
        state[0]!.tensor.dispose();
        model.dispose();
        model.optimizer.dispose(); // compile() with an instance leaves it to the caller
        // tfjs 4.22's Momentum.dispose() leaves its learning-rate scalar behind.
        (model.optimizer as unknown as { c?: tf.Tensor }).c?.dispose();
        return { result, losses, weights, slots, iterations };
      };
      const engine = await run('auto');
      const tfjs = await run('tfjs');
      expect(engine.result.path.engine).toBe('dense');
      expect(engine.result.path.device).toBe('wasm');
      expect(tfjs.result.path).toEqual({
        engine: 'tfjs',
        device: tf.getBackend(),
        reason: "engine: 'tfjs' was asked for",
        threads: 1,
        fusedMultiplyAdd: false,
      });
      expect(engine.losses).toHaveLength(15);
      engine.losses.forEach((l, i) =>
        expect(Math.abs(l - tfjs.losses[i]!)).toBeLessThanOrEqual(
          1e-4 * Math.max(1, tfjs.losses[i]!),
        ),
      );
      const close = (a: number[][], b: number[][]) =>
        a.forEach((w, i) =>
          w.forEach((v, j) => expect(Math.abs(v - b[i]![j]!)).toBeLessThanOrEqual(1e-4)),
        );
      close(engine.weights, tfjs.weights);
      expect(engine.slots.length).toBe(tfjs.slots.length);
      close(engine.slots, tfjs.slots);
      expect(engine.iterations).toBe(tfjs.iterations);
      tf.dispose([xs, ys]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

describe('which path trains, and why', () => {
  const paths: [string, () => tfl.LayersModel, RegExp][] = [
    [
      'a custom loss',
      () => {
        const m = tfl.sequential({ layers: [dense(3, 'softmax', { inputShape: [6] })] });
        m.compile({
          loss: (a: tf.Tensor, b: tf.Tensor) => tf.mean(tf.abs(tf.sub(a, b)), -1),
          optimizer: tf.train.sgd(0.1),
        });
        return m;
      },
      /its loss is a custom function/,
    ],
    [
      'a dropout layer',
      () =>
        sequential(
          [
            dense(8, 'relu', { inputShape: [6] }),
            tfl.layers.dropout({ rate: 0.5 }),
            dense(3, 'softmax'),
          ],
          'categoricalCrossentropy',
          () => tf.train.sgd(0.1),
        ),
      /layer dropout_\w+ is a Dropout/,
    ],
    [
      'a regularizer',
      () =>
        sequential(
          [dense(3, 'softmax', { inputShape: [6], kernelRegularizer: tfl.regularizers.l2() })],
          'categoricalCrossentropy',
          () => tf.train.sgd(0.1),
        ),
      /has a kernelRegularizer/,
    ],
    [
      "tfjs' own Adamax",
      () =>
        sequential([dense(3, 'softmax', { inputShape: [6] })], 'categoricalCrossentropy', () =>
          tf.train.adamax(0.01),
        ),
      /tfjs 4.22's Adamax does not give its state .*createOptimizer\('adamax'\)/,
    ],
    [
      "tfjs' own Adadelta",
      () =>
        sequential([dense(3, 'softmax', { inputShape: [6] })], 'categoricalCrossentropy', () =>
          tf.train.adadelta(0.01),
        ),
      /tfjs 4.22's Adadelta is not Keras' .*createOptimizer\('adadelta'\)/,
    ],
    [
      'a subclass of an optimizer',
      () =>
        sequential(
          [dense(3, 'softmax', { inputShape: [6] })],
          'categoricalCrossentropy',
          () => new (class extends tf.SGDOptimizer {})(0.1),
        ),
      /its optimizer is SGD \(the engine runs tfjs' own optimizers and denselab's\)/,
    ],
    [
      'cross-entropy on a sigmoid output',
      () =>
        sequential([dense(3, 'sigmoid', { inputShape: [6] })], 'categoricalCrossentropy', () =>
          tf.train.sgd(0.1),
        ),
      /cross-entropy needs a softmax output/,
    ],
    [
      'a frozen layer',
      () =>
        sequential(
          [dense(4, 'relu', { inputShape: [6], trainable: false }), dense(3, 'softmax')],
          'categoricalCrossentropy',
          () => tf.train.sgd(0.1),
        ),
      /is frozen/,
    ],
  ];
  for (const [name, build, reason] of paths) {
    it(`${name}: through tfjs, saying why`, async () => {
      const { xs, labels } = smallData(16, 6, 3, 1);
      const ys = toCategorical(labels, 3);
      const model = build();
      const lines: string[] = [];
      const { path } = await fitClassifier(
        model,
        { x: xs, y: ys },
        { batchSize: 16, seed: 1, verbose: 2, sink: { writeLine: (l) => lines.push(l) } },
      );
      expect(path.engine).toBe('tfjs');
      expect(path.reason).toMatch(reason);
      expect(lines[0]).toBe(`Training through tfjs: ${path.reason}`);
      tf.dispose([xs, ys]);
      model.dispose();
    });
  }
});

describe('fitClassifier checks', () => {
  const small = () =>
    buildDenseClassifier({ inputSize: 4, hiddenUnits: [5], numClasses: 3, seed: 1 });

  async function expectRejectsClean(
    promise: () => Promise<unknown>,
    pattern: RegExp,
    type: ErrorConstructor = Error,
  ): Promise<void> {
    const before = tf.memory().numTensors;
    const err = await promise().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err, `expected ${String(pattern)}`).toBeInstanceOf(type);
    expect((err as Error).message).toMatch(pattern);
    expect(tf.memory().numTensors).toBe(before);
  }

  it('rejects mismatched inputs before training, saying what was expected', async () => {
    const model = small();
    const x4 = tf.ones([6, 4]);
    const x5 = tf.ones([6, 5]);
    const y3 = toCategorical([0, 1, 2, 0, 1, 2], 3);
    const y2 = toCategorical([0, 1, 1, 0, 1, 0], 2);
    const y3short = toCategorical([0, 1, 2], 3);
    const notOneHot = tf.tensor2d([
      [1, 0, 0],
      [0, 1, 0],
      [0.5, 0.5, 0],
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    const xInt = tf.ones([6, 4], 'int32');
    const x1d = tf.ones([6]);
    const withNaN = tf.tensor2d(
      [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, Infinity, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
      [6, 4],
    );
    const huge = tf.fill([6, 4], 3e38); // rows whose sums overflow, though every value is finite
    const weightsBefore = model.getWeights().map((w) => Array.from(w.dataSync()));
    const cases: [() => Promise<unknown>, RegExp, ErrorConstructor][] = [
      [
        () => fitClassifier(model, { x: x4, y: y3short }),
        /^fitClassifier: data.x has 6 rows but data.y has 3; expected the same/,
        RangeError,
      ],
      [
        () => fitClassifier(model, { x: x5, y: y3 }),
        /^fitClassifier: data.x has 5 features but the model's input takes 4/,
        RangeError,
      ],
      [
        () => fitClassifier(model, { x: x4, y: y2 }),
        /^fitClassifier: data.y has 2 columns but the model outputs 3/,
        RangeError,
      ],
      [
        () => fitClassifier(model, { x: x4, y: notOneHot }),
        /^fitClassifier: data.y row 2 is \[0.5, 0.5, 0\], not one-hot/,
        RangeError,
      ],
      [
        () => fitClassifier(model, { x: xInt, y: y3 }),
        /^fitClassifier: data.x has dtype int32; expected float32/,
        TypeError,
      ],
      [
        () => fitClassifier(model, { x: x1d, y: y3 }),
        /^fitClassifier: data.x has shape \[6\]; expected \[N, features\]/,
        RangeError,
      ],
      [
        () => fitClassifier(model, { x: withNaN, y: y3 }),
        /^fitClassifier: data.x row 3 has Infinity at column 1; expected finite values/,
        RangeError,
      ],
      [
        () => fitClassifier(model, { x: x4, y: y3 }, { validationData: { x: x5, y: y3 } }),
        /^fitClassifier: validationData.x has 5 features/,
        RangeError,
      ],
      [
        () => fitClassifier(model, { x: x4 } as never),
        /^fitClassifier: data is an object with keys x; expected \{ x, y \}$/,
        TypeError,
      ],
      [
        () => fitClassifier(model, { x: x4, y: y3, z: x4 } as never),
        /^fitClassifier: data has unknown key "z"/,
        TypeError,
      ],
      [
        () => fitClassifier(model, { x: x4, y: y3 }, { epochs: 0 }),
        /^fitClassifier: epochs is 0; expected an integer >= 1/,
        RangeError,
      ],
      [
        () => fitClassifier(model, { x: x4, y: y3 }, { epochs: '3' as never }),
        /^fitClassifier: epochs is "3"; expected an integer >= 1/,
        TypeError,
      ],
      [
        () => fitClassifier(model, { x: x4, y: y3 }, { epoch: 3 } as never),
        /^fitClassifier: unknown option "epoch"; did you mean "epochs"\?/,
        TypeError,
      ],
      [
        () => fitClassifier(model, { x: x4, y: y3 }, { batchSize: 2.5 }),
        /^fitClassifier: batchSize is 2.5/,
        RangeError,
      ],
      [
        () => fitClassifier(model, { x: x4, y: y3 }, { seed: Infinity }),
        /^fitClassifier: seed is Infinity/,
        RangeError,
      ],
      [
        () => fitClassifier(model, { x: x4, y: y3 }, { verbose: 3 as never }),
        /^fitClassifier: verbose is 3; expected one of 0, 1 or 2/,
        RangeError,
      ],
      [
        () => fitClassifier(model, { x: x4, y: y3 }, { initialEpoch: 2, epochs: 2 }),
        /^fitClassifier: initialEpoch is 2; expected an integer in \[0, epochs\)/,
        RangeError,
      ],
      [
        () => fitClassifier(model, { x: x4, y: y3 }, { engine: 'gpu' as never }),
        /^fitClassifier: engine is "gpu"; expected one of 'auto', 'tfjs', 'wasm' or 'webgpu'/,
        RangeError,
      ],
      [
        () => fitClassifier(model, { x: x4, y: y3 }, { threads: 0 }),
        /^fitClassifier: threads is 0; expected an integer in \[1, 64\]/,
        RangeError,
      ],
      [
        () =>
          fitClassifier(model, { x: x4, y: y3 }, { callbacks: { onEpochEnds: () => 0 } as never }),
        /^fitClassifier: callbacks has an unknown key "onEpochEnds"; did you mean "onEpochEnd"\?/,
        TypeError,
      ],
      [
        () => fitClassifier(model, { x: x4, y: y3 }, { callbacks: [{ onEpochEnd: 5 }] as never }),
        /^fitClassifier: callbacks\[0\].onEpochEnd is 5; expected a function/,
        TypeError,
      ],
      [
        () => fitClassifier(model, { x: x4, y: y3 }, { sink: console.log } as never),
        /^fitClassifier: sink is function log; expected a sink \{ writeLine\(line\), update\?\(line\) \}/,
        TypeError,
      ],
      [
        () => fitClassifier(model, { x: x4, y: y3 }, [] as never),
        /^fitClassifier: options is \[\]; expected an options object/,
        TypeError,
      ],
      [
        () => fitClassifier({} as never, { x: x4, y: y3 }),
        /^fitClassifier: model is an empty object; expected a tfjs-layers model$/,
        TypeError,
      ],
    ];
    for (const [run, pattern, type] of cases) await expectRejectsClean(run, pattern, type);
    // Nothing was trained by the rejected calls.
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(weightsBefore);
    // Large finite values are not blamed for their sums' overflow: training starts.
    const outcome = await fitClassifier(model, { x: huge, y: y3 }, { verbose: 0 }).then(
      () => 'trained',
      (e: Error) => e.message,
    );
    expect(outcome).not.toMatch(/row \d+ has/);
    tf.dispose([x4, x5, y3, y2, y3short, notOneHot, xInt, x1d, withNaN, huge]);
    model.dispose();
  });

  it('treats null options as none, and names a disposed model as such', async () => {
    const model = small();
    const xs = tf.ones([3, 4]);
    const ys = toCategorical([0, 1, 2], 3);
    const { epoch } = await fitClassifier(model, { x: xs, y: ys }, null as never);
    expect(epoch).toEqual([0]);
    model.dispose();
    await expectRejectsClean(
      () => fitClassifier(model, { x: xs, y: ys }),
      /^fitClassifier: model "sequential_\d+" was disposed; expected a live model/,
      TypeError,
    );
    tf.dispose([xs, ys]);
  });

  for (const engine of ['auto', 'tfjs'] as const) {
    it(`on a NaN loss (engine '${engine}'), stops naming epoch and batch, and the model keeps finite weights`, async () => {
      const before = tf.memory().numTensors;
      const { xs, labels } = smallData(16, 4, 3, 2);
      const ys = toCategorical(labels, 3);
      const model = small();
      let afterFirst: number[][] = [];
      const err = await fitClassifier(
        model,
        { x: xs, y: ys },
        {
          epochs: 3,
          batchSize: 8,
          verbose: 0,
          engine,
          callbacks: {
            onEpochEnd: (epoch) => {
              if (epoch !== 0) return;
              afterFirst = model.getWeights().map((w) => Array.from(w.dataSync()));
              const [kernel, bias] = model.layers[1]!.getWeights();
              const poisoned = tf.fill(kernel!.shape, NaN);
              model.layers[1]!.setWeights([poisoned, bias!]);
              poisoned.dispose();
            },
          },
        },
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      const e = err as {
        epoch: number;
        batch: number;
        history: { loss: number[] };
        message: string;
      };
      expect(e.constructor.name).toBe('NonFiniteLossError');
      expect([e.epoch, e.batch]).toEqual([2, 1]);
      expect(e.message).toMatch(
        /^fitClassifier: the loss became NaN at epoch 2, batch 1; try a smaller learning rate.*; the model holds the weights (after epoch 1, batch 1, the last known to give a finite loss|it started from)$/,
      );
      expect(e.history.loss).toHaveLength(1);
      // The model holds finite weights, not the poisoned ones (Keras' TerminateOnNaN would).
      const now = model.getWeights().map((w) => Array.from(w.dataSync()));
      for (const w of now) for (const v of w) expect(Number.isFinite(v)).toBe(true);
      expect(now).not.toEqual(afterFirst);
      tf.dispose([xs, ys]);
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('a finite loss from weights that are not finite is an error too (a ReLU can hide them)', async () => {
    const before = tf.memory().numTensors;
    const model = buildDenseClassifier({
      inputSize: 4,
      hiddenUnits: [5],
      numClasses: 3,
      optimizer: 'sgd',
      seed: 1,
    });
    // A first-layer bias of -Infinity: every hidden unit is ReLU(-Infinity) = 0, so the loss is
    // a plausible ln 3 while the weights are not finite.
    const [kernel, , k2, b2] = model.getWeights();
    const minusInf = tf.fill([5], -Infinity);
    model.setWeights([kernel!, minusInf, k2!, b2!]);
    minusInf.dispose();
    const xs = tf.randomUniform([16, 4], 0, 1, 'float32', 3);
    const ys = toCategorical(
      Array.from({ length: 16 }, (_, i) => i % 3),
      3,
    );
    const err = await fitClassifier(
      model,
      { x: xs, y: ys },
      { epochs: 2, verbose: 0, engine: 'tfjs' },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteLossError);
    expect((err as NonFiniteLossError).epoch).toBe(1);
    expect((err as Error).message).toMatch(
      /^fitClassifier: the loss became NaN at epoch 1, batch 1; strictly, the weights stopped being finite, and a ReLU \(which turns NaN and -Infinity into 0\) kept the loss finite; /,
    );
    tf.dispose([xs, ys]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("trains centered RMSprop with Keras' formula; through tfjs' own class, names its NaN", async () => {
    const before = tf.memory().numTensors;
    const optimizer = tf.train.rmsprop(0.001, 0.9, 0, 1e-7, true);
    const model = buildDenseClassifier({
      inputSize: 4,
      hiddenUnits: [5],
      numClasses: 3,
      optimizer,
    });
    // A column of zeros: its kernel row's gradient is 0, which this optimizer makes NaN.
    const xs = tf.tidy(() =>
      tf.concat([tf.zeros([16, 1]), tf.randomUniform([16, 3], 0, 1, 'float32', 3)], 1),
    );
    const ys = toCategorical(
      Array.from({ length: 16 }, (_, i) => i % 3),
      3,
    );
    // On the engine (and with denselab's RMSprop class) the denominator is Keras'.
    const { history, path } = await fitClassifier(
      model,
      { x: xs, y: ys },
      { epochs: 2, verbose: 0 },
    );
    expect(path.engine).toBe('dense');
    expect(history.loss.every(Number.isFinite)).toBe(true);
    expect(model.getWeights().every((w) => w.dataSync().every(Number.isFinite))).toBe(true);
    // Through tfjs' own class: NaN at once, and the error says why.
    const err = await fitClassifier(
      model,
      { x: xs, y: ys },
      { epochs: 2, verbose: 0, engine: 'tfjs' },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteLossError);
    expect((err as Error).message).toMatch(
      /centered RMSprop takes the square root of ms - mg\^2 - epsilon .*use centered: false; the model holds the weights/,
    );
    tf.dispose([xs, ys]);
    model.dispose();
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('calls callbacks in order, honours stopTraining, sees weights a callback sets, prints nothing at verbose 0', async () => {
    const run = async (engine: 'auto' | 'tfjs') => {
      const model = small();
      const xs = tf.randomUniform([24, 4], 0, 1, 'float32', 3);
      const ys = toCategorical(
        Array.from({ length: 24 }, (_, i) => i % 3),
        3,
      );
      const events: string[] = [];
      const lines: string[] = [];
      const { epoch, history } = await fitClassifier(
        model,
        { x: xs, y: ys },
        {
          epochs: 5,
          batchSize: 10,
          verbose: 0,
          seed: 1,
          engine,
          sink: { writeLine: (l) => lines.push(l) },
          callbacks: [
            {
              onTrainBegin: () => void events.push('begin'),
              onEpochBegin: (e) => void events.push(`epoch ${e}`),
              onBatchEnd: (b, logs) => void events.push(`batch ${b} size ${logs.size}`),
              onEpochEnd: (e, logs) => {
                events.push(`end ${e} ${Number.isFinite(logs.loss)}`);
                // Zero the output layer: training must go on from there.
                if (e === 0)
                  model.layers[1]!.setWeights(
                    model.layers[1]!.getWeights().map((w) => tf.zerosLike(w)),
                  );
                if (e === 1) model.stopTraining = true;
              },
              onTrainEnd: (h) => void events.push(`done ${h.loss.length}`),
            },
          ],
        },
      );
      tf.dispose([xs, ys]);
      model.dispose();
      return { epoch, history, events, lines };
    };
    const dense = await run('auto');
    const tfjs = await run('tfjs');
    expect(dense.epoch).toEqual([0, 1]);
    expect(dense.history.loss).toHaveLength(2);
    expect(dense.history.val_loss).toBeUndefined();
    expect(dense.events).toEqual([
      'begin',
      'epoch 0',
      'batch 0 size 10',
      'batch 1 size 10',
      'batch 2 size 4',
      'end 0 true',
      'epoch 1',
      'batch 0 size 10',
      'batch 1 size 10',
      'batch 2 size 4',
      'end 1 true',
      'done 2',
    ]);
    expect(dense.lines).toEqual([]);
    expect(tfjs.events).toEqual(dense.events);
    expect(dense.history.loss[1]).toBeCloseTo(tfjs.history.loss[1]!, 5);
  });

  it('prints the path and one line per epoch at verbose 2, and a throttled live bar with a redrawable sink', async () => {
    const { ProgressLogger } = await import('../../src');
    const model = small();
    const xs = tf.randomUniform([64, 4], 0, 1, 'float32', 4);
    const ys = toCategorical(
      Array.from({ length: 64 }, (_, i) => i % 3),
      3,
    );
    const lines: string[] = [];
    await fitClassifier(
      model,
      { x: xs, y: ys },
      { epochs: 2, batchSize: 8, verbose: 2, sink: { writeLine: (l) => lines.push(l) } },
    );
    expect(lines[0]).toMatch(/^Training on denselab's dense engine/);
    expect(lines.filter((l) => l.startsWith('Epoch'))).toEqual(['Epoch 1/2', 'Epoch 2/2']);
    for (const l of lines.slice(1).filter((v) => !v.startsWith('Epoch'))) {
      expect(l).toMatch(
        kerasLine(
          String.raw`^8/8 - \d+s - loss: V - accuracy: V - \d+(s|ms|us)/epoch - \d+(ms|us|s)/step$`,
        ),
      );
    }
    // Live bar with a fake clock: 10 ms per batch, redraws at most every 25 ms.
    let t = 0;
    const updates: string[] = [];
    const finals: string[] = [];
    const logger = new ProgressLogger({
      intervalMs: 25,
      now: () => (t += 10),
      sink: { writeLine: (l) => finals.push(l), update: (l) => updates.push(l) },
    });
    await fitClassifier(model, { x: xs, y: ys }, { epochs: 1, batchSize: 8, logger });
    expect(updates.length).toBeGreaterThan(0);
    expect(updates.length).toBeLessThan(8);
    for (const u of updates)
      expect(u).toMatch(
        kerasLine(String.raw`^\d/8 \[=*>?\.*\] - ETA: \d+s - loss: V - accuracy: V$`),
      );
    expect(finals[2]).toMatch(/^8\/8 \[={30}\] - \d+s \d+ms\/step - loss/);
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('trains a model compiled with createOptimizer on the engine and resumes where it stopped', async () => {
    const model = buildDenseClassifier({
      inputSize: 4,
      hiddenUnits: [6],
      numClasses: 3,
      optimizer: createOptimizer('adam', 0.01),
      seed: 3,
    });
    const xs = tf.randomUniform([32, 4], 0, 1, 'float32', 6);
    const ys = toCategorical(
      Array.from({ length: 32 }, (_, i) => i % 3),
      3,
    );
    const whole = buildDenseClassifier({
      inputSize: 4,
      hiddenUnits: [6],
      numClasses: 3,
      optimizer: createOptimizer('adam', 0.01),
      seed: 3,
    });
    const all = await fitClassifier(
      whole,
      { x: xs, y: ys },
      { epochs: 4, batchSize: 8, seed: 1, verbose: 0 },
    );
    const a = await fitClassifier(
      model,
      { x: xs, y: ys },
      { epochs: 2, batchSize: 8, seed: 1, verbose: 0 },
    );
    const b = await fitClassifier(
      model,
      { x: xs, y: ys },
      { epochs: 4, initialEpoch: 2, batchSize: 8, seed: 1, verbose: 0 },
    );
    expect([...a.history.loss, ...b.history.loss]).toEqual(all.history.loss);
    expect(model.optimizer.iterations).toBe(16);
    tf.dispose([xs, ys]);
    model.optimizer.dispose();
    whole.optimizer.dispose();
    model.dispose();
    whole.dispose();
  });
});
