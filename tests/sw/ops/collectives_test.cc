// The collectives (sw/ops/collectives.h) and the tensor-parallel MLP on the functional model:
// plans executed on CoreModels over one image of every chip's memory (rings of 2..8 chips,
// 2 x 2, 2 x 4 and 4 x 2 tori, odd sizes, 1 and 3 cores, ranks in random order per step),
// the plans' own race check, the SPMD runtime path (threads, Devices, Barrier) and the
// refusals. The same cases run on the RTL in tests/system/supernode_collectives_test.cc.
#include "sw/ops/collectives.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tb/gtest_util.h"
#include "tb/options.h"
#include "tests/sw/ops/collective_cases.h"
#include "tests/sw/ops/supernode_model.h"

namespace luoshu::collective_test {
namespace {

using ops::AllReduceAlgorithm;
using ops::CollectiveTopology;
using ::testing::HasSubstr;

constexpr uint64_t kChipBytes = 1 << 20;
constexpr uint64_t kBufOffset = 0x1040;  // not a power of two: no accidental alignment
constexpr uint64_t kScratchOffset = 0x40000;

std::vector<CollectiveTopology> Topologies() {
  std::vector<CollectiveTopology> t;
  for (int n = 2; n <= 8; ++n) t.push_back({n, n, 1});
  t.push_back({4, 2, 2});
  t.push_back({8, 2, 4});
  t.push_back({8, 4, 2});
  return t;
}

std::string Name(const CollectiveTopology& t) {
  return std::to_string(t.dim_x) + "x" + std::to_string(t.dim_y);
}

// Every rank's plan from `plan_of(rank)`, checked for races, executed; each rank's buffer
// starts as `initial(rank)` (bytes). Returns the failure or "".
template <class PlanOf, class Initial>
std::string RunOnCoreModels(const CollectiveTopology& t, int cores, uint64_t bytes, uint64_t seed,
                            PlanOf plan_of, Initial initial, model::DeviceMemory* mem) {
  std::vector<ops::CollectivePlan> plans;
  for (int r = 0; r < t.size; ++r) {
    plans.push_back(plan_of(r));
    const std::vector<uint8_t> init = initial(r);
    mem->Write(ChipBase(r) + kBufOffset, init.data(), bytes);
  }
  const std::string race = CheckPlanRaces(plans);
  if (!race.empty()) return "race: " + race;
  return ExecutePlans(plans, mem, kChipBytes, cores, seed);
}

std::vector<uint8_t> Bytes(const std::vector<int32_t>& v) {
  std::vector<uint8_t> b(v.size() * 4);
  std::memcpy(b.data(), v.data(), b.size());
  return b;
}

std::vector<int32_t> Int32At(model::DeviceMemory& mem, uint64_t addr, uint64_t n) {
  std::vector<int32_t> v(n);
  mem.Read(addr, v.data(), n * 4);
  return v;
}

TEST(CollectivePlanTest, AllReduceMatchesTheHostReference) {
  const uint64_t seed = tb::SeedFromEnv(1301);
  const uint64_t sizes[] = {1, 7, 1000, 4099, 20001};
  int cases = 0;
  for (const auto& t : Topologies()) {
    for (auto algo : {AllReduceAlgorithm::kRing, AllReduceAlgorithm::kTorus2d}) {
      if (algo == AllReduceAlgorithm::kTorus2d && t.dim_y == 1) continue;
      for (uint64_t e : sizes) {
        for (int cores : {1, 3}) {
          const std::string what = Name(t) + " " + ops::AllReduceAlgorithmName(algo) + ", " +
                                   std::to_string(e) + " values, " + std::to_string(cores) +
                                   " cores" + (cores == 3 ? ", push" : ", pull");
          auto mem = SupernodeMemory(t.size, kChipBytes);
          ops::CollectiveOptions o;
          o.algorithm = algo;
          o.push = cores == 3;  // the all-gather phase pushes
          const uint64_t s = seed + e + t.size;
          const std::string err = RunOnCoreModels(
              t, cores, e * 4, seed,
              [&](int r) {
                return ops::PlanAllReduce(t, r, cores, ChipBase(r) + kBufOffset, e, o,
                                          ChipBase(r) + kScratchOffset);
              },
              [&](int r) { return Bytes(RankData(s, r, e)); }, mem.get());
          ASSERT_EQ(err, "") << what;
          const auto want = SumOfRanks(s, t.size, e);
          for (int r = 0; r < t.size; ++r) {
            ASSERT_EQ(FirstDifference(Int32At(*mem, ChipBase(r) + kBufOffset, e), want), "")
                << what << ", rank " << r;
          }
          // Nothing beyond the buffer was touched.
          EXPECT_EQ(mem->Read32(ChipBase(t.size - 1) + kBufOffset + e * 4), 0u) << what;
          ++cases;
        }
      }
    }
  }
  EXPECT_EQ(cases, 130);  // 7 rings x 5 sizes x 2 core counts + 3 tori x 2 algorithms x 10
}

TEST(CollectivePlanTest, AllReduceStepsAndLinkTraffic) {
  // Ring: 2 (n - 1) steps, each pulling 1/n of the buffer; torus 2 x 4: 2 (1 + 3) steps,
  // 2 (1/2 + 3/8) of the buffer pulled.
  // The same for push (the reduce-scatter's final add shares a step with the next phase).
  const uint64_t e = 8 * 1024;
  for (bool push : {false, true}) {
    ops::CollectiveOptions o;
    o.push = push;
    const uint64_t scratch = push ? ChipBase(3) + 0x80000 : 0;
    auto ring = ops::PlanAllReduce({8, 8, 1}, 3, 1, ChipBase(3) + 0x1000, e, o, scratch);
    EXPECT_EQ(ring.steps.size(), 14u);
    EXPECT_EQ(ring.link_bytes, e * 4 * 2 * 7 / 8);
    EXPECT_EQ(ring.name, push ? "allreduce ring push" : "allreduce ring pull");
    auto torus = ops::PlanAllReduce({8, 2, 4}, 3, 4, ChipBase(3) + 0x1000, e, o, scratch);
    EXPECT_EQ(torus.name, push ? "allreduce torus2d push" : "allreduce torus2d pull");
    // Rows of 2 pull, columns of 4 push: 1 + (3 + 1) + (3 - 1, joined) + 1.
    EXPECT_EQ(torus.steps.size(), 8u);
    EXPECT_EQ(torus.link_bytes, e * 4 * 2 * (4 + 3) / 8);
    for (const auto& s : torus.steps) EXPECT_EQ(s.work.size(), 4u);  // every core has a share
  }
  EXPECT_EQ(ops::AllReduceScratchBytes({8, 8, 1}, e), 2 * e * 4 / 8);
  EXPECT_EQ(ops::AllReduceScratchBytes({8, 2, 4}, e), 2 * e * 4 / 2);
  EXPECT_EQ(ops::AllReduceScratchBytes({8, 8, 1}, 9), 128u);  // whole 64-byte halves
  // Long transfers are runs of commands of at most command_bytes (default 256 KiB).
  ops::CollectiveOptions pull;
  pull.push = false;
  auto big = ops::PlanAllReduce({2, 2, 1}, 0, 1, ChipBase(0) + 0x1000, 1 << 20, pull);
  EXPECT_EQ(big.steps[0].work[0].commands.size(), 8u);  // 2 MiB
  ops::CollectiveOptions o = pull;
  o.command_bytes = 10000;  // two 4 KiB rows
  auto small = ops::PlanAllReduce({2, 2, 1}, 0, 1, ChipBase(0) + 0x1000, 1 << 14, o);
  for (const auto& d : small.steps[0].work[0].commands) {
    EXPECT_LE(isa::VectorCommandOf(d).rows, 2u);
  }
  EXPECT_EQ(small.steps[0].work[0].commands.size(), 4u);  // 32 KiB
}

TEST(CollectivePlanTest, SmallCommandsGiveTheSameSum) {
  const CollectiveTopology t{3, 3, 1};
  const uint64_t e = 10000, seed = tb::SeedFromEnv(1306);
  ops::CollectiveOptions o;
  o.command_bytes = 4096;
  auto mem = SupernodeMemory(t.size, kChipBytes);
  ASSERT_EQ(RunOnCoreModels(
                t, 2, e * 4, seed,
                [&](int r) {
                  return ops::PlanAllReduce(t, r, 2, ChipBase(r) + kBufOffset, e, o,
                                            ChipBase(r) + kScratchOffset);
                },
                [&](int r) { return Bytes(RankData(seed, r, e)); }, mem.get()),
            "");
  for (int r = 0; r < t.size; ++r) {
    EXPECT_EQ(FirstDifference(Int32At(*mem, ChipBase(r) + kBufOffset, e), SumOfRanks(seed, 3, e)),
              "");
  }
}

TEST(CollectivePlanTest, AllGatherMatchesTheHostReference) {
  const uint64_t seed = tb::SeedFromEnv(1302);
  for (const auto& t : Topologies()) {
    for (uint64_t part : {1, 13, 4096, 5003}) {
      for (int cores : {1, 3}) {
        ops::CollectiveOptions o;
        o.push = cores == 3;
        const uint64_t bytes = part * t.size;
        auto mem = SupernodeMemory(t.size, kChipBytes);
        auto data = [&](int r) {
          std::vector<uint8_t> v(bytes);
          tb::Rng rng(seed * 31 + r);
          for (auto& b : v) b = static_cast<uint8_t>(rng.Bits64());
          return v;
        };
        const std::string err = RunOnCoreModels(
            t, cores, bytes, seed,
            [&](int r) {
              return ops::PlanAllGather(t, r, cores, ChipBase(r) + kBufOffset, bytes, o);
            },
            data, mem.get());
        ASSERT_EQ(err, "") << Name(t);
        std::vector<uint8_t> want(bytes);
        for (int r = 0; r < t.size; ++r) {
          const auto d = data(r);
          std::copy(d.begin() + part * r, d.begin() + part * (r + 1), want.begin() + part * r);
        }
        for (int r = 0; r < t.size; ++r) {
          std::vector<uint8_t> got(bytes);
          mem->Read(ChipBase(r) + kBufOffset, got.data(), bytes);
          ASSERT_EQ(got, want) << Name(t) << ", part " << part << ", rank " << r;
        }
      }
    }
  }
}

TEST(CollectivePlanTest, BroadcastMatchesTheHostReference) {
  const uint64_t seed = tb::SeedFromEnv(1303);
  for (const auto& t : Topologies()) {
    for (int root : {0, t.size - 1, t.size / 2}) {
      for (int pieces : {0, 1, 5}) {
        const uint64_t e = 3001;
        ops::CollectiveOptions o;
        o.pieces = pieces;
        o.push = pieces != 1;
        auto mem = SupernodeMemory(t.size, kChipBytes);
        const std::string err = RunOnCoreModels(
            t, 2, e * 4, seed,
            [&](int r) {
              return ops::PlanBroadcast(t, r, 2, ChipBase(r) + kBufOffset, e * 4, root, o);
            },
            [&](int r) { return Bytes(RankData(seed, r, e)); }, mem.get());
        ASSERT_EQ(err, "") << Name(t) << " root " << root;
        for (int r = 0; r < t.size; ++r) {
          ASSERT_EQ(
              FirstDifference(Int32At(*mem, ChipBase(r) + kBufOffset, e), RankData(seed, root, e)),
              "")
              << Name(t) << ", root " << root << ", pieces " << pieces << ", rank " << r;
        }
      }
    }
  }
}

TEST(CollectivePlanTest, TheRaceCheckFindsAStepWithoutItsBarrier) {
  // Merging two consecutive reduce-scatter steps into one is the bug the barriers prevent:
  // the check must see it.
  const CollectiveTopology t{4, 4, 1};
  std::vector<ops::CollectivePlan> plans;
  for (int r = 0; r < 4; ++r) {
    ops::CollectiveOptions pull;
    pull.push = false;
    auto p = ops::PlanAllReduce(t, r, 1, ChipBase(r) + 0x1000, 4096, pull);
    ASSERT_EQ(CheckPlanRaces({p}), "");
    auto& a = p.steps[0].work[0].commands;
    const auto& b = p.steps[1].work[0].commands;
    a.insert(a.end(), b.begin(), b.end());
    p.steps.erase(p.steps.begin() + 1);
    plans.push_back(p);
  }
  EXPECT_THAT(CheckPlanRaces(plans), HasSubstr("reads what rank"));
  // The 4 x 2 torus's column phase joined to the rows' final add (step 3): a race (between
  // the cores of a rank, and the columns' pull reads what the neighbour adds).
  std::vector<ops::CollectivePlan> joined;
  const CollectiveTopology torus{8, 4, 2};
  for (int r = 0; r < 8; ++r) {
    auto p = ops::PlanAllReduce(torus, r, 3, ChipBase(r) + 0x1000, 4096, {}, ChipBase(r) + 0x80000);
    ASSERT_EQ(CheckPlanRaces({p}), "");
    for (auto& w : p.steps[4].work) {
      for (auto& w3 : p.steps[3].work) {
        if (w3.core == w.core) {
          w3.commands.insert(w3.commands.end(), w.commands.begin(), w.commands.end());
        }
      }
    }
    p.steps.erase(p.steps.begin() + 4);
    joined.push_back(p);
  }
  EXPECT_THAT(CheckPlanRaces(joined), HasSubstr("what rank"));
}

TEST(CollectivePlanTest, RingOrderJoinsNeighbours) {
  EXPECT_EQ(ops::RingOrder({4, 4, 1}), (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(ops::RingOrder({4, 2, 2}), (std::vector<int>{0, 1, 3, 2}));
  EXPECT_EQ(ops::RingOrder({8, 2, 4}), (std::vector<int>{0, 1, 3, 2, 4, 5, 7, 6}));
  EXPECT_EQ(ops::RingOrder({8, 4, 2}), (std::vector<int>{0, 1, 2, 3, 7, 6, 5, 4}));
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([] {
                ops::RingOrder({9, 3, 3});
              }),
              HasSubstr("use the torus2d algorithm"));
}

TEST(CollectivePlanTest, BadInputIsRefused) {
  const CollectiveTopology ring{4, 4, 1};
  const uint64_t a = ChipBase(1) + 0x1000;
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([&] {
                ops::CollectiveOptions o;
                o.algorithm = AllReduceAlgorithm::kTorus2d;
                ops::PlanAllReduce(ring, 1, 1, a, 100, o);
              }),
              HasSubstr("needs a torus with dim_x and dim_y >= 2, got 4 chips (4 x 1): use the "
                        "ring algorithm"));
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([&] { ops::PlanAllGather(ring, 1, 1, a, 10); }),
              HasSubstr("10 bytes are not divisible by the 4 ranks"));
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([&] { ops::PlanAllReduce(ring, 1, 1, a, 0); }),
              HasSubstr("the buffer is empty"));
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([&] { ops::PlanAllReduce(ring, 2, 1, a, 100); }),
              HasSubstr("is not in rank 2's chip memory"));
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([&] {
                ops::PlanAllReduce({4, 3, 1}, 1, 1, a, 100);
              }),
              HasSubstr("is not dim_x x dim_y chips"));
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([&] { ops::PlanAllReduce(ring, 4, 1, a, 100); }),
              HasSubstr("rank 4 is not one of the 4 chips"));
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([&] { ops::PlanBroadcast(ring, 1, 1, a, 64, 7); }),
              HasSubstr("the root 7 is not one of the 4 ranks"));
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([&] { ops::PlanAllReduce(ring, 1, 0, a, 100); }),
              HasSubstr("needs at least one core"));
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([&] { ops::PlanAllReduce(ring, 1, 1, a, 100); }),
              HasSubstr("pushing needs a scratch buffer of AllReduceScratchBytes() = 256 bytes "
                        "at the same offset on every rank (or set push = false)"));
}

// ---- the runtime path: Devices, threads, Barrier

TEST(CollectiveRuntimeTest, AllReduceAllGatherBroadcastOnFourChips) {
  const uint64_t seed = tb::SeedFromEnv(1304);
  for (const CollectiveTopology& t : {CollectiveTopology{4, 4, 1}, CollectiveTopology{4, 2, 2}}) {
    ModelSupernode sn(t);
    std::vector<std::string> errors(t.size);
    sn.Run([&](Communicator& comm, Device& dev) {
      Buffer skew = dev.Alloc({100}, DType::kInt8);  // symmetric: the same on every rank
      std::string& err = errors[comm.rank()];
      CaseResult a = AllReduceCase(dev, comm, seed, 12345);
      err += a.error;
      EXPECT_EQ(a.run.steps, t.dim_y > 1 ? 4 : 6);
      EXPECT_GT(a.run.cycles(), 0u);
      err += AllGatherCase(dev, comm, seed, 4 * 999).error;
      err += BroadcastCase(dev, comm, seed, 777, 2).error;
      ops::CollectiveOptions one;
      one.cores = 1;
      err += AllReduceCase(dev, comm, seed + 1, 33, one).error;
    });
    for (int r = 0; r < t.size; ++r) EXPECT_EQ(errors[r], "") << Name(t) << " rank " << r;
  }
}

TEST(CollectiveRuntimeTest, BadBuffersAreRefused) {
  ModelSupernode sn({2, 2, 1});
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([&] {
                sn.Run([](Communicator& comm, Device& dev) {
                  Buffer b = dev.Alloc({16}, DType::kInt8);
                  ops::AllReduce(dev, comm, &b);
                });
              }),
              HasSubstr("sums int32 values, the buffer is int8 16: allocate it as "
                        "DType::kInt32"));
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([&] {
                sn.Run([](Communicator& comm, Device& dev) {
                  Buffer b = dev.Alloc({16}, DType::kInt32);
                  ops::CollectiveOptions o;
                  o.cores = 9;
                  ops::AllReduce(dev, comm, &b, o);
                });
              }),
              HasSubstr("cores 9 is not 0 (all) or 1..4"));
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([&] {
                sn.Run([](Communicator& comm, Device& dev) {
                  Buffer b;
                  ops::AllGather(dev, comm, &b);
                });
              }),
              HasSubstr("the buffer must be allocated"));
}

TEST(TensorParallelMlpTest, MatchesTheOneChipMlp) {
  const uint64_t seed = tb::SeedFromEnv(1305);
  const MlpShape shapes[] = {{16, 32, 64, 24}, {9, 20, 37, 5}, {33, 40, 3, 17}};
  for (const CollectiveTopology& t : {CollectiveTopology{1, 1, 1}, CollectiveTopology{2, 2, 1},
                                      CollectiveTopology{4, 2, 2}, CollectiveTopology{4, 4, 1}}) {
    for (const MlpShape& s : shapes) {
      for (bool biases : {true, false}) {
        ModelSupernode sn(t);
        std::vector<std::string> errors(t.size);
        sn.Run([&](Communicator& comm, Device& dev) {
          MlpCaseResult r = TensorParallelMlpCase(dev, comm, seed, s, biases);
          errors[comm.rank()] = r.error;
          EXPECT_EQ(r.run.hidden.cols(), (s.hidden + t.size - 1) / t.size);
        });
        for (int r = 0; r < t.size; ++r) {
          EXPECT_EQ(errors[r], "") << Name(t) << ", hidden " << s.hidden << ", rank " << r;
        }
      }
    }
  }
}

}  // namespace
}  // namespace luoshu::collective_test
