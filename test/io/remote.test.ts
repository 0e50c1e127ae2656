/**
 * loadModel and saveModel with URL targets: `http://` against a real server on 127.0.0.1 (a
 * model, a 404, a 500, bodies cut short, a refused connection, a server that never answers),
 * `file:` URLs in the forms people write, and browser-only schemes in Node. Each either works
 * as documented or fails with a ModelFileError naming the function, the target and the cause,
 * leaving no tensor behind.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDenseClassifier, loadModel, ModelFileError, saveModel } from 'denselab';

const root = mkdtempSync(join(tmpdir(), 'denselab-remote-'));
const model = buildDenseClassifier({ inputSize: 4, hiddenUnits: [3], numClasses: 2, seed: 1 });
let base = '';
let refused = '';
const posted: number[] = [];
const servers: http.Server[] = [];

/** Serves the saved model under /ok/, and the failures each route names. */
function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
  const [, route, file = ''] = (req.url ?? '').split('/');
  const body = (): Buffer => readFileSync(join(root, 'm', file));
  if (req.method === 'POST') {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      posted.push(Buffer.concat(chunks).length);
      res.statusCode = route === 'save' ? 200 : 500;
      res.end('{}');
    });
  } else if (route === 'ok') {
    res.end(body());
  } else if (route === 'e500') {
    res.statusCode = 500;
    res.end('internal error');
  } else if (route === 'cut' || (route === 'cutweights' && file !== 'model.json')) {
    const all = body();
    res.writeHead(200, { 'content-length': all.length });
    res.write(all.subarray(0, all.length >> 1));
    setTimeout(() => res.socket?.destroy(), 10);
  } else if (route === 'cutweights') {
    res.end(body());
  } else if (route !== 'slow') {
    res.statusCode = 404;
    res.end();
  } // 'slow' never answers
}

async function listen(server: http.Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  await saveModel(model, join(root, 'm'));
  base = `http://127.0.0.1:${await listen(http.createServer(handle))}`;
  const closed = http.createServer();
  const port = await listen(closed);
  await new Promise((r) => closed.close(r));
  refused = `http://127.0.0.1:${port}/model.json`;
});
afterAll(() => {
  for (const s of servers) s.closeAllConnections();
  for (const s of servers) s.close();
  model.dispose();
  rmSync(root, { recursive: true, force: true });
});

/** The error a call rejects with; checks it left no tensor. */
async function failure(call: () => Promise<unknown>): Promise<ModelFileError> {
  const before = tf.memory().numTensors;
  const err = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(tf.memory().numTensors).toBe(before);
  expect(err).toBeInstanceOf(ModelFileError);
  return err as ModelFileError;
}

describe('loadModel from an HTTP server', () => {
  it('loads a model served over http, predicting what the saved one does', async () => {
    const loaded = await loadModel(`${base}/ok/model.json`);
    const x = tf.tensor2d([[0.1, 0.2, 0.3, 0.4]]);
    const [a, b] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    tf.dispose([x, a, b]);
    loaded.dispose();
  });

  it.each([
    ['a 404', '/none/model.json', 'missing', /: the server answered HTTP 404 \(not found\)$/],
    ['a 500', '/e500/model.json', 'network', /: the server answered HTTP 500$/],
    [
      'a model.json cut short',
      '/cut/model.json',
      'truncated',
      /: the response ended before all of it arrived: /,
    ],
    [
      'a weights file cut short',
      '/cutweights/model.json',
      'truncated',
      /: the response ended before all of it arrived: /,
    ],
  ])(
    '%s is a ModelFileError naming loadModel, the URL and the cause',
    async (_what, path, code, says) => {
      const err = await failure(() => loadModel(`${base}${path}`));
      expect(err.code).toBe(code);
      expect(err.file).toBe(`${base}${path}`);
      expect(err.message).toMatch(new RegExp(`^loadModel: ${base}${path}`));
      expect(err.message).toMatch(says);
    },
  );

  it('a refused connection says so', async () => {
    const err = await failure(() => loadModel(refused));
    expect(err.code).toBe('network');
    expect(err.message).toMatch(/the connection was refused \(is the server running\?\)$/);
  });

  it('a server that never answers fails after the timeout, not later', async () => {
    const start = performance.now();
    const err = await failure(() => loadModel(`${base}/slow/model.json`, { timeout: 300 }));
    const ms = performance.now() - start;
    expect(err.code).toBe('network');
    expect(err.message).toMatch(/no answer within 300 ms \(the timeout option\)$/);
    expect(ms).toBeGreaterThanOrEqual(290);
    expect(ms).toBeLessThan(5000);
  });
});

describe('saveModel to an HTTP server', () => {
  it("POSTs the model (tfjs' multipart form) and reports success", async () => {
    const before = posted.length;
    const saved = await saveModel(model, `${base}/save`);
    expect(saved.weightBytes).toBe(92);
    expect(posted.length).toBe(before + 1);
    expect(posted.at(-1)).toBeGreaterThan(92);
  });

  it('an error status is a ModelFileError with the status', async () => {
    const err = await failure(() => saveModel(model, `${base}/e500`));
    expect(err.code).toBe('network');
    expect(err.message).toMatch(
      /^saveModel: http:\/\/127\.0\.0\.1:\d+\/e500: the server answered HTTP 500$/,
    );
  });
});

describe('file: URLs as people write them', () => {
  const cwd = process.cwd();
  beforeAll(() => process.chdir(root));
  afterAll(() => process.chdir(cwd));

  it.each(['file://./m', 'file:m', 'file://m', 'file://./m/model.json'])(
    'loadModel(%s)',
    async (source) => {
      const loaded = await loadModel(source);
      expect(loaded.countParams()).toBe(model.countParams());
      loaded.dispose();
    },
  );

  it.each(['file://./saved1', 'file:saved2'])(
    'saveModel(model, %s) writes the relative folder',
    async (target) => {
      await saveModel(model, target);
      const folder = target.replace(/^file:(\/\/)?/, '');
      expect(readdirSync(join(root, folder))).toContain('model.json');
    },
  );

  it('file:///absolute paths are URLs (percent escapes decoded)', async () => {
    const loaded = await loadModel(new URL(`file://${join(root, 'm')}`));
    loaded.dispose();
  });
});

describe('browser storage in Node', () => {
  it.each([
    ['saveModel', () => saveModel(model, 'indexeddb://m'), 'indexeddb://m', 'save'],
    ['loadModel', () => loadModel('localstorage://m'), 'localstorage://m', 'load'],
    ['saveModel', () => saveModel(model, 'downloads://m'), 'downloads://m', 'save'],
  ] as const)('%s(%s) is unsupported here, and says what to use', async (fn, call, target, use) => {
    const err = await failure(call);
    expect(err.code).toBe('unsupported');
    expect(err.message).toMatch(
      new RegExp(
        `^${fn}: ${target}: TF\\.js has no way to ${use} .* here \\(browser storage does not exist in Node; pass a folder path`,
      ),
    );
  });
});

describe('arguments in the wrong places', () => {
  it('saveModel(path, model) says the arguments are swapped', async () => {
    await expect(saveModel('m' as never, model as never)).rejects.toThrow(
      /^saveModel: model is "m" and target is a tfjs-layers model "[^"]+": the arguments are swapped; call saveModel\(model, "m"\)$/,
    );
  });

  it('loadModel(model) says how saving and loading go together', async () => {
    await expect(loadModel(model as never)).rejects.toThrow(
      /^loadModel: source is a tfjs-layers model "[^"]+"; a model is saved with saveModel\(model, target\) and loaded from where it was saved: loadModel\(target\)$/,
    );
  });
});
