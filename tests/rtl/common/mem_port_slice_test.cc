// mem_port_slice: seeded random traffic on all five channels at once (AR, AW, W toward the
// slave; R, B back) with independent stalls on both sides of every channel, checked for loss,
// duplication, order and payload per channel; every ready comes from a flip-flop; full rate
// when nothing stalls.
#include <gtest/gtest.h>

#include <cstdint>
#include <ostream>
#include <string>

#include "Vmem_port_slice.h"
#include "tb/agents/stream.h"
#include "tb/bits.h"
#include "tb/checkers/scoreboard.h"
#include "tb/gtest_util.h"
#include "tb/random.h"
#include "tb/sim.h"

namespace luoshu {
namespace {

using Model = Vmem_port_slice;

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
struct Rsp {  // R (data, last, err, id) or B (err, id; data and last 0)
  uint64_t lo = 0, hi = 0;
  bool last = false, err = false;
  uint8_t id = 0;
  bool operator==(const Rsp& o) const {
    return lo == o.lo && hi == o.hi && last == o.last && err == o.err && id == o.id;
  }
};
std::ostream& operator<<(std::ostream& s, const Rsp& r) {
  return s << "{data " << r.hi << ":" << r.lo << " last " << r.last << " err " << r.err << " id "
           << int{r.id} << "}";
}

// Random traffic on the five channels; in_stall / out_stall are the chances that a source
// (the master for AR, AW, W; the slave for R, B) idles / a sink drops ready in a cycle.
void RunRandom(double in_stall, double out_stall, uint64_t seed, bool expect_full_rate) {
  tb::Rng rng(tb::SeedFromEnv(seed));
  tb::Simulation<Model> sim(tb::CurrentTestName(), "mem_port_slice");
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
  // R and B run the other way: the slave is their source, the master their sink.
  tb::StreamSource<Rsp> r_src(&sim,
                              {[&](bool v) { d.mem_r_valid_i = v; },
                               [&](const Rsp& r) {
                                 tb::PutBits(d.mem_r_data_i, 0, 64, r.lo);
                                 tb::PutBits(d.mem_r_data_i, 64, 64, r.hi);
                                 d.mem_r_last_i = r.last;
                                 d.mem_r_err_i = r.err;
                                 d.mem_r_id_i = r.id;
                               },
                               [&] { return d.mem_r_ready_o != 0; }},
                              tb::StallInjector(in_stall, &rng));
  tb::StreamSink<Rsp> r_sink(
      &sim,
      {[&](bool r) { d.in_r_ready_i = r; }, [&] { return d.in_r_valid_o != 0; },
       [&] {
         EXPECT_EQ(d.in_r_valids_o, 1u << d.in_r_id_o) << "R valid decoded by its id";
         return Rsp{tb::GetBits(d.in_r_data_o, 0, 64), tb::GetBits(d.in_r_data_o, 64, 64),
                    d.in_r_last_o != 0, d.in_r_err_o != 0, static_cast<uint8_t>(d.in_r_id_o)};
       }},
      tb::StallInjector(out_stall, &rng));
  tb::StreamSource<Rsp> b_src(&sim,
                              {[&](bool v) { d.mem_b_valid_i = v; },
                               [&](const Rsp& b) {
                                 d.mem_b_err_i = b.err;
                                 d.mem_b_id_i = b.id;
                               },
                               [&] { return d.mem_b_ready_o != 0; }},
                              tb::StallInjector(in_stall, &rng));
  tb::StreamSink<Rsp> b_sink(
      &sim,
      {[&](bool r) { d.in_b_ready_i = r; }, [&] { return d.in_b_valid_o != 0; },
       [&] {
         EXPECT_EQ(d.in_b_valids_o, 1u << d.in_b_id_o) << "B valid decoded by its id";
         return Rsp{0, 0, false, d.in_b_err_o != 0, static_cast<uint8_t>(d.in_b_id_o)};
       }},
      tb::StallInjector(out_stall, &rng));
  tb::InOrderScoreboard<Addr> ar_sb, aw_sb;
  tb::InOrderScoreboard<Beat> w_sb;
  tb::InOrderScoreboard<Rsp> r_sb, b_sb;
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
    const Rsp r{rng.Bits64(), rng.Bits64(), rng.Chance(0.3), rng.Chance(0.2),
                static_cast<uint8_t>(rng.Uniform(0, 3))};
    const Rsp b{0, 0, false, rng.Chance(0.5), static_cast<uint8_t>(rng.Uniform(0, 3))};
    r_src.Push(r);
    r_sb.Expect(r);
    b_src.Push(b);
    b_sb.Expect(b);
  }
  sim.Reset();
  sim.RunUntil(
      [&] {
        return ar_sink.received().size() == kItems && aw_sink.received().size() == kItems &&
               w_sink.received().size() == kItems && r_sink.received().size() == kItems &&
               b_sink.received().size() == kItems;
      },
      50 * kItems, "every AR, AW and W item at the slave side and every R and B at the master's");
  for (const auto& x : ar_sink.received()) ar_sb.Observe(x, ar_sink.last_cycle());
  for (const auto& x : aw_sink.received()) aw_sb.Observe(x, aw_sink.last_cycle());
  for (const auto& x : w_sink.received()) w_sb.Observe(x, w_sink.last_cycle());
  for (const auto& x : r_sink.received()) r_sb.Observe(x, r_sink.last_cycle());
  for (const auto& x : b_sink.received()) b_sb.Observe(x, b_sink.last_cycle());
  sim.Step(10);
  for (const auto* errors : {&ar_sb.errors(), &aw_sb.errors()}) {
    EXPECT_TRUE(errors->empty()) << errors->front();
  }
  EXPECT_TRUE(w_sb.errors().empty()) << w_sb.errors().front();
  for (const auto* errors : {&r_sb.errors(), &b_sb.errors()}) {
    EXPECT_TRUE(errors->empty()) << errors->front();
  }
  EXPECT_TRUE(ar_sb.Done() && aw_sb.Done() && w_sb.Done() && r_sb.Done() && b_sb.Done());
  EXPECT_EQ(ar_sink.received().size() + aw_sink.received().size() + w_sink.received().size() +
                r_sink.received().size() + b_sink.received().size(),
            5 * kItems)
      << "no duplicate after the streams";
  EXPECT_FALSE(d.mem_ar_valid_o || d.mem_aw_valid_o || d.mem_w_valid_o || d.in_r_valid_o ||
               d.in_b_valid_o);
  if (expect_full_rate) {
    EXPECT_EQ(ar_sink.last_cycle() - ar_sink.first_cycle(), uint64_t(kItems - 1));
    EXPECT_EQ(w_sink.last_cycle() - w_sink.first_cycle(), uint64_t(kItems - 1));
    EXPECT_EQ(r_sink.last_cycle() - r_sink.first_cycle(), uint64_t(kItems - 1));
    EXPECT_EQ(b_sink.last_cycle() - b_sink.first_cycle(), uint64_t(kItems - 1));
  }
}

TEST(MemPortSliceTest, FullRateWithoutStalls) { RunRandom(0, 0, 1, true); }
TEST(MemPortSliceTest, RandomTrafficWithSourceStalls) { RunRandom(0.4, 0, 2, false); }
TEST(MemPortSliceTest, RandomTrafficWithSinkStalls) { RunRandom(0, 0.5, 3, false); }
TEST(MemPortSliceTest, RandomTrafficWithStallsOnBothSides) { RunRandom(0.3, 0.6, 4, false); }

// Every ready comes from a flip-flop: dropping the other side's readies without a clock edge
// cannot move them, and an item is taken while the other side waits.
TEST(MemPortSliceTest, ReadiesDoNotFollowTheOtherSideCombinationally) {
  tb::Simulation<Model> sim(tb::CurrentTestName(), "mem_port_slice");
  auto& d = sim.dut();
  sim.Reset();
  d.mem_ar_ready_i = d.mem_aw_ready_i = d.mem_w_ready_i = 1;
  d.in_r_ready_i = d.in_b_ready_i = 1;
  d.eval();
  ASSERT_TRUE(d.in_ar_ready_o && d.in_aw_ready_o && d.in_w_ready_o);
  ASSERT_TRUE(d.mem_r_ready_o && d.mem_b_ready_o);
  d.mem_ar_ready_i = d.mem_aw_ready_i = d.mem_w_ready_i = 0;
  d.in_r_ready_i = d.in_b_ready_i = 0;
  d.eval();
  EXPECT_TRUE(d.in_ar_ready_o && d.in_aw_ready_o && d.in_w_ready_o);
  EXPECT_TRUE(d.mem_r_ready_o && d.mem_b_ready_o);
  d.in_ar_valid_i = 1;
  d.in_ar_addr_i = 0x1230;
  d.mem_r_valid_i = 1;
  d.mem_r_id_i = 2;
  d.mem_b_valid_i = 1;
  d.mem_b_id_i = 1;
  d.eval();
  EXPECT_FALSE(d.mem_ar_valid_o || d.in_r_valid_o || d.in_b_valid_o)
      << "a valid reached the other side without a clock edge";
  sim.Step();
  d.in_ar_valid_i = d.mem_r_valid_i = d.mem_b_valid_i = 0;
  EXPECT_TRUE(d.mem_ar_valid_o) << "the request is at the slave side a cycle later";
  EXPECT_EQ(d.mem_ar_addr_o, 0x1230u);
  EXPECT_TRUE(d.in_r_valid_o) << "the R beat is at the master side a cycle later";
  EXPECT_EQ(d.in_r_id_o, 2u);
  EXPECT_TRUE(d.in_b_valid_o);
  EXPECT_EQ(d.in_b_id_o, 1u);
}

}  // namespace
}  // namespace luoshu
