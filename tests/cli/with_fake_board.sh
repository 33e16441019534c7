#!/usr/bin/env bash
# Runs a command against a fake board: starts luoshu_fake_board (FakeBoard, the board side of
# the bridge protocol over the functional model, on a pseudo-terminal) with its link at LINK,
# runs COMMAND, stops the fake board, and exits with COMMAND's code.
#   with_fake_board.sh FAKE_BOARD LINK [fake board options...] -- COMMAND...
set -uo pipefail
fake=$1
link=$2
shift 2
opts=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  opts+=("$1")
  shift
done
shift
rm -f "$link"
"$fake" --link "$link" "${opts[@]}" &
pid=$!
# The link appears once the pty is set up; a fake board that fails to start ends the wait.
for _ in $(seq 200); do
  [ -e "$link" ] && break
  kill -0 "$pid" 2>/dev/null || { echo "with_fake_board.sh: $fake did not start" >&2; exit 2; }
  sleep 0.05
done
"$@"
rc=$?
kill -TERM "$pid"
wait "$pid"
exit $rc
