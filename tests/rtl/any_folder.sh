#!/usr/bin/env bash
# The Yosys gates work from any folder (CTest gate.any_folder): a copy of one small block with
# the scripts that gate it, laid out as in the checkout, in a fresh folder under /tmp and in
# one whose path has a space, passes the synthesis gate and the formal proof there, as a clone
# at that path does; the second copy writes its logs to a folder outside it, as a build folder
# outside the source tree does. Under /tmp the WebAssembly Yosys sees a scratch folder of its
# own, not the copy; a space splits a name in a Yosys script.
set -uo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/luoshu-any-folder.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$src"  # the files to copy, named (and globbed) relative to the checkout
files=(scripts/synth.sh scripts/formal.sh scripts/formal_cex.py rtl/common/luoshu_assert.svh
  rtl/common/spill_register.sv tests/formal/formal_*.sv tests/formal/spill_register_formal.sv)
status=0
check() {  # root out_dir: synthesis and proof of the copy in root, logs in out_dir
  local root=$1 out=$2 log
  mkdir -p "$root"
  cp --parents "${files[@]}" "$root/"
  # The copy finds Yosys where a clone does (or LUOSHU_YOSYS names it).
  [ ! -e "$src/.tools" ] || ln -s "$src/.tools" "$root/.tools"
  log=$("$root/scripts/synth.sh" --top spill_register --param Width=32 --log "$out/synth.log" \
    "$root/rtl/common/spill_register.sv" 2>&1)
  echo "$log"
  if ! grep -Eq "^synth spill_register Width=32: [1-9][0-9]* cells" <<<"$log"; then
    echo "any_folder: FAIL: the synthesis gate failed in '$root'" >&2
    status=1
  fi
  log=$("$root/scripts/formal.sh" spill_register --out "$out/formal" 2>&1)
  echo "$log"
  if ! grep -q "^formal spill_register Width=4: proven" <<<"$log"; then
    echo "any_folder: FAIL: the formal proof failed in '$root'" >&2
    status=1
  fi
}
check "$work/luoshu" "$work/luoshu/build"
check "$work/with space/luoshu" "$work/another space/build"
[ $status -ne 0 ] || echo "any_folder: ok: both gates pass under /tmp, with spaces, logs outside"
exit $status
