// ops::Gemm on the model backend, bit-exact against model::LinearInt32 / LinearInt8: edge
// shapes x every epilogue x every split and core count, explicit tiles, hand-computed
// epilogue corners, 200 seeded random cases; bad operands and options refused with a message
// before anything is enqueued; the tiler's tiles fit the L0 halves.
#include "sw/ops/gemm.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "sw/isa/builder.h"
#include "sw/model/soc_model.h"
#include "tb/gtest_util.h"
#include "tb/options.h"
#include "tests/sw/ops/gemm_cases.h"

namespace luoshu::gemm_test {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

Device ModelDevice(const std::string& soc = "default") {
  return Device(std::make_unique<model::SocModel>(hal::FindSocConfig(soc)));
}

struct Extents {
  int m, n, k;
  const char* name;
};

void PrintTo(const Extents& e, std::ostream* os) { *os << e.m << "x" << e.n << "x" << e.k; }

// Edge shapes: single elements, K = 1, N = 1, M = 1, tall and skinny, sizes off the cube's 16,
// a long K that takes several L0 steps.
const Extents kShapes[] = {
    {1, 1, 1, "one"},    {33, 17, 1, "k1"},        {40, 1, 50, "n1"},
    {1, 70, 33, "m1"},   {1000, 16, 8, "tall"},    {397, 64, 64, "m397"},
    {17, 33, 45, "odd"}, {16, 16, 3000, "long_k"}, {64, 48, 32, "aligned"},
};

class OpsGemmShapes : public ::testing::TestWithParam<Extents> {};

// Every epilogue x every core count x every split the count allows.
TEST_P(OpsGemmShapes, EveryEpilogueSplitAndCoreCountMatchesTheReference) {
  const Extents e = GetParam();
  Device dev = ModelDevice();
  tb::Rng rng(tb::SeedFromEnv(uint64_t(e.m) * 1000003 + e.n * 1009 + e.k));
  for (int cores = 1; cores <= dev.cores(); ++cores) {
    for (ops::Split split : SplitsFor(cores)) {
      for (const EpilogueCase& ep : AllEpilogues()) {
        GemmCase g;
        g.m = e.m, g.n = e.n, g.k = e.k;
        g.ep = ep;
        g.cores = cores;
        g.split = split;
        EXPECT_TRUE(CheckCase(dev, &rng, g));
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, OpsGemmShapes, ::testing::ValuesIn(kShapes),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(OpsGemmTest, SmallSocMatchesTheReference) {
  Device dev = ModelDevice("small");
  tb::Rng rng(tb::SeedFromEnv(5));
  for (const Extents& e : kShapes) {
    for (const EpilogueCase& ep : {EpilogueCase{}, EpilogueCase{true, true, true, 3, 4}}) {
      GemmCase g;
      g.m = e.m, g.n = e.n, g.k = e.k;
      g.ep = ep;
      EXPECT_TRUE(CheckCase(dev, &rng, g));
    }
  }
}

TEST(OpsGemmTest, ExplicitTilesMatchTheReference) {
  Device dev = ModelDevice();
  tb::Rng rng(tb::SeedFromEnv(6));
  const int tiles[][3] = {{16, 16, 1}, {16, 16, 0}, {32, 16, 7}, {16, 48, 100}, {64, 64, 0}};
  for (const auto& t : tiles) {
    for (ops::Split split : {ops::Split::kRows, ops::Split::kGrid}) {
      GemmCase g;
      g.m = 77, g.n = 90, g.k = 130;
      g.ep = {true, false, true, 7, 9};
      g.split = split;
      g.tile_m = t[0], g.tile_n = t[1], g.tile_k = t[2];
      EXPECT_TRUE(CheckCase(dev, &rng, g));
    }
  }
}

// The epilogue's corners computed by hand, not by the model: bias wrap-around, ReLU, rounding
// ties away from zero, saturation both ways, a negative scale.
TEST(OpsGemmTest, EpilogueCornersComputedByHand) {
  Device dev = ModelDevice();
  Buffer a = dev.Upload(Matrix<int8_t>(1, 1, 1));
  Matrix<int8_t> bm(1, 6);
  const int8_t bv[] = {3, -3, 5, -5, 127, -128};
  for (int j = 0; j < 6; ++j) bm.at(0, j) = bv[j];
  Buffer b = dev.Upload(bm);
  auto run8 = [&](const ops::Epilogue& e) {
    Buffer c = dev.Alloc({1, 6}, DType::kInt8);
    ops::Gemm(dev, a, b, &c, e);
    dev.Synchronize();
    return c.DownloadVector<int8_t>();
  };
  ops::Epilogue half;  // x / 2, ties away from zero
  half.requant = true;
  half.shift = 1;
  EXPECT_EQ(run8(half), (std::vector<int8_t>{2, -2, 3, -3, 64, -64}));
  half.relu = true;
  EXPECT_EQ(run8(half), (std::vector<int8_t>{2, 0, 3, 0, 64, 0}));
  ops::Epilogue big;  // saturation both ways
  big.requant = true;
  big.scale = 100;
  EXPECT_EQ(run8(big), (std::vector<int8_t>{127, -128, 127, -128, 127, -128}));
  big.scale = -3;  // negative scale flips the sign
  EXPECT_EQ(run8(big), (std::vector<int8_t>{-9, 9, -15, 15, -128, 127}));
  ops::Epilogue top;  // shift 31 with the largest scale and a large bias
  Buffer bias = dev.Upload(std::vector<int32_t>{INT32_MAX - 2, 0, 0, 0, 0, INT32_MIN});
  top.bias = &bias;
  top.requant = true;
  top.scale = -32768;
  top.shift = 31;
  // (2^31 - 2 + 3 wraps to -2^31 + 1) * -2^15 / 2^31 = 16384 - tiny -> 127; (-2^31 - 128) wraps
  // to 2^31 - 128, * -2^15 / 2^31 = -16384 + tiny -> -128.
  EXPECT_EQ(run8(top), (std::vector<int8_t>{127, 0, 0, 0, 0, -128}));
  Buffer c32 = dev.Alloc({1, 6}, DType::kInt32);
  ops::Epilogue wrap;
  wrap.bias = &bias;
  ops::Gemm(dev, a, b, &c32, wrap);
  dev.Synchronize();
  EXPECT_EQ(c32.DownloadVector<int32_t>(),
            (std::vector<int32_t>{INT32_MIN + 0, -3, 5, -5, 127, INT32_MAX - 127}));
}

TEST(OpsGemmTest, RandomShapesMatchTheReference) {
  Device dev = ModelDevice();
  CheckRandomCases(dev, /*default_seed=*/200, /*count=*/200, /*max_extent=*/300);
}

// ---------------------------------------------------------------- refusals

class OpsGemmRefusals : public ::testing::Test {
 protected:
  void SetUp() override {
    a = dev.Alloc({20, 30}, DType::kInt8);
    b = dev.Alloc({30, 40}, DType::kInt8);
    c32 = dev.Alloc({20, 40}, DType::kInt32);
    c8 = dev.Alloc({20, 40}, DType::kInt8);
    a32 = dev.Alloc({20, 30}, DType::kInt32);
    b_short = dev.Alloc({29, 40}, DType::kInt8);
    bias = dev.Alloc({40}, DType::kInt32);
    bias_short = dev.Alloc({39}, DType::kInt32);
    bias8 = dev.Alloc({40}, DType::kInt8);
    now = dev.Now();
    blocks = dev.allocator().live_blocks();
  }
  // `f` is refused with a message that has `what`, and nothing reached the device.
  void ExpectRefused(const std::function<void()>& f, const std::string& what) {
    EXPECT_THAT(tb::ErrorOf<InvalidArgument>(f), HasSubstr(what));
    for (int core = 0; core < dev.cores(); ++core) {
      EXPECT_EQ(dev.stream(core).pending(), 0u) << what;
    }
    EXPECT_EQ(dev.Now(), now) << what << ": the device was touched";
    EXPECT_EQ(dev.allocator().live_blocks(), blocks) << what;
  }

  Device dev = ModelDevice();
  Buffer a, b, c32, c8, a32, b_short, bias, bias_short, bias8;
  uint64_t now = 0;
  size_t blocks = 0;
};

TEST_F(OpsGemmRefusals, BadOperandsAreRefusedBeforeAnythingIsEnqueued) {
  ExpectRefused([&] { ops::Gemm(dev, a32, b, &c32); },
                "A must be an int8 matrix (M x K), got int32 20x30");
  ExpectRefused([&] { ops::Gemm(dev, a, c32, &c32); },
                "B must be an int8 matrix (K x N), got int32 20x40");
  ExpectRefused([&] { ops::Gemm(dev, a, bias8, &c32); }, "got int8 40");
  ExpectRefused([&] { ops::Gemm(dev, a, b_short, &c32); },
                "A is 20x30 and B is 29x40: A's columns must equal B's rows (K)");
  ExpectRefused([&] { ops::Gemm(dev, a, b, &c8); },
                "C must be int32 20x40 (no requantization), got int8");
  ops::Epilogue rq;
  rq.requant = true;
  ExpectRefused([&] { ops::Gemm(dev, a, b, &c32, rq); },
                "C must be int8 20x40 (requantized output)");
  ExpectRefused([&] { ops::Gemm(dev, a, b, nullptr); }, "must be allocated");
  Buffer gone;
  ExpectRefused([&] { ops::Gemm(dev, gone, b, &c32); }, "must be allocated");
  ops::Epilogue e;
  e.bias = &bias_short;
  ExpectRefused([&] { ops::Gemm(dev, a, b, &c32, e); },
                "the bias must be an int32 vector of N = 40 values, got int32 39");
  e.bias = &bias8;
  ExpectRefused([&] { ops::Gemm(dev, a, b, &c32, e); }, "got int8 40");
}

TEST_F(OpsGemmRefusals, BadEpiloguesAreRefused) {
  ops::Epilogue e;
  e.requant = true;
  e.scale = 32768;
  ExpectRefused([&] { ops::Gemm(dev, a, b, &c8, e); }, "scale 32768 is not an int16");
  e.scale = -32769;
  ExpectRefused([&] { ops::Gemm(dev, a, b, &c8, e); }, "scale -32769 is not an int16");
  e.scale = 1;
  e.shift = 32;
  ExpectRefused([&] { ops::Gemm(dev, a, b, &c8, e); }, "shift 32 is not in 0..31");
  e.shift = -1;
  ExpectRefused([&] { ops::Gemm(dev, a, b, &c8, e); }, "shift -1 is not in 0..31");
  ops::Epilogue no_rq;
  no_rq.scale = 3;
  ExpectRefused([&] { ops::Gemm(dev, a, b, &c32, no_rq); }, "without requantization");
}

TEST_F(OpsGemmRefusals, BadOptionsAreRefused) {
  ops::GemmOptions o;
  o.cores = 5;
  ExpectRefused([&] { ops::Gemm(dev, a, b, &c32, {}, o); }, "cores = 5, the device has 4");
  o.cores = -1;
  ExpectRefused([&] { ops::Gemm(dev, a, b, &c32, {}, o); }, "cores = -1");
  o = {};
  o.tile_m = 24;
  ExpectRefused([&] { ops::Gemm(dev, a, b, &c32, {}, o); },
                "multiples of the cube size 16 (got 24 x 0)");
  o = {};
  o.tile_n = 8;
  ExpectRefused([&] { ops::Gemm(dev, a, b, &c32, {}, o); }, "(got 0 x 8)");
  o = {};
  o.tile_k = -1;
  ExpectRefused([&] { ops::Gemm(dev, a, b, &c32, {}, o); }, "tile sizes must be >= 0");
  o = {};
  o.tile_m = 512;  // 512 x 512 int32 does not fit half of L0C; found while building programs
  o.tile_n = 512;
  ExpectRefused([&] { ops::Gemm(dev, a, b, &c32, {}, o); }, "more than half of L0C");
  o = {};
  o.tile_m = 16;
  o.tile_k = 5000;
  ExpectRefused([&] { ops::Gemm(dev, a, b, &c32, {}, o); }, "more than half of each");
  for (int cores : {1, 2, 3}) {
    o = {};
    o.cores = cores;
    o.split = ops::Split::kGrid;
    ExpectRefused([&] { ops::Gemm(dev, a, b, &c32, {}, o); }, "grid");
  }
}

// ---------------------------------------------------------------- tiler

TEST(OpsTilingTest, TilesFitTheL0Halves) {
  tb::Rng rng(tb::SeedFromEnv(9));
  std::vector<driver::DeviceInfo> infos;
  for (const auto& cfg : hal::SocConfigs()) {
    driver::DeviceInfo i;
    i.dim = cfg.dim, i.cores = cfg.cores, i.channels = cfg.channels;
    i.l0a_bytes = cfg.l0a_bytes, i.l0b_bytes = cfg.l0b_bytes, i.l0c_bytes = cfg.l0c_bytes;
    infos.push_back(i);
  }
  driver::DeviceInfo tiny;  // a cube of 4 with 4 KiB / 4 KiB / 8 KiB
  tiny.dim = 4, tiny.cores = 4, tiny.channels = 1;
  tiny.l0a_bytes = 4096, tiny.l0b_bytes = 4096, tiny.l0c_bytes = 8192;
  infos.push_back(tiny);
  driver::DeviceInfo lopsided = tiny;  // small L0A, big L0B
  lopsided.dim = 8, lopsided.l0a_bytes = 1024, lopsided.l0b_bytes = 65536;
  infos.push_back(lopsided);
  for (const auto& info : infos) {
    for (int i = 0; i < 150; ++i) {
      const int m = static_cast<int>(rng.Uniform(1, i < 50 ? 64 : 3000));
      const int n = static_cast<int>(rng.Uniform(1, i < 50 ? 64 : 3000));
      const int k = static_cast<int>(rng.Uniform(1, i < 100 ? 300 : 20000));
      const int out_bytes = rng.Chance(0.5) ? 1 : 4;
      const double bw = static_cast<double>(rng.Uniform(1, 64));
      const ops::Tiling t = ops::ChooseTiling(m, n, k, out_bytes, info, bw, bw);
      const std::string what = std::to_string(m) + "x" + std::to_string(n) + "x" +
                               std::to_string(k) + " on dim " + std::to_string(info.dim) +
                               ": tiles " + std::to_string(t.tile_m) + "/" +
                               std::to_string(t.tile_n) + "/" + std::to_string(t.tile_k);
      const int d = info.dim;
      EXPECT_TRUE(t.tile_m >= d && t.tile_m % d == 0 && t.tile_n >= d && t.tile_n % d == 0) << what;
      EXPECT_LE(t.tile_m, (m + d - 1) / d * d) << what;
      EXPECT_LE(t.tile_n, (n + d - 1) / d * d) << what;
      EXPECT_TRUE(t.tile_k >= 1 && t.tile_k <= k) << what;
      EXPECT_LE(uint64_t(t.tile_m) * t.tile_k, info.l0a_bytes / 2) << what;
      EXPECT_LE(uint64_t(t.tile_k) * t.tile_n, info.l0b_bytes / 2) << what;
      EXPECT_LE(4 * uint64_t(t.tile_m) * t.tile_n, info.l0c_bytes / 2) << what;
      // The builder takes them.
      isa::GemmProgram p;
      p.m = m, p.n = n, p.k = k;
      p.dim = d;
      p.l0a_bytes = info.l0a_bytes, p.l0b_bytes = info.l0b_bytes, p.l0c_bytes = info.l0c_bytes;
      p.tile_m = t.tile_m, p.tile_n = t.tile_n, p.tile_k = t.tile_k;
      // So are the first tile's K steps: each in 1..tile_k, summing to K.
      p.first_k_steps = ops::FirstKSteps(m, n, k, t, d, bw);
      int sum = 0;
      for (const int s : p.first_k_steps) {
        EXPECT_TRUE(s >= 1 && s <= t.tile_k) << what << ": a first-tile step of " << s;
        sum += s;
      }
      if (!p.first_k_steps.empty()) EXPECT_EQ(sum, k) << what;
      if (uint64_t(m) * n * k < 50'000'000) {
        EXPECT_NO_THROW(isa::BuildGemmProgram(p)) << what;
      }
    }
  }
}

// On the default SoC's 512^3 part of one core of four (512 x 128 on a quarter of the channels)
// the first tile starts with a short K step of a few cube blocks and grows by at most 1.4 x
// (rounded to a block) to a last step that hides the next tile's 256-deep loads; a core with
// too little bandwidth for the loads to keep up gets no short steps.
TEST(OpsTilingTest, FirstTileStartsWithShortGrowingKSteps) {
  const ops::Tiling t{96, 128, 256};
  const std::vector<int> steps = ops::FirstKSteps(512, 128, 512, t, 16, 8);
  ASSERT_GE(steps.size(), 3u);
  EXPECT_GE(steps[0], 48);
  EXPECT_LE(steps[0], 64);
  for (size_t i = 1; i < steps.size(); ++i) {
    EXPECT_EQ(steps[i] % 16, 0) << "step " << i << " in whole cube blocks";
    EXPECT_LE(steps[i], steps[i - 1] * 14 / 10 + 8) << "step " << i << ": at most 1.4 x, rounded";
  }
  EXPECT_GE(steps.back(), 256 * 10 / 14 / 16 * 16);
  EXPECT_TRUE(ops::FirstKSteps(512, 128, 512, t, 16, 2).empty()) << "2 B/cycle: loads bound";
}

// A long K on the default SoC takes as few K steps as the halves allow.
TEST(OpsTilingTest, LongKUsesFewEqualSteps) {
  const hal::SocConfig& cfg = hal::FindSocConfig("default");
  driver::DeviceInfo info;
  info.dim = cfg.dim, info.cores = cfg.cores, info.channels = cfg.channels;
  info.l0a_bytes = cfg.l0a_bytes, info.l0b_bytes = cfg.l0b_bytes, info.l0c_bytes = cfg.l0c_bytes;
  const ops::Tiling t = ops::ChooseTiling(16, 16, 3000, 4, info, 16, 16);
  EXPECT_EQ(t.tile_m, 16);
  EXPECT_EQ(t.tile_n, 16);
  EXPECT_EQ(t.tile_k, 1500) << "3000 in two steps of 1500 (a 32 KiB half holds 2048 x 16)";
}

}  // namespace
}  // namespace luoshu::gemm_test
