#!/usr/bin/env python3
"""Lint one Luoshu FuseSoC core and check its file list against the CMake build's.

  scripts/fusesoc_lint.py CORE TARGET --work DIR [--files F...]

CORE is a core file (rtl/luoshu_*.core), TARGET one of its targets (lint, lint_small).
--files: the core's RTL list as CMake builds it (LUOSHU_*_SV); the core's `rtl` fileset must
name the same files in the same order (package files first), or the check fails with the
difference. Then `fusesoc run --target=TARGET` runs with its build root, cache and config under
DIR (never the source tree); a lint error fails. Needs .tools/venv's FuseSoC
(scripts/install-deps.sh installs it; LUOSHU_FUSESOC names another fusesoc).
"""

import argparse
import os
import pathlib
import subprocess
import sys

import genlib

genlib.use_venv_python(__file__)

HERE = pathlib.Path(__file__).resolve().parent.parent
INSTALL_HINT = "run scripts/install-deps.sh (it installs FuseSoC into .tools/venv)"


def core_files(core):
    """The `rtl` fileset's files of a core, as absolute paths."""
    try:
        import yaml
    except ImportError:
        sys.exit(f"fusesoc_lint: PyYAML missing (it comes with FuseSoC): {INSTALL_HINT}")
    data = yaml.safe_load(core.read_text())
    files = []
    for entry in data["filesets"]["rtl"]["files"]:
        name = next(iter(entry)) if isinstance(entry, dict) else entry
        files.append((core.parent / name).resolve())
    return files


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("core", type=pathlib.Path)
    ap.add_argument("target")
    ap.add_argument("--work", type=pathlib.Path, required=True)
    ap.add_argument("--files", nargs="*", default=None)
    args = ap.parse_args()
    core = args.core.resolve()
    if not core.is_file():
        print(f"fusesoc_lint: no core file {core}", file=sys.stderr)
        return 2
    fusesoc = os.environ.get("LUOSHU_FUSESOC", str(HERE / ".tools/venv/bin/fusesoc"))
    if not os.access(fusesoc, os.X_OK):
        print(f"fusesoc_lint: FuseSoC not found at {fusesoc}; {INSTALL_HINT}", file=sys.stderr)
        return 1
    if args.files is not None:
        want = [pathlib.Path(f).resolve() for f in args.files]
        have = core_files(core)
        if have != want:
            rel = lambda ps: [os.path.relpath(p, core.parent) for p in ps]  # noqa: E731
            print(f"fusesoc_lint: {core.name}'s rtl files differ from the CMake list; make "
                  f"the core list exactly (same order):\n  " + "\n  ".join(rel(want)) +
                  f"\n(the core lists:\n  " + "\n  ".join(rel(have)) + ")", file=sys.stderr)
            return 1
    import yaml
    name = yaml.safe_load(core.read_text())["name"].rsplit(":", 1)[0]
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    # FuseSoC reads fusesoc.conf from its working folder and keeps a cache in XDG folders:
    # all of it lives in the work folder, so a run leaves nothing in the checkout or $HOME.
    env = dict(os.environ, XDG_CACHE_HOME=str(work / "xdg"), XDG_CONFIG_HOME=str(work / "xdg"),
               XDG_DATA_HOME=str(work / "xdg"))
    cmd = [fusesoc, "--cores-root", str(core.parent), "run", "--build-root",
           str(work / "build"), f"--target={args.target}", name]
    run = subprocess.run(cmd, cwd=work, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    sys.stdout.write(run.stdout)
    if run.returncode != 0:
        print(f"fusesoc_lint: {name} target {args.target} failed (exit {run.returncode}); "
              f"work folder {work}", file=sys.stderr)
        return 1
    print(f"fusesoc_lint: {name} target {args.target} clean")
    return 0


if __name__ == "__main__":
    sys.exit(main())
