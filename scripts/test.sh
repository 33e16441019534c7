#!/usr/bin/env bash
# README command 2: install what is missing, build, run the whole default test suite
# (unit tests, RTL lint and synthesis gates, system tests). Extra args go to ctest,
# e.g. scripts/test.sh -L gate   or   scripts/test.sh -R Cube
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/install-deps.sh"
"$here/scripts/build.sh"
cd "${LUOSHU_BUILD_DIR:-$here/build}"
# Long sweeps carry the label "long" and are opt-in: scripts/test.sh -L long
ctest --output-on-failure -j "$(nproc)" -LE long "$@"
