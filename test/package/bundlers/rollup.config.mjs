// Rollup 4 with the plugins an app needs: node-resolve (the "browser" condition), commonjs
// (tfjs' CommonJS dependencies) and import-meta-assets (files named by new URL(...,
// import.meta.url), as Vite and webpack find them by themselves). tfjs' own modules draw
// warnings from Rollup (circular imports, `this` at the top of its helpers); any warning about
// another package, denselab included, fails the build (bundlers.sh).
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { importMetaAssets } from '@web/rollup-plugin-import-meta-assets';

const fromTfjs = (w) =>
  /node_modules\/@tensorflow\//.test(`${w.id ?? ''} ${(w.ids ?? []).join(' ')}`);

export default {
  input: 'app/main.mjs',
  output: { dir: 'out/rollup', format: 'es' },
  plugins: [nodeResolve({ browser: true }), commonjs(), importMetaAssets()],
  onwarn: (warning, warn) => {
    if (!fromTfjs(warning)) warn(warning);
  },
};
