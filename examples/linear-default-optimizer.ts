/**
 * Experiment 3: the same model with Keras' default optimizer (RMSprop, lr 0.001) for 10,000
 * epochs. The notes report a loss of 20 to 25: worse than SGD in 500 epochs.
 *
 *   npm run example:linear-default-optimizer [-- --seed 7 --epochs 10000 --out out]
 */
import { fitLinear } from 'denselab';
import { curveChart, fitChart } from 'denselab/notebook';
import { exampleArgs, writeFigures, writeSvg } from './lib/cli';
import { NUMPY, X, Y } from './lib/notes';

const args = exampleArgs('linear-default-optimizer');
const epochs = args.epochs ?? 10_000;
const started = performance.now();
const fit = await fitLinear(X, Y, { optimizer: 'rmsprop', epochs, seed: args.seed });
const ms = performance.now() - started;

console.log(
  `Experiment 3: Dense(1), MSE, RMSprop lr 0.001 (Keras' default), ${epochs} epochs, seed ${args.seed}`,
);
console.log(
  `m = ${fit.m.toFixed(4)}, b = ${fit.b.toFixed(4)}, loss = ${fit.loss.toFixed(4)}   (notes: loss 20 to 25)`,
);
console.log(`numpy.polyfit, the best line: loss = ${NUMPY.loss}`);
console.log(`${epochs} epochs in ${ms.toFixed(0)} ms`);

const files = [
  await writeSvg(
    args.out,
    'fit',
    fitChart('RMSprop, lr 0.001', X, Y, [
      { name: `RMSprop (loss ${fit.loss.toFixed(2)})`, predict: fit.predict },
    ]),
  ),
  await writeSvg(
    args.out,
    'loss',
    curveChart('MSE per epoch, RMSprop', [{ name: 'rmsprop', values: fit.history.loss }], {
      yTitle: 'loss (log)',
      log: true,
    }),
  ),
  writeFigures(args.out, {
    experiment: 3,
    optimizer: 'rmsprop',
    learningRate: 0.001,
    epochs,
    seed: args.seed,
    m: fit.m,
    b: fit.b,
    loss: fit.loss,
    initial: fit.initial,
    notes: { loss: [20, 25] },
    lossPerEpoch: fit.history.loss,
  }),
];
console.log(`wrote ${files.join(', ')}`);
