// A small browser app as users write it: it imports denselab by name (the bundler picks the
// package's "browser" build), selects a backend and trains a tiny classifier.
import * as tf from '@tensorflow/tfjs-core';
import { buildDenseClassifier, fitClassifier, selectBackend, toCategorical } from 'denselab';

async function main() {
  const selection = await selectBackend({ wasmPaths: '/wasm/' });
  const x = tf.tensor2d(
    Array.from({ length: 24 * 8 }, (_, i) => ((i * 37) % 11) / 10),
    [24, 8],
  );
  const y = toCategorical(
    Array.from({ length: 24 }, (_, i) => i % 3),
    3,
  );
  const model = buildDenseClassifier({ inputSize: 8, hiddenUnits: [16], numClasses: 3, seed: 3 });
  const { history, path } = await fitClassifier(
    model,
    { x, y },
    { epochs: 3, batchSize: 8, verbose: 0 },
  );
  tf.dispose([x, y]);
  model.dispose();
  return { backend: selection.backend, losses: history.loss, engine: path.engine };
}

main().then(
  (r) => (window.__result = r),
  (e) => (window.__result = { error: String(e && e.stack ? e.stack : e) }),
);
