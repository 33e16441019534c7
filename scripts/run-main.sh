#!/usr/bin/env bash
# README command 1: install what is missing, build, and run the main job: a 512^3 GEMM through
# the host runtime on the Verilated default SoC (4 cores, 2 memory channels), checked
# bit-exactly against the functional model, with cycles, utilization per core and simulation
# speed. Extra args go to `luoshu gemm` (e.g. --soc small --m 128 --trace).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/install-deps.sh"
"$here/scripts/build.sh"
"${LUOSHU_BUILD_DIR:-$here/build}/sw/cli/luoshu" gemm "$@"
