#include "sw/hal/types.h"

namespace luoshu::hal {

const std::vector<SocConfig>& SocConfigs() {
  static const std::vector<SocConfig> kConfigs = [] {
    // Device memory starts at 0 on the built SoCs (the address map of docs/soc.md).
    SocConfig small;
    small.name = "small";
    small.mem_base = 0;
    small.cores = 1;
    small.channels = 1;
    SocConfig def;
    def.name = "default";
    def.mem_base = 0;
    return std::vector<SocConfig>{small, def};
  }();
  return kConfigs;
}

const SocConfig& FindSocConfig(const std::string& name) {
  std::string known;
  for (const auto& c : SocConfigs()) {
    if (c.name == name) return c;
    known += (known.empty() ? "" : ", ") + c.name;
  }
  throw ConfigError("unknown SoC configuration '" + name + "' (known: " + known + ")");
}

const char* CoreStateName(CoreState s) {
  switch (s) {
    case CoreState::kIdle:
      return "idle";
    case CoreState::kBusy:
      return "busy";
    case CoreState::kBlocked:
      return "blocked";
    case CoreState::kFaulted:
      return "faulted";
  }
  return "?";
}

}  // namespace luoshu::hal
