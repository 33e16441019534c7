// c2c_link: two endpoints joined by the C++ channel (tb/agents/c2c_pair.h). Directed cases
// (one flit each way on each VC, back-to-back packets, credits that run out and come back,
// one fault of each frame kind with its exact effect on the counters) and seeded random
// traffic on both VCs both ways with stalls on every chip-side port, with and without faults
// on every frame kind, and with the receiving chip stalled for long stretches. Every case
// checks that each stream arrives complete, once, in order and bit-exact.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>

#include "Vc2c_link_tb_w32.h"
#include "Vc2c_link_tb_w32_params.h"
#include "Vc2c_link_tb_w8.h"
#include "Vc2c_link_tb_w8_params.h"
#include "Vc2c_link_tb_w8v4.h"
#include "Vc2c_link_tb_w8v4_params.h"
#include "tb/agents/c2c_channel.h"
#include "tb/agents/c2c_pair.h"
#include "tb/gtest_util.h"
#include "tb/options.h"

namespace luoshu {
namespace {

using tb::c2c::Counter;
using tb::c2c::Fault;
using tb::c2c::FaultRates;
using tb::c2c::FrameKind;
using tb::c2c::kNumKinds;

template <class Model>
using Pair = tb::c2c::LinkPair<Model>;

template <class Model>
class C2cLinkTest : public ::testing::Test {
 protected:
  static constexpr int kRxDepth = VerilatedParams<Model>::RxDepth;
  static constexpr int kReplayDepth = VerilatedParams<Model>::ReplayDepth;
  static constexpr int kTimeout = VerilatedParams<Model>::TimeoutCycles;
  static constexpr int kNumVc = Pair<Model>::kNumVc;

  // Runs until every offered flit has arrived (watchdog: `max_cycles`), then a while longer so
  // that late acks settle, and checks the streams.
  static void Deliver(Pair<Model>& p, uint64_t max_cycles, const std::string& what) {
    p.sim().RunUntil([&] { return p.AllDelivered(); }, max_cycles, what);
    p.sim().Step(4 * kTimeout);
    EXPECT_EQ(p.CheckDelivery(), "");
  }
  // Relations every run must keep, whatever the faults.
  static void ExpectConsistentCounters(Pair<Model>& p) {
    for (int e = 0; e < 2; ++e) {
      SCOPED_TRACE(e ? "endpoint B" : "endpoint A");
      uint64_t offered = 0;
      for (int v = 0; v < kNumVc; ++v) offered += p.offered(e, v).size();
      EXPECT_EQ(p.Count(e, tb::c2c::kFlitsIn), offered);
      EXPECT_EQ(p.Count(e, tb::c2c::kDataFrames),
                p.Count(e, tb::c2c::kFlitsIn) + p.Count(e, tb::c2c::kRetransmits));
      EXPECT_EQ(p.Count(e, tb::c2c::kLaneWords), p.channel(e).stats().words);
      EXPECT_EQ(p.channel(e).stats().frames[0], p.Count(e, tb::c2c::kDataFrames));
      EXPECT_LE(p.Count(1 - e, tb::c2c::kNaksReceived), p.Count(e, tb::c2c::kNaksSent));
    }
  }
  static void ExpectNoErrors(Pair<Model>& p) {
    for (int e = 0; e < 2; ++e) {
      SCOPED_TRACE(e ? "endpoint B" : "endpoint A");
      for (Counter c : {tb::c2c::kRetransmits, tb::c2c::kCrcErrors, tb::c2c::kSeqDrops,
                        tb::c2c::kNaksSent, tb::c2c::kNaksReceived, tb::c2c::kTimeouts}) {
        EXPECT_EQ(p.Count(e, c), 0u) << "counter " << c;
      }
    }
  }
};
using Models = ::testing::Types<Vc2c_link_tb_w8, Vc2c_link_tb_w8v4, Vc2c_link_tb_w32>;
TYPED_TEST_SUITE(C2cLinkTest, Models);

TYPED_TEST(C2cLinkTest, CarriesOneFlitOnEachVcEachWay) {
  Pair<TypeParam> p(tb::CurrentTestName(), 3, 1);
  for (int e = 0; e < 2; ++e) {
    for (int v = 0; v < TestFixture::kNumVc; ++v) p.Offer(e, v, 1);
  }
  this->Deliver(p, 2000, "one flit per VC each way");
  this->ExpectConsistentCounters(p);
  this->ExpectNoErrors(p);
  for (int e = 0; e < 2; ++e) {
    EXPECT_EQ(p.Count(e, tb::c2c::kDataFrames), static_cast<uint32_t>(TestFixture::kNumVc));
  }
}

// A stream of 4-flit packets one way on one VC, the receiver always ready: the lane carries
// data frames with few gaps (credits and acks come back in time), and no frame is resent.
TYPED_TEST(C2cLinkTest, SendsBackToBackPacketsWithoutResends) {
  Pair<TypeParam> p(tb::CurrentTestName(), 2, 2);
  constexpr int kFlits = 64;
  p.Offer(0, 0, kFlits);
  const uint64_t start = p.sim().cycle();
  p.sim().RunUntil([&] { return p.sink(1, 0).received().size() == kFlits; }, 20000,
                   "64 flits A->B");
  const uint64_t cycles = p.sim().cycle() - start;
  EXPECT_EQ(p.CheckDelivery(), "");
  this->ExpectNoErrors(p);
  // Data words over the lane cycles the transfer took (the tail is one frame and the latency).
  const double busy = static_cast<double>(kFlits) * p.data_words() / static_cast<double>(cycles);
  std::printf("[          ] %u data words in %llu cycles: %.0f %% of the lane\n",
              kFlits * p.data_words(), static_cast<unsigned long long>(cycles), 100 * busy);
  EXPECT_GT(busy, TestFixture::kRxDepth >= 8 ? 0.85 : 0.5);
}

// The receiver's chip side holds VC0: the sender stops after exactly RxDepth flits of it (its
// credits), VC1 keeps flowing past it, nothing is resent; released, VC0 resumes in order.
TYPED_TEST(C2cLinkTest, CreditsRunOutAndComeBack) {
  Pair<TypeParam> p(tb::CurrentTestName(), 5, 3);
  const int depth = TestFixture::kRxDepth;
  p.sink(1, 0).SetStall(tb::StallInjector(1.0, &p.rng()));
  p.Offer(0, 0, 3 * depth);
  p.Offer(0, 1, 2 * depth + 3);
  p.sim().RunUntil([&] { return p.sink(1, 1).received().size() == 2 * depth + 3u; }, 20000,
                   "VC1 flits past a stalled VC0");
  p.sim().Step(3 * TestFixture::kTimeout);
  EXPECT_EQ(p.sink(1, 0).received().size(), 0u);
  EXPECT_EQ(p.Count(0, tb::c2c::kFlitsIn), static_cast<uint32_t>(depth + 2 * depth + 3))
      << "A must take exactly RxDepth VC0 flits while B's VC0 is held";
  p.sink(1, 0).SetStall(tb::StallInjector(0.0, &p.rng()));
  this->Deliver(p, 20000, "VC0 after release");
  this->ExpectConsistentCounters(p);
  this->ExpectNoErrors(p);
}

// ---- one fault of each frame kind, and what the counters must show for it

TYPED_TEST(C2cLinkTest, DroppedDataFrameIsNakedOnceAndResent) {
  Pair<TypeParam> p(tb::CurrentTestName(), 4, 4);
  p.channel(0).Target(FrameKind::kData, Fault::kDrop, 2);
  p.Offer(0, 0, 8);
  this->Deliver(p, 20000, "8 flits A->B, the third dropped");
  this->ExpectConsistentCounters(p);
  EXPECT_EQ(p.channel(0).stats().dropped[0], 1u);
  EXPECT_EQ(p.Count(1, tb::c2c::kNaksSent), 1u);
  EXPECT_EQ(p.Count(0, tb::c2c::kNaksReceived), 1u);
  EXPECT_GE(p.Count(0, tb::c2c::kRetransmits), 1u);
  EXPECT_GE(p.Count(1, tb::c2c::kSeqDrops), 1u);
  EXPECT_EQ(p.Count(1, tb::c2c::kCrcErrors), 0u);
  EXPECT_EQ(p.Count(0, tb::c2c::kTimeouts), 0u);
}

TYPED_TEST(C2cLinkTest, CorruptedDataFrameFailsItsCrcAndIsResent) {
  Pair<TypeParam> p(tb::CurrentTestName(), 4, 5);
  p.channel(0).Target(FrameKind::kData, Fault::kCorrupt, 2);
  p.Offer(0, 0, 8);
  this->Deliver(p, 20000, "8 flits A->B, the third corrupted");
  this->ExpectConsistentCounters(p);
  EXPECT_EQ(p.channel(0).stats().corrupted[0], 1u);
  EXPECT_EQ(p.Count(1, tb::c2c::kCrcErrors), 1u);
  EXPECT_EQ(p.Count(1, tb::c2c::kNaksSent), 1u);
  EXPECT_EQ(p.Count(0, tb::c2c::kNaksReceived), 1u);
  EXPECT_GE(p.Count(0, tb::c2c::kRetransmits), 1u);
  EXPECT_EQ(p.Count(0, tb::c2c::kTimeouts), 0u);
}

// A corrupted frame in the middle of a stream that keeps the lane busy: the receiver finds the
// frame boundaries again on the gap the sender leaves before its replay, so the NAK alone
// recovers (without that gap the receiver would wait for the window to run dry, and time out).
TYPED_TEST(C2cLinkTest, ResyncsOnTheReplayGapWhileTheLaneStaysBusy) {
  // Latencies 3..8 put the NAK's arrival at every phase of the frame then on the lane.
  for (int latency = 3; latency <= 8; ++latency) {
    SCOPED_TRACE("latency " + std::to_string(latency));
    Pair<TypeParam> p(tb::CurrentTestName(), latency, 9);
    p.channel(0).Target(FrameKind::kData, Fault::kCorrupt, 40);
    p.Offer(0, 0, 100);
    p.Offer(0, 1, 100);
    this->Deliver(p, 50000, "200 flits A->B, one corrupted in the middle");
    this->ExpectConsistentCounters(p);
    EXPECT_EQ(p.channel(0).stats().corrupted[0], 1u);
    EXPECT_EQ(p.Count(1, tb::c2c::kCrcErrors), 1u);
    EXPECT_EQ(p.Count(1, tb::c2c::kNaksSent), 1u);
    EXPECT_EQ(p.Count(0, tb::c2c::kTimeouts), 0u);
  }
}

// A sender with more to send than the lane carries still leaves an idle cycle after at most
// TimeoutCycles busy ones (where a receiver that lost the frame boundaries finds them again).
TYPED_TEST(C2cLinkTest, LeavesAGapAtLeastOncePerTimeout) {
  const int t = TestFixture::kTimeout;
  Pair<TypeParam> p(tb::CurrentTestName(), 4, 10);
  const int flits = 3 * t / p.data_words();
  p.Offer(0, 0, flits);
  p.Offer(0, 1, flits);
  this->Deliver(p, 100 * t, "A->B, three timeouts' worth of flits");
  const uint64_t longest = p.channel(0).stats().longest_busy;
  std::printf("[          ] longest busy run %llu lane cycles (TimeoutCycles %d)\n",
              static_cast<unsigned long long>(longest), t);
  // The limit is checked at a frame boundary: a frame started at the limit finishes.
  EXPECT_LE(longest, static_cast<uint64_t>(t + p.data_words()));
  // The lane was saturated: the limit, not the traffic, made the gaps.
  EXPECT_GE(longest, static_cast<uint64_t>(t));
  this->ExpectConsistentCounters(p);
  this->ExpectNoErrors(p);
}

// The only ack of a lone flit is lost: the sender's timer resends the flit, the receiver drops
// the copy and acks again.
TYPED_TEST(C2cLinkTest, LostAckEndsInOneTimeoutAndOneResend) {
  Pair<TypeParam> p(tb::CurrentTestName(), 4, 6);
  p.channel(1).Target(FrameKind::kAck, Fault::kDrop);
  p.Offer(0, 1, 1);
  this->Deliver(p, 20000, "1 flit A->B, its ack dropped");
  this->ExpectConsistentCounters(p);
  EXPECT_EQ(p.channel(1).stats().dropped[1], 1u);
  EXPECT_EQ(p.Count(0, tb::c2c::kTimeouts), 1u);
  EXPECT_EQ(p.Count(0, tb::c2c::kRetransmits), 1u);
  EXPECT_EQ(p.Count(1, tb::c2c::kSeqDrops), 1u);
  EXPECT_EQ(p.Count(0, tb::c2c::kCrcErrors), 0u);
}

// A data frame is dropped and the NAK for it corrupted: the sender sees a CRC error (and NAKs
// in turn), its timer resends the lost flit.
TYPED_TEST(C2cLinkTest, CorruptedNakEndsInATimeout) {
  Pair<TypeParam> p(tb::CurrentTestName(), 4, 7);
  p.channel(0).Target(FrameKind::kData, Fault::kDrop, 1);
  p.channel(1).Target(FrameKind::kNak, Fault::kCorrupt);
  p.Offer(0, 0, TestFixture::kRxDepth + 2);
  this->Deliver(p, 20000, "A->B, a data frame dropped and its NAK corrupted");
  this->ExpectConsistentCounters(p);
  EXPECT_EQ(p.channel(1).stats().corrupted[2], 1u);
  EXPECT_EQ(p.Count(1, tb::c2c::kNaksSent), 1u);
  EXPECT_EQ(p.Count(0, tb::c2c::kCrcErrors), 1u);
  EXPECT_EQ(p.Count(0, tb::c2c::kNaksReceived), 0u);
  EXPECT_EQ(p.Count(0, tb::c2c::kTimeouts), 1u);
  EXPECT_EQ(p.Count(0, tb::c2c::kNaksSent), 1u);
  EXPECT_EQ(p.Count(1, tb::c2c::kNaksReceived), 1u);
}

// Every credit frame is lost while the sender uses up its credits; after that the receiver
// has nothing new to report, so only the periodic credit refresh lets the sender go on.
TYPED_TEST(C2cLinkTest, LostCreditFramesAreHealedByTheRefresh) {
  Pair<TypeParam> p(tb::CurrentTestName(), 4, 8);
  const int depth = TestFixture::kRxDepth;
  FaultRates lose_credits;
  lose_credits.drop[static_cast<int>(FrameKind::kCredit)] = 1.0;
  p.channel(1).SetRates(lose_credits);
  p.Offer(0, 0, 3 * depth);
  p.sim().RunUntil([&] { return p.sink(1, 0).received().size() == static_cast<size_t>(depth); },
                   20000, "the first RxDepth flits");
  p.sim().Step(200);
  EXPECT_EQ(p.Count(0, tb::c2c::kFlitsIn), static_cast<uint32_t>(depth))
      << "without credits A must stop after RxDepth flits";
  p.channel(1).SetRates(FaultRates{});
  this->Deliver(p, 20 * TestFixture::kTimeout, "the rest after a credit refresh");
  EXPECT_GE(p.channel(1).stats().dropped[3], 1u);
  EXPECT_GT(p.Count(0, tb::c2c::kFlitsIn), static_cast<uint32_t>(depth));
  this->ExpectConsistentCounters(p);
  this->ExpectNoErrors(p);
}

// ---- seeded random traffic

struct RandomCase {
  int latency;
  double stall;
  int flits[2][4];  // [endpoint][vc]; a model uses its first NumVc
};
RandomCase DrawCase(tb::Rng& rng, int max_flits) {
  RandomCase c{};
  c.latency = static_cast<int>(rng.Uniform(1, 24));
  c.stall = static_cast<double>(rng.Uniform(0, 5)) / 10;
  for (auto& e : c.flits) {
    for (int& n : e) n = static_cast<int>(rng.Uniform(0, max_flits));
  }
  return c;
}

TYPED_TEST(C2cLinkTest, RandomTrafficBothWaysWithStalls) {
  for (tb::Round& r : tb::Rounds(tb::SeedFromEnv(41), 4)) {
    const RandomCase c = DrawCase(r.rng, 120);
    Pair<TypeParam> p(tb::CurrentTestName(), c.latency, r.seed, c.stall);
    for (int e = 0; e < 2; ++e) {
      for (int v = 0; v < TestFixture::kNumVc; ++v) p.Offer(e, v, c.flits[e][v]);
    }
    this->Deliver(p, 400000, "random traffic");
    this->ExpectConsistentCounters(p);
    this->ExpectNoErrors(p);
  }
}

// Faults on every frame kind both ways: single bits and bursts up to 16 bits, dropped frames,
// and runs of dropped words that cut frames anywhere.
TYPED_TEST(C2cLinkTest, RandomTrafficWithFaultsOnEveryFrameKind) {
  for (tb::Round& r : tb::Rounds(tb::SeedFromEnv(43), 4)) {
    const RandomCase c = DrawCase(r.rng, 100);
    Pair<TypeParam> p(tb::CurrentTestName(), c.latency, r.seed, c.stall);
    FaultRates f;
    for (int k = 0; k < kNumKinds; ++k) {
      f.corrupt[k] = static_cast<double>(r.rng.Uniform(0, 6)) / 100;
      f.drop[k] = static_cast<double>(r.rng.Uniform(0, 4)) / 100;
    }
    f.word_drop = static_cast<double>(r.rng.Uniform(0, 2)) / 1000;
    f.max_burst_bits = static_cast<int>(r.rng.Uniform(1, 16));
    f.max_drop_words = static_cast<int>(r.rng.Uniform(1, 2 * p.data_words()));
    for (int e = 0; e < 2; ++e) {
      p.channel(e).SetRates(f);
      for (int v = 0; v < TestFixture::kNumVc; ++v) p.Offer(e, v, c.flits[e][v]);
    }
    this->Deliver(p, 2000000, "random traffic with faults");
    this->ExpectConsistentCounters(p);
    for (int e = 0; e < 2; ++e) {
      SCOPED_TRACE(e ? "B->A" : "A->B");
      const tb::c2c::ChannelStats& s = p.channel(e).stats();
      uint64_t corrupted = 0;
      for (int k = 0; k < kNumKinds; ++k) corrupted += s.corrupted[k];
      // Every refused frame was hit by a fault (a run of dropped words may break two).
      EXPECT_LE(p.Count(1 - e, tb::c2c::kCrcErrors), corrupted + 2 * s.word_drop_runs);
      if (corrupted > 0) {
        EXPECT_GE(p.Count(1 - e, tb::c2c::kCrcErrors), 1u);
      }
      // A flit whose frame was lost arrives only if it was sent again.
      if (s.corrupted[0] + s.dropped[0] > 0) {
        EXPECT_GE(p.Count(e, tb::c2c::kRetransmits), 1u);
      }
      std::printf(
          "[          ] %s: %llu frames, %llu faults; %llu CRC errors, %llu resends, "
          "%llu timeouts\n",
          e ? "B->A" : "A->B",
          static_cast<unsigned long long>(s.frames[0] + s.frames[1] + s.frames[2] + s.frames[3]),
          static_cast<unsigned long long>(s.Faults()),
          static_cast<unsigned long long>(p.Count(1 - e, tb::c2c::kCrcErrors)),
          static_cast<unsigned long long>(p.Count(e, tb::c2c::kRetransmits)),
          static_cast<unsigned long long>(p.Count(e, tb::c2c::kTimeouts)));
    }
  }
}

// The receiving chips hold their ready low for long stretches (both VCs, at different times),
// with faults on: the senders stop on their credits and nothing overflows or is lost.
TYPED_TEST(C2cLinkTest, RandomReceiverStallsForLongStretches) {
  for (tb::Round& r : tb::Rounds(tb::SeedFromEnv(47), 3)) {
    const RandomCase c = DrawCase(r.rng, 80);
    Pair<TypeParam> p(tb::CurrentTestName(), c.latency, r.seed, c.stall);
    FaultRates f;
    for (int k = 0; k < kNumKinds; ++k) f.corrupt[k] = f.drop[k] = 0.01;
    for (int e = 0; e < 2; ++e) {
      p.channel(e).SetRates(f);
      for (int v = 0; v < TestFixture::kNumVc; ++v) p.Offer(e, v, c.flits[e][v] + 20);
    }
    for (int stretch = 0; stretch < 6; ++stretch) {
      const int e = static_cast<int>(r.rng.Uniform(0, 1)),
                v = static_cast<int>(r.rng.Uniform(0, 1));
      p.sink(e, v).SetStall(tb::StallInjector(1.0, &r.rng));
      const size_t other = p.sink(e, 1 - v).received().size();
      const int t = TestFixture::kTimeout;
      p.sim().Step(static_cast<uint64_t>(r.rng.Uniform(std::max(1000, 3 * t), 5 * t)));
      // The other VC of the stalled end kept moving, if it had anything left to carry.
      if (other < p.offered(1 - e, 1 - v).size()) {
        EXPECT_GT(p.sink(e, 1 - v).received().size(), other) << "stretch " << stretch;
      }
      p.sink(e, v).SetStall(tb::StallInjector(c.stall, &r.rng));
    }
    this->Deliver(p, 2000000, "traffic after long receiver stalls");
    this->ExpectConsistentCounters(p);
  }
}

}  // namespace
}  // namespace luoshu
