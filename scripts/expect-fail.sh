#!/usr/bin/env bash
# Negative-test wrapper: runs a command that must refuse its input.
#   scripts/expect-fail.sh REGEX COMMAND [ARGS...]
# Passes (exit 0) only if COMMAND exits with a failure status (1..125) AND its combined
# stdout/stderr matches the extended regular expression REGEX. A command that succeeds,
# fails with another message, cannot be run (126/127) or dies on a signal (>128) fails
# the check. The command's output is always shown, then one line saying what happened.
set -uo pipefail
if [ $# -lt 2 ]; then
  echo "usage: expect-fail.sh REGEX COMMAND [ARGS...]" >&2
  exit 2
fi
regex=$1
shift
out=$("$@" 2>&1)
rc=$?
[ -n "$out" ] && printf '%s\n' "$out"
cmd=$(basename "$1")
if [ "$rc" -eq 0 ]; then
  echo "expect-fail: FAIL: $cmd exited 0, so it accepted what it should refuse" \
    "(expected an error matching /$regex/)"
  exit 1
fi
if [ "$rc" -ge 126 ]; then
  echo "expect-fail: FAIL: $cmd could not run or crashed (exit $rc); that is not a clean" \
    "refusal (expected an error matching /$regex/)"
  exit 1
fi
if ! grep -Eq -- "$regex" <<<"$out"; then
  echo "expect-fail: FAIL: $cmd failed (exit $rc) but not with the expected message:" \
    "nothing in its output matches /$regex/"
  exit 1
fi
echo "expect-fail: ok: $cmd refused (exit $rc) with a message matching /$regex/"
