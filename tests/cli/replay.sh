#!/usr/bin/env bash
# Checkpoint and replay from outside: replay.sh LUOSHU DIR CASE [luoshu gemm args...]
#   identical  a checkpointed run, then `luoshu replay` of a mid-run checkpoint: the replay ends
#              cycle-identical (report: cycles, counters, bytes moved) with the same --out bytes
#   fault      a run whose memory fails late (--mem-error) exits 3 and prints the replay
#              command; that command re-runs the last window with a wave, and the wave starts
#              at the checkpoint (not at cycle 0) and shows the SLVERR responses
#   refuses    (first argument: the folder of the operand fixtures) a truncated, corrupt, foreign-build or diverging checkpoint, a --until before
#              it, a wave that is not .fst: exit 2 with a message naming the problem
set -uo pipefail
luoshu=$1 dir=$2 case=$3
shift 3
rm -rf "$dir" && mkdir -p "$dir"
fail() { echo "replay.sh $case: $*" >&2; exit 1; }
# The report lines that must not depend on how the run got there (no wall-clock figures).
stable() {
  grep -vE 'wall time|checkpoints |output |^luoshu replay|^replay:|wave ' "$1" |
    sed -E 's/ +$//'
  grep -oE '[0-9]+ device cycles simulated' "$1"
}
# Oldest / newest checkpoint still on disk (the kept ones are the last few of the run).
oldest() { ls "$1"/*.ckpt 2>/dev/null | sort | head -1; }
newest() { ls "$1"/*.ckpt 2>/dev/null | sort | tail -1; }

case "$case" in
  identical)
    "$luoshu" gemm "$@" --checkpoint-dir "$dir/ck" --out "$dir/full.npy" >"$dir/run.log" 2>&1 ||
      { cat "$dir/run.log"; fail "the recorded run failed"; }
    cat "$dir/run.log"
    ck=$(oldest "$dir/ck")
    [ -n "$ck" ] || fail "no checkpoint written"
    cycle=$(sed -E 's/.*\.c0*([0-9]+)\.ckpt/\1/' <<<"$ck")
    [ "$cycle" -gt 1000 ] || fail "the oldest kept checkpoint ($ck) is not mid-run"
    "$luoshu" replay "$ck" --out "$dir/replay.npy" >"$dir/replay.log" 2>&1 ||
      { cat "$dir/replay.log"; fail "the replay failed"; }
    cat "$dir/replay.log"
    cmp "$dir/full.npy" "$dir/replay.npy" || fail "the result differs from the uninterrupted run"
    diff <(stable "$dir/run.log") <(stable "$dir/replay.log") ||
      fail "the replay's report differs from the uninterrupted run's"
    echo "replay.sh: replayed from cycle $cycle: same cycles, counters and result"
    ;;
  fault)
    mem_error=$(sed -nE 's/.*--mem-error ([0-9]+).*/\1/p' <<<"$*")
    [ -n "$mem_error" ] || fail "give --mem-error CYCLE"
    command -v fst2vcd >/dev/null || { echo "fst2vcd (gtkwave) not installed: skipped"; exit 77; }
    "$luoshu" gemm "$@" --checkpoint-dir "$dir/ck" >"$dir/run.log" 2>&1
    rc=$?
    cat "$dir/run.log"
    [ "$rc" = 3 ] || fail "exit code $rc, expected 3 (device fault)"
    cmd=$(grep -E '^  luoshu replay ' "$dir/run.log" | sed -E 's/^  luoshu //')
    [ -n "$cmd" ] || fail "no replay command printed"
    eval "words=($cmd)"  # the printed command quotes paths as a shell would
    "$luoshu" "${words[@]}" >"$dir/replay.log" 2>&1
    rc=$?
    cat "$dir/replay.log"
    [ "$rc" = 3 ] || fail "the replay ended with $rc, expected the same fault (3)"
    grep -q "faulted with MEM_ERROR" "$dir/replay.log" || fail "the replay did not fault the same way"
    ck=${words[1]}
    wave=${words[3]}
    start=$(sed -E 's/.*\.c0*([0-9]+)\.ckpt/\1/' <<<"$ck")
    [ -s "$wave" ] || fail "no wave $wave"
    fst2vcd "$wave" >"$dir/wave.vcd" 2>/dev/null || fail "the wave is unreadable"
    /usr/bin/python3 - "$dir/wave.vcd" "$start" "$mem_error" <<'EOF' || exit 1
import re, sys
vcd, start, error_cycle = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ids, first, slverr = {}, None, None
t = None
for line in open(vcd):
    if line.startswith("$var"):
        f = line.split()
        if f[4] in ("ch0_m_axi_rresp_i", "ch0_m_axi_bresp_i"):
            ids[f[3]] = f[4]
    elif line.startswith("#"):
        t = int(line[1:])
        first = t if first is None else first
    elif line.startswith("b") and t is not None:
        value, ident = line[1:].split()
        if ident in ids and int(value, 2) == 2 and slverr is None:
            slverr = t
if not ids:
    sys.exit("wave: no ch0 response signals in the wave")
print(f"wave: starts at time {first}, first SLVERR at time {slverr}; "
      f"checkpoint cycle {start} (time {2 * start}), memory fails from cycle {error_cycle}")
if first is None or first != 2 * start:
    sys.exit("wave: it does not start at the checkpoint (traced from cycle 0?)")
if slverr is None or slverr < 2 * error_cycle or slverr <= first:
    sys.exit("wave: the failing memory responses are not inside the wave")
EOF
    echo "replay.sh: the fault is inside the replayed wave"
    ;;
  refuses)
    files=$1  # the operand fixtures (A.npy, B.npy)
    shift
    cp "$files/A.npy" "$files/B.npy" "$dir/"
    "$luoshu" gemm "$@" --checkpoint-dir "$dir/ck" --a "$dir/A.npy" --b "$dir/B.npy" \
      >"$dir/run.log" 2>&1 || { cat "$dir/run.log"; fail "the recorded run failed"; }
    ck=$(newest "$dir/ck")
    cycle=$(sed -E 's/.*\.c0*([0-9]+)\.ckpt/\1/' <<<"$ck")
    expect2() {  # expect2 REGEX replay-args...: exit code 2 and REGEX in the output
      local want=$1
      shift
      out=$("$luoshu" replay "$@" 2>&1)
      local rc=$?
      [ "$rc" = 2 ] || { echo "$out"; fail "replay $*: exit code $rc, expected 2"; }
      grep -Eq -- "$want" <<<"$out" || { echo "$out"; fail "replay $*: no /$want/"; }
      echo "refused as expected: $(tail -1 <<<"$out")"
    }
    head -c 1000 "$ck" >"$dir/truncated.ckpt"
    expect2 "truncated" "$dir/truncated.ckpt"
    cp "$ck" "$dir/corrupt.ckpt"
    size=$(stat -c %s "$ck")
    printf '\x5a' | dd of="$dir/corrupt.ckpt" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
    expect2 "corrupt" "$dir/corrupt.ckpt"
    # Another build: the same file with another model identity (and a checksum to match).
    /usr/bin/python3 - "$ck" "$dir/foreign.ckpt" <<'EOF'
import struct, sys
data = open(sys.argv[1], "rb").read()
payload = bytearray(data[24:])
n = struct.unpack_from("<Q", payload, 0)[0]          # the tool version string
at = 8 + n + 8                                         # into the state id string
i = payload.index(b"model ", at) + 6
payload[i:i + 4] = b"0000" if payload[i:i + 4] != b"0000" else b"1111"
h = 0xcbf29ce484222325
for b in payload:
    h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
open(sys.argv[2], "wb").write(data[:8] + struct.pack("<QQ", len(payload), h) + bytes(payload))
EOF
    expect2 "was saved by .*replay it with the build that recorded it" "$dir/foreign.ckpt"
    expect2 "--until=$cycle is not after the checkpoint's cycle" "$ck" --until "$cycle"
    expect2 "NAME.fst" "$ck" --trace "$dir/x.vcd"
    expect2 "--from sets where the wave starts: it needs --trace" "$ck" --from "$((cycle + 1))"
    expect2 "--from=$((cycle - 1)) must lie in the replayed cycles" "$ck" --trace "$dir/w.fst" \
      --from "$((cycle - 1))"
    expect2 "not a Luoshu checkpoint" "$dir/A.npy"
    expect2 "cannot read checkpoint" "$dir/none.ckpt"
    # The operands changed since the recording: the replayed program uploads other bytes.
    size=$(stat -c %s "$dir/B.npy")
    printf '\x11' | dd of="$dir/B.npy" bs=1 seek=$((size - 1)) conv=notrunc 2>/dev/null
    expect2 "left the recorded run at host operation .*WriteMem" "$ck"
    ;;
  *) fail "unknown case" ;;
esac
