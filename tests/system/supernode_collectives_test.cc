// The collectives and the tensor-parallel MLP on the RTL (SPMD, tb/soc/supernode.h, one thread
// per chip): a ring of 2, a ring of 4 and a 2 x 2 torus, with 0.5 % of the frames of every kind
// corrupted and 0.5 % dropped on every link; bit-exact against the host reference on every
// rank. The 8-chip runs are in supernode_collectives_long_test.cc (label long). The ring of 4
// also on the benchmark's chip (soc_chip_w64: 64-bit lanes, remote writes buffered in the
// proxy).
#include "Vsoc_chip_w64.h"
#include "Vsoc_chip_w64_params.h"
#include "sw/common/shell.h"
#include "tests/system/collective_rtl_cases.h"
#include "tests/system/supernode_checks.h"

namespace luoshu::collective_test {
namespace {

constexpr double kFaults = 0.005;

TEST(SupernodeCollectivesTest, RingOfTwo) {
  const uint64_t seed = tb::SeedFromEnv(1401);
  RunOnRtl(Topology::Ring(2), seed, kFaults,
           [&](Communicator& comm, Device& dev) { return AllCollectives(comm, dev, seed); });
}

TEST(SupernodeCollectivesTest, RingOfFour) {
  const uint64_t seed = tb::SeedFromEnv(1402);
  RunOnRtl(Topology::Ring(4), seed, kFaults,
           [&](Communicator& comm, Device& dev) { return AllCollectives(comm, dev, seed); });
}

TEST(SupernodeCollectivesTest, RingOfFourOnTheBenchmarkChip) {
  static_assert(VerilatedParams<Vsoc_chip_w64>::ProxyWriteBufBeats > 0);
  const uint64_t seed = tb::SeedFromEnv(1406);
  RunOnRtl<Vsoc_chip_w64>(Topology::Ring(4), seed, kFaults, [&](Communicator& comm, Device& dev) {
    return AllCollectives(comm, dev, seed);
  });
}

TEST(SupernodeCollectivesTest, TwoByTwoTorus) {
  const uint64_t seed = tb::SeedFromEnv(1403);
  RunOnRtl(Topology::Torus(2, 2), seed, kFaults,
           [&](Communicator& comm, Device& dev) { return AllCollectives(comm, dev, seed); });
}

TEST(SupernodeCollectivesTest, TensorParallelMlpOnFourChips) {
  const uint64_t seed = tb::SeedFromEnv(1404);
  RunOnRtl(Topology::Torus(2, 2), seed, kFaults, [&](Communicator& comm, Device& dev) {
    return TensorParallelMlpCase(dev, comm, seed, {8, 16, 30, 12}, true).error;
  });
}

// The same program under mpirun, one process per chip: the same cycles, memory images and link
// statistics as in one process (and every rank's check passes in both).
void ExpectMpiMatchesOneProcess(const Topology& t, uint64_t seed, double fault_rate,
                                const std::string& name) {
  if (!tb::spmd::MpiBuilt()) GTEST_SKIP() << "this build has no MPI (Open MPI not found by CMake)";
  if (tb::spmd::MpirunPath().empty()) GTEST_SKIP() << "no mpirun was found by CMake";
  const auto one = RunOnRtl(t, seed, fault_rate, NamedCase(name, seed));
  const auto mpi = supernode_test::RunWorkerUnderMpi(
      t.chips(), ShellWord(LUOSHU_COLLECTIVES_WORKER) + " " + std::to_string(t.dim_x) + " " +
                     std::to_string(t.dim_y) + " " + std::to_string(seed) + " " +
                     std::to_string(fault_rate) + " " + name);
  supernode_test::ExpectSame(one, mpi);
}

TEST(SupernodeCollectivesMpiTest, RingOfTwoMatchesOneProcess) {
  ExpectMpiMatchesOneProcess(Topology::Ring(2), tb::SeedFromEnv(1405), kFaults, "all");
}

}  // namespace
}  // namespace luoshu::collective_test
