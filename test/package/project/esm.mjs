// A user's ESM script: import the installed package, select a backend, prepare MNIST-shaped
// arrays, train one epoch of a small classifier.
import * as tf from '@tensorflow/tfjs-core';
import {
  buildDenseClassifier,
  fitClassifier,
  flattenImages,
  normalize,
  selectBackend,
  toCategorical,
} from 'denselab';

const selection = await selectBackend();
const n = 64;
const images = {
  data: new Uint8Array(n * 28 * 28).map((_, i) => (i * 31) % 256),
  shape: [n, 28, 28],
};
const labels = Array.from({ length: n }, (_, i) => i % 10);
const x = tf.tidy(() => normalize(flattenImages(images)));
const y = toCategorical(labels, 10);
const model = buildDenseClassifier({ hiddenUnits: [32], seed: 1 });
const { history } = await fitClassifier(model, { x, y }, { epochs: 1, seed: 1, verbose: 0 });
tf.dispose([x, y]);
model.dispose();
console.log(
  JSON.stringify({
    module: 'esm',
    backend: selection.backend,
    webgpu: selection.attempts[0],
    loss: history.loss[0],
    tensors: tf.memory().numTensors,
  }),
);
