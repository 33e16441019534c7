// The types every software layer shares (one each): the SoC configurations that are built,
// a device-memory window, and a core's state. The driver, the model backend, the RTL backend,
// the runtime and the tools all use these; none keeps a parallel copy.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "sw/isa/luoshu_isa.h"

namespace luoshu::hal {

// A configuration that does not exist or cannot be built; the message names the known ones.
class ConfigError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// One SoC configuration: what CONFIG / CONFIG_L0 report, plus the device memory a backend
// gives it by default.
struct SocConfig {
  std::string name;
  int cores = 4;                  // 1..4
  int channels = 2;               // 1, 2 or 4 memory channels
  int dim = 16;                   // the cube is dim x dim
  uint32_t l0a_bytes = 64 << 10;  // multiples of 1 KiB, below 1 MiB (CONFIG_L0 is in KiB)
  uint32_t l0b_bytes = 64 << 10;
  uint32_t l0c_bytes = 128 << 10;
  int queue_depth = 8;  // entries per LD / EX / ST queue
  uint64_t mem_base = 0x10000000;
  uint64_t mem_size = 16 << 20;
};

// The configurations that are built ("small": 1 core / 1 channel, "default": 4 cores /
// 2 channels), generated from rtl/soc/soc_configs.toml, the source the Verilated SoCs are
// built from too (the SoC tests check every field against the registers they report).
const std::vector<SocConfig>& SocConfigs();
// The configuration called `name`; ConfigError listing the known names otherwise.
const SocConfig& FindSocConfig(const std::string& name);

// A device-memory range a core may touch. Reads need any window, writes a writable one.
struct Window {
  uint64_t base = 0;
  uint64_t size = 0;
  bool writable = false;
};

// STATUS.STATE (docs/regs.md): the values are generated from sw/isa/isa.toml.
using isa::CoreState;
using isa::CoreStateName;

}  // namespace luoshu::hal
