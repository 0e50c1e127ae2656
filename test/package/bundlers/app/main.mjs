// A browser app as a user writes it: denselab imported by name (the bundler picks the package's
// "browser" build), no wasm configuration, real MNIST (served at /mnist/), the notes' network.
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

async function main() {
  const selection = await selectBackend();
  const { train } = await loadMnist({ source: '/mnist/', trainLimit: 2048, testLimit: 0 });
  const x = tf.tidy(() => flattenImages(normalize(train.images)));
  const y = toCategorical(train.labels, 10);
  const model = buildDenseClassifier({ seed: 1 });
  const started = performance.now();
  const { history, path } = await fitClassifier(model, { x, y }, { epochs: 1, verbose: 0 });
  const trainMs = performance.now() - started;
  tf.dispose([x, y]);
  model.dispose();
  return {
    backend: selection.backend,
    summary: selection.summary,
    engine: path.engine,
    threads: path.threads,
    loss: history.loss[0],
    accuracy: history.accuracy?.[0],
    trainMs,
  };
}

main().then(
  (r) => (window.__result = r),
  (e) => (window.__result = { error: String(e && e.stack ? e.stack : e) }),
);
