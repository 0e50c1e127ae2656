import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The app imports 'denselab' by name and gets the built package (dist/), as an app that
// installed it from npm would. Run `npm run build` first (the npm scripts do).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  resolve: {
    alias: { denselab: fileURLToPath(new URL('../../dist/index.js', import.meta.url)) },
  },
  build: {
    outDir: fileURLToPath(new URL('../../out/browser', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
  },
  server: { host: '127.0.0.1' },
});
