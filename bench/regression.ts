/**
 * Lesson 2 figures, side by side in one run (ratios, since shared machines are noisy):
 * - fitLinear, 10,000 full-batch epochs on the notes' 10 points: denselab's default engine,
 *   denselab on the tfjs backend, and a plain tfjs-layers `model.fit` of the same Dense(1).
 * - polyfitBaseline on 10^5 and 10^6 points, degree 1 and 3, beside numpy.polyfit on the same
 *   points (bench/peers/numpy_polyfit.py, when Python has numpy).
 *
 *   npm run bench
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { fitLinear, polyfitBaseline } from 'denselab';

await tf.setBackend('cpu');
const x = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const y = [10, 20, 25, 30, 40, 45, 40, 50, 60, 55];
const EPOCHS = 10_000;

async function time(fn: () => Promise<unknown>, repeats: number): Promise<number> {
  await fn(); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < repeats; i++) await fn();
  return (performance.now() - t0) / repeats;
}

async function plainLayersFit(optimizer: string): Promise<number> {
  const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [1] })] });
  model.compile({ loss: 'meanSquaredError', optimizer });
  const xt = tf.tensor2d(x, [10, 1]);
  const yt = tf.tensor2d(y, [10, 1]);
  const h = await model.fit(xt, yt, { epochs: EPOCHS, verbose: 0, batchSize: 32 });
  tf.dispose([xt, yt]);
  model.dispose();
  return h.history.loss!.at(-1) as number;
}

console.log(
  `machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}, tfjs ${tf.version_core} (${tf.getBackend()} backend)\n`,
);
console.log(`fitLinear, ${EPOCHS} full-batch epochs on 10 points`);
for (const opt of ['sgd', 'rmsprop'] as const) {
  const js = await time(
    () => fitLinear(x, y, { optimizer: opt, epochs: EPOCHS, initial: { m: 0.5 } }),
    5,
  );
  const viaTfjs = await time(
    () => fitLinear(x, y, { optimizer: opt, epochs: EPOCHS, initial: { m: 0.5 }, engine: 'tfjs' }),
    1,
  );
  const plain = await time(() => plainLayersFit(opt), 1);
  console.log(
    `  ${opt.padEnd(8)} denselab ${js.toFixed(1).padStart(7)} ms | denselab on tfjs ${viaTfjs.toFixed(0).padStart(6)} ms (${(viaTfjs / js).toFixed(0)}x slower)` +
      ` | plain layers fit ${plain.toFixed(0).padStart(6)} ms (${(plain / js).toFixed(0)}x slower)`,
  );
}

console.log('\npolyfitBaseline against numpy.polyfit (float64, best of 5, interleaved)');
for (const n of [1e5, 1e6]) {
  const xs = Float64Array.from({ length: n }, (_, i) => i / n);
  const ys = xs.map((v, i) => 3 * v + 1 + Math.sin(i));
  for (const degree of [1, 3]) {
    let best = Infinity;
    for (let r = 0; r < 5; r++) {
      const t0 = performance.now();
      polyfitBaseline(xs, ys, degree);
      best = Math.min(best, performance.now() - t0);
    }
    const numpy = numpyPolyfit(n, degree);
    const peer =
      typeof numpy === 'number'
        ? `numpy ${numpy.toFixed(1).padStart(6)} ms, numpy/denselab ${(numpy / best).toFixed(2)}x`
        : `numpy: ${numpy}`;
    console.log(
      `  ${n.toExponential(0).padStart(5)} points, degree ${degree}: denselab ${best.toFixed(1).padStart(6)} ms | ${peer}`,
    );
  }
}

/** numpy.polyfit on the same points in Debian's Python, or why it could not run. */
function numpyPolyfit(n: number, degree: number): number | string {
  for (const python of ['python3', '/usr/bin/python3']) {
    try {
      const out = execFileSync(
        python,
        ['bench/peers/numpy_polyfit.py', String(n), String(degree)],
        {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      return (JSON.parse(out.trim()) as { ms: number }).ms;
    } catch {
      // try the next Python
    }
  }
  return 'numpy is not installed (Debian: apt-get install python3-numpy)';
}
