import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { svgTexts } from '../svg';

// Every example, in quick mode, as `npm run examples -- --quick` runs them: what they print
// (numbers in stated ranges) and what they write (SVG that parses, with the expected series).

const root = fileURLToPath(new URL('../..', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'denselab-examples-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function runExample(name: string, extra: string[] = []): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join('examples', `${name}.ts`), '--quick', '--out', out, ...extra],
      {
        cwd: root,
        timeout: 240_000,
        maxBuffer: 8 << 20,
        env: { ...process.env, VK_ICD_FILENAMES: '/nonexistent.json' },
      },
      (err, stdout, stderr) =>
        err
          ? reject(new Error(`${name}: ${err.message}\n${stderr.slice(-2000)}`))
          : resolve(stdout),
    );
  });
}

function number(stdout: string, pattern: RegExp): number {
  const m = stdout.match(pattern);
  expect(m, `output matches ${String(pattern)}`).not.toBeNull();
  return Number(m![1]);
}

describe('examples (quick mode)', () => {
  it('data-preparation', async () => {
    const s = await runExample('data-preparation');
    expect(s).toContain('first training labels: 5 0 4 1 9 2 1 3 1 4');
    expect(s).toContain('x_train [5000,784] float32, values in [0, 1]');
    expect(s).toContain('y_train [5000,10] float32, first row [0,0,0,0,0,1,0,0,0,0]');
    expect(s).toContain('tensors left: 0');
  });

  it('linear-sgd: loss about 15, plots the points, the line and the loss', async () => {
    const s = await runExample('linear-sgd');
    const loss = number(s, /loss = ([\d.]+) {3}\(notes: loss about 15\)/);
    expect(loss).toBeGreaterThanOrEqual(14.88);
    expect(loss).toBeLessThanOrEqual(15.3);
    expect(svgTexts(join(out, 'linear-sgd', 'fit.svg'))).toEqual(
      expect.arrayContaining(['SGD, lr 0.01', `SGD (loss ${loss.toFixed(2)})`]),
    );
    expect(svgTexts(join(out, 'linear-sgd', 'loss.svg'))).toContain('sgd');
    const figures = JSON.parse(readFileSync(join(out, 'linear-sgd', 'figures.json'), 'utf8')) as {
      lossPerEpoch: number[];
    };
    expect(figures.lossPerEpoch).toHaveLength(500);
  });

  it('linear-default-optimizer: loss 20 to 25', async () => {
    const s = await runExample('linear-default-optimizer');
    const loss = number(s, /loss = ([\d.]+) {3}\(notes: loss 20 to 25\)/);
    expect(loss).toBeGreaterThanOrEqual(20);
    expect(loss).toBeLessThanOrEqual(25);
    expect(svgTexts(join(out, 'linear-default-optimizer', 'fit.svg'))).toContain(
      `RMSprop (loss ${loss.toFixed(2)})`,
    );
  });

  it('polyfit: numpy to 1e-12, with the three lines', async () => {
    const s = await runExample('polyfit');
    expect(number(s, /largest relative difference from numpy: ([\d.e+-]+)/)).toBeLessThan(1e-12);
    expect(number(s, /loss = ([\d.]+) {3}\(notes: loss about 14\)/)).toBeCloseTo(
      14.87878787878788,
      10,
    );
    const texts = svgTexts(join(out, 'polyfit', 'fit.svg'));
    for (const name of ['polyfit (loss 14.88)', 'SGD (loss', 'RMSprop (loss']) {
      expect(
        texts.some((t) => t.startsWith(name)),
        name,
      ).toBe(true);
    }
  });

  it('optimizer-comparison: seven curves, SGD wins', async () => {
    const s = await runExample('optimizer-comparison');
    expect(s).toMatch(/best: sgd and momentum \(tied within 1e-9\)/);
    const texts = svgTexts(join(out, 'optimizer-comparison', 'loss.svg'));
    for (const name of ['sgd', 'momentum', 'rmsprop', 'adam', 'adamax', 'adagrad', 'adadelta'])
      expect(texts).toContain(name);
    const figures = JSON.parse(
      readFileSync(join(out, 'optimizer-comparison', 'figures.json'), 'utf8'),
    ) as { runs: { name: string; bestEpoch: number }[] };
    expect(figures.runs).toHaveLength(7);
  });

  it('mnist-dense: trains, prints Keras lines and the table, plots, saves the model', async () => {
    const s = await runExample('mnist-dense');
    expect(s).toMatch(/^backend: wasm$/m);
    expect(s).toMatch(/Total params: 669706/);
    expect(s).toMatch(
      /^63\/63 \[={30}\] - \d+s \d+ms\/step - loss: [\d.]+ - accuracy: [\d.]+ - val_loss: [\d.]+ - val_accuracy: [\d.]+$/m,
    );
    const valAcc = number(s, /val_accuracy: ([\d.]+)/);
    expect(valAcc).toBeGreaterThan(0.75);
    expect(s).toContain('weights: [784,512] [512] [512,512] [512] [512,10] [10]');
    for (const chart of ['loss', 'accuracy']) {
      const texts = svgTexts(join(out, 'mnist-dense', `${chart}.svg`));
      for (const name of ['training', 'validation', 'notes: training', 'notes: validation'])
        expect(texts).toContain(name);
    }
    expect(existsSync(join(out, 'mnist-dense', 'model', 'model.json'))).toBe(true);
  });
});
