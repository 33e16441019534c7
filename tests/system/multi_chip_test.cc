// Supernode system tests (docs/supernode.md): several Verilated chips in one process
// (tb/soc/multi_chip.h), each core running a GEMM whose operands and result live on other
// chips, one and two hops away, with faults injected on every link; the memories of all chips
// afterwards bit-exact against the model running the same programs on one memory image that
// holds every chip's memory (model::DeviceMemory regions, keyed by the chip id in the address).
// And a remote address outside the core's windows still faults (ACCESS), on both. The fixture
// is in multi_chip_cases.h; longer runs in multi_chip_long_test.cc (label long).
#include <gtest/gtest.h>

#include <vector>

#include "tests/system/multi_chip_cases.h"

namespace luoshu::multi_chip_test {
namespace {

TEST_F(MultiChipTest, TwoChipsLoadAndStoreEachOthersMemory) {
  // Each core: A from the other chip, B from its own, C to the other chip.
  const std::vector<Job> jobs = {{0, 1, 0, 1}, {1, 0, 1, 0}};
  for (const auto& s : Run(Topology::Ring(2), jobs, 0.01, tb::SeedFromEnv(61))) {
    EXPECT_EQ(s.state, hal::CoreState::kIdle) << s.ToString();
  }
}

TEST_F(MultiChipTest, FourChipRingOneAndTwoHops) {
  // Core c: A one hop up the ring, B two hops away, C one hop down (the other direction);
  // chip 3's A on chip 0 and chip 0's C on chip 3 cross the datelines.
  std::vector<Job> jobs;
  for (int c = 0; c < 4; ++c) jobs.push_back({c, (c + 1) % 4, (c + 2) % 4, (c + 3) % 4});
  for (const auto& s : Run(Topology::Ring(4), jobs, 0.01, tb::SeedFromEnv(62))) {
    EXPECT_EQ(s.state, hal::CoreState::kIdle) << s.ToString();
  }
}

TEST_F(MultiChipTest, TwoByTwoTorusAcrossBothDimensions) {
  // Chip id = y * 2 + x. Core c: A across X, B across Y, C diagonally (X then Y: two hops).
  std::vector<Job> jobs;
  for (int c = 0; c < 4; ++c) jobs.push_back({c, c ^ 1, c ^ 2, c ^ 3});
  for (const auto& s : Run(Topology::Torus(2, 2), jobs, 0.01, tb::SeedFromEnv(63))) {
    EXPECT_EQ(s.state, hal::CoreState::kIdle) << s.ToString();
  }
}

TEST_F(MultiChipTest, TwoByFourTorusTwoHopsAlongY) {
  // Eight chips, 2 x 4: core c reads A across X, B two hops along Y (a tie: the plus way,
  // across the Y dateline for y = 2, 3) and writes C one hop down Y (the minus way).
  const Topology t = Topology::Torus(2, 4);
  std::vector<Job> jobs;
  for (int c = 0; c < 8; ++c) {
    const int x = c % 2, y = c / 2;
    jobs.push_back({c, y * 2 + (1 - x), ((y + 2) % 4) * 2 + x, ((y + 3) % 4) * 2 + x});
  }
  for (const auto& s : Run(t, jobs, 0.01, tb::SeedFromEnv(65))) {
    EXPECT_EQ(s.state, hal::CoreState::kIdle) << s.ToString();
  }
}

TEST_F(MultiChipTest, RemoteAddressOutsideTheWindowsFaults) {
  // Chip 0 reads A on chip 1 without a window for it: ACCESS at the first LOAD of A, nothing of
  // it reaches chip 1. Meanwhile chip 1's core runs its own remote GEMM to completion.
  const Job j0{0, 1, 0, 1}, j1{1, 0, 1, 0};
  std::vector<hal::Window> win = Windows(j0);
  win.erase(win.begin() + 1);  // no window on chip 1's A
  const auto status =
      Run(Topology::Ring(2), {j0, j1}, 0.01, tb::SeedFromEnv(64), {win, Windows(j1)});
  ASSERT_EQ(status.size(), 2u);
  EXPECT_EQ(status[0].state, hal::CoreState::kFaulted);
  EXPECT_EQ(status[0].fault, isa::Fault::kAccess);
  EXPECT_EQ(status[1].state, hal::CoreState::kIdle) << status[1].ToString();
}

}  // namespace
}  // namespace luoshu::multi_chip_test
