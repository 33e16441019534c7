#!/usr/bin/env python3
"""CTest regress.smoke: scripts/regress.sh end to end, on a built tree.

1. Two listed tests x 2 seeds with 2 jobs: exit 0; the JUnit file parses, has one <testcase>
   per test x seed, no failure, and each case carries its seed, rounds and re-run command.
2. The deliberately failing tests of tests/tb/seed_report_fixture.cc, seeds 1..2 (odd seeds
   fail): exit 1, every failing seed is a <failure> with a message and its re-run command (with
   LUOSHU_ROUND where the test has rounds), the passing ones are not, and the summary lists the
   failing seeds.
3. --shard I/3 for I = 1..3 splits the cases of a dry run without overlap or loss.
Usage: regress_check.py --root <source> --build <build>
"""
import argparse
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

SMOKE = ("SequencerTest/0.RandomBalancedProgramsMatchModel", 25,
         "NocMeshTest/1.RandomTrafficStallsBothSides", 1)
errors = []


def check(cond, what):
    if not cond:
        errors.append(what)
    return cond


def regress(root, *args):
    env = dict(os.environ)
    env.pop("LUOSHU_SEED", None)
    env.pop("LUOSHU_ROUND", None)
    p = subprocess.run([os.path.join(root, "scripts/regress.sh"), *args], env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=240)
    return p.returncode, p.stdout


def cases(junit):
    """{(classname, name): (properties, failure element or None)} of a JUnit file."""
    root = ET.parse(junit).getroot()
    check(root.tag == "testsuites", f"{junit}: root is <{root.tag}>")
    out = {}
    for tc in root.iter("testcase"):
        props = {p.get("name"): p.get("value") for p in tc.iter("property")}
        out[(tc.get("classname"), tc.get("name"))] = (props, tc.find("failure"))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--build", required=True)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="regress_smoke_") as tmp:
        # 1. passing cases
        junit = os.path.join(tmp, "pass.xml")
        rc, out = regress(a.root, "--build", a.build, "--seeds", "2", "--jobs", "2", "-R",
                          f"{SMOKE[0]}$|{SMOKE[2]}$", "--out", os.path.join(tmp, "pass"),
                          "--junit", junit)
        check(rc == 0, f"passing run: exit {rc}\n{out}")
        if check(os.path.exists(junit), f"passing run wrote no {junit}\n{out}"):
            got = cases(junit)
            want = {(f"test_sequencer.{SMOKE[0]}", "seed=1"), (f"test_sequencer.{SMOKE[0]}", "seed=2"),
                    (f"test_noc_mesh.{SMOKE[2]}", "seed=1"), (f"test_noc_mesh.{SMOKE[2]}", "seed=2")}
            check(set(got) == want, f"passing run: testcases {sorted(got)}, want {sorted(want)}")
            for (cls, name), (props, failure) in got.items():
                check(failure is None, f"{cls} {name}: unexpected failure")
                seed = name.split("=")[1]
                check(props.get("seed") == seed, f"{cls} {name}: seed property {props}")
                check(props.get("repro", "").startswith(f"LUOSHU_SEED={seed} "),
                      f"{cls} {name}: repro property {props}")
                rounds = SMOKE[1] if SMOKE[0] in cls else SMOKE[3]
                check(props.get("rounds") == str(rounds), f"{cls} {name}: rounds {props}")
            check(f"{2 * SMOKE[1] + 2 * SMOKE[3]} random round(s) passed" in out,
                  f"passing run: round total missing\n{out}")

        # 2. failing cases
        lst = os.path.join(tmp, "fixture.list")
        with open(lst, "w") as f:
            f.write("# the fixture: odd seeds fail\ntests/tb/seed_report_fixture SeedReportFixture.*\n")
        junit = os.path.join(tmp, "fail.xml")
        rc, out = regress(a.root, "--build", a.build, "--list", lst, "--seeds", "2", "--jobs",
                          "2", "--out", os.path.join(tmp, "fail"), "--junit", junit)
        check(rc == 1, f"failing run: exit {rc}, want 1\n{out}")
        if check(os.path.exists(junit), f"failing run wrote no {junit}\n{out}"):
            got = cases(junit)
            check(len(got) == 12, f"failing run: {len(got)} testcases, want 6 tests x 2 seeds")
            for (cls, name), (props, failure) in got.items():
                if name == "seed=2":
                    check(failure is None, f"{cls} {name}: an even seed passes")
                    continue
                if not check(failure is not None, f"{cls} {name}: no <failure>"):
                    continue
                check(bool(failure.get("message")), f"{cls} {name}: failure without message")
                repro = props.get("repro", "")
                alone = "InRound" in cls and "Shared" not in cls
                prefix = "LUOSHU_SEED=1 " + ("LUOSHU_ROUND=" if alone else "")
                check(repro.startswith(prefix), f"{cls} {name}: repro '{repro}', want '{prefix}...'")
                check(f"re-run: {repro}" in (failure.text or ""),
                      f"{cls} {name}: failure text lacks the re-run command")
                check(repro in out, f"{cls} {name}: the summary lacks '{repro}'")
            check("failing seeds (6):" in out, f"failing run: no list of failing seeds\n{out}")

        # 3. shards
        _, full = regress(a.root, "--build", a.build, "--seeds", "3", "--dry-run")
        full_cases = [l for l in full.splitlines() if l.startswith("tests/")]
        shards = []
        for i in (1, 2, 3):
            _, o = regress(a.root, "--build", a.build, "--seeds", "3", "--dry-run", "--shard",
                           f"{i}/3")
            shards.append([l for l in o.splitlines() if l.startswith("tests/")])
        merged = sorted(sum(shards, []))
        check(merged == sorted(full_cases) and len(full_cases) > 0,
              f"shards of {len(full_cases)} cases hold {len(merged)} (or overlap)")
        check(max(map(len, shards)) - min(map(len, shards)) <= 1, "shards are unbalanced")
    if errors:
        print("\n\n".join(errors))
        print(f"FAIL: {len(errors)} problem(s) with scripts/regress.sh")
        return 1
    print("PASS: regress.sh reports passing and failing seeds in JUnit, with re-run commands")
    return 0


if __name__ == "__main__":
    sys.exit(main())
