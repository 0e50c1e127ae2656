/**
 * Keras' `fit` arguments on fitClassifier's two paths (the dense engine and tfjs):
 *
 * - `validationSplit` as Keras computes it. The reference is Keras' `train_validation_split`
 *   (keras/src/trainers/data_adapters/data_adapter_utils.py, the same rule in Keras 2's
 *   training utilities and in tfjs-layers' `fit`): `split_at = floor(N * (1 - split))`; rows
 *   `[0, split_at)` train and rows `[split_at, N)` validate, taken before any shuffling; a
 *   split that leaves either side empty is an error.
 * - tfjs-layers callback objects, early stopping among them: it stops where tfjs' own
 *   `model.fit` would, and leaves the weights of the last epoch that ran (tfjs' EarlyStopping
 *   restores nothing, and neither does fitClassifier).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDenseClassifier, evaluateClassifier, fitClassifier, toCategorical } from 'denselab';

const N = 10;
const X = tf.tensor2d(
  Array.from({ length: N * 4 }, (_, i) => Math.sin(i * 1.7) * 0.5 + 0.5),
  [N, 4],
);
const LABELS = [0, 1, 1, 0, 1, 0, 0, 1, 1, 0];
const Y = toCategorical(LABELS, 2);
afterAll(() => tf.dispose([X, Y]));
const net = (): tfl.Sequential =>
  buildDenseClassifier({
    inputSize: 4,
    hiddenUnits: [5],
    numClasses: 2,
    seed: 3,
    optimizer: 'adam',
    learningRate: 0.05,
  });

describe.each(['auto', 'tfjs'] as const)("validationSplit (engine: '%s')", (engine) => {
  it.each([
    [0.25, 7],
    [0.1, 9],
    [0.5, 5],
    [0.35, 6],
  ])(
    'split %f of 10 rows trains on the first %i and validates on the rest',
    async (split, trainRows) => {
      expect(trainRows).toBe(Math.floor(N * (1 - split))); // Keras' rule, stated
      const before = tf.memory().numTensors;
      const model = net();
      const sizes: number[] = [];
      const checks: { val: number; reference: number }[] = [];
      const lastRows = {
        x: tf.slice(X, [trainRows, 0], [-1, -1]),
        y: tf.slice(Y, [trainRows, 0], [-1, -1]),
      };
      await fitClassifier(
        model,
        { x: X, y: Y },
        {
          validationSplit: split,
          epochs: 2,
          batchSize: 64,
          seed: 1,
          verbose: 0,
          engine,
          callbacks: {
            onBatchEnd: (_b, logs) => void sizes.push(logs.size),
            onEpochEnd: async (_e, logs) => {
              const reference = await evaluateClassifier(model, lastRows);
              checks.push({ val: logs.val_loss as number, reference: reference.loss });
            },
          },
        },
      );
      expect(sizes).toEqual([trainRows, trainRows]);
      for (const { val, reference } of checks) expect(val).toBeCloseTo(reference, 5);
      tf.dispose([lastRows.x, lastRows.y]);
      model.dispose();
      expect(tf.memory().numTensors).toBe(before); // the split's slices included
    },
  );
});

describe('tfjs-layers early stopping', () => {
  it.each(['auto', 'tfjs'] as const)(
    "stops once patience runs out and keeps the last epoch's weights (engine: '%s')",
    async (engine) => {
      const model = net();
      const seen: number[][] = [];
      const result = await fitClassifier(
        model,
        { x: X, y: Y },
        {
          epochs: 30,
          seed: 1,
          verbose: 0,
          engine,
          validationSplit: 0.3,
          callbacks: [
            // An improvement must be at least 10: none is, so epochs 0 and 1 run and then it stops.
            tfl.callbacks.earlyStopping({ monitor: 'val_loss', patience: 1, minDelta: 10 }),
            { onEpochEnd: () => void seen.push(Array.from(model.getWeights()[0]!.dataSync())) },
          ],
        },
      );
      expect(result.epoch).toEqual([0, 1]);
      expect(result.history.loss).toHaveLength(2);
      expect(Array.from(model.getWeights()[0]!.dataSync())).toEqual(seen.at(-1));
      expect(seen[0]).not.toEqual(seen[1]); // it trained: the last weights are not the first
      model.dispose();
    },
  );

  it('runs all epochs when the monitored value keeps improving enough', async () => {
    const model = net();
    const result = await fitClassifier(
      model,
      { x: X, y: Y },
      {
        epochs: 4,
        seed: 1,
        verbose: 0,
        callbacks: tfl.callbacks.earlyStopping({ monitor: 'loss', patience: 10 }),
      },
    );
    expect(result.epoch).toEqual([0, 1, 2, 3]);
    model.dispose();
  });
});
