// cube_exec with its three L0 buffers (cube_exec_tb.sv), bit-exact against GemmInt8 on a C++
// copy of L0A / L0B / L0C, at Dim = 4 (odd L0 sizes) and Dim = 16 (the core's defaults).
// Directed shapes (identity, extreme values, k = 1, k not a multiple of Dim, accumulation
// over several MATMULs, odd offsets, A at the very end of L0A, m and n > Dim), seeded random
// descriptors with random gaps between commands while another reader competes for the L0C
// read port, and the cube's utilization in steady state. After every run the whole of L0C is
// read back, so a stray write anywhere fails the test.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "Vcube_exec_tb_d16.h"
#include "Vcube_exec_tb_d16_params.h"
#include "Vcube_exec_tb_d4.h"
#include "Vcube_exec_tb_d4_params.h"
#include "Vcube_exec_tb_d8_pipe.h"
#include "Vcube_exec_tb_d8_pipe_params.h"
#include "sw/isa/luoshu_isa.h"
#include "sw/model/core_model.h"
#include "sw/model/gemm.h"
#include "tb/agents/core_ports.h"
#include "tb/agents/stream.h"
#include "tb/bits.h"
#include "tb/gtest_util.h"
#include "tb/random.h"
#include "tb/sim.h"

namespace luoshu {
namespace {

using isa::Descriptor;
using isa::MatmulDesc;

// A Verilated configuration and the parameters it was built with (V<name>_params.h).
template <class M, class P = VerilatedParams<M>>
struct Config {
  using Model = M;
  static constexpr int kDim = P::Dim;
  static constexpr uint32_t kL0a = P::L0aBytes, kL0b = P::L0bBytes, kL0c = P::L0cBytes;
  static constexpr size_t kL0cReadLatency = 1 + P::L0cReadPipe;
};
using Configs = ::testing::Types<Config<Vcube_exec_tb_d4>, Config<Vcube_exec_tb_d16>,
                                 Config<Vcube_exec_tb_d8_pipe>>;

template <class C>
class CubeExecTest : public ::testing::Test {
 protected:
  using Model = typename C::Model;
  static constexpr int kDim = C::kDim;
  static constexpr uint32_t kLanes = kDim > 16 ? kDim : 16;  // AbLanes
  static constexpr uint32_t kL0a = C::kL0a, kL0b = C::kL0b, kCWords = C::kL0c / 4;
  static constexpr size_t kL0cReadLatency = C::kL0cReadLatency;
  // The top eighth of L0C is never a MATMUL destination: the competing reader checks it.
  static constexpr uint32_t kQuietWords = kCWords / 8, kWorkWords = kCWords - kQuietWords;

  CubeExecTest()
      : rng_(tb::SeedFromEnv(11)), l0a_(kL0a), l0b_(kL0b), l0c_(kCWords), c_stall_(0, &rng_) {}

  // Builds the simulation; `gap` is the per-cycle chance of holding the next command back.
  void Start(double gap = 0) {
    sim_ = std::make_unique<tb::Simulation<Model>>(tb::CurrentTestName(), "cube_exec");
    cmds_ = tb::MakeCommandSource(sim_.get(), tb::StallInjector(gap, &rng_));
    drive_hook_ = sim_->OnDrive([this] { DriveCompetingReader(); });
    sample_hook_ = sim_->OnSample([this] { Monitor(); });
    sim_->Reset();
  }

  // ------------------------------------------------------------ L0 contents (backdoor)
  void RandomizeL0() {
    for (auto& x : l0a_) x = static_cast<uint8_t>(rng_.Bits64());
    for (auto& x : l0b_) x = static_cast<uint8_t>(rng_.Bits64());
    for (auto& x : l0c_) x = static_cast<int32_t>(rng_.Bits64());
    LoadL0();
  }
  // Writes the C++ copies into the buffers, a full row of lanes per cycle.
  void LoadL0() {
    auto& d = sim_->dut();
    for (uint32_t a = 0; a < kL0a; a += kLanes) {
      d.bd_a_we_i = 1;
      d.bd_a_waddr_i = a;
      tb::PutBytes(d.bd_a_wdata_i, &l0a_[a], kLanes);
      if (a < kL0b) {
        d.bd_b_we_i = 1;
        d.bd_b_waddr_i = a;
        tb::PutBytes(d.bd_b_wdata_i, &l0b_[a], kLanes);
      }
      sim_->Step();
      d.bd_b_we_i = 0;
    }
    d.bd_a_we_i = 0;
    for (uint32_t a = kL0a; a < kL0b; a += kLanes) {
      d.bd_b_we_i = 1;
      d.bd_b_waddr_i = a;
      tb::PutBytes(d.bd_b_wdata_i, &l0b_[a], kLanes);
      sim_->Step();
    }
    d.bd_b_we_i = 0;
    for (uint32_t w = 0; w < kCWords; w += kDim) {
      d.bd_c_we_i = 1;
      d.bd_c_waddr_i = w;
      tb::PutBytes(d.bd_c_wdata_i, &l0c_[w], 4 * kDim);
      sim_->Step();
    }
    d.bd_c_we_i = 0;
  }
  void PutA(uint32_t offset, const Matrix<int8_t>& m) {
    std::copy_n(reinterpret_cast<const uint8_t*>(m.data()), m.rows() * m.cols(), &l0a_[offset]);
  }
  void PutB(uint32_t offset, const Matrix<int8_t>& m) {
    std::copy_n(reinterpret_cast<const uint8_t*>(m.data()), m.rows() * m.cols(), &l0b_[offset]);
  }
  Matrix<int8_t> Random(int r, int c) {
    Matrix<int8_t> m(r, c);
    for (int i = 0; i < r * c; ++i) m.data()[i] = static_cast<int8_t>(rng_.Bits64());
    return m;
  }
  // Reads all of L0C through the backdoor (the unit must be idle) and compares it word by
  // word with the model's copy.
  void ExpectL0cMatchesModel() {
    ASSERT_FALSE(sim_->dut().busy_o);
    auto& d = sim_->dut();
    const bool reader_was_on = reader_on_;
    reader_on_ = false;  // this read-back owns the backdoor port
    std::vector<int32_t> got(kCWords);
    for (uint32_t w = 0; w < kCWords; w += kDim) {
      d.bd_c_re_i = 1;
      d.bd_c_raddr_i = w;
      for (size_t c = 0; c < kL0cReadLatency; ++c) sim_->Step();
      tb::GetBytes(d.bd_c_rdata_o, &got[w], 4 * kDim);
    }
    d.bd_c_re_i = 0;
    reader_on_ = reader_was_on;
    int bad = 0;
    for (uint32_t w = 0; w < kCWords && bad < 8; ++w) {
      if (got[w] != l0c_[w]) {
        ADD_FAILURE() << "L0C word " << w << ": got " << got[w] << ", want " << l0c_[w];
        ++bad;
      }
    }
  }
  // C at word c_offset/4 of the model's L0C, as an m x n matrix.
  Matrix<int32_t> ModelC(const MatmulDesc& x) const {
    Matrix<int32_t> c(x.m, x.n);
    std::copy_n(&l0c_[x.c_offset / 4], x.m * x.n, c.data());
    return c;
  }

  // ------------------------------------------------------------ commands
  static MatmulDesc Matmul(uint32_t m, uint32_t n, uint32_t k, uint32_t a_off, uint32_t b_off,
                           uint32_t c_off, bool acc) {
    MatmulDesc x;
    x.m = m;
    x.n = n;
    x.k = k;
    x.a_offset = a_off;
    x.b_offset = b_off;
    x.c_offset = c_off;
    x.accumulate = acc;
    return x;
  }
  // A legal descriptor with A, B, C placed at random (C below the quiet region).
  MatmulDesc RandomMatmul(int max_tiles, int max_k) {
    const uint32_t m = kDim * rng_.Uniform(1, max_tiles), n = kDim * rng_.Uniform(1, max_tiles);
    // Mostly short or just off a multiple of Dim: where the block logic has its edges.
    uint32_t k = rng_.Chance(0.3) ? rng_.Uniform(1, 2 * kDim) : rng_.Uniform(1, max_k);
    k = std::min<uint32_t>(k, std::min(kL0a / m, kL0b / n));
    return Matmul(m, n, k, rng_.Uniform(0, kL0a - m * k), rng_.Uniform(0, kL0b - k * n),
                  4 * rng_.Uniform(0, kWorkWords - m * n), rng_.Chance(0.5));
  }

  // Sends the commands (with the source's random gaps), waits for every done, applies them
  // to the model in order and checks all of L0C, the done/beat counts and the fault code.
  void Run(const std::vector<MatmulDesc>& list) {
    model::CoreConfig cfg;
    cfg.dim = kDim;
    cfg.l0a_bytes = kL0a;
    cfg.l0b_bytes = kL0b;
    cfg.l0c_bytes = C::kL0c;
    uint64_t want_beats = 0;
    for (const auto& x : list) {
      const Descriptor desc = x.Pack();
      std::string why;
      ASSERT_EQ(model::ValidateDescriptor(desc, cfg, &why), isa::Fault::kNone) << why;
      cmds_->Push(desc);
      want_beats += uint64_t{x.m / kDim} * (x.n / kDim) * x.k;
    }
    const uint64_t want_dones = dones_ + list.size(), beats0 = beats_;
    uint64_t budget = 1000;
    for (const auto& x : list)
      budget += 100 + 4 * uint64_t{x.m / kDim} * (x.n / kDim) * (x.k + kDim);
    sim_->RunUntil([&] { return dones_ == want_dones; }, budget,
                   std::to_string(list.size()) + " MATMUL dones");
    sim_->Step(3 * kDim);  // nothing may follow the last done
    EXPECT_EQ(dones_, want_dones) << "extra done pulses";
    EXPECT_EQ(beats_ - beats0, want_beats) << "beat_o count";
    for (const auto& x : list) {
      model::GemmShape s;
      s.m = x.m;
      s.n = x.n;
      s.k = x.k;
      model::GemmInt8(reinterpret_cast<const int8_t*>(&l0a_[x.a_offset]),
                      reinterpret_cast<const int8_t*>(&l0b_[x.b_offset]), &l0c_[x.c_offset / 4], s,
                      x.accumulate != 0);
    }
    ExpectL0cMatchesModel();
  }

  // ------------------------------------------------------------ monitors
  void Monitor() {
    if (sim_->in_reset()) return;
    auto& d = sim_->dut();
    EXPECT_EQ(d.cmd_ready_o != 0, d.busy_o == 0) << "cycle " << sim_->cycle();
    if (d.cmd_valid_i && d.cmd_ready_o) {
      ++accepted_;
      accept_cycle_ = sim_->cycle();
    }
    if (d.done_o) {
      ++dones_;
      done_cycle_ = sim_->cycle();
      EXPECT_EQ(d.done_fault_o, 0u) << "MATMUL done with a fault code";
      EXPECT_LE(dones_, accepted_) << "done without a command";
    }
    if (d.beat_o) {
      if (beats_ == beat_mark_) first_beat_ = sim_->cycle();
      last_beat_ = sim_->cycle();
      ++beats_;
    }
  }
  // Another reader (mte_out in the core) asks for L0C rows of the quiet region at random and
  // is served only when cube_exec leaves the port free; the data must match the model.
  void DriveCompetingReader() {
    auto& d = sim_->dut();
    if (reader_in_flight_.size() == kL0cReadLatency) {  // the oldest read's data is out now
      if (const auto addr = reader_in_flight_.front()) {
        ++reader_checked_;
        for (int j = 0; j < kDim; ++j) {
          const auto got = static_cast<int32_t>(tb::GetBits(d.bd_c_rdata_o, 32 * j, 32));
          EXPECT_EQ(got, l0c_[*addr + j]) << "competing L0C read at word " << *addr;
        }
      }
      reader_in_flight_.pop_front();
    }
    std::optional<uint32_t> granted;
    if (reader_on_ && !sim_->in_reset()) {
      const bool ask = c_stall_.Stall();
      d.bd_c_re_i = ask;
      if (ask) {
        const uint32_t addr = kWorkWords + rng_.Uniform(0, kQuietWords - kDim);
        d.bd_c_raddr_i = addr;
        if (d.bd_c_gnt_o != 0) granted = addr;  // the grant depends on registers only
        reader_denied_ += !granted;
      }
    }
    reader_in_flight_.push_back(granted);
  }
  void CompetingReader(double p) {
    reader_on_ = true;
    c_stall_ = tb::StallInjector(p, &rng_);
  }
  void StopCompetingReader() {
    reader_on_ = false;
    sim_->dut().bd_c_re_i = 0;
    for (size_t c = 0; c < kL0cReadLatency; ++c) sim_->Step();
  }

  // Cycles from the first to the last beat since MarkBeats(), and the beats in them.
  void MarkBeats() { beat_mark_ = beats_; }
  double SteadyUtilization() const {
    return double(beats_ - beat_mark_) / double(last_beat_ - first_beat_ + 1);
  }

  tb::Rng rng_;
  std::vector<uint8_t> l0a_, l0b_;
  std::vector<int32_t> l0c_;
  std::unique_ptr<tb::Simulation<Model>> sim_;
  tb::HookHandle drive_hook_, sample_hook_;  // removed with this object
  std::unique_ptr<tb::StreamSource<Descriptor>> cmds_;
  uint64_t accepted_ = 0, dones_ = 0, beats_ = 0, beat_mark_ = 0, first_beat_ = 0, last_beat_ = 0;
  uint64_t accept_cycle_ = 0, done_cycle_ = 0;
  tb::StallInjector c_stall_;
  bool reader_on_ = false;
  std::deque<std::optional<uint32_t>> reader_in_flight_;  // granted reads, oldest first
  uint64_t reader_checked_ = 0, reader_denied_ = 0;
};

TYPED_TEST_SUITE(CubeExecTest, Configs);

TYPED_TEST(CubeExecTest, IdentityTimesBIsB) {
  constexpr int D = TestFixture::kDim;
  this->Start();
  this->RandomizeL0();
  Matrix<int8_t> eye(2 * D, 2 * D, 0);
  for (int i = 0; i < 2 * D; ++i) eye.at(i, i) = 1;
  auto b = this->Random(2 * D, 3 * D);
  this->PutA(0, eye);
  this->PutB(0, b);
  this->LoadL0();
  const auto x = TestFixture::Matmul(2 * D, 3 * D, 2 * D, 0, 0, 0, false);
  this->Run({x});
  const auto c = this->ModelC(x);  // the model's result is also checked directly
  for (int i = 0; i < 2 * D; ++i)
    for (int j = 0; j < 3 * D; ++j) ASSERT_EQ(c.at(i, j), b.at(i, j)) << i << "," << j;
}

TYPED_TEST(CubeExecTest, ExtremeValuesAtLongK) {
  constexpr int D = TestFixture::kDim;
  this->Start();
  this->RandomizeL0();
  const int k = 512;
  this->PutA(0, Matrix<int8_t>(D, k, -128));
  this->PutA(D * k, Matrix<int8_t>(D, k, 127));
  this->PutB(0, Matrix<int8_t>(k, D, -128));
  this->LoadL0();
  const auto lo = TestFixture::Matmul(D, D, k, 0, 0, 0, false);
  const auto hi = TestFixture::Matmul(D, D, k, D * k, 0, 4 * D * D, false);
  this->Run({lo, hi});
  EXPECT_EQ(this->ModelC(lo).at(D - 1, 0), 512 * 16384);
  EXPECT_EQ(this->ModelC(hi).at(0, D - 1), -512 * 127 * 128);
}

TYPED_TEST(CubeExecTest, KEqualsOne) {
  constexpr int D = TestFixture::kDim;
  this->Start();
  this->RandomizeL0();
  this->Run({TestFixture::Matmul(2 * D, 3 * D, 1, 5, 7, 4 * 3, false),
             TestFixture::Matmul(D, D, 1, 0, 1, 4 * 1001, true)});
}

TYPED_TEST(CubeExecTest, KNotAMultipleOfDim) {
  constexpr int D = TestFixture::kDim;
  this->Start();
  this->RandomizeL0();
  std::vector<MatmulDesc> list;
  uint32_t c = 0;
  for (uint32_t k : {D / 2u, D - 1u, D + 1u, 2u * D - 1, 3u * D + 3}) {
    list.push_back(TestFixture::Matmul(2 * D, 2 * D, k, 3 * k, 2 * k + 1, c, false));
    c += 4 * 4 * D * D;
  }
  this->Run(list);
}

TYPED_TEST(CubeExecTest, AccumulatesOverSeveralMatmuls) {
  constexpr int D = TestFixture::kDim;
  this->Start(0.3);
  this->RandomizeL0();
  // A long K split in four steps with different A/B halves, the first one overwriting C;
  // then one more step accumulating onto what is there.
  const uint32_t m = 2 * D, n = 2 * D, c = 4 * 100;
  std::vector<MatmulDesc> list;
  const uint32_t ks[] = {D, 2u * D + 3, 1, 5};
  for (int s = 0; s < 4; ++s) {
    list.push_back(TestFixture::Matmul(m, n, ks[s], 1000 * s + 1, 900 * s + 3, c, s > 0));
  }
  this->Run(list);
  this->Run({TestFixture::Matmul(m, n, D + 2, 17, 33, c, true)});
}

TYPED_TEST(CubeExecTest, OddOffsetsAndABlockAtTheEndOfL0A) {
  constexpr int D = TestFixture::kDim;
  this->Start();
  this->RandomizeL0();
  const uint32_t m = 2 * D, n = D, k = 2 * D + 1;
  // A ends at the last byte of L0A, so its partial K blocks read lanes that wrap to byte 0;
  // B ends at the last byte of L0B; C ends at the last word below the quiet region.
  this->Run({TestFixture::Matmul(m, n, k, TestFixture::kL0a - m * k, TestFixture::kL0b - k * n,
                                 4 * (TestFixture::kWorkWords - m * n), true),
             TestFixture::Matmul(m, 3 * n, k, 13, 333, 4 * 77, false)});
}

TYPED_TEST(CubeExecTest, ManyTilesInBothDirections) {
  constexpr int D = TestFixture::kDim;
  this->Start();
  this->RandomizeL0();
  this->Run({TestFixture::Matmul(3 * D, 4 * D, 2 * D + 5, 1, 2, 4 * 3, false),
             TestFixture::Matmul(4 * D, 2 * D, 3, 99, 7, 4 * 5, true)});
}

TYPED_TEST(CubeExecTest, RandomDescriptorsWithGapsAndAContendedL0cPort) {
  this->Start(0.6);
  this->RandomizeL0();
  this->CompetingReader(0.5);
  for ([[maybe_unused]] int batch : tb::Steps(6)) {
    std::vector<MatmulDesc> list;
    for (int i = 0; i < 10; ++i) list.push_back(this->RandomMatmul(3, 4 * TestFixture::kDim));
    this->Run(list);
  }
  this->StopCompetingReader();
  EXPECT_GT(this->reader_checked_, 1000u);
  EXPECT_GT(this->reader_denied_, 50u) << "the L0C read port was hardly contended";
}

TYPED_TEST(CubeExecTest, RandomDescriptorsBackToBack) {
  this->Start(0);
  this->RandomizeL0();
  std::vector<MatmulDesc> list;
  for (int i = 0; i < 30; ++i) list.push_back(this->RandomMatmul(2, 3 * TestFixture::kDim));
  this->Run(list);
}

// Steady state: from the first to the last beat of a 4 x 4-tile MATMUL, the fraction of
// cycles in which a beat enters the cube. For k a multiple of Dim the A double buffer keeps
// up exactly and the design reaches 1.0 (the goal is 0.95; the floor is 0.99 so that one
// bubble per K block, 0.97 at Dim = 16, fails). A partial last K block costs Dim L0A reads
// for its k % Dim beats, so there the bound is k / (Dim * ceil(k / Dim)).
TYPED_TEST(CubeExecTest, KeepsTheCubeBusyInSteadyState) {
  constexpr int D = TestFixture::kDim;
  this->Start();
  this->RandomizeL0();
  for (uint32_t k : {64u, 128u, 101u}) {
    const uint32_t blocks = (k + D - 1) / D;
    const double bound = double(k) / (double(D) * blocks);
    this->MarkBeats();
    this->Run({TestFixture::Matmul(4 * D, 4 * D, k, 0, 0, 0, true)});
    const double u = this->SteadyUtilization();
    std::printf(
        "cube_exec Dim=%d m=n=%d k=%u: steady-state utilization %.4f (bound %.4f), "
        "command %llu cycles (accept to done) for %u beats\n",
        D, 4 * D, k, u, bound,
        static_cast<unsigned long long>(this->done_cycle_ - this->accept_cycle_ + 1), 16 * k);
    EXPECT_GE(u, 0.95 * bound) << "k = " << k;
    if (k % D == 0) {
      EXPECT_GE(u, 0.99) << "k = " << k;
    }
  }
}

}  // namespace
}  // namespace luoshu
