/**
 * The browser build's stand-in for ./node.ts (see tsup.config.ts): the same functions, for the
 * code paths that only run in Node; each says so if it is ever reached. Internal.
 */
import type { FolderEnv } from '../io/modelFolder';

/** Which platform module this is. */
export const platform = 'browser';

const nodeOnly = (what: string): Error =>
  new Error(`denselab: ${what} needs Node.js; in a browser, pass URLs or IOHandlers instead`);

export function cpuCount(): number {
  return (
    (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
      ?.hardwareConcurrency ?? 1
  );
}

export function pathOf(): string {
  throw nodeOnly('a file: URL');
}

export function folderReader(): (name: string) => Promise<Uint8Array | undefined> {
  throw nodeOnly('reading a folder');
}

export function mnistDataFolder(): string | undefined {
  return undefined;
}

export function tfjsCoreCopies(): string[] {
  return [];
}

export function loadDawn(): Promise<{ module: unknown } | { missing: boolean; error: string }> {
  return Promise.resolve({ missing: true, error: 'browsers have their own WebGPU' });
}

export function startWorker(): { ready: Promise<void>; stop(): void } {
  throw nodeOnly('a worker thread from source text');
}

export function folderEnv(): FolderEnv {
  throw nodeOnly('a model folder');
}

export function withRuntimeDir<T>(fn: () => Promise<T>): Promise<T> {
  return fn();
}

export const WORKER_HOST = '';

/** The version of tfjs-backend-wasm whose binary the build copied beside this file. */
declare const __TFJS_WASM_VERSION__: string;

/**
 * denselab's copy of tfjs' SIMD wasm binary, beside this file in the package: bundlers that
 * understand `new URL(file, import.meta.url)` (Vite, webpack 5, Rollup with its assets
 * plugin) emit it with the app and rewrite the URL. The URL is undefined where
 * `import.meta.url` is empty (an iife or cjs bundle).
 */
export function carriedWasm(): { name: string; version: string; url?: string } | undefined {
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
