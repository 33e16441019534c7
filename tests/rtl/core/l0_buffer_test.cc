// l0_buffer at ElemW=12, Lanes=8, Elems=104 (an odd element width, 13 words per bank so the
// wrap is not a power of two): reads and writes at every alignment and across the wrap,
// masked writes, old data on read-during-write, rdata held while re_i is low, and seeded
// random traffic against a C++ array, checked every cycle.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "Vl0_buffer_w12l8.h"
#include "tb/bits.h"
#include "tb/gtest_util.h"
#include "tb/random.h"
#include "tb/sim.h"

namespace luoshu {
namespace {

constexpr unsigned kElemW = 12, kLanes = 8, kElems = 104;
constexpr uint32_t kMask = (1u << kElemW) - 1;
using Lanes = std::array<uint32_t, kLanes>;

class L0BufferTest : public ::testing::Test {
 protected:
  L0BufferTest() : sim_(tb::CurrentTestName()), d_(sim_.dut()), ref_(kElems) {
    sim_.Reset();
    Idle();
  }

  void Idle() {
    d_.we_i = 0;
    d_.re_i = 0;
  }
  // Drives a write for this cycle (the caller steps) and updates the reference.
  void DriveWrite(unsigned addr, uint8_t mask, const Lanes& data) {
    d_.we_i = 1;
    d_.waddr_i = addr;
    d_.wmask_i = mask;
    for (unsigned l = 0; l < kLanes; ++l) tb::PutBits(d_.wdata_i, l * kElemW, kElemW, data[l]);
    for (unsigned l = 0; l < kLanes; ++l) {
      if (mask >> l & 1) pending_.emplace_back((addr + l) % kElems, data[l]);
    }
  }
  void DriveRead(unsigned addr) {
    d_.re_i = 1;
    d_.raddr_i = addr;
  }
  // The lanes a read at `addr` must return, from the reference before this cycle's write.
  Lanes Expected(unsigned addr) const {
    Lanes want;
    for (unsigned l = 0; l < kLanes; ++l) want[l] = ref_[(addr + l) % kElems];
    return want;
  }
  Lanes ReadData() {
    Lanes got;
    for (unsigned l = 0; l < kLanes; ++l)
      got[l] = static_cast<uint32_t>(tb::GetBits(d_.rdata_o, l * kElemW, kElemW));
    return got;
  }
  // Steps one cycle and lands this cycle's write in the reference.
  void Step() {
    sim_.Step();
    for (const auto& [e, v] : pending_) ref_[e] = v;
    pending_.clear();
    Idle();
  }
  Lanes RandomLanes() {
    Lanes v;
    for (auto& x : v) x = static_cast<uint32_t>(rng_.Bits64()) & kMask;
    return v;
  }
  void FillRandom() {
    for (unsigned a = 0; a < kElems; a += kLanes) {
      DriveWrite(a, 0xFF, RandomLanes());
      Step();
    }
  }

  tb::Rng rng_{tb::SeedFromEnv(7)};
  tb::Simulation<Vl0_buffer_w12l8> sim_;
  Vl0_buffer_w12l8& d_;
  std::vector<uint32_t> ref_;
  std::vector<std::pair<unsigned, uint32_t>> pending_;
};

TEST_F(L0BufferTest, ReadsLanesAtEveryAddressIncludingTheWrap) {
  FillRandom();
  for (unsigned a = 0; a < kElems; ++a) {
    DriveRead(a);
    const Lanes want = Expected(a);
    Step();
    EXPECT_EQ(ReadData(), want) << "read at element " << a;
  }
}

TEST_F(L0BufferTest, MaskedWritesAtEveryAddressLandOnTheirElementsOnly) {
  FillRandom();
  for (unsigned a = 0; a < kElems; ++a) {
    const auto mask = static_cast<uint8_t>(rng_.Uniform(0, 255));
    DriveWrite(a, mask, RandomLanes());
    Step();
    // Read back the whole neighbourhood: the written lanes and the elements around them.
    for (unsigned r : {(a + kElems - kLanes) % kElems, a, (a + kLanes) % kElems}) {
      DriveRead(r);
      const Lanes want = Expected(r);
      Step();
      ASSERT_EQ(ReadData(), want) << "write at " << a << " mask " << int{mask} << ", read at " << r;
    }
  }
}

TEST_F(L0BufferTest, ReadDuringWriteReturnsOldData) {
  FillRandom();
  const unsigned addr = kElems - 3;  // both accesses wrap
  const Lanes old = Expected(addr - 2);
  DriveWrite(addr, 0xFF, RandomLanes());
  DriveRead(addr - 2);  // overlaps the write's first six elements
  Step();
  EXPECT_EQ(ReadData(), old);
  DriveRead(addr - 2);
  const Lanes now = Expected(addr - 2);
  Step();
  EXPECT_EQ(ReadData(), now) << "the write landed";
  EXPECT_NE(now, old);
}

TEST_F(L0BufferTest, HoldsReadDataWhileReadDisabled) {
  FillRandom();
  DriveRead(5);
  const Lanes want = Expected(5);
  Step();
  ASSERT_EQ(ReadData(), want);
  for (int c = 0; c < 4; ++c) {
    d_.raddr_i = 60 + c;  // a new address without re_i, and a write over the read elements
    DriveWrite(5, 0xFF, RandomLanes());
    Step();
    EXPECT_EQ(ReadData(), want) << "cycle " << c;
  }
}

// Random reads and writes (idle cycles, both at once, overlapping), rdata checked every cycle
// once a read has happened; every start alignment and the wrap are covered for both ports.
TEST_F(L0BufferTest, RandomTrafficMatchesReferenceArray) {
  FillRandom();
  std::optional<Lanes> want;
  std::array<int, kLanes> reads_at{}, writes_at{};
  int wrapped_reads = 0, wrapped_writes = 0, overlaps = 0;
  for (int c = 0; c < 20000; ++c) {
    const bool idle = rng_.Chance(0.2);
    const bool we = !idle && rng_.Chance(0.6);
    const bool re = !idle && rng_.Chance(0.6);
    const auto waddr = static_cast<unsigned>(rng_.Uniform(0, kElems - 1));
    const auto raddr = rng_.Chance(0.15)
                           ? (waddr + static_cast<unsigned>(rng_.Uniform(0, kLanes - 1))) % kElems
                           : static_cast<unsigned>(rng_.Uniform(0, kElems - 1));
    if (re) {
      want = Expected(raddr);
      ++reads_at[raddr % kLanes];
      wrapped_reads += raddr + kLanes > kElems;
    }
    if (we) {
      DriveWrite(waddr, static_cast<uint8_t>(rng_.Uniform(0, 255)), RandomLanes());
      ++writes_at[waddr % kLanes];
      wrapped_writes += waddr + kLanes > kElems;
      overlaps += re && (raddr + kElems - waddr) % kElems < kLanes;
    }
    if (re) DriveRead(raddr);
    Step();
    if (want) {
      ASSERT_EQ(ReadData(), *want) << "cycle " << sim_.cycle() << (re ? ", read" : ", held");
    }
  }
  for (unsigned l = 0; l < kLanes; ++l) {
    EXPECT_GT(reads_at[l], 500) << "reads at alignment " << l;
    EXPECT_GT(writes_at[l], 500) << "writes at alignment " << l;
  }
  EXPECT_GT(wrapped_reads, 100);
  EXPECT_GT(wrapped_writes, 100);
  EXPECT_GT(overlaps, 500) << "read-during-write was hardly exercised";
}

TEST(L0BufferAssertTest, AddressBeyondElemsIsAnRtlError) {
  tb::Simulation<Vl0_buffer_w12l8> sim(tb::CurrentTestName());
  sim.Reset();
  sim->re_i = 1;
  sim->raddr_i = kElems;  // fits the 7-bit port, but the buffer has 104 elements
  EXPECT_THROW(sim.Step(), tb::RtlAssertionError);
}

}  // namespace
}  // namespace luoshu
