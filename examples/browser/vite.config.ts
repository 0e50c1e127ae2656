import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The app imports 'denselab' by name and gets the built package's browser build
// (dist/browser.js, what the "browser" export condition serves), as an app that installed it
// from npm would. Run `npm run build` first (the npm scripts do).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  resolve: {
    alias: { denselab: fileURLToPath(new URL('../../dist/browser.js', import.meta.url)) },
  },
  build: {
    outDir: fileURLToPath(new URL('../../out/browser', import.meta.url)),
    emptyOutDir: true,
    // Each package in a chunk of its own (tfjs, vega): browsers cache them across releases of
    // the app, and no chunk passes Vite's size warning.
    rollupOptions: {
      output: { manualChunks: (id) => /node_modules\/((@[^/]+\/)?[^/]+)/.exec(id)?.[1] },
    },
  },
  server: { host: '127.0.0.1' },
});
