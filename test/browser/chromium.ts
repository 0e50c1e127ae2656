import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const CHROMIUM = '/usr/bin/chromium';

/** Bundles a page script with esbuild against the built package (dist), as an app would. */
export async function bundlePage(entry: string, outDir: string): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outfile: join(outDir, 'page.js'),
    // The package by name, as its exports map serves browsers: dist/browser.js, which has no
    // Node-only import at all (so nothing is marked external here).
    alias: { denselab: join(root, 'dist', 'browser.js') },
    logLevel: 'error',
  });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

/**
 * Serves a folder on 127.0.0.1: `/` is `index.html` when the folder has one (a built app),
 * else a page that loads `/page.js` (a bundled test page); `/wasm/` serves tfjs' wasm files.
 */
export function serve(outDir: string): Promise<{ server: Server; url: string }> {
  const wasmDir = join(root, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
  const testPage =
    '<!doctype html><meta charset="utf-8"><title>denselab</title><script type="module" src="/page.js"></script>';
  const server = createServer((req, res) => {
    let path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path.endsWith('/')) path += 'index.html';
    const file = path.startsWith('/wasm/')
      ? join(wasmDir, path.slice('/wasm/'.length))
      : join(outDir, path.slice(1));
    // `?isolated=1` makes the page cross-origin isolated (SharedArrayBuffer, worker threads).
    const isolated =
      path === '/index.html' && new URL(req.url ?? '/', 'http://x').searchParams.has('isolated')
        ? {
            'cross-origin-opener-policy': 'same-origin',
            'cross-origin-embedder-policy': 'require-corp',
          }
        : {};
    try {
      const body = path === '/index.html' && !existsSync(file) ? testPage : readFileSync(file);
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        ...isolated,
      });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      resolve({ server, url: `http://127.0.0.1:${port}/` });
    });
  });
}

/** Debian's Chromium, headless, as root, with a fresh profile and no background traffic. */
export function launch(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      ...extraArgs,
    ],
  });
}
