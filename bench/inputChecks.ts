/**
 * What fitClassifier's input checks cost against what they guard: the checks of the whole
 * training set and validation set (shapes, one-hot labels, every value finite, as
 * `fitClassifier` runs them once per call) beside one epoch of the notes' model on the same
 * data (60,000 images, batch 32, validation on 10,000), in one run on the backend
 * `selectBackend()` picks. Medians of interleaved rounds.
 *
 *   npm run bench            (all benchmarks)
 *   npx tsx bench/inputChecks.ts --rounds 3
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import {
  buildDenseClassifier,
  fitClassifier,
  flattenImages,
  loadMnist,
  normalize,
  selectBackend,
  toCategorical,
} from 'denselab';
import { checkData, modelLoss } from '../src/model/classifierInputs';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' } } });
const rounds = Number(values.rounds);

const { backend } = await selectBackend();
const { train, test } = await loadMnist();
const prep = (images: typeof train.images, labels: typeof train.labels) =>
  tf.tidy(() => ({ x: flattenImages(normalize(images)), y: toCategorical(labels, 10) }));
const data = prep(train.images, train.labels);
const validationData = prep(test.images, test.labels);
const model = buildDenseClassifier({ seed: 1 });

async function checks(): Promise<number> {
  const t0 = performance.now();
  const loss = modelLoss('fitClassifier', model);
  await checkData('fitClassifier', model, loss, data, 'data');
  await checkData('fitClassifier', model, loss, validationData, 'validationData');
  return performance.now() - t0;
}

async function epoch(): Promise<number> {
  const t0 = performance.now();
  await fitClassifier(model, data, { epochs: 1, validationData, verbose: 0, seed: 1 });
  return performance.now() - t0;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
const checkTimes: number[] = [];
const epochTimes: number[] = [];
await checks(); // warm-up: the reductions' kernels
for (let r = 0; r < rounds; r++) {
  checkTimes.push(await checks());
  epochTimes.push(await epoch());
}
const c = median(checkTimes);
const e = median(epochTimes);
console.log(
  `\ninput checks of fitClassifier (${backend}, ${os.cpus()[0]?.model.trim()}, ${os.cpus().length} cores, ${rounds} rounds)`,
);
console.log(`  checks of 60,000 + 10,000 rows   ${c.toFixed(1).padStart(8)} ms`);
console.log(`  one epoch with validation         ${e.toFixed(0).padStart(8)} ms`);
console.log(`  checks / epoch                    ${((100 * c) / e).toFixed(2).padStart(8)} %`);
tf.dispose([data.x, data.y, validationData.x, validationData.y]);
model.dispose();
