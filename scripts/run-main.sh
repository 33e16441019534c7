#!/usr/bin/env bash
# README command 1: install what is missing, build, and run the main job: a GEMM on the
# Verilated cube tile, checked bit-exactly against the functional model, with a perf report.
# Extra args go to `luoshu gemm` (e.g. --m 128 --k 512 --trace).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/install-deps.sh"
"$here/scripts/build.sh"
"${LUOSHU_BUILD_DIR:-$here/build}/sw/cli/luoshu" gemm "$@"
