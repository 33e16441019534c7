// The system tests' random cases at length (opt-in: ctest -L random): 1000 random GEMMs per
// SoC on the RTL backend (M, N, K in 1..96), 300 more under memory stalls, and model / RTL
// agreement on twenty random programs per SoC.
#include <gtest/gtest.h>

#include <string>

#include "tb/gtest_util.h"
#include "tb/options.h"
#include "tests/sw/ops/gemm_cases.h"
#include "tests/system/system_cases.h"

namespace luoshu::system_test {
namespace {

class SystemLong : public ::testing::TestWithParam<std::string> {};

TEST_P(SystemLong, RandomShapesMatchTheReference) {
  Device dev = OpenRtl(GetParam());
  gemm_test::CheckRandomCases(dev, /*default_seed=*/302, /*count=*/1000, /*max_extent=*/96);
}

TEST_P(SystemLong, RandomShapesUnderMemoryStallsMatchTheReference) {
  Device dev = OpenRtl(GetParam(), /*mem_stall=*/0.5, /*mem_latency=*/11);
  gemm_test::CheckRandomCases(dev, /*default_seed=*/303, /*count=*/300, /*max_extent=*/96);
}

TEST_P(SystemLong, RandomProgramsGiveTheSameBuffersOnBothBackends) {
  for (tb::Round& r : tb::Rounds(tb::SeedFromEnv(308), 20)) {
    const uint64_t seed = r.seed;
    Device model = OpenModel(GetParam());
    Device rtl = OpenRtl(GetParam());
    EXPECT_TRUE(SameResults(RunRandomProgram(rtl, seed, 12), RunRandomProgram(model, seed, 12)));
  }
}

INSTANTIATE_TEST_SUITE_P(Socs, SystemLong, ::testing::Values("small", "default"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace luoshu::system_test
