// mem_req_slice: seeded random AR, AW and W traffic at once with independent stalls on both
// sides of every channel, checked for loss, duplication, order and payload per channel; the
// readies toward the master come from flip-flops; full rate when nothing stalls; R and B pass
// through unchanged in the same cycle.
#include <gtest/gtest.h>

#include <cstdint>
#include <ostream>
#include <string>

#include "Vmem_req_slice.h"
#include "tb/agents/stream.h"
#include "tb/bits.h"
#include "tb/checkers/scoreboard.h"
#include "tb/gtest_util.h"
#include "tb/random.h"
#include "tb/sim.h"

namespace luoshu {
namespace {

using Model = Vmem_req_slice;

struct Addr {  // AR or AW
  uint32_t addr = 0;
  uint8_t len = 0, id = 0;
  bool operator==(const Addr& o) const { return addr == o.addr && len == o.len && id == o.id; }
};
std::ostream& operator<<(std::ostream& s, const Addr& a) {
  return s << "{addr " << a.addr << " len " << int{a.len} << " id " << int{a.id} << "}";
}
struct Beat {  // W
  uint64_t lo = 0, hi = 0;
  uint16_t strb = 0;
  bool last = false;
  bool operator==(const Beat& o) const {
    return lo == o.lo && hi == o.hi && strb == o.strb && last == o.last;
  }
};
std::ostream& operator<<(std::ostream& s, const Beat& b) {
  return s << "{data " << b.hi << ":" << b.lo << " strb " << b.strb << " last " << b.last << "}";
}

// Random traffic on the three channels; in_stall / out_stall are the chances that a source
// idles / a sink drops ready in a cycle.
void RunRandom(double in_stall, double out_stall, uint64_t seed, bool expect_full_rate) {
  tb::Rng rng(tb::SeedFromEnv(seed));
  tb::Simulation<Model> sim(tb::CurrentTestName(), "mem_req_slice");
  auto& d = sim.dut();
  auto addr_source = [&](auto* valid, auto* ready, auto* addr, auto* len, auto* id) {
    return tb::StreamSource<Addr>(&sim,
                                  {[=](bool v) { *valid = v; },
                                   [=](const Addr& a) {
                                     *addr = a.addr;
                                     *len = a.len;
                                     *id = a.id;
                                   },
                                   [=] { return *ready != 0; }},
                                  tb::StallInjector(in_stall, &rng));
  };
  auto addr_sink = [&](auto* ready, auto* valid, auto* addr, auto* len, auto* id) {
    return tb::StreamSink<Addr>(&sim,
                                {[=](bool r) { *ready = r; }, [=] { return *valid != 0; },
                                 [=] {
                                   return Addr{static_cast<uint32_t>(*addr),
                                               static_cast<uint8_t>(*len),
                                               static_cast<uint8_t>(*id)};
                                 }},
                                tb::StallInjector(out_stall, &rng));
  };
  auto ar_src = addr_source(&d.in_ar_valid_i, &d.in_ar_ready_o, &d.in_ar_addr_i, &d.in_ar_len_i,
                            &d.in_ar_id_i);
  auto aw_src = addr_source(&d.in_aw_valid_i, &d.in_aw_ready_o, &d.in_aw_addr_i, &d.in_aw_len_i,
                            &d.in_aw_id_i);
  auto ar_sink = addr_sink(&d.mem_ar_ready_i, &d.mem_ar_valid_o, &d.mem_ar_addr_o, &d.mem_ar_len_o,
                           &d.mem_ar_id_o);
  auto aw_sink = addr_sink(&d.mem_aw_ready_i, &d.mem_aw_valid_o, &d.mem_aw_addr_o, &d.mem_aw_len_o,
                           &d.mem_aw_id_o);
  tb::StreamSource<Beat> w_src(&sim,
                               {[&](bool v) { d.in_w_valid_i = v; },
                                [&](const Beat& b) {
                                  tb::PutBits(d.in_w_data_i, 0, 64, b.lo);
                                  tb::PutBits(d.in_w_data_i, 64, 64, b.hi);
                                  d.in_w_strb_i = b.strb;
                                  d.in_w_last_i = b.last;
                                },
                                [&] { return d.in_w_ready_o != 0; }},
                               tb::StallInjector(in_stall, &rng));
  tb::StreamSink<Beat> w_sink(
      &sim,
      {[&](bool r) { d.mem_w_ready_i = r; }, [&] { return d.mem_w_valid_o != 0; },
       [&] {
         return Beat{tb::GetBits(d.mem_w_data_o, 0, 64), tb::GetBits(d.mem_w_data_o, 64, 64),
                     static_cast<uint16_t>(d.mem_w_strb_o), d.mem_w_last_o != 0};
       }},
      tb::StallInjector(out_stall, &rng));
  tb::InOrderScoreboard<Addr> ar_sb, aw_sb;
  tb::InOrderScoreboard<Beat> w_sb;
  const size_t kItems = 2000;
  for (size_t i = 0; i < kItems; ++i) {
    const Addr ar{static_cast<uint32_t>(rng.Bits64()), static_cast<uint8_t>(rng.Bits64()),
                  static_cast<uint8_t>(rng.Uniform(0, 3))};
    const Addr aw{static_cast<uint32_t>(rng.Bits64()), static_cast<uint8_t>(rng.Bits64()),
                  static_cast<uint8_t>(rng.Uniform(0, 3))};
    const Beat w{rng.Bits64(), rng.Bits64(), static_cast<uint16_t>(rng.Bits64()), rng.Chance(0.3)};
    ar_src.Push(ar);
    ar_sb.Expect(ar);
    aw_src.Push(aw);
    aw_sb.Expect(aw);
    w_src.Push(w);
    w_sb.Expect(w);
  }
  sim.Reset();
  sim.RunUntil(
      [&] {
        return ar_sink.received().size() == kItems && aw_sink.received().size() == kItems &&
               w_sink.received().size() == kItems;
      },
      50 * kItems, "every AR, AW and W item at the slave side");
  for (const auto& x : ar_sink.received()) ar_sb.Observe(x, ar_sink.last_cycle());
  for (const auto& x : aw_sink.received()) aw_sb.Observe(x, aw_sink.last_cycle());
  for (const auto& x : w_sink.received()) w_sb.Observe(x, w_sink.last_cycle());
  sim.Step(10);
  for (const auto* errors : {&ar_sb.errors(), &aw_sb.errors()}) {
    EXPECT_TRUE(errors->empty()) << errors->front();
  }
  EXPECT_TRUE(w_sb.errors().empty()) << w_sb.errors().front();
  EXPECT_TRUE(ar_sb.Done() && aw_sb.Done() && w_sb.Done());
  EXPECT_EQ(ar_sink.received().size() + aw_sink.received().size() + w_sink.received().size(),
            3 * kItems)
      << "no duplicate after the streams";
  EXPECT_FALSE(d.mem_ar_valid_o || d.mem_aw_valid_o || d.mem_w_valid_o);
  if (expect_full_rate) {
    EXPECT_EQ(ar_sink.last_cycle() - ar_sink.first_cycle(), uint64_t(kItems - 1));
    EXPECT_EQ(w_sink.last_cycle() - w_sink.first_cycle(), uint64_t(kItems - 1));
  }
}

TEST(MemReqSliceTest, FullRateWithoutStalls) { RunRandom(0, 0, 1, true); }
TEST(MemReqSliceTest, RandomTrafficWithMasterStalls) { RunRandom(0.4, 0, 2, false); }
TEST(MemReqSliceTest, RandomTrafficWithSlaveStalls) { RunRandom(0, 0.5, 3, false); }
TEST(MemReqSliceTest, RandomTrafficWithStallsOnBothSides) { RunRandom(0.3, 0.6, 4, false); }

// The readies toward the master come from flip-flops: dropping the slave's readies without a
// clock edge cannot move them, and one item per channel is taken while the slave waits.
TEST(MemReqSliceTest, ReadiesDoNotFollowTheSlaveCombinationally) {
  tb::Simulation<Model> sim(tb::CurrentTestName(), "mem_req_slice");
  auto& d = sim.dut();
  sim.Reset();
  d.mem_ar_ready_i = d.mem_aw_ready_i = d.mem_w_ready_i = 1;
  d.eval();
  ASSERT_TRUE(d.in_ar_ready_o && d.in_aw_ready_o && d.in_w_ready_o);
  d.mem_ar_ready_i = d.mem_aw_ready_i = d.mem_w_ready_i = 0;
  d.eval();
  EXPECT_TRUE(d.in_ar_ready_o && d.in_aw_ready_o && d.in_w_ready_o);
  d.in_ar_valid_i = 1;
  d.in_ar_addr_i = 0x1230;
  sim.Step();
  d.in_ar_valid_i = 0;
  EXPECT_TRUE(d.mem_ar_valid_o) << "the request is at the slave side a cycle later";
  EXPECT_EQ(d.mem_ar_addr_o, 0x1230u);
}

// R and B are the slave's, unchanged and in the same cycle; so are the master's readies for
// them.
TEST(MemReqSliceTest, ResponsesPassStraightThrough) {
  tb::Simulation<Model> sim(tb::CurrentTestName(), "mem_req_slice");
  auto& d = sim.dut();
  tb::Rng rng(tb::SeedFromEnv(5));
  sim.Reset();
  for (int i = 0; i < 200; ++i) {
    d.mem_r_valid_i = rng.Chance(0.5);
    const uint64_t lo = rng.Bits64(), hi = rng.Bits64();
    tb::PutBits(d.mem_r_data_i, 0, 64, lo);
    tb::PutBits(d.mem_r_data_i, 64, 64, hi);
    d.mem_r_last_i = rng.Chance(0.5);
    d.mem_r_err_i = rng.Chance(0.5);
    d.mem_r_id_i = rng.Uniform(0, 3);
    d.mem_b_valid_i = rng.Chance(0.5);
    d.mem_b_err_i = rng.Chance(0.5);
    d.mem_b_id_i = rng.Uniform(0, 3);
    d.in_r_ready_i = rng.Chance(0.5);
    d.in_b_ready_i = rng.Chance(0.5);
    d.eval();
    ASSERT_EQ(d.in_r_valid_o, d.mem_r_valid_i);
    ASSERT_EQ(tb::GetBits(d.in_r_data_o, 0, 64), lo);
    ASSERT_EQ(tb::GetBits(d.in_r_data_o, 64, 64), hi);
    ASSERT_EQ(d.in_r_last_o, d.mem_r_last_i);
    ASSERT_EQ(d.in_r_err_o, d.mem_r_err_i);
    ASSERT_EQ(d.in_r_id_o, d.mem_r_id_i);
    ASSERT_EQ(d.in_b_valid_o, d.mem_b_valid_i);
    ASSERT_EQ(d.in_b_err_o, d.mem_b_err_i);
    ASSERT_EQ(d.in_b_id_o, d.mem_b_id_i);
    ASSERT_EQ(d.mem_r_ready_o, d.in_r_ready_i);
    ASSERT_EQ(d.mem_b_ready_o, d.in_b_ready_i);
    sim.Step();
  }
}

}  // namespace
}  // namespace luoshu
