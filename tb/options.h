// Run-time options of a simulation, read from the environment so every test and tool
// honours them without its own flags:
//   LUOSHU_TRACE=1               write an FST wave (off by default)
//   LUOSHU_TRACE_WINDOW=A:B      only cycles [A, B) (either side may be empty)
//   LUOSHU_WAVE_DIR=path         where waves go (default: <build>/waves)
//   LUOSHU_SEED=N                seed for every random choice (default: fixed per test)
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

namespace luoshu::tb {

struct TraceOptions {
  bool enabled = false;
  uint64_t start_cycle = 0;
  uint64_t stop_cycle = std::numeric_limits<uint64_t>::max();
  std::string wave_dir;
};

// Parses LUOSHU_TRACE / LUOSHU_TRACE_WINDOW / LUOSHU_WAVE_DIR. Throws ConfigError on bad values.
TraceOptions TraceOptionsFromEnv();

// Parses "A:B" ("100:", ":500" allowed) into the window of `opts`. Throws ConfigError whose
// message names the setting as `what`.
void ParseTraceWindow(const std::string& text, TraceOptions* opts,
                      const std::string& what = "LUOSHU_TRACE_WINDOW");

// LUOSHU_SEED if set (throws ConfigError if not a number), else `fallback`.
uint64_t SeedFromEnv(uint64_t fallback);

// The default wave folder compiled into the harness (<build>/waves).
std::string DefaultWaveDir();

}  // namespace luoshu::tb
