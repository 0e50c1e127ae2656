import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runsWith } from '../helpers';
import { svgTexts } from '../svg';

// The lesson notebooks (examples/notebooks): committed without outputs, then executed headless
// as CI does (examples/notebooks/run.sh: nbconvert with Deno's kernel) and read back: every cell
// ran, nothing went to stderr, the numbers in their tables and console lines are within their
// tolerances, the charts and digits are there as rich output. The notebooks import only from
// denselab and denselab/notebook, as a user's copy would. Quick mode by default; DENSELAB_NOTEBOOKS_FULL=1 runs the full
// lessons and holds them to the notes' numbers.

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = join(root, 'examples', 'notebooks');
const NOTEBOOKS = ['lesson1-mnist.ipynb', 'lesson2-regression.ipynb'];
const FULL = process.env.DENSELAB_NOTEBOOKS_FULL === '1';

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
}
interface Cell {
  cell_type: 'code' | 'markdown';
  id: string;
  source: string | string[];
  execution_count?: number | null;
  outputs?: Output[];
}
interface Notebook {
  cells: Cell[];
  metadata: { kernelspec?: { name?: string } };
}

const joined = (v: unknown): string =>
  Array.isArray(v) ? v.join('') : typeof v === 'string' ? v : '';
const read = (file: string): Notebook => JSON.parse(readFileSync(file, 'utf8')) as Notebook;

function cell(nb: Notebook, id: string): Cell {
  const c = nb.cells.find((x) => x.id === id);
  expect(c, `cell ${id}`).toBeDefined();
  return c!;
}
const stdout = (c: Cell): string =>
  (c.outputs ?? [])
    .filter((o) => o.name === 'stdout')
    .map((o) => joined(o.text))
    .join('');
/** What a cell output, for failure messages: `stream:stdout`, `display_data:image/png,...`. */
const kinds = (c: Cell): string =>
  `${c.id}: ${(c.outputs ?? []).map((o) => `${o.output_type}:${o.name ?? Object.keys(o.data ?? {}).join(',')}`).join(' ')}`;
const displays = (c: Cell): Record<string, unknown>[] =>
  (c.outputs ?? []).filter((o) => o.output_type === 'display_data').map((o) => o.data ?? {});

/** The cell's charts: each a Vega-Lite v5 spec with an SVG rendering; returns the SVG texts. */
function charts(c: Cell, count: number): string[][] {
  const found = displays(c).filter((d) => 'application/vnd.vegalite.v5+json' in d);
  expect(found, kinds(c)).toHaveLength(count);
  return found.map((d) => {
    const spec = d['application/vnd.vegalite.v5+json'] as { $schema: string };
    expect(spec.$schema).toBe('https://vega.github.io/schema/vega-lite/v5.json');
    return svgTexts(joined(d['image/svg+xml']));
  });
}

/** The cell's tables (showTable's Markdown), each as rows of cells, the header first. */
function tables(c: Cell): string[][][] {
  return displays(c)
    .filter((d) => 'text/markdown' in d)
    .map((d) =>
      joined(d['text/markdown'])
        .split('\n')
        .filter((line) => !/^\|[\s\-:|]+\|$/.test(line))
        .map((line) =>
          line
            .replace(/^\|\s*|\s*\|$/g, '')
            .split(' | ')
            .map((v) => v.trim()),
        ),
    );
}

/** Digits shown: a PNG strip and one HTML figure (a PNG too) per image; returns the captions. */
function digits(c: Cell): string[] {
  const found = displays(c).filter((d) => 'image/png' in d);
  expect(found, kinds(c)).toHaveLength(1);
  const png = Buffer.from(joined(found[0]!['image/png']), 'base64');
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const html = joined(found[0]!['text/html']);
  const captions = [...html.matchAll(/<figcaption[^>]*>([^<]*)<\/figcaption>/g)].map((m) => m[1]!);
  expect(html.match(/<img src="data:image\/png;base64,/g)).toHaveLength(captions.length);
  return captions;
}

describe('the committed notebooks', () => {
  it.each(NOTEBOOKS)('%s has no outputs, runs on the Deno kernel, says how to open it', (name) => {
    const nb = read(join(dir, name));
    expect(nb.metadata.kernelspec?.name).toBe('deno');
    for (const c of nb.cells.filter((x) => x.cell_type === 'code')) {
      expect(c.outputs, c.id).toEqual([]);
      expect(c.execution_count, c.id).toBeNull();
    }
    const first = joined(nb.cells[0]?.source);
    expect(first).toContain('How to open this notebook');
    expect(first).toContain('deno jupyter --install');
    expect(first).toContain(`jupyter lab examples/notebooks/${name}`);
    expect(first).toContain('DENSELAB_QUICK=1');
    // A user can copy it into their own project: it imports only the package.
    const imports = nb.cells
      .filter((x) => x.cell_type === 'code')
      .flatMap((x) =>
        [...joined(x.source).matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]),
      );
    expect(new Set(imports)).toEqual(
      new Set(
        ['@tensorflow/tfjs-core', 'denselab', 'denselab/notebook'].filter((i) =>
          imports.includes(i),
        ),
      ),
    );
    expect(imports).toContain('denselab/notebook');
  });
});

const hasNbconvert = spawnSync('jupyter-nbconvert', ['--version']).status === 0;

describe.runIf(
  runsWith(
    'the notebook runs',
    "Jupyter's nbconvert (jupyter-nbconvert, python3-ipykernel)",
    hasNbconvert,
  ),
)(`the notebooks executed headless (${FULL ? 'full' : 'quick'} mode)`, () => {
  const out = mkdtempSync(join(tmpdir(), 'denselab-notebooks-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  let log = '';

  beforeAll(async () => {
    log = await new Promise<string>((resolve, reject) =>
      execFile(
        'bash',
        [join(dir, 'run.sh')],
        {
          cwd: root,
          timeout: FULL ? 1_200_000 : 300_000,
          maxBuffer: 16 << 20,
          env: {
            ...process.env,
            DENSELAB_QUICK: FULL ? '0' : '1',
            DENSELAB_NOTEBOOKS_OUT: out,
            VK_ICD_FILENAMES: '/nonexistent.json',
          },
        },
        (err, so, se) => (err ? reject(new Error(`${err.message}\n${se}`)) : resolve(so)),
      ),
    );
  }, 1_300_000);

  it.each(NOTEBOOKS)('%s: every cell ran, no error output, nothing on stderr', (name) => {
    expect(log).toContain(`${name}: executed in`);
    const nb = read(join(out, name));
    for (const c of nb.cells.filter((x) => x.cell_type === 'code')) {
      expect(c.execution_count, c.id).toEqual(expect.any(Number));
      for (const o of c.outputs ?? []) {
        expect(o.output_type, `${c.id}: ${joined(o.text)}`).not.toBe('error');
        expect(o.name, `${c.id}: ${joined(o.text)}`).not.toBe('stderr');
      }
    }
    expect(readFileSync(join(out, name.replace('.ipynb', '.html')), 'utf8')).toMatch(
      /<img src="data:image\/svg\+xml;charset=utf-8,%3Csvg/,
    );
  });

  it('lesson 1: digits, summary, Keras log, charts beside the notes, predictions, saved', () => {
    const nb = read(join(out, 'lesson1-mnist.ipynb'));
    const n = FULL ? 60000 : 2000;
    const v = FULL ? 10000 : 500;
    // The last line of each cell's console output: Deno's kernel drops output still queued
    // when a cell ends, which the notebooks' flush() is there to prevent.
    expect(stdout(cell(nb, 'setup'))).toMatch(/^wasm: chosen, started and checked\n$/m);
    expect(stdout(cell(nb, 'load'))).toContain(`x_train [ ${n}, 28, 28 ]`);
    expect(stdout(cell(nb, 'load'))).toMatch(
      new RegExp(`x_valid \\[ ${v}, 28, 28 \\] y_valid ${v}\\n$`),
    );
    expect(stdout(cell(nb, 'prepare'))).toMatch(new RegExp(`x_valid \\[ ${v}, 784 \\]\\n$`));
    expect(stdout(cell(nb, 'categorical'))).toMatch(
      new RegExp(`y_train \\[ ${n}, 10 \\] y_valid \\[ ${v}, 10 \\]\\n$`),
    );
    expect(stdout(cell(nb, 'model'))).toMatch(/Non-trainable params: 0\n_+\n$/);
    expect(stdout(cell(nb, 'train'))).toMatch(
      /\[784,512\] \[512\] \[512,512\] \[512\] \[512,10\] \[10\]\n$/,
    );
    expect(digits(cell(nb, 'load'))).toEqual(['5', '0', '4', '1', '9', '2', '1', '3', '1', '4']);
    expect(stdout(cell(nb, 'prepare'))).toContain(
      `x_train [ ${n}, 784 ] float32 values from 0 to 1`,
    );
    expect(stdout(cell(nb, 'categorical'))).toContain('first label 5 -> 0 0 0 0 0 1 0 0 0 0');
    expect(stdout(cell(nb, 'model'))).toContain('Total params: 669706');
    const log1 = stdout(cell(nb, 'train'));
    expect(log1).toMatch(/^Training on denselab's dense engine/m);
    expect(log1).toMatch(
      /^(\d+)\/\1 \[={30}\] - \d+s \d+ms\/step - loss: [\d.]+ - accuracy: [\d.]+ - val_loss: [\d.]+ - val_accuracy: [\d.]+$/m,
    );
    for (const texts of charts(cell(nb, 'compare'), 2))
      expect(texts).toEqual(
        expect.arrayContaining(['training', 'validation', 'notes: training', 'notes: validation']),
      );
    // The table beside the notes: one row per epoch, ours then the notes' four values.
    const [table] = tables(cell(nb, 'compare'));
    const [header, ...rows] = table!;
    expect(header).toEqual([
      'epoch',
      'loss',
      'accuracy',
      'val_loss',
      'val_accuracy',
      'seconds',
      'notes: loss',
      'accuracy',
      'val_loss',
      'val_accuracy',
    ]);
    expect(rows).toHaveLength(FULL ? 5 : 1);
    const valAccuracy = rows.map((r) => Number(r[4]));
    const notesValAccuracy = rows.map((r) => Number(r[9]));
    if (FULL) {
      // Each epoch's validation accuracy within 1.5 points of the notes' log.
      valAccuracy.forEach((v, e) => expect(Math.abs(v - notesValAccuracy[e]!)).toBeLessThan(0.015));
    } else {
      expect(valAccuracy[0]).toBeGreaterThan(0.75);
      expect(notesValAccuracy[0]).toBe(0.9661);
    }
    const captions = digits(cell(nb, 'predict'));
    expect(captions).toHaveLength(12);
    const right = Number(/(\d+) of 12 right/.exec(stdout(cell(nb, 'predict')))?.[1]);
    expect(right).toBe(captions.filter((c) => !c.includes('label')).length);
    expect(right).toBeGreaterThanOrEqual(FULL ? 11 : 8);
    expect(stdout(cell(nb, 'save'))).toContain('model.json');
    expect(stdout(cell(nb, 'save'))).toMatch(/tensors left: 0\n$/);
  });

  it("lesson 2: the three lines, the comparison, each beside the notes' number", () => {
    const nb = read(join(out, 'lesson2-regression.ipynb'));
    expect(stdout(cell(nb, 'setup'))).toMatch(/y = 10 20 25 30 40 45 40 50 60 55\n$/);
    expect(stdout(cell(nb, 'compare'))).toMatch(/^best: sgd and momentum/m);
    // The summary table: each experiment, the notes' number, ours.
    const [summary] = tables(cell(nb, 'summary'));
    const ours = (what: string): string => summary!.find((r) => r[0] === what)?.[2] ?? '';
    const sgdLoss = Number(ours('SGD, lr 0.01, 500 epochs: loss'));
    expect(sgdLoss).toBeGreaterThanOrEqual(14.88); // notes: about 15
    expect(sgdLoss).toBeLessThanOrEqual(15.3);
    const rmspropLoss = Number(ours('RMSprop (default), 10,000 epochs: loss'));
    expect(rmspropLoss).toBeGreaterThanOrEqual(20); // notes: 20 to 25
    expect(rmspropLoss).toBeLessThanOrEqual(25);
    expect(stdout(cell(nb, 'default'))).toMatch(/^10,000 epochs in \d+ ms$/m);
    expect(ours('best optimizer')).toContain('sgd'); // notes: SGD does best
    // polyfit beside numpy, to the printed digits.
    const polyfit = stdout(cell(nb, 'polyfit'));
    expect(Number(/loss = ([\d.]+)/.exec(polyfit)?.[1])).toBeCloseTo(14.87878787878788, 10); // notes: about 14
    expect(
      Number(/largest relative difference from numpy: ([\d.e+-]+)/.exec(polyfit)?.[1]),
    ).toBeLessThan(1e-12);
    expect(stdout(cell(nb, 'compare'))).toContain(
      `${FULL ? 10_000 : 3000} epochs each, from the same start`,
    );
    const runs = tables(cell(nb, 'compare'))[0]!
      .slice(1)
      .map((r) => r[0]);
    const [fit, loss] = charts(cell(nb, 'sgd'), 2);
    expect(fit).toContain(`SGD (loss ${sgdLoss.toFixed(2)})`);
    expect(loss).toContain('sgd');
    charts(cell(nb, 'default'), 1);
    const [three] = charts(cell(nb, 'polyfit'), 1);
    for (const name of [
      'polyfit (loss 14.88)',
      'SGD, 500 epochs (loss',
      'RMSprop, 10,000 epochs (loss',
    ])
      expect(
        three!.some((t) => t.startsWith(name)),
        name,
      ).toBe(true);
    const [curves] = charts(cell(nb, 'compare'), 1);
    const names = ['sgd', 'momentum', 'rmsprop', 'adam', 'adamax', 'adagrad', 'adadelta'];
    expect(runs).toEqual(names);
    expect(curves).toEqual(expect.arrayContaining(names));
    expect(summary![1]!.slice(0, 2)).toEqual(['SGD, lr 0.01, 500 epochs: loss', 'about 15']);
  });
});
