#!/usr/bin/env python3
"""Regenerate every generated file of the checkout from its one source, or check them.

  scripts/generate.py            rewrite the checked-in outputs
  scripts/generate.py --check    fail (exit 1, with a diff) if any output is stale; the CTest
                                 gate gate.generated_in_sync runs this

The generators (each also runs alone, with the same options):
  gen_isa.py    sw/isa/isa.toml           -> ISA package, C++ header, docs/isa.md tables
                                             (opcodes, fields, tokens, faults, core states,
                                             counters)
  gen_regs.py   rtl/soc/luoshu_regs.rdl   -> register block, C headers, docs/regs.md
  gen_socs.py   rtl/soc/soc_configs.toml  -> hal::SocConfigs() table, Verilator parameters
All run under .tools/venv's Python (scripts/install-deps.sh makes it; PeakRDL lives there).
"""

import sys

import genlib

genlib.use_venv_python(__file__)

import gen_isa  # noqa: E402  (after the re-exec: gen_regs imports PeakRDL)
import gen_regs  # noqa: E402
import gen_socs  # noqa: E402


def main():
    argv = sys.argv[1:]
    genlib.parser("generate.py", __doc__).parse_args(argv)  # checked once, named right
    worst = 0
    for gen in (gen_isa, gen_regs, gen_socs):
        worst = max(worst, gen.main(argv))
    return worst


if __name__ == "__main__":
    sys.exit(main())
