#!/usr/bin/env bash
# Installs a Luoshu build and builds a program against the installed package alone, as a user
# does (docs/runtime.md, "Using Luoshu from your own program"). The test install.find_package.
#   scripts/check-install.sh BUILD_DIR WORK_DIR [CMAKE_ARGS...]
# 1. cmake --install BUILD_DIR --prefix WORK_DIR/prefix
# 2. the installed CMake files must name no path of the source or build tree
# 3. sw/examples, a project of its own, is configured in WORK_DIR/build with
#    -DCMAKE_PREFIX_PATH=WORK_DIR/prefix and CMAKE_ARGS (find_package must find that prefix)
#    and built
# 4. mlp_example must print PASS on the model backend and on the RTL backend's small SoC
# WORK_DIR/prefix and WORK_DIR/build are replaced; nothing else in WORK_DIR is touched.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: check-install.sh BUILD_DIR WORK_DIR [CMAKE_ARGS...]" >&2
  exit 2
fi
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$1" && pwd)
mkdir -p "$2"
work=$(cd "$2" && pwd)
shift 2
prefix=$work/prefix
user=$work/build
fail() {
  echo "check-install: FAIL: $*" >&2
  exit 1
}

rm -rf "$prefix" "$user"
echo "check-install: installing $build into $prefix"
cmake --install "$build" --prefix "$prefix" >"$work/install.log" ||
  { cat "$work/install.log"; fail "cmake --install failed"; }

config=$(find "$prefix" -name LuoshuConfig.cmake -print -quit)
[ -n "$config" ] || fail "no LuoshuConfig.cmake under $prefix"
package_dir=$(dirname "$config")
if leaks=$(grep -rlF -e "$src/" -e "$build/" "$package_dir"); then
  fail "the installed package names the source or build tree (only works on this machine): $leaks"
fi

echo "check-install: building $src/sw/examples against it in $user"
cmake -S "$src/sw/examples" -B "$user" -DCMAKE_PREFIX_PATH="$prefix" "$@"
found=$(sed -n 's/^Luoshu_DIR:PATH=//p' "$user/CMakeCache.txt")
[ "$found" = "$package_dir" ] || fail "find_package(Luoshu) found '$found', not '$package_dir'"
cmake --build "$user"

for run in "model default" "rtl small"; do
  read -r backend soc <<<"$run"
  echo "check-install: mlp_example $backend $soc"
  out=$("$user/mlp_example" "$backend" "$soc") || { echo "$out"; fail "mlp_example $run failed"; }
  echo "$out"
  grep -q '^PASS' <<<"$out" || fail "mlp_example $run did not print PASS"
done
echo "check-install: PASS"
