#!/usr/bin/env bash
# The whole board path without a board: board.sh LUOSHU BOARD_SIM DIR [SIM-OPTIONS...]
# Starts the Verilated board behind a pty (luoshu_board_sim, with SIM-OPTIONS such as
# --corrupt 0.002 --drop 0.001), then runs `luoshu info` and a GEMM through the board backend
# over that pty; the GEMM must be bit-exact with the model (luoshu gemm checks it and exits 0
# only then). With injected link errors the backend must have retried (its statistics line).
# The simulator is stopped with SIGTERM at the end and must have removed its link.
set -uo pipefail
luoshu=$1 sim=$2 dir=$3
shift 3
rm -rf "$dir" && mkdir -p "$dir"
link="$dir/board link"  # a space in the path, as users' folders have
"$sim" --link "$link" "$@" >"$dir/sim.log" 2>&1 &
sim_pid=$!
trap 'kill -TERM $sim_pid 2>/dev/null; wait $sim_pid 2>/dev/null' EXIT
for _ in $(seq 200); do
  [ -L "$link" ] && break
  kill -0 $sim_pid 2>/dev/null || { cat "$dir/sim.log"; echo "board.sh: the simulator exited"; exit 1; }
  sleep 0.05
done
[ -L "$link" ] || { cat "$dir/sim.log"; echo "board.sh: no link after 10 s"; exit 1; }

fail() { echo "board.sh: $*"; exit 1; }
# With injected errors a 265-byte frame is lost now and then: more resends, shorter waits.
link_opts=()
[ "$#" -gt 0 ] && link_opts=(--link-retries 30 --link-timeout-ms 300)
timeout 120 "$luoshu" info --backend board --device "$link" "${link_opts[@]}" >"$dir/info.log" 2>&1 ||
  { cat "$dir/info.log"; fail "luoshu info failed"; }
cat "$dir/info.log"
grep -q "(DIM=8)" "$dir/info.log" || fail "luoshu info does not report DIM=8"

timeout 600 "$luoshu" gemm --backend board --device "$link" "${link_opts[@]}" --m 40 --n 24 --k 56 --seed 3 \
  >"$dir/gemm.log" 2>&1 || { cat "$dir/gemm.log"; fail "luoshu gemm failed"; }
cat "$dir/gemm.log"
grep -q "PASS" "$dir/gemm.log" || fail "no PASS from luoshu gemm"
if [ "$#" -gt 0 ]; then
  grep -Eq "retries [1-9]" "$dir/gemm.log" || fail "link errors were injected but nothing was retried"
fi

kill -TERM $sim_pid
wait $sim_pid
rc=$?
trap - EXIT
cat "$dir/sim.log"
[ "$rc" = 0 ] || fail "the simulator exited with $rc on SIGTERM"
[ ! -e "$link" ] || fail "the simulator left its link behind"
echo "board.sh: info and a bit-exact GEMM through the board backend over a pty${*:+ with $*}"
