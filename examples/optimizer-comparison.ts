/**
 * Experiment 5: every optimizer from the same start on the notes' data, loss against epochs.
 * The notes: SGD does best on this tiny problem; Adam reaches its lowest loss around 3,500.
 *
 *   npm run example:optimizer-comparison [-- --seed 7 --epochs 10000 --out out]
 */
import { compareOptimizers } from 'denselab';
import { curveChart } from 'denselab/notebook';
import { exampleArgs, writeFigures, writeSvg } from './lib/cli';
import { NUMPY, X, Y } from './lib/notes';

const args = exampleArgs('optimizer-comparison');
const epochs = args.epochs ?? (args.quick ? 3000 : 10_000);
const started = performance.now();
const cmp = await compareOptimizers(X, Y, { epochs, seed: args.seed });
const ms = performance.now() - started;

console.log(
  `Experiment 5: ${cmp.runs.length} optimizers, Keras' defaults, ${epochs} epochs each, same start (m = ${cmp.initial.m.toFixed(4)}, b = 0), ${ms.toFixed(0)} ms`,
);
console.log('optimizer   lowest loss   at epoch   final loss');
for (const run of cmp.runs) {
  console.log(
    `${run.optimizer.padEnd(10)} ${run.bestLoss.toFixed(4).padStart(12)} ${String(run.bestEpoch).padStart(10)} ${run.loss.toFixed(4).padStart(12)}`,
  );
}
console.log(
  `best: ${cmp.best.join(' and ')}${cmp.best.length > 1 ? ' (tied within 1e-9)' : ''}   (notes: SGD does best; the least-squares loss is ${NUMPY.loss.toFixed(4)})`,
);

const files = [
  await writeSvg(
    args.out,
    'loss',
    curveChart(
      `Loss per epoch by optimizer (seed ${args.seed})`,
      cmp.runs.map((r) => ({ name: r.optimizer, values: r.history.loss })),
      { yTitle: 'MSE (log)', log: true, logEpochs: true },
    ),
  ),
  writeFigures(args.out, {
    experiment: 5,
    epochs,
    seed: args.seed,
    initial: cmp.initial,
    best: cmp.best,
    runs: cmp.runs.map((r) => ({
      optimizer: r.optimizer,
      bestEpoch: r.bestEpoch,
      bestLoss: r.bestLoss,
      loss: r.loss,
      m: r.m,
      b: r.b,
    })),
  }),
];
console.log(`wrote ${files.join(', ')}`);
