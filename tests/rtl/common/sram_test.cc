// sram: write/read-back of every word, old data on read-during-write, rdata held while re_i is
// low, and seeded random reads/writes with idle cycles against a C++ reference array, for a
// power-of-two (64x32) and a non-power-of-two (100x8) configuration.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "Vsram_no_rdw.h"
#include "Vsram_no_rdw_params.h"
#include "Vsram_w100x8.h"
#include "Vsram_w100x8_params.h"
#include "Vsram_w64x32.h"
#include "Vsram_w64x32_params.h"
#include "tb/gtest_util.h"
#include "tb/random.h"
#include "tb/sim.h"

namespace luoshu {
namespace {

using tb::Rng;
using tb::Simulation;

template <class Model>
struct Mem {
  static constexpr unsigned kWords = VerilatedParams<Model>::Words;
  static constexpr uint32_t kMask = ~0u >> (32 - VerilatedParams<Model>::Width);
};

template <class Model>
class SramTest : public ::testing::Test {};
using Models = ::testing::Types<Vsram_w64x32, Vsram_w100x8>;
TYPED_TEST_SUITE(SramTest, Models);

// A value per address that differs between neighbours and fits the width.
template <class Model>
uint32_t Pattern(unsigned a, uint32_t salt) {
  return (a * 0x9E3779B1u ^ salt) & Mem<Model>::kMask;
}

// Writes Pattern(salt) to every word; returns the contents.
template <class Model>
std::vector<uint32_t> Fill(Simulation<Model>& sim, uint32_t salt) {
  auto& d = sim.dut();
  std::vector<uint32_t> ref(Mem<Model>::kWords);
  d.we_i = 1;
  d.re_i = 0;
  for (unsigned a = 0; a < ref.size(); ++a) {
    ref[a] = Pattern<Model>(a, salt);
    d.waddr_i = a;
    d.wdata_i = ref[a];
    sim.Step();
  }
  return ref;
}

TYPED_TEST(SramTest, ReadsBackEveryWordAfterOneCycle) {
  constexpr unsigned kWords = Mem<TypeParam>::kWords;
  Simulation<TypeParam> sim(tb::CurrentTestName());
  auto& d = sim.dut();
  sim.Reset();
  d.we_i = 1;
  d.re_i = 0;
  for (unsigned a = 0; a < kWords; ++a) {
    d.waddr_i = a;
    d.wdata_i = Pattern<TypeParam>(a, 0x5A5A);
    sim.Step();
  }
  d.we_i = 0;
  d.re_i = 1;
  for (unsigned a = 0; a < kWords; ++a) {
    d.raddr_i = a;
    sim.Step();
    EXPECT_EQ(d.rdata_o, Pattern<TypeParam>(a, 0x5A5A)) << "address " << a;
  }
}

TYPED_TEST(SramTest, ReadDuringWriteReturnsOldData) {
  Simulation<TypeParam> sim(tb::CurrentTestName());
  auto& d = sim.dut();
  sim.Reset();
  d.we_i = 1;
  d.waddr_i = 5;
  d.wdata_i = 0x3C;
  sim.Step();
  d.wdata_i = 0xC3;
  d.re_i = 1;
  d.raddr_i = 5;
  sim.Step();
  EXPECT_EQ(d.rdata_o, 0x3Cu) << "a read in the write's cycle sees the old word";
  d.we_i = 0;
  sim.Step();
  EXPECT_EQ(d.rdata_o, 0xC3u) << "the write landed";
}

TYPED_TEST(SramTest, HoldsReadDataWhileReadDisabled) {
  Simulation<TypeParam> sim(tb::CurrentTestName());
  auto& d = sim.dut();
  sim.Reset();
  d.we_i = 1;
  d.waddr_i = 7;
  d.wdata_i = 0x77;
  sim.Step();
  d.we_i = 0;
  d.re_i = 1;
  d.raddr_i = 7;
  sim.Step();
  ASSERT_EQ(d.rdata_o, 0x77u);
  d.re_i = 0;
  d.raddr_i = 8;
  d.we_i = 1;  // overwrite the word just read: rdata_o must not follow
  d.wdata_i = 0x11;
  sim.Step(4);
  EXPECT_EQ(d.rdata_o, 0x77u);
}

// Random reads and writes, some cycles idle, some both at once (also to the same address),
// against a reference array. rdata_o is checked every cycle once a read has happened.
TYPED_TEST(SramTest, RandomAccessMatchesReferenceArray) {
  constexpr unsigned kWords = Mem<TypeParam>::kWords;
  Rng rng(tb::SeedFromEnv(41));
  Simulation<TypeParam> sim(tb::CurrentTestName());
  auto& d = sim.dut();
  sim.Reset();
  // Known contents first, so every read has a reference value.
  std::vector<uint32_t> ref = Fill(sim, 0x1234);
  std::optional<uint32_t> want;
  int reads = 0, same_addr = 0;
  for (int c = 0; c < 20000; ++c) {
    const bool idle = rng.Chance(0.25);
    const bool we = !idle && rng.Chance(0.6);
    const bool re = !idle && rng.Chance(0.6);
    const auto waddr = static_cast<unsigned>(rng.Uniform(0, kWords - 1));
    // Aim at the written word now and then: the read-during-write case.
    const auto raddr = rng.Chance(0.1) ? waddr : static_cast<unsigned>(rng.Uniform(0, kWords - 1));
    const auto wdata = static_cast<uint32_t>(rng.Bits64()) & Mem<TypeParam>::kMask;
    d.we_i = we;
    d.re_i = re;
    d.waddr_i = waddr;
    d.raddr_i = raddr;
    d.wdata_i = wdata;
    sim.Step();
    if (re) {
      want = ref[raddr];  // old data on a same-address write
      ++reads;
      same_addr += we && raddr == waddr;
    }
    if (we) ref[waddr] = wdata;
    if (want) {
      ASSERT_EQ(d.rdata_o, *want) << "cycle " << sim.cycle() << (re ? ", read" : ", held")
                                  << " of address " << raddr;
    }
  }
  EXPECT_GT(reads, 5000);
  EXPECT_GT(same_addr, 100) << "read-during-write was hardly exercised";
}

TEST(SramAssertTest, WriteBeyondWordsIsAnRtlError) {
  Simulation<Vsram_w100x8> sim(tb::CurrentTestName());
  auto& d = sim.dut();
  sim.Reset();
  d.we_i = 1;
  d.waddr_i = 100;  // fits the 7-bit port, but the memory has 100 words
  EXPECT_THROW(sim.Step(), tb::RtlAssertionError);
}

// RdwOld = 0: a read of the word being written is undefined on FPGA block RAM, so the RTL
// refuses it; a write and a read of different words in one cycle are fine.
TEST(SramNoRdwTest, ReadOfTheWordBeingWrittenIsAnRtlError) {
  Simulation<Vsram_no_rdw> sim(tb::CurrentTestName());
  auto& d = sim.dut();
  sim.Reset();
  d.we_i = 1;
  d.re_i = 1;
  d.waddr_i = 5;
  d.raddr_i = 6;
  d.wdata_i = 0x11;
  sim.Step();  // different words: allowed
  d.raddr_i = 5;
  EXPECT_THROW(sim.Step(), tb::RtlAssertionError);
}

TEST(SramNoRdwTest, RandomAccessWithoutCollisionsMatchesReferenceArray) {
  constexpr unsigned kWords = Mem<Vsram_no_rdw>::kWords;
  Rng rng(tb::SeedFromEnv(43));
  Simulation<Vsram_no_rdw> sim(tb::CurrentTestName());
  auto& d = sim.dut();
  sim.Reset();
  std::vector<uint32_t> ref = Fill(sim, 0x77);
  std::optional<uint32_t> want;
  int both = 0;
  for (int c = 0; c < 20000; ++c) {
    const bool we = rng.Chance(0.6), re = rng.Chance(0.6);
    const auto waddr = static_cast<unsigned>(rng.Uniform(0, kWords - 1));
    // The word after the one written: neighbours, never the same word.
    const auto raddr =
        rng.Chance(0.3) ? (waddr + 1) % kWords : static_cast<unsigned>(rng.Uniform(0, kWords - 1));
    const bool collide = we && re && raddr == waddr;
    const auto wdata = static_cast<uint32_t>(rng.Bits64());
    d.we_i = we && !collide;
    d.re_i = re;
    d.waddr_i = waddr;
    d.raddr_i = raddr;
    d.wdata_i = wdata;
    sim.Step();
    if (re) want = ref[raddr];
    if (we && !collide) ref[waddr] = wdata;
    both += we && re && !collide;
    if (want) {
      ASSERT_EQ(d.rdata_o, *want) << "cycle " << sim.cycle();
    }
  }
  EXPECT_GT(both, 5000);
}

}  // namespace
}  // namespace luoshu
