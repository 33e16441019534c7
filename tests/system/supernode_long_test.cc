// Longer SPMD supernode runs (label long): the neighbour-GEMM program on four ranks under
// mpirun against the same run in one process, and on eight chips in one process.
#include <gtest/gtest.h>

#include "tb/gtest_util.h"
#include "tests/system/supernode_cases.h"

namespace luoshu::supernode_test {
namespace {

TEST(SupernodeLongTest, EightChipRingTwoRounds) {
  tb::Supernode<Chip> node(Options(8, tb::SeedFromEnv(81), 0.01, tb::CurrentTestName()));
  const auto rs = node.Run(NeighbourGemmProgram(GemmParams(tb::SeedFromEnv(81), 2)));
  ASSERT_EQ(rs.size(), 8u);
  for (const auto& r : rs) EXPECT_EQ(r.cycles, rs[0].cycles) << r.ToString();
}

}  // namespace
}  // namespace luoshu::supernode_test
