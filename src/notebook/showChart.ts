import type * as Vega from 'vega';
import type * as VegaLite from 'vega-lite';
import type { ChartSpec } from './charts';
import { plainObject, string } from '../core/validate';
import { show } from './show';

/**
 * Renders a Vega-Lite spec to an SVG string, without a browser, with the optional `vega` and
 * `vega-lite` packages; undefined when they are not installed.
 *
 * @param spec - the chart
 * @returns the SVG text, or undefined without vega and vega-lite
 *
 * @category Notebook
 * @example
 * ```ts
 * import { curveChart, renderSvg } from 'denselab/notebook';
 *
 * const svg = await renderSvg(curveChart('Loss', [{ name: 'sgd', values: [3, 2, 1] }], { yTitle: 'loss' }));
 * console.log(svg?.startsWith('<svg')); // true
 * ```
 */
export async function renderSvg(spec: ChartSpec): Promise<string | undefined> {
  plainObject('renderSvg', 'spec', spec);
  let vega: typeof Vega;
  let vegaLite: typeof VegaLite;
  try {
    [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  } catch {
    return undefined;
  }
  const compiled = vegaLite.compile(spec as unknown as VegaLite.TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Shows a chart: the Vega-Lite spec (JupyterLab and VS Code draw it), an SVG of it for front
 * ends and exports without Vega (when `vega` and `vega-lite` are installed), and `text`
 * elsewhere. The spec goes under Vega-Lite 5's MIME type, the newest the common front ends
 * register; the chart functions use nothing that version 6 added.
 *
 * @param spec - the chart
 * @param text - what a terminal shows instead
 *
 * @category Notebook
 * @example
 * ```ts
 * import { curveChart, showChart } from 'denselab/notebook';
 *
 * const spec = curveChart('Loss', [{ name: 'sgd', values: [3, 2, 1] }], { yTitle: 'loss' });
 * await showChart(spec, 'the loss falls from 3 to 1'); // the loss falls from 3 to 1
 * ```
 */
export async function showChart(spec: ChartSpec, text: string): Promise<void> {
  plainObject('showChart', 'spec', spec);
  string('showChart', 'text', text);
  const svg = await renderSvg(spec);
  await show({
    'application/vnd.vegalite.v5+json': {
      ...spec,
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    },
    ...(svg === undefined ? {} : { 'image/svg+xml': svg }),
    'text/plain': text,
  });
}
