#!/usr/bin/env bash
# A supernode run stopped by a signal stops every rank: interrupt_supernode.sh LUOSHU SIGNAL
# Starts a long all-reduce on four chips, sends SIGNAL (INT or TERM) after two seconds, and
# expects exit code 130 within five seconds, with the "interrupted" message and no PASS.
set -uo pipefail
luoshu=$1 sig=$2
log=$(mktemp)
"$luoshu" allreduce --chips 4 --bytes 4194304 --mem-mib 32 >"$log" 2>&1 &
pid=$!
sleep 2
kill -"$sig" "$pid"
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then
  kill -9 "$pid"; cat "$log"; echo "interrupt_supernode.sh: still running 5 s after SIG$sig" >&2; exit 1
fi
wait "$pid"; rc=$?
cat "$log"
[ "$rc" = 130 ] || { echo "interrupt_supernode.sh: exit code $rc, expected 130" >&2; exit 1; }
grep -q "interrupted (signal" "$log" || { echo "interrupt_supernode.sh: no 'interrupted' message" >&2; exit 1; }
! grep -q "^PASS" "$log" || { echo "interrupt_supernode.sh: it finished: too short a run" >&2; exit 1; }
rm -f "$log"
