#!/usr/bin/env python3
"""Checks the seed report of every test binary (tb/gtest_util.h, tb/gtest_main.cc) on
tests/tb/seed_report_fixture.cc: for each way a seeded test fails (assertion, watchdog
exception, shared-state rounds, a mismatch outside a loop, a stream's step, a crash) the output
names the seed and the round or step, and the printed re-run command, run as printed, fails
again the same way (same round, same random value). Passing seeds print nothing. Usage:
    seed_report_check.py <seed_report_fixture binary>
"""
import os
import re
import shlex
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

SUITE = "SeedReportFixture"
# test, what its report line says after the test's name (seed 7), the failing round when the
# command should carry LUOSHU_ROUND
CASES = [
    ("AssertionInRound2ForOddSeeds", "failed: seed 7, round 2 of 4", 2),
    ("WatchdogInRound1ForOddSeeds", "failed: seed 7, round 1 of 3", 1),
    ("SharedRoundsFailInRound1ForOddSeeds", "failed: seed 7, round 1 of 3 (rounds share state", None),
    ("MismatchWithoutRoundsForOddSeeds", "failed: seed 7\n", None),
    ("StreamFailsAtStep6ForOddSeeds", "failed: seed 7, step 6 of 10\n", None),
    ("CrashInRound3ForOddSeeds", "crashed (signal 6): seed 7, round 3 of 5", 3),
]

errors = []


def check(cond, what):
    if not cond:
        errors.append(what)
    return cond


def clean_env():
    env = dict(os.environ)
    for k in ("LUOSHU_SEED", "LUOSHU_ROUND", "GTEST_FILTER", "GTEST_OUTPUT"):
        env.pop(k, None)
    return env


def run(argv, env, shell=False):
    p = subprocess.run(argv, env=env, shell=shell, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=60)
    return p.returncode, p.stdout


def drawn(out):
    return re.findall(r"drew (\d+)", out)


def main():
    fixture = os.path.abspath(sys.argv[1])
    for name, says, fail_round in CASES:
        test = f"{SUITE}.{name}"
        # A passing seed: exit 0, no report.
        env = clean_env()
        env["LUOSHU_SEED"] = "8"
        rc, out = run([fixture, f"--gtest_filter={test}"], env)
        check(rc == 0 and "REPRO" not in out, f"{test} seed 8: expected a quiet pass\n{out}")

        # A failing seed, with the gtest XML (the properties regress.sh reads).
        env["LUOSHU_SEED"] = "7"
        with tempfile.TemporaryDirectory() as tmp:
            xml_path = os.path.join(tmp, "out.xml")
            rc, out = run([fixture, f"--gtest_filter={test}", f"--gtest_output=xml:{xml_path}"],
                          env)
            props = {}
            if os.path.exists(xml_path):
                for tc in ET.parse(xml_path).getroot().iter("testcase"):
                    props.update({k: v for k, v in tc.attrib.items()})
                    for p in tc.iter("property"):
                        props[p.get("name")] = p.get("value")
        if not check(rc != 0, f"{test} seed 7: expected a failure\n{out}"):
            continue
        want = f"[  REPRO   ] {test} {says}"
        check(want in out, f"{test}: no line '{want}' in\n{out}")
        cmds = sorted(set(re.findall(r"^\[  REPRO   \] re-run: (.*)$", out, re.M)))
        if not check(len(cmds) == 1, f"{test}: expected one re-run command, got {cmds}\n{out}"):
            continue
        cmd = cmds[0]
        prefix = "LUOSHU_SEED=7 " + (f"LUOSHU_ROUND={fail_round} " if fail_round else "")
        word = shlex.quote(fixture)  # the binary as one shell word (a path may have a space)
        check(cmd.startswith(prefix + word + " "), f"{test}: command '{cmd}' should start "
              f"with '{prefix}{word}'")
        check(cmd.endswith(f"--gtest_filter='{test}'"), f"{test}: command '{cmd}' filter")
        if "crashed" not in says:  # a crash writes no XML
            check(props.get("seed") == "7", f"{test}: XML property seed: {props}")
            check(props.get("repro") == cmd, f"{test}: XML property repro: {props}")
            if fail_round is not None:
                check(props.get("round") == str(fail_round), f"{test}: XML round: {props}")
        # The command as printed, from another folder and a clean environment.
        rc2, out2 = run(cmd, clean_env(), shell=True)
        check(rc2 != 0, f"{test}: the re-run passed\n{out2}")
        check(want in out2, f"{test}: the re-run did not fail the same way\n{out2}")
        check(drawn(out2)[-1:] == drawn(out)[-1:],
              f"{test}: the re-run drew {drawn(out2)}, the run {drawn(out)}")
        check(cmd in out2, f"{test}: the re-run printed another command\n{out2}")
    if errors:
        print("\n\n".join(errors))
        print(f"FAIL: {len(errors)} problem(s) with the seed report")
        return 1
    print(f"PASS: the seed report of {len(CASES)} failure kinds re-runs each failing case")
    return 0


if __name__ == "__main__":
    sys.exit(main())
