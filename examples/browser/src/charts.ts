import embed from 'vega-embed';
import type { TopLevelSpec } from 'vega-lite';

/**
 * Draws (or redraws) a Vega-Lite chart as SVG into the element with this id; a chart with no
 * point yet waits (Vega warns about the infinite extent of an empty scale).
 */
export async function draw(id: string, spec: TopLevelSpec): Promise<void> {
  const el = document.getElementById(id);
  const values = 'data' in spec ? (spec.data as { values?: unknown[] } | undefined)?.values : [1];
  if (el === null || values?.length === 0) return;
  await embed(el, spec, { actions: false, renderer: 'svg' });
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

export function epochChart(
  title: string,
  series: Record<string, number[]>,
  yTitle: string,
): TopLevelSpec {
  const values = Object.entries(series).flatMap(([name, ys]) =>
    ys
      .map((y, i) => ({ epoch: i + 1, value: y, series: name }))
      .filter((p) => Number.isFinite(p.value)),
  );
  return {
    $schema: SCHEMA,
    title,
    width: 360,
    height: 220,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', axis: { tickMinStep: 1, format: 'd' } },
      y: { field: 'value', type: 'quantitative', title: yTitle, scale: { zero: false } },
      color: { field: 'series', type: 'nominal', title: null },
    },
  };
}

export function barChart(title: string, values: number[]): TopLevelSpec {
  return {
    $schema: SCHEMA,
    title,
    width: 260,
    height: 140,
    data: { values: values.map((p, digit) => ({ digit: String(digit), p })) },
    mark: 'bar',
    encoding: {
      x: { field: 'digit', type: 'ordinal', title: 'digit', sort: null },
      y: { field: 'p', type: 'quantitative', title: 'probability', scale: { domain: [0, 1] } },
    },
  };
}

export function fitChart(
  x: number[],
  y: number[],
  lines: { name: string; m: number; b: number }[],
): TopLevelSpec {
  const lo = Math.min(...x);
  const hi = Math.max(...x);
  return {
    $schema: SCHEMA,
    title: 'The notes data and the fitted lines',
    width: 360,
    height: 240,
    layer: [
      {
        data: {
          values: lines.flatMap((l) =>
            [lo, hi].map((xv) => ({ x: xv, y: l.m * xv + l.b, series: l.name })),
          ),
        },
        mark: 'line',
        encoding: {
          x: { field: 'x', type: 'quantitative' },
          y: { field: 'y', type: 'quantitative' },
          color: { field: 'series', type: 'nominal', title: null, legend: { labelLimit: 300 } },
        },
      },
      {
        data: { values: x.map((xv, i) => ({ x: xv, y: y[i] })) },
        mark: { type: 'point', filled: true, color: 'black' },
        encoding: {
          x: { field: 'x', type: 'quantitative' },
          y: { field: 'y', type: 'quantitative' },
        },
      },
    ],
  };
}

export function curvesChart(curves: Record<string, number[]>): TopLevelSpec {
  const values = Object.entries(curves).flatMap(([name, ys]) => {
    const step = Math.max(1, Math.ceil(ys.length / 200));
    return ys
      .filter((_, i) => i % step === 0)
      .map((v, i) => ({ epoch: i * step + 1, loss: v, series: name }));
  });
  return {
    $schema: SCHEMA,
    title: 'Loss per epoch by optimizer',
    width: 360,
    height: 240,
    data: { values },
    mark: 'line',
    encoding: {
      x: { field: 'epoch', type: 'quantitative' },
      y: { field: 'loss', type: 'quantitative', scale: { type: 'log' }, title: 'MSE (log)' },
      color: { field: 'series', type: 'nominal', title: null },
    },
  };
}
