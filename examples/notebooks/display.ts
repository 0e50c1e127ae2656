/**
 * What the notebooks show inline under Deno's Jupyter kernel: digits as PNG images, charts as
 * Vega-Lite (rendered by JupyterLab and VS Code) with an SVG beside it (for front ends and
 * exports that do not run Vega), and the figures as JSON that the tests read back. Kept with
 * the notebooks: nothing here is useful outside one.
 */
import { zlibSync } from 'fflate';
import type { TopLevelSpec } from 'vega-lite';
import type { NdArray } from 'denselab';
import { renderSvg } from '../lib/plot.ts';

/** The part of Deno's global the notebooks use (they run under `deno jupyter`). */
declare const Deno: {
  jupyter: { display(bundle: Record<string, unknown>, options: { raw: true }): Promise<void> };
};

/**
 * Waits until Deno's kernel has sent what the cell printed and displayed. The kernel forwards
 * console output from a queue that another thread drains, and reports a cell done without
 * waiting for it; what is still queued then is dropped by the front end (JupyterLab,
 * nbconvert), and a display sent at the very end of a cell was seen lost the same way. Cells
 * that end with console output end with `await flush()`; the display helpers flush before
 * (so console lines come before the rich output that follows them) and after.
 */
export function flush(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 100));
}

/** Shows a MIME bundle as the cell's output, in order with the console output around it. */
export async function show(bundle: Record<string, unknown>): Promise<void> {
  await flush();
  await Deno.jupyter.display(bundle, { raw: true });
  await flush();
}

/**
 * Shows a chart: the Vega-Lite spec (JupyterLab and VS Code render it), an SVG of it (for HTML
 * exports and front ends without Vega) and a line of text. The spec is sent under the v5 MIME
 * type, the newest the common front ends register; the charts use nothing v6 added.
 */
export async function showChart(spec: TopLevelSpec, text: string): Promise<void> {
  await show({
    'application/vnd.vegalite.v5+json': {
      ...spec,
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    },
    'image/svg+xml': await renderSvg(spec),
    'text/plain': text,
  });
}

/**
 * Shows figures as JSON: a collapsible tree in JupyterLab and VS Code, which the notebook tests
 * read back; front ends without a JSON view show one line.
 */
export function showFigures(figures: Record<string, unknown>): Promise<void> {
  return show({
    'application/json': figures,
    'text/plain': `figures: ${Object.keys(figures).join(', ')} (application/json)`,
  });
}

/** Shows a table as Markdown (rendered) and as aligned text. */
export function showTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): Promise<void> {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const line = (r: readonly string[]): string =>
    r.map((v, c) => v.padStart(widths[c] ?? 0)).join('  ');
  const md = (r: readonly string[]): string => `| ${r.join(' | ')} |`;
  return show({
    'text/markdown': [md(header), md(header.map(() => '---:')), ...rows.map(md)].join('\n'),
    'text/plain': all.map(line).join('\n'),
  });
}

/**
 * Shows images `[N, H, W]` (uint8, 0 black to 255 white ink as MNIST stores them) in a row,
 * each pixel `scale` times larger and its caption under it: as HTML figures (JupyterLab, VS
 * Code, HTML exports), as one PNG strip with the captions as text for other front ends.
 */
export async function showDigits(
  images: NdArray<Uint8Array>,
  indices: readonly number[],
  captions: readonly string[],
  scale = 3,
): Promise<void> {
  const [, h = 28, w = 28] = images.shape;
  const digit = (n: number): string => base64(digitPng(images.data, n, h, w, scale));
  const figures = indices.map(
    (n, k) =>
      `<figure style="margin:0 6px;text-align:center"><img src="data:image/png;base64,${digit(n)}" width="${w * scale}" height="${h * scale}"/><figcaption style="font:12px monospace">${escapeHtml(captions[k] ?? '')}</figcaption></figure>`,
  );
  await show({
    'text/html': `<div style="display:flex;flex-wrap:wrap">${figures.join('')}</div>`,
    'image/png': base64(stripPng(images.data, indices, h, w, scale)),
    'text/plain': captions.join('  '),
  });
}

/** One image as a PNG, dark ink on white. */
function digitPng(data: Uint8Array, n: number, h: number, w: number, scale: number): Uint8Array {
  return stripPng(data, [n], h, w, scale, 0);
}

/** Images side by side as one PNG with `gap` white pixels around each. */
function stripPng(
  data: Uint8Array,
  indices: readonly number[],
  h: number,
  w: number,
  scale: number,
  gap = 2,
): Uint8Array {
  const width = indices.length * (w * scale + gap) + gap;
  const height = h * scale + 2 * gap;
  const pixels = new Uint8Array(width * height).fill(255);
  indices.forEach((n, k) => {
    for (let y = 0; y < h * scale; y++) {
      for (let x = 0; x < w * scale; x++) {
        const v = data[n * h * w + Math.floor(y / scale) * w + Math.floor(x / scale)] ?? 0;
        pixels[(y + gap) * width + gap + k * (w * scale + gap) + x] = 255 - v;
      }
    }
  });
  return png(pixels, width, height);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A grayscale PNG (8 bits, no filter) of `pixels`, row by row. */
function png(pixels: Uint8Array, width: number, height: number): Uint8Array {
  const raw = new Uint8Array(height * (width + 1));
  for (let y = 0; y < height; y++)
    raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit grayscale, deflate, no filter, no interlace
  return concat([
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlibSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc(out.subarray(4, 8 + data.length)));
  return out;
}

function crc(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function base64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}
