#!/usr/bin/env bash
# Configures and builds the whole tree into build/ (Release, Ninja, all cores).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${LUOSHU_BUILD_DIR:-$here/build}
cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$build" -j "$(nproc)"
