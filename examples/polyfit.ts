/**
 * Experiment 4: the closed-form baseline, numpy.polyfit(x, y, 1), next to the two trained
 * lines of experiments 2 and 3 (same seed), as the notes plot them.
 *
 *   npm run example:polyfit [-- --seed 7 --out out]
 */
import { fitLinear, polyfitBaseline } from 'denselab';
import { fitChart } from 'denselab/notebook';
import { exampleArgs, writeFigures, writeSvg } from './lib/cli';
import { NUMPY, X, Y } from './lib/notes';

const args = exampleArgs('polyfit');
const poly = polyfitBaseline(X, Y, 1);
const [m = NaN, b = NaN] = poly.coefficients;
console.log('Experiment 4: numpy.polyfit(x, y, 1) in float64');
console.log(`m = ${m}, b = ${b}, loss = ${poly.loss}   (notes: loss about 14)`);
console.log(`numpy:  m = ${NUMPY.m}, b = ${NUMPY.b}, loss = ${NUMPY.loss}`);
const rel = Math.max(Math.abs(m - NUMPY.m) / NUMPY.m, Math.abs(b - NUMPY.b) / NUMPY.b);
console.log(`largest relative difference from numpy: ${rel.toExponential(1)}`);

const sgd = await fitLinear(X, Y, { seed: args.seed, epochs: args.quick ? 500 : 500 });
const rms = await fitLinear(X, Y, {
  optimizer: 'rmsprop',
  epochs: args.quick ? 2000 : 10_000,
  seed: args.seed,
});
const files = [
  await writeSvg(
    args.out,
    'fit',
    fitChart('The notes data and three lines', X, Y, [
      { name: `polyfit (loss ${poly.loss.toFixed(2)})`, predict: poly.predict },
      { name: `SGD (loss ${sgd.loss.toFixed(2)})`, predict: sgd.predict },
      { name: `RMSprop (loss ${rms.loss.toFixed(2)})`, predict: rms.predict },
    ]),
  ),
  writeFigures(args.out, {
    experiment: 4,
    m,
    b,
    loss: poly.loss,
    numpy: NUMPY,
    relativeDifference: rel,
    sgd: { m: sgd.m, b: sgd.b, loss: sgd.loss },
    rmsprop: { m: rms.m, b: rms.b, loss: rms.loss, epochs: rms.history.loss.length },
  }),
];
console.log(`wrote ${files.join(', ')}`);
