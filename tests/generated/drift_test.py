"""The drift gate fails when it should: in a copy of the sources and outputs, a clean copy
passes `generate.py --check`; every output edited by hand fails it (exit 1, the file named);
a bad source fails with exit 2 and a message naming the source."""

import pathlib
import shutil
import subprocess
import sys
import tempfile

root = pathlib.Path(sys.argv[1])
SOURCES = ["sw/isa/isa.toml", "rtl/soc/luoshu_regs.rdl", "rtl/soc/soc_configs.toml"]
OUTPUTS = ["rtl/isa/luoshu_isa_pkg.sv", "sw/isa/luoshu_isa.h", "docs/isa.md",
           "rtl/soc/luoshu_regs.sv", "sw/hal/luoshu_regs.h", "sw/hal/luoshu_regs_table.h",
           "docs/regs.md", "sw/hal/soc_configs.h", "tb/soc/soc_configs.cmake"]


def check(copy):
    r = subprocess.run([sys.executable, str(root / "scripts/generate.py"), "--check",
                        "--root", str(copy)], capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr


failures = []
with tempfile.TemporaryDirectory(prefix="luoshu_drift_") as tmp:
    copy = pathlib.Path(tmp)
    for rel in SOURCES + OUTPUTS:
        (copy / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(root / rel, copy / rel)
    rc, out = check(copy)
    if rc != 0:
        failures.append(f"clean copy: exit {rc}\n{out}")
    for rel in OUTPUTS:
        text = (copy / rel).read_text()
        # Inside the generated part (docs/isa.md is generated only between its markers).
        cut = text.find("\n", text.find("BEGIN GENERATED")) + 1
        (copy / rel).write_text(text[:cut] + "edited by hand\n" + text[cut:])
        rc, out = check(copy)
        if rc != 1 or f"stale generated files: {rel}" not in out:
            failures.append(f"{rel} edited: exit {rc}, expected 1 naming it\n{out[-600:]}")
        (copy / rel).write_text(text)
    socs = copy / "rtl/soc/soc_configs.toml"
    socs.write_text(socs.read_text().replace("cores = 4", "cores = 3", 1))
    rc, out = check(copy)
    if rc != 2 or "rtl/soc/soc_configs.toml" not in out or "multiple of channels" not in out:
        failures.append(f"bad soc_configs.toml: exit {rc}, expected 2 with the reason\n{out}")

for f in failures:
    print("FAIL:", f)
print(f"drift_test: {len(OUTPUTS)} stale outputs and one bad source checked, "
      f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
