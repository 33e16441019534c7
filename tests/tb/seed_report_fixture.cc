// Seeded tests that fail on purpose, for the checks of the seed report and of
// scripts/regress.sh (tests/tb/seed_report_check.py, tests/regress/): each fails for odd seeds
// only, in a known round, in one of the ways a real test fails. Not a test suite of its own:
// the binary is built but not registered with CTest.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "tb/errors.h"
#include "tb/gtest_util.h"
#include "tb/options.h"

namespace luoshu {
namespace {

// A failed assertion in round 2; the message carries a value drawn in that round, so a re-run
// can be seen to draw the same.
TEST(SeedReportFixture, AssertionInRound2ForOddSeeds) {
  const uint64_t seed = tb::SeedFromEnv(1);
  for (tb::Round& r : tb::Rounds(seed, 4)) {
    const int64_t drawn = r.rng.Uniform(0, 1'000'000);
    ASSERT_FALSE(r.index == 2 && seed % 2 == 1) << "mismatch: drew " << drawn;
  }
}

// A watchdog timeout (the harness's WatchdogError escaping the test) in round 1.
TEST(SeedReportFixture, WatchdogInRound1ForOddSeeds) {
  const uint64_t seed = tb::SeedFromEnv(1);
  for (tb::Round& r : tb::Rounds(seed, 3)) {
    const int64_t drawn = r.rng.Uniform(0, 1'000'000);
    if (r.index == 1 && seed % 2 == 1) {
      throw tb::WatchdogError("watchdog: waited 100 cycles for the fixture (drew " +
                              std::to_string(drawn) + ")");
    }
  }
}

// Rounds that share state: the report asks for the whole seed, without LUOSHU_ROUND.
TEST(SeedReportFixture, SharedRoundsFailInRound1ForOddSeeds) {
  const uint64_t seed = tb::SeedFromEnv(1);
  for (tb::Round& r : tb::Rounds(seed, 3, tb::Rounds::kSharedState)) {
    const int64_t drawn = r.rng.Uniform(0, 1'000'000);
    EXPECT_FALSE(r.index == 1 && seed % 2 == 1) << "mismatch: drew " << drawn;
  }
}

// No loop, a model mismatch in the test body.
TEST(SeedReportFixture, MismatchWithoutRoundsForOddSeeds) {
  const uint64_t seed = tb::SeedFromEnv(1);
  EXPECT_EQ(seed % 2, 0u) << "mismatch: drew " << tb::Rng(seed).Uniform(0, 1'000'000);
}

// One random stream, checked step by step: the report names the step (no LUOSHU_ROUND).
TEST(SeedReportFixture, StreamFailsAtStep6ForOddSeeds) {
  const uint64_t seed = tb::SeedFromEnv(1);
  tb::Rng rng(seed);
  for (int i : tb::Steps(10)) {
    const int64_t drawn = rng.Uniform(0, 1'000'000);
    EXPECT_FALSE(i == 6 && seed % 2 == 1) << "mismatch: drew " << drawn;
  }
}

// A crash (abort) in round 3: the signal handler prints the report.
TEST(SeedReportFixture, CrashInRound3ForOddSeeds) {
  const uint64_t seed = tb::SeedFromEnv(1);
  for (tb::Round& r : tb::Rounds(seed, 5)) {
    if (r.index == 3 && seed % 2 == 1) std::abort();
  }
}

}  // namespace
}  // namespace luoshu
