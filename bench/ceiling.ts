/**
 * The WebAssembly SIMD ceiling of this host: a loop of 12 independent f32x4 multiply-add
 * chains (plain mul + add, and relaxed SIMD's fused madd where it validates), best of 5 runs,
 * in GFLOP/s on one core. The dense engine's step is compared with it.
 */
import { encodeModule, hasRelaxedSimd, I32, op, V128 } from '../src/wasm/encoder';

const CHAINS = 12;

function chainsModule(relaxed: boolean): Uint8Array<ArrayBuffer> {
  const [n, i, x, y] = [0, 1, 2, 3];
  const acc = (k: number): number => 4 + k;
  const body: (number[] | readonly number[])[] = [
    op.f32Zero,
    op.f32x4Splat,
    op.set(y),
    [0x43, 0, 0, 0x80, 0x3f],
    op.f32x4Splat,
    op.set(x), // 1.0
    op.i32(0),
    op.set(i),
    op.block,
    op.loop,
    op.get(i),
    op.get(n),
    op.i32GeU,
    op.brIf(1),
  ];
  for (let k = 0; k < CHAINS; k++) {
    body.push(
      ...(relaxed
        ? [op.get(acc(k)), op.get(x), op.get(y), op.f32x4RelaxedMadd, op.set(acc(k))]
        : [op.get(acc(k)), op.get(x), op.f32x4Mul, op.get(y), op.f32x4Add, op.set(acc(k))]),
    );
  }
  body.push(op.get(i), op.i32(1), op.i32Add, op.set(i), op.br(0), op.end, op.end);
  // Store the chains so that no engine can drop the loop as dead code.
  for (let k = 0; k < CHAINS; k++) body.push(op.i32(16 * k), op.get(acc(k)), op.v128Store);
  return encodeModule(
    [
      {
        name: 'run',
        params: [I32],
        locals: [I32, V128, V128, ...new Array<number>(CHAINS).fill(V128)],
        body,
      },
    ],
    false,
  );
}

/** GFLOP/s of the chains on one core, or undefined where relaxed SIMD does not validate. */
export function wasmCeiling(relaxed: boolean): number | undefined {
  if (relaxed && !hasRelaxedSimd()) return undefined;
  const memory = new WebAssembly.Memory({ initial: 1 });
  const run = new WebAssembly.Instance(new WebAssembly.Module(chainsModule(relaxed)), {
    env: { memory },
  }).exports.run as (n: number) => void;
  const n = 2e7;
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    run(n);
    best = Math.min(best, performance.now() - t);
  }
  return (n * CHAINS * 4 * 2) / best / 1e6;
}

/**
 * GFLOP/s of the chains on `threads` cores at once (worker threads, each its own chains, timed
 * together): the peak the engine's threads share. Best of 5 runs.
 */
export async function wasmCeilingThreads(threads: number): Promise<number | undefined> {
  if (!hasRelaxedSimd()) return undefined;
  const { Worker } = await import('node:worker_threads');
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    const memory = new WebAssembly.Memory({ initial: 1 });
    const run = new WebAssembly.Instance(new WebAssembly.Module(workerData), { env: { memory } }).exports.run;
    run(1e6);
    parentPort.on('message', (n) => { run(n); parentPort.postMessage(0); });`;
  const workers = Array.from(
    { length: threads },
    () => new Worker(source, { eval: true, workerData: chainsModule(true) }),
  );
  const n = 2e7;
  const once = (w: InstanceType<typeof Worker>): Promise<void> =>
    new Promise((resolve) => {
      w.once('message', () => resolve());
      w.postMessage(n);
    });
  let best = Infinity;
  try {
    for (let r = 0; r < 5; r++) {
      const t = performance.now();
      await Promise.all(workers.map(once));
      best = Math.min(best, performance.now() - t);
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return (threads * n * CHAINS * 4 * 2) / best / 1e6;
}
