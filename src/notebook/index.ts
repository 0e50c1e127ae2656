/**
 * `denselab/notebook`: what the lesson notebooks show, for your own notebooks under Deno's
 * Jupyter kernel (`deno jupyter`): tables, MNIST digits and Vega-Lite charts as rich output,
 * each with a text form that scripts and terminals print instead.
 *
 * @packageDocumentation
 */
export { flush, show, type MimeBundle } from './show';
export { showTable } from './showTable';
export { showDigits } from './showDigits';
export { curveChart, fitChart, type ChartSpec, type CurveChartOptions } from './charts';
export { renderSvg, showChart } from './showChart';
