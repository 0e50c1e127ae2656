// Serves each bundled app (test/package/runtimes.sh) on 127.0.0.1 and trains it in headless
// Chromium: the page must select a backend and train to finite losses.
import { createServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { createRequire } from 'node:module';

const [out, wasmDir] = process.argv.slice(2);
const require = createRequire(new URL('../../package.json', import.meta.url));
const { chromium } = require('playwright-core');
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

for (const bundler of ['esbuild', 'vite']) {
  const root = join(out, bundler);
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname.replace(/\/$/, '/index.html');
    const file = path.startsWith('/wasm/') ? join(wasmDir, path.slice(6)) : join(root, path);
    if (!existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => window.__result !== undefined, undefined, { timeout: 90_000 });
    const r = await page.evaluate(() => window.__result);
    if (r.error || errors.length > 0 || r.losses.length !== 3 || !r.losses.every(Number.isFinite)) {
      throw new Error(`${bundler} page failed: ${JSON.stringify(r)} ${errors.join(' ')}`);
    }
    console.log(
      `${bundler}: the page chose ${r.backend}, trained on ${r.engine}, losses ${r.losses.map((l) => l.toFixed(4)).join(' ')}`,
    );
  } finally {
    await browser.close();
    server.close();
  }
}
