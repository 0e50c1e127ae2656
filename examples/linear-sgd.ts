/**
 * Experiment 2: fit the notes' line with one Dense unit, MSE and SGD (lr 0.01, 500 epochs).
 * The notes report a loss of about 15.
 *
 *   npm run example:linear-sgd [-- --seed 7 --epochs 500 --out out]
 */
import { fitLinear } from 'denselab';
import { curveChart, fitChart } from 'denselab/notebook';
import { exampleArgs, writeFigures, writeSvg } from './lib/cli';
import { NUMPY, X, Y } from './lib/notes';

const args = exampleArgs('linear-sgd');
const epochs = args.epochs ?? 500;
const fit = await fitLinear(X, Y, {
  optimizer: 'sgd',
  learningRate: 0.01,
  epochs,
  seed: args.seed,
});

console.log(`Experiment 2: Dense(1), MSE, SGD lr 0.01, ${epochs} epochs, seed ${args.seed}`);
console.log(
  `start: m = ${fit.initial.m.toFixed(4)}, b = 0 (Keras' glorot-uniform kernel, zero bias)`,
);
console.log(
  `m = ${fit.m.toFixed(4)}, b = ${fit.b.toFixed(4)}, loss = ${fit.loss.toFixed(4)}   (notes: loss about 15)`,
);
console.log(`numpy.polyfit, the best line: m = ${NUMPY.m}, b = ${NUMPY.b}, loss = ${NUMPY.loss}`);

const files = [
  await writeSvg(
    args.out,
    'fit',
    fitChart('SGD, lr 0.01', X, Y, [
      { name: `SGD (loss ${fit.loss.toFixed(2)})`, predict: fit.predict },
    ]),
  ),
  await writeSvg(
    args.out,
    'loss',
    curveChart('MSE per epoch, SGD', [{ name: 'sgd', values: fit.history.loss }], {
      yTitle: 'loss (log)',
      log: true,
    }),
  ),
  writeFigures(args.out, {
    experiment: 2,
    optimizer: 'sgd',
    learningRate: 0.01,
    epochs,
    seed: args.seed,
    m: fit.m,
    b: fit.b,
    loss: fit.loss,
    initial: fit.initial,
    notes: { loss: 15 },
    lossPerEpoch: fit.history.loss,
  }),
];
console.log(`wrote ${files.join(', ')}`);
