import type { Server } from 'node:http';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runsWith } from '../helpers';
import {
  buildDenseClassifier,
  fitClassifier,
  flattenImages,
  loadMnist,
  normalize,
  saveModel,
  toCategorical,
} from '../../src';
import { CHROMIUM, launch, serve } from './chromium';

// The browser example app (examples/browser), built with Vite as `npm run build:browser` builds
// it, served statically and driven in Debian's headless Chromium.
const root = fileURLToPath(new URL('../..', import.meta.url));
const appDir = join(root, 'out', 'browser');
const shots = join(root, 'out', 'screenshots');

describe.runIf(runsWith('the browser app tests', "Debian's chromium", existsSync(CHROMIUM)))(
  'the browser example app',
  () => {
    let server: Server;
    let url: string;
    let modelDir: string;
    beforeAll(async () => {
      // A model trained and saved in Node, for the app's "Load the saved model" button.
      modelDir = join(mkdtempSync(join(tmpdir(), 'denselab-app-model-')), 'model');
      await tf.setBackend('wasm');
      const { train } = await loadMnist({ trainLimit: 2000, testLimit: 0 });
      const x = tf.tidy(() => flattenImages(normalize(train.images)));
      const y = toCategorical(train.labels, 10);
      const model = buildDenseClassifier({ seed: 2 });
      await fitClassifier(model, { x, y }, { epochs: 1, seed: 2, verbose: 0 });
      await saveModel(model, modelDir);
      tf.dispose([x, y]);
      model.dispose();
      await tf.setBackend('cpu');
      execFileSync('npm', ['run', '--silent', 'build:browser'], {
        cwd: root,
        stdio: 'ignore',
        env: { ...process.env, DENSELAB_BROWSER_MODEL: modelDir },
      });
      mkdirSync(shots, { recursive: true });
      ({ server, url } = await serve(appDir));
    }, 240_000);
    afterAll(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(join(modelDir, '..'), { recursive: true, force: true });
    });

    async function drawOne(page: Page): Promise<void> {
      await page.locator('#canvas').scrollIntoViewIfNeeded();
      const box = (await page.locator('#canvas').boundingBox())!;
      await page.mouse.move(box.x + box.width * 0.52, box.y + box.height * 0.15);
      await page.mouse.down();
      for (let i = 1; i <= 10; i++) {
        await page.mouse.move(
          box.x + box.width * (0.52 - i * 0.004),
          box.y + box.height * (0.15 + i * 0.07),
        );
      }
      await page.mouse.up();
      await page.waitForSelector('#prediction[data-digit]', { timeout: 30_000 });
    }

    /** Console errors and warnings, page errors and failed requests: none is allowed. */
    function watch(page: Page): string[] {
      const noise: string[] = [];
      page.on('console', (m) => {
        // Chromium's own note when it has no WebGPU adapter (headless, no GPU): the page's
        // backend list says the same, and no page can avoid it.
        if (m.text() === 'No available adapters.') return;
        if (m.type() === 'error' || m.type() === 'warning') noise.push(`${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => noise.push(`page error: ${String(e)}`));
      page.on('response', (r) => {
        if (r.status() >= 400) noise.push(`HTTP ${r.status()}: ${r.url()}`);
      });
      return noise;
    }

    async function runApp(page: Page, query: string, timeout: number): Promise<string[]> {
      const noise = watch(page);
      await page.goto(`${url}?${query}`);
      await page.waitForSelector('body[data-done="1"]', { timeout });
      expect(await page.textContent('#error')).toBe('');
      return noise;
    }

    it('falls back without WebGPU, trains MNIST to 0.85, draws charts, and reads a drawn 1', async () => {
      const browser = await launch();
      try {
        const page = await browser.newPage({ viewport: { width: 1200, height: 1600 } });
        // A heartbeat every 50 ms: the longest gap between beats while the app trains is how
        // long training froze the tab. The app marks the body when fitClassifier starts (with
        // the time); the part of a gap before that mark (loading, wasm compilation, preparing
        // the arrays) is not training and is not counted.
        await page.addInitScript(() => {
          const w = window as unknown as { __maxGap: number; __beats: number };
          let last = performance.now();
          w.__maxGap = 0;
          w.__beats = 0;
          setInterval(() => {
            const now = performance.now();
            const body = document.body?.dataset;
            if (body?.training === '1') {
              w.__maxGap = Math.max(w.__maxGap, now - Math.max(last, Number(body.trainingSince)));
              w.__beats++;
            }
            last = now;
          }, 50);
        });
        const noise = await runApp(page, 'autorun=1', 240_000);
        const { maxGap, beats } = await page.evaluate(() => {
          const w = window as unknown as { __maxGap: number; __beats: number };
          return { maxGap: w.__maxGap, beats: w.__beats };
        });
        // On the dense engine the subset trains in about a second: the loop must still yield
        // at every redraw (50 ms), so no gap between heartbeats comes near half a second.
        expect(beats, 'the heartbeat ran while training').toBeGreaterThanOrEqual(3);
        expect(maxGap, 'the page never froze for 500 ms while training').toBeLessThan(500);
        // Headless Chromium's WebGL is SwiftShader, drawn by the CPU: skipped for wasm.
        expect(await page.getAttribute('#backend', 'data-backend')).toBe('wasm');
        expect(await page.textContent('#attempts li[data-backend="webgpu"]')).toMatch(
          /webgpu: skipped, navigator\.gpu\.requestAdapter\(\) returned null/,
        );
        expect(await page.textContent('#attempts li[data-backend="webgl"]')).toMatch(
          /webgl: skipped, software WebGL renderer skipped \(.*SwiftShader/i,
        );
        const valAccuracy = Number(await page.getAttribute('#mnist-section', 'data-val-accuracy'));
        expect(valAccuracy).toBeGreaterThanOrEqual(0.85);
        expect(await page.textContent('#log')).toMatch(
          /Epoch 2\/2\n94\/94 \[={30}\] - \d+s \d+ms\/step - loss: [\d.]+ - accuracy: [\d.]+ - val_loss: [\d.]+ - val_accuracy: [\d.]+/,
        );
        for (const chart of ['chart-loss', 'chart-accuracy', 'chart-fit', 'chart-optimizers']) {
          expect(await page.locator(`#${chart} svg path`).count(), chart).toBeGreaterThan(2);
        }
        expect(await page.getAttribute('#lesson2-section', 'data-done')).toBe('1');

        // Stroke a "1" down the middle of the canvas.
        await drawOne(page);
        expect(await page.textContent('#prediction')).toMatch(/^Prediction: \d \(\d+\.\d%\)$/);
        expect(await page.getAttribute('#prediction', 'data-digit')).toBe('1');
        expect(await page.locator('#chart-probabilities svg path').count()).toBeGreaterThan(0);
        expect(noise).toEqual([]);
        await page.screenshot({ path: join(shots, 'browser-app.png'), fullPage: true });
      } finally {
        await browser.close();
      }
    }, 300_000);

    it('with --enable-unsafe-webgpu and software allowed, reports webgpu and completes a short run', async () => {
      const browser = await launch([
        '--enable-unsafe-webgpu',
        '--enable-features=Vulkan',
        '--use-angle=swiftshader',
        '--use-webgpu-adapter=swiftshader',
      ]);
      try {
        const page = await browser.newPage();
        await runApp(page, 'software=1&autorun=1&train=320&test=100&epochs=1', 240_000);
        expect(await page.getAttribute('#backend', 'data-backend')).toBe('webgpu');
        expect(
          Number(await page.getAttribute('#mnist-section', 'data-val-accuracy')),
        ).toBeGreaterThan(0.3);
        await page.screenshot({ path: join(shots, 'browser-app-webgpu.png'), fullPage: true });
      } finally {
        await browser.close();
      }
    }, 300_000);

    it('loads the model a Node program saved, so a visitor can draw without training', async () => {
      const browser = await launch();
      try {
        const page = await browser.newPage();
        const noise = await runApp(page, '', 60_000);
        expect(await page.isEnabled('#load-model')).toBe(true);
        await page.click('#load-model');
        await page.waitForFunction(() =>
          document.getElementById('log')?.textContent?.startsWith('Loaded'),
        );
        await drawOne(page);
        expect(await page.getAttribute('#prediction', 'data-digit')).toBe('1');
        expect(await page.textContent('#error')).toBe('');
        expect(noise).toEqual([]);
      } finally {
        await browser.close();
      }
    }, 120_000);

    it('offers "Load the saved model" only when there is one', async () => {
      const browser = await launch();
      try {
        const page = await browser.newPage();
        await page.route('**/prepared.json', (route) =>
          route.fulfill({ contentType: 'application/json', body: '{"model":false}' }),
        );
        const noise = await runApp(page, '', 60_000);
        expect(await page.isDisabled('#load-model')).toBe(true);
        expect(await page.getAttribute('#load-model', 'title')).toMatch(
          /^No saved model yet: run npm run example:mnist-dense/,
        );
        expect(noise).toEqual([]);
      } finally {
        await browser.close();
      }
    }, 120_000);
  },
);
