import type { Server } from 'node:http';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runsWith } from '../helpers';
import type { BackendSelection, TrainingPath } from '../../src';
import { bundlePage, CHROMIUM, launch, serve } from './chromium';

const root = fileURLToPath(new URL('../..', import.meta.url));
const outDir = join(root, '.tmp', 'browser-select');

interface Outcome {
  selection?: BackendSelection;
  losses?: number[];
  path?: TrainingPath;
  kernels?: string[];
  error?: string;
}

// CI installs Debian's chromium; there this suite runs and fails if it is missing.
describe.runIf(
  runsWith('the browser selectBackend tests', "Debian's chromium", existsSync(CHROMIUM)),
)('selectBackend in headless Chromium', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    await bundlePage(fileURLToPath(new URL('./fixtures/page.ts', import.meta.url)), outDir);
    ({ server, url } = await serve(outDir));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function run(args: string[], query: string): Promise<Outcome> {
    const browser = await launch(args);
    try {
      const page = await browser.newPage();
      await page.goto(`${url}?${query}`);
      await page.waitForFunction(
        () => (window as unknown as { __denselab?: unknown }).__denselab !== undefined,
        undefined,
        { timeout: 90_000 },
      );
      return (await page.evaluate(
        () => (window as unknown as { __denselab: unknown }).__denselab,
      )) as Outcome;
    } finally {
      await browser.close();
    }
  }

  it('without WebGPU flags: navigator.gpu gives no adapter, so it falls back and says why', async () => {
    const r = await run([], '');
    expect(r.error).toBeUndefined();
    const s = r.selection!;
    expect(s.platform).toBe('browser');
    expect(s.attempts[0]).toMatchObject({ backend: 'webgpu', chosen: false });
    expect(s.attempts[0]!.reason).toMatch(/requestAdapter\(\) returned null|no navigator\.gpu/);
    expect(s.attempts[1]).toMatchObject({ backend: 'webgl', chosen: false });
    expect(s.attempts[1]!.reason).toMatch(/^software WebGL renderer skipped \(.*swiftshader/i);
    expect(s.backend).toBe('wasm');
    expect(r.losses).toHaveLength(3);
    expect(r.losses!.every(Number.isFinite)).toBe(true);
  });

  it("on wasm, denselab's kernels run in the browser build too and train to tfjs' losses", async () => {
    const query = 'prefer=wasm&optimizer=rmsprop&profile=1&engine=tfjs';
    const [fast, plain] = [await run([], `${query}&fast=1`), await run([], `${query}&fast=0`)];
    expect(fast.error).toBeUndefined();
    expect(plain.error).toBeUndefined();
    expect(fast.selection!.backend).toBe('wasm');
    expect(fast.selection!.fastKernels).toEqual(['wasm', 'cpu']);
    expect(plain.selection!.fastKernels).toEqual([]);
    // The fused RMSprop found the wasm heap of the browser build.
    expect(fast.kernels).toContain('DenselabOptimizerUpdate');
    expect(plain.kernels).not.toContain('DenselabOptimizerUpdate');
    expect(fast.losses).toHaveLength(3);
    fast.losses!.forEach((l, i) =>
      expect(Math.abs(l - plain.losses![i]!) / plain.losses![i]!).toBeLessThan(1e-5),
    );
  });

  it("on wasm, fitClassifier trains on the dense engine (one thread: the page is not cross-origin isolated) to tfjs' losses", async () => {
    const [dense, tfjs] = [
      await run([], 'prefer=wasm&optimizer=rmsprop'),
      await run([], 'prefer=wasm&optimizer=rmsprop&engine=tfjs'),
    ];
    expect(dense.error).toBeUndefined();
    expect(dense.path).toMatchObject({ engine: 'dense', threads: 1 });
    expect(tfjs.path!.engine).toBe('tfjs');
    expect(dense.losses).toHaveLength(3);
    dense.losses!.forEach((l, i) =>
      expect(Math.abs(l - tfjs.losses![i]!) / tfjs.losses![i]!).toBeLessThan(1e-5),
    );
  });

  it('in a cross-origin isolated page, the dense engine runs on worker threads to the same losses', async () => {
    const query = 'prefer=wasm&optimizer=rmsprop&big=1';
    const [threaded, single] = [await run([], `${query}&isolated=1`), await run([], query)];
    expect(threaded.error).toBeUndefined();
    expect(threaded.path).toMatchObject({ engine: 'dense' });
    expect(threaded.path!.threads).toBeGreaterThanOrEqual(2);
    expect(single.path!.threads).toBe(1);
    expect(threaded.losses).toEqual(single.losses);
  });

  const WEBGPU_FLAGS = [
    '--enable-unsafe-webgpu',
    '--enable-features=Vulkan',
    '--use-angle=swiftshader',
    '--use-webgpu-adapter=swiftshader',
  ];

  it("with --enable-unsafe-webgpu, the engine's WebGPU device trains as the wasm engine does", async () => {
    const [gpu, wasm] = [
      await run(WEBGPU_FLAGS, 'software=1&optimizer=rmsprop&engine=webgpu'),
      await run(WEBGPU_FLAGS, 'software=1&optimizer=rmsprop&engine=wasm'),
    ];
    expect(gpu.error).toBeUndefined();
    expect(wasm.error).toBeUndefined();
    expect(gpu.selection!.backend).toBe('webgpu');
    expect(gpu.path).toMatchObject({ engine: 'dense', device: 'webgpu' });
    expect(wasm.path).toMatchObject({ engine: 'dense', device: 'wasm' });
    expect(gpu.losses).toHaveLength(3);
    gpu.losses!.forEach((l, i) =>
      expect(Math.abs(l - wasm.losses![i]!) / wasm.losses![i]!).toBeLessThan(1e-4),
    );
  });

  it('with --enable-unsafe-webgpu and software allowed: picks webgpu and trains', async () => {
    const r = await run(WEBGPU_FLAGS, 'software=1');
    expect(r.error).toBeUndefined();
    expect(r.selection!.backend).toBe('webgpu');
    expect(r.selection!.adapter).toMatchObject({ software: true });
    expect(r.losses).toHaveLength(3);
    expect(r.losses!.every(Number.isFinite)).toBe(true);
  });
});
