// denselab/notebook: what each function shows in a notebook (Deno's Jupyter kernel, its
// display function stood in for by a recorder), what it prints elsewhere, and the PNG and SVG it
// makes, checked by decoding them.
import { inflateSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  curveChart,
  fitChart,
  renderSvg,
  showChart,
  showDigits,
  show,
  showTable,
  type MimeBundle,
} from 'denselab/notebook';
import { svgTexts } from '../svg';

const g = globalThis as { Deno?: unknown };
afterEach(() => {
  delete g.Deno;
  vi.restoreAllMocks();
});

/** Runs `fn` as in Deno's kernel; returns what it displayed. */
async function inNotebook(fn: () => Promise<void>): Promise<MimeBundle[]> {
  const shown: MimeBundle[] = [];
  g.Deno = { jupyter: { display: (b: MimeBundle) => void shown.push(b) } };
  try {
    await fn();
  } finally {
    delete g.Deno;
  }
  return shown;
}

/** A PNG's chunks, each with its CRC checked (bit by bit, independently of the package's). */
function chunks(png: Uint8Array): { type: string; data: Uint8Array }[] {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out: { type: string; data: Uint8Array }[] = [];
  for (let at = 8; at < png.length;) {
    const length = view.getUint32(at);
    const body = png.subarray(at + 4, at + 8 + length);
    let c = 0xffffffff;
    for (const b of body) {
      c ^= b;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    }
    expect((c ^ 0xffffffff) >>> 0).toBe(view.getUint32(at + 8 + length));
    out.push({ type: new TextDecoder().decode(body.subarray(0, 4)), data: body.subarray(4) });
    at += 12 + length;
  }
  return out;
}

describe('denselab/notebook', () => {
  it('showTable: Markdown in a notebook, aligned text elsewhere', async () => {
    const [bundle] = await inNotebook(() => showTable(['epoch', 'loss'], [['1', '0.19']]));
    expect(bundle!['text/markdown']).toBe('| epoch | loss |\n| ---: | ---: |\n| 1 | 0.19 |');
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    await showTable(['epoch', 'loss'], [['1', '0.19']]);
    expect(log).toHaveBeenCalledWith('epoch  loss\n    1  0.19');
  });

  it('showDigits: a PNG whose pixels are the images, ink dark on white, with captions', async () => {
    // Two 2x2 images: white ink (255) on the diagonal of the first, none on the second.
    const images = { data: Uint8Array.from([255, 0, 0, 255, 0, 0, 0, 0]), shape: [2, 2, 2] };
    const [bundle] = await inNotebook(() => showDigits(images, [0, 1], ['a', 'b<'], 1));
    expect(bundle!['text/plain']).toBe('a  b<');
    expect(String(bundle!['text/html'])).toContain(
      '<figcaption style="font:12px monospace">b&#60;</figcaption>',
    );
    const png = Uint8Array.from(Buffer.from(String(bundle!['image/png']), 'base64'));
    const [ihdr, idat] = chunks(png);
    const width = 2 * (2 + 2) + 2; // two images with a 2-pixel gap around each
    expect(new DataView(ihdr!.data.buffer, ihdr!.data.byteOffset).getUint32(0)).toBe(width);
    const raw = inflateSync(idat!.data);
    const row = (y: number): number[] => [
      ...raw.subarray(y * (width + 1) + 1, (y + 1) * (width + 1)),
    ];
    expect(row(2).slice(2, 4)).toEqual([0, 255]); // first image, top row: ink, then paper
    expect(row(3).slice(2, 4)).toEqual([255, 0]);
    expect(row(2).slice(6, 8)).toEqual([255, 255]); // the second image has no ink
  });

  it('curveChart leaves out values that are not finite, and thins long curves', () => {
    const spec = curveChart('t', [{ name: 'a', values: [1, NaN, 3, Infinity] }], { yTitle: 'y' });
    expect((spec.data as { values: { epoch: number }[] }).values.map((r) => r.epoch)).toEqual([
      1, 3,
    ]);
    const long = curveChart(
      't',
      [{ name: 'a', values: Array.from({ length: 10_000 }, (_, i) => i + 1) }],
      {
        yTitle: 'y',
        maxPoints: 100,
      },
    );
    const epochs = (long.data as { values: { epoch: number }[] }).values.map((r) => r.epoch);
    expect(epochs.length).toBeLessThanOrEqual(101);
    expect(epochs.at(0)).toBe(1);
    expect(epochs.at(-1)).toBe(10_000);
  });

  it('showChart: the Vega-Lite spec, its SVG (vega is installed here) and the text', async () => {
    const spec = fitChart(
      'Lines',
      [0, 1, 2],
      [1, 3, 5],
      [{ name: 'y = 2x + 1', predict: (x) => 2 * x + 1 }],
    );
    const [bundle] = await inNotebook(() => showChart(spec, 'one line'));
    expect(bundle!['text/plain']).toBe('one line');
    expect((bundle!['application/vnd.vegalite.v5+json'] as { $schema: string }).$schema).toBe(
      'https://vega.github.io/schema/vega-lite/v5.json',
    );
    expect(svgTexts(String(bundle!['image/svg+xml']))).toEqual(
      expect.arrayContaining(['Lines', 'y = 2x + 1']),
    );
    expect(await renderSvg(spec)).toBe(bundle!['image/svg+xml']);
  });
});

describe('denselab/notebook: bad arguments are errors naming the function and the value, and show nothing', () => {
  const images = { data: new Uint8Array(2 * 4), shape: [2, 2, 2] };
  const cases: [string, () => unknown, RegExp][] = [
    [
      'a table without titles',
      () => showTable([], []),
      /^showTable: header is \[\]; expected a list of column titles/,
    ],
    [
      'a short row',
      () => showTable(['a', 'b'], [['1']]),
      /^showTable: rows\[0\] is \["1"\]; expected an array of strings of length in \[2, 2\]/,
    ],
    [
      'a number cell',
      () => showTable(['a'], [[1 as never]]),
      /^showTable: rows\[0\]\[0\] is 1; expected a string/,
    ],
    [
      'tensor-like images',
      () => showDigits([1, 2] as never, [0], ['a']),
      /^showDigits: images is \[1, 2\]; expected an NdArray of uint8 \[N, H, W\], as loadMnist gives/,
    ],
    [
      'an index past the end',
      () => showDigits(images, [2], ['a']),
      /^showDigits: indices\[0\] is 2; expected an integer in \[0, 1\]/,
    ],
    [
      'a caption missing',
      () => showDigits(images, [0, 1], ['a']),
      /^showDigits: captions is \["a"\]; expected an array of strings \(one per index\) of length in \[2, 2\]/,
    ],
    [
      'scale 0',
      () => showDigits(images, [0], ['a'], 0),
      /^showDigits: scale is 0; expected an integer in \[1, 16\]/,
    ],
    [
      'y shorter than x',
      () => fitChart('t', [0, 1], [1], []),
      /^fitChart: y is \[1\]; expected an array of finite numbers \(one per x\) of length in \[2, 2\]/,
    ],
    [
      'a line without predict',
      () => fitChart('t', [0], [1], [{ name: 'a' } as never]),
      /^fitChart: lines\[0\]\.predict is undefined; expected a function of x/,
    ],
    [
      'values as a string',
      () => curveChart('t', [{ name: 'a', values: '1,2' as never }], { yTitle: 'y' }),
      /^curveChart: series\[0\]\.values is "1,2"; expected an array of numbers/,
    ],
    [
      'an unknown option',
      () => curveChart('t', [], { yTitle: 'y', logScale: true } as never),
      /^curveChart: unknown option "logScale"/,
    ],
    [
      'no y title',
      () => curveChart('t', [], {} as never),
      /^curveChart: options\.yTitle is missing; expected a string/,
    ],
    [
      'a spec that is a string',
      () => showChart('spec' as never, 'x'),
      /^showChart: spec is "spec"; expected an object/,
    ],
    [
      'a bundle that is a string',
      () => show('hi' as never),
      /^show: bundle is "hi"; expected an object/,
    ],
  ];
  for (const [what, call, message] of cases) {
    it(what, async () => {
      const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
      const shown = await inNotebook(async () => {
        await expect(Promise.resolve().then(call)).rejects.toThrow(message);
      });
      expect(shown).toEqual([]);
      expect(log).not.toHaveBeenCalled();
    });
  }
});
