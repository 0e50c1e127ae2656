// Vite 7 and 8 (OUT names the output folder). Each tfjs package goes in a chunk of its own (a
// browser caches them across app releases); with Vite's default limits, no chunk warns.
export default {
  root: 'app',
  logLevel: 'warn',
  build: {
    outDir: `../out/${process.env.OUT}`,
    emptyOutDir: true,
    rollupOptions: {
      output: { manualChunks: (id) => id.match(/@tensorflow\/(tfjs-[a-z-]+)/)?.[1] },
    },
  },
};
