import * as tf from '@tensorflow/tfjs-core';
import type * as WasmModule from '@tensorflow/tfjs-backend-wasm';
import { isNode } from '../core/env';
import { backendCreated } from '../internals/tfjsInternals';
import { withinBound } from '../core/bound';
import { start, type Outcome } from './startBackend';
import { currentPlatform } from '../platform';

/** What a user does when the browser cannot fetch tfjs' wasm binary. */
export const WASM_FIX =
  "serve the .wasm files of node_modules/@tensorflow/tfjs-backend-wasm/dist/ from a folder of your site and pass selectBackend({ wasmPaths: '/that-folder/' })";

const BINARIES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
];

/** The fix when Vite 7's dev server pre-bundled denselab and lost the binary beside it. */
const VITE_DEV_FIX =
  "give Vite 7's dev server, which pre-bundles denselab without the binary (vite build and Vite 8 find it), optimizeDeps: { exclude: ['denselab'], include: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu', 'fflate'] }; or " +
  WASM_FIX;

/** Where the binary tfjs will fetch lives, or why it cannot be known. */
type Located = { paths?: Record<string, string> | string; url?: string } | { missing: string };

/**
 * Starts tfjs' wasm backend. In browsers it first makes sure the binary can be fetched: the
 * copy in denselab's package (which bundlers that understand `new URL(file,
 * import.meta.url)` emit with the app), or the one under `wasmPaths`. A binary that is not
 * there is a setup mistake, reported with its fix, instead of tfjs' ten warnings.
 *
 * In browsers tfjs' own wasm threads stay off: tfjs rebuilds their worker from the source
 * text of its bundled module (`Function.prototype.toString`), which minifiers break (the page
 * then hangs); denselab's engine runs threads of its own.
 */
export async function tryWasm(wasmPaths: string | undefined, ms: number): Promise<Outcome> {
  let wasm: typeof WasmModule;
  try {
    wasm = await import('@tensorflow/tfjs-backend-wasm');
  } catch (err) {
    const reason = `'@tensorflow/tfjs-backend-wasm' could not be loaded: ${(err as Error).message}`;
    return { ok: false, reason };
  }
  // Once tfjs has started the backend, its files are settled; setWasmPaths would throw.
  if (backendCreated('wasm')) return start('wasm', ms);
  if (isNode()) {
    if (wasmPaths !== undefined) wasm.setWasmPaths(wasmPaths);
    return start('wasm', ms);
  }
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const name = simd ? 'tfjs-backend-wasm-simd.wasm' : 'tfjs-backend-wasm.wasm';
  const located = await locate(name, wasmPaths, wasm.version_wasm);
  if ('missing' in located) return { ok: false, reason: located.missing, setup: WASM_FIX };
  if (located.url !== undefined) {
    const problem = await fetchProblem(located.url, ms);
    if (problem !== undefined) {
      // Vite 7's dev server pre-bundles denselab into node_modules/.vite/deps/, without the file.
      const fix = located.url.includes('/.vite/deps/') ? VITE_DEV_FIX : WASM_FIX;
      return { ok: false, reason: `${name} ${problem}`, setup: fix };
    }
  }
  if (located.paths !== undefined) wasm.setWasmPaths(located.paths);
  return start('wasm', ms);
}

/** The binary's URL: under `wasmPaths` when given, else denselab's own copy when it fits. */
async function locate(
  name: string,
  wasmPaths: string | undefined,
  installed: string,
): Promise<Located> {
  if (wasmPaths !== undefined) return { paths: wasmPaths, url: absolute(wasmPaths + name) };
  const carried = (await currentPlatform()).carriedWasm();
  if (carried === undefined) return {};
  if (carried.url === undefined) {
    return {
      missing: `no URL for denselab's copy of ${name}: import.meta.url is empty in this bundle (an iife or cjs bundle)`,
    };
  }
  if (carried.version !== installed) {
    return {
      missing: `denselab carries the binary of tfjs-backend-wasm ${carried.version}, but ${installed} is installed, and the two must match`,
    };
  }
  if (carried.name !== name) {
    return {
      missing: `this browser has no WebAssembly SIMD, and denselab carries only ${carried.name}`,
    };
  }
  // tfjs wants an entry for each of its three binaries; with its threads off and SIMD here,
  // it fetches only this one.
  const paths = Object.fromEntries(BINARIES.map((b) => [b, carried.url as string]));
  return { paths, url: carried.url };
}

function absolute(url: string): string {
  const base = (globalThis as { location?: { href: string } }).location?.href;
  try {
    return new URL(url, base).href;
  } catch {
    return url;
  }
}

/**
 * Why the binary at `url` cannot be fetched (not found, an HTML page in its place as a
 * development server's fallback answers, no answer), or undefined when it looks right.
 */
async function fetchProblem(url: string, ms: number): Promise<string | undefined> {
  if (!/^https?:/.test(url)) return undefined;
  let response: Response;
  try {
    response = await withinBound(fetch(url, { method: 'HEAD' }), ms, `fetching ${url}`);
  } catch (err) {
    return `could not be fetched from ${url} (${(err as Error).message})`;
  }
  // Read the (empty) body: an unread response counts as an aborted request in Chromium.
  await response.arrayBuffer().catch(() => undefined);
  if (response.status === 405 || response.status === 501) return undefined; // no HEAD here
  if (!response.ok) return `was not found at ${url} (HTTP ${response.status})`;
  const type = response.headers.get('content-type') ?? '';
  if (/text\/html/i.test(type)) {
    return `was not found at ${url} (the server answered with an HTML page, as a development server does for a file it does not have)`;
  }
  return undefined;
}
