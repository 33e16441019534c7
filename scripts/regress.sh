#!/usr/bin/env bash
# Regression runner: every seeded random test of tests/random_tests.list, over many seeds, in
# parallel (xargs -P), optionally one shard of N (for CI matrices or several hosts). Each test x
# seed is one case, run as `LUOSHU_SEED=<seed> <binary> --gtest_filter=<test>`; it never stops at
# the first failure. Writes a JUnit report (one <testcase> per test x seed, failures with their
# message and re-run command), prints a table per test and every failing seed with its re-run
# command. Exit status 1 iff a case failed (or --min-rounds was not reached), 2 on bad usage.
#
#   scripts/regress.sh --seeds 20                         seeds 1..20 of every listed test
#   scripts/regress.sh --seed-range 100:199 -R AiCore     tests whose name matches AiCore
#   scripts/regress.sh --seeds 50 --shard 2/4             the second quarter of the cases
#   scripts/regress.sh --soak --min-rounds 10000          each test's soak seeds (the list)
#
# docs/verification.md, "Regression runs".
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)

usage() {
  cat <<'EOF'
usage: scripts/regress.sh [options]
  --seeds N          seeds 1..N for every test (default 10)
  --seed-range A:B   seeds A..B (inclusive)
  --soak             each list entry's own seed count (its soak=N; entries without it are left out)
  --jobs J           cases at a time on this machine (default: nproc)
  --shard I/N        run only cases I, I+N, I+2N, ... (1 <= I <= N) of the full, ordered list
  -R, --filter RE    only tests whose "binary:Suite.Test" matches the extended regex RE
  --long             also the entries marked long (minutes per seed)
  --list FILE        the test list (default tests/random_tests.list)
  --build DIR        build folder (default build, or $LUOSHU_BUILD_DIR)
  --out DIR          report folder (default <build>/regress); cleared first
  --junit FILE       JUnit file (default <out>/junit.xml)
  --timeout S        per case, seconds (default 1800): a case that takes longer fails
  --min-rounds N     also fail unless the passing cases ran >= N random rounds in total
  --dry-run          list the cases (after sharding) and exit
EOF
}

die() {
  echo "regress.sh: $*" >&2
  exit 2
}

seed_lo=1 seed_hi=10 soak=0 jobs=$(nproc) shard_i=1 shard_n=1 filter='' long=0
list="$here/tests/random_tests.list" build="${LUOSHU_BUILD_DIR:-$here/build}" out='' junit=''
timeout_s=1800 min_rounds=0 dry=0
while [ $# -gt 0 ]; do
  case "$1" in
    --seeds) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || die "--seeds needs a positive number"
      seed_lo=1 seed_hi=$2; shift 2 ;;
    --seed-range) [[ "${2:-}" =~ ^([0-9]+):([0-9]+)$ ]] || die "--seed-range needs A:B, e.g. 100:199"
      seed_lo=${BASH_REMATCH[1]} seed_hi=${BASH_REMATCH[2]}
      [ "$seed_lo" -le "$seed_hi" ] || die "--seed-range $2: A must not exceed B"; shift 2 ;;
    --soak) soak=1; shift ;;
    --jobs|-j) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || die "--jobs needs a positive number"
      jobs=$2; shift 2 ;;
    --shard) [[ "${2:-}" =~ ^([0-9]+)/([0-9]+)$ ]] || die "--shard needs I/N, e.g. 2/4"
      shard_i=${BASH_REMATCH[1]} shard_n=${BASH_REMATCH[2]}
      [ "$shard_i" -ge 1 ] && [ "$shard_i" -le "$shard_n" ] || die "--shard $2: need 1 <= I <= N"
      shift 2 ;;
    -R|--filter) [ $# -ge 2 ] || die "$1 needs a regex"; filter=$2; shift 2 ;;
    --long) long=1; shift ;;
    --list) [ $# -ge 2 ] || die "--list needs a file"; list=$2; shift 2 ;;
    --build) [ $# -ge 2 ] || die "--build needs a folder"; build=$2; shift 2 ;;
    --out) [ $# -ge 2 ] || die "--out needs a folder"; out=$2; shift 2 ;;
    --junit) [ $# -ge 2 ] || die "--junit needs a file"; junit=$2; shift 2 ;;
    --timeout) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || die "--timeout needs seconds"
      timeout_s=$2; shift 2 ;;
    --min-rounds) [[ "${2:-}" =~ ^[0-9]+$ ]] || die "--min-rounds needs a number"
      min_rounds=$2; shift 2 ;;
    --dry-run) dry=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option '$1'" ;;
  esac
done
[ -f "$list" ] || die "no test list '$list'"
build=$(cd "$build" 2>/dev/null && pwd) || die "no build folder; build first (scripts/build.sh)"
out=${out:-$build/regress}
junit=${junit:-$out/junit.xml}

# ---- the cases: list entries -> tests (--gtest_list_tests) -> x seeds -> this shard
cases=$(mktemp)
trap 'rm -f "$cases"' EXIT
index=0
while read -r bin pattern rest; do
  [ -z "$bin" ] || [ "${bin#\#}" != "$bin" ] && continue
  n_soak='' is_long=0
  for f in $rest; do
    case "$f" in
      soak=*) n_soak=${f#soak=} ;;
      long) is_long=1 ;;
      *) die "$list: unknown field '$f' (expected soak=N or long)" ;;
    esac
  done
  [ "$is_long" = 1 ] && [ "$long" = 0 ] && [ "$soak" = 0 ] && continue
  if [ "$soak" = 1 ]; then
    [ -n "$n_soak" ] || continue
    lo=1 hi=$n_soak
  else
    lo=$seed_lo hi=$seed_hi
  fi
  exe="$build/$bin"
  [ -x "$exe" ] || die "$exe is missing; build first (scripts/build.sh)"
  tests=$("$exe" --gtest_list_tests --gtest_filter="$pattern" | awk '
    /^[^ ]/ { sub(/ *#.*/, ""); suite = $0; next }
    /^  /   { sub(/ *#.*/, ""); sub(/^ +/, ""); print suite $0 }')
  [ -n "$tests" ] || die "$list: '$bin $pattern' matches no test"
  for t in $tests; do
    if [ -n "$filter" ] && ! [[ "$bin:$t" =~ $filter ]]; then continue; fi
    for ((s = lo; s <= hi; s++)); do
      if [ $((index % shard_n)) -eq $((shard_i - 1)) ]; then
        printf '%06d\t%s\t%s\t%s\n' "$index" "$exe" "$t" "$s" >>"$cases"
      fi
      index=$((index + 1))
    done
  done
done <"$list"
total=$(wc -l <"$cases")
if [ "$dry" = 1 ]; then
  cut -f2- "$cases" | sed "s|$build/||"
  echo "$total case(s) of $index (shard $shard_i/$shard_n)"
  exit 0
fi
[ "$total" -gt 0 ] || die "no case to run (filter '$filter', shard $shard_i/$shard_n)"

# ---- run them: xargs -P, one case per line; each writes <out>/cases/<index>.{log,xml,result}
rm -rf "$out/cases"
mkdir -p "$out/cases" "$(dirname "$junit")"
out=$(cd "$out" && pwd)  # the cases run in $out/cases
junit=$(cd "$(dirname "$junit")" && pwd)/$(basename "$junit")
echo "regress: $total case(s) (test x seed) of $index, shard $shard_i/$shard_n, $jobs at a time;" \
  "logs in $out/cases"
run_case() {  # one line of the case list: index, exe, test, seed (tab-separated)
  local id exe test seed base t0 t1 rc
  IFS=$'\t' read -r id exe test seed <<<"$1"
  base="$REGRESS_OUT/cases/$id"
  t0=$(date +%s.%N)
  (cd "$REGRESS_OUT/cases" && env -u LUOSHU_ROUND LUOSHU_SEED="$seed" \
    timeout -k 10 "$REGRESS_TIMEOUT" "$exe" --gtest_filter="$test" \
    --gtest_output="xml:$base.xml") >"$base.log" 2>&1
  rc=$?
  t1=$(date +%s.%N)
  local secs
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
  printf '%s\t%s\t%s\t%s\t%s\n' "$exe" "$test" "$seed" "$rc" "$secs" >"$base.result"
  local verdict=PASS
  [ "$rc" = 0 ] || verdict=FAIL
  [ "$rc" = 124 ] && verdict="FAIL (timeout)"
  printf '%-4s %s seed %s (%s s)\n' "$verdict" "$test" "$seed" "$secs"
}
export -f run_case
export REGRESS_OUT=$out REGRESS_TIMEOUT=$timeout_s
start=$(date +%s)
# xargs runs every case whatever the others do (no -e, no stop on failure); one whole line
# each, split at tabs by run_case (the binary's path may have a space).
xargs -P "$jobs" -d '\n' -n 1 bash -c 'run_case "$1"' _ <"$cases"
wall=$(($(date +%s) - start))

/usr/bin/python3 "$here/scripts/regress_report.py" --cases "$out/cases" --junit "$junit" \
  --build "$build" --wall "$wall" --min-rounds "$min_rounds" \
  --title "shard $shard_i/$shard_n, $jobs job(s)"
