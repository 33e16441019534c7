#!/usr/bin/env bash
# Runs Luoshu's benchmarks; each prints `metric_name: value unit` lines.
#   scripts/bench.sh [group...]     groups: model cube core noc soc build   (default: all)
# Wall-clock figures (sim rates, build time) are medians and noisy on shared machines;
# cycle counts and utilization are exact.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${LUOSHU_BUILD_DIR:-$here/build}
groups=("$@")
[ ${#groups[@]} -gt 0 ] || groups=(model cube core noc soc build)
for g in "${groups[@]}"; do
  case "$g" in
    cube|model|core|soc)
      "$here/scripts/build.sh" >/dev/null
      cmake --build "$build" --target "luoshu_bench_$g" >/dev/null
      echo "== $g"; "$build/tb/bench/luoshu_bench_$g" ;;
    noc)
      echo "== noc"
      if [ -x "$here/scripts/bench_noc.sh" ]; then "$here/scripts/bench_noc.sh"; else echo "noc benchmark not present"; fi ;;
    build)
      echo "== build"; "$here/scripts/bench_build.sh" ;;
    *) echo "bench.sh: unknown group '$g' (use model, cube, core, noc, soc, build)" >&2; exit 2 ;;
  esac
done
