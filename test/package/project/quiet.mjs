// Quiet on every machine: selectBackend and a short training print nothing to stderr, run by
// runtimes.sh under each runtime (a) without a Vulkan loader, (b) with the machine's Mesa
// drivers, (c) with SwiftShader allowed (argument "software"). stdout: the chosen backend.
import * as tf from '@tensorflow/tfjs-core';
import {
  buildDenseClassifier,
  fitClassifier,
  releaseBackend,
  selectBackend,
  toCategorical,
} from 'denselab';

const selection = await selectBackend({ allowSoftwareAdapter: process.argv[2] === 'software' });
const x = tf.tensor2d(
  Array.from({ length: 64 * 8 }, (_, i) => ((i * 37) % 11) / 10),
  [64, 8],
);
const y = toCategorical(
  Array.from({ length: 64 }, (_, i) => i % 3),
  3,
);
const model = buildDenseClassifier({ inputSize: 8, hiddenUnits: [16], numClasses: 3, seed: 3 });
const { history } = await fitClassifier(model, { x, y }, { epochs: 2, verbose: 0 });
tf.dispose([x, y]);
model.dispose();
releaseBackend();
console.log(JSON.stringify({ backend: selection.backend, loss: history.loss.at(-1) }));
