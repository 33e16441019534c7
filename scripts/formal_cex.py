#!/usr/bin/env python3
"""Summarizes a counterexample that Yosys `sat -dump_vcd` wrote for scripts/formal.sh.

    formal_cex.py CEX.vcd

Prints the properties (wires named ok_* or inv_*, at any level; each bit of a vector is one
property) that are 0 in the last time step, where the proof failed (sat proved every shorter
trace first), then the trace of the formal wrapper's own signals (ports, bookkeeping), one
row per signal, one column per cycle, in hex. Cycle 1 is the reset cycle.
"""
import re
import sys


def parse_vcd(path):
    names = {}  # id -> signal name
    steps = []  # list of {id: value}, index 0 = cycle 1
    current = None
    in_dumpvars = False
    pending = False  # a "#t" was seen: the next value starts a new time step
    with open(path) as f:
        for line in f:
            tok = line.split()
            if not tok:
                continue
            if tok[0] == "$var":
                # $var wire WIDTH ID NAME [RANGE] $end
                names[tok[3]] = "".join(tok[4:-1]).lstrip("\\")
            elif tok[0] == "$dumpvars":
                in_dumpvars = True
            elif tok[0] == "$end" and in_dumpvars:
                # Values before this $end are the initial state; cycle 1 follows.
                in_dumpvars = False
                steps.append({})
                current = steps[-1]
            elif tok[0].startswith("#"):
                # Yosys writes the initial state and cycle 1 at #0, cycle t at #t, and ends
                # with a lone #(last + 1).
                pending = not in_dumpvars and int(tok[0][1:]) > 0
            elif current is not None:
                if pending:
                    steps.append(dict(steps[-1]))
                    current = steps[-1]
                    pending = False
                if tok[0].startswith("b"):
                    current[tok[1]] = tok[0][1:]
                else:
                    current[tok[0][1:]] = tok[0][0]
    # Yosys also dumps the slices of a register it split ("name[11_8]"): keep the whole.
    whole = set(names.values())
    names = {i: n for i, n in names.items()
             if not (re.search(r"\[\d+_\d+\]$", n) and n[:n.rindex("[")] in whole)}
    return names, steps


def to_hex(bits):
    if not bits or re.search("[^01]", bits):
        return bits or "?"
    return format(int(bits, 2), "x")


def main():
    if len(sys.argv) != 2:
        print("usage: formal_cex.py CEX.vcd", file=sys.stderr)
        return 2
    names, steps = parse_vcd(sys.argv[1])
    if not steps:
        print("formal_cex: no time steps in %s" % sys.argv[1])
        return 1
    last = steps[-1]
    prop = re.compile(r"(^|\.)(ok|inv)_")
    broken = []
    for i, n in sorted(names.items(), key=lambda x: x[1]):
        v = last.get(i, "")
        if prop.search(n) and "0" in v:
            # A vector of properties (one per port, say): name the failing bits.
            bits = [str(len(v) - 1 - k) for k, b in enumerate(v) if b == "0"]
            broken.append(n if len(v) == 1 else "%s[%s]" % (n, ",".join(reversed(bits))))
    print("properties broken in cycle %d (cycle 1 = reset): %s"
          % (len(steps), ", ".join(broken) if broken else "(no ok_*/inv_* wire is 0; see the log)"))
    # The wrapper's own signals: no hierarchy, no Yosys-internal names, not the clock.
    shown = sorted((n, i) for i, n in names.items()
                   if "." not in n and "$" not in n and not n.startswith("_")
                   and n != "clk_i" and not prop.search(n))
    width = max(len(n) for n, _ in shown) if shown else 5
    cols = [[to_hex(s.get(i, "")) for s in steps] for _, i in shown]
    colw = max([len(str(len(steps)))] + [len(v) for row in cols for v in row])
    print("  %-*s %s" % (width, "cycle", " ".join("%*d" % (colw, c + 1)
                                                   for c in range(len(steps)))))
    for (n, _), row in zip(shown, cols):
        print("  %-*s %s" % (width, n, " ".join("%*s" % (colw, v) for v in row)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
