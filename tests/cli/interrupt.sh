#!/usr/bin/env bash
# A traced run stopped by a signal closes its wave: interrupt.sh LUOSHU WAVE_DIR SIGNAL
# Starts a long traced GEMM on the small SoC, sends SIGNAL (INT or TERM) once the wave file
# exists, and expects exit code 130 and an FST that GTKWave's fst2vcd reads to the end.
set -uo pipefail
luoshu=$1 dir=$2 sig=$3
command -v fst2vcd >/dev/null || { echo "fst2vcd (gtkwave) not installed: skipped"; exit 77; }
rm -rf "$dir" && mkdir -p "$dir"
LUOSHU_WAVE_DIR=$dir "$luoshu" gemm --soc small --m 512 --n 512 --k 512 --trace \
  --out "$dir/C.npy" >"$dir/log" 2>&1 &
pid=$!
for _ in $(seq 100); do
  [ -s "$dir/gemm_rtl_small.fst" ] && break
  sleep 0.1
done
sleep 1
kill "-$sig" "$pid"
wait "$pid"
rc=$?
cat "$dir/log"
[ "$rc" = 130 ] || { echo "interrupt.sh: exit code $rc, expected 130"; exit 1; }
grep -q "interrupted" "$dir/log" || { echo "interrupt.sh: no 'interrupted' message"; exit 1; }
[ ! -e "$dir/C.npy" ] || { echo "interrupt.sh: output written by an interrupted run"; exit 1; }
fst2vcd "$dir/gemm_rtl_small.fst" >/dev/null || { echo "interrupt.sh: the wave is unreadable"; exit 1; }
echo "interrupt.sh: SIG$sig -> exit 130, wave readable, no output"
