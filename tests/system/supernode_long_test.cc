// Longer SPMD supernode runs (label long): the neighbour-GEMM program on four ranks under
// mpirun against the same run in one process, and on eight.
#include <gtest/gtest.h>

#include "tb/gtest_util.h"
#include "tests/system/supernode_checks.h"

namespace luoshu::supernode_test {
namespace {

TEST(SupernodeLongTest, FourRanksMatchOneProcess) {
  ExpectMpiMatchesOneProcess(4, tb::SeedFromEnv(82), 2);
}

TEST(SupernodeLongTest, EightRanksMatchOneProcess) {
  ExpectMpiMatchesOneProcess(8, tb::SeedFromEnv(81), 2);
}

}  // namespace
}  // namespace luoshu::supernode_test
