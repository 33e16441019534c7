#!/usr/bin/env bash
# Runs one luoshu invocation and checks how it ends:
#   run_cli.sh [--rc N] [--expect REGEX]... [--reject REGEX] [--absent PATH]... [--env K=V]...
#              -- luoshu ARGS...
# --rc: the exit code that must come back (default 0). --expect: a regex that stdout+stderr
# must match (grep -E). --reject: one it must not match. --absent: a path that must not exist
# afterwards (no partial output). --env: environment for the run.
set -uo pipefail
rc_want=0
expects=()
rejects=()
absents=()
envs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rc) rc_want=$2; shift 2 ;;
    --expect) expects+=("$2"); shift 2 ;;
    --reject) rejects+=("$2"); shift 2 ;;
    --absent) absents+=("$2"); shift 2 ;;
    --env) envs+=("$2"); shift 2 ;;
    --) shift; break ;;
    *) echo "run_cli.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
for p in "${absents[@]}"; do rm -rf "$p"; done
out=$(env "${envs[@]}" timeout 600 "$@" 2>&1 </dev/null)
rc=$?
printf '%s\n' "$out"
fail=0
if [ "$rc" != "$rc_want" ]; then
  echo "run_cli.sh: exit code $rc, expected $rc_want" >&2
  fail=1
fi
for e in "${expects[@]}"; do
  grep -Eq -- "$e" <<<"$out" || { echo "run_cli.sh: output lacks /$e/" >&2; fail=1; }
done
for e in "${rejects[@]}"; do
  if grep -Eq -- "$e" <<<"$out"; then echo "run_cli.sh: output has /$e/" >&2; fail=1; fi
done
for p in "${absents[@]}"; do
  if [ -e "$p" ]; then echo "run_cli.sh: $p exists (partial output left behind)" >&2; fail=1; fi
  # nor any temporary next to it
  if compgen -G "$p.tmp*" >/dev/null; then echo "run_cli.sh: a temporary of $p was left" >&2; fail=1; fi
done
exit $fail
