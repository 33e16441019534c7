#!/usr/bin/env bash
# A luoshu supernode command in one process and under mpirun (one chip per rank) must end the
# same: every chip's cycle count and memory hash, and PASS.
#   supernode_mpi.sh MPIEXEC LUOSHU RANKS ARGS...     (ARGS without --mpi)
set -uo pipefail
mpiexec=$1 luoshu=$2 ranks=$3
shift 3
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
one=$(timeout 900 "$luoshu" "$@" 2>&1) || { printf '%s\n' "$one"; echo "supernode_mpi.sh: the one-process run failed" >&2; exit 1; }
mpi=$(timeout 900 "$mpiexec" --oversubscribe -np "$ranks" "$luoshu" "$@" --mpi 2>&1) ||
  { printf '%s\n' "$mpi"; echo "supernode_mpi.sh: the MPI run failed" >&2; exit 1; }
printf '== one process\n%s\n== mpirun -np %s\n%s\n' "$one" "$ranks" "$mpi"
ends() { grep -E '^  chip [0-9]+ +cycles' <<<"$1"; }
[ "$(ends "$one" | wc -l)" = "$ranks" ] || { echo "supernode_mpi.sh: expected $ranks chip lines" >&2; exit 1; }
grep -q '^PASS' <<<"$one" && grep -q '^PASS' <<<"$mpi" || { echo "supernode_mpi.sh: not both PASS" >&2; exit 1; }
grep -q 'MPI, '"$ranks"' ranks' <<<"$mpi" || { echo "supernode_mpi.sh: the MPI run did not run under MPI" >&2; exit 1; }
if [ "$(ends "$one")" != "$(ends "$mpi")" ]; then
  diff <(ends "$one") <(ends "$mpi")
  echo "supernode_mpi.sh: cycle counts or memory images differ between one process and MPI" >&2
  exit 1
fi
echo "supernode_mpi.sh: identical cycle counts and memory hashes on all $ranks chips"
