import { typeError } from '../core/errors';
import { arrayOf, boolean, checkOptions, finite, integer, string } from '../core/validate';
import { curves, lines as lineList, points } from './checks';

/**
 * A Vega-Lite chart specification (https://vega.github.io/vega-lite/), as the chart functions
 * build it and {@link showChart} shows it. Any Vega-Lite spec fits.
 *
 * @category Notebook
 */
export interface ChartSpec {
  /** The Vega-Lite schema the spec follows. */
  readonly $schema?: string;
  /** The rest of the spec: title, data, marks, encodings, layers. */
  readonly [key: string]: unknown;
}

/** One row of chart data. */
type Row = Record<string, number | string>;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/**
 * A chart of data points and one fitted line per model, as the notes plot lesson 2.
 *
 * @param title - the chart's title
 * @param x - the points' x values
 * @param y - their y values
 * @param lines - each line's name (the legend) and how it predicts y from x
 * @returns the Vega-Lite spec
 *
 * @category Notebook
 * @example
 * ```ts
 * import { fitChart } from 'denselab/notebook';
 *
 * const spec = fitChart('A line', [0, 1, 2], [1, 3, 5], [
 *   { name: 'y = 2x + 1', predict: (x) => 2 * x + 1 },
 * ]);
 * console.log((spec.layer as unknown[]).length); // 2
 * ```
 */
export function fitChart(
  title: string,
  x: readonly number[],
  y: readonly number[],
  lines: readonly { name: string; predict: (x: number) => number }[],
): ChartSpec {
  const fn = 'fitChart';
  string(fn, 'title', title);
  points(fn, 'x', x);
  arrayOf(finite(), { min: x.length, max: x.length }, 'an array of finite numbers (one per x)')(
    fn,
    'y',
    y,
  );
  lineList(fn, 'lines', lines);
  const dots: Row[] = x.map((xi, i) => ({ x: xi, y: y[i] as number, series: 'data' }));
  const lo = Math.min(...x);
  const hi = Math.max(...x);
  const fitted: Row[] = lines.flatMap((l) => [
    { x: lo, y: l.predict(lo), series: l.name },
    { x: hi, y: l.predict(hi), series: l.name },
  ]);
  const xy = { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } };
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
          ...xy,
          color: { field: 'series', type: 'nominal', title: null, legend: { labelLimit: 320 } },
        },
      },
      {
        data: { values: dots },
        mark: { type: 'point', filled: true, size: 60, color: 'black' },
        encoding: xy,
      },
    ],
  };
}

/** How {@link curveChart} draws its curves. */
export interface CurveChartOptions {
  /** The y axis' title. */
  yTitle: string;
  /** A log y scale. Default false. */
  log?: boolean;
  /** A log x scale, so the first epochs are not squeezed against the axis. Default false. */
  logEpochs?: boolean;
  /** At most this many points per curve, evenly thinned, the last kept. Default 400. */
  maxPoints?: number;
}

/**
 * A chart of values per epoch (a loss, an accuracy), one curve per series; series whose name
 * starts with `notes` (reference values) are dashed. Non-finite values are left out.
 *
 * @param title - the chart's title
 * @param series - each curve's name and its value per epoch (epoch 1 first)
 * @param options - the y title, log scales, thinning
 * @returns the Vega-Lite spec
 *
 * @category Notebook
 * @example
 * ```ts
 * import { curveChart } from 'denselab/notebook';
 *
 * const spec = curveChart('Loss', [{ name: 'training', values: [0.19, 0.1, 0.08] }], {
 *   yTitle: 'loss',
 * });
 * console.log((spec.data as { values: unknown[] }).values.length); // 3
 * ```
 */
export function curveChart(
  title: string,
  series: readonly { name: string; values: readonly number[] }[],
  options: CurveChartOptions,
): ChartSpec {
  const fn = 'curveChart';
  string(fn, 'title', title);
  curves(fn, 'series', series);
  const o = checkOptions(fn, options, {
    yTitle: string,
    log: boolean,
    logEpochs: boolean,
    maxPoints: integer({ min: 2 }),
  });
  if (o.yTitle === undefined) throw typeError(fn, 'options.yTitle is missing; expected a string');
  const max = o.maxPoints ?? 400;
  const logEpochs = o.logEpochs === true;
  const rows: Row[] = series.flatMap((s) =>
    sampleIndices(s.values.length, max, logEpochs)
      .map((i) => ({ epoch: i + 1, value: s.values[i] as number, series: s.name }))
      .filter((r) => Number.isFinite(r.value)),
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
        title: logEpochs ? 'epoch (log)' : 'epoch',
        axis: { tickMinStep: 1, format: 'd' },
        ...(logEpochs ? { scale: { type: 'log' } } : {}),
      },
      y: {
        field: 'value',
        type: 'quantitative',
        title: o.yTitle,
        scale: o.log === true ? { type: 'log' } : { zero: false },
      },
      color: { field: 'series', type: 'nominal', title: null, legend: { labelLimit: 320 } },
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
