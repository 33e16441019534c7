#!/usr/bin/env bash
# Checkpoint and replay (scripts/bench.sh replay); prints `name: value unit` lines.
#  - checkpoint overhead at the default interval: one long GEMM on the default SoC, run
#    alternately without and with checkpoints (--checkpoint-dir only: the default interval),
#    median wall and CPU times; and the share of the run spent writing checkpoints.
#  - time to a late wave window: the last REPLAY_WINDOW cycles of that run as an FST wave,
#    by `luoshu replay` of the last checkpoint before the window, versus re-running from
#    cycle 0 with --trace --trace-window (the cheapest way to that wave without checkpoints).
# Wall-clock figures are noisy on a shared machine; REPLAY_REPS sets the repetitions
# (default 5), REPLAY_WINDOW the window's length in cycles (default 20000).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${LUOSHU_BUILD_DIR:-$here/build}
reps=${REPLAY_REPS:-5}
window=${REPLAY_WINDOW:-20000}
# LUOSHU=path: measure that binary (no build step).
luoshu=${LUOSHU:-}
if [ -z "$luoshu" ]; then
  cmake --build "$build" --target luoshu >/dev/null
  luoshu=$build/sw/cli/luoshu
fi
work=$build/bench/replay
rm -rf "$work" && mkdir -p "$work"
run=(gemm --m 1024 --n 1024 --k 512 --no-check)

now() { date +%s.%N; }
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
timed_log() {  # timed_log LOG cmd...: runs cmd (output to LOG), prints "wall cpu" seconds
  local log=$1 t0 t1
  shift
  t0=$(now)
  /usr/bin/time -f "%U %S" -o "$log.time" "$@" >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
  t1=$(now)
  echo "$(echo "$t1 - $t0" | bc -l) $(awk '{print $1 + $2}' "$log.time")"
}

wall_plain=() wall_ckpt=() cpu_plain=() cpu_ckpt=() save=()
for i in $(seq "$reps"); do
  read -r w c < <(timed_log "$work/plain.log" "$luoshu" "${run[@]}")
  wall_plain+=("$w") cpu_plain+=("$c")
  read -r w c < <(timed_log "$work/ckpt.log" "$luoshu" "${run[@]}" --checkpoint-dir "$work/ck")
  wall_ckpt+=("$w") cpu_ckpt+=("$c")
  save+=("$(sed -nE 's/.*written \(([0-9.]+) s.*/\1/p' "$work/ckpt.log")")
done
cycles=$(grep -oE '[0-9]+ device cycles simulated' "$work/plain.log" | cut -d' ' -f1)
# (the first checkpoint is taken at the first device access, the others every interval)
every=$(ls "$work/ck" | sed -nE 's/.*\.c0*([0-9]+)\.ckpt/\1/p' | sort -n | tail -2 | awk 'NR == 2 {print $1 - p} {p = $1}')
written=$(sed -nE 's/.*checkpoints +([0-9]+) written.*/\1/p' "$work/ckpt.log")
med() { printf '%s\n' "$@" | median; }
range() { printf '%s\n' "$@" | sort -g | awk 'NR == 1 {lo = $1} {hi = $1} END {printf "%.1f to %.1f", lo, hi}'; }
pct() { printf '%.1f' "$(echo "100 * ($1) / ($2)" | bc -l)"; }
wp=$(med "${wall_plain[@]}") wc=$(med "${wall_ckpt[@]}")
cp=$(med "${cpu_plain[@]}") cc=$(med "${cpu_ckpt[@]}") sv=$(med "${save[@]}")
echo "replay_run_cycles: $cycles cycles (default SoC, ${run[*]})"
echo "replay_default_interval: $every cycles ($written checkpoints written, $(du -sh "$work/ck" | cut -f1) kept on disk)"
echo "replay_run_wall_plain: $wp s (median of $reps, $(range "${wall_plain[@]}"))"
echo "replay_run_wall_checkpointed: $wc s (median of $reps, $(range "${wall_ckpt[@]}"))"
echo "replay_run_cpu_plain: $cp s (user + sys, median of $reps, $(range "${cpu_plain[@]}"))"
echo "replay_run_cpu_checkpointed: $cc s (user + sys, median of $reps, $(range "${cpu_ckpt[@]}"))"
echo "replay_checkpoint_overhead_wall: $(pct "$wc - $wp" "$wp") %"
echo "replay_checkpoint_overhead_cpu: $(pct "$cc - $cp" "$cp") %"
echo "replay_checkpoint_save_share: $(pct "$sv" "$wp") % (wall time inside checkpoint writes, median $sv s, / plain run)"

# The late window: the run's last $window cycles.
stop=$cycles
start=$((stop - window))
last=$(ls "$work/ck"/*.ckpt | sort | awk -v s="$start" '{c = $0; sub(/.*\.c0*/, "", c); sub(/\.ckpt/, "", c); if (c + 0 <= s) p = $0} END {print p}')
from=$(sed -E 's/.*\.c0*([0-9]+)\.ckpt/\1/' <<<"$last")
read -r t_replay _ < <(timed_log "$work/replay.log" "$luoshu" replay "$last" \
  --trace "$work/window_replay.fst" --from "$start" --until "$stop")
read -r t_from0 _ < <(timed_log "$work/from0.log" env LUOSHU_WAVE_DIR="$work/from0" \
  "$luoshu" "${run[@]}" --trace --trace-window "$start:$stop")
echo "replay_window: cycles $start..$stop; replay starts at checkpoint cycle $from"
echo "replay_time_to_window_replay: $t_replay s"
echo "replay_time_to_window_from_cycle0: $t_from0 s (--trace --trace-window from cycle 0)"
printf 'replay_time_to_window_speedup: %.1f x\n' "$(echo "$t_from0 / $t_replay" | bc -l)"
echo "replay_window_wave: $(du -h "$work/window_replay.fst" | cut -f1) (replay), $(du -h "$work/from0/"*.fst | cut -f1) (from cycle 0)"
