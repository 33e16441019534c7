// The collectives and the tensor-parallel MLP on 8 Verilated chips (label long): a ring of 8
// and a 2 x 4 torus, 1 % + 1 % link faults, larger sizes than the default suite's.
#include "sw/common/shell.h"
#include "tests/system/collective_rtl_cases.h"
#include "tests/system/supernode_checks.h"

namespace luoshu::collective_test {
namespace {

constexpr double kFaults = 0.01;

TEST(SupernodeCollectivesLongTest, RingOfEight) {
  const uint64_t seed = tb::SeedFromEnv(1411);
  RunOnRtl(Topology::Ring(8), seed, kFaults, [&](Communicator& comm, Device& dev) {
    return AllCollectives(comm, dev, seed) + NamedCase("mlp", seed)(comm, dev);
  });
}

TEST(SupernodeCollectivesLongTest, TwoByFourTorus) {
  const uint64_t seed = tb::SeedFromEnv(1412);
  RunOnRtl(Topology::Torus(2, 4), seed, kFaults, [&](Communicator& comm, Device& dev) {
    return AllCollectives(comm, dev, seed) + NamedCase("mlp", seed)(comm, dev);
  });
}

// The tensor-parallel MLP and an all-reduce on 8 chips under mpirun (8 processes) against the
// same run in one process.
TEST(SupernodeCollectivesLongTest, EightRanksUnderMpiMatchOneProcess) {
  if (!tb::spmd::MpiBuilt()) GTEST_SKIP() << "this build has no MPI (Open MPI not found by CMake)";
  if (tb::spmd::MpirunPath().empty()) GTEST_SKIP() << "no mpirun was found by CMake";
  const uint64_t seed = tb::SeedFromEnv(1413);
  const Topology t = Topology::Ring(8);
  const auto one = RunOnRtl(t, seed, kFaults, NamedCase("mlp", seed));
  const auto mpi = supernode_test::RunWorkerUnderMpi(8, ShellWord(LUOSHU_COLLECTIVES_WORKER) +
                                                            " 8 1 " + std::to_string(seed) + " " +
                                                            std::to_string(kFaults) + " mlp");
  supernode_test::ExpectSame(one, mpi);
}

}  // namespace
}  // namespace luoshu::collective_test
