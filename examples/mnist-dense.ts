/**
 * Experiment 1: the notes' dense MNIST classifier, end to end.
 *
 *   npm run example:mnist-dense                  # the full experiment: 60,000 images, 5 epochs
 *   npm run example:mnist-dense -- --quick       # 2,000 images, 1 epoch (what CI runs)
 *   npm run example:mnist-dense -- --epochs 2 --train-limit 10000 --backend cpu --seed 7
 *
 * Writes the loss and accuracy plots, the figures, and the trained model (TF.js layers
 * format, loadable with loadModel or in a browser) to out/mnist-dense/.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import {
  buildDenseClassifier,
  fitClassifier,
  flattenImages,
  loadMnist,
  normalize,
  releaseBackend,
  saveModel,
  selectBackend,
  toCategorical,
  type BackendName,
} from 'denselab';
import { exampleArgs, writeFigures, writeSvg } from './lib/cli';
import { MNIST_NOTES } from './lib/notes';
import { curveChart } from 'denselab/notebook';

const args = exampleArgs('mnist-dense');
const epochs = args.epochs ?? (args.quick ? 1 : 5);
const trainLimit = args.trainLimit ?? (args.quick ? 2000 : undefined);
const testLimit = args.testLimit ?? (args.quick ? 500 : undefined);
const seed = args.seed;

// WebGPU when a real GPU is there, else wasm (about 5x faster than cpu here); --backend or
// DENSELAB_BACKEND=cpu chooses one.
const selection = await selectBackend(
  args.backend === undefined ? {} : { prefer: [args.backend as BackendName] },
);
console.log(`backend: ${selection.backend}\n${selection.summary}`);

// (x_train, y_train), (x_valid, y_valid) = mnist.load_data()
const { train, test } = await loadMnist({ trainLimit, testLimit });
// Divide by the maximum, flatten 28x28 to 784, one-hot encode 10 classes. (The notes flatten
// first; normalizing the uint8 arrays first gives the same values and reads no tensor back,
// which the WebGPU backend cannot do synchronously.)
const xTrain = tf.tidy(() => flattenImages(normalize(train.images)));
const xValid = tf.tidy(() => flattenImages(normalize(test.images)));
const yTrain = toCategorical(train.labels, 10);
const yValid = toCategorical(test.labels, 10);
console.log(`x_train ${JSON.stringify(xTrain.shape)}, x_valid ${JSON.stringify(xValid.shape)}`);

// Dense(512, relu) -> Dense(512, relu) -> Dense(10, softmax); categorical cross-entropy,
// accuracy, and Keras' default optimizer (RMSprop, lr 0.001).
const model = buildDenseClassifier({ seed });
model.summary();

const epochTimes: number[] = [];
let epochStart = 0;
const { history } = await fitClassifier(
  model,
  { x: xTrain, y: yTrain },
  {
    epochs,
    seed,
    verbose: 1,
    validationData: { x: xValid, y: yValid },
    callbacks: {
      onEpochBegin: () => void (epochStart = performance.now()),
      onEpochEnd: () => void epochTimes.push((performance.now() - epochStart) / 1000),
    },
  },
);

// tf.model.get_weights()
console.log(
  `\nweights: ${model
    .getWeights()
    .map((w) => JSON.stringify(w.shape))
    .join(' ')}`,
);

const notes = MNIST_NOTES;
const f = (v: number | undefined): string => (v === undefined ? '     -' : v.toFixed(4));
console.log(
  `\n${trainLimit ?? 60000} training images, ${testLimit ?? 10000} validation images, seed ${seed}`,
);
console.log(
  'epoch | ours: loss   acc    val_loss val_acc  time   | notes: loss   acc    val_loss val_acc',
);
for (let e = 0; e < epochs; e++) {
  const n = notes[e];
  console.log(
    `${String(e + 1).padStart(5)} |       ${f(history.loss[e])} ${f(history.accuracy[e])} ${f(history.val_loss?.[e])}   ${f(history.val_accuracy?.[e])} ${(epochTimes[e] ?? 0).toFixed(0).padStart(4)}s  |        ${f(n?.[0])} ${f(n?.[1])} ${f(n?.[2])}   ${f(n?.[3])}`,
  );
}

const modelDir = join(args.out, 'model');
const saved = await saveModel(model, modelDir, { overwrite: true });
const files = [
  await writeSvg(
    args.out,
    'loss',
    curveChart(
      'Loss per epoch',
      [
        { name: 'training', values: history.loss },
        { name: 'validation', values: history.val_loss ?? [] },
        { name: 'notes: training', values: notes.slice(0, epochs).map((n) => n[0]) },
        { name: 'notes: validation', values: notes.slice(0, epochs).map((n) => n[2]) },
      ],
      { yTitle: 'categorical cross-entropy' },
    ),
  ),
  await writeSvg(
    args.out,
    'accuracy',
    curveChart(
      'Accuracy per epoch',
      [
        { name: 'training', values: history.accuracy },
        { name: 'validation', values: history.val_accuracy ?? [] },
        { name: 'notes: training', values: notes.slice(0, epochs).map((n) => n[1]) },
        { name: 'notes: validation', values: notes.slice(0, epochs).map((n) => n[3]) },
      ],
      { yTitle: 'accuracy' },
    ),
  ),
  writeFigures(args.out, {
    experiment: 1,
    backend: selection.backend,
    seed,
    epochs,
    trainSamples: xTrain.shape[0],
    validationSamples: xValid.shape[0],
    history,
    secondsPerEpoch: epochTimes,
    notes,
  }),
];
console.log(`\nwrote ${files.join(', ')}`);
console.log(
  `saved the trained model to ${modelDir} (${saved.files.length} files); load it with loadModel()`,
);

model.dispose();
tf.dispose([xTrain, xValid, yTrain, yValid]);
releaseBackend(); // lets Node exit when training ran on WebGPU
