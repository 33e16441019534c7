#!/usr/bin/env bash
# Coverage of the RTL by the test suite: line, toggle and functional (COVER) points
# (docs/verification.md, "Coverage").
#   scripts/coverage.sh [--build-dir D] [--jobs N] [--keep] [--no-run] [-- ctest args]
# 1. configures D (default build-cov/, its own folder) with -DLUOSHU_COVERAGE=ON and builds it;
# 2. runs ctest there: the default suite without the gates and proofs, which simulate nothing
#    (-LE 'long|gate|formal'), or after `--` the ctest selection to run instead (e.g.
#    `-- -L soak`); every test process writes D/coverage/raw/<binary>.<pid>.<ns>.dat;
# 3. merges them (verilator_coverage --write D/coverage/merged.dat), writes the line points of
#    rtl/ as lcov data (--write-info D/coverage/coverage.info) and renders it with genhtml into
#    D/coverage-html/ (open index.html);
# 4. prints the per-block table and every COVER point never hit, and checks the targets:
#    every point of scripts/coverage_required.txt hit, line coverage of rtl/ >= 95 %.
# Exit status: 0 all met; 1 a target missed or a test failed (the report is still written);
# 2 bad usage or a missing tool.
# --keep keeps the data of earlier runs (add the soak's to a default run's: --keep -- -L soak);
# --no-run skips 1-2 and reports on the data already in D/coverage/raw.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=$here/build-cov
jobs=2
run=1
keep=0
ctest_args=()
usage() { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) [ $# -ge 2 ] || { echo "coverage.sh: --build-dir needs a folder" >&2; exit 2; }
                 build=$(mkdir -p "$2" && cd "$2" && pwd); shift 2 ;;
    --jobs) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || {
              echo "coverage.sh: --jobs needs a positive number (got '${2:-}')" >&2; exit 2; }
            jobs=$2; shift 2 ;;
    --no-run) run=0; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; ctest_args=("$@"); break ;;
    *) echo "coverage.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[ ${#ctest_args[@]} -gt 0 ] || ctest_args=(-LE 'long|gate|formal')

for tool in verilator_coverage genhtml cmake ninja ctest; do
  command -v "$tool" >/dev/null || {
    echo "coverage.sh: '$tool' not found; run scripts/install-deps.sh (genhtml is Debian's lcov)" >&2
    exit 2; }
done

cov=$build/coverage
step() { echo "[coverage $(date +%H:%M:%S)] $*"; }
start=$(date +%s)
status=0
if [ "$run" = 1 ]; then
  step "configure $build (LUOSHU_COVERAGE=ON)"
  cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLUOSHU_COVERAGE=ON \
    $(command -v ccache >/dev/null && echo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache) >"$build/configure.log" 2>&1 ||
    { echo "coverage.sh: configure failed, see $build/configure.log" >&2; exit 1; }
  step "build (log: $build/build.log)"
  nice -n 10 cmake --build "$build" -j "$jobs" >"$build/build.log" 2>&1 ||
    { tail -n 30 "$build/build.log" >&2; echo "coverage.sh: build failed, see $build/build.log" >&2; exit 1; }
  [ "$keep" = 1 ] || rm -rf "$cov/raw"
  mkdir -p "$cov/raw"
  step "ctest ${ctest_args[*]} (-j$jobs; progress: $build/ctest.log)"
  (cd "$build" && LUOSHU_COVERAGE_DIR="$cov/raw" ctest -j "$jobs" --timeout 3600 \
     "${ctest_args[@]}" >"$build/ctest.log" 2>&1) || status=1
  grep -E "tests passed|tests failed" "$build/ctest.log" || true
  [ "$status" = 0 ] || { grep -A200 "The following tests FAILED" "$build/ctest.log" | head -20; }
fi

shopt -s nullglob
raw=("$cov"/raw/*.dat)
[ ${#raw[@]} -gt 0 ] || { echo "coverage.sh: no coverage data in $cov/raw (did the tests run on a -DLUOSHU_COVERAGE=ON build?)" >&2; exit 2; }
step "merge ${#raw[@]} files"
printf '%s\n' "${raw[@]}" > "$cov/raw.list"
# verilator_coverage takes the files as arguments: merge in batches, then the batches.
rm -f "$cov"/part.*.dat
split -l 200 -d "$cov/raw.list" "$cov/raw.list."
for list in "$cov"/raw.list.[0-9]*; do
  mapfile -t files < "$list"
  verilator_coverage --write "$cov/part.${list##*.}.dat" "${files[@]}"
  rm -f "$list"
done
verilator_coverage --write "$cov/merged.dat" "$cov"/part.*.dat
rm -f "$cov"/part.*.dat
python3 "$here/scripts/coverage_report.py" lines "$cov/merged.dat" "$cov/lines.dat" --root "$here"
verilator_coverage --write-info "$cov/coverage.info" "$cov/lines.dat"
step "HTML report"
rm -rf "$build/coverage-html"
genhtml --quiet --title "Luoshu RTL line coverage" --prefix "$here" \
  --output-directory "$build/coverage-html" "$cov/coverage.info" >"$cov/genhtml.log" 2>&1 ||
  { cat "$cov/genhtml.log" >&2; echo "coverage.sh: genhtml failed" >&2; exit 1; }
echo "HTML report: $build/coverage-html/index.html"
echo
python3 "$here/scripts/coverage_report.py" report --dat "$cov/merged.dat" \
  --info "$cov/coverage.info" --root "$here" --required "$here/scripts/coverage_required.txt" \
  --min-line 95 || status=1
echo "coverage.sh: wall time $(( $(date +%s) - start )) s"
exit $status
