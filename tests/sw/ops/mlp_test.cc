// Layers on the device without a host round trip, on the model backend: ops::Mlp against the
// reference built from model::LinearInt8 + LinearInt32, and GEMMs chained back to back (the
// next reads the previous one's output, split in row bands, no Synchronize in between).
#include "sw/ops/mlp.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "sw/model/gemm.h"
#include "sw/model/soc_model.h"
#include "tb/gtest_util.h"
#include "tb/options.h"
#include "tests/sw/ops/mlp_cases.h"

namespace luoshu::gemm_test {
namespace {

using ::testing::HasSubstr;

Device ModelDevice(const std::string& soc = "default") {
  return Device(std::make_unique<model::SocModel>(hal::FindSocConfig(soc)));
}

TEST(OpsMlpTest, MatchesTheReference) {
  Device dev = ModelDevice();
  tb::Rng rng(tb::SeedFromEnv(71));
  const MlpShape shapes[] = {{1, 1, 1, 1},      {64, 96, 48, 10}, {100, 33, 70, 17},
                             {200, 64, 128, 5}, {17, 300, 20, 1}, {5, 8, 200, 40}};
  for (const MlpShape& s : shapes) {
    for (int cores = 0; cores <= dev.cores(); ++cores) {
      EXPECT_TRUE(CheckMlp(dev, &rng, s, cores, /*biases=*/cores != 2));
    }
  }
}

TEST(OpsMlpTest, RunsOnTheSmallSoc) {
  Device dev = ModelDevice("small");
  tb::Rng rng(tb::SeedFromEnv(72));
  EXPECT_TRUE(CheckMlp(dev, &rng, {70, 40, 50, 9}, 0, true));
}

TEST(OpsMlpTest, BadShapesAreRefused) {
  Device dev = ModelDevice();
  ops::MlpWeights w;
  w.w1 = Matrix<int8_t>(8, 16);
  w.w2 = Matrix<int8_t>(16, 4);
  const Matrix<int8_t> x(3, 8);
  EXPECT_NO_THROW(ops::CheckMlp(x, w));
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([&] { ops::CheckMlp(Matrix<int8_t>(3, 9), w); }),
              HasSubstr("X is 3x9 and W1 is 8x16"));
  ops::MlpWeights bad = w;
  bad.w2 = Matrix<int8_t>(15, 4);
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([&] { ops::Mlp(dev, bad); }),
              HasSubstr("W1 is 8x16 and W2 is 15x4"));
  bad = w;
  bad.b1.assign(15, 0);
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([&] { ops::Mlp(dev, bad); }),
              HasSubstr("b1 has 15 values, the hidden layer has 16"));
  bad = w;
  bad.b2.assign(5, 0);
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([&] { ops::Mlp(dev, bad); }),
              HasSubstr("b2 has 5 values, the output has 4"));
  bad = w;
  bad.shift1 = 32;
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([&] { ops::Mlp(dev, bad); }), HasSubstr("0..31"));
  bad = w;
  bad.scale1 = 40000;
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([&] { ops::Mlp(dev, bad); }), HasSubstr("int16"));
  const size_t blocks = dev.allocator().live_blocks();
  ops::Mlp mlp(dev, w);
  Buffer x9 = dev.Upload(Matrix<int8_t>(3, 9));
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([&] { mlp.Enqueue(x9); }),
              HasSubstr("X must be int8 batch x 8, got int8 3x9"));
  Buffer x32 = dev.Alloc({3, 8}, DType::kInt32);
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([&] { mlp.Enqueue(x32); }), HasSubstr("got int32 3x8"));
  for (int c = 0; c < dev.cores(); ++c) EXPECT_EQ(dev.stream(c).pending(), 0u);
  EXPECT_EQ(dev.allocator().live_blocks(), blocks + 2 + 2) << "the weights and the two inputs";
}

// Three GEMMs back to back on the same row bands: X -> H1 (int8) -> H2 (int8) -> Y (int32),
// no Synchronize in between; each core's rows of the next layer depend only on its own.
TEST(OpsChainTest, BackToBackGemmsReadThePreviousOutput) {
  Device dev = ModelDevice();
  tb::Rng rng(tb::SeedFromEnv(81));
  for (int cores : {0, 3, 1}) {
    for (int batch : {100, 16, 250}) {
      EXPECT_TRUE(CheckChain(dev, &rng, batch, {40, 70, 33, 24}, cores)) << "batch " << batch;
    }
  }
}

}  // namespace
}  // namespace luoshu::gemm_test
