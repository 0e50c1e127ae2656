import * as tf from '@tensorflow/tfjs-core';
import { isNode } from '../core/env';
import type { AdapterSummary } from './types';
import { currentPlatform } from '../platform';

/** The parts of the WebGPU API this module uses (the `@webgpu/types` names, kept local). */
interface GpuAdapterLike {
  readonly features: { has(name: string): boolean };
  readonly limits: Record<string, number>;
  readonly info?: {
    vendor?: string;
    architecture?: string;
    device?: string;
    description?: string;
    isFallbackAdapter?: boolean;
  };
  readonly isFallbackAdapter?: boolean;
  requestDevice(descriptor?: object): Promise<unknown>;
}
interface GpuLike {
  requestAdapter(options?: object): Promise<GpuAdapterLike | null>;
}

/**
 * The outcome of looking for a WebGPU adapter: found; or not, with the reason, and the
 * software adapter that was passed over when software was not allowed.
 */
export type AdapterSearch =
  | { found: true; adapter: GpuAdapterLike; summary: AdapterSummary; cleanup: () => void }
  | { found: false; reason: string; skipped?: AdapterSummary };

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|software|microsoft basic render/i;

export function summarize(adapter: GpuAdapterLike): AdapterSummary {
  const info = adapter.info ?? {};
  const text = `${info.vendor ?? ''} ${info.architecture ?? ''} ${info.device ?? ''} ${info.description ?? ''}`;
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    software:
      info.isFallbackAdapter === true || adapter.isFallbackAdapter === true || SOFTWARE.test(text),
  };
}

/** `google swiftshader (software)` */
export function describeAdapter(a: AdapterSummary): string {
  const name = [a.vendor, a.architecture, a.device, a.description]
    .filter((s) => s !== '')
    .join(' ');
  return `${name === '' ? 'unnamed adapter' : name}${a.software ? ' (software)' : ''}`;
}

/**
 * Finds a WebGPU adapter: the browser's `navigator.gpu`, or in Node the optional `webgpu`
 * package (Dawn). In Node the globals tfjs' WebGPU backend expects (`navigator.gpu`,
 * `GPUBufferUsage`, ...) are installed, and `cleanup` removes them again. A software adapter
 * is passed over (`skipped`) unless `allowSoftware`.
 */
export async function findAdapter(allowSoftware: boolean): Promise<AdapterSearch> {
  if (isNode()) return findDawnAdapter(allowSoftware);
  const gpu = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
  if (gpu === undefined)
    return { found: false, reason: 'this browser has no navigator.gpu (WebGPU is not available)' };
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter === null) {
    return {
      found: false,
      reason:
        'navigator.gpu.requestAdapter() returned null (WebGPU is disabled or there is no usable GPU)',
    };
  }
  const summary = summarize(adapter);
  if (summary.software && !allowSoftware) return { found: false, reason: '', skipped: summary };
  return { found: true, adapter, summary, cleanup: () => undefined };
}

/** Drivers Dawn cannot use that still print on every search: Mesa's lavapipe. */
const UNUSABLE_DRIVERS = { VK_LOADER_DRIVERS_DISABLE: '*lvp*' };

/** The environment variables through which a user chooses Vulkan drivers themselves. */
const DRIVER_CHOICE = [
  'VK_ICD_FILENAMES',
  'VK_DRIVER_FILES',
  'VK_ADD_DRIVER_FILES',
  'VK_LOADER_DRIVERS_SELECT',
  'VK_LOADER_DRIVERS_DISABLE',
];

/**
 * Dawn in Node, Bun or Deno. Its first search runs in a child process (see `probeDawn`),
 * because the Vulkan loader and Dawn print to stderr from native code while they look:
 * without a loader, with Mesa's drivers, with no GPU. Only when the child found an adapter
 * that will be used does this process load Dawn, with the drivers narrowed so that it prints
 * nothing where the child showed how.
 */
async function findDawnAdapter(allowSoftware: boolean): Promise<AdapterSearch> {
  const node = await currentPlatform();
  const entry = node.dawnEntry();
  if (entry === undefined) {
    return {
      found: false,
      reason:
        "the optional 'webgpu' package (Dawn for Node) is not installed; npm install webgpu to use a GPU",
    };
  }
  let probe = await node.probeDawn(entry, {}, PROBE_MS);
  if (probe.adapter === null) return { found: false, reason: noAdapter(probe.notes) };
  const summary = summarize({ info: probe.adapter } as GpuAdapterLike);
  if (summary.software && !allowSoftware) return { found: false, reason: '', skipped: summary };
  let env: Record<string, string> = {};
  if (probe.notes.length > 0 && !DRIVER_CHOICE.some((k) => process.env[k] !== undefined)) {
    const narrowed = await node.probeDawn(entry, UNUSABLE_DRIVERS, PROBE_MS);
    if (narrowed.notes.length === 0 && narrowed.adapter !== null) {
      [env, probe] = [UNUSABLE_DRIVERS, narrowed];
    }
  }
  const loaded = await node.loadDawn();
  if (!('module' in loaded)) {
    return {
      found: false,
      reason: `the optional 'webgpu' package is installed but does not load in this runtime (${loaded.error})`,
    };
  }
  const dawn = loaded.module as { create(options: string[]): GpuLike; globals: object };
  const adapter = await node.withNativeEnv(env, () =>
    node.withRuntimeDir(() =>
      dawnInstance(dawn).requestAdapter({ powerPreference: 'high-performance' }),
    ),
  );
  if (adapter === null) return { found: false, reason: noAdapter(probe.notes) };
  // This process' search may see another adapter than the child's (the drivers narrowed).
  const found = summarize(adapter);
  if (found.software && !allowSoftware) return { found: false, reason: '', skipped: found };
  const cleanup = installGlobals(dawn.globals, dawnInstance(dawn));
  return { found: true, adapter, summary: found, cleanup };
}

/** How long Dawn's adapter search may take in its child process. */
const PROBE_MS = 20_000;

/** Why Dawn found no adapter, from what it printed. */
function noAdapter(notes: readonly string[]): string {
  const text = notes.join(' ');
  const why = /Couldn't load Vulkan/.test(text)
    ? 'no Vulkan loader on this machine (libvulkan.so.1), so no GPU driver either'
    : /shaderUniform|Found no drivers|Failed to detect any valid GPUs/.test(text)
      ? "no GPU with a Vulkan driver; Mesa's software driver (lavapipe) does not support WebGPU"
      : 'no GPU with a Vulkan driver; a software one needs VK_ICD_FILENAMES';
  return `the 'webgpu' package found no adapter (${why})`;
}

/** The one Dawn instance of this process (see {@link dawnInstance}). */
let dawnGpu: GpuLike | undefined;

/**
 * Dawn's `create([])`, once per process: a second instance in the same process aborts it or
 * crashes it now and then ("The futex facility returned an unexpected error code", a
 * segmentation fault, or a hang, seen on SwiftShader in about a third of runs that called
 * `selectBackend` twice). Every search for an adapter reuses the first.
 */
function dawnInstance(dawn: { create(options: string[]): GpuLike }): GpuLike {
  dawnGpu ??= dawn.create([]);
  return dawnGpu;
}

/**
 * Installs the globals tfjs-backend-webgpu reads (Dawn's `GPUBufferUsage` and friends, and
 * `navigator.gpu`) where they are missing; returns what removes exactly those again.
 */
function installGlobals(dawnGlobals: object, gpu: GpuLike): () => void {
  const added: string[] = [];
  const globals = globalThis as Record<string, unknown>;
  for (const [key, value] of Object.entries(dawnGlobals)) {
    if (!(key in globals)) {
      globals[key] = value;
      added.push(key);
    }
  }
  const hadNavigator = 'navigator' in globals;
  const nav = (globals.navigator ?? {}) as { gpu?: GpuLike };
  const hadGpu = nav.gpu !== undefined;
  if (!hadNavigator) {
    Object.defineProperty(globals, 'navigator', { value: nav, configurable: true, writable: true });
  }
  if (!hadGpu)
    Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true, writable: true });
  return () => {
    for (const key of added) Reflect.deleteProperty(globals, key);
    if (!hadGpu) Reflect.deleteProperty(nav, 'gpu');
    if (!hadNavigator) Reflect.deleteProperty(globals, 'navigator');
  };
}

/**
 * Registers tfjs' WebGPU backend on the given adapter (as tfjs-backend-webgpu's own
 * registration does, which only happens when `navigator.gpu` exists at import time).
 */
export async function registerWebGpu(adapter: GpuAdapterLike): Promise<void> {
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  if (tf.findBackendFactory('webgpu') !== null && tf.findBackendFactory('webgpu') !== undefined) {
    tf.removeBackend('webgpu');
  }
  tf.registerBackend(
    'webgpu',
    async () => {
      const features: string[] = [];
      if (adapter.features.has('timestamp-query')) features.push('timestamp-query');
      const l = adapter.limits;
      const device = await adapter.requestDevice({
        requiredFeatures: features,
        requiredLimits: {
          maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
          maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
          maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
          maxBufferSize: l.maxBufferSize,
          maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
          maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
        },
      });
      type Args = ConstructorParameters<typeof WebGPUBackend>;
      return new WebGPUBackend(device as Args[0], adapter.info as Args[1]);
    },
    3,
  );
}
