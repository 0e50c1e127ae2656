/**
 * selectBackend() and a short training as a user runs them, on a lent GPU machine
 * (`bash bench/gpu-device.sh quiet`): stdout gets one JSON line (the selection, the losses,
 * the seconds), and stderr must stay empty, with the GPU's Vulkan driver shown to Dawn and
 * without it.
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
  const model = buildDenseClassifier({ seed: 1 });
  const { history, path } = await fitClassifier(model, { x, y }, { epochs: 1, verbose: 0 });
  tf.dispose([x, y]);
  model.dispose();
  releaseBackend();
  console.log(
    JSON.stringify({
      summary: selection.summary,
      backend: selection.backend,
      selectSeconds,
      engine: path.engine,
      loss: history.loss[0],
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
