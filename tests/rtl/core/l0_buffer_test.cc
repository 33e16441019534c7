// l0_buffer at ElemW=12, Lanes=8, Elems=104 (an odd element width, 13 words per bank so the
// wrap is not a power of two), with ReadPipe = 0 and 1 (one more cycle of read latency; the
// lanes rotated before the second register, RotateEarly=1, or behind it, the default), and at
// Elems=128 (16 words per bank, each bank's word an add) with ReadPipe = 1 and the writes in
// bank order (WriteBanked, L0C's shape in the AI core):
// reads (also in bank order, rbank_o) and writes at every alignment and across the wrap, masked
// writes, old data on read-during-write, rdata held while no read is under way, and seeded random
// traffic against a C++ array, checked every cycle.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "Vl0_buffer_w12l8.h"
#include "Vl0_buffer_w12l8_pipe.h"
#include "Vl0_buffer_w12l8_pipe_late.h"
#include "Vl0_buffer_w12l8e128_banked.h"
#include "tb/bits.h"
#include "tb/gtest_util.h"
#include "tb/random.h"
#include "tb/sim.h"

namespace luoshu {
namespace {

constexpr unsigned kElemW = 12, kLanes = 8;
constexpr uint32_t kMask = (1u << kElemW) - 1;
using Lanes = std::array<uint32_t, kLanes>;

// One Verilated shape: its model, element count, read latency and write order.
template <class M, unsigned Elems, int ReadLatency, bool WriteBanked = false>
struct Shape {
  using Model = M;
  static constexpr unsigned kElems = Elems;
  static constexpr int kReadLatency = ReadLatency;
  static constexpr bool kWriteBanked = WriteBanked;
};
using Plain = Shape<Vl0_buffer_w12l8, 104, 1>;
using Piped = Shape<Vl0_buffer_w12l8_pipe, 104, 2>;           // ReadPipe = 1, RotateEarly = 1
using PipedLate = Shape<Vl0_buffer_w12l8_pipe_late, 104, 2>;  // ReadPipe = 1, RotateEarly = 0
// 128 elements, 16 words per bank: a power of two, so each bank's word is the address plus a
// constant (g_word_add), as in the AI core's L0 buffers; writes in bank order, as L0C's
// (ReadPipe = 1, WriteBanked = 1).
using Banked = Shape<Vl0_buffer_w12l8e128_banked, 128, 2, true>;

template <class Config>
class L0BufferTest : public ::testing::Test {
 protected:
  using Model = typename Config::Model;
  static constexpr int kReadLatency = Config::kReadLatency;
  static constexpr unsigned kElems = Config::kElems;
  static constexpr bool kWriteBanked = Config::kWriteBanked;

  L0BufferTest() : sim_(tb::CurrentTestName()), d_(sim_.dut()), ref_(kElems) {
    sim_.Reset();
    Idle();
  }

  void Idle() {
    d_.we_i = 0;
    d_.re_i = 0;
  }
  // Drives a write for this cycle (the caller steps) and updates the reference. `data` and
  // `mask` are in lane order; WriteBanked, lane l goes to bank (addr + l) mod kLanes.
  void DriveWrite(unsigned addr, uint8_t mask, const Lanes& data) {
    d_.we_i = 1;
    d_.waddr_i = addr;
    const unsigned rot = kWriteBanked ? addr % kLanes : 0;
    d_.wmask_i = static_cast<uint8_t>(mask << rot | mask >> (kLanes - rot) % kLanes);
    for (unsigned l = 0; l < kLanes; ++l) {
      tb::PutBits(d_.wdata_i, (l + rot) % kLanes * kElemW, kElemW, data[l]);
    }
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
  // rbank_o put back in lane order for a read at `addr`: lane l is bank (addr + l) mod kLanes.
  Lanes ReadBanksAsLanes(unsigned addr) {
    Lanes got;
    for (unsigned l = 0; l < kLanes; ++l) {
      got[l] = static_cast<uint32_t>(tb::GetBits(d_.rbank_o, (addr + l) % kLanes * kElemW, kElemW));
    }
    return got;
  }
  // Steps one cycle and lands this cycle's write in the reference.
  void Step() {
    sim_.Step();
    for (const auto& [e, v] : pending_) ref_[e] = v;
    pending_.clear();
    Idle();
  }
  // Steps until the read driven this cycle is on rdata_o (idle cycles after the first).
  void StepRead() {
    for (int c = 0; c < kReadLatency; ++c) Step();
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
  tb::Simulation<Model> sim_;
  Model& d_;
  std::vector<uint32_t> ref_;
  std::vector<std::pair<unsigned, uint32_t>> pending_;
};

using Configs = ::testing::Types<Plain, Piped, PipedLate, Banked>;
TYPED_TEST_SUITE(L0BufferTest, Configs);

TYPED_TEST(L0BufferTest, ReadsLanesAtEveryAddressIncludingTheWrap) {
  constexpr unsigned kElems = TestFixture::kElems;
  this->FillRandom();
  for (unsigned a = 0; a < kElems; ++a) {
    this->DriveRead(a);
    const Lanes want = this->Expected(a);
    this->StepRead();
    EXPECT_EQ(this->ReadData(), want) << "read at element " << a;
    EXPECT_EQ(this->ReadBanksAsLanes(a), want) << "bank-order read at element " << a;
  }
}

TYPED_TEST(L0BufferTest, MaskedWritesAtEveryAddressLandOnTheirElementsOnly) {
  constexpr unsigned kElems = TestFixture::kElems;
  this->FillRandom();
  for (unsigned a = 0; a < kElems; ++a) {
    const auto mask = static_cast<uint8_t>(this->rng_.Uniform(0, 255));
    this->DriveWrite(a, mask, this->RandomLanes());
    this->Step();
    // Read back the whole neighbourhood: the written lanes and the elements around them.
    for (unsigned r : {(a + kElems - kLanes) % kElems, a, (a + kLanes) % kElems}) {
      this->DriveRead(r);
      const Lanes want = this->Expected(r);
      this->StepRead();
      ASSERT_EQ(this->ReadData(), want)
          << "write at " << a << " mask " << int{mask} << ", read at " << r;
    }
  }
}

TYPED_TEST(L0BufferTest, ReadDuringWriteReturnsOldData) {
  constexpr unsigned kElems = TestFixture::kElems;
  this->FillRandom();
  const unsigned addr = kElems - 3;  // both accesses wrap
  const Lanes old = this->Expected(addr - 2);
  this->DriveWrite(addr, 0xFF, this->RandomLanes());
  this->DriveRead(addr - 2);  // overlaps the write's first six elements
  this->StepRead();
  EXPECT_EQ(this->ReadData(), old);
  this->DriveRead(addr - 2);
  const Lanes now = this->Expected(addr - 2);
  this->StepRead();
  EXPECT_EQ(this->ReadData(), now) << "the write landed";
  EXPECT_NE(now, old);
}

TYPED_TEST(L0BufferTest, HoldsReadDataWhileReadDisabled) {
  this->FillRandom();
  this->DriveRead(5);
  const Lanes want = this->Expected(5);
  this->StepRead();
  ASSERT_EQ(this->ReadData(), want);
  for (int c = 0; c < 4; ++c) {
    this->d_.raddr_i = 60 + c;  // a new address without re_i, and a write over the read elements
    this->DriveWrite(5, 0xFF, this->RandomLanes());
    this->Step();
    EXPECT_EQ(this->ReadData(), want) << "cycle " << c;
  }
}

// Random reads and writes (idle cycles, both at once, overlapping), rdata checked every cycle
// once a read has come out (each read's data kReadLatency cycles after it, then held); every
// start alignment and the wrap are covered for both ports.
TYPED_TEST(L0BufferTest, RandomTrafficMatchesReferenceArray) {
  constexpr unsigned kElems = TestFixture::kElems;
  this->FillRandom();
  std::optional<Lanes> want;
  std::deque<std::optional<Lanes>> in_flight(TestFixture::kReadLatency - 1);
  std::array<int, kLanes> reads_at{}, writes_at{};
  int wrapped_reads = 0, wrapped_writes = 0, overlaps = 0;
  for (int c = 0; c < 20000; ++c) {
    const bool idle = this->rng_.Chance(0.2);
    const bool we = !idle && this->rng_.Chance(0.6);
    const bool re = !idle && this->rng_.Chance(0.6);
    const auto waddr = static_cast<unsigned>(this->rng_.Uniform(0, kElems - 1));
    const auto raddr =
        this->rng_.Chance(0.15)
            ? (waddr + static_cast<unsigned>(this->rng_.Uniform(0, kLanes - 1))) % kElems
            : static_cast<unsigned>(this->rng_.Uniform(0, kElems - 1));
    in_flight.push_back(std::nullopt);
    if (re) {
      in_flight.back() = this->Expected(raddr);
      ++reads_at[raddr % kLanes];
      wrapped_reads += raddr + kLanes > kElems;
    }
    if (we) {
      this->DriveWrite(waddr, static_cast<uint8_t>(this->rng_.Uniform(0, 255)),
                       this->RandomLanes());
      ++writes_at[waddr % kLanes];
      wrapped_writes += waddr + kLanes > kElems;
      overlaps += re && (raddr + kElems - waddr) % kElems < kLanes;
    }
    if (re) this->DriveRead(raddr);
    this->Step();
    if (in_flight.front()) want = in_flight.front();
    in_flight.pop_front();
    if (want) {
      ASSERT_EQ(this->ReadData(), *want) << "cycle " << this->sim_.cycle();
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
  sim->raddr_i = 104;  // fits the 7-bit port, but the buffer has 104 elements
  EXPECT_THROW(sim.Step(), tb::RtlAssertionError);
}

}  // namespace
}  // namespace luoshu
