// Longer supernode runs (label `long`, docs/supernode.md): larger GEMMs on every chip of a ring
// of eight (up to four hops, the plus way on the tie) and of a 2 x 4 torus, with 2 % of the
// frames of every kind corrupted and 2 % dropped on every link.
#include <gtest/gtest.h>

#include <vector>

#include "tests/system/multi_chip_cases.h"

namespace luoshu::multi_chip_test {
namespace {

TEST_F(MultiChipTest, EightChipRingFourHopsLargerGemms) {
  // Core c: A four hops away, B three hops up, C two hops down.
  std::vector<Job> jobs;
  for (int c = 0; c < 8; ++c)
    jobs.push_back({c, (c + 4) % 8, (c + 3) % 8, (c + 6) % 8, 32, 32, 64});
  for (const auto& s : Run(Topology::Ring(8), jobs, 0.02, tb::SeedFromEnv(91))) {
    EXPECT_EQ(s.state, hal::CoreState::kIdle) << s.ToString();
  }
}

TEST_F(MultiChipTest, TwoByFourTorusLargerGemms) {
  std::vector<Job> jobs;
  for (int c = 0; c < 8; ++c) {
    const int x = c % 2, y = c / 2;
    jobs.push_back({c, ((y + 1) % 4) * 2 + (1 - x), ((y + 2) % 4) * 2 + x,
                    ((y + 3) % 4) * 2 + (1 - x), 32, 32, 64});
  }
  for (const auto& s : Run(Topology::Torus(2, 4), jobs, 0.02, tb::SeedFromEnv(92))) {
    EXPECT_EQ(s.state, hal::CoreState::kIdle) << s.ToString();
  }
}

}  // namespace
}  // namespace luoshu::multi_chip_test
