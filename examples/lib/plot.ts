/**
 * Charts for the examples: Vega-Lite specs rendered to SVG in Node (no browser, no canvas).
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** One row of chart data. */
export type Row = Record<string, number | string>;

/** Renders a Vega-Lite spec to an SVG string. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** The data points and one fitted line per model, as the notes plot them. */
export function fitChart(
  title: string,
  x: readonly number[],
  y: readonly number[],
  lines: readonly { name: string; predict: (x: number) => number }[],
): TopLevelSpec {
  const points: Row[] = x.map((xi, i) => ({ x: xi, y: y[i] as number, series: 'data' }));
  const lo = Math.min(...x);
  const hi = Math.max(...x);
  const fitted: Row[] = lines.flatMap((l) => [
    { x: lo, y: l.predict(lo), series: l.name },
    { x: hi, y: l.predict(hi), series: l.name },
  ]);
  return {
    $schema: SCHEMA,
    title,
    width: 420,
    height: 280,
    layer: [
      {
        data: { values: fitted },
        mark: { type: 'line', strokeWidth: 2 },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: 'x' },
          y: { field: 'y', type: 'quantitative', title: 'y' },
          color: { field: 'series', type: 'nominal', title: null, legend: { labelLimit: 320 } },
        },
      },
      {
        data: { values: points },
        mark: { type: 'point', filled: true, size: 60, color: 'black' },
        encoding: {
          x: { field: 'x', type: 'quantitative' },
          y: { field: 'y', type: 'quantitative' },
        },
      },
    ],
  };
}

/**
 * Loss (or another value) against epochs, one line per series; `log` for a log y scale,
 * `logEpochs` for a log x scale (so the first epochs, where fast optimizers converge, are not
 * squeezed against the axis). Long curves are thinned to at most `maxPoints` per series, evenly
 * (or, on a log x scale, evenly in log epochs), the last value kept, so the SVG stays small.
 */
export function curveChart(
  title: string,
  series: readonly { name: string; values: readonly number[] }[],
  options: { yTitle: string; log?: boolean; logEpochs?: boolean; maxPoints?: number },
): TopLevelSpec {
  const max = options.maxPoints ?? 400;
  const rows: Row[] = series.flatMap((s) =>
    sampleIndices(s.values.length, max, options.logEpochs === true).map((i) => ({
      epoch: i + 1,
      value: s.values[i] as number,
      series: s.name,
    })),
  );
  return {
    $schema: SCHEMA,
    title,
    width: 480,
    height: 300,
    data: { values: rows },
    mark: { type: 'line', strokeWidth: 2, point: series.every((s) => s.values.length <= 20) },
    encoding: {
      x: {
        field: 'epoch',
        type: 'quantitative',
        title: options.logEpochs === true ? 'epoch (log)' : 'epoch',
        axis: { tickMinStep: 1, format: 'd' },
        ...(options.logEpochs === true ? { scale: { type: 'log' } } : {}),
      },
      y: {
        field: 'value',
        type: 'quantitative',
        title: options.yTitle,
        scale: options.log ? { type: 'log' } : { zero: false },
      },
      color: { field: 'series', type: 'nominal', title: null, legend: { labelLimit: 320 } },
      // Reference values (the notes') are dashed.
      strokeDash: {
        condition: { test: "indexof(datum.series, 'notes') === 0", value: [6, 4] },
        value: [1, 0],
      },
    },
  };
}

/** At most `max` indices of [0, n): evenly spaced, or evenly in log(index + 1); the last kept. */
function sampleIndices(n: number, max: number, log: boolean): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const picked = new Set<number>();
  for (let k = 0; k < max; k++) {
    const t = k / (max - 1);
    picked.add(log ? Math.round(Math.exp(t * Math.log(n))) - 1 : Math.round(t * (n - 1)));
  }
  picked.add(n - 1);
  return [...picked].sort((a, b) => a - b);
}
