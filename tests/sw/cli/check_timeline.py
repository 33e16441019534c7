#!/usr/bin/python3
"""Checks a `luoshu ... --timeline FILE.json` file: it parses as JSON, is a Chrome trace-event
document (what Perfetto and chrome://tracing open), names a track for every unit it uses, and
its command slices are sane: opcode names, non-negative times, one command at a time per
track (two on MTE-in's, which takes the next LOAD while one runs; they end in order), and the
timing kind asked for (measured on the RTL backend, estimated on the model).

usage: check_timeline.py FILE.json [--timing measured|estimated] [--cores N]
Exits 0 if the file is good, else 1 with one line per problem.
"""
import argparse
import json
import sys


def problems(doc, timing, cores):
    out = []
    if not isinstance(doc, dict) or not isinstance(doc.get("traceEvents"), list):
        return ["no traceEvents list at the top"]
    kind = doc.get("otherData", {}).get("timing", "")
    if timing and not kind.startswith(timing):
        out.append(f"timing is {kind!r}, expected {timing} ...")
    names = {}  # (pid, tid) -> track name
    slices = {}  # (pid, tid) -> [(start, end, name)]
    for e in doc["traceEvents"]:
        ph = e.get("ph")
        if ph == "M" and e.get("name") == "thread_name":
            names[(e["pid"], e["tid"])] = e["args"]["name"]
        elif ph == "X":
            for key in ("name", "pid", "tid", "ts", "dur", "args"):
                if key not in e:
                    out.append(f"slice without {key}: {e}")
                    break
            else:
                a = e["args"]
                if e["name"] not in ("LOAD", "MATMUL", "STORE", "SYNC"):
                    out.append(f"slice named {e['name']!r}, not an opcode")
                if e["ts"] < 0 or e["dur"] < 0 or a["start_cycle"] > a["end_cycle"]:
                    out.append(f"slice with negative time: {e}")
                if not a.get("operands"):
                    out.append(f"slice without operands: {e}")
                slices.setdefault((e["pid"], e["tid"]), []).append(
                    (a["start_cycle"], a["end_cycle"], e["name"]))
    if not slices:
        out.append("no command slices")
    for track, s in sorted(slices.items()):
        if track not in names:
            out.append(f"track {track} has slices but no thread_name")
        s.sort()
        held = 2 if names.get(track, "").startswith("MTE-in") else 1
        for (s0, e0, n0), (s1, _, n1) in zip(s, s[held:]):
            if s1 < e0:
                out.append(f"track {names.get(track, track)} of core {track[0]}: {n1} starts at "
                           f"cycle {s1} before {n0} ends at {e0}")
        for (_, e0, n0), (s1, e1, n1) in zip(s, s[1:]):
            if e1 < e0:
                out.append(f"track {names.get(track, track)} of core {track[0]}: {n1} from "
                           f"cycle {s1} ends at {e1}, before {n0} ends at {e0}")
    used = {pid for pid, _ in slices}
    if cores and len(used) != cores:
        out.append(f"slices on {len(used)} core(s), expected {cores}")
    for pid in sorted(used):
        if not any(n == "MATMUL" for (p, _), s in slices.items() if p == pid for *_, n in s):
            out.append(f"core {pid} has no MATMUL slice")
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("file")
    p.add_argument("--timing", choices=["measured", "estimated"])
    p.add_argument("--cores", type=int, default=0)
    a = p.parse_args()
    try:
        with open(a.file) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        print(f"{a.file}: not a readable JSON file: {e}")
        return 1
    bad = problems(doc, a.timing, a.cores)
    for line in bad:
        print(f"{a.file}: {line}")
    if not bad:
        n = sum(1 for e in doc["traceEvents"] if e.get("ph") == "X")
        print(f"{a.file}: OK, {n} command slices")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
