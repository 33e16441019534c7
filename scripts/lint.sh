#!/usr/bin/env bash
# lint.<top> (cmake/Luoshu.cmake): Verilator's lint of one top, twice. First as simulated
# (assertions in); then as Yosys reads it (-DSYNTHESIS): a register whose only driver sits in
# a simulation-only block is undriven there, a constant in the netlist, and only this pass
# sees it. UNUSED is off in the second pass: what only assertions read is unused there.
# Usage: lint.sh VERILATOR ARGS... (the sources and options of the first pass)
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "lint.sh: usage: lint.sh VERILATOR ARGS... (the lint.* gates call it; see cmake/Luoshu.cmake)" >&2
  exit 2
fi
verilator=$1
shift
"$verilator" --lint-only -Wall --assert "$@"
if ! "$verilator" --lint-only -Wall -Wno-UNUSED -DSYNTHESIS "$@"; then
  echo "lint.sh: the RTL as synthesis reads it (-DSYNTHESIS) has the warnings above" >&2
  exit 1
fi
