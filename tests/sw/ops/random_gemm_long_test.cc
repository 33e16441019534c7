// The seeded random differential test of ops::Gemm at length (opt-in: ctest -L random):
// 2000 random cases (M, N, K in 1..300, random epilogue, cores and split) on the model
// backend, bit-exact against model::LinearInt32 / LinearInt8.
#include <gtest/gtest.h>

#include <memory>

#include "sw/model/soc_model.h"
#include "tests/sw/ops/gemm_cases.h"

namespace luoshu::gemm_test {
namespace {

TEST(OpsGemmLongTest, TwoThousandRandomShapesMatchTheReference) {
  Device dev(std::make_unique<model::SocModel>(hal::FindSocConfig("default")));
  CheckRandomCases(dev, /*default_seed=*/2000, /*count=*/2000, /*max_extent=*/300);
}

TEST(OpsGemmLongTest, RandomShapesOnTheSmallSocMatchTheReference) {
  Device dev(std::make_unique<model::SocModel>(hal::FindSocConfig("small")));
  CheckRandomCases(dev, /*default_seed=*/2001, /*count=*/500, /*max_extent=*/300);
}

}  // namespace
}  // namespace luoshu::gemm_test
