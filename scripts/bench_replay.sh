#!/usr/bin/env bash
# Checkpoint and replay (scripts/bench.sh replay); prints `name: value unit` lines.
#  - checkpoint overhead at the default interval: one long GEMM on the default SoC, run
#    alternately without and with checkpoints (--checkpoint-dir only: the default interval),
#    median wall times; and the share of the run the tool itself spent writing checkpoints.
#  - time to a late wave window: the last REPLAY_WINDOW cycles of that run as an FST wave,
#    by `luoshu replay` of the last checkpoint before the window, versus re-running from
#    cycle 0 with --trace --trace-window (the cheapest way to that wave without checkpoints).
# Wall-clock figures are noisy on a shared machine; REPLAY_REPS sets the repetitions.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${LUOSHU_BUILD_DIR:-$here/build}
reps=${REPLAY_REPS:-5}
window=${REPLAY_WINDOW:-20000}
cmake --build "$build" --target luoshu >/dev/null
luoshu=$build/sw/cli/luoshu
work=$build/bench/replay
rm -rf "$work" && mkdir -p "$work"
run=(gemm --m 1024 --n 1024 --k 512 --no-check)

now() { date +%s.%N; }
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
timed_log() {  # timed_log LOG cmd...: runs cmd (output to LOG), prints its wall seconds
  local log=$1 t0
  shift
  t0=$(now)
  "$@" >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
  echo "$(now) - $t0" | bc -l
}

plain=() ckpt=() share=()
for i in $(seq "$reps"); do
  plain+=("$(timed_log "$work/plain.log" "$luoshu" "${run[@]}")")
  ckpt+=("$(timed_log "$work/ckpt.log" "$luoshu" "${run[@]}" --checkpoint-dir "$work/ck")")
  share+=("$(sed -nE 's/.*written \(([0-9.]+) s.*/\1/p' "$work/ckpt.log")")
done
cycles=$(grep -oE '[0-9]+ device cycles simulated' "$work/plain.log" | cut -d' ' -f1)
# (the first checkpoint is taken at the first device access, the others every interval)
every=$(ls "$work/ck" | sed -nE 's/.*\.c0*([0-9]+)\.ckpt/\1/p' | sort -n | tail -2 | awk 'NR == 2 {print $1 - p} {p = $1}')
written=$(sed -nE 's/.*checkpoints +([0-9]+) written.*/\1/p' "$work/ckpt.log")
t_plain=$(printf '%s\n' "${plain[@]}" | median)
t_ckpt=$(printf '%s\n' "${ckpt[@]}" | median)
t_save=$(printf '%s\n' "${share[@]}" | median)
echo "replay_run_cycles: $cycles cycles (default SoC, ${run[*]})"
echo "replay_default_interval: $every cycles ($written checkpoints written, $(du -sh "$work/ck" | cut -f1) kept on disk)"
echo "replay_run_wall_plain: $t_plain s (median of $reps)"
echo "replay_run_wall_checkpointed: $t_ckpt s (median of $reps)"
printf 'replay_checkpoint_overhead: %.1f %% (wall time, checkpointed vs plain)\n' \
  "$(echo "100 * ($t_ckpt - $t_plain) / $t_plain" | bc -l)"
printf 'replay_checkpoint_save_share: %.1f %% (time spent writing checkpoints / plain run)\n' \
  "$(echo "100 * $t_save / $t_plain" | bc -l)"

# The late window: the run's last $window cycles.
stop=$cycles
start=$((stop - window))
last=$(ls "$work/ck"/*.ckpt | sort | awk -v s="$start" '{c = $0; sub(/.*\.c0*/, "", c); sub(/\.ckpt/, "", c); if (c + 0 <= s) p = $0} END {print p}')
from=$(sed -E 's/.*\.c0*([0-9]+)\.ckpt/\1/' <<<"$last")
t_replay=$(timed_log "$work/replay.log" "$luoshu" replay "$last" --trace "$work/window_replay.fst" --from "$start" --until "$stop")
t_from0=$(timed_log "$work/from0.log" env LUOSHU_WAVE_DIR="$work/from0" "$luoshu" "${run[@]}" --trace --trace-window "$start:$stop")
echo "replay_window: cycles $start..$stop; replay starts at checkpoint cycle $from"
echo "replay_time_to_window_replay: $t_replay s"
echo "replay_time_to_window_from_cycle0: $t_from0 s (--trace --trace-window from cycle 0)"
printf 'replay_time_to_window_speedup: %.1f x\n' "$(echo "$t_from0 / $t_replay" | bc -l)"
