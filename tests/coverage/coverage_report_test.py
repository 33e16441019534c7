#!/usr/bin/env python3
"""CTest coverage.report_check: scripts/coverage_report.py on small made-up data.

A point set where everything is reached passes; a required COVER point never hit, a required
point missing from the data, and line coverage under the target each fail (exit 1) and say
which; a file that is not coverage data is refused (exit 2). `lines` keeps only the line and
branch points of rtl/ files, summed over instances, without those of assertion checkers.
Usage: coverage_report_test.py --root <source>
"""
import argparse
import os
import subprocess
import sys
import tempfile

errors = []


def check(cond, what):
    if not cond:
        errors.append(what)


def point(root, rel, line, page, comment, hier, col=1):
    f = os.path.join(root, rel)
    keys = [("f", f), ("l", str(line)), ("n", str(col)), ("page", page), ("o", comment),
            ("h", hier)]
    return "".join(f"\x01{k}\x02{v}" for k, v in keys)


def write_dat(path, points):
    with open(path, "w") as f:
        f.write("# SystemC::Coverage-3\n")
        for key, count in points:
            f.write(f"C '{key}' {count}\n")


def write_info(path, root, lines):
    with open(path, "w") as f:
        f.write("TN:verilator_coverage\n")
        for rel, das in lines.items():
            f.write(f"SF:{os.path.join(root, rel)}\n")
            for ln, cnt in das:
                f.write(f"DA:{ln},{cnt}\n")
            f.write("end_of_record\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    root = os.path.abspath(ap.parse_args().root)
    script = os.path.join(root, "scripts", "coverage_report.py")
    seq = "rtl/core/sequencer.sv"
    with open(os.path.join(root, seq)) as f:
        assert_line = next(i + 1 for i, l in enumerate(f) if l.lstrip().startswith("`ASSERT_"))
    with tempfile.TemporaryDirectory() as tmp:
        def run(*args):
            p = subprocess.run([sys.executable, script, *args], capture_output=True, text=True)
            return p.returncode, p.stdout + p.stderr

        def base(opcode_hits, ring_hits):
            return [
                (point(root, seq, 10, "v_line/sequencer", "block", "TOP.a.u_seq"), 3),
                (point(root, seq, 10, "v_line/sequencer", "block", "TOP.b.u_seq"), 0),
                (point(root, seq, 12, "v_branch/sequencer", "if", "TOP.a.u_seq"), 0),
                # an assertion's failing branch: left out of the line points
                (point(root, seq, assert_line, "v_line/sequencer", "if", "TOP.a.u_seq"), 0),
                (point(root, seq, 5, "v_toggle/sequencer", "clk_i", "TOP.a.u_seq"), 9),
                (point(root, seq, 5, "v_toggle/sequencer", "ring_set_i", "TOP.a.u_seq"), 0),
                (point(root, "tb/soc/soc_tb.sv", 3, "v_line/soc_tb", "block", "TOP"), 0),
                (point(root, seq, 800, "v_user/sequencer", "cov_opcode",
                       "TOP.a.u_seq.g_cov_opcode__BRA__1__KET__.cov_opcode"), opcode_hits),
                (point(root, seq, 800, "v_user/sequencer", "cov_opcode",
                       "TOP.a.u_seq.g_cov_opcode__BRA__0__KET__.cov_opcode"), 4),
                (point(root, seq, 810, "v_user/sequencer__D4_Q2", "cov_ring_wrap",
                       "TOP.b.u_seq.cov_ring_wrap"), ring_hits),
            ]
        req = os.path.join(tmp, "required.txt")
        with open(req, "w") as f:
            f.write("# test\nsequencer.cov_opcode[*]\nsequencer.cov_ring_wrap  # wrap\n")
        info = os.path.join(tmp, "cov.info")
        write_info(info, root, {seq: [(10, 3), (11, 2), (12, 1)]})
        good = os.path.join(tmp, "good.dat")
        write_dat(good, base(2, 1))
        report = ["report", "--dat", good, "--info", info, "--root", root, "--required", req,
                  "--min-line", "95"]

        rc, out = run(*report)
        check(rc == 0, f"all points hit, lines 3/3: expected exit 0, got {rc}:\n{out}")
        check("sequencer.cov_opcode[matmul]" in out and "sequencer.cov_opcode[load]" in out,
              f"loop indices not named after the opcodes:\n{out}")
        check("COVER points: 3 of 3 hit" in out, f"points not counted:\n{out}")
        check("1/2" in out, f"toggle points (1 of 2 hit) not in the table:\n{out}")

        miss = os.path.join(tmp, "miss.dat")
        write_dat(miss, base(0, 1))
        rc, out = run(*[miss if a == good else a for a in report])
        check(rc == 1, f"a required point never hit: expected exit 1, got {rc}:\n{out}")
        check("sequencer.cov_opcode[matmul] was never hit" in out,
              f"the missed point is not named:\n{out}")

        with open(req, "a") as f:
            f.write("mte_out.cov_epilogue[*]\n")
        rc, out = run(*report)
        check(rc == 1 and "mte_out.cov_epilogue[*] is not in the data" in out,
              f"a required point absent from the data must fail (rc {rc}):\n{out}")
        with open(req, "w") as f:
            f.write("sequencer.cov_ring_wrap\n")

        low = os.path.join(tmp, "low.info")
        write_info(low, root, {seq: [(10, 3), (11, 0), (12, 1)]})
        rc, out = run(*[low if a == info else a for a in report])
        check(rc == 1 and "line coverage of rtl/ is 66.7%, below the 95% target" in out,
              f"2 of 3 lines: expected the line target to fail (rc {rc}):\n{out}")

        lines = os.path.join(tmp, "lines.dat")
        rc, out = run("lines", good, lines, "--root", root)
        check(rc == 0, f"lines: exit {rc}:\n{out}")
        with open(lines) as f:
            body = [l for l in f.read().splitlines() if l.startswith("C '")]
        check(len(body) == 2, f"lines: expected 2 points (line 10 summed, branch 12; not the "
              f"assertion at line {assert_line}), got {body}")
        check(any("\x01l\x0210\x01" in l and l.endswith(" 3") for l in body),
              f"lines: line 10 not summed over its two instances (3 + 0): {body}")
        check(not any("v_toggle" in l or "v_user" in l or "soc_tb" in l for l in body),
              f"lines: toggle, COVER or non-rtl points kept: {body}")

        bad = os.path.join(tmp, "bad.dat")
        with open(bad, "w") as f:
            f.write("not coverage\n")
        rc, out = run(*[bad if a == good else a for a in report])
        check(rc == 2 and "is not Verilator coverage data" in out,
              f"a non-coverage file must be refused with exit 2 (rc {rc}):\n{out}")

    for e in errors:
        print("FAIL:", e)
    print("coverage_report_test:", "FAILED" if errors else "passed")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
