import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import * as fsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, ModelFileError, saveModel } from '../../src';
import { saveFolder, type Fs, type FolderEnv } from '../../src/io/modelFolder';
import { runtime } from '../../src/platform/node';

const folderEnv = () => runtime.folderEnv();
import { valuedModel } from './fixtures/valuedModel';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'denselab-folder-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

let count = 0;
const fresh = (name: string): string => join(root, `${name}-${count++}`);

const valued = (value: number): tfl.LayersModel =>
  valuedModel(value, { inputSize: 4, hidden: 6, numClasses: 3 });

async function loadedValue(dir: string): Promise<number> {
  const model = await loadModel(dir);
  const values = new Set(model.getWeights().flatMap((w) => Array.from(w.dataSync())));
  model.dispose();
  expect(values.size).toBe(1);
  return [...values][0]!;
}

async function expectCode(
  p: Promise<unknown>,
  code: string,
  pattern: RegExp,
): Promise<ModelFileError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelFileError);
  expect((err as ModelFileError).code).toBe(code);
  expect((err as Error).message).toMatch(pattern);
  return err as ModelFileError;
}

/** Every file below `dir` with its bytes, to check that nothing changed. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string): void => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full, `${prefix}${name}/`);
      else out[`${prefix}${name}`] = readFileSync(full).toString('base64');
    }
  };
  walk(dir, '');
  return out;
}

describe('saving never loses a user file', () => {
  it('refuses a data folder, with or without overwrite, touching nothing', async () => {
    const dir = fresh('data');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'notes.txt'), 'my notes');
    writeFileSync(join(dir, 'sub', 'results.csv'), 'a,b\n1,2\n');
    const before = snapshot(dir);
    const model = valued(1);
    for (const overwrite of [false, true]) {
      await expectCode(
        saveModel(model, dir, { overwrite }),
        'foreign',
        /holds "(notes\.txt|sub)" and no model\.json: it is not a model folder/,
      );
      expect(snapshot(dir)).toEqual(before);
    }
    model.dispose();
  });

  it("refuses '.' in a project folder, and '' outright", async () => {
    const project = fresh('project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), '{"name":"mine"}');
    const cwd = process.cwd();
    process.chdir(project);
    const model = valued(1);
    try {
      await expectCode(
        saveModel(model, '.', { overwrite: true }),
        'foreign',
        /holds "package\.json"/,
      );
      await expect(saveModel(model, '', { overwrite: true })).rejects.toThrow(
        /^saveModel: target is ""; expected a folder path or a URL/,
      );
    } finally {
      process.chdir(cwd);
    }
    expect(readFileSync(join(project, 'package.json'), 'utf8')).toBe('{"name":"mine"}');
    model.dispose();
  });

  it("overwrites a model folder only when it holds nothing but the model's files", async () => {
    const dir = fresh('model');
    const a = valued(1);
    const b = valued(2);
    await saveModel(a, dir);
    writeFileSync(join(dir, 'README.md'), 'about this model');
    const before = snapshot(dir);
    await expectCode(
      saveModel(b, dir, { overwrite: true }),
      'foreign',
      /holds "README\.md", which its model\.json does not list/,
    );
    expect(snapshot(dir)).toEqual(before);
    rmSync(join(dir, 'README.md'));
    await saveModel(b, dir, { overwrite: true });
    expect(await loadedValue(dir)).toBe(2);
    a.dispose();
    b.dispose();
  });

  it('writes into an empty folder; a file where the folder should be, or a file as its parent, is an io error', async () => {
    const empty = fresh('empty');
    mkdirSync(empty);
    const model = valued(1);
    await saveModel(model, empty);
    expect(await loadedValue(empty)).toBe(1);
    const file = fresh('file');
    writeFileSync(file, 'x');
    await expectCode(
      saveModel(model, file),
      'io',
      /(is a file, not a folder|a file is where a folder should be)/,
    );
    await expectCode(
      saveModel(model, join(file, 'model')),
      'io',
      /a (part of the path is a file|file is where a folder should be)/,
    );
    expect(readFileSync(file, 'utf8')).toBe('x');
    model.dispose();
  });

  it('removes what crashed saves left (their lock, temporary files, orphaned shards)', async () => {
    const dir = fresh('leftovers');
    const model = valued(1);
    await saveModel(model, dir);
    writeFileSync(join(dir, '.denselab-save.lock'), `999999999 ${folderEnv().hostname}\n`);
    writeFileSync(join(dir, '.model.json.12345-abcdef.tmp'), '{');
    writeFileSync(join(dir, 'group1-shard1of1-0123456789abcdef.bin'), 'orphan');
    await saveModel(valued(3), dir, { overwrite: true });
    expect(await loadedValue(dir)).toBe(3);
    expect(readdirSync(dir).sort()).toEqual([
      expect.stringMatching(/^group1-shard1of1-\w{16}\.bin$/),
      'model.json',
    ]);
    model.dispose();
  });

  it('two saves at once: one wins, the other is busy', async () => {
    const dir = fresh('race');
    const [a, b] = [valued(1), valued(2)];
    const env = folderEnv();
    // Hold the first save at its first rename, so that the second surely comes while it runs.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow: FolderEnv = {
      ...env,
      fs: { ...env.fs, rename: async (...args) => gate.then(() => env.fs.rename(...args)) },
    };
    const first = saveFolder(slow, dir, await artifactsOf(a), { overwrite: false });
    while (!existsSync(join(dir, '.denselab-save.lock')))
      await new Promise((r) => setTimeout(r, 5));
    await expectCode(
      saveModel(b, dir, { overwrite: true }),
      'busy',
      /another save .* is writing this folder/,
    );
    release();
    await first;
    expect(await loadedValue(dir)).toBe(1);
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
    a.dispose();
    b.dispose();
  });

  it('follows the umask for folders and files', () => {
    const dir = fresh('umask');
    const script = `
      import * as tf from '@tensorflow/tfjs-core';
      import '@tensorflow/tfjs-backend-cpu';
      import { buildDenseClassifier, saveModel } from ${JSON.stringify(new URL('../../src/index.ts', import.meta.url).pathname)};
      await tf.setBackend('cpu');
      process.umask(0o027);
      const model = buildDenseClassifier({ inputSize: 2, hiddenUnits: [2], numClasses: 2 });
      await saveModel(model, process.argv[1]);
    `;
    execFileSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script, join(dir, 'model')],
      { stdio: 'ignore' },
    );
    expect(statSync(dir).mode & 0o777).toBe(0o750);
    expect(statSync(join(dir, 'model')).mode & 0o777).toBe(0o750);
    for (const f of readdirSync(join(dir, 'model')))
      expect(statSync(join(dir, 'model', f)).mode & 0o777).toBe(0o640);
  });
});

describe('loading reads only regular files inside the folder', () => {
  let dir: string;
  beforeAll(async () => {
    const model = valued(5);
    dir = fresh('source');
    await saveModel(model, dir);
    model.dispose();
  });
  const withPath = (path: string): string => {
    const d = fresh('path');
    execFileSync('cp', ['-r', dir, d]);
    const file = join(d, 'model.json');
    const json = JSON.parse(readFileSync(file, 'utf8')) as {
      weightsManifest: { paths: string[] }[];
    };
    const shard = json.weightsManifest[0]!.paths[0]!;
    if (path.startsWith('../')) execFileSync('cp', [join(d, shard), join(d, path)]);
    json.weightsManifest[0]!.paths = [path];
    writeFileSync(file, JSON.stringify(json));
    return d;
  };

  it('rejects .., absolute and URL paths in the manifest before reading them', async () => {
    const before = tf.memory().numTensors;
    await expectCode(
      loadModel(withPath('../outside.bin')),
      'invalid',
      /lists the weights path "\.\.\/outside\.bin", which leaves the folder/,
    );
    await expectCode(
      loadModel(withPath('/etc/hostname')),
      'invalid',
      /"\/etc\/hostname", which is absolute/,
    );
    await expectCode(loadModel(withPath('https://example.com/w.bin')), 'invalid', /which is a URL/);
    await expectCode(loadModel(withPath('a\\b.bin')), 'invalid', /which is not a file name/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a link that leads out (to /dev/zero) and a FIFO, without reading them', async () => {
    const linked = withPath('zero.bin');
    symlinkSync('/dev/zero', join(linked, 'zero.bin'));
    await expectCode(
      loadModel(linked),
      'invalid',
      /"zero\.bin", which leads out of it \(to \/dev\/zero\)/,
    );
    const fifo = withPath('pipe.bin');
    execFileSync('mkfifo', [join(fifo, 'pipe.bin')]);
    const started = Date.now();
    await expectCode(loadModel(fifo), 'invalid', /pipe\.bin: is not a regular file/);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

/** An Fs whose `at`-th call fails with `code`; every call is counted. */
function faulty(at: number, code: string): { fs: Fs; calls: () => number } {
  let n = 0;
  const fs = new Proxy(fsPromises, {
    get(target, key: string) {
      const real = (target as unknown as Record<string, unknown>)[key];
      if (typeof real !== 'function') return real;
      return (...args: unknown[]) => {
        n++;
        if (n === at) {
          const err = Object.assign(new Error(`${code}: injected at call ${at} (${key})`), {
            code,
          });
          return Promise.reject(err);
        }
        return (real as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as unknown as Fs;
  return { fs, calls: () => n };
}

async function artifactsOf(model: tfl.LayersModel): Promise<tf.io.ModelArtifacts> {
  let captured: tf.io.ModelArtifacts | undefined;
  await model.save({
    save: (a) => {
      captured = a;
      return Promise.resolve({
        modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' },
      });
    },
  });
  return captured!;
}

describe('a file system failure at any step of a save', () => {
  it('leaves the old model whole and the folder as it was, or saves the new one (every step, every kind of fault)', async () => {
    const env = folderEnv();
    const [a, b] = [valued(1), valued(2)];
    const [artifactsA, artifactsB] = [await artifactsOf(a), await artifactsOf(b)];
    // Count the calls of a clean overwrite to know the steps.
    const probe = fresh('probe');
    await saveFolder(env, probe, artifactsA, { overwrite: false });
    const counter = faulty(0, 'EIO');
    await saveFolder({ ...env, fs: counter.fs }, probe, artifactsB, { overwrite: true });
    const steps = counter.calls();
    expect(steps).toBeGreaterThan(8);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: steps }),
        fc.constantFrom('EACCES', 'EROFS', 'ENOSPC', 'EIO'),
        fc.boolean(),
        async (at, code, existing) => {
          const dir = fresh('fault');
          if (existing) await saveFolder(env, dir, artifactsA, { overwrite: false });
          const before = existing ? snapshot(dir) : undefined;
          const { fs } = faulty(at, code);
          const broken: FolderEnv = { ...env, fs };
          const outcome = await saveFolder(broken, dir, artifactsB, { overwrite: true }).then(
            () => 'saved',
            (e: unknown) => e,
          );
          // A lock whose removal was the failing step may stay: the next save takes it over.
          const withoutLock = (snap: Record<string, string>): Record<string, string> =>
            Object.fromEntries(Object.entries(snap).filter(([k]) => k !== '.denselab-save.lock'));
          if (outcome === 'saved') {
            expect(await loadedValue(dir)).toBe(2);
          } else {
            expect(outcome).toBeInstanceOf(ModelFileError);
            expect((outcome as ModelFileError).code).toBe('io');
            expect((outcome as Error).message).toContain(code);
            if (existing) {
              expect(withoutLock(snapshot(dir))).toEqual(before);
              expect(await loadedValue(dir)).toBe(1);
            } else if (existsSync(dir)) {
              expect(Object.keys(snapshot(dir))).toEqual(['.denselab-save.lock']);
            }
          }
          // The next save cleans up whatever the failed one left.
          await saveFolder(env, dir, artifactsB, { overwrite: true });
          expect(await loadedValue(dir)).toBe(2);
          expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
        },
      ),
      { numRuns: 60, seed: 11 },
    );
    a.dispose();
    b.dispose();
  });
});
