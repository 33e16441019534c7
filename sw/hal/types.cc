#include "sw/hal/types.h"

#include "sw/hal/soc_configs.h"

namespace luoshu::hal {

const std::vector<SocConfig>& SocConfigs() {
  static const std::vector<SocConfig> kConfigs = generated::BuiltSocConfigs();
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

}  // namespace luoshu::hal
