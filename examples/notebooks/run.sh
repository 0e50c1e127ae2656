#!/usr/bin/env bash
# Executes the lesson notebooks headless, as CI does: Jupyter's nbconvert with Deno's kernel.
#
#   bash examples/notebooks/run.sh                    # full runs: the notes' numbers
#   DENSELAB_QUICK=1 bash examples/notebooks/run.sh   # quick runs on a subset (CI)
#   bash examples/notebooks/run.sh lesson2-regression.ipynb
#
# Needs Debian's jupyter-nbconvert and python3-ipykernel, and denselab built (npm run build).
# Deno comes from the npm registry (test/package/runtime.sh). The kernel is registered in
# <out>/jupyter, not in your home: this script changes nothing outside <out>.
# Writes <out>/<name>.ipynb (executed, with outputs) and <out>/<name>.html; <out> is
# $DENSELAB_NOTEBOOKS_OUT or out/notebooks.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${DENSELAB_NOTEBOOKS_OUT:-$repo/out/notebooks}"
[ -f "$repo/dist/index.js" ] || { echo "run.sh: build denselab first (npm run build)" >&2; exit 2; }
command -v jupyter-nbconvert >/dev/null || {
  echo "run.sh: needs jupyter-nbconvert (apt-get install jupyter-nbconvert python3-ipykernel)" >&2
  exit 2
}
deno="${DENO:-$(bash "$repo/test/package/runtime.sh" deno)}"

# The kernelspec `deno jupyter --install` writes, in a folder of our own.
mkdir -p "$out/jupyter/kernels/deno"
cat >"$out/jupyter/kernels/deno/kernel.json" <<JSON
{
  "argv": ["$deno", "jupyter", "--kernel", "--conn", "{connection_file}"],
  "display_name": "Deno",
  "language": "typescript"
}
JSON
export JUPYTER_PATH="$out/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"

[ $# -gt 0 ] || set -- lesson1-mnist.ipynb lesson2-regression.ipynb
for notebook in "$@"; do
  started=$(date +%s%N)
  jupyter-nbconvert --to notebook --execute "$here/$notebook" --output-dir "$out" \
    --ExecutePreprocessor.kernel_name=deno --ExecutePreprocessor.timeout=1800 --log-level=WARN
  ms=$((($(date +%s%N) - started) / 1000000))
  jupyter-nbconvert --to html "$out/$notebook" --output-dir "$out" --log-level=WARN \
    --TemplateExporter.extra_template_basedirs="$here" --template export
  printf '%s: executed in %d.%d s (%s) -> %s\n' "$notebook" $((ms / 1000)) $((ms % 1000 / 100)) \
    "$([ "${DENSELAB_QUICK:-}" = 1 ] && echo quick || echo full)" "$out/$notebook"
done
