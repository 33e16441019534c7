#!/usr/bin/env python3
"""Coverage results of the RTL: the line-only data for the HTML report, the per-block table
and the checks (scripts/coverage.sh runs both steps; docs/verification.md, "Coverage").

  coverage_report.py lines MERGED.dat LINES.dat
      Writes the line and branch points of rtl/ files from MERGED.dat (verilator_coverage
      --write of every test's file), summed over instances, to LINES.dat, leaving out the
      assertion checkers (`ASSERT_* uses: their failing branch runs only when a check fails): what
      `verilator_coverage --write-info` turns into the lcov file genhtml renders (a line counts
      as covered when every point on it was reached).

  coverage_report.py report --dat MERGED.dat --info coverage.info --root SRC
                            [--required FILE] [--min-line PCT]
      Prints, per rtl/ block and file, lines hit/total (from coverage.info, as the HTML shows
      them), toggle points hit/total and COVER points hit/total; then every COVER point never
      hit. Exit 1 if a required point (FILE: one name per line, `*` matches any index) is
      missing or never hit, or if line coverage of rtl/ is below PCT; 2 on bad input.

Point names: <module>.<label>, and for points in g_cov_* generate loops the loop's index
named where it is known (sequencer.cov_opcode[matmul], noc_router.cov_out_contended[east]).
"""
import argparse
import collections
import fnmatch
import os
import re
import sys

KEY_SEP, VAL_SEP = "\x01", "\x02"


class InputError(Exception):
    pass


def parse_dat(path):
    """Yields (fields dict, count) for each point of a Verilator coverage file."""
    try:
        f = open(path, encoding="utf-8", errors="replace")
    except OSError as e:
        raise InputError(f"cannot read coverage data '{path}': {e.strerror}")
    with f:
        first = f.readline()
        if not first.startswith("# SystemC::Coverage"):
            raise InputError(f"'{path}' is not Verilator coverage data (no '# SystemC::Coverage' "
                             "header); pass the file verilator_coverage --write made")
        for n, line in enumerate(f, start=2):
            line = line.rstrip("\n")
            if not line.startswith("C '"):
                continue
            end = line.rfind("' ")
            if end < 0:
                raise InputError(f"{path}:{n}: malformed point line")
            fields = {}
            for kv in line[3:end].split(KEY_SEP):
                if VAL_SEP in kv:
                    k, v = kv.split(VAL_SEP, 1)
                    fields[k] = v
            yield fields, int(line[end + 2:])


def rtl_path(path, root):
    """The file as rtl/<block>/<file>.sv, or None if it is not an rtl/ source."""
    p = os.path.normpath(path)
    if os.path.isabs(p):
        rel = os.path.relpath(p, root)
    else:
        rel = p
    if rel.startswith("rtl" + os.sep) and rel.endswith(".sv"):
        return rel
    return None


def assertion_lines(path, cache={}):
    """Lines of `ASSERT_* macro uses in an RTL file: checker code, whose failing branch runs only
    when a check fails (and whose stream check waits only when the stream does)."""
    if path not in cache:
        lines = set()
        try:
            with open(path) as f:
                src = f.read().splitlines()
        except OSError:
            src = []
        i = 0
        while i < len(src):
            if re.match(r"\s*`ASSERT_\w+\s*\(", src[i]):
                depth, j = 0, i
                while j < len(src):
                    depth += src[j].count("(") - src[j].count(")")
                    lines.add(j + 1)
                    if depth <= 0:
                        break
                    j += 1
                i = j
            i += 1
        cache[path] = lines
    return cache[path]


def write_lines(merged, out, root):
    sums = collections.Counter()
    order = {}
    skipped = 0
    for fields, count in parse_dat(merged):
        page = fields.get("page", "")
        if not (page.startswith("v_line/") or page.startswith("v_branch/")):
            continue
        rel = rtl_path(fields.get("f", ""), root)
        if rel is None:
            continue
        if int(fields.get("l", 0)) in assertion_lines(os.path.join(root, rel)):
            skipped += 1
            continue
        # The point without its instance path: one point per source location.
        key = KEY_SEP.join(f"{k}{VAL_SEP}{v}" for k, v in fields.items() if k != "h")
        sums[key] += count
        order.setdefault(key, len(order))
    with open(out, "w") as f:
        f.write("# SystemC::Coverage-3\n")
        for key in sorted(sums, key=order.get):
            f.write(f"C '{KEY_SEP}{key}' {sums[key]}\n")
    print(f"coverage_report: {len(sums)} line/branch points of rtl/ -> {out} "
          f"({skipped} in assertion checkers left out)")


def parse_info(path, root):
    """{rtl file: {line: count}} from an lcov tracefile."""
    lines = {}
    cur = None
    try:
        f = open(path)
    except OSError as e:
        raise InputError(f"cannot read lcov file '{path}': {e.strerror}")
    with f:
        for raw in f:
            raw = raw.strip()
            if raw.startswith("SF:"):
                cur = rtl_path(raw[3:], root)
                if cur is not None:
                    lines.setdefault(cur, {})
            elif raw.startswith("DA:") and cur is not None:
                ln, cnt = raw[3:].split(",")[:2]
                lines[cur][int(ln)] = lines[cur].get(int(ln), 0) + int(cnt)
            elif raw == "end_of_record":
                cur = None
    return lines


def enum_names(text, typedef, prefix):
    """Member names of a typedef enum in declaration order, prefix dropped, snake_case."""
    m = re.search(r"typedef enum[^{]*\{(.*?)\}\s*" + typedef + ";", text, re.S)
    if not m:
        return []
    names = re.findall(r"\b" + prefix + r"(\w+)\s*=", m.group(1))
    return [re.sub(r"(?<!^)(?=[A-Z])", "_", n).lower() for n in names]


def loop_names(root):
    """Names of g_cov_* loop indices: {loop: [name of index 0, 1, ...]}."""
    def read(rel):
        try:
            with open(os.path.join(root, rel)) as f:
                return f.read()
        except OSError:
            return ""
    isa = read("rtl/isa/luoshu_isa_pkg.sv")
    noc = read("rtl/noc/noc_pkg.sv")
    chans = sorted((int(b), re.sub(r"(?<!^)(?=[A-Z])", "_", n).lower())
                   for n, b in re.findall(r"localparam int Chan(\w+) = (\d+);", isa))
    ports = sorted((int(b), n.lower())
                   for n, b in re.findall(r"localparam int Port(\w+)\s*=\s*(\d+);", noc))
    epi = []
    for i in range(8):  # {int8_out, bias_en, relu}
        parts = [n for bit, n in ((2, "int8"), (1, "bias"), (0, "relu")) if i >> bit & 1]
        epi.append("+".join(parts) if parts else "plain")
    return {
        "g_cov_opcode": enum_names(isa, "opcode_e", "Op"),
        "g_cov_fault": enum_names(isa, "fault_e", "Fault"),
        "g_cov_token": [n for _, n in chans],
        "g_cov_out": [n for _, n in ports],
        "g_cov_epilogue": epi,
        "g_cov_irq": ["fault", "ctl_error", "sync"],
    }


HIER_PART = re.compile(r"^(g_cov_\w+?)(?:\[(\d+)\]|__BRA__(\d+)__KET__)$")


def point_name(fields, names):
    # Verilator names a module per parameter set (mte_in__D10): the report names the module.
    module = re.sub(r"__.*$", "", fields.get("page", "v_user/?").split("/", 1)[1])
    label = fields.get("o", "?")
    idx = []
    for part in fields.get("h", "").split("."):
        m = HIER_PART.match(part)
        if m:
            loop, i = m.group(1), int(m.group(2) or m.group(3))
            known = names.get(loop, [])
            idx.append(known[i] if i < len(known) else str(i))
    return f"{module}.{label}" + "".join(f"[{i}]" for i in idx)


def pct(hit, total):
    return f"{100.0 * hit / total:5.1f}%" if total else "    -"


def report(args):
    root = os.path.abspath(args.root)
    names = loop_names(root)
    toggle = collections.defaultdict(collections.Counter)  # file -> {point: count}
    users = collections.Counter()                           # point name -> hits
    user_file = {}
    for dat in args.dat:
        for fields, count in parse_dat(dat):
            page = fields.get("page", "")
            rel = rtl_path(fields.get("f", ""), root)
            if rel is None:
                continue
            if page.startswith("v_toggle/"):
                toggle[rel][(fields.get("l"), fields.get("n"), fields.get("o"))] += count
            elif page.startswith("v_user/"):
                name = point_name(fields, names)
                users[name] += count
                user_file[name] = rel
    lines = parse_info(args.info, root)
    files = sorted(set(lines) | set(toggle) | set(user_file.values()))
    if not files:
        raise InputError("no rtl/ sources in the coverage data: was it built with "
                         "-DLUOSHU_COVERAGE=ON and did any test run?")

    def stats(fs):
        lh = sum(sum(1 for c in lines.get(f, {}).values() if c > 0) for f in fs)
        lt = sum(len(lines.get(f, {})) for f in fs)
        th = sum(sum(1 for c in toggle[f].values() if c > 0) for f in fs)
        tt = sum(len(toggle[f]) for f in fs)
        pts = [n for n, f in user_file.items() if f in fs]
        uh = sum(1 for n in pts if users[n] > 0)
        return lh, lt, th, tt, uh, len(pts)

    def row(name, s):
        lh, lt, th, tt, uh, ut = s
        return (f"{name:<34} {lh:>6}/{lt:<6} {pct(lh, lt)}  {th:>7}/{tt:<7} {pct(th, tt)}  "
                f"{uh:>4}/{ut:<4}")

    print(f"{'rtl file':<34} {'lines hit/total':>20}  {'toggles hit/total':>22}  cover pts")
    by_block = collections.defaultdict(list)
    for f in files:
        by_block[f.split(os.sep)[1]].append(f)
    for block in sorted(by_block):
        for f in by_block[block]:
            print(row("  " + f, stats([f])))
        print(row(f"rtl/{block} (block)", stats(by_block[block])))
    total = stats(files)
    print(row("rtl/ (all)", total))

    failures = []
    missed = sorted(n for n in users if users[n] == 0)
    print(f"\nCOVER points: {sum(1 for n in users if users[n] > 0)} of {len(users)} hit "
          "(cycles each held)")
    for n in sorted(users):
        print(f"  {n:<48} {users[n]:>12}")
    if missed:
        print("never hit:")
        for n in missed:
            print(f"  {n}  ({user_file[n]})")
    if args.required:
        try:
            with open(args.required) as f:
                required = [l.split("#")[0].strip() for l in f]
        except OSError as e:
            raise InputError(f"cannot read the required points '{args.required}': {e.strerror}")
        for pat in filter(None, required):
            got = [n for n in users if fnmatch.fnmatchcase(n, glob(pat))]
            if not got:
                failures.append(f"required cover point {pat} is not in the data (not compiled "
                                f"in, or renamed: update {args.required})")
            for n in got:
                if users[n] == 0:
                    failures.append(f"required cover point {n} was never hit")
    lh, lt = total[0], total[1]
    if args.min_line is not None and lt and 100.0 * lh / lt < args.min_line:
        failures.append(f"line coverage of rtl/ is {100.0 * lh / lt:.1f}%, below the "
                        f"{args.min_line:g}% target")
    if failures:
        print("\nFAILED:")
        for f in failures:
            print(f"  {f}")
        return 1
    print("\ncoverage checks passed")
    return 0


def glob(pat):
    """A required-point pattern as fnmatch syntax: `*` is a wildcard, brackets are literal."""
    return "".join("[[]" if c == "[" else "[]]" if c == "]" else c for c in pat)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    lp = sub.add_parser("lines")
    lp.add_argument("merged")
    lp.add_argument("out")
    lp.add_argument("--root", default=os.path.join(os.path.dirname(__file__), ".."))
    rp = sub.add_parser("report")
    rp.add_argument("--dat", action="append", required=True)
    rp.add_argument("--info", required=True)
    rp.add_argument("--root", required=True)
    rp.add_argument("--required")
    rp.add_argument("--min-line", type=float)
    args = ap.parse_args()
    try:
        if args.cmd == "lines":
            write_lines(args.merged, args.out, os.path.abspath(args.root))
            return 0
        return report(args)
    except InputError as e:
        print(f"coverage_report: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
