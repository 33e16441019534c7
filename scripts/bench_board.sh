#!/usr/bin/env bash
# Where a board's time goes: bench_board.sh FMAX_MHZ [BAUD]
# For a 96 x 96 x 128 int8 GEMM (int32 C) on the board's SoC (Dim=8, 4/4/8 KiB L0, the FPGA
# pipelining on), prints
#   - the compute: the core's cycles for it (luoshu_bench_core, the FPGA build's core) and the
#     rate that is at FMAX_MHZ;
#   - the link: the bytes the bridge protocol moved for the whole run (A, B, C, the commands,
#     the polling; measured through the board backend on the simulated board,
#     luoshu_board_sim) and how long those take at BAUD (default 3,000,000; 10 bits a byte).
# Called by `scripts/bench.sh fpga` with the small SoC's Fmax from place and route.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${LUOSHU_BUILD_DIR:-$here/build}
fmax=${1:?usage: bench_board.sh FMAX_MHZ [BAUD]}
baud=${2:-3000000}
m=96 n=96 k=128

cmake --build "$build" --target luoshu luoshu_board_sim luoshu_bench_core >/dev/null
cycles=$("$build/tb/bench/luoshu_bench_core" | awk '/^core_cycles_dim8_fpga_gemm96:/ { print $2 }')
[ -n "$cycles" ] || { echo "bench_board.sh: no core_cycles_dim8_fpga_gemm96 from luoshu_bench_core" >&2; exit 1; }

dir=$(mktemp -d)
trap 'kill -TERM $sim 2>/dev/null; wait $sim 2>/dev/null; rm -rf "$dir"' EXIT
"$build/tb/board/luoshu_board_sim" --link "$dir/board" --quiet >"$dir/sim.log" 2>&1 &
sim=$!
for _ in $(seq 200); do [ -L "$dir/board" ] && break; sleep 0.05; done
"$build/sw/cli/luoshu" gemm --backend board --device "$dir/board" --m $m --n $n --k $k \
  >"$dir/gemm.log" 2>&1 || { cat "$dir/gemm.log" >&2; exit 1; }
grep -q "PASS" "$dir/gemm.log" || { cat "$dir/gemm.log" >&2; exit 1; }
link=$(grep -E '^  link ' "$dir/gemm.log")
sent=$(sed -E 's/.*bytes sent ([0-9]+).*/\1/' <<<"$link")
recv=$(sed -E 's/.*bytes received ([0-9]+).*/\1/' <<<"$link")

awk -v m=$m -v n=$n -v k=$k -v c="$cycles" -v f="$fmax" -v s="$sent" -v r="$recv" -v b="$baud" 'BEGIN {
  macs = m * n * k
  t_compute = c / (f * 1e6)
  t_link = (s + r) * 10 / b
  printf "# GEMM %dx%dx%d int8 -> int32 on the board SoC (Dim=8): %d MACs, result == model\n", m, n, k, macs
  printf "board_gemm96_cycles: %d (luoshu_bench_core, the FPGA build core)\n", c
  printf "board_gemm96_compute_us_at_fmax: %.1f us at %.1f MHz\n", t_compute * 1e6, f
  printf "board_gemm96_rate_at_fmax: %.3f GMAC/s\n", macs / t_compute / 1e9
  printf "board_gemm96_link_bytes: %d (%d to the board, %d back; bridge protocol, measured)\n", s + r, s, r
  printf "board_gemm96_link_ms_at_%dbaud: %.1f ms\n", b, t_link * 1e3
  printf "board_gemm96_rate_link_limited: %.4f GMAC/s (%.0f x below the compute rate)\n", macs / t_link / 1e9, t_link / t_compute
}'
