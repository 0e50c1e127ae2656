import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Tests, doc examples and examples import the package by name, as users do.
    alias: [
      {
        find: /^denselab\/notebook$/,
        replacement: fileURLToPath(new URL('./src/notebook/index.ts', import.meta.url)),
      },
      {
        find: /^denselab$/,
        replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)),
      },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
