// Small GoogleTest helpers shared by the test binaries (header-only; tests only).
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <exception>
#include <functional>
#include <string>

#include "tb/errors.h"
#include "tb/options.h"
#include "tb/random.h"
#include "tb/sim.h"

namespace luoshu::tb {

// "Suite.Name" of the running test, file-name safe: the wave is build/waves/<this>.fst.
inline std::string CurrentTestName() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return SanitizeName(std::string(info->test_suite_name()) + "." + info->name());
}

// Runs `f`, expects an exception of type E and returns its message ("" and a test failure if
// none, or one of another type, is thrown): for tests of error messages.
template <class E>
std::string ErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected another exception type, got: " << e.what();
    return "";
  }
  ADD_FAILURE() << "no exception";
  return "";
}

// ---------------------------------------------------------------- seeded random tests
//
// A seeded random test takes its seed from tb::SeedFromEnv(default) (LUOSHU_SEED overrides
// it) and, if it loops over random cases, runs them as tb::Rounds (independent cases) or
// tb::Steps (one stream through one simulation). Nothing else: on any failure
// (a failed EXPECT/ASSERT, an exception escaping the test such as a watchdog timeout or an RTL
// assertion, a crash) the test main (tb/gtest_main.cc, linked by every luoshu_gtest) prints
//
//   [  REPRO   ] AiCoreTest/1.RandomProgramsWithStallyMemory failed: seed 73, round 1 of 2
//   [  REPRO   ] re-run: LUOSHU_SEED=73 LUOSHU_ROUND=1 /.../test_ai_core --gtest_filter='...'
//
// and records `seed`, `round` and `repro` as test properties (in --gtest_output=xml).

// One round of a seeded random test: its number and its own generator.
struct Round {
  int index = 0;
  uint64_t seed = 0;  // the round's own seed: rng started as Rng(seed)
  Rng rng{0};
};

// The rounds of a seeded random test:
//   for (tb::Round& r : tb::Rounds(tb::SeedFromEnv(42), 6)) { ... r.rng ... r.index ... }
// Round i draws from Rng(s_i), s_i the i-th value of Rng(seed), so it depends on the seed and
// its number only: LUOSHU_ROUND=i runs round i alone (other rounds are skipped, not replayed),
// and all() then says that checks over all rounds must be skipped. Pass kSharedState when
// rounds also depend on what earlier rounds left behind (a device kept across rounds): a
// failure then asks to re-run the whole seed, and LUOSHU_ROUND is ignored.
class Rounds {
 public:
  enum Sharing { kIndependent, kSharedState };

  Rounds(uint64_t seed, int count, Sharing sharing = kIndependent)
      : seeds_(seed), count_(count), alone_(sharing == kIndependent), last_(count - 1) {
    const auto only = RoundFromEnv();
    if (only && alone_) {
      if (*only >= static_cast<uint64_t>(count)) {
        throw ConfigError("LUOSHU_ROUND=" + std::to_string(*only) + ", but this test has " +
                          std::to_string(count) + " rounds (0 to " + std::to_string(count - 1) +
                          "); unset LUOSHU_ROUND to run them all");
      }
      first_ = last_ = static_cast<int>(*only);
    }
  }
  Rounds(const Rounds&) = delete;
  Rounds& operator=(const Rounds&) = delete;
  ~Rounds() {
    // Unwinding from a failure: the report still has to name the round.
    if (std::uncaught_exceptions() == uncaught_) CurrentSeedLog().round = -1;
  }

  // False when LUOSHU_ROUND picked one round.
  bool all() const { return first_ == 0 && last_ == count_ - 1; }

  struct End {};
  class Iterator {
   public:
    explicit Iterator(Rounds* r) : r_(r) {}
    Round& operator*() const { return r_->round_; }
    Round* operator->() const { return &r_->round_; }
    Iterator& operator++() {
      r_->Next();
      return *this;
    }
    bool operator!=(End) const { return r_->round_.index <= r_->last_; }

   private:
    Rounds* r_;
  };
  Iterator begin() {
    seeds_.engine().discard(static_cast<unsigned long long>(first_));
    round_.index = first_ - 1;
    Next();
    return Iterator(this);
  }
  End end() const { return {}; }

 private:
  void Next() {
    SeedLog& log = CurrentSeedLog();
    if (++round_.index > last_) {
      log.round = -1;
      return;
    }
    round_.seed = seeds_.Bits64();
    round_.rng = Rng(round_.seed);
    log.round = round_.index;
    log.rounds = count_;
    log.round_alone = alone_;
    ++log.rounds_run;
    // How many random cases the run covered (scripts/regress.sh adds them up).
    ::testing::Test::RecordProperty("rounds", std::to_string(log.rounds_run));
  }

  Rng seeds_;
  int count_;
  bool alone_;
  int first_ = 0, last_;
  Round round_;
  int uncaught_ = std::uncaught_exceptions();
};

// The steps of one random stream through one simulation, each drawing from the test's own
// generator and checked as it completes:
//   for (int i : tb::Steps(200)) { issue random LOAD i, check it }
// A failure names the step; the seed replays the stream up to it (a step cannot run alone, and
// steps are not rounds: the `rounds` count of a test does not include them).
class Steps {
 public:
  explicit Steps(int count) : count_(count) {}
  Steps(const Steps&) = delete;
  Steps& operator=(const Steps&) = delete;
  ~Steps() {
    if (std::uncaught_exceptions() == uncaught_) CurrentSeedLog().step = -1;
  }

  struct End {};
  class Iterator {
   public:
    explicit Iterator(Steps* s) : s_(s) {}
    int operator*() const { return s_->index_; }
    Iterator& operator++() {
      s_->Enter(s_->index_ + 1);
      return *this;
    }
    bool operator!=(End) const { return s_->index_ < s_->count_; }

   private:
    Steps* s_;
  };
  Iterator begin() {
    Enter(0);
    return Iterator(this);
  }
  End end() const { return {}; }

 private:
  void Enter(int i) {
    index_ = i;
    SeedLog& log = CurrentSeedLog();
    log.step = i < count_ ? i : -1;
    log.steps = count_;
  }

  int count_;
  int index_ = 0;
  int uncaught_ = std::uncaught_exceptions();
};

// Where the running binary is, as one shell word (set by the test main); the re-run command
// names it.
inline std::string& ReproBinary() {
  static std::string path;
  return path;
}

// "Suite.Name" of the running test, unsanitized (the --gtest_filter that selects it alone);
// kept by SeedReporter, which cannot ask GoogleTest while it reports a failure.
inline std::string& RunningTestFilter() {
  static std::string name;
  return name;
}

// "seed 73, round 1 of 2" for the running test (empty if it drew no seed and runs no round).
inline std::string SeedSummary() {
  const SeedLog& log = CurrentSeedLog();
  std::string s;
  if (log.num_seeds == 1) {
    s = "seed " + std::to_string(log.seeds[0]);
  } else if (log.num_seeds > 1) {
    s = "seeds";
    for (int i = 0; i < log.num_seeds; ++i) s += (i ? ", " : " ") + std::to_string(log.seeds[i]);
    s += log.from_env ? "" : " (the test's defaults: LUOSHU_SEED would set all of them)";
  }
  if (log.round >= 0) {
    s += (s.empty() ? "" : ", ") + std::string("round ") + std::to_string(log.round) + " of " +
         std::to_string(log.rounds);
    if (!log.round_alone) s += " (rounds share state: the seed replays rounds 0 to this one)";
  }
  if (log.step >= 0) {
    s += (s.empty() ? "" : ", ") + std::string("step ") + std::to_string(log.step) + " of " +
         std::to_string(log.steps);
  }
  return s;
}

// The shell command that re-runs the running test exactly as it ran.
inline std::string ReproCommand() {
  const SeedLog& log = CurrentSeedLog();
  std::string cmd;
  // One seed (or LUOSHU_SEED set): LUOSHU_SEED reproduces it. Several defaults: only leaving
  // LUOSHU_SEED unset gives each call its own again.
  if (log.num_seeds == 1 || (log.num_seeds > 1 && log.from_env)) {
    cmd += "LUOSHU_SEED=" + std::to_string(log.seeds[0]) + " ";
  }
  if (log.round >= 0 && log.round_alone) cmd += "LUOSHU_ROUND=" + std::to_string(log.round) + " ";
  std::string name = RunningTestFilter();
  if (name.empty()) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    name = info ? std::string(info->test_suite_name()) + "." + info->name() : "*";
  }
  return cmd + (ReproBinary().empty() ? "<test binary>" : ReproBinary()) + " --gtest_filter='" +
         name + "'";
}

// The listener the test main installs: clears the seed log when a test starts; on the test's
// first failure in each round, prints what it ran with and the command that re-runs it, and
// at the end of a failed test records the first as the properties seed, round and repro.
// (GoogleTest holds its lock while it reports a failure: nothing here may call back into it
// then, hence the names kept from OnTestStart.)
class SeedReporter : public ::testing::EmptyTestEventListener {
 public:
  void OnTestStart(const ::testing::TestInfo& info) override {
    CurrentSeedLog() = SeedLog{};
    RunningTestFilter() = std::string(info.test_suite_name()) + "." + info.name();
    reported_.clear();
    first_ = {};
  }
  void OnTestPartResult(const ::testing::TestPartResult& r) override {
    if (!r.failed()) return;
    const std::string summary = SeedSummary(), cmd = ReproCommand();
    if (cmd == reported_) return;
    reported_ = cmd;
    std::printf("[  REPRO   ] %s failed%s%s\n[  REPRO   ] re-run: %s\n",
                RunningTestFilter().c_str(), summary.empty() ? "" : ": ", summary.c_str(),
                cmd.c_str());
    std::fflush(stdout);
    if (first_.repro.empty()) {
      const SeedLog& log = CurrentSeedLog();
      first_.seed = log.num_seeds > 0 ? std::to_string(log.seeds[0]) : "";
      first_.round = log.round >= 0 ? std::to_string(log.round) : "";
      first_.repro = cmd;
    }
  }
  void OnTestEnd(const ::testing::TestInfo&) override {
    if (first_.repro.empty()) return;
    if (!first_.seed.empty()) ::testing::Test::RecordProperty("seed", first_.seed);
    if (!first_.round.empty()) ::testing::Test::RecordProperty("round", first_.round);
    ::testing::Test::RecordProperty("repro", first_.repro);
  }

 private:
  struct First {
    std::string seed, round, repro;
  };
  std::string reported_;
  First first_;
};

}  // namespace luoshu::tb
