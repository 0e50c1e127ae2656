// The same through require().
const tf = require('@tensorflow/tfjs-core');
const denselab = require('denselab');

(async () => {
  const selection = await denselab.selectBackend();
  const n = 64;
  const images = {
    data: new Uint8Array(n * 28 * 28).map((_, i) => (i * 31) % 256),
    shape: [n, 28, 28],
  };
  const x = tf.tidy(() => denselab.normalize(denselab.flattenImages(images)));
  const y = denselab.toCategorical(
    Array.from({ length: n }, (_, i) => i % 10),
    10,
  );
  const model = denselab.buildDenseClassifier({ hiddenUnits: [32], seed: 1 });
  const { history } = await denselab.fitClassifier(
    model,
    { x, y },
    { epochs: 1, seed: 1, verbose: 0 },
  );
  tf.dispose([x, y]);
  model.dispose();
  console.log(
    JSON.stringify({
      module: 'cjs',
      backend: selection.backend,
      loss: history.loss[0],
      tensors: tf.memory().numTensors,
    }),
  );
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
