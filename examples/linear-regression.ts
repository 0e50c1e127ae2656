/**
 * Lesson 2: fit the notes' line with SGD (experiment 2), with Keras' default optimizer
 * (experiment 3), in closed form (experiment 4), and compare optimizers (experiment 5).
 *
 *   npm run example:linear-regression
 *   npm run example:linear-regression -- --seed 7 --epochs 3000
 */
import { parseArgs } from 'node:util';
import { compareOptimizers, fitLinear, polyfitBaseline } from 'denselab';

const { values: args } = parseArgs({
  options: {
    seed: { type: 'string', default: '42' },
    epochs: { type: 'string', default: '10000' },
  },
});
const seed = Number(args.seed);
const longRun = Number(args.epochs);

const x = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const y = [10, 20, 25, 30, 40, 45, 40, 50, 60, 55];
const row = (name: string, m: number, b: number, loss: number, notes: string): string =>
  `${name.padEnd(34)} m ${m.toFixed(4).padStart(8)}  b ${b.toFixed(4).padStart(8)}  loss ${loss.toFixed(4).padStart(9)}   notes: ${notes}`;

let t0 = performance.now();
const sgd = await fitLinear(x, y, { seed });
const tSgd = performance.now() - t0;
t0 = performance.now();
const rms = await fitLinear(x, y, { optimizer: 'rmsprop', epochs: longRun, seed });
const tRms = performance.now() - t0;
const poly = polyfitBaseline(x, y);
const [pm = NaN, pb = NaN] = poly.coefficients;

console.log(`seed ${seed}: Keras-style start m = ${sgd.initial.m.toFixed(4)}, b = 0\n`);
console.log(row('2. SGD lr 0.01, 500 epochs', sgd.m, sgd.b, sgd.loss, 'loss about 15'));
console.log(row(`3. RMSprop lr 0.001, ${longRun} epochs`, rms.m, rms.b, rms.loss, 'loss 20 to 25'));
console.log(row('4. polyfit (closed form)', pm, pb, poly.mse, 'loss about 14'));
console.log(`   numpy.polyfit: m 5.121212121212121, b 14.454545454545448, loss 14.87878787878788`);
console.log(
  `\n(fitLinear: ${tSgd.toFixed(0)} ms for 500 epochs, ${tRms.toFixed(0)} ms for ${longRun})\n`,
);

t0 = performance.now();
const cmp = await compareOptimizers(x, y, { seed, epochs: longRun });
console.log(
  `5. optimizers from the same start, ${longRun} epochs each (${(performance.now() - t0).toFixed(0)} ms):`,
);
for (const run of cmp.runs) {
  const at = (e: number) => (run.loss[e - 1] ?? NaN).toFixed(2).padStart(9);
  console.log(
    `   ${run.name.padEnd(9)} loss@100 ${at(100)}  @1000 ${at(1000)}  @3500 ${at(3500)}  final ${run.finalLoss.toFixed(4).padStart(10)}  lowest at epoch ${run.bestEpoch}`,
  );
}
console.log(`   winner: ${cmp.winner} (the notes: SGD does best on this tiny problem)`);
