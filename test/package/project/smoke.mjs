// The smoke script every supported runtime runs (Node 22, 24, 26, Bun, Deno), from the packed
// tarball installed in a fresh project: select a backend, load MNIST, prepare it, train the
// notes' model for an epoch, fit a line, polyfit, save, load, predict. One JSON line out.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import {
  buildDenseClassifier,
  fitClassifier,
  fitLinear,
  flattenImages,
  loadMnist,
  loadModel,
  normalize,
  polyfitBaseline,
  predictClasses,
  saveModel,
  selectBackend,
  releaseBackend,
  toCategorical,
} from 'denselab';

const started = performance.now();
const selection = await selectBackend();
const { train, test } = await loadMnist({ testLimit: 1000 });
const x = tf.tidy(() => flattenImages(normalize(train.images)));
const y = toCategorical(train.labels, 10);
const xv = tf.tidy(() => flattenImages(normalize(test.images)));
const yv = toCategorical(test.labels, 10);
const model = buildDenseClassifier({ seed: 1 });
const fit = await fitClassifier(
  model,
  { x, y },
  { epochs: 1, seed: 1, verbose: 0, validationData: { x: xv, y: yv } },
);

const xs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const ys = [10, 20, 25, 30, 40, 45, 40, 50, 60, 55];
const line = await fitLinear(xs, ys, { seed: 42 });
const poly = polyfitBaseline(xs, ys);

const dir = join(mkdtempSync(join(tmpdir(), 'denselab-smoke-')), 'model');
await saveModel(model, dir);
const loaded = await loadModel(dir);
const [before, after] = [await predictClasses(model, xv), await predictClasses(loaded, xv)];
rmSync(dir, { recursive: true, force: true });
const labels = test.labels;
const accuracy = after.classes.filter((c, i) => c === labels[i]).length / labels.length;
tf.dispose([x, y, xv, yv]);
model.dispose();
loaded.dispose();

const tensors = tf.memory().numTensors;
const seconds = (performance.now() - started) / 1000;

// WebGPU through the `webgpu` package (Dawn), on SwiftShader's Vulkan driver when runtimes.sh
// points VK_ICD_FILENAMES at it: the N-API addon must load and compute in this runtime too.
let webgpuOnSoftware = 'not tried (no VK_ICD_FILENAMES)';
let gpuDevice = 'not tried';

/** A small model trained on the engine's WebGPU device and on its wasm engine: the losses. */
async function trainOnGpuDevice() {
  const losses = {};
  for (const engine of ['webgpu', 'wasm']) {
    const x = tf.tensor2d(
      Array.from({ length: 64 * 8 }, (_, i) => ((i * 7) % 11) / 10),
      [64, 8],
    );
    const y = toCategorical(
      Array.from({ length: 64 }, (_, i) => i % 3),
      3,
    );
    const model = buildDenseClassifier({ inputSize: 8, hiddenUnits: [16], numClasses: 3, seed: 1 });
    const fit = await fitClassifier(
      model,
      { x, y },
      { epochs: 2, batchSize: 16, seed: 1, verbose: 0, engine },
    );
    model.dispose();
    tf.dispose([x, y]);
    if (fit.path.device !== engine) return `trained on ${fit.path.device}, asked for ${engine}`;
    losses[engine] = fit.history.loss;
  }
  const gap = Math.max(
    ...losses.webgpu.map((l, i) => Math.abs(l - losses.wasm[i]) / losses.wasm[i]),
  );
  return gap <= 1e-4 ? 'matches the wasm engine' : `losses ${losses.webgpu} against ${losses.wasm}`;
}
if (process.env.VK_ICD_FILENAMES !== undefined) {
  try {
    await selectBackend({ prefer: ['webgpu'], allowSoftwareAdapter: true });
    const sum = tf.add(tf.tensor([1, 2]), tf.tensor([3, 4]));
    const values = Array.from(await sum.data());
    sum.dispose();
    webgpuOnSoftware = values.join(',') === '4,6' ? 'works' : `computed ${values}`;
    gpuDevice = await trainOnGpuDevice();
  } catch (err) {
    webgpuOnSoftware = `failed: ${err.message}`;
  } finally {
    releaseBackend();
  }
}

console.log(
  JSON.stringify({
    backend: selection.backend,
    webgpu: selection.attempts.find((a) => a.backend === 'webgpu')?.reason ?? null,
    path: fit.path,
    valAccuracy: fit.history.val_accuracy[0],
    lineLoss: line.loss,
    polyMse: poly.loss,
    samePredictions: before.classes.every((c, i) => c === after.classes[i]),
    loadedAccuracy: accuracy,
    tensors,
    seconds,
    webgpuOnSoftware,
    gpuDevice,
  }),
);
