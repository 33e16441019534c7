#!/usr/bin/env python3
"""The report of scripts/regress.sh: reads the cases it ran (<cases>/<index>.result, .xml from
--gtest_output, .log), writes a JUnit file with one <testcase> per test x seed (failures with
their message and re-run command), prints a table per test, the failing seeds with their
re-run commands and the total of random rounds (the `rounds` property tb::Rounds records; 1
for a test without rounds). Exit status 1 iff a case failed or the passing cases ran fewer
than --min-rounds rounds.
"""
import argparse
import glob
import os
import re
import shlex
import sys
import xml.etree.ElementTree as ET

REPRO_RE = re.compile(r"^\[  REPRO   \] re-run: (.*)$", re.M)


def read_gtest_xml(path):
    """(ran, skipped, properties, failure messages) of the one test in a gtest XML file."""
    if not os.path.exists(path):
        return None
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError:
        return None
    cases = list(root.iter("testcase"))
    if not cases:
        return (False, False, {}, [])
    tc = cases[0]
    props = {}
    for p in tc.iter("property"):  # gtest >= 1.10 writes <properties>; older ones attributes
        props[p.get("name")] = p.get("value")
    for k, v in tc.attrib.items():
        props.setdefault(k, v)
    skipped = tc.get("result") == "skipped" or tc.find("skipped") is not None
    failures = [(f.get("message") or "", f.text or "") for f in tc.iter("failure")]
    return (tc.get("status", "run") == "run", skipped, props, failures)


def tail(text, lines=40):
    return "\n".join(text.splitlines()[-lines:])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", required=True)
    ap.add_argument("--junit", required=True)
    ap.add_argument("--build", default="")
    ap.add_argument("--wall", type=int, default=0)
    ap.add_argument("--min-rounds", type=int, default=0)
    ap.add_argument("--title", default="")
    a = ap.parse_args()

    results = []
    for rfile in sorted(glob.glob(os.path.join(a.cases, "*.result"))):
        base = rfile[: -len(".result")]
        exe, test, seed, rc, secs = open(rfile).read().rstrip("\n").split("\t")
        rc, secs, seed = int(rc), float(secs), int(seed)
        log = open(base + ".log", errors="replace").read() if os.path.exists(base + ".log") else ""
        g = read_gtest_xml(base + ".xml")
        r = dict(exe=exe, test=test, seed=seed, rc=rc, secs=secs, log=log, skipped=False,
                 rounds=1, message="", detail="")
        repro_lines = REPRO_RE.findall(log)
        r["repro"] = repro_lines[0] if repro_lines else (
            f"LUOSHU_SEED={seed} {shlex.quote(exe)} --gtest_filter='{test}'")
        if g is not None:
            ran, skipped, props, failures = g
            r["skipped"] = skipped
            if props.get("rounds", "").isdigit():
                r["rounds"] = int(props["rounds"])
            if props.get("repro"):
                r["repro"] = props["repro"]
            if failures:
                r["message"] = failures[0][0].splitlines()[0] if failures[0][0] else "failed"
                r["detail"] = "\n\n".join(t or m for m, t in failures)
            if not ran:
                rc = rc or 1
                r["message"] = f"'{test}' did not run (no such test, or it is disabled)"
        if rc == 124 or rc == 137:
            r["message"] = f"timed out (scripts/regress.sh --timeout); last output below"
            r["detail"] = tail(log)
        elif rc != 0 and not r["message"]:
            crash = re.search(r"\[  REPRO   \] .* crashed \(signal (\d+)\)[^\n]*", log)
            r["message"] = crash.group(0)[13:] if crash else f"exit status {rc}"
            r["detail"] = tail(log)
        r["failed"] = rc != 0
        results.append(r)
    if not results:
        print("regress: no case results in " + a.cases, file=sys.stderr)
        return 1

    # ---- JUnit: one <testsuite> per test, one <testcase> per seed
    by_test = {}
    for r in results:
        by_test.setdefault((r["exe"], r["test"]), []).append(r)
    root = ET.Element("testsuites", name="luoshu-regress")
    n_fail = n_skip = 0
    for (exe, test), rs in by_test.items():
        suite = ET.SubElement(root, "testsuite", name=test)
        fails = sum(r["failed"] for r in rs)
        skips = sum(r["skipped"] and not r["failed"] for r in rs)
        n_fail += fails
        n_skip += skips
        suite.set("tests", str(len(rs)))
        suite.set("failures", str(fails))
        suite.set("errors", "0")
        suite.set("skipped", str(skips))
        suite.set("time", f"{sum(r['secs'] for r in rs):.3f}")
        for r in sorted(rs, key=lambda r: r["seed"]):
            tc = ET.SubElement(suite, "testcase", classname=f"{os.path.basename(exe)}.{test}",
                               name=f"seed={r['seed']}", time=f"{r['secs']:.3f}")
            props = ET.SubElement(tc, "properties")
            for k, v in (("seed", r["seed"]), ("rounds", r["rounds"]), ("repro", r["repro"])):
                ET.SubElement(props, "property", name=k, value=str(v))
            if r["failed"]:
                f = ET.SubElement(tc, "failure", message=r["message"], type="failure")
                f.text = f"re-run: {r['repro']}\n\n{r['detail']}"
                ET.SubElement(tc, "system-out").text = tail(r["log"], 200)
            elif r["skipped"]:
                ET.SubElement(tc, "skipped")
    root.set("tests", str(len(results)))
    root.set("failures", str(n_fail))
    root.set("errors", "0")
    root.set("skipped", str(n_skip))
    root.set("time", str(a.wall))
    ET.indent(root)
    ET.ElementTree(root).write(a.junit, encoding="utf-8", xml_declaration=True)

    # ---- summary
    rows = []
    for (exe, test), rs in by_test.items():
        slow = max(rs, key=lambda r: r["secs"])
        ok = [r for r in rs if not r["failed"]]
        rows.append((f"{os.path.basename(exe)} {test}", len(rs), sum(r["failed"] for r in rs),
                     sum(r["rounds"] for r in ok), f"{slow['secs']:.1f} s (seed {slow['seed']})"))
    w = max(len(r[0]) for r in rows)
    print(f"\nregress summary{' (' + a.title + ')' if a.title else ''}")
    print(f"{'test':<{w}}  {'seeds':>5}  {'failed':>6}  {'rounds':>7}  slowest")
    for name, seeds, failed, rounds, slowest in rows:
        print(f"{name:<{w}}  {seeds:>5}  {failed:>6}  {rounds:>7}  {slowest}")
    rounds = sum(r[3] for r in rows)
    print(f"total: {len(results)} case(s), {n_fail} failed, {n_skip} skipped; {rounds} random "
          f"round(s) passed (rounds per seed x seeds); wall {a.wall // 60} min {a.wall % 60} s")
    failed = [r for r in results if r["failed"]]
    if failed:
        print(f"\nfailing seeds ({len(failed)}):")
        for r in sorted(failed, key=lambda r: (r["test"], r["seed"])):
            print(f"  {r['test']} seed {r['seed']}: {r['message']}")
            print(f"    {r['repro']}")
    print(f"JUnit: {a.junit}")
    status = 1 if failed else 0
    if rounds < a.min_rounds:
        print(f"FAIL: {rounds} random rounds passed, fewer than --min-rounds {a.min_rounds}")
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
