// webpack 5 in production mode (minified by terser). tfjs is over webpack's 244 KiB advice for
// one asset whatever the app does, so the size hints are off; everything else must be quiet.
import { fileURLToPath } from 'node:url';

export default {
  mode: 'production',
  entry: './app/main.mjs',
  output: {
    path: fileURLToPath(new URL('./out/webpack', import.meta.url)),
    filename: 'main.js',
    clean: true,
  },
  performance: { hints: false },
  stats: 'errors-warnings',
};
