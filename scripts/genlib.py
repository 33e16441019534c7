"""What every Luoshu generator shares: the command line (write in place, --out-dir, --check),
writing outputs, and the drift check with its diff. A generator supplies its name, its
source(s) and a render(root) -> {relative path: text} function; scripts/generate.py runs them
all under the one Python of .tools/venv (PeakRDL lives there; tomllib comes with Python 3.11).
"""

import argparse
import difflib
import os
import pathlib
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
VENV_PY = ROOT / ".tools/venv/bin/python"


class GenError(Exception):
    """A source that does not describe a legal output; the message says what to change."""


def use_venv_python(script):
    """Re-run `script` under .tools/venv's Python when started by another one (so every
    generator runs under the same interpreter and finds PeakRDL)."""
    if VENV_PY.exists() and pathlib.Path(sys.executable).resolve() != VENV_PY.resolve():
        os.execv(str(VENV_PY), [str(VENV_PY), str(script), *sys.argv[1:]])


def write(outputs, out_root):
    for rel, text in outputs.items():
        path = out_root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def stale_outputs(outputs, root, source):
    """Paths whose checked-in text differs from `outputs`; prints a unified diff of each."""
    stale = []
    for rel, fresh in outputs.items():
        path = root / rel
        checked = path.read_text() if path.exists() else ""
        if fresh != checked:
            stale.append(rel)
            sys.stdout.writelines(difflib.unified_diff(
                checked.splitlines(True), fresh.splitlines(True),
                f"{rel} (checked in)", f"{rel} (generated from {source})"))
    return stale


def parser(name, doc):
    """The command line every generator (and scripts/generate.py) takes."""
    ap = argparse.ArgumentParser(prog=name, description=doc,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", type=pathlib.Path, default=ROOT,
                    help="repository root (default: %(default)s)")
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--out-dir", type=pathlib.Path, help="write outputs under this folder")
    g.add_argument("--check", action="store_true", help="fail if checked-in outputs are stale")
    return ap


def run(name, source, render, argv=None, doc=None, errors=()):
    """The generator command line. render(root) returns {relative path: text}; exceptions
    of the types in `errors` (and GenError) are reported as bad sources (exit 2)."""
    a = parser(name, doc).parse_args(argv)
    try:
        outputs = render(a.root)
    except (GenError, *errors) as e:
        print(f"{name}: {source}: {e}", file=sys.stderr)
        return 2
    if not a.check:
        write(outputs, a.out_dir or a.root)
        print(f"{name}: wrote {', '.join(outputs)}")
        return 0
    with tempfile.TemporaryDirectory(prefix="luoshu_gen_") as tmp:
        # Written and read back, so the check compares exactly what a write would leave.
        write(outputs, pathlib.Path(tmp))
        fresh = {rel: (pathlib.Path(tmp) / rel).read_text() for rel in outputs}
    stale = stale_outputs(fresh, a.root, source)
    if stale:
        print(f"{name} --check: stale generated files: {', '.join(stale)}\n"
              f"  run scripts/generate.py and commit the result", file=sys.stderr)
        return 1
    print(f"{name} --check: {', '.join(outputs)} match {source}")
    return 0
