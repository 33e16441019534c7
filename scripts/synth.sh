#!/usr/bin/env bash
# Yosys synthesis gate for one RTL top.
#   scripts/synth.sh --top MODULE [--params "-chparam A 1 ..."] [--log FILE] files.sv...
# Exits non-zero on any Yosys error (unknown module, bad parameter, unsupported syntax,
# elaboration-time $error). Prints the cell count of the flattened netlist.
set -euo pipefail
top="" params="" log=""
files=()
while [ $# -gt 0 ]; do
  case "$1" in
    --top) top="$2"; shift 2 ;;
    --params) params="$2"; shift 2 ;;
    --log) log="$2"; shift 2 ;;
    -*) echo "synth.sh: unknown option $1" >&2; exit 2 ;;
    *) files+=("$1"); shift ;;
  esac
done
[ -n "$top" ] && [ ${#files[@]} -gt 0 ] || { echo "usage: synth.sh --top MODULE [--params P] [--log F] files..." >&2; exit 2; }
here=$(cd "$(dirname "$0")/.." && pwd)
log=${log:-$(mktemp)}
mkdir -p "$(dirname "$log")"
# -defer: elaborate only with the parameters given here (defaults may be placeholders).
script="read_verilog -sv -defer -DSYNTHESIS -I$here/rtl/common ${files[*]};
hierarchy -check -top $top $params;
synth -flatten -top $top;
check -assert;
tee -o $log.stat stat"
if ! yosys -q -l "$log" -p "$script" >/dev/null 2>&1; then
  echo "synth.sh: Yosys failed on $top; last lines of $log:" >&2
  tail -n 20 "$log" >&2
  exit 1
fi
cells=$(awk '/Number of cells:/ {n=$4} END {print n}' "$log.stat")
echo "synth $top $params: ${cells} cells (log: $log)"
