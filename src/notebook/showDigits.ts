import type { NdArray } from '../core/types';
import { arrayOf, integer, string } from '../core/validate';
import { checkImages } from './checks';
import { base64, grayPng } from './png';
import { show } from './show';

/**
 * Shows images `[N, H, W]` (uint8, 0 black to 255 white ink, as MNIST stores them) in a row,
 * each pixel `scale` times larger, with its caption under it: HTML figures in JupyterLab, VS
 * Code and HTML exports, one PNG strip for other front ends, the captions as text elsewhere.
 *
 * @param images - the images, as `loadMnist` gives them
 * @param indices - which images to show
 * @param captions - one caption per shown image (its label, a prediction)
 * @param scale - pixels per image pixel; default 3
 *
 * @category Notebook
 * @example
 * ```ts
 * import { showDigits } from 'denselab/notebook';
 *
 * const images = { data: new Uint8Array(2 * 28 * 28).fill(255), shape: [2, 28, 28] };
 * await showDigits(images, [0, 1], ['7', '2']); // 7  2
 * ```
 */
export async function showDigits(
  images: NdArray<Uint8Array>,
  indices: readonly number[],
  captions: readonly string[],
  scale = 3,
): Promise<void> {
  const fn = 'showDigits';
  const { data, shape } = checkImages(fn, images);
  const [n = 0, h = 28, w = 28] = shape;
  arrayOf(integer({ min: 0, max: n - 1 }), { min: 1 }, 'a non-empty list of image indices')(
    fn,
    'indices',
    indices,
  );
  const k = { min: indices.length, max: indices.length };
  arrayOf(string, k, 'an array of strings (one per index)')(fn, 'captions', captions);
  integer({ min: 1, max: 16 })(fn, 'scale', scale);
  const digit = (i: number): string => base64(strip(data, [i], h, w, scale, 0));
  const figures = indices.map(
    (i, c) =>
      `<figure style="margin:0 6px;text-align:center"><img src="data:image/png;base64,${digit(i)}" width="${w * scale}" height="${h * scale}"/><figcaption style="font:12px monospace">${escapeHtml(captions[c] ?? '')}</figcaption></figure>`,
  );
  await show({
    'text/html': `<div style="display:flex;flex-wrap:wrap">${figures.join('')}</div>`,
    'image/png': base64(strip(data, indices, h, w, scale, 2)),
    'text/plain': captions.join('  '),
  });
}

/** Images side by side as one PNG, dark ink on white, with `gap` white pixels around each. */
function strip(
  data: Uint8Array,
  indices: readonly number[],
  h: number,
  w: number,
  scale: number,
  gap: number,
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
  return grayPng(pixels, width, height);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
