import * as tf from '@tensorflow/tfjs-core';
import { restoreProcessHandlers } from './processHandlers';
import * as tfl from '@tensorflow/tfjs-layers';
import { isNode } from '../core/env';
import { rangeError, show, typeError } from '../core/errors';
import {
  arrayOf,
  integer,
  boolean,
  checkOptions,
  either,
  nonEmptyString,
  oneOf,
  type Check,
  type OptionSpec,
} from '../core/validate';
import type { AdapterSummary, BackendAttempt, BackendName, BackendSelection } from './types';
import { useFastKernels } from '../tfjsKernels/useFastKernels';
import { describeAdapter, findAdapter, registerWebGpu } from './webgpu';
import { start, type Outcome } from './startBackend';
import { tryWasm } from './startWasm';
import { currentPlatform } from '../platform';

/**
 * Options of {@link selectBackend}.
 *
 * @category Backend
 */
export interface SelectBackendOptions {
  /**
   * The backends to try, in order. Default: browsers `webgpu, webgl, wasm, cpu`; Node
   * `webgpu, wasm, cpu`.
   */
  prefer?: readonly BackendName[];
  /**
   * Accept a software WebGPU adapter (SwiftShader, lavapipe, fallback adapters) or a software
   * WebGL renderer (SwiftShader, llvmpipe). Default false: on a CPU they are slower than wasm,
   * so they are skipped with that reason.
   */
  allowSoftwareAdapter?: boolean;
  /**
   * The environment variable (Node) that forces one backend, for scripts and CI:
   * `DENSELAB_BACKEND=wasm node train.js`. A forced backend that fails to start is an error;
   * a forced `webgpu` accepts software adapters. `false` ignores the environment. Default
   * `'DENSELAB_BACKEND'`.
   */
  envVar?: string | false;
  /**
   * Where the wasm backend's `.wasm` files are served from, in browsers, as a URL prefix ending
   * in `/`. Without it a bundled app uses the copy of tfjs' SIMD binary in denselab's package,
   * which Vite and webpack emit by themselves (the backends guide says what other bundlers
   * need); Node finds the files in tfjs' package.
   */
  wasmPaths?: string;
  /**
   * Milliseconds each backend may take to start (load its files, initialise, pass its check);
   * one that takes longer is abandoned and the next is tried, with that reason. Default 30000.
   */
  startTimeout?: number;
  /**
   * Install denselab's faster kernels (see {@link useFastKernels}): same results, faster
   * training on wasm and cpu. Default true; false restores tfjs' own kernels.
   */
  fastKernels?: boolean;
}

const ALL: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** A URL prefix, as `wasmPaths` takes it. */
const urlPrefix: Check<string> = (fn, path, value) => {
  if (typeof value === 'string') return value;
  throw typeError(fn, `${path} is ${show(value)}; expected a URL prefix string`);
};

/** `false`, as `envVar` takes it to ignore the environment. */
const falseOnly: Check<false> = (fn, path, value) => {
  if (value === false) return false;
  throw typeError(fn, `${path} is ${show(value)}; expected false`);
};

/** selectBackend's options and their checks. */
const SELECT_OPTIONS = {
  prefer: arrayOf(oneOf(ALL), { min: 1 }, 'a list of backends'),
  allowSoftwareAdapter: boolean,
  envVar: either(nonEmptyString, falseOnly, 'a variable name or false'),
  wasmPaths: urlPrefix,
  fastKernels: boolean,
  startTimeout: integer({ min: 1 }),
} satisfies OptionSpec;

/** Option names a user may bring from elsewhere, and what to use instead. */
const SELECT_HINTS = {
  timeout: 'use startTimeout: the milliseconds each backend may take to start',
};

let warnedCopies = false;
let releaseWebGpu: (() => void) | undefined;

/**
 * Chooses and starts the fastest tfjs backend that really works here, and says why:
 *
 * - browsers: `webgpu`, then `webgl` (when the app imports `@tensorflow/tfjs-backend-webgl`),
 *   then `wasm`, then `cpu`;
 * - Node: `webgpu` through the optional `webgpu` package (Dawn) when it is installed and finds
 *   an adapter, then `wasm`, then `cpu`.
 *
 * A backend counts only once it has really started: an adapter was returned (WebGPU),
 * `tf.setBackend` returned true, `tf.ready()` resolved and a small computation gave the right
 * answer. Software WebGPU adapters and WebGL renderers (SwiftShader, llvmpipe: a GPU API drawn
 * by the CPU, slower than wasm) are skipped unless `allowSoftwareAdapter` is set. Every
 * attempt is reported with its reason. It also warns once when the tfjs packages disagree in
 * version or when two copies of tfjs-core are loaded.
 *
 * Call it once at start-up; every denselab function works on whatever backend is active (tfjs'
 * default when none was selected). In Node, call {@link releaseBackend} at the end of a script
 * that ran on WebGPU so that the process can exit.
 *
 * @param options - preference order, software adapters, the forcing variable, wasm paths
 * @returns the chosen backend, every attempt with its reason, and the adapter
 * @throws Error when no backend starts, or a forced backend does not; RangeError for an unknown
 *   backend name; TypeError for an option of the wrong type (before any backend is touched)
 *
 * @category Backend
 * @example
 * ```ts
 * import '@tensorflow/tfjs-backend-cpu';
 * import { selectBackend } from 'denselab';
 *
 * const selection = await selectBackend({ prefer: ['cpu'], envVar: false });
 * console.log(selection.backend, selection.attempts.length); // cpu 1
 * ```
 */
export async function selectBackend(options: SelectBackendOptions = {}): Promise<BackendSelection> {
  const fn = 'selectBackend';
  // Every option is checked before any backend is touched.
  if (typeof options === 'string') {
    throw typeError(
      fn,
      `options is ${show(options)}; pass the backends to try as prefer: selectBackend({ prefer: [${show(options)}] })`,
    );
  }
  const o = checkOptions(fn, options, SELECT_OPTIONS, 'options', SELECT_HINTS);
  const platform = isNode() ? 'node' : 'browser';
  const envVar = o.envVar ?? 'DENSELAB_BACKEND';
  const forcedValue =
    envVar !== false && platform === 'node' ? process.env[envVar]?.trim() || undefined : undefined;
  if (forcedValue !== undefined && !ALL.includes(forcedValue as BackendName)) {
    throw rangeError(fn, `${envVar} is ${show(forcedValue)}; expected one of ${ALL.join(', ')}`);
  }
  const prefer: readonly BackendName[] =
    forcedValue !== undefined
      ? [forcedValue as BackendName]
      : (o.prefer ?? (platform === 'node' ? ['webgpu', 'wasm', 'cpu'] : ALL));
  const allowSoftware = o.allowSoftwareAdapter === true || forcedValue === 'webgpu';

  const { attempts, adapter, setup } = await firstThatStarts(prefer, {
    platform,
    allowSoftware,
    wasmPaths: o.wasmPaths,
    ms: o.startTimeout ?? 30_000,
  });
  restoreProcessHandlers();
  const chosen = attempts.find((a) => a.chosen);
  const summary = attempts
    .map((a) => `${a.backend}: ${a.chosen ? 'chosen' : 'skipped'}, ${a.reason}`)
    .join('\n');
  if (chosen === undefined) {
    const why =
      forcedValue !== undefined
        ? `${envVar}=${forcedValue} forced a backend that did not start`
        : 'no backend started';
    throw new Error(`${fn}: ${why}:\n${summary}`);
  }
  if (setup !== undefined) warnAboutSetup(chosen.backend, setup);
  await warnAboutCopies();
  const fastKernels = useFastKernels(o.fastKernels ?? true);
  return {
    fastKernels,
    backend: chosen.backend,
    platform,
    attempts,
    ...(adapter ? { adapter } : {}),
    ...(forcedValue !== undefined ? { forcedBy: `${envVar}=${forcedValue}` } : {}),
    summary,
  };
}

/**
 * Undoes what {@link selectBackend} set up for WebGPU in Node: disposes the webgpu backend
 * (its device) and removes the globals it installed, so that the process can exit. Does
 * nothing when WebGPU was not set up. Switch to another backend first if you go on computing.
 *
 * @category Backend
 * @example
 * ```ts
 * import { releaseBackend } from 'denselab';
 *
 * releaseBackend(); // at the end of a Node script that trained on WebGPU
 * console.log('released'); // released
 * ```
 */
export function releaseBackend(): void {
  if (releaseWebGpu === undefined) return;
  if (tf.findBackend('webgpu') != null) tf.removeBackend('webgpu');
  releaseWebGpu();
  releaseWebGpu = undefined;
}

/** How {@link firstThatStarts} tries each backend. */
interface Attempting {
  platform: 'node' | 'browser';
  allowSoftware: boolean;
  wasmPaths: string | undefined;
  ms: number;
}

type Tried = Outcome & { adapter?: AdapterSummary };

/**
 * Tries each backend in order until one starts; every attempt is kept, with its reason. The
 * first attempt that failed from a setup mistake (a file not served) is returned as `setup`
 * when a later backend was chosen.
 */
async function firstThatStarts(
  prefer: readonly BackendName[],
  how: Attempting,
): Promise<{
  attempts: BackendAttempt[];
  adapter?: AdapterSummary;
  setup?: { reason: string; fix: string };
}> {
  const attempts: BackendAttempt[] = [];
  let setup: { reason: string; fix: string } | undefined;
  for (const backend of prefer) {
    const outcome = await tryBackend(backend, how);
    attempts.push({
      backend,
      chosen: outcome.ok,
      reason: outcome.reason,
      ...(outcome.adapter ? { adapter: outcome.adapter } : {}),
    });
    if (outcome.setup !== undefined && setup === undefined) {
      setup = { reason: `${backend}: ${outcome.reason}`, fix: outcome.setup };
    }
    if (outcome.ok) {
      return {
        attempts,
        ...(outcome.adapter ? { adapter: outcome.adapter } : {}),
        ...(setup ? { setup } : {}),
      };
    }
  }
  return { attempts };
}

async function tryBackend(backend: BackendName, how: Attempting): Promise<Tried> {
  try {
    switch (backend) {
      case 'webgpu':
        return await tryWebGpu(how.allowSoftware, how.ms);
      case 'webgl':
        return await tryWebGl(how.platform, how.allowSoftware, how.ms);
      case 'wasm':
        return await tryWasm(how.wasmPaths, how.ms);
      case 'cpu':
        return await tryCpu(how.ms);
    }
  } catch (err) {
    return { ok: false, reason: `failed to start: ${(err as Error).message}` };
  }
}

const softwareSkipped = (what: string, which: string): string =>
  `${what} skipped (${which}): slower than wasm on a CPU; pass allowSoftwareAdapter to use it`;

async function tryWebGpu(allowSoftware: boolean, ms: number): Promise<Tried> {
  const search = await findAdapter(allowSoftware);
  if (!search.found) {
    const adapter = search.skipped;
    if (adapter === undefined) return { ok: false, reason: search.reason };
    return {
      ok: false,
      adapter,
      reason: softwareSkipped('software adapter', describeAdapter(adapter)),
    };
  }
  const adapter = search.summary;
  await registerWebGpu(search.adapter);
  const started = await start('webgpu', ms);
  if (!started.ok) {
    tf.removeBackend('webgpu');
    search.cleanup();
    return { ...started, adapter };
  }
  releaseWebGpu = search.cleanup;
  return { ok: true, adapter, reason: `adapter ${describeAdapter(adapter)}` };
}

async function tryWebGl(
  platform: 'node' | 'browser',
  allowSoftware: boolean,
  ms: number,
): Promise<Tried> {
  if (platform === 'node') return { ok: false, reason: 'WebGL needs a browser' };
  const renderer = webglRenderer();
  if (renderer === undefined) return { ok: false, reason: 'this browser gives no WebGL2 context' };
  if (SOFTWARE_RENDERER.test(renderer) && !allowSoftware) {
    return { ok: false, reason: softwareSkipped('software WebGL renderer', renderer) };
  }
  // The app imports tfjs-backend-webgl itself when it wants it: an import here would make
  // every bundler warn, or fail, for the apps that do not install this optional package.
  if (tf.findBackendFactory('webgl') == null) {
    return {
      ok: false,
      reason:
        "WebGL is not part of this app: import '@tensorflow/tfjs-backend-webgl' before selectBackend() to use it",
    };
  }
  return start('webgl', ms);
}

async function tryCpu(ms: number): Promise<Tried> {
  try {
    await import('@tensorflow/tfjs-backend-cpu');
  } catch (err) {
    const reason = `'@tensorflow/tfjs-backend-cpu' could not be loaded: ${(err as Error).message}`;
    return { ok: false, reason };
  }
  return start('cpu', ms);
}

/** Renderers that draw on the CPU: Chromium's SwiftShader, Mesa's llvmpipe and softpipe. */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|microsoft basic render/i;

/** The WebGL2 renderer's name (unmasked where the browser allows), or undefined without WebGL2. */
function webglRenderer(): string | undefined {
  const doc = (globalThis as { document?: { createElement(tag: 'canvas'): HTMLCanvasElement } })
    .document;
  const canvas =
    typeof OffscreenCanvas === 'function'
      ? new OffscreenCanvas(1, 1)
      : doc?.createElement('canvas');
  const gl: WebGL2RenderingContext | null | undefined = canvas?.getContext('webgl2');
  if (gl == null) return undefined;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name: unknown =
    info === null ? gl.getParameter(gl.RENDERER) : gl.getParameter(info.UNMASKED_RENDERER_WEBGL);
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return String(name);
}

/**
 * A faster backend failed from a setup mistake (a file the page does not serve), and a slower
 * one was chosen: not a choice the user made, so they see it, with the fix.
 */
function warnAboutSetup(chosen: BackendName, setup: { reason: string; fix: string }): void {
  console.warn(
    `denselab: selectBackend fell back to ${chosen}, a slower backend, because of a setup mistake: ${setup.reason}. To fix it, ${setup.fix}.`,
  );
}

/** The folders of the tfjs-core that denselab and tfjs-layers load, when they differ (Node). */
async function coreCopies(): Promise<string[]> {
  if (!isNode()) return [];
  return (await currentPlatform()).tfjsCoreCopies();
}

/** Warns once when tfjs packages disagree in version or two tfjs-core copies are loaded. */
async function warnAboutCopies(): Promise<void> {
  if (warnedCopies) return;
  const problems: string[] = [];
  const versions: Record<string, string> = {
    'tfjs-core': tf.version_core,
    'tfjs-layers': tfl.version_layers,
  };
  const loaded: [string, () => Promise<{ [k: string]: unknown }>, string][] = [
    ['tfjs-backend-wasm', () => import('@tensorflow/tfjs-backend-wasm'), 'version_wasm'],
    ['tfjs-backend-cpu', () => import('@tensorflow/tfjs-backend-cpu'), 'version_cpu'],
  ];
  for (const [name, load, key] of loaded) {
    const v = await load().then(
      (m) => m[key],
      () => undefined,
    );
    if (typeof v === 'string') versions[name] = v;
  }
  const distinct = new Set(Object.values(versions));
  if (distinct.size > 1) {
    problems.push(
      `versions differ: ${Object.entries(versions)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
  }
  // A second installed copy of tfjs-core (npm nests one under a package whose version range
  // the top one does not fit). tfjs makes instanceof work across copies, so only the files
  // tell: where tfjs-layers finds tfjs-core against where denselab does (Node only).
  const copies = await coreCopies();
  if (copies.length > 1) {
    problems.push(`two copies of @tensorflow/tfjs-core are installed: ${copies.join(' and ')}`);
  }
  if (problems.length > 0) {
    warnedCopies = true;
    console.warn(
      `denselab: the tfjs packages do not match (${problems.join('; ')}). Install one version of every @tensorflow/tfjs-* package (npm ls @tensorflow/tfjs-core shows the copies).`,
    );
  }
}
