// The cube against the functional model, bit-exact, at Dim = 4, 8 and 16: directed cases,
// accumulation over K blocks, seeded random shapes, back-to-back tiles (full overlap of
// fill and drain) and random stalls on both streams (the input's only where the cube has no
// output FIFO, OutDepth = 0: there the consumer must take every row).
#include <gtest/gtest.h>

#include <type_traits>

#include "Vcube_d16.h"
#include "Vcube_d16_params.h"
#include "Vcube_d4.h"
#include "Vcube_d4_params.h"
#include "Vcube_d8.h"
#include "Vcube_d8_params.h"
#include "Vcube_d8_pipe.h"
#include "Vcube_d8_pipe3.h"
#include "Vcube_d8_pipe3_params.h"
#include "Vcube_d8_pipe_params.h"
#include "sw/model/gemm.h"
#include "tb/agents/cube_agent.h"
#include "tb/gtest_util.h"
#include "tb/workloads/matrices.h"

namespace luoshu {
namespace {

// PipeMul of a configuration (0 when it was built with the default).
template <class P, class = void>
struct PipeMulOf : std::integral_constant<int, 0> {};
template <class P>
struct PipeMulOf<P, std::void_t<decltype(P::PipeMul)>>
    : std::integral_constant<int, static_cast<int>(P::PipeMul)> {};
// OutDepth of a configuration (2 when it was built with the default).
template <class P, class = void>
struct OutDepthOf : std::integral_constant<int, 2> {};
template <class P>
struct OutDepthOf<P, std::void_t<decltype(P::OutDepth)>>
    : std::integral_constant<int, static_cast<int>(P::OutDepth)> {};

// A Verilated configuration and the parameters it was built with (V<name>_params.h).
template <class M, class P = VerilatedParams<M>>
struct Config {
  using Model = M;
  static constexpr int kDim = P::Dim;
  static constexpr int kPipeMul = PipeMulOf<P>::value;
  static constexpr int kOutDepth = OutDepthOf<P>::value;
};

template <class C>
class CubeTest : public ::testing::Test {
 protected:
  static constexpr int kDim = C::kDim;
  using Agent = tb::CubeAgent<typename C::Model, C::kDim>;

  explicit CubeTest(uint64_t seed = 1) : rng_(tb::SeedFromEnv(seed)) {}

  // Builds the simulation and agent with the given stall probabilities. Without an output
  // FIFO the sink never stalls (the cube asserts every row is taken as it comes).
  void Start(double in_stall = 0, double out_stall = 0) {
    if (C::kOutDepth == 0) out_stall = 0;
    sim_ = std::make_unique<tb::Simulation<typename C::Model>>(tb::CurrentTestName(), "cube");
    agent_ = std::make_unique<Agent>(sim_.get(), &rng_, in_stall, out_stall);
    sim_->Reset();
  }

  Matrix<int8_t> Random(int r, int c) { return tb::RandomInt8Matrix(&rng_, r, c); }
  static Matrix<int32_t> Expected(const Matrix<int8_t>& a, const Matrix<int8_t>& b) {
    Matrix<int32_t> c(a.rows(), b.cols());
    model::GemmInt8(a, b, &c);
    return c;
  }
  // Streams random tiles with K drawn from [kmin, kmax] and checks every C tile.
  void RandomTiles(int tiles, int kmin, int kmax) {
    std::vector<Matrix<int32_t>> want;
    for (int t = 0; t < tiles; ++t) {
      const int k = rng_.Uniform(kmin, kmax);
      auto a = Random(kDim, k), b = Random(k, kDim);
      agent_->PushTile(a, b);
      want.push_back(Expected(a, b));
    }
    auto got = agent_->Drain(200000);
    ASSERT_EQ(got.size(), want.size());
    for (size_t t = 0; t < want.size(); ++t) ASSERT_EQ(got[t], want[t]) << "tile " << t;
    sim_->Step(4 * kDim);
    EXPECT_EQ(agent_->rows_pending(), 0u) << "rows beyond the last tile";
  }

  tb::Rng rng_;
  std::unique_ptr<tb::Simulation<typename C::Model>> sim_;
  std::unique_ptr<Agent> agent_;
};

using Configs = ::testing::Types<Config<Vcube_d4>, Config<Vcube_d8>, Config<Vcube_d16>,
                                 Config<Vcube_d8_pipe>, Config<Vcube_d8_pipe3>>;
TYPED_TEST_SUITE(CubeTest, Configs);

TYPED_TEST(CubeTest, IdentityTimesBIsB) {
  constexpr int D = TestFixture::kDim;
  this->Start();
  Matrix<int8_t> eye(D, D, 0);
  for (int i = 0; i < D; ++i) eye.at(i, i) = 1;
  auto b = this->Random(D, D);
  this->agent_->PushTile(eye, b);
  auto got = this->agent_->Drain(10000);
  ASSERT_EQ(got.size(), 1u);
  for (int i = 0; i < D; ++i)
    for (int j = 0; j < D; ++j) EXPECT_EQ(got[0].at(i, j), b.at(i, j)) << i << "," << j;
}

TYPED_TEST(CubeTest, ZerosGiveZeros) {
  constexpr int D = TestFixture::kDim;
  this->Start();
  this->agent_->PushTile(Matrix<int8_t>(D, 3 * D, 0), this->Random(3 * D, D));
  this->agent_->PushTile(this->Random(D, D), Matrix<int8_t>(D, D, 0));
  auto got = this->agent_->Drain(10000);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], Matrix<int32_t>(D, D, 0));
  EXPECT_EQ(got[1], Matrix<int32_t>(D, D, 0));
}

TYPED_TEST(CubeTest, ExtremeValuesAtLongK) {
  constexpr int D = TestFixture::kDim;
  this->Start();
  const int k = 512;
  // (-128)(-128) everywhere: the largest positive sum; then 127 x -128: the most negative.
  Matrix<int8_t> lo(D, k, -128), lob(k, D, -128), hi(D, k, 127);
  this->agent_->PushTile(lo, lob);
  this->agent_->PushTile(hi, lob);
  auto got = this->agent_->Drain(20000);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], this->Expected(lo, lob));
  EXPECT_EQ(got[0].at(0, 0), 512 * 16384);
  EXPECT_EQ(got[1], this->Expected(hi, lob));
  EXPECT_EQ(got[1].at(D - 1, D - 1), -512 * 127 * 128);
}

TYPED_TEST(CubeTest, AccumulatesAcrossKBlocks) {
  constexpr int D = TestFixture::kDim;
  this->Start();
  const int kb = D, blocks = 3;
  auto a = this->Random(D, kb * blocks), b = this->Random(kb * blocks, D);
  for (int blk = 0; blk < blocks; ++blk) {
    this->agent_->PushBlock(&a.at(0, blk * kb), a.cols(), &b.at(blk * kb, 0), b.cols(), kb,
                            /*last=*/blk == blocks - 1);
  }
  auto got = this->agent_->Drain(20000);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], this->Expected(a, b));
}

TYPED_TEST(CubeTest, ShortTilesBackToBackArePaddedNotCorrupted) {
  this->Start();
  this->RandomTiles(12, 1, TestFixture::kDim - 1);
}

TYPED_TEST(CubeTest, RandomShapes) {
  this->Start();
  this->RandomTiles(20, 1, 3 * TestFixture::kDim);
}

TYPED_TEST(CubeTest, RandomShapesWithInputStalls) {
  this->Start(0.3, 0);
  this->RandomTiles(15, 1, 3 * TestFixture::kDim);
}

TYPED_TEST(CubeTest, RandomShapesWithOutputStalls) {
  this->Start(0, 0.6);
  this->RandomTiles(15, 1, 3 * TestFixture::kDim);
}

TYPED_TEST(CubeTest, RandomShapesWithStallsOnBothSides) {
  this->Start(0.25, 0.5);
  this->RandomTiles(15, 1, 3 * TestFixture::kDim);
}

// out_valid_next_o foretells out_valid_o by one cycle without an output FIFO (a consumer
// registers its row decisions on it: cube_exec's L0C read enable) and is 0 with one.
TYPED_TEST(CubeTest, OutValidNextForetellsTheRow) {
  this->Start(0.3, 0);
  int rows = 0;
  bool next = false;
  auto watch = this->sim_->OnSample([&] {
    auto& dut = this->sim_->dut();
    if (TypeParam::kOutDepth == 0) {
      EXPECT_EQ(dut.out_valid_o != 0, next) << "at cycle " << this->sim_->cycle();
      next = dut.out_valid_next_o != 0;
    } else {
      EXPECT_EQ(dut.out_valid_next_o, 0) << "at cycle " << this->sim_->cycle();
    }
    rows += dut.out_valid_o != 0;
  });
  this->RandomTiles(10, 1, 2 * TestFixture::kDim);
  EXPECT_EQ(rows, 10 * TestFixture::kDim);
}

// Back-to-back tiles overlap fill and drain: for T tiles of K >= Dim, the cube needs
// T*K cycles plus one pipeline latency (skew + array + read-out), nothing per tile.
TYPED_TEST(CubeTest, BackToBackTilesKeepEveryMacBusy) {
  constexpr int D = TestFixture::kDim;
  this->Start();
  const int tiles = 8, k = 4 * D;
  std::vector<Matrix<int32_t>> want;
  for (int t = 0; t < tiles; ++t) {
    auto a = this->Random(D, k), b = this->Random(k, D);
    this->agent_->PushTile(a, b);
    want.push_back(this->Expected(a, b));
  }
  auto got = this->agent_->Drain(20000);
  ASSERT_EQ(got.size(), want.size());
  for (int t = 0; t < tiles; ++t) EXPECT_EQ(got[t], want[t]) << "tile " << t;
  const uint64_t span = this->agent_->last_output_cycle() - this->agent_->first_accept_cycle() + 1;
  // Skew, array crossing and row read-out: 2 Dim + 1 cycles beyond the k-steps, plus one per
  // PipeMul register (operands, product), exactly: no stall, no bubble between tiles.
  const uint64_t latency = 2 * D + 1 + TypeParam::kPipeMul;
  EXPECT_EQ(span, uint64_t(tiles * k) + latency)
      << "tiles did not overlap: " << span << " cycles for " << tiles * k << " k-steps";
}

}  // namespace
}  // namespace luoshu
