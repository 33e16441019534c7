#!/usr/bin/env bash
# Installs what Luoshu's build, tests and main job need and the machine lacks.
# Idempotent: packages already present are skipped, so a second run is fast and offline-safe.
# Needs root (or sudo) and Debian's package registry.
set -euo pipefail

required=(
  verilator                    # RTL -> C++ (5.006 on Debian bookworm); ships verilator-config.cmake
  cmake ninja-build g++ make   # build
  libgtest-dev googletest      # GoogleTest + CTest integration
  libboost-program-options-dev # CLI option parsing
  yosys                        # synthesis gate (Debian: Yosys 0.23)
  zlib1g-dev                   # FST tracing
  python3 python3-matplotlib   # generators and benchmark plots (run with /usr/bin/python3)
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

need=$(missing "${required[@]}")
if [ -n "$need" ]; then
  echo "[install-deps] installing: $need"
  log=$(mktemp /tmp/luoshu-install-XXXX.log)
  if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
         $SUDO apt-get install -y -qq --no-install-recommends $need; } >"$log" 2>&1; then
    echo "[install-deps] error: apt-get failed installing: $need (log: $log)" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
else
  echo "[install-deps] required packages present"
fi

opt=$(missing "${optional[@]}")
if [ -n "$opt" ] && [ "${LUOSHU_SKIP_OPTIONAL:-0}" != 1 ]; then
  echo "[install-deps] installing optional tools: $opt"
  if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
         $SUDO apt-get install -y -qq --no-install-recommends $opt; } >/dev/null 2>&1; then
    echo "[install-deps] warning: optional tools ($opt) could not be installed; waves can still be written, view them elsewhere" >&2
  fi
fi

# Fail early with a clear message rather than deep inside CMake.
for tool in verilator cmake yosys g++; do
  command -v "$tool" >/dev/null || { echo "[install-deps] error: $tool still missing after install" >&2; exit 1; }
done
echo "[install-deps] verilator: $(verilator --version)"
echo "[install-deps] yosys:     $(yosys -V)"
