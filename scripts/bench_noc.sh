#!/usr/bin/env bash
# NoC benchmark: latency vs offered load (uniform, transpose, hotspot), saturation
# throughput, zero-load latency and simulation speed on Verilated meshes; writes a CSV and a
# PNG plot and ends with the headline figures (`metric_name: value unit`).
#   scripts/bench_noc.sh [--docs] [luoshu_bench_noc options, e.g. --mesh 4x4 --mesh 8x8]
# --docs also copies the plot to docs/img/noc_latency.png. Default mesh: 4x4.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${LUOSHU_BUILD_DIR:-$here/build}
docs=0
args=()
for a in "$@"; do
  if [ "$a" = "--docs" ]; then docs=1; else args+=("$a"); fi
done
[ -f "$build/CMakeCache.txt" ] || cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target luoshu_bench_noc >/dev/null
out=$build/bench
mkdir -p "$out"
"$build/tb/bench/luoshu_bench_noc" --csv "$out/noc.csv" "${args[@]+"${args[@]}"}"
if /usr/bin/python3 -c 'import matplotlib' 2>/dev/null; then
  /usr/bin/python3 "$here/scripts/plot_noc.py" "$out/noc.csv" "$out/noc_latency.png"
  echo "# plot: $out/noc_latency.png, data: $out/noc.csv"
  if [ "$docs" = 1 ]; then cp "$out/noc_latency.png" "$here/docs/img/noc_latency.png"; fi
else
  echo "# no plot: matplotlib missing for /usr/bin/python3 (run scripts/install-deps.sh); data: $out/noc.csv" >&2
fi
