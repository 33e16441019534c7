#include "tb/options.h"

#include <cstdlib>

#include "tb/errors.h"

#ifndef LUOSHU_DEFAULT_WAVE_DIR
#define LUOSHU_DEFAULT_WAVE_DIR "waves"
#endif

namespace luoshu::tb {
namespace {

uint64_t ParseU64(const std::string& text, const char* what) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) {
    throw ConfigError(std::string(what) + ": '" + text +
                      "' is not a non-negative integer; use e.g. 12345");
  }
  return std::stoull(text);
}

}  // namespace

std::string DefaultWaveDir() { return LUOSHU_DEFAULT_WAVE_DIR; }

void ParseTraceWindow(const std::string& text, TraceOptions* opts, const std::string& what) {
  const auto colon = text.find(':');
  if (colon == std::string::npos) {
    throw ConfigError(what + "='" + text +
                      "' must be START:STOP in cycles, e.g. 1000:2000 (either side may be empty)");
  }
  const std::string a = text.substr(0, colon), b = text.substr(colon + 1);
  if (!a.empty()) opts->start_cycle = ParseU64(a, (what + " start").c_str());
  if (!b.empty()) opts->stop_cycle = ParseU64(b, (what + " stop").c_str());
  if (opts->stop_cycle <= opts->start_cycle) {
    throw ConfigError(what + "='" + text + "' is empty: STOP must be greater than START");
  }
}

TraceOptions TraceOptionsFromEnv() {
  TraceOptions opts;
  if (const char* t = std::getenv("LUOSHU_TRACE")) {
    const std::string v = t;
    if (v == "1" || v == "on" || v == "true") {
      opts.enabled = true;
    } else if (!(v.empty() || v == "0" || v == "off" || v == "false")) {
      throw ConfigError("LUOSHU_TRACE='" + v + "': use 1 to write waves or 0 to disable");
    }
  }
  if (const char* w = std::getenv("LUOSHU_TRACE_WINDOW")) ParseTraceWindow(w, &opts);
  const char* dir = std::getenv("LUOSHU_WAVE_DIR");
  opts.wave_dir = dir && *dir ? dir : DefaultWaveDir();
  return opts;
}

SeedLog& CurrentSeedLog() {
  static SeedLog log;
  return log;
}

uint64_t SeedFromEnv(uint64_t fallback) {
  const char* s = std::getenv("LUOSHU_SEED");
  const bool from_env = s && *s;
  const uint64_t seed = from_env ? ParseU64(s, "LUOSHU_SEED") : fallback;
  SeedLog& log = CurrentSeedLog();
  log.from_env = log.from_env || from_env;
  bool known = false;
  for (int i = 0; i < log.num_seeds; ++i) known = known || log.seeds[i] == seed;
  if (!known && log.num_seeds < SeedLog::kMaxSeeds) log.seeds[log.num_seeds++] = seed;
  return seed;
}

std::optional<uint64_t> RoundFromEnv() {
  const char* s = std::getenv("LUOSHU_ROUND");
  if (!s || !*s) return std::nullopt;
  return ParseU64(s, "LUOSHU_ROUND");
}

}  // namespace luoshu::tb
