// System tests: real ops through the runtime on the RTL backend (the Verilated SoC, opened by
// name as "rtl"), bit-exact against the host reference and the model backend. Edge shapes x
// every epilogue on the small and the default SoC, every split and core count, seeded random
// cases (also under memory stalls), the MLP and chained layers, a fault on one core while the
// others finish, and model / RTL agreement on a random program. Kept small (M, N, K <= 96) so
// the default suite stays fast; the long versions are in random_system_long_test.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sw/model/soc_model.h"
#include "tb/gtest_util.h"
#include "tb/options.h"
#include "tb/soc/soc.h"
#include "tests/sw/ops/gemm_cases.h"
#include "tests/sw/ops/mlp_cases.h"
#include "tests/sw/runtime/fault_cases.h"
#include "tests/system/system_cases.h"

namespace luoshu::system_test {
namespace {

using gemm_test::AllEpilogues;
using gemm_test::CheckCase;
using gemm_test::EpilogueCase;
using gemm_test::GemmCase;
using gemm_test::SplitsFor;

struct Extents {
  int m, n, k;
};

// Edge shapes at system-test size: single elements, K = 1, N = 1, M = 1, tall and skinny,
// sizes off the cube's 16, aligned, a K longer than the others.
const Extents kShapes[] = {{1, 1, 1},   {33, 17, 1},  {40, 1, 50},  {1, 70, 33},
                           {96, 16, 8}, {17, 33, 45}, {64, 48, 32}, {16, 16, 300}};

class SystemGemm : public ::testing::TestWithParam<std::string> {};

// Every edge shape x every epilogue: 256 GEMMs on all cores, auto split.
TEST_P(SystemGemm, EveryEpilogueOnEdgeShapesMatchesTheReference) {
  Device dev = OpenRtl(GetParam());
  tb::Rng rng(tb::SeedFromEnv(101));
  for (const Extents& e : kShapes) {
    for (const EpilogueCase& ep : AllEpilogues()) {
      GemmCase g;
      g.m = e.m, g.n = e.n, g.k = e.k;
      g.ep = ep;
      EXPECT_TRUE(CheckCase(dev, &rng, g));
    }
  }
}

TEST_P(SystemGemm, RandomShapesMatchTheReference) {
  Device dev = OpenRtl(GetParam());
  gemm_test::CheckRandomCases(dev, /*default_seed=*/102, /*count=*/30, /*max_extent=*/96);
}

// Every random test also runs with stalls on the memory handshakes.
TEST_P(SystemGemm, RandomShapesUnderMemoryStallsMatchTheReference) {
  Device dev = OpenRtl(GetParam(), /*mem_stall=*/0.3, /*mem_latency=*/37);
  gemm_test::CheckRandomCases(dev, /*default_seed=*/103, /*count=*/10, /*max_extent=*/96);
}

INSTANTIATE_TEST_SUITE_P(Socs, SystemGemm, ::testing::Values("small", "default"),
                         [](const auto& info) { return info.param; });

TEST(SystemGemmDefault, EverySplitAndCoreCountMatchesTheReference) {
  Device dev = OpenRtl("default");
  tb::Rng rng(tb::SeedFromEnv(104));
  const EpilogueCase eps[] = {{true, true, false, 1, 0}, {true, false, true, -5, 6}};
  for (int cores = 1; cores <= dev.cores(); ++cores) {
    for (ops::Split split : SplitsFor(cores)) {
      for (const EpilogueCase& ep : eps) {
        GemmCase g;
        g.m = 70, g.n = 50, g.k = 40;
        g.ep = ep;
        g.cores = cores;
        g.split = split;
        EXPECT_TRUE(CheckCase(dev, &rng, g));
      }
    }
  }
  // Explicit tiles: several K steps through both L0 halves, several output tiles per core.
  GemmCase g;
  g.m = 90, g.n = 70, g.k = 96;
  g.ep = {true, true, true, 21, 12};
  g.split = ops::Split::kGrid;
  g.tile_m = 16, g.tile_n = 32, g.tile_k = 20;
  EXPECT_TRUE(CheckCase(dev, &rng, g));
}

TEST(SystemMlp, MatchesTheReferenceOnTheDefaultSoc) {
  Device dev = OpenRtl("default");
  tb::Rng rng(tb::SeedFromEnv(105));
  const gemm_test::MlpShape shapes[] = {{64, 96, 48, 10}, {37, 33, 70, 17}, {1, 20, 30, 5}};
  for (const auto& s : shapes) EXPECT_TRUE(gemm_test::CheckMlp(dev, &rng, s, 0, true));
  EXPECT_TRUE(gemm_test::CheckMlp(dev, &rng, {50, 40, 24, 8}, 3, false));
}

TEST(SystemMlp, ChainedLayersMatchTheReferenceOnTheDefaultSoc) {
  Device dev = OpenRtl("default");
  tb::Rng rng(tb::SeedFromEnv(106));
  EXPECT_TRUE(gemm_test::CheckChain(dev, &rng, 90, {40, 70, 33, 24}, 0));
}

TEST(SystemFault, AnAccessFaultIsContainedToItsCoreOnTheDefaultSoc) {
  Device dev = OpenRtl("default");
  tb::Rng rng(tb::SeedFromEnv(107));
  fault_test::CheckAccessFaultIsContained(dev, &rng, 3);
  fault_test::CheckAccessFaultIsContained(dev, &rng, 1);
}

TEST(SystemFault, ATokenDeadlockIsReportedQuicklyOnTheDefaultSoc) {
  Device dev = OpenRtl("default");
  tb::Rng rng(tb::SeedFromEnv(109));
  fault_test::CheckTokenDeadlockIsReported(dev, &rng, 2);
}

TEST(SystemFault, ABlockedCoreIsReportedAsAHangOnTheDefaultSoc) {
  Device dev = OpenRtl("default");
  fault_test::CheckBlockedCoreIsAHang(dev, 3);
}

// The same random program (GEMMs with every kind of epilogue, split and core count, chained
// layers, an MLP, all enqueued before one Synchronize) on both backends gives the same bytes
// in every output buffer and the same MACs per core.
class SystemAgreement : public ::testing::TestWithParam<std::string> {};

TEST_P(SystemAgreement, RandomProgramGivesTheSameBuffersOnBothBackends) {
  const uint64_t seed = tb::SeedFromEnv(108);
  Device model = OpenModel(GetParam());
  Device rtl = OpenRtl(GetParam());
  const ProgramResult on_model = RunRandomProgram(model, seed, /*steps=*/8);
  const ProgramResult on_rtl = RunRandomProgram(rtl, seed, /*steps=*/8);
  EXPECT_TRUE(SameResults(on_rtl, on_model));
}

INSTANTIATE_TEST_SUITE_P(Socs, SystemAgreement, ::testing::Values("small", "default"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace luoshu::system_test
