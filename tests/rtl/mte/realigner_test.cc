// realigner: rows of bytes, cut into chunks, go in at their destination offset; out must come
// every beat the row touches, once and in order, with exactly the row's bytes strobed. The
// reference lays the row out in whole beats. Directed rows in the shapes MTE-out makes (whole
// int32 beats aligned and not, int8 quarter beats, single bytes), timing at full rate, then
// seeded random rows and chunkings with stalls on both sides, for 16-byte and 4-byte beats,
// without and with the output skid register (OutSkid).
#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "Vrealigner_b16.h"
#include "Vrealigner_b16_params.h"
#include "Vrealigner_b16_skid.h"
#include "Vrealigner_b16_skid_params.h"
#include "Vrealigner_b4.h"
#include "Vrealigner_b4_params.h"
#include "Vrealigner_b4_skid.h"
#include "Vrealigner_b4_skid_params.h"
#include "tb/gtest_util.h"
#include "tb/random.h"
#include "tb/sim.h"

namespace luoshu {
namespace {

// A row: `bytes` for destination offset `off` (within the first beat), in chunks of `cuts`
// bytes each (summing to the row's length).
struct Row {
  uint32_t off = 0;
  std::vector<uint8_t> bytes;
  std::vector<uint32_t> cuts;
};

struct Chunk {
  std::vector<uint8_t> data;
  uint32_t off = 0;
  bool last = false;
};

struct Beat {
  std::vector<uint8_t> data;  // strobed bytes only (others 0)
  std::vector<bool> strb;
  bool operator==(const Beat& o) const { return data == o.data && strb == o.strb; }
};

std::string Show(const Beat& b) {
  std::ostringstream os;
  os << std::hex;
  for (size_t i = 0; i < b.data.size(); ++i) {
    if (b.strb[i]) {
      os << int(b.data[i]) << ' ';
    } else {
      os << "-- ";
    }
  }
  return os.str();
}

// The reference: each beat the row touches, its bytes in place.
std::vector<Beat> LayOut(const Row& r, uint32_t bb) {
  const uint32_t n = (r.off + uint32_t(r.bytes.size()) + bb - 1) / bb;
  std::vector<Beat> out(n, Beat{std::vector<uint8_t>(bb, 0), std::vector<bool>(bb, false)});
  for (size_t i = 0; i < r.bytes.size(); ++i) {
    const size_t pos = r.off + i;
    out[pos / bb].data[pos % bb] = r.bytes[i];
    out[pos / bb].strb[pos % bb] = true;
  }
  return out;
}

std::vector<Chunk> Cut(const Row& r, uint32_t bb) {
  std::vector<Chunk> out;
  size_t at = 0;
  for (uint32_t c : r.cuts) {
    out.push_back(
        {{r.bytes.begin() + at, r.bytes.begin() + at + c}, uint32_t((r.off + at) % bb), false});
    at += c;
  }
  out.back().last = true;
  return out;
}

// The model's OutSkid (0 when it was Verilated without the parameter, the default).
template <class P, class = void>
struct OutSkidOf {
  static constexpr uint32_t value = 0;
};
template <class P>
struct OutSkidOf<P, std::void_t<decltype(P::OutSkid)>> {
  static constexpr uint32_t value = P::OutSkid;
};

template <class Model>
class RealignerTest : public ::testing::Test {
 protected:
  static constexpr uint32_t kBeatBytes = VerilatedParams<Model>::BeatBytes;

  RealignerTest() : sim_(tb::CurrentTestName()), d_(sim_.dut()) {
    sample_ = sim_.OnSample([this] {
      if (d_.in_valid_i && d_.in_ready_o) {
        chunks_.pop_front();
        taken_ = true;
      }
      if (d_.out_valid_o && d_.out_ready_i) beats_.push_back(ReadBeat());
    });
    sim_.Reset();
  }

  Row MakeRow(uint32_t off, uint32_t len, const std::vector<uint32_t>& cuts, tb::Rng* rng) {
    Row r{off, {}, cuts};
    for (uint32_t i = 0; i < len; ++i) r.bytes.push_back(static_cast<uint8_t>(rng->Bits64()));
    return r;
  }
  // len bytes in chunks of `step` (the last one shorter).
  Row EvenRow(uint32_t off, uint32_t len, uint32_t step, tb::Rng* rng) {
    std::vector<uint32_t> cuts;
    for (uint32_t left = len; left > 0; left -= std::min(step, left)) {
      cuts.push_back(std::min(step, left));
    }
    return MakeRow(off, len, cuts, rng);
  }

  Beat ReadBeat() const {
    Beat b{std::vector<uint8_t>(kBeatBytes, 0), std::vector<bool>(kBeatBytes, false)};
    for (uint32_t i = 0; i < kBeatBytes; ++i) {
      b.strb[i] = (Strobes() >> i) & 1;
      if (b.strb[i]) b.data[i] = Byte(i);
    }
    return b;
  }
  uint64_t Strobes() const { return d_.out_strb_o; }
  uint8_t Byte(uint32_t i) const {
    if constexpr (sizeof(d_.out_data_o) <= 8) {
      return static_cast<uint8_t>(uint64_t(d_.out_data_o) >> (8 * i));
    } else {
      return static_cast<uint8_t>(d_.out_data_o[i / 4] >> (8 * (i % 4)));
    }
  }
  void Drive(const Chunk& c) {
    uint32_t words[kBeatBytes / 4 + 1] = {};
    for (size_t i = 0; i < c.data.size(); ++i) words[i / 4] |= uint32_t(c.data[i]) << (8 * (i % 4));
    if constexpr (sizeof(d_.in_data_i) <= 8) {
      d_.in_data_i = kBeatBytes == 4 ? words[0] : (uint64_t(words[1]) << 32 | words[0]);
    } else {
      for (uint32_t w = 0; w < kBeatBytes / 4; ++w) d_.in_data_i[w] = words[w];
    }
    d_.in_nbytes_i = static_cast<uint32_t>(c.data.size());
    d_.in_off_i = c.off;
    d_.in_last_i = c.last;
    d_.in_fills_i = c.off + c.data.size() >= kBeatBytes;
    d_.in_spills_i = c.off + c.data.size() > kBeatBytes;
    // The chunk's bytes at its offset, over its beat and the next.
    d_.in_strb_i = static_cast<uint32_t>(((uint64_t{1} << c.data.size()) - 1) << c.off);
  }

  // Sends the rows' chunks with the source idling with probability in_stall and the sink
  // dropping ready with probability out_stall; checks the beats against the reference.
  // Returns the cycles from the first chunk to the last beat.
  uint64_t Run(const std::vector<Row>& rows, double in_stall, double out_stall, uint64_t seed = 1) {
    tb::Rng rng(seed);
    tb::StallInjector src_stall(in_stall, &rng), sink_stall(out_stall, &rng);
    std::vector<Beat> want;
    for (const Row& r : rows) {
      for (const Chunk& c : Cut(r, kBeatBytes)) chunks_.push_back(c);
      for (const Beat& b : LayOut(r, kBeatBytes)) want.push_back(b);
    }
    beats_.clear();
    const uint64_t start = sim_.cycle();
    bool offering = false;
    uint64_t limit = 100 + 20 * (chunks_.size() + want.size());
    while ((!chunks_.empty() || beats_.size() < want.size()) && limit-- > 0) {
      // A chunk on offer stays until taken (the stream rule); a new one may wait.
      offering = !chunks_.empty() && (offering || !src_stall.Stall());
      d_.in_valid_i = offering;
      if (offering) Drive(chunks_.front());
      d_.out_ready_i = !sink_stall.Stall();
      taken_ = false;
      sim_.Step();
      if (taken_) offering = false;
    }
    d_.in_valid_i = 0;
    d_.out_ready_i = 1;
    const uint64_t cycles = sim_.cycle() - start;
    EXPECT_TRUE(chunks_.empty()) << chunks_.size() << " chunks never taken";
    EXPECT_EQ(beats_.size(), want.size()) << "beats out";
    for (size_t i = 0; i < std::min(beats_.size(), want.size()); ++i) {
      EXPECT_TRUE(beats_[i] == want[i])
          << "beat " << i << "\n   got  " << Show(beats_[i]) << "\n   want " << Show(want[i]);
    }
    sim_.Step(2);
    EXPECT_FALSE(d_.out_valid_o) << "a beat after the last row";
    EXPECT_FALSE(d_.busy_o) << "busy after the last row left";
    return cycles;
  }

  tb::Simulation<Model> sim_;
  Model& d_;
  tb::HookHandle sample_;
  std::deque<Chunk> chunks_;
  std::vector<Beat> beats_;
  bool taken_ = false;
};

// (the _skid models: OutSkid = 1, the same cycles while the sink is always ready)
using Models =
    ::testing::Types<Vrealigner_b16, Vrealigner_b4, Vrealigner_b16_skid, Vrealigner_b4_skid>;
TYPED_TEST_SUITE(RealignerTest, Models);

TYPED_TEST(RealignerTest, WholeBeatsAtFullRate) {
  const uint32_t bb = this->kBeatBytes;
  tb::Rng rng(1);
  // Cycles: one per chunk, one more for a row's spilled last beat, and one for the last beat
  // to leave (a beat is offered the cycle after its chunk).
  // Aligned whole beats: one beat per chunk.
  EXPECT_EQ(this->Run({this->EvenRow(0, 5 * bb, bb, &rng)}, 0, 0), 5u + 1);
  // Unaligned whole beats (int32 at an odd address): each chunk spills, so the row takes one
  // extra cycle for its last beat.
  EXPECT_EQ(this->Run({this->EvenRow(3, 5 * bb, bb, &rng)}, 0, 0), 6u + 1);
  // Two rows back to back: the first ends exactly at a beat's end (no extra cycle), the
  // second spills.
  EXPECT_EQ(this->Run({this->EvenRow(bb / 2, 3 * bb / 2, bb, &rng), this->EvenRow(1, bb, bb, &rng)},
                      0, 0),
            3u + 1 + 1);
}

TYPED_TEST(RealignerTest, QuarterBeatChunks) {
  // int8 output: BeatBytes/4 bytes per chunk, four chunks per beat.
  const uint32_t bb = this->kBeatBytes, q = bb / 4;
  tb::Rng rng(2);
  EXPECT_EQ(this->Run({this->EvenRow(0, 8 * q, q, &rng)}, 0, 0), 8u + 1);
  this->Run({this->EvenRow(q + 1, 7 * q + 2, q, &rng)}, 0, 0);
}

TYPED_TEST(RealignerTest, EdgeRows) {
  const uint32_t bb = this->kBeatBytes;
  tb::Rng rng(3);
  this->Run({this->EvenRow(bb - 1, 1, 1, &rng)}, 0, 0);    // one byte, last lane
  this->Run({this->EvenRow(0, 1, 1, &rng)}, 0, 0);         // one byte, lane 0
  this->Run({this->EvenRow(bb - 1, bb, bb, &rng)}, 0, 0);  // a whole beat that spills
  this->Run({this->EvenRow(1, bb - 1, 1, &rng)}, 0, 0);    // byte by byte to the beat end
  this->Run({this->MakeRow(2, 3 * bb, {1, bb, bb - 1, bb}, &rng)}, 0, 0);
}

TYPED_TEST(RealignerTest, HoldsAPartialBeatUntilTheRowGoesOn) {
  const uint32_t bb = this->kBeatBytes;
  auto& d = this->d_;
  tb::Rng rng(4);
  const Row r = this->EvenRow(0, bb, bb / 2, &rng);
  const auto chunks = Cut(r, bb);
  d.out_ready_i = 1;
  d.in_valid_i = 1;
  this->Drive(chunks[0]);
  this->chunks_.push_back(chunks[0]);
  this->sim_.Step();
  d.in_valid_i = 0;
  this->sim_.Step(3);
  EXPECT_FALSE(d.out_valid_o) << "half a beat left before the row filled it";
  EXPECT_TRUE(d.busy_o) << "holds half a beat";
  d.in_valid_i = 1;
  this->Drive(chunks[1]);
  this->chunks_.push_back(chunks[1]);
  this->sim_.Step();
  d.in_valid_i = 0;
  this->sim_.Step();
  ASSERT_EQ(this->beats_.size(), 1u) << "the filled beat leaves";
  EXPECT_TRUE(this->beats_[0] == LayOut(r, bb)[0]) << Show(this->beats_[0]);
  EXPECT_FALSE(d.busy_o);
}

TYPED_TEST(RealignerTest, StalledSinkHoldsBeatsInOrder) {
  // Whole aligned beats (one per chunk) against a sink that is not ready: one beat waits on
  // offer, and with OutSkid one more behind it; then they leave in order at full rate.
  const uint32_t bb = this->kBeatBytes;
  constexpr uint32_t kInside = 1 + OutSkidOf<VerilatedParams<TypeParam>>::value;
  auto& d = this->d_;
  tb::Rng rng(5);
  const Row r = this->EvenRow(0, 4 * bb, bb, &rng);
  for (const Chunk& c : Cut(r, bb)) this->chunks_.push_back(c);
  d.out_ready_i = 0;
  for (int i = 0; i < 6; ++i) {
    d.in_valid_i = !this->chunks_.empty();
    if (d.in_valid_i) this->Drive(this->chunks_.front());
    this->sim_.Step();
  }
  EXPECT_EQ(this->chunks_.size(), 4u - kInside) << "chunks taken while the sink stalls";
  EXPECT_TRUE(d.out_valid_o);
  EXPECT_TRUE(d.busy_o);
  d.out_ready_i = 1;
  for (int i = 0; i < 6; ++i) {
    d.in_valid_i = !this->chunks_.empty();
    if (d.in_valid_i) this->Drive(this->chunks_.front());
    this->sim_.Step();
  }
  d.in_valid_i = 0;
  const std::vector<Beat> want = LayOut(r, bb);
  ASSERT_EQ(this->beats_.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_TRUE(this->beats_[i] == want[i]) << "beat " << i << ": " << Show(this->beats_[i]);
  }
  EXPECT_FALSE(d.out_valid_o);
  EXPECT_FALSE(d.busy_o);
}

TYPED_TEST(RealignerTest, RandomRowsWithStalls) {
  const uint32_t bb = this->kBeatBytes;
  for (tb::Round& r : tb::Rounds(tb::SeedFromEnv(11), 8)) {
    std::vector<Row> rows;
    const int n = static_cast<int>(r.rng.Uniform(1, 40));
    for (int i = 0; i < n; ++i) {
      const auto off = static_cast<uint32_t>(r.rng.Uniform(0, bb - 1));
      const auto len = static_cast<uint32_t>(r.rng.Uniform(1, 6 * bb));
      std::vector<uint32_t> cuts;
      // Chunks of one size (as MTE-out makes) or of random sizes.
      const bool even = r.rng.Chance(0.5);
      const auto step = static_cast<uint32_t>(r.rng.Uniform(1, bb));
      for (uint32_t left = len; left > 0;) {
        const uint32_t c =
            std::min<uint32_t>(left, even ? step : static_cast<uint32_t>(r.rng.Uniform(1, bb)));
        cuts.push_back(c);
        left -= c;
      }
      rows.push_back(this->MakeRow(off, len, cuts, &r.rng));
    }
    const double stalls[] = {0, 0.3, 0.7};
    this->Run(rows, stalls[r.rng.Uniform(0, 2)], stalls[r.rng.Uniform(0, 2)], r.rng.Bits64());
  }
}

}  // namespace
}  // namespace luoshu
