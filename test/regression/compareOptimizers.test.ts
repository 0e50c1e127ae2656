import { describe, expect, it } from 'vitest';
import { compareOptimizers, fitLinear, KERAS_OPTIMIZER_DEFAULTS, OPTIMIZER_NAMES } from '../../src';

const x = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const y = [10, 20, 25, 30, 40, 45, 40, 50, 60, 55];

describe('compareOptimizers (experiment 5)', () => {
  it('runs every optimizer from the same start; SGD wins on the notes data', async () => {
    const cmp = await compareOptimizers(x, y, { seed: 1 });
    expect(cmp.runs.map((r) => r.optimizer)).toEqual([...OPTIMIZER_NAMES]);
    expect(cmp.epochs).toBe(10_000);
    // Same start: every curve begins at the same loss.
    const first = cmp.runs[0]!.history.loss[0]!;
    for (const run of cmp.runs) {
      const curve = run.history.loss;
      expect(curve).toHaveLength(10_000);
      expect(curve[0]).toBe(first);
      expect(run.bestLoss).toBe(Math.min(...curve));
      expect(curve[run.bestEpoch - 1]).toBe(run.bestLoss);
      expect(run.diverged).toBeUndefined();
      expect(run.learningRate).toBe(KERAS_OPTIMIZER_DEFAULTS[run.optimizer].learningRate);
    }
    // SGD and momentum both reach the least-squares line: a tie, reported as one.
    expect(cmp.best).toEqual(['sgd', 'momentum']);
    expect(cmp.winner).toBe('sgd'); // deprecated: best[0]
    const byName = Object.fromEntries(cmp.runs.map((r) => [r.optimizer, r]));
    expect(byName.sgd!.loss).toBeCloseTo(14.8788, 3);
    // Keras' default optimizer at its default rate stays well above the line (notes: 20 to 25).
    expect(byName.rmsprop!.loss).toBeGreaterThan(20);
    expect(byName.rmsprop!.loss).toBeLessThan(25);
    expect(byName.adam!.loss).toBeGreaterThan(byName.sgd!.loss);
  });

  it("a run is shaped like fitLinear's result; the 0.1 names still read, out of JSON", async () => {
    const cmp = await compareOptimizers(x, y, { optimizers: ['sgd'], epochs: 500, seed: 42 });
    const fit = await fitLinear(x, y, { epochs: 500, seed: 42 });
    const [run] = cmp.runs;
    expect(run!.loss).toBe(fit.loss);
    expect(run!.history.loss).toEqual(fit.history.loss);
    expect([run!.m, run!.b]).toEqual([fit.m, fit.b]);
    expect(cmp.initial).toEqual(fit.initial);
    // Deprecated aliases: readable, typed, not enumerable.
    expect(run!.name).toBe('sgd');
    expect(run!.finalLoss).toBe(run!.loss);
    expect(cmp.winner).toBe('sgd');
    expect(Object.keys(run!)).not.toContain('finalLoss');
    expect(JSON.parse(JSON.stringify(cmp))).toEqual({
      runs: [expect.objectContaining({ optimizer: 'sgd', loss: fit.loss })],
      best: ['sgd'],
      initial: fit.initial,
      epochs: 500,
    });
    expect(Object.keys(JSON.parse(JSON.stringify(run)) as object).sort()).toEqual([
      'b',
      'bestEpoch',
      'bestLoss',
      'history',
      'learningRate',
      'loss',
      'm',
      'optimizer',
    ]);
  });

  it('takes the start as initial, or under the deprecated initialM and initialB, not both', async () => {
    const a = await compareOptimizers(x, y, {
      optimizers: ['sgd'],
      epochs: 10,
      initial: { m: -2, b: 40 },
    });
    const b = await compareOptimizers(x, y, {
      optimizers: ['sgd'],
      epochs: 10,
      initialM: -2,
      initialB: 40,
    });
    expect(a.initial).toEqual({ m: -2, b: 40 });
    expect(b.runs[0]!.history.loss).toEqual(a.runs[0]!.history.loss);
    await expect(compareOptimizers(x, y, { initial: { m: 1 }, initialM: 1 })).rejects.toThrow(
      /^compareOptimizers: initialM is the old name of initial\.m; pass initial\.m only$/,
    );
    await expect(compareOptimizers(x, y, { initial: { m: 1, c: 2 } as never })).rejects.toThrow(
      /^compareOptimizers: initial has an unknown key "c"/,
    );
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
    expect(sgd!.history.loss.length).toBeLessThan(500);
    expect(sgd!.loss).toBeNaN();
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
