// The harness itself: watchdog and RTL assertion errors, wave and GTKWave save-file output,
// and the option parsers (trace window, seed), on the stream_fifo model.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "Vstream_fifo_d4w32.h"
#include "tb/errors.h"
#include "tb/gtest_util.h"
#include "tb/options.h"
#include "tb/random.h"
#include "tb/sim.h"

namespace luoshu {
namespace {

namespace fs = std::filesystem;
using tb::Simulation;
using tb::TraceOptions;
using Model = Vstream_fifo_d4w32;

// Tracing off whatever LUOSHU_TRACE says: these tests check errors, not waves.
TraceOptions NoTrace() { return TraceOptions{}; }

// A fresh folder under the system temp folder, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "luoshu_harness_XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + tmpl);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Sets an environment variable for one scope and restores the previous value.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_.c_str(), old_->c_str(), 1);
    } else {
      unsetenv(name_.c_str());
    }
  }

 private:
  std::string name_;
  std::optional<std::string> old_;
};

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(HarnessTest, RunUntilTimeoutNamesTheCycleAndTheCondition) {
  Simulation<Model> sim(tb::CurrentTestName(), "", NoTrace());
  sim.Reset();  // cycles 0-3
  try {
    sim.RunUntil([] { return false; }, 10, "the impossible event");
    FAIL() << "RunUntil returned although the condition never held";
  } catch (const tb::WatchdogError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("the impossible event"), std::string::npos) << msg;
    // Reset ran cycles 0-3; the watchdog ran cycles 4-13. Cycle c spans wave time 2c (clock
    // low) to 2c+1 (its rising edge), so the wait covers wave time 8 to 27.
    EXPECT_NE(msg.find("cycles 4 to 13, wave time 8 to 27"), std::string::npos) << msg;
    EXPECT_NE(msg.find(sim.name()), std::string::npos) << msg;
  }
  EXPECT_EQ(sim.cycle(), 14u) << "the watchdog stops at the limit";
}

TEST(HarnessTest, RunUntilReturnsWhenTheConditionHolds) {
  Simulation<Model> sim(tb::CurrentTestName(), "", NoTrace());
  sim.Reset();
  sim.RunUntil([&] { return sim.cycle() == 9; }, 10, "cycle 9");
  EXPECT_EQ(sim.cycle(), 9u);
}

// A removed hook runs no more; the others keep running in the order they were added.
// Two simulations alive at once, the later one destroyed first: each model is torn down
// through its own context (Verilator 5.006 used the thread's last one, a freed one here,
// and hung).
TEST(HarnessTest, SimulationsMayBeDestroyedInAnyOrder) {
  for (int round = 0; round < 3; ++round) {
    auto a = std::make_unique<Simulation<Model>>("order_a", "", NoTrace());
    auto b = std::make_unique<Simulation<Model>>("order_b", "", NoTrace());
    a->Reset();
    b->Reset();
    b.reset();
    a->Step(3);
    EXPECT_EQ(a->cycle(), 7u);
    a.reset();
  }
}

TEST(HarnessTest, RemovedHookStopsRunningOthersStay) {
  Simulation<Model> sim(tb::CurrentTestName(), "", NoTrace());
  std::string order;
  int drives = 0, samples = 0;
  tb::HookHandle d = sim.OnDrive([&] { ++drives; });
  const tb::HookHandle a = sim.OnSample([&] { order += 'a'; });
  tb::HookHandle s = sim.OnSample([&] {
    ++samples;
    order += 'b';
  });
  const tb::HookHandle c = sim.OnSample([&] { order += 'c'; });
  sim.Step(2);
  EXPECT_TRUE(s.Remove());
  EXPECT_TRUE(d.Remove());
  sim.Step(3);
  EXPECT_EQ(drives, 2);
  EXPECT_EQ(samples, 2);
  EXPECT_EQ(order, "abcabcacacac");
  EXPECT_FALSE(s.Remove()) << "already removed";
  EXPECT_FALSE(s.installed());
  EXPECT_TRUE(a.installed());
}

// An agent's hooks go with the agent: once it is destroyed, the simulation steps on without
// calling into it (before handles, a dead agent's hook was a use-after-free).
TEST(HarnessTest, HooksAreRemovedWhenTheirOwnerDies) {
  struct Counter {
    explicit Counter(tb::SimController* sim) : hook(sim->OnSample([this] { ++ticks; })) {}
    int ticks = 0;
    tb::HookHandle hook;
  };
  Simulation<Model> sim(tb::CurrentTestName(), "", NoTrace());
  int seen_after = 0;
  {
    auto counter = std::make_unique<Counter>(&sim);
    sim.Step(3);
    EXPECT_EQ(counter->ticks, 3);
  }
  const tb::HookHandle later = sim.OnSample([&] { ++seen_after; });
  sim.Step(2);  // would call the destroyed Counter's hook if it were still installed
  EXPECT_EQ(seen_after, 2);
  // A handle moved from owns nothing; the moved-to handle removes the hook.
  tb::HookHandle moved = sim.OnDrive([] {});
  tb::HookHandle target = std::move(moved);
  EXPECT_FALSE(moved.installed());
  EXPECT_TRUE(target.installed());
  EXPECT_TRUE(target.Remove());
}

// A handle that outlives its simulation does nothing when destroyed or removed.
TEST(HarnessTest, HandleOutlivingItsSimulationIsHarmless) {
  tb::HookHandle h;
  {
    Simulation<Model> sim(tb::CurrentTestName(), "", NoTrace());
    h = sim.OnSample([] {});
    EXPECT_TRUE(h.installed());
  }
  EXPECT_FALSE(h.installed());
  EXPECT_FALSE(h.Remove());
}

// Fill the FIFO, offer one more item, then withdraw it before it was taken.
TEST(HarnessTest, StreamRuleViolationRaisesRtlAssertionError) {
  Simulation<Model> sim(tb::CurrentTestName(), "", NoTrace());
  auto& d = sim.dut();
  sim.Reset();
  d.out_ready_i = 0;
  d.in_valid_i = 1;
  for (uint32_t i = 0; i < 4; ++i) {
    d.in_data_i = i;
    sim.Step();
  }
  ASSERT_FALSE(d.in_ready_o) << "the FIFO should be full";
  d.in_data_i = 99;
  sim.Step();  // offered and refused: legal
  d.in_valid_i = 0;
  try {
    sim.Step();
    FAIL() << "dropping in_valid_i before in_ready_o went unnoticed";
  } catch (const tb::RtlAssertionError& e) {
    // Reset 0-3, fill 4-7, refused offer 8: the withdrawal fails at the rising edge of
    // cycle 9, wave time 19. cycle() counts completed cycles, so it already says 10.
    const std::string msg = e.what();
    EXPECT_EQ(sim.cycle(), 10u);
    EXPECT_NE(msg.find("at cycle 9 (rising edge at wave time 19)"), std::string::npos) << msg;
    EXPECT_NE(msg.find(sim.name()), std::string::npos) << msg;
    EXPECT_NE(msg.find("LUOSHU_TRACE=1"), std::string::npos) << "says how to get a wave: " << msg;
  }
}

TEST(HarnessTest, TraceWritesWaveAndSaveFile) {
  TempDir dir;
  TraceOptions opts;
  opts.enabled = true;
  opts.wave_dir = (dir.path() / "waves").string();
#if LUOSHU_TRACE_COMPILED
  std::string wave;
  {
    Simulation<Model> sim("trace_check", "stream_fifo", opts);
    auto& d = sim.dut();
    sim.Reset();
    d.in_valid_i = 1;
    d.out_ready_i = 1;
    sim.Step(20);
    wave = sim.wave_path();
  }  // closes the wave
  const fs::path fst = dir.path() / "waves" / "trace_check.fst";
  EXPECT_EQ(fs::path(wave), fst);
  ASSERT_TRUE(fs::exists(fst));
  EXPECT_GT(fs::file_size(fst), 0u);
  const fs::path gtkw = dir.path() / "waves" / "trace_check.gtkw";
  ASSERT_TRUE(fs::exists(gtkw)) << "no save file next to the wave";
  const std::string save = ReadFile(gtkw);
  EXPECT_EQ(save.rfind("[dumpfile] \"" + fs::absolute(fst).string() + "\"", 0), 0u) << save;
  EXPECT_NE(save.find("TOP.stream_fifo.in_valid_i"), std::string::npos) << save;
#else
  EXPECT_THROW(Simulation<Model>("trace_check", "stream_fifo", opts), tb::ConfigError);
#endif
}

TEST(HarnessTest, ParseTraceWindowRejectsMalformedAndEmptyWindows) {
  TraceOptions opts;
  EXPECT_THROW(tb::ParseTraceWindow("abc", &opts), tb::ConfigError);
  EXPECT_THROW(tb::ParseTraceWindow("5:3", &opts), tb::ConfigError);
  EXPECT_THROW(tb::ParseTraceWindow("7:7", &opts), tb::ConfigError);
  EXPECT_THROW(tb::ParseTraceWindow("x:10", &opts), tb::ConfigError);
}

TEST(HarnessTest, ParseTraceWindowAcceptsOpenEnds) {
  TraceOptions from;
  tb::ParseTraceWindow("10:", &from);
  EXPECT_EQ(from.start_cycle, 10u);
  EXPECT_EQ(from.stop_cycle, std::numeric_limits<uint64_t>::max());
  TraceOptions upto;
  tb::ParseTraceWindow(":500", &upto);
  EXPECT_EQ(upto.start_cycle, 0u);
  EXPECT_EQ(upto.stop_cycle, 500u);
  TraceOptions both;
  tb::ParseTraceWindow("100:200", &both);
  EXPECT_EQ(both.start_cycle, 100u);
  EXPECT_EQ(both.stop_cycle, 200u);
}

TEST(HarnessTest, SeedFromEnvRejectsNonNumbers) {
  {
    ScopedEnv env("LUOSHU_SEED", "12abc");
    EXPECT_THROW(tb::SeedFromEnv(1), tb::ConfigError);
  }
  {
    ScopedEnv env("LUOSHU_SEED", "-5");
    EXPECT_THROW(tb::SeedFromEnv(1), tb::ConfigError);
  }
}

TEST(HarnessTest, SeedFromEnvUsesTheVariableOrTheFallback) {
  {
    ScopedEnv env("LUOSHU_SEED", "4242");
    EXPECT_EQ(tb::SeedFromEnv(1), 4242u);
  }
  {
    ScopedEnv env("LUOSHU_SEED", "");
    EXPECT_EQ(tb::SeedFromEnv(7), 7u);
  }
}

// ---------------------------------------------------------------- seed report (gtest_util.h)

TEST(HarnessTest, SeedFromEnvNotesEachDistinctSeedForTheReport) {
  ScopedEnv env("LUOSHU_SEED", "");
  EXPECT_EQ(tb::CurrentSeedLog().num_seeds, 0) << "the listener clears the log per test";
  tb::SeedFromEnv(5);
  tb::SeedFromEnv(5);
  tb::SeedFromEnv(9);
  const tb::SeedLog& log = tb::CurrentSeedLog();
  ASSERT_EQ(log.num_seeds, 2);
  EXPECT_EQ(log.seeds[0], 5u);
  EXPECT_EQ(log.seeds[1], 9u);
  EXPECT_FALSE(log.from_env);
  // Two defaults: LUOSHU_SEED would change both, so the command leaves it unset.
  EXPECT_EQ(tb::ReproCommand().find("LUOSHU_SEED"), std::string::npos) << tb::ReproCommand();
  EXPECT_NE(tb::SeedSummary().find("seeds 5, 9"), std::string::npos) << tb::SeedSummary();
}

TEST(HarnessTest, ReproCommandNamesSeedRoundBinaryAndTest) {
  ScopedEnv env("LUOSHU_SEED", "73");
  ScopedEnv round("LUOSHU_ROUND", "");
  const uint64_t seed = tb::SeedFromEnv(1);
  for (tb::Round& r : tb::Rounds(seed, 3)) {
    if (r.index != 1) continue;
    const std::string cmd = tb::ReproCommand();
    const std::string env = "LUOSHU_SEED=73 LUOSHU_ROUND=1 ";
    const std::string filter =
        " --gtest_filter='HarnessTest.ReproCommandNamesSeedRoundBinaryAndTest'";
    ASSERT_GT(cmd.size(), env.size() + filter.size()) << cmd;
    EXPECT_EQ(cmd.rfind(env, 0), 0u) << cmd;
    EXPECT_EQ(cmd.substr(cmd.size() - filter.size()), filter) << cmd;
    // The binary is one shell word: single-quoted when its path needs it (a space in the
    // build folder's path), bare otherwise.
    std::string binary = cmd.substr(env.size(), cmd.size() - env.size() - filter.size());
    if (binary.front() == '\'') {
      EXPECT_EQ(binary.back(), '\'') << cmd;
      binary = binary.substr(1, binary.size() - 2);
    } else {
      EXPECT_EQ(binary.find(' '), std::string::npos) << cmd;
    }
    EXPECT_EQ(binary.front(), '/') << cmd;
    EXPECT_EQ(std::filesystem::path(binary).filename(), "test_harness") << cmd;
    EXPECT_TRUE(std::filesystem::exists(binary)) << cmd;
    EXPECT_EQ(tb::SeedSummary(), "seed 73, round 1 of 3");
  }
  EXPECT_EQ(tb::CurrentSeedLog().round, -1) << "after the loop no round is running";
  EXPECT_EQ(tb::ReproCommand().find("LUOSHU_ROUND"), std::string::npos);
}

TEST(HarnessTest, RoundsDrawTheirSeedsFromTheTestSeed) {
  ScopedEnv round("LUOSHU_ROUND", "");
  tb::Rng seeds(1234);
  int n = 0;
  tb::Rounds rounds(1234, 5);
  for (tb::Round& r : rounds) {
    EXPECT_EQ(r.index, n++);
    EXPECT_EQ(r.seed, seeds.Bits64());
    EXPECT_EQ(r.rng.Bits64(), tb::Rng(r.seed).Bits64());
  }
  EXPECT_EQ(n, 5);
  EXPECT_TRUE(rounds.all());
  EXPECT_EQ(tb::CurrentSeedLog().rounds_run, 5u);
}

TEST(HarnessTest, LuoshuRoundRunsThatRoundAloneWithItsOwnSeed) {
  std::vector<uint64_t> all;
  {
    ScopedEnv round("LUOSHU_ROUND", "");
    for (tb::Round& r : tb::Rounds(99, 4)) all.push_back(r.rng.Bits64());
  }
  ScopedEnv round("LUOSHU_ROUND", "2");
  std::vector<int> ran;
  tb::Rounds rounds(99, 4);
  for (tb::Round& r : rounds) {
    ran.push_back(r.index);
    EXPECT_EQ(r.rng.Bits64(), all[2]) << "round 2 alone draws what it drew among all";
  }
  EXPECT_EQ(ran, std::vector<int>{2});
  EXPECT_FALSE(rounds.all());
}

TEST(HarnessTest, LuoshuRoundOutOfRangeIsRefusedAndSharedRoundsIgnoreIt) {
  ScopedEnv round("LUOSHU_ROUND", "4");
  try {
    tb::Rounds rounds(1, 4);
    ADD_FAILURE() << "no ConfigError";
  } catch (const tb::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("LUOSHU_ROUND=4, but this test has 4 rounds (0 to 3)"),
              std::string::npos)
        << e.what();
  }
  int n = 0;
  for (tb::Round& r : tb::Rounds(1, 3, tb::Rounds::kSharedState)) {
    EXPECT_EQ(r.index, n++);
    EXPECT_FALSE(tb::CurrentSeedLog().round_alone);
  }
  EXPECT_EQ(n, 3) << "rounds that share state all run";
}

}  // namespace
}  // namespace luoshu
