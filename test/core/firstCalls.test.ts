/**
 * The first-calls catalogue: the calls people write on their first day with denselab, from
 * Keras' and TF.js' habits (their docs' `fit`, `evaluate`, `predict`, `save` and `load`
 * signatures, argument names and callback objects, and what their issue trackers show users
 * passing). Each row is the call and either the result it must give or the message it must
 * hold; every row leaves no tensor behind. The rows the first-calls issue listed come first,
 * then the habits collected beside them. Process handling (exit codes) is in
 * processHandlers.test.ts, URL targets in test/io/remote.test.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildDenseClassifier,
  loadMnist,
  selectBackend,
  compareOptimizers,
  createOptimizer,
  evaluateClassifier,
  fitClassifier,
  fitLinear,
  normalize,
  predictClasses,
  toCategorical,
  type ClassifierTraining,
} from 'denselab';

type Outcome =
  | { throws: typeof TypeError | typeof RangeError; says: RegExp }
  | { gives: (result: unknown) => void };
/** A habit: where it comes from, the call as written, and what must happen. */
type Habit = [source: string, call: string, run: () => unknown, outcome: Outcome];

const X = tf.tensor2d(
  Array.from({ length: 32 }, (_, i) => ((i * 7) % 11) / 10),
  [8, 4],
);
const LABELS = Uint8Array.of(0, 1, 0, 1, 1, 0, 1, 0);
const Y = toCategorical(LABELS, 2);
const ROWS = X.arraySync();
const ONE_HOT = Y.arraySync() as number[][];
const quiet = { verbose: 0 } as const;
const models: tfl.LayersModel[] = [];
/** A fresh small model (4 inputs, 3 hidden units, 2 classes); disposed with the row. */
const net = (options: Parameters<typeof buildDenseClassifier>[0] = {}): tfl.Sequential => {
  const m = buildDenseClassifier({
    inputSize: 4,
    hiddenUnits: [3],
    numClasses: 2,
    seed: 1,
    ...options,
  });
  models.push(m);
  return m;
};
afterAll(() => tf.dispose([X, Y]));

const error = (throws: typeof TypeError | typeof RangeError, says: RegExp): Outcome => ({
  throws,
  says,
});
const trains = (check: (t: ClassifierTraining) => void = () => undefined): Outcome => ({
  gives: (r) => check(r as ClassifierTraining),
});
const any = (check: (r: unknown) => void): Outcome => ({ gives: check });
/** Keras' and tfjs' call shapes are never reported as a tensor's internal fields. */
const ONE_OBJECT = /pass the data as one object: fitClassifier\(model, \{ x, y \}, options\)$/;

const ISSUE_ROWS: Habit[] = [
  [
    'Keras, tfjs',
    'fitClassifier(model, x, y, { epochs: 5 })',
    () =>
      // @ts-expect-error: the Keras-shaped call
      fitClassifier(net(), X, Y, { epochs: 5 }),
    error(TypeError, ONE_OBJECT),
  ],
  [
    'Keras, tfjs',
    'evaluateClassifier(model, xTest, yTest)',
    () =>
      // @ts-expect-error: the Keras-shaped call
      evaluateClassifier(net(), X, Y),
    error(
      TypeError,
      /pass the data as one object: evaluateClassifier\(model, \{ x, y \}, options\)$/,
    ),
  ],
  [
    'loadMnist',
    'fitClassifier(model, { x, y: train.labels })',
    () => fitClassifier(net(), { x: X, y: LABELS }, quiet),
    error(
      RangeError,
      /data\.y is a Uint8Array of 8 class labels, but the model's loss is categorical cross-entropy, which needs one-hot rows: toCategorical\(labels, 2\)$/,
    ),
  ],
  [
    'loadMnist',
    'fitClassifier(model, { x, y: train.labels }) with the labels loadMnist returns',
    async () => {
      const { train } = await loadMnist({ trainLimit: 8, testLimit: 0 });
      return fitClassifier(net(), { x: X, y: train.labels }, quiet);
    },
    error(
      RangeError,
      /^fitClassifier: data\.y is a Uint8Array of 8 class labels, but the model's loss is categorical cross-entropy, which needs one-hot rows: toCategorical\(labels, 2\)$/,
    ),
  ],
  [
    'Keras (numpy)',
    'fitClassifier(model, { x: [[...], ...], y: [[1, 0], ...] })',
    () => fitClassifier(net(), { x: ROWS, y: ONE_HOT }, quiet),
    trains((t) => expect(t.history.loss).toHaveLength(1)),
  ],
  [
    'loadMnist',
    'fitClassifier(model, { x: train.images, y })',
    () =>
      fitClassifier(
        net(),
        { x: { data: new Uint8Array(8 * 2 * 2), shape: [8, 2, 2] }, y: Y },
        quiet,
      ),
    error(
      RangeError,
      /data\.x is an NdArray of shape \[8, 2, 2\] \(Uint8Array\); expected rows \[N, 4\] \(flattenImages\(normalize\(images\)\) makes them\)$/,
    ),
  ],
  [
    'loadMnist',
    'fitClassifier(model, { x: flattenImages(normalize(train.images)) as NdArray, y })',
    () =>
      fitClassifier(
        net(),
        { x: { data: Float32Array.from(X.dataSync()), shape: [8, 4] }, y: Y },
        quiet,
      ),
    trains(),
  ],
  [
    'Keras Dense(units=512)',
    'buildDenseClassifier({ hiddenUnits: 512 })',
    () =>
      // @ts-expect-error: a number where the list belongs
      net({ hiddenUnits: 512 }),
    error(
      TypeError,
      /hiddenUnits is 512; expected an array of layer sizes, one per hidden layer, such as \[512, 512\]$/,
    ),
  ],
  [
    'Keras fit',
    'fitClassifier(model, data, { validationSplit: 0.25 })',
    () => fitClassifier(net(), { x: X, y: Y }, { ...quiet, validationSplit: 0.25 }),
    trains((t) =>
      expect(Object.keys(t.history)).toEqual(['loss', 'accuracy', 'val_loss', 'val_accuracy']),
    ),
  ],
  [
    'tfjs',
    'callbacks: [tfl.callbacks.earlyStopping({ patience: 2 })]',
    () =>
      fitClassifier(
        net(),
        { x: X, y: Y },
        {
          ...quiet,
          epochs: 2,
          validationSplit: 0.25,
          callbacks: [tfl.callbacks.earlyStopping({ patience: 2 })],
        },
      ),
    trains((t) => expect(t.epoch).toEqual([0, 1])),
  ],
  [
    'Keras fit',
    'fitClassifier(model, data, { classWeight: { 0: 1, 1: 5 } })',
    () =>
      // @ts-expect-error: not an option
      fitClassifier(net(), { x: X, y: Y }, { classWeight: { 0: 1, 1: 5 } }),
    error(
      TypeError,
      /^fitClassifier: unknown option "classWeight": fitClassifier does not weight classes; balance the rows, or train with tfjs-layers model\.fit\. Known options: epochs, /,
    ),
  ],
  [
    'Keras compile',
    "fitClassifier(model, data, { metrics: ['accuracy'] })",
    () =>
      // @ts-expect-error: not an option
      fitClassifier(net(), { x: X, y: Y }, { metrics: ['accuracy'] }),
    error(
      TypeError,
      /unknown option "metrics": fitClassifier always reports loss and accuracy\. Known options: /,
    ),
  ],
  [
    'Keras compile',
    "fitClassifier(model, data, { loss: 'categoricalCrossentropy' })",
    () =>
      // @ts-expect-error: not an option
      fitClassifier(net(), { x: X, y: Y }, { loss: 'categoricalCrossentropy' }),
    error(TypeError, /unknown option "loss": compile the model with the loss/),
  ],
  [
    'Keras 2 optimizers',
    'fitClassifier(model, data, { lr: 0.01 })',
    () =>
      // @ts-expect-error: not an option
      fitClassifier(net(), { x: X, y: Y }, { lr: 0.01 }),
    error(
      TypeError,
      /unknown option "lr": the learning rate belongs to the optimizer: buildDenseClassifier\(\{ learningRate \}\)/,
    ),
  ],
  [
    'Keras, tfjs',
    "buildDenseClassifier({ optimizer: 'Adam' })",
    () =>
      // @ts-expect-error: a class name, accepted
      net({ optimizer: 'Adam' }),
    any((m) => expect((m as tfl.LayersModel).optimizer.getClassName()).toBe('Adam')),
  ],
];

const MORE_HABITS: Habit[] = [
  [
    'tfjs',
    'fitClassifier(model, [x, y])',
    () =>
      // @ts-expect-error: tfjs' array of inputs
      fitClassifier(net(), [X, Y]),
    error(TypeError, ONE_OBJECT),
  ],
  [
    'tfjs model.fit',
    'fitClassifier(model, data, { validationData: [xVal, yVal] })',
    () => fitClassifier(net(), { x: X, y: Y }, { ...quiet, validationData: [X, Y] }),
    trains((t) => expect(t.history.val_loss).toHaveLength(1)),
  ],
  [
    'Keras fit',
    'fitClassifier(model, data, { batch_size: 2 })',
    () =>
      // @ts-expect-error: Keras' spelling
      fitClassifier(net(), { x: X, y: Y }, { batch_size: 2 }),
    error(TypeError, /unknown option "batch_size"; did you mean "batchSize"\? Known options: /),
  ],
  [
    'Keras fit',
    'fitClassifier(model, data, { validation_split: 0.1 })',
    () =>
      // @ts-expect-error: Keras' spelling
      fitClassifier(net(), { x: X, y: Y }, { validation_split: 0.1 }),
    error(TypeError, /did you mean "validationSplit"\?/),
  ],
  [
    'Keras fit',
    'fitClassifier(model, data, { initial_epoch: 1 })',
    () =>
      // @ts-expect-error: Keras' spelling
      fitClassifier(net(), { x: X, y: Y }, { initial_epoch: 1 }),
    error(TypeError, /did you mean "initialEpoch"\?/),
  ],
  [
    'Keras fit',
    'fitClassifier(model, data, { steps_per_epoch: 10 })',
    () =>
      // @ts-expect-error: not an option
      fitClassifier(net(), { x: X, y: Y }, { steps_per_epoch: 10 }),
    error(
      TypeError,
      /unknown option "steps_per_epoch": fitClassifier goes through all the rows every epoch/,
    ),
  ],
  [
    'Keras fit',
    'fitClassifier(model, data, { sampleWeight })',
    () =>
      // @ts-expect-error: not an option
      fitClassifier(net(), { x: X, y: Y }, { sampleWeight: new Float32Array(8) }),
    error(TypeError, /unknown option "sampleWeight": fitClassifier does not weight samples/),
  ],
  [
    'tfjs fit',
    'fitClassifier(model, data, { yieldEvery: "epoch" })',
    () =>
      // @ts-expect-error: not an option
      fitClassifier(net(), { x: X, y: Y }, { yieldEvery: 'epoch' }),
    error(TypeError, /unknown option "yieldEvery": fitClassifier yields to the event loop/),
  ],
  [
    'Keras fit',
    'fitClassifier(model, data, { workers: 4 })',
    () =>
      // @ts-expect-error: not an option
      fitClassifier(net(), { x: X, y: Y }, { workers: 4 }),
    error(TypeError, /unknown option "workers": use threads/),
  ],
  [
    'Keras fit',
    'fitClassifier(model, data, { validationFreq: 2 })',
    () =>
      // @ts-expect-error: not an option
      fitClassifier(net(), { x: X, y: Y }, { validationFreq: 2 }),
    error(TypeError, /fitClassifier validates after every epoch/),
  ],
  [
    'command-line scripts',
    "fitClassifier(model, data, { epochs: '5' })",
    () =>
      // @ts-expect-error: a string from process.argv
      fitClassifier(net(), { x: X, y: Y }, { epochs: '5' }),
    error(TypeError, /^fitClassifier: epochs is "5"; expected an integer >= 1$/),
  ],
  [
    'tfjs fit',
    'fitClassifier(model, data, { verbose: true })',
    () =>
      // @ts-expect-error: a boolean verbosity
      fitClassifier(net(), { x: X, y: Y }, { verbose: true }),
    error(
      TypeError,
      /^fitClassifier: verbose is true; expected 0, 1 or 2$|^fitClassifier: verbose is true; expected one of 0, 1 or 2$/,
    ),
  ],
  [
    'Keras fit',
    "fitClassifier(model, data, { shuffle: 'batch' })",
    () =>
      // @ts-expect-error: Keras' 'batch' shuffle
      fitClassifier(net(), { x: X, y: Y }, { shuffle: 'batch' }),
    error(TypeError, /^fitClassifier: shuffle is "batch"; expected true or false$/),
  ],
  [
    'Keras fit',
    'fitClassifier(model, data, 5)',
    () =>
      // @ts-expect-error: epochs where the options belong
      fitClassifier(net(), { x: X, y: Y }, 5),
    error(
      TypeError,
      /^fitClassifier: options is 5; expected an options object such as \{ epochs: \.\.\. \}$/,
    ),
  ],
  [
    'Keras fit',
    'fitClassifier(model, data, { validationSplit: 0.2, validationData })',
    () =>
      fitClassifier(
        net(),
        { x: X, y: Y },
        { validationSplit: 0.2, validationData: { x: X, y: Y } },
      ),
    error(TypeError, /validationData and validationSplit were both given .*; pass one of them$/),
  ],
  [
    'Keras fit',
    'fitClassifier(model, data, { validationSplit: 1 })',
    () => fitClassifier(net(), { x: X, y: Y }, { validationSplit: 1 }),
    error(RangeError, /^fitClassifier: validationSplit is 1; expected a fraction in \[0, 1\)$/),
  ],
  [
    'Keras fit',
    'fitClassifier(model, { x: oneRow, y }, { validationSplit: 0.5 })',
    () => fitClassifier(net(), { x: [[0, 0, 0, 0]], y: [[1, 0]] }, { validationSplit: 0.5 }),
    error(
      RangeError,
      /splits 1 row into 0 for training and 1 for validation; expected at least one of each/,
    ),
  ],
  [
    'tfjs',
    'callbacks: new tfl.CustomCallback({ onEpochEnd })',
    () => {
      const seen: number[] = [];
      const cb = new tfl.CustomCallback({ onEpochEnd: (e) => void seen.push(e) });
      return fitClassifier(net(), { x: X, y: Y }, { ...quiet, epochs: 3, callbacks: cb }).then(
        () => seen,
      );
    },
    any((seen) => expect(seen).toEqual([0, 1, 2])),
  ],
  [
    'tfjs',
    "callbacks: tfl.callbacks.earlyStopping({ monitor: 'val_acc' })",
    () =>
      fitClassifier(
        net(),
        { x: X, y: Y },
        {
          ...quiet,
          epochs: 20,
          validationSplit: 0.25,
          callbacks: tfl.callbacks.earlyStopping({ monitor: 'val_acc', patience: 1, minDelta: 1 }),
        },
      ),
    trains((t) => expect(t.epoch).toEqual([0, 1])),
  ],
  [
    'tfjs',
    'callbacks: new tfl.CustomCallback({ onBatchBegin })',
    () =>
      fitClassifier(
        net(),
        { x: X, y: Y },
        { ...quiet, callbacks: new tfl.CustomCallback({ onBatchBegin: () => undefined }) },
      ),
    error(
      TypeError,
      /^fitClassifier: callbacks implements onBatchBegin, which fitClassifier does not call; expected a callback that uses onBatchEnd instead$/,
    ),
  ],
  [
    'Keras',
    'callbacks: { onBatchBegin }',
    () =>
      // @ts-expect-error: no such hook
      fitClassifier(net(), { x: X, y: Y }, { callbacks: { onBatchBegin: () => undefined } }),
    error(
      TypeError,
      /callbacks has an unknown key "onBatchBegin": fitClassifier has no such hook; use onBatchEnd\. Known keys: /,
    ),
  ],
  [
    'numpy',
    'fitClassifier(model, { x: Float32Array, y })',
    () => fitClassifier(net(), { x: new Float32Array(32) as never, y: Y }),
    error(
      TypeError,
      /data\.x is a Float32Array of 32 values with no shape; expected rows \[8, 4\]: pass \{ data, shape: \[8, 4\] \} or a tensor$/,
    ),
  ],
  [
    'plain arrays',
    'fitClassifier(model, { x: raggedRows, y })',
    () =>
      fitClassifier(net(), {
        x: [
          [0, 0, 0, 0],
          [1, 1, 1],
        ],
        y: [
          [1, 0],
          [0, 1],
        ],
      }),
    error(
      RangeError,
      /data\.x\[1\] is \[1, 1, 1\]; expected a row of 4 numbers like data\.x\[0\]$/,
    ),
  ],
  [
    'Keras sparse loss',
    'fitClassifier(sparseModel, { x, y: [0, 1, ...] })',
    () => {
      const m = net();
      m.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
      return fitClassifier(m, { x: X, y: Array.from(LABELS) }, quiet);
    },
    trains(),
  ],
  [
    'Keras predict',
    'predictClasses(model, xTest, yTest)',
    () =>
      // @ts-expect-error: labels where the options belong
      predictClasses(net(), X, Y),
    error(
      TypeError,
      /predictClasses takes no labels: predictClasses\(model, x\), or evaluateClassifier\(model, \{ x, y \}\) to score against labels$/,
    ),
  ],
  [
    'Keras predict',
    'predictClasses(model, [[...], ...])',
    () => predictClasses(net(), ROWS),
    any((r) => expect((r as { classes: Int32Array }).classes).toHaveLength(8)),
  ],
  [
    'Keras predict',
    'predictClasses(model, x, { verbose: 0 })',
    () =>
      // @ts-expect-error: not an option
      predictClasses(net(), X, { verbose: 0 }),
    error(
      TypeError,
      /unknown option "verbose": predictClasses prints nothing\. Known options: batchSize\.$/,
    ),
  ],
  [
    'Keras evaluate',
    'evaluateClassifier(model, data, { verbose: 0 })',
    () =>
      // @ts-expect-error: not an option
      evaluateClassifier(net(), { x: X, y: Y }, { verbose: 0 }),
    error(TypeError, /unknown option "verbose": evaluateClassifier prints nothing\./),
  ],
  [
    'Keras evaluate',
    'evaluateClassifier(model, { x: rows, y: labels })',
    () => evaluateClassifier(net(), { x: ROWS, y: Array.from(LABELS) }),
    error(RangeError, /data\.y is an array of 8 class labels, but .* toCategorical\(labels, 2\)$/),
  ],
  [
    'Keras evaluate',
    'evaluateClassifier(model, { x: rows, y: oneHotRows })',
    () => evaluateClassifier(net(), { x: ROWS, y: ONE_HOT }),
    any((r) => expect((r as { accuracy: number }).accuracy).toBeGreaterThanOrEqual(0)),
  ],
  [
    'Keras Dense',
    'buildDenseClassifier({ units: 512 })',
    () =>
      // @ts-expect-error: not an option
      net({ units: 512 }),
    error(
      TypeError,
      /unknown option "units": use hiddenUnits: \[512, 512\], one size per hidden layer\./,
    ),
  ],
  [
    'Keras Input',
    'buildDenseClassifier({ inputShape: [784] })',
    () =>
      // @ts-expect-error: not an option
      net({ inputShape: [784] }),
    error(TypeError, /unknown option "inputShape": use inputSize: 784/),
  ],
  [
    'Keras compile',
    "buildDenseClassifier({ loss: 'mse' })",
    () =>
      // @ts-expect-error: not an option
      net({ loss: 'mse' }),
    error(TypeError, /unknown option "loss": the model is compiled with categorical cross-entropy/),
  ],
  [
    'Keras',
    "buildDenseClassifier({ optimizer: 'RMSprop' })",
    () =>
      // @ts-expect-error: Keras' class name, accepted
      net({ optimizer: 'RMSprop' }),
    any((m) => expect((m as tfl.LayersModel).optimizer.getClassName()).toBe('RMSProp')),
  ],
  [
    'tfjs',
    "createOptimizer('SGDOptimizer')",
    () => {
      const o = createOptimizer('SGDOptimizer' as never);
      const name = o.getClassName();
      o.dispose();
      return name;
    },
    any((n) => expect(n).toBe('SGD')),
  ],
  [
    'Keras utils',
    'normalize(x, { axis: -1 })',
    () =>
      // @ts-expect-error: Keras' utils.normalize option
      normalize([1, 2], { axis: -1 }),
    error(
      TypeError,
      /unknown option "axis": normalize divides by the maximum \(or max\), not Keras' utils\.normalize/,
    ),
  ],
  [
    'Keras fit',
    'fitLinear(x, y, { lr: 0.01 })',
    () =>
      // @ts-expect-error: not an option
      fitLinear([0, 1, 2], [1, 3, 5], { lr: 0.01 }),
    error(TypeError, /^fitLinear: unknown option "lr": use learningRate\. Known options: /),
  ],
  [
    'Keras fit',
    'fitLinear(x, y, { epochs: 500, verbose: 0 })',
    () =>
      // @ts-expect-error: not an option
      fitLinear([0, 1, 2], [1, 3, 5], { epochs: 500, verbose: 0 }),
    error(
      TypeError,
      /unknown option "verbose": the linear functions print nothing; read the returned history\.loss\./,
    ),
  ],
  [
    'Keras',
    'fitLinear({ x, y })',
    () =>
      // @ts-expect-error: one object
      fitLinear({ x: [0, 1], y: [1, 2] }),
    error(
      TypeError,
      /^fitLinear: x is an object with keys x, y; pass x and y as two arguments: fitLinear\(x, y, options\)$/,
    ),
  ],
  [
    'Keras',
    "fitLinear(x, y, { optimizer: 'SGD', epochs: 5 })",
    () =>
      // @ts-expect-error: Keras' class name, accepted
      fitLinear([0, 1, 2], [1, 3, 5], { optimizer: 'SGD', epochs: 5 }),
    any((r) => expect((r as { optimizer: string }).optimizer).toBe('sgd')),
  ],
  [
    'notes',
    'compareOptimizers(x, y, { batchSize: 32 })',
    () =>
      // @ts-expect-error: not an option
      compareOptimizers([0, 1, 2], [1, 3, 5], { batchSize: 32 }),
    error(TypeError, /unknown option "batchSize": every step uses all the points/),
  ],
  [
    'tfjs',
    "selectBackend('wasm') (as tf.setBackend('wasm'))",
    () =>
      // @ts-expect-error: tf.setBackend's shape
      selectBackend('wasm'),
    error(
      TypeError,
      /^selectBackend: options is "wasm"; pass the backends to try as prefer: selectBackend\(\{ prefer: \["wasm"\] \}\)$/,
    ),
  ],
  [
    'Keras',
    'callbacks: [tfl.callbacks.earlyStopping()] without validation data',
    () => fitClassifier(net(), { x: X, y: Y }, { callbacks: [tfl.callbacks.earlyStopping()] }),
    error(
      TypeError,
      /^fitClassifier: callbacks\[0\] stops early on "val_loss", but there is no validation data; expected validationData or validationSplit, or monitor: 'loss'$/,
    ),
  ],
  [
    'tfjs datasets',
    'fitClassifier(model, { xs, ys })',
    () =>
      // @ts-expect-error: tf.data's names
      fitClassifier(net(), { xs: X, ys: Y }),
    error(
      TypeError,
      /^fitClassifier: data has xs and ys \(the names of tfjs' datasets\); expected \{ x, y \}: fitClassifier\(model, \{ x: xs, y: ys \}\)$/,
    ),
  ],
  [
    'Keras fit',
    'fitClassifier(model, { x, y, validationData })',
    () =>
      // @ts-expect-error: an option inside the data
      fitClassifier(net(), { x: X, y: Y, validationData: { x: X, y: Y } }),
    error(
      TypeError,
      /has unknown key "validationData"; expected only x and y \(validationData is an option: fitClassifier\(model, \{ x, y \}, \{ validationData \}\)\)$/,
    ),
  ],
  [
    'tfjs tutorials',
    'callbacks: { onEpochEnd: (epoch, logs) => logs.acc }',
    async () => {
      const seen: unknown[] = [];
      await fitClassifier(
        net(),
        { x: X, y: Y },
        {
          ...quiet,
          validationSplit: 0.25,
          callbacks: {
            onEpochEnd: (_e, logs) => {
              const l = logs as unknown as Record<string, unknown>;
              seen.push(
                l.acc === logs.accuracy,
                l.val_acc === logs.val_accuracy,
                Object.keys(logs),
              );
            },
          },
        },
      );
      return seen;
    },
    any((seen) =>
      expect(seen).toEqual([true, true, ['loss', 'accuracy', 'val_loss', 'val_accuracy']]),
    ),
  ],
  [
    'Keras datasets',
    "loadMnist('./mnist')",
    () =>
      // @ts-expect-error: a folder where the options belong
      loadMnist('./mnist'),
    error(
      TypeError,
      /^loadMnist: options is "\.\/mnist"; pass the folder or URL as source: loadMnist\(\{ source: "\.\/mnist" \}\)$/,
    ),
  ],
  [
    'Keras fit',
    'fitClassifier(model, { x: zeroRows, y })',
    () =>
      fitClassifier(net(), {
        x: { data: new Float32Array(0), shape: [0, 4] },
        y: { data: new Float32Array(0), shape: [0, 2] },
      }),
    error(RangeError, /^fitClassifier: data\.x has 0 rows; expected at least 1$/),
  ],
  [
    'Keras fit',
    'fitClassifier(model, { x: oneRow, y })',
    () => fitClassifier(net(), { x: [[0.1, 0.2, 0.3, 0.4]], y: [[0, 1]] }, quiet),
    trains((t) => expect(Number.isFinite(t.history.loss[0])).toBe(true)),
  ],
  [
    'Keras fit',
    'fitClassifier(model, data, { batchSize: 1000 })',
    () => fitClassifier(net(), { x: X, y: Y }, { ...quiet, batchSize: 1000, epochs: 2 }),
    trains((t) => expect(t.history.loss.every(Number.isFinite)).toBe(true)),
  ],
  [
    'Keras fit',
    'fitClassifier(model, { x, y: oneClassOnly })',
    () => fitClassifier(net(), { x: ROWS, y: ROWS.map(() => [1, 0]) }, quiet),
    trains((t) => expect(t.history.accuracy[0]).toBe(1)),
  ],
];

async function outcomeOf(run: () => unknown): Promise<{ value?: unknown; error?: unknown }> {
  try {
    return { value: await run() };
  } catch (error) {
    return { error };
  }
}

describe.each([
  ['the rows of the first-calls issue', ISSUE_ROWS],
  ['more habits of Keras and TF.js users', MORE_HABITS],
] as const)('%s', (_title, rows) => {
  it.each(rows)('%s: %s', async (_source, _call, run, outcome) => {
    const before = tf.memory().numTensors;
    const { value, error } = await outcomeOf(run);
    for (const m of models.splice(0)) m.dispose();
    if ('throws' in outcome) {
      expect(error, 'expected an error').toBeInstanceOf(outcome.throws);
      expect((error as Error).message).toMatch(outcome.says);
      expect((error as Error).message).not.toMatch(/"kept"|"dataId"|"isDisposedInternal"/);
    } else {
      expect(error, String(error)).toBeUndefined();
      outcome.gives(value);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

it('holds every row of the issue and at least 30 more habits', () => {
  expect(ISSUE_ROWS.length).toBeGreaterThanOrEqual(12);
  expect(MORE_HABITS.length).toBeGreaterThanOrEqual(30);
});
