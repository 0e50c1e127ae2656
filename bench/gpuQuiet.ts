/**
 * selectBackend() and a short training as a user runs them, on a lent GPU machine
 * (`bash bench/gpu-device.sh quiet`): stdout gets one JSON line (the selection, then for batch
 * 32 and 512 the device fitClassifier chose by timing and its reason, the loss, the seconds),
 * and stderr must stay empty, with the GPU's Vulkan driver shown to Dawn and without it.
 *
 *   node quiet.cjs <mnist folder>
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  buildDenseClassifier,
  fitClassifier,
  flattenImages,
  loadMnist,
  normalize,
  releaseBackend,
  selectBackend,
  toCategorical,
} from '../src/index';

async function main(): Promise<void> {
  const began = performance.now();
  const selection = await selectBackend();
  const selectSeconds = (performance.now() - began) / 1000;
  const { train } = await loadMnist({ source: process.argv[2], trainLimit: 2048, testLimit: 0 });
  const x = tf.tidy(() => flattenImages(normalize(train.images)));
  const y = toCategorical(train.labels, 10);
  // fitClassifier times both devices on a GPU backend and trains on the faster: at the notes'
  // batch size and at a large one.
  const runs = [];
  for (const batchSize of [32, 512]) {
    const model = buildDenseClassifier({ seed: 1 });
    const started = performance.now();
    const { history, path } = await fitClassifier(
      model,
      { x, y },
      { epochs: 1, verbose: 0, batchSize },
    );
    const fitSeconds = (performance.now() - started) / 1000;
    runs.push({
      batchSize,
      engine: path.engine,
      reason: path.reason,
      loss: history.loss[0],
      fitSeconds,
    });
    model.dispose();
  }
  tf.dispose([x, y]);
  releaseBackend();
  console.log(
    JSON.stringify({
      summary: selection.summary,
      backend: selection.backend,
      selectSeconds,
      runs,
      seconds: (performance.now() - began) / 1000,
    }),
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.log(JSON.stringify({ error: String((err as Error).stack ?? err) }));
    process.exit(1);
  },
);
