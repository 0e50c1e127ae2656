// Real processes against one model folder: concurrent writers and a reader (no mixed model, no
// error), and a writer killed again and again mid-save (the folder always loads, the next save
// cleans up).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, saveModel } from '../../src';
import { valuedModel } from './fixtures/valuedModel';

const worker = fileURLToPath(new URL('./fixtures/folderWorker.ts', import.meta.url));
let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'denselab-procs-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function start(args: string[]): { child: ChildProcess; done: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', worker, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<string>((resolve, reject) => {
    child.on('exit', (code, signal) => {
      if (code === 0 || signal === 'SIGKILL') resolve(out);
      else
        reject(new Error(`worker ${args.join(' ')} exited ${code ?? signal}: ${err.slice(-2000)}`));
    });
  });
  return { child, done };
}

const lastJson = <T>(out: string): T => JSON.parse(out.trim().split('\n').at(-1)!) as T;

async function valuedModelIn(dir: string, value: number, hidden = 32): Promise<void> {
  const model = valuedModel(value, { hidden });
  await saveModel(model, dir, { overwrite: true });
  model.dispose();
}

describe('one model folder, several processes', () => {
  it('two writers and a reader: every load is one whole model, never a mix, never missing', async () => {
    const dir = join(root, 'shared');
    await valuedModelIn(dir, 1);
    const writers = [start(['write', dir, '2', '80']), start(['write', dir, '3', '80'])];
    const reader = start(['read', dir, '300']);
    const [w1, w2, r] = await Promise.all([...writers.map((w) => w.done), reader.done]);
    const read = lastJson<{
      loads: number;
      mixes: number;
      errors: Record<string, number>;
      values: Record<string, number>;
    }>(r!);
    expect(read.errors).toEqual({});
    expect(read.mixes).toBe(0);
    expect(read.loads).toBe(300);
    // The reader saw the models the writers saved while it ran.
    expect(Object.keys(read.values).length).toBeGreaterThanOrEqual(2);
    for (const w of [w1, w2!]) expect(lastJson<{ saves: number }>(w).saves).toBe(80);
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
  }, 120_000);

  it('a writer killed mid-save, again and again: the folder always loads, and the next save cleans up', async () => {
    const dir = join(root, 'killed');
    await valuedModelIn(dir, 1, 24_000);
    for (let round = 0; round < 8; round++) {
      const w = start(['loop', dir, String(round + 2)]);
      // Let it save at least once, then kill it at a random moment of a later save.
      await new Promise<void>((resolve) => w.child.stdout!.once('data', () => resolve()));
      await new Promise((r) => setTimeout(r, Math.random() * 120));
      w.child.kill('SIGKILL');
      await w.done;
      const model = await loadModel(dir);
      const values = new Set(model.getWeights().flatMap((t) => Array.from(t.dataSync())));
      model.dispose();
      expect(values.size).toBe(1);
    }
    // The next save takes over a dead writer's lock and removes its leftovers (whether a kill
    // left any is up to timing; modelFolder.test.ts makes them on purpose).
    await valuedModelIn(dir, 99, 24_000);
    const files = readdirSync(dir).sort();
    expect(files.filter((f) => f.startsWith('.'))).toEqual([]);
    expect(files).toHaveLength(3); // model.json and two shards
    const model = await loadModel(dir);
    expect(model.getWeights()[0]!.dataSync()[0]).toBe(99);
    model.dispose();
  }, 180_000);
});
