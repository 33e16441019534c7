// Run-time options of a simulation, read from the environment so every test and tool
// honours them without its own flags:
//   LUOSHU_TRACE=1               write an FST wave (off by default)
//   LUOSHU_TRACE_WINDOW=A:B      only cycles [A, B) (either side may be empty)
//   LUOSHU_WAVE_DIR=path         where waves go (default: <build>/waves)
//   LUOSHU_SEED=N                seed for every random choice (default: fixed per test)
//   LUOSHU_ROUND=I               run only round I of each tb::Rounds loop (tb/gtest_util.h)
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

// LUOSHU_SEED if set (throws ConfigError if not a number), else `fallback`. The value is
// noted in CurrentSeedLog() so a failing test can say how to re-run it.
uint64_t SeedFromEnv(uint64_t fallback);

// LUOSHU_ROUND if set (throws ConfigError if not a number), else nothing.
std::optional<uint64_t> RoundFromEnv();

// What the running test drew its randomness from: SeedFromEnv and tb::Rounds
// (tb/gtest_util.h) fill it in, the failure report of the test main (tb/gtest_main.cc) reads it
// and clears it when a test starts. Plain fixed-size data, so a fatal-signal handler can read it.
struct SeedLog {
  static constexpr int kMaxSeeds = 8;
  uint64_t seeds[kMaxSeeds] = {};  // the distinct values SeedFromEnv returned, in order
  int num_seeds = 0;
  bool from_env = false;     // LUOSHU_SEED was set
  int round = -1;            // the running round of a tb::Rounds loop, -1 outside one
  int rounds = 0;            // that loop's number of rounds
  bool round_alone = false;  // LUOSHU_ROUND can run that round by itself
  uint64_t rounds_run = 0;   // rounds the test has started, over all its loops
  int step = -1;             // the running step of a tb::Steps loop, -1 outside one
  int steps = 0;             // that loop's number of steps
};
SeedLog& CurrentSeedLog();

// The default wave folder compiled into the harness (<build>/waves).
std::string DefaultWaveDir();

}  // namespace luoshu::tb
