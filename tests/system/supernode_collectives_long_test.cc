// The collectives and the tensor-parallel MLP on 8 Verilated chips (label long): a ring of 8
// and a 2 x 4 torus, 1 % + 1 % link faults, larger sizes than the default suite's.
#include "tests/system/collective_rtl_cases.h"

namespace luoshu::collective_test {
namespace {

constexpr double kFaults = 0.01;

TEST(SupernodeCollectivesLongTest, RingOfEight) {
  const uint64_t seed = tb::SeedFromEnv(1411);
  RunOnRtl(Topology::Ring(8), seed, kFaults, [&](Communicator& comm, Device& dev) {
    return AllCollectives(comm, dev, seed) + AllReduceCase(dev, comm, seed + 9, 20011).error +
           TensorParallelMlpCase(dev, comm, seed, {8, 16, 64, 12}, true).error;
  });
}

TEST(SupernodeCollectivesLongTest, TwoByFourTorus) {
  const uint64_t seed = tb::SeedFromEnv(1412);
  RunOnRtl(Topology::Torus(2, 4), seed, kFaults, [&](Communicator& comm, Device& dev) {
    return AllCollectives(comm, dev, seed) + AllReduceCase(dev, comm, seed + 9, 20011).error +
           TensorParallelMlpCase(dev, comm, seed, {8, 16, 64, 12}, true).error;
  });
}

}  // namespace
}  // namespace luoshu::collective_test
