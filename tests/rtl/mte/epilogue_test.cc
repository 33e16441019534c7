// epilogue (rtl/mte/epilogue.sv, Lanes = 4) against sw/model/epilogue.h, bit-exact: every
// combination of bias_en / relu over edge values of c, bias, scale and every shift; exact
// rounding ties at every shift; the worked examples of docs/isa.md; seeded random vectors with
// the configuration changing every cycle; and the valid / hold behaviour of the pipe. As built
// (Pipe = 0, one cycle), with Pipe = 2 (three cycles, a vector every cycle), with Pipe = 3 (four
// cycles: the product as two partial products added a cycle later), with Pipe = 4 (five: the
// inputs registered too) and with the FPGA build's Pipe = 5 (six: the partial products copied
// out of the multipliers before the add); busy_o against the vectors in flight.
#include "sw/model/epilogue.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <deque>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "Vepilogue_l4.h"
#include "Vepilogue_l4_params.h"
#include "Vepilogue_l4_pipe2.h"
#include "Vepilogue_l4_pipe2_params.h"
#include "Vepilogue_l4_pipe3.h"
#include "Vepilogue_l4_pipe3_params.h"
#include "Vepilogue_l4_pipe4.h"
#include "Vepilogue_l4_pipe4_params.h"
#include "Vepilogue_l4_pipe5.h"
#include "Vepilogue_l4_pipe5_params.h"
#include "tb/bits.h"
#include "tb/gtest_util.h"
#include "tb/random.h"
#include "tb/sim.h"

namespace luoshu {
namespace {

constexpr int kLanes = 4;
constexpr int32_t kMin = std::numeric_limits<int32_t>::min();
constexpr int32_t kMax = std::numeric_limits<int32_t>::max();

struct Config {
  bool bias_en = false, relu = false;
  int32_t scale = 1;  // -32768..32767
  int shift = 0;      // 0..31
};

struct Vec {
  std::array<int32_t, kLanes> c{}, bias{};
  Config cfg;
};

std::string Describe(const Vec& v, int lane) {
  std::ostringstream os;
  os << "c=" << v.c[lane] << " bias=" << v.bias[lane] << " bias_en=" << v.cfg.bias_en
     << " relu=" << v.cfg.relu << " scale=" << v.cfg.scale << " shift=" << v.cfg.shift;
  return os.str();
}

template <class Model>
class EpilogueTest : public ::testing::Test {
 protected:
  static constexpr int kLatency = 1 + int(VerilatedParams<Model>::Pipe);  // cycles

  EpilogueTest() : sim_(tb::CurrentTestName()) { sim_.Reset(); }

  void Drive(const Vec& v, bool valid = true) {
    auto& d = sim_.dut();
    for (int l = 0; l < kLanes; ++l) {
      tb::PutBits(d.c_i, 32 * l, 32, static_cast<uint32_t>(v.c[l]));
      tb::PutBits(d.bias_i, 32 * l, 32, static_cast<uint32_t>(v.bias[l]));
    }
    d.bias_en_i = v.cfg.bias_en;
    d.relu_i = v.cfg.relu;
    d.scale_i = static_cast<uint16_t>(v.cfg.scale);
    d.shift_i = static_cast<uint8_t>(v.cfg.shift);
    d.valid_i = valid;
  }

  // Drives one vector for a cycle and checks the outputs of the vector kLatency cycles back
  // (if any) against the model: a vector every cycle. False on a mismatch.
  bool Run(const Vec& v) {
    pending_.push_back({v, sim_.cycle()});
    Drive(v);
    sim_.Step();
    CheckBusy();
    return !OldestIsOut() || CheckOldest();
  }

  // No valid input until every vector driven is out and checked; the outputs then hold the
  // last one's results.
  bool Flush() {
    Drive(Vec(), /*valid=*/false);
    bool ok = true;
    while (!pending_.empty()) {
      sim_.Step();
      CheckBusy();
      if (OldestIsOut()) ok = CheckOldest() && ok;
    }
    return ok;
  }
  bool RunOne(const Vec& v) { return Run(v) && Flush(); }

  // busy_o counts the vectors inside the extra stages: driven 1 to Pipe cycles ago.
  void CheckBusy() {
    int inside = 0;
    for (const auto& p : pending_) {
      const uint64_t age = sim_.cycle() - p.second;
      inside += (age >= 1 && age < uint64_t(kLatency)) ? 1 : 0;
    }
    if (int(sim_.dut().busy_o) != inside && ++mismatches_ <= 10) {
      ADD_FAILURE() << "busy_o " << int(sim_.dut().busy_o) << ", " << inside
                    << " vectors inside the extra stages";
    }
  }

  // Checks all lanes of the oldest vector in flight against the model and retires it; false on
  // a mismatch (reported with the inputs; stops after a few so a broken build does not flood
  // the log).
  bool OldestIsOut() const {
    return !pending_.empty() && sim_.cycle() - pending_.front().second == kLatency;
  }
  bool CheckOldest() {
    const Vec v = pending_.front().first;
    pending_.pop_front();
    ++checked_;
    auto& d = sim_.dut();
    if (!d.valid_o) {
      ADD_FAILURE() << "valid_o low " << kLatency << " cycles after valid_i";
      return false;
    }
    bool ok = true;
    for (int l = 0; l < kLanes; ++l) {
      const int32_t x = model::EpilogueInt32(v.c[l], v.bias[l], v.cfg.bias_en, v.cfg.relu);
      const int8_t q = model::Requantize(x, v.cfg.scale, v.cfg.shift);
      const auto got_x = static_cast<int32_t>(tb::GetBits(d.x_o, 32 * l, 32));
      const auto got_q = static_cast<int8_t>(tb::GetBits(d.q_o, 8 * l, 8));
      if (got_x != x || got_q != q) {
        ok = false;
        if (++mismatches_ <= 10) {
          ADD_FAILURE() << "lane " << l << ": " << Describe(v, l) << ": x " << got_x << " (model "
                        << x << "), q " << int(got_q) << " (model " << int(q) << ")";
        }
      }
    }
    return ok;
  }

  // Runs one element value set through every lane position (a flat list, Lanes at a time).
  void RunElements(const std::vector<std::pair<int32_t, int32_t>>& cb, const Config& cfg) {
    for (size_t i = 0; i < cb.size(); i += kLanes) {
      Vec v;
      v.cfg = cfg;
      for (int l = 0; l < kLanes; ++l) {
        const auto& e = cb[(i + l) % cb.size()];
        v.c[l] = e.first;
        v.bias[l] = e.second;
      }
      Run(v);
    }
    Flush();
  }

  tb::Simulation<Model> sim_;
  std::deque<std::pair<Vec, uint64_t>> pending_;  // driven (cycle), not yet checked
  uint64_t checked_ = 0;
  int mismatches_ = 0;
};

using Models = ::testing::Types<Vepilogue_l4, Vepilogue_l4_pipe2, Vepilogue_l4_pipe3,
                                Vepilogue_l4_pipe4, Vepilogue_l4_pipe5>;
TYPED_TEST_SUITE(EpilogueTest, Models);

const std::vector<int32_t> kEdges = {kMin, kMin + 1, -65536, -257,  -256,     -129, -128, -127,
                                     -2,   -1,       0,      1,     2,        127,  128,  129,
                                     255,  256,      65535,  65536, kMax - 1, kMax};
const std::vector<int32_t> kScales = {-32768, -32767, -256, -3, -1, 0, 1, 3, 255, 32766, 32767};

TYPED_TEST(EpilogueTest, EdgeValuesEveryCombination) {
  std::vector<std::pair<int32_t, int32_t>> cb;
  for (int32_t c : kEdges)
    for (int32_t b : kEdges) cb.push_back({c, b});
  for (int mode = 0; mode < 4; ++mode) {
    for (int32_t scale : kScales) {
      for (int shift = 0; shift < 32; ++shift) {
        this->RunElements(cb, {(mode & 1) != 0, (mode & 2) != 0, scale, shift});
        if (this->HasFailure()) return;
      }
    }
  }
  EXPECT_GT(this->checked_, 100000u);
}

// p = x * scale exactly halfway between two integers after the shift: ties go away from zero.
// With scale = s * 2^t (s odd), x = odd * 2^(shift - 1 - t) makes p an odd multiple of
// 2^(shift - 1), which is a tie; every generated vector is checked to be one.
TYPED_TEST(EpilogueTest, RoundingTiesGoAwayFromZeroAtEveryShift) {
  tb::Rng rng(tb::SeedFromEnv(7));
  int ties = 0;
  for (int shift = 1; shift < 32; ++shift) {
    for (int32_t scale : {1, -1, 3, -5, 12, 127, -32768, 32767}) {
      int t = 0;
      while (((scale >> t) & 1) == 0) ++t;
      const int e = shift - 1 - t;
      if (e < 0) continue;  // p is a multiple of 2^shift: no tie possible
      const int64_t max_odd = (int64_t{kMax} >> e) - 1;
      std::vector<std::pair<int32_t, int32_t>> cb;
      for (int i = 0; i < 4 * kLanes; ++i) {
        const int64_t odd = 2 * rng.Uniform(-max_odd / 2, max_odd / 2) + 1;
        const int64_t x = odd * (int64_t{1} << e);
        ASSERT_GE(x, kMin);
        ASSERT_LE(x, kMax);
        const int64_t unit = int64_t{1} << shift, p = x * scale;
        ASSERT_EQ(((p % unit) + unit) % unit, unit / 2) << "test bug: not a tie";
        cb.push_back({static_cast<int32_t>(x), 0});
        ++ties;
      }
      this->RunElements(cb, {false, false, scale, shift});
      if (this->HasFailure()) return;
    }
  }
  EXPECT_GT(ties, 1000);
}

// The examples of docs/isa.md, with the expected results written out (independent of the model).
TYPED_TEST(EpilogueTest, IsaDocumentExamples) {
  struct Case {
    int32_t x;
    int shift;
    int8_t want;
  };
  // x / 2^shift: 1.5, -1.5, 1.25, 127.5, -128.5, 2.5, -0.5, 0.5, huge, tiny.
  const Case cases[] = {{3, 1, 2},       {-3, 1, -2},     {5, 2, 1},     {255, 1, 127},
                        {-257, 1, -128}, {5, 1, 3},       {-1, 1, -1},   {1, 1, 1},
                        {kMax, 0, 127},  {kMin, 0, -128}, {kMax, 31, 1}, {kMin, 31, -1}};
  for (const Case& k : cases) {
    Vec v;
    v.cfg = {false, false, 1, k.shift};
    v.c.fill(k.x);
    ASSERT_TRUE(this->RunOne(v));
    EXPECT_EQ(static_cast<int8_t>(tb::GetBits(this->sim_.dut().q_o, 0, 8)), k.want)
        << k.x << " / 2^" << k.shift;
  }
  // Bias wraps, ReLU clamps after the bias.
  Vec v;
  v.cfg = {true, false, 1, 0};
  v.c = {kMax, kMin, -5, 7};
  v.bias = {1, -1, 3, -10};
  ASSERT_TRUE(this->RunOne(v));
  EXPECT_EQ(static_cast<int32_t>(tb::GetBits(this->sim_.dut().x_o, 0, 32)), kMin);
  EXPECT_EQ(static_cast<int32_t>(tb::GetBits(this->sim_.dut().x_o, 32, 32)), kMax);
  v.cfg.relu = true;
  ASSERT_TRUE(this->RunOne(v));
  EXPECT_EQ(tb::GetBits(this->sim_.dut().x_o, 0, 32), 0u);
  EXPECT_EQ(static_cast<int32_t>(tb::GetBits(this->sim_.dut().x_o, 32, 32)), kMax);
  EXPECT_EQ(tb::GetBits(this->sim_.dut().x_o, 64, 32), 0u);
  EXPECT_EQ(tb::GetBits(this->sim_.dut().x_o, 96, 32), 0u);
}

TYPED_TEST(EpilogueTest, RandomVectorsWithTheConfigurationChangingEveryCycle) {
  tb::Rng rng(tb::SeedFromEnv(3));
  auto value = [&rng]() -> int32_t {
    switch (rng.Uniform(0, 3)) {
      case 0:
        return static_cast<int32_t>(rng.Bits64());
      case 1:
        return static_cast<int32_t>(rng.Uniform(-70000, 70000));
      case 2:
        return static_cast<int32_t>(rng.Uniform(-300, 300));
      default:
        return kEdges[rng.Uniform(0, kEdges.size() - 1)];
    }
  };
  for (int i = 0; i < 50000; ++i) {
    Vec v;
    v.cfg.bias_en = rng.Chance(0.5);
    v.cfg.relu = rng.Chance(0.5);
    v.cfg.scale = rng.Chance(0.2) ? kScales[rng.Uniform(0, kScales.size() - 1)]
                                  : static_cast<int32_t>(rng.Uniform(-32768, 32767));
    v.cfg.shift = static_cast<int>(rng.Uniform(0, 31));
    for (int l = 0; l < kLanes; ++l) {
      v.c[l] = value();
      v.bias[l] = value();
    }
    if (!this->Run(v) && this->mismatches_ > 10) break;
  }
  this->Flush();
  EXPECT_EQ(this->mismatches_, 0);
}

// Outputs hold while valid_i is low; valid_o follows valid_i, 1 + Pipe cycles later.
TYPED_TEST(EpilogueTest, OutputsHoldWhileNoInputIsValid) {
  Vec a;
  a.cfg = {true, false, 300, 4};
  a.c = {1000, -1000, 77, kMin};
  a.bias = {5, 6, 7, 8};
  ASSERT_TRUE(this->RunOne(a));
  auto lanes = [this] {
    std::array<uint64_t, 2 * kLanes> v{};
    for (int l = 0; l < kLanes; ++l) {
      v[l] = tb::GetBits(this->sim_.dut().x_o, 32 * l, 32);
      v[kLanes + l] = tb::GetBits(this->sim_.dut().q_o, 8 * l, 8);
    }
    return v;
  };
  const auto held = lanes();
  Vec b = a;
  b.c = {1, 2, 3, 4};
  b.cfg.shift = 0;
  this->Drive(b, /*valid=*/false);
  for (int i = 0; i < 3; ++i) {
    this->sim_.Step();
    EXPECT_FALSE(this->sim_.dut().valid_o);
    EXPECT_EQ(lanes(), held) << "outputs (and the shift they were rounded with) must hold";
  }
  ASSERT_TRUE(this->RunOne(b));
}

}  // namespace
}  // namespace luoshu
