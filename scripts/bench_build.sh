#!/usr/bin/env bash
# Clean build of the whole tree (configure + build, all cores) in a scratch folder.
# Prints build_seconds. Needs the dependencies installed (scripts/install-deps.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d "$here/build-bench-XXXX")
trap 'rm -rf "$scratch"' EXIT
start=$(date +%s.%N)
cmake -S "$here" -B "$scratch" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$scratch" -j "$(nproc)" >/dev/null
end=$(date +%s.%N)
echo "# clean configure + build of the whole tree, $(nproc) cores"
awk -v s="$start" -v e="$end" 'BEGIN { printf "build_seconds: %.0f s\n", e - s }'
