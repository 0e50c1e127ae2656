/**
 * Lesson 1, data preparation: load MNIST, flatten, normalize, one-hot encode.
 *
 *   npm run example:data-preparation
 *   npm run example:data-preparation -- --train-limit 1000
 */
import * as tf from '@tensorflow/tfjs-core';
import { flattenImages, loadMnist, normalize, selectBackend, toCategorical } from 'denselab';

import { exampleArgs } from './lib/cli';

const args = exampleArgs('data-preparation');
await selectBackend(args.backend === undefined ? {} : { prefer: [args.backend as 'wasm'] });

const started = performance.now();
const { train, test } = await loadMnist({
  trainLimit: args.trainLimit ?? (args.quick ? 5000 : undefined),
  testLimit: args.testLimit ?? (args.quick ? 1000 : undefined),
});
console.log(`loaded MNIST in ${(performance.now() - started).toFixed(0)} ms`);
console.log(
  `x_train ${JSON.stringify(train.images.shape)} uint8, y_train [${train.labels.length}]`,
);
console.log(`x_valid ${JSON.stringify(test.images.shape)} uint8, y_valid [${test.labels.length}]`);
console.log(`first training labels: ${train.labels.subarray(0, 10).join(' ')}`);

// x / x.max(), (28x28) => (784), to_categorical(y, 10): the notes' three steps (normalizing
// the uint8 arrays before flattening gives the same values and works on every backend).
const xTrain = tf.tidy(() => flattenImages(normalize(train.images)));
const xValid = tf.tidy(() => flattenImages(normalize(test.images)));
const yTrain = toCategorical(train.labels, 10);
const yValid = toCategorical(test.labels, 10);

const range = tf.tidy(() => tf.stack([tf.min(xTrain), tf.max(xTrain)]));
const [lo, hi] = await range.data();
range.dispose();
console.log(`x_train ${JSON.stringify(xTrain.shape)} ${xTrain.dtype}, values in [${lo}, ${hi}]`);
console.log(
  `y_train ${JSON.stringify(yTrain.shape)} ${yTrain.dtype}, first row ${JSON.stringify((yTrain.arraySync() as number[][])[0])}`,
);
console.log(`x_valid ${JSON.stringify(xValid.shape)}, y_valid ${JSON.stringify(yValid.shape)}`);

tf.dispose([xTrain, xValid, yTrain, yValid]);
console.log(`tensors left: ${tf.memory().numTensors}`);
