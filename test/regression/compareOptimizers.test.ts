import { describe, expect, it } from 'vitest';
import { compareOptimizers, OPTIMIZER_NAMES } from '../../src';

const x = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const y = [10, 20, 25, 30, 40, 45, 40, 50, 60, 55];

describe('compareOptimizers (experiment 5)', () => {
  it('runs every optimizer from the same start; SGD wins on the notes data', async () => {
    const cmp = await compareOptimizers(x, y, { seed: 1 });
    expect(cmp.runs.map((r) => r.name)).toEqual([...OPTIMIZER_NAMES]);
    expect(cmp.epochs).toBe(10_000);
    // Same start: every curve begins at the same loss.
    const first = cmp.runs[0]!.loss[0]!;
    for (const run of cmp.runs) {
      expect(run.loss).toHaveLength(10_000);
      expect(run.loss[0]).toBe(first);
      expect(run.bestLoss).toBe(Math.min(...run.loss));
      expect(run.loss[run.bestEpoch - 1]).toBe(run.bestLoss);
      expect(run.diverged).toBeUndefined();
    }
    // SGD and momentum both reach the least-squares line: a tie, reported as one.
    expect(cmp.best).toEqual(['sgd', 'momentum']);
    expect(cmp.winner).toBe('sgd'); // deprecated: best[0]
    const byName = Object.fromEntries(cmp.runs.map((r) => [r.name, r]));
    expect(byName.sgd!.finalLoss).toBeCloseTo(14.8788, 3);
    // Keras' default optimizer at its default rate stays well above the line (notes: 20 to 25).
    expect(byName.rmsprop!.finalLoss).toBeGreaterThan(20);
    expect(byName.rmsprop!.finalLoss).toBeLessThan(25);
    expect(byName.adam!.finalLoss).toBeGreaterThan(byName.sgd!.finalLoss);
  });

  it('keeps a diverging run with its curve so far and goes on', async () => {
    const cmp = await compareOptimizers(x, y, {
      optimizers: ['sgd', 'momentum'],
      learningRates: { sgd: 1 },
      epochs: 500,
      seed: 2,
    });
    const [sgd, momentum] = cmp.runs;
    expect(sgd!.diverged).toMatch(/^compareOptimizers: the loss became .* at epoch \d+/);
    expect(sgd!.loss.length).toBeLessThan(500);
    expect(sgd!.finalLoss).toBeNaN();
    expect(sgd!.learningRate).toBe(1);
    expect(momentum!.diverged).toBeUndefined();
    expect(cmp.best).toEqual(['momentum']);
  });

  it('rejects bad options', async () => {
    await expect(compareOptimizers(x, y, { optimizers: [] })).rejects.toThrow(
      /^compareOptimizers: optimizers is \[\]; expected a list of optimizer names \(non-empty\)/,
    );
    await expect(compareOptimizers(x, y, { optimizers: ['sgd', 'lion' as never] })).rejects.toThrow(
      /^compareOptimizers: optimizers\[1\] is "lion"; expected one of/,
    );
    await expect(compareOptimizers(x, [1, 2])).rejects.toThrow(
      /^compareOptimizers: x has 10 values but y has 2/,
    );
    await expect(
      compareOptimizers(x, y, { optimizers: ['sgd'], learningRates: { sgd: 5 }, epochs: 100 }),
    ).rejects.toThrow(/^compareOptimizers: every optimizer diverged/);
  });
});
