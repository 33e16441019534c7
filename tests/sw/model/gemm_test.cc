// Functional model: the blocked kernel equals the plain reference (including int32
// wrap-around), strided sub-block views work, and bad shapes are refused with a message.
#include "sw/model/gemm.h"

#include <gtest/gtest.h>

#include "tb/options.h"
#include "tb/random.h"
#include "tb/workloads/matrices.h"

namespace luoshu::model {
namespace {

TEST(ModelGemmTest, SmallHandComputedProduct) {
  Matrix<int8_t> a(2, 3), b(3, 2);
  const int8_t av[] = {1, 2, 3, -4, 5, -6}, bv[] = {7, -8, 9, 10, -11, 12};
  std::copy(av, av + 6, a.data());
  std::copy(bv, bv + 6, b.data());
  Matrix<int32_t> c(2, 2);
  GemmInt8(a, b, &c);
  EXPECT_EQ(c.at(0, 0), 1 * 7 + 2 * 9 + 3 * -11);
  EXPECT_EQ(c.at(0, 1), 1 * -8 + 2 * 10 + 3 * 12);
  EXPECT_EQ(c.at(1, 0), -4 * 7 + 5 * 9 + -6 * -11);
  EXPECT_EQ(c.at(1, 1), -4 * -8 + 5 * 10 + -6 * 12);
}

TEST(ModelGemmTest, BlockedKernelMatchesReferenceOnRandomShapes) {
  tb::Rng rng(tb::SeedFromEnv(11));
  SCOPED_TRACE("seed " + std::to_string(rng.seed()));
  for (int trial = 0; trial < 20; ++trial) {
    const int m = rng.Uniform(1, 40), n = rng.Uniform(1, 600), k = rng.Uniform(1, 300);
    auto a = tb::RandomInt8Matrix(&rng, m, k), b = tb::RandomInt8Matrix(&rng, k, n);
    Matrix<int32_t> c(m, n), ref(m, n);
    const bool acc = rng.Chance(0.5);
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < n; ++j) c.at(i, j) = ref.at(i, j) = static_cast<int32_t>(rng.Bits64());
    GemmInt8(a, b, &c, acc);
    GemmInt8Reference(a, b, &ref, acc);
    ASSERT_EQ(c, ref) << "m=" << m << " n=" << n << " k=" << k << " acc=" << acc;
  }
}

TEST(ModelGemmTest, AccumulatorWrapsLikeA32BitAdder) {
  // 1 x 1 output, k terms of (-128)(-128) = 16384 each, starting near INT32_MAX.
  const int k = 8;
  Matrix<int8_t> a(1, k, -128), b(k, 1, -128);
  Matrix<int32_t> c(1, 1, 0x7FFFFFF0);
  GemmInt8(a, b, &c, /*accumulate=*/true);
  const uint32_t expect = 0x7FFFFFF0u + 8u * 16384u;
  EXPECT_EQ(c.at(0, 0), static_cast<int32_t>(expect));
  EXPECT_LT(c.at(0, 0), 0) << "must wrap negative, like the RTL";
}

TEST(ModelGemmTest, StridedSubBlock) {
  tb::Rng rng(5);
  auto a = tb::RandomInt8Matrix(&rng, 8, 8), b = tb::RandomInt8Matrix(&rng, 8, 8);
  Matrix<int32_t> c(8, 8, 0);
  // C[2:5, 1:4] = A[2:5, 0:6] * B[0:6, 1:4]
  GemmInt8(&a.at(2, 0), &b.at(0, 1), &c.at(2, 1), {3, 3, 6, 8, 8, 8}, false);
  for (int i = 0; i < 8; ++i)
    for (int j = 0; j < 8; ++j) {
      int32_t want = 0;
      if (i >= 2 && i < 5 && j >= 1 && j < 4)
        for (int k = 0; k < 6; ++k) want += a.at(i, k) * b.at(k, j);
      EXPECT_EQ(c.at(i, j), want) << i << "," << j;
    }
}

TEST(ModelGemmTest, RejectsBadShapesWithAMessage) {
  Matrix<int8_t> a(2, 3), b(4, 2);
  Matrix<int32_t> c(2, 2);
  EXPECT_THROW(
      {
        try {
          GemmInt8(a, b, &c);
        } catch (const std::invalid_argument& e) {
          EXPECT_NE(std::string(e.what()).find("inner dimensions differ"), std::string::npos);
          throw;
        }
      },
      std::invalid_argument);
  int8_t x[4] = {};
  int32_t y[4] = {};
  EXPECT_THROW(GemmInt8(x, x, y, {0, 2, 2, 0, 0, 0}, false), std::invalid_argument);
  EXPECT_THROW(GemmInt8(x, x, y, {2, 2, 2, 1, 0, 0}, false), std::invalid_argument);
  EXPECT_THROW(GemmInt8(nullptr, x, y, {1, 1, 1, 0, 0, 0}, false), std::invalid_argument);
  EXPECT_THROW(Matrix<int8_t>(-1, 2), std::invalid_argument);
}

}  // namespace
}  // namespace luoshu::model
