// Supernode system tests (docs/supernode.md): several Verilated chips in one process
// (tb/soc/multi_chip.h), each core running a GEMM whose operands and result live on other
// chips, one and two hops away, with faults injected on every link; the memories of all chips
// afterwards bit-exact against the model running the same programs on one memory image that
// holds every chip's memory (model::DeviceMemory regions, keyed by the chip id in the address).
// And a remote address outside the core's windows still faults (ACCESS), on both. The fixture
// is in multi_chip_cases.h; longer runs in multi_chip_long_test.cc (label long).
#include <gtest/gtest.h>

#include <cstdio>
#include <vector>

#include "sw/hal/reg_map.h"
#include "tests/system/multi_chip_cases.h"

namespace luoshu::multi_chip_test {
namespace {

TEST_F(MultiChipTest, TwoChipsLoadAndStoreEachOthersMemory) {
  // Each core: A from the other chip, B from its own, C to the other chip.
  const std::vector<Job> jobs = {{0, 1, 0, 1}, {1, 0, 1, 0}};
  for (const auto& s : Run(Topology::Ring(2), jobs, 0.01, tb::SeedFromEnv(61))) {
    EXPECT_EQ(s.state, hal::CoreState::kIdle) << s.ToString();
  }
}

TEST_F(MultiChipTest, FourChipRingOneAndTwoHops) {
  // Core c: A one hop up the ring, B two hops away, C one hop down (the other direction);
  // chip 3's A on chip 0 and chip 0's C on chip 3 cross the datelines.
  std::vector<Job> jobs;
  for (int c = 0; c < 4; ++c) jobs.push_back({c, (c + 1) % 4, (c + 2) % 4, (c + 3) % 4});
  for (const auto& s : Run(Topology::Ring(4), jobs, 0.01, tb::SeedFromEnv(62))) {
    EXPECT_EQ(s.state, hal::CoreState::kIdle) << s.ToString();
  }
}

TEST_F(MultiChipTest, TwoByTwoTorusAcrossBothDimensions) {
  // Chip id = y * 2 + x. Core c: A across X, B across Y, C diagonally (X then Y: two hops).
  std::vector<Job> jobs;
  for (int c = 0; c < 4; ++c) jobs.push_back({c, c ^ 1, c ^ 2, c ^ 3});
  for (const auto& s : Run(Topology::Torus(2, 2), jobs, 0.01, tb::SeedFromEnv(63))) {
    EXPECT_EQ(s.state, hal::CoreState::kIdle) << s.ToString();
  }
}

TEST_F(MultiChipTest, TwoByFourTorusTwoHopsAlongY) {
  // Eight chips, 2 x 4: core c reads A across X, B two hops along Y (a tie: the plus way,
  // across the Y dateline for y = 2, 3) and writes C one hop down Y (the minus way).
  const Topology t = Topology::Torus(2, 4);
  std::vector<Job> jobs;
  for (int c = 0; c < 8; ++c) {
    const int x = c % 2, y = c / 2;
    jobs.push_back({c, y * 2 + (1 - x), ((y + 2) % 4) * 2 + x, ((y + 3) % 4) * 2 + x});
  }
  for (const auto& s : Run(t, jobs, 0.01, tb::SeedFromEnv(65))) {
    EXPECT_EQ(s.state, hal::CoreState::kIdle) << s.ToString();
  }
}

TEST_F(MultiChipTest, RemoteAddressOutsideTheWindowsFaults) {
  // Chip 0 reads A on chip 1 without a window for it: ACCESS at the first LOAD of A, nothing of
  // it reaches chip 1. Meanwhile chip 1's core runs its own remote GEMM to completion.
  const Job j0{0, 1, 0, 1}, j1{1, 0, 1, 0};
  std::vector<hal::Window> win = Windows(j0);
  win.erase(win.begin() + 1);  // no window on chip 1's A
  const auto status =
      Run(Topology::Ring(2), {j0, j1}, 0.01, tb::SeedFromEnv(64), {win, Windows(j1)});
  ASSERT_EQ(status.size(), 2u);
  EXPECT_EQ(status[0].state, hal::CoreState::kFaulted);
  EXPECT_EQ(status[0].fault, isa::Fault::kAccess);
  EXPECT_EQ(status[1].state, hal::CoreState::kIdle) << status[1].ToString();
}

// ---- link counters, read by the host (LINK[p], docs/supernode.md)

using driver::LinkCounterSel;
using tb::c2c::FrameKind;

// Four ack timeouts of the chips' links (luoshu_soc's LinkTimeout, 1024 cycles): long enough
// for replays and late acks to settle once the faults stop.
constexpr uint64_t kSettleCycles = 4 * 1024;

// Chip c's link port p as the driver reads it. On a wired port the lane words are read again
// between two looks at the wire's statistics (the chip runs during a register access), which
// bound them.
struct PortReading {
  driver::LinkCounters counters;
  uint64_t words_before = 0, words_after = 0;
};
PortReading ReadPort(tb::MultiChip<Chip>& mc, driver::Driver& d, int c, int p) {
  PortReading r;
  r.counters = d.AllLinkCounters(p);
  if (p < mc.topology().Links()) {
    r.words_before = mc.wire(c, p).stats().words;
    r.counters.value[static_cast<int>(LinkCounterSel::kLaneWords)] =
        d.LinkCounter(p, LinkCounterSel::kLaneWords);
    r.words_after = mc.wire(c, p).stats().words;
  }
  return r;
}

// Remote GEMMs on a ring of two with faults on every frame kind of every link, then the
// faults off and the links quiet: what the host reads from each chip's LINK blocks against
// what the C++ wires saw and did. Exact: data frames and NAKs sent (the wire sees every frame
// its sender puts on the lane), first sends + resends = data frames, lane words between two
// looks at the wire. Bounds: CRC errors at the receiver <= frames corrupted on the way (each
// refused frame was hit; a frame arriving while the receiver resynchronizes is not counted),
// NAKs received <= NAKs sent - NAKs lost, some resend when a data frame was lost, and as many
// flits in on some port of each chip (a ring of two sends both ways on its X+ port). The ports
// a ring leaves unwired only ever sent credits.
TEST_F(MultiChipTest, HostReadsLinkCountersThatAgreeWithTheInjectedFaults) {
  const Topology topo = Topology::Ring(2);
  int checked = 0;
  after_run = [&](tb::MultiChip<Chip>& mc) {
    for (int c = 0; c < mc.chips(); ++c) {
      for (int p = 0; p < topo.Links(); ++p) mc.wire(c, p).SetRates({});
    }
    mc.Step(kSettleCycles);  // faults off
    std::vector<std::unique_ptr<driver::Driver>> drivers;
    std::vector<std::vector<PortReading>> port(mc.chips());
    for (int c = 0; c < mc.chips(); ++c) {
      drivers.push_back(std::make_unique<driver::Driver>(&mc.bus(c)));
      ASSERT_EQ(drivers[c]->links(), P::NumLinks);
      for (int p = 0; p < P::NumLinks; ++p) port[c].push_back(ReadPort(mc, *drivers[c], c, p));
    }
    uint64_t lost_total = 0, resends_total = 0;
    std::vector<uint64_t> flits_in(mc.chips());
    for (int c = 0; c < mc.chips(); ++c) {
      for (int p = 0; p < P::NumLinks; ++p) {
        SCOPED_TRACE("chip " + std::to_string(c) + " port " + std::to_string(p));
        const driver::LinkCounters& k = port[c][p].counters;
        const auto n = [&](LinkCounterSel s) { return k[s]; };
        EXPECT_EQ(n(LinkCounterSel::kDataFrames),
                  n(LinkCounterSel::kFlitsIn) + n(LinkCounterSel::kRetransmits));
        if (p >= topo.Links()) {  // unwired: credit refreshes out, nothing in
          EXPECT_GT(n(LinkCounterSel::kLaneWords), 0u);
          for (int s = 1; s < driver::kNumLinkCounters; ++s) {
            EXPECT_EQ(k.value[s], 0u) << driver::LinkCounterName(static_cast<LinkCounterSel>(s));
          }
          continue;
        }
        const tb::c2c::ChannelStats& out = mc.wire(c, p).stats();
        const int far = topo.Neighbour(c, p), far_port = Topology::Opposite(p);
        const driver::LinkCounters& f = port[far][far_port].counters;
        EXPECT_LE(port[c][p].words_before, n(LinkCounterSel::kLaneWords));
        EXPECT_LE(n(LinkCounterSel::kLaneWords), port[c][p].words_after);
        const auto kind = [](FrameKind k) { return static_cast<int>(k); };
        EXPECT_EQ(n(LinkCounterSel::kDataFrames), out.frames[kind(FrameKind::kData)]);
        EXPECT_EQ(n(LinkCounterSel::kNaksSent), out.frames[kind(FrameKind::kNak)]);
        uint64_t corrupted = 0;
        for (uint64_t x : out.corrupted) corrupted += x;
        EXPECT_LE(f[LinkCounterSel::kCrcErrors], corrupted);
        if (corrupted > 0) {
          EXPECT_GE(f[LinkCounterSel::kCrcErrors], 1u);
        }
        const uint64_t naks_lost =
            out.corrupted[kind(FrameKind::kNak)] + out.dropped[kind(FrameKind::kNak)];
        EXPECT_LE(f[LinkCounterSel::kNaksReceived], n(LinkCounterSel::kNaksSent) - naks_lost);
        const uint64_t data_lost =
            out.corrupted[kind(FrameKind::kData)] + out.dropped[kind(FrameKind::kData)];
        if (data_lost > 0) {
          EXPECT_GE(n(LinkCounterSel::kRetransmits), 1u);
        }
        flits_in[c] += n(LinkCounterSel::kFlitsIn);
        lost_total += data_lost;
        resends_total += n(LinkCounterSel::kRetransmits);
        ++checked;
        std::printf(
            "[          ] chip %d port %d: %llu lane words, %llu data frames (%llu resent), "
            "%llu corrupted + %llu dropped on the way, %llu CRC errors and %llu NAKs at the far "
            "end, %llu timeouts\n",
            c, p, static_cast<unsigned long long>(n(LinkCounterSel::kLaneWords)),
            static_cast<unsigned long long>(n(LinkCounterSel::kDataFrames)),
            static_cast<unsigned long long>(n(LinkCounterSel::kRetransmits)),
            static_cast<unsigned long long>(corrupted),
            static_cast<unsigned long long>(out.dropped[0] + out.dropped[1] + out.dropped[2] +
                                            out.dropped[3]),
            static_cast<unsigned long long>(f[LinkCounterSel::kCrcErrors]),
            static_cast<unsigned long long>(f[LinkCounterSel::kNaksSent]),
            static_cast<unsigned long long>(n(LinkCounterSel::kTimeouts)));
      }
    }
    for (int c = 0; c < mc.chips(); ++c) {
      EXPECT_GT(flits_in[c], 0u) << "chip " << c << ": its GEMM's traffic left on some link";
    }
    EXPECT_GT(lost_total, 0u) << "no data frame was lost: raise the fault rate";
    EXPECT_GE(resends_total, 1u);
  };
  const std::vector<Job> jobs = {{0, 1, 0, 1}, {1, 0, 1, 0}};
  for (const auto& s : Run(topo, jobs, 0.03, tb::SeedFromEnv(66))) {
    EXPECT_EQ(s.state, hal::CoreState::kIdle) << s.ToString();
  }
  EXPECT_EQ(checked, 2 * topo.Links());
}

// Chips that were never given work: every link counter but the lane words (credit refreshes)
// reads 0 on every port, a select beyond the last counter reads 0, and the driver refuses a
// port the SoC does not have.
TEST_F(MultiChipTest, IdleLinksCountNothingButCreditRefreshes) {
  tb::MultiChipOptions o;
  o.topology = Topology::Ring(2);
  o.mem_size = kMemSize;
  o.name = tb::CurrentTestName();
  tb::MultiChip<Chip> mc(o);
  mc.Step(kSettleCycles);
  for (int c = 0; c < mc.chips(); ++c) {
    driver::Driver d(&mc.bus(c));
    ASSERT_EQ(d.links(), P::NumLinks);
    for (int p = 0; p < P::NumLinks; ++p) {
      SCOPED_TRACE("chip " + std::to_string(c) + " port " + std::to_string(p));
      const PortReading r = ReadPort(mc, d, c, p);
      EXPECT_GT(r.counters[LinkCounterSel::kLaneWords], 0u) << "credit refreshes";
      for (int s = 1; s < driver::kNumLinkCounters; ++s) {
        EXPECT_EQ(r.counters.value[s], 0u)
            << driver::LinkCounterName(static_cast<LinkCounterSel>(s));
      }
      if (p < o.topology.Links()) {
        EXPECT_LE(r.words_before, r.counters[LinkCounterSel::kLaneWords]);
        EXPECT_LE(r.counters[LinkCounterSel::kLaneWords], r.words_after);
      }
    }
    EXPECT_THROW(d.LinkCounter(P::NumLinks, LinkCounterSel::kLaneWords), driver::DriverError);
    // A select beyond the last counter reads 0, even on a port whose lane words move.
    for (uint32_t sel = driver::kNumLinkCounters; sel < 16; ++sel) {
      mc.bus(c).WriteReg(hal::reg::Link(0, hal::reg::kLinkCntSel), sel);
      EXPECT_EQ(mc.bus(c).ReadReg(hal::reg::Link(0, hal::reg::kLinkCntLo)), 0u) << "select " << sel;
      EXPECT_EQ(mc.bus(c).ReadReg(hal::reg::Link(0, hal::reg::kLinkCntHi)), 0u) << "select " << sel;
    }
  }
}

}  // namespace
}  // namespace luoshu::multi_chip_test
