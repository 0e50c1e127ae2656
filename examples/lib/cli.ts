/** The options every example takes, and where it writes its figures and plots. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { renderSvg, type ChartSpec } from 'denselab/notebook';

export interface ExampleArgs {
  /** Small enough for CI. */
  quick: boolean;
  epochs: number | undefined;
  seed: number;
  out: string;
  backend: string | undefined;
  trainLimit: number | undefined;
  testLimit: number | undefined;
}

export function exampleArgs(name: string): ExampleArgs {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      epochs: { type: 'string' },
      seed: { type: 'string', default: '42' },
      out: { type: 'string', default: 'out' },
      backend: { type: 'string' },
      'train-limit': { type: 'string' },
      'test-limit': { type: 'string' },
    },
  });
  const num = (s: string | undefined): number | undefined => {
    if (s === undefined) return undefined;
    const n = Number(s);
    if (!Number.isFinite(n)) throw new Error(`${name}: ${s} is not a number`);
    return n;
  };
  return {
    quick: values.quick,
    epochs: num(values.epochs),
    seed: num(values.seed) ?? 42,
    out: join(values.out, name),
    backend: values.backend,
    trainLimit: num(values['train-limit']),
    testLimit: num(values['test-limit']),
  };
}

/** Writes `<out>/<file>.svg` from a spec and returns its path. */
export async function writeSvg(out: string, file: string, spec: ChartSpec): Promise<string> {
  mkdirSync(out, { recursive: true });
  const path = join(out, `${file}.svg`);
  const svg = await renderSvg(spec);
  if (svg === undefined)
    throw new Error('the examples need vega and vega-lite (npm ci installs them)');
  writeFileSync(path, svg);
  return path;
}

/** Writes `<out>/figures.json`. */
export function writeFigures(out: string, figures: unknown): string {
  mkdirSync(out, { recursive: true });
  const path = join(out, 'figures.json');
  writeFileSync(path, `${JSON.stringify(figures, null, 2)}\n`);
  return path;
}
