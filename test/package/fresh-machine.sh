#!/usr/bin/env bash
# npm test as on a fresh machine that has only the README's set-up (Node and npm ci): Debian's
# chromium (and its SwiftShader), libvulkan1, Mesa's Vulkan drivers and Jupyter are hidden from
# the run by a mount namespace, and CI is unset, so the tests that need them are left out,
# each group with one line saying why, and everything else must pass. Needs root (unshare -m).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
unshare -m true || { echo "fresh-machine.sh: needs unshare -m (root)" >&2; exit 1; }
hide="$(mktemp -d /tmp/denselab-fresh-XXXXXX)"
trap 'rm -rf "$hide"' EXIT

# Hard-linked copies of the two folders without the hidden files (same file system as /tmp).
libs=/usr/lib/x86_64-linux-gnu
cp -al /usr/bin "$hide/bin"
rm -f "$hide/bin/chromium" "$hide"/bin/jupyter*
cp -al "$libs" "$hide/lib"
rm -f "$hide"/lib/libvulkan*
mkdir "$hide/empty"

cd "$repo"
unshare -m bash -c '
  set -e
  mount --bind "$1/bin" /usr/bin
  mount --bind "$1/lib" "$2"
  for d in /usr/lib/chromium /usr/share/vulkan/icd.d /etc/vulkan/icd.d; do
    if [ -d "$d" ]; then mount --bind "$1/empty" "$d"; fi
  done
  if command -v chromium || command -v jupyter-nbconvert || [ -e "$2/libvulkan.so.1" ]; then
    echo "fresh-machine.sh: something is still visible" >&2
    exit 1
  fi
  exec env -u CI -u VK_ICD_FILENAMES -u VK_DRIVER_FILES npm test
' fresh "$hide" "$libs" 2>&1 | tee "$hide/test.log"
status=${PIPESTATUS[0]}
[ "$status" = 0 ] || { echo "fresh-machine.sh: npm test failed ($status)" >&2; exit "$status"; }
# Each group that needs a hidden package said it was left out.
plain="$(sed 's/\x1b\[[0-9;]*m//g' "$hide/test.log")"
for group in 'the browser app tests' 'the browser selectBackend tests' 'selectBackend on SwiftShader' 'the notebook runs' 'quiet (c) with SwiftShader allowed'; do
  grep -qF "$group: left out, they need" <<<"$plain" || {
    echo "fresh-machine.sh: no line says why '$group' was left out" >&2
    exit 1
  }
done
echo "fresh machine: npm test passed; what needs chromium, libvulkan1 or Jupyter was left out, each saying why"
