#include "sw/hal/backend.h"

#include <mutex>

namespace luoshu::hal {
namespace {

struct Entry {
  BackendInfo info;
  BackendFactory factory;
};

std::vector<Entry>& Registry() {
  static std::vector<Entry> entries;
  return entries;
}

std::mutex& RegistryMutex() {
  static std::mutex m;
  return m;
}

}  // namespace

void RegisterBackend(const std::string& name, const std::string& summary, BackendFactory factory) {
  std::lock_guard<std::mutex> lock(RegistryMutex());
  for (Entry& e : Registry()) {
    if (e.info.name == name) {
      e = Entry{{name, summary}, std::move(factory)};
      return;
    }
  }
  Registry().push_back(Entry{{name, summary}, std::move(factory)});
}

std::vector<BackendInfo> Backends() {
  std::lock_guard<std::mutex> lock(RegistryMutex());
  std::vector<BackendInfo> out;
  for (const Entry& e : Registry()) out.push_back(e.info);
  return out;
}

std::unique_ptr<HostBus> OpenBackend(const std::string& name, const BackendOptions& options) {
  BackendFactory factory;
  std::string known;
  {
    std::lock_guard<std::mutex> lock(RegistryMutex());
    for (const Entry& e : Registry()) {
      if (e.info.name == name) factory = e.factory;
      known += (known.empty() ? "" : ", ") + e.info.name;
    }
  }
  if (!factory) {
    throw ConfigError("unknown backend '" + name + "' (known: " +
                      (known.empty() ? std::string("none registered") : known) + ")");
  }
  return factory(options);
}

}  // namespace luoshu::hal
