/**
 * Browsers (and the browser build's stand-in for ./node.ts, see tsup.config.ts): workers from
 * blob: URLs, threads only on cross-origin isolated pages, and a clear error from the code
 * paths that need Node (files and folders). Internal.
 */
import type { CarriedWasm, Platform, StartedWorker } from './types';

const nodeOnly = (what: string): Error =>
  new Error(`denselab: ${what} needs Node.js; in a browser, pass URLs or IOHandlers instead`);

/** Cores on a cross-origin isolated page (SharedArrayBuffer: threads), else 1. */
function engineCores(): number {
  const g = globalThis as {
    crossOriginIsolated?: boolean;
    navigator?: { hardwareConcurrency?: number };
  };
  return g.crossOriginIsolated === true ? (g.navigator?.hardwareConcurrency ?? 1) : 1;
}

const WORKER_HOST = `function start(init) {
  self.onmessage = function (e) {
    var loop = init(e.data);
    self.postMessage('ready');
    loop();
  };
}`;

/** A worker from a blob: URL of `source` (no file for a bundler to find). */
function startWorker(source: string, data: unknown): StartedWorker {
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const worker = new Worker(url);
  URL.revokeObjectURL(url);
  const ready = new Promise<void>((resolve, reject) => {
    worker.onmessage = () => resolve();
    worker.onerror = (e) => reject(new Error(e.message || 'the worker failed to load'));
  });
  worker.postMessage(data);
  return { ready, stop: () => worker.terminate() };
}

/** The version of tfjs-backend-wasm whose binary the build copied beside this file. */
declare const __TFJS_WASM_VERSION__: string;

/**
 * denselab's copy of tfjs' SIMD wasm binary, beside this file in the package: bundlers that
 * understand `new URL(file, import.meta.url)` (Vite, webpack 5, Rollup with its assets
 * plugin) emit it with the app and rewrite the URL. The URL is undefined where
 * `import.meta.url` is empty (an iife or cjs bundle).
 */
function carriedWasm(): CarriedWasm | undefined {
  // Defined by the package's build (tsup.config.ts); absent when this file runs from source.
  if (typeof __TFJS_WASM_VERSION__ !== 'string') return undefined;
  const name = 'tfjs-backend-wasm-simd.wasm';
  let url: string | undefined;
  try {
    url = new URL('./tfjs-backend-wasm-simd.wasm', import.meta.url).href;
  } catch {
    url = undefined;
  }
  return { name, version: __TFJS_WASM_VERSION__, ...(url === undefined ? {} : { url }) };
}

/** Browsers. */
export const runtime: Platform = {
  name: 'browser',
  engineCores,
  workerHost: WORKER_HOST,
  startWorker,
  mainThreadWaits: false,
  pathOf: () => {
    throw nodeOnly('a file: URL');
  },
  folderReader: () => {
    throw nodeOnly('reading a folder');
  },
  mnistDataFolder: () => undefined,
  tfjsCoreCopies: () => [],
  loadDawn: () => Promise.resolve({ missing: true, error: 'browsers have their own WebGPU' }),
  dawnEntry: () => undefined,
  probeDawn: () => Promise.reject(nodeOnly("Dawn's adapter search")),
  withNativeEnv: (_env, fn) => fn(),
  folderEnv: () => {
    throw nodeOnly('a model folder');
  },
  withRuntimeDir: (fn) => fn(),
  carriedWasm,
};
