#!/usr/bin/env python3
"""The worst paths of a routed ECP5 design, from nextpnr's SDF (scripts/fpga.sh --paths N).

nextpnr's report names one critical path per clock; after one fix the next run (the better
part of an hour for the SoC) shows the next. This reads the routed delays nextpnr wrote
(--sdf: every cell's arcs and every routed connection, the same figures its own timing uses,
the slow corner) and times every flip-flop, block RAM and DSP input, so one run shows the
paths to pipeline: how many endpoints miss the period per unit, the N registers with the most
failing endpoints behind them, and the N worst endpoints, one per register (a bus counts
once), each with its delay, the share of routing and the signals it passes.

usage: fpga_paths.py [--count N] [--period NS] DESIGN.sdf
"""
import argparse
import collections
import re
import sys

TOKEN = re.compile(r'\(|\)|"[^"]*"|(?:\\.|[^\s()"])+')


def parse(text):
    """The SDF as nested lists of tokens."""
    stack, cur = [], []
    for tok in TOKEN.findall(text):
        if tok == "(":
            stack.append(cur)
            cur = []
        elif tok == ")":
            if not stack:
                raise ValueError("unbalanced ')'")
            parent = stack.pop()
            parent.append(cur)
            cur = parent
        else:
            cur.append(tok)
    if stack:
        raise ValueError("unbalanced '(' (a truncated file?)")
    return cur


def unescape(name):
    return re.sub(r"\\(.)", r"\1", name)


def split_pin(pin):
    """cell/port, the cell's name escaped (a '/' in it is '\\/')."""
    m = re.match(r"^((?:\\.|[^/])*)/([^/]+)$", pin)
    if not m:
        raise ValueError(f"not a cell/port pin: {pin}")
    return unescape(m.group(1)), m.group(2)


def worst(triple):
    """The max of a (min:typ:max) value, in ns (the SDF is in ps)."""
    return float(triple[0].split(":")[-1]) / 1000.0


def port_of(ref):
    """A port, or an edge expression (posedge CLK) as a list."""
    return ref[1] if isinstance(ref, list) else ref


def signal(cell):
    """The signal a packed cell is named after (as scripts/fpga.sh shows it)."""
    name = re.split(r"_(?:LUT4|PFUMX|L6MUX21|TRELLIS_\w+|CCU2C|MULT18X18D|DP16KD|DO)(?:_|$)|\$",
                    cell)[0]
    # A block RAM's pin (mem_q.0.0_DIA5: the cells Yosys adds at its data and address pins)
    # counts as the memory.
    name = re.sub(r"_(?:DI|DO|AD)[AB]\d+$", "", name)
    return re.sub(r"(\.\d+)+$", "", name)


def unit(cell):
    """The first two instance levels of a cell (u_core.u_mte_out, ...), generate blocks left out."""
    parts = [p for p in signal(cell).split(".")[:-1] if p.startswith("u_")]
    return ".".join(parts[:2]) or "(top)"


def relative(name, base):
    """name without the instance levels it shares with base (u_core.u_mte_out.x -> .x)."""
    a, b = name.split("."), base.split(".")
    n = 0
    while n < min(len(a), len(b)) - 1 and a[n] == b[n]:
        n += 1
    return "." * (n > 0) + ".".join(a[n:])


def load(path):
    try:
        text = open(path).read()
    except OSError as e:
        sys.exit(f"fpga_paths.py: cannot read {path}: {e.strerror}")
    try:
        top = parse(text)
    except ValueError as e:
        sys.exit(f"fpga_paths.py: {path} is not an SDF file nextpnr wrote: {e}")
    if not top or not top[0] or top[0][0] != "DELAYFILE":
        sys.exit(f"fpga_paths.py: {path} is not an SDF file (no DELAYFILE)")
    edges = collections.defaultdict(list)  # pin -> [(pin, delay, kind)]
    starts = {}                           # pin -> clock-to-output delay
    setup = {}                            # endpoint pin -> setup time
    for cell in top[0][1:]:
        if not isinstance(cell, list) or not cell or cell[0] != "CELL":
            continue
        inst = next((unescape(" ".join(x[1:])) for x in cell if isinstance(x, list) and x[0] == "INSTANCE"), "")
        for block in cell:
            if not isinstance(block, list):
                continue
            if block[0] == "DELAY":
                for absolute in block[1:]:
                    for arc in absolute[1:]:
                        if arc[0] == "INTERCONNECT":
                            a, b = split_pin(arc[1]), split_pin(arc[2])
                            edges[a].append((b, worst(arc[3]), "routing"))
                        elif arc[0] == "IOPATH":
                            src, dst, delay = arc[1], arc[2], worst(arc[3])
                            if isinstance(src, list) or src.startswith("CLK"):
                                pin = (inst, dst)
                                starts[pin] = max(starts.get(pin, 0.0), delay)
                            else:
                                edges[(inst, src)].append(((inst, dst), delay, "logic"))
            elif block[0] == "TIMINGCHECK":
                for chk in block[1:]:
                    if chk[0] in ("SETUPHOLD", "SETUP"):
                        pin = (inst, port_of(chk[1]))
                        setup[pin] = max(setup.get(pin, 0.0), worst(chk[3]))
    return edges, starts, setup


def longest(edges, starts):
    """Arrival time of every pin from the clock-to-output starts (the graph without cycles:
    a pin on a combinational loop, if any, is left untimed), and its predecessor."""
    indeg = collections.Counter()
    for a, outs in edges.items():
        for b, _, _ in outs:
            indeg[b] += 1
    arrival = dict(starts)
    pred = {}
    ready = [p for p in set(edges) | set(starts) if indeg[p] == 0]
    while ready:
        a = ready.pop()
        t = arrival.get(a)
        for b, d, kind in edges.get(a, ()):
            if t is not None and (b not in arrival or t + d > arrival[b]):
                arrival[b] = t + d
                pred[b] = (a, d, kind)
            indeg[b] -= 1
            if indeg[b] == 0:
                ready.append(b)
    return arrival, pred


def trace(pin, pred):
    steps = []
    while pin in pred:
        a, d, kind = pred[pin]
        steps.append((a, pin, d, kind))
        pin = a
    steps.reverse()
    return pin, steps


def main():
    ap = argparse.ArgumentParser(description="The worst paths of a routed ECP5 design (nextpnr SDF).")
    ap.add_argument("sdf")
    ap.add_argument("--count", type=int, default=20, help="paths to print (default 20)")
    ap.add_argument("--period", type=float, default=10.0, help="clock period in ns (default 10: 100 MHz)")
    args = ap.parse_args()
    if args.count < 1:
        ap.error("--count wants 1 or more")
    if not args.period > 0:
        ap.error("--period wants a positive number of ns")
    edges, starts, setup = load(args.sdf)
    if not starts or not setup:
        sys.exit(f"fpga_paths.py: {args.sdf} has no clocked cells to time (an unrouted design?)")
    arrival, pred = longest(edges, starts)
    ends = sorted(((arrival[p] + s, p) for p, s in setup.items() if p in arrival), reverse=True)
    failing = [(t, p) for t, p in ends if t > args.period]
    per_unit = collections.Counter(unit(p[0]) for _, p in failing)
    print(f"\n{len(failing)} of {len(ends)} timed endpoints miss {args.period:g} ns "
          f"({1000.0 / args.period:.1f} MHz); worst {ends[0][0]:.2f} ns ({1000.0 / ends[0][0]:.1f} MHz)")
    if per_unit:
        print("endpoints missing it, per unit: " +
              ", ".join(f"{u} {n}" for u, n in per_unit.most_common(12)))
    if failing:
        # The registers the most failing endpoints start from: one register (a flag, a pointer)
        # often stands before hundreds of endpoints, so cutting its path clears them together.
        by_start = collections.defaultdict(list)
        for t, p in failing:
            by_start[signal(trace(p, pred)[0][0])].append((t, signal(p[0])))
        top = sorted(by_start.items(), key=lambda kv: (-len(kv[1]), -max(kv[1])[0]))
        print(f"\nthe {min(args.count, len(top))} registers with the most of them behind "
              "(endpoints, worst, from -> the registers they end in):")
        for start, hits in top[:args.count]:
            to = collections.Counter(relative(e, start) for _, e in hits)
            print(f"{len(hits):6d}  {max(hits)[0]:6.2f} ns  {start} -> " +
                  ", ".join(f"{e} {n}" for e, n in to.most_common(3)) +
                  (", ..." if len(to) > 3 else ""))
    print(f"\nthe {args.count} worst paths, one per register (delay, routing share, logic cells, "
          "from -> through -> to):")
    seen = set()
    shown = 0
    for t, p in ends:
        key = signal(p[0])
        if key in seen:
            continue
        seen.add(key)
        start, steps = trace(p, pred)
        routing = sum(d for _, _, d, k in steps if k == "routing")
        levels = sum(1 for a, _, _, k in steps if k == "logic" and not a[0].endswith("$PACKER_GND"))
        names = [signal(start[0])] + [signal(b[0]) for _, b, _, k in steps if k == "routing"]
        names = [n for n in names if n]  # cells Yosys named after no signal ($auto...)
        names = [n for i, n in enumerate(names) if i == 0 or n != names[i - 1]]
        print(f"{t:6.2f} ns  {100 * routing / t:3.0f} % routing  {levels:2d} cells  " + " -> ".join(names))
        shown += 1
        if shown == args.count:
            break


if __name__ == "__main__":
    main()
