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

export function startWorker(): Promise<{ stop(): void }> {
  return Promise.reject(nodeOnly('a worker thread from source text'));
}

export function folderEnv(): FolderEnv {
  throw nodeOnly('a model folder');
}

export function withRuntimeDir<T>(fn: () => Promise<T>): Promise<T> {
  return fn();
}

export const WORKER_HOST = '';
