// burst_gen: the bursts of a transfer (rows of row_bytes at addr + r * stride) must be exactly
// tb::SplitBursts of each row, in order, back to back when the consumer is always ready, and
// held while it is not. Directed cases at every boundary of the rule, then seeded random
// transfers with random consumer stalls, for 16-byte and 4-byte beats.
#include <gtest/gtest.h>

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "Vburst_gen_b16.h"
#include "Vburst_gen_b16_m4.h"
#include "Vburst_gen_b16_m4_params.h"
#include "Vburst_gen_b16_params.h"
#include "Vburst_gen_b4.h"
#include "Vburst_gen_b4_params.h"
#include "tb/checkers/bursts.h"
#include "tb/gtest_util.h"
#include "tb/random.h"
#include "tb/sim.h"

namespace luoshu {
namespace {

struct Transfer {
  uint64_t addr = 0;
  uint64_t row_bytes = 0;
  uint32_t rows = 1;
  uint64_t stride = 0;
};

std::string Describe(const Transfer& t) {
  std::ostringstream os;
  os << t.rows << " rows of " << t.row_bytes << " bytes at 0x" << std::hex << t.addr << " stride 0x"
     << t.stride;
  return os.str();
}

struct Seen {
  tb::Burst burst;
  bool row_last = false;
};

// The reference: every row's bursts; the last of each row ends it.
std::vector<Seen> Expected(const Transfer& t, uint64_t beat_bytes, uint64_t max_beats = 256) {
  std::vector<Seen> out;
  if (t.row_bytes == 0) return out;
  for (uint64_t r = 0; r < t.rows; ++r) {
    const auto row = tb::SplitBursts(t.addr + r * t.stride, t.row_bytes, beat_bytes, max_beats);
    for (size_t i = 0; i < row.size(); ++i) out.push_back({row[i], i + 1 == row.size()});
  }
  return out;
}

template <class Model>
class BurstGenTest : public ::testing::Test {
 protected:
  static constexpr uint64_t kBeatBytes = VerilatedParams<Model>::BeatBytes;
  static constexpr uint64_t kMaxRowBytes = (uint64_t(1) << VerilatedParams<Model>::LenW) - 1;
  static constexpr uint64_t kMaxBeats = VerilatedParams<Model>::MaxBeats;

  BurstGenTest() : sim_(tb::CurrentTestName()), d_(sim_.dut()) { sim_.Reset(); }

  void Start(const Transfer& t) {
    d_.start_i = 1;
    d_.addr_i = static_cast<uint32_t>(t.addr);
    d_.row_bytes_i = static_cast<uint32_t>(t.row_bytes);
    d_.rows_i = t.rows;
    d_.stride_i = static_cast<uint32_t>(t.stride);
    d_.burst_ready_i = 0;
    sim_.Step();
    d_.start_i = 0;
  }

  // Takes bursts until the generator is idle; the consumer stalls with probability
  // `stall`. Checks the stream rule (an offered burst stays until taken) and that the length
  // outputs agree. Returns the bursts and counts the cycles in `cycles`.
  std::vector<Seen> Drain(tb::StallInjector stall, uint64_t limit, uint64_t* cycles = nullptr) {
    std::vector<Seen> got;
    bool waiting = false;
    Seen held;
    uint64_t n = 0;
    for (; d_.burst_valid_o; ++n) {
      if (n == limit) {
        ADD_FAILURE() << "generator still busy after " << limit << " cycles";
        break;
      }
      const Seen now{{d_.burst_addr_o, uint32_t(d_.burst_len_o) + 1}, d_.burst_row_last_o != 0};
      EXPECT_EQ(d_.burst_beats_o, now.burst.beats) << "beats and len disagree at cycle " << n;
      if (waiting) {
        EXPECT_TRUE(now.burst == held.burst && now.row_last == held.row_last)
            << "burst changed before it was taken, cycle " << n;
      }
      d_.burst_ready_i = !stall.Stall();
      if (d_.burst_ready_i) got.push_back(now);
      waiting = !d_.burst_ready_i;
      held = now;
      sim_.Step();
    }
    d_.burst_ready_i = 0;
    if (cycles) *cycles = n;
    return got;
  }

  void ExpectBursts(const Transfer& t, double stall_p, uint64_t seed) {
    const auto want = Expected(t, kBeatBytes, kMaxBeats);
    tb::Rng rng(seed);
    Start(t);
    uint64_t cycles = 0;
    const auto got = Drain(tb::StallInjector(stall_p, &rng), 20 * want.size() + 100, &cycles);
    ASSERT_EQ(got.size(), want.size()) << Describe(t);
    for (size_t i = 0; i < got.size(); ++i) {
      ASSERT_EQ(got[i].burst.addr, want[i].burst.addr) << "burst " << i << ": " << Describe(t);
      ASSERT_EQ(got[i].burst.beats, want[i].burst.beats) << "burst " << i << ": " << Describe(t);
      ASSERT_EQ(got[i].row_last, want[i].row_last) << "burst " << i << ": " << Describe(t);
    }
    if (stall_p == 0) {
      EXPECT_EQ(cycles, want.size()) << "one burst per cycle: " << Describe(t);
    }
  }

  tb::Simulation<Model> sim_;
  Model& d_;
};

using Models = ::testing::Types<Vburst_gen_b16, Vburst_gen_b4, Vburst_gen_b16_m4>;
TYPED_TEST_SUITE(BurstGenTest, Models);

TEST(BurstGenReferenceTest, MaxBeatsCutsLongBursts) {
  // 10 beats from a page start in bursts of at most 4: 4 + 4 + 2; a page boundary still cuts.
  const auto b = tb::SplitBursts(0x6000, 10 * 16, 16, 4);
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b[2], (tb::Burst{0x6080, 2}));
  EXPECT_EQ(tb::SplitBursts(0x7000 - 16, 3 * 16, 16, 4).size(), 2u);
}

TYPED_TEST(BurstGenTest, BoundaryCases) {
  const uint64_t bb = this->kBeatBytes;
  const struct {
    const char* what;
    Transfer t;
    size_t bursts;  // counted by hand, so the reference is checked too
  } cases[] = {
      {"one byte", {0x105, 1, 1, 0}, 1},
      {"one beat, aligned", {0x2000, bb, 1, 0}, 1},
      {"start at a 4 KiB boundary, one page", {0x3000, 4096, 1, 0}, bb == 16 ? 1u : 4u},
      {"just before 4 KiB, crossing by one byte", {0x4FFF, 2, 1, 0}, 2},
      {"last beat before 4 KiB", {0x5000 - bb, bb, 1, 0}, 1},
      {"exactly 256 beats from a page start", {0x6000, 256 * bb, 1, 0}, 1},
      {"257 beats from a page start", {0x8000, 257 * bb, 1, 0}, 2},
      {"256 beats across a 4 KiB boundary", {0x9000 - bb, 256 * bb, 1, 0}, 2},
      {"a row ending at 2^32", {0xFFFFF000 - 3, 4096 + 3, 1, 0}, bb == 16 ? 2u : 5u},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    EXPECT_EQ(Expected(c.t, bb).size(), c.bursts) << "reference";
    this->ExpectBursts(c.t, 0, 1);
  }
}

TYPED_TEST(BurstGenTest, LongRowsCrossManyPages) {
  const uint64_t max = this->kMaxRowBytes;
  this->ExpectBursts({0x1234'5F00, 3 * 4096 + 100, 1, 0}, 0, 1);
  this->ExpectBursts({0x0010'0007, max, 1, 0}, 0, 1);  // the longest row, unaligned
  this->ExpectBursts({0x0010'0000, max, 3, max + 5}, 0, 1);
}

TYPED_TEST(BurstGenTest, RowsBackToBack) {
  // Overlapping rows, a zero stride, and many one-byte rows: every row change is one cycle.
  this->ExpectBursts({0x1000 - 5, 40, 6, 8}, 0, 1);
  this->ExpectBursts({0x2FF0, 100, 4, 0}, 0, 1);
  this->ExpectBursts({0x7, 1, 2000, 4097}, 0, 1);
  this->ExpectBursts({0x10, 3, 0xFFFF, 3}, 0, 1);  // the most rows
}

TYPED_TEST(BurstGenTest, EmptyTransferHasNoBursts) {
  for (const Transfer& t : {Transfer{0x100, 0, 4, 16}, Transfer{0x100, 64, 0, 16}}) {
    this->Start(t);
    EXPECT_FALSE(this->d_.burst_valid_o) << Describe(t);
    this->sim_.Step(3);
    EXPECT_FALSE(this->d_.burst_valid_o) << Describe(t);
  }
}

TYPED_TEST(BurstGenTest, StartDropsTheTransferInProgress) {
  const uint64_t bb = this->kBeatBytes;
  this->Start({0x0, 64 * 1024, 4, 0x10000});  // many bursts, none taken
  EXPECT_TRUE(this->d_.burst_valid_o);
  this->sim_.Step(5);
  this->ExpectBursts({0x9000 + 3, 5 * bb, 2, 0x40}, 0, 1);
}

TYPED_TEST(BurstGenTest, RandomTransfersWithStalls) {
  const uint64_t bb = this->kBeatBytes, max = this->kMaxRowBytes;
  for (tb::Round& r : tb::Rounds(tb::SeedFromEnv(7), 60)) {
    tb::Rng& rng = r.rng;
    Transfer t;
    // Lengths: a few bytes, around the 256-beat and 4 KiB marks, or anything up to the max.
    switch (rng.Uniform(0, 3)) {
      case 0:
        t.row_bytes = rng.Uniform(1, 3 * bb);
        break;
      case 1:
        t.row_bytes = 256 * bb + rng.Uniform(-int64_t(bb), int64_t(bb));
        break;
      case 2:
        t.row_bytes = 4096 + rng.Uniform(-2 * int64_t(bb), 2 * int64_t(bb));
        break;
      default:
        t.row_bytes = rng.Uniform(1, max);
        break;
    }
    t.rows = static_cast<uint32_t>(rng.Uniform(1, 6));
    t.stride = rng.Chance(0.2) ? rng.Uniform(0, t.row_bytes) : rng.Uniform(0, 3 * max);
    // Starts near a 4 KiB boundary half of the time; the transfer stays below 2^32.
    const uint64_t span = (t.rows - 1) * t.stride + t.row_bytes;
    const uint64_t page = rng.Uniform(1, ((uint64_t(1) << 32) - span) / 4096 - 1) * 4096;
    t.addr = rng.Chance(0.5) ? page - rng.Uniform(0, 2 * bb) : page + rng.Uniform(0, 4095);
    const double stall = std::vector<double>{0, 0.3, 0.8}[rng.Uniform(0, 2)];
    this->ExpectBursts(t, stall, rng.Bits64());
  }
}

}  // namespace
}  // namespace luoshu
