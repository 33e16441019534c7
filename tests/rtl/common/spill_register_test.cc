// spill_register: directed skid behaviour, the registered in_ready_o, full throughput, and
// seeded random traffic with stalls on both sides.
#include <gtest/gtest.h>

#include <string>

#include "Vspill_register_w32.h"
#include "tb/random.h"
#include "tb/scoreboard.h"
#include "tb/sim.h"
#include "tb/stream.h"

namespace luoshu {
namespace {

using tb::Rng;
using tb::Simulation;
using tb::StallInjector;
using Model = Vspill_register_w32;

std::string TestName() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return std::string(info->test_suite_name()) + "." + info->name();
}

TEST(SpillRegisterTest, HoldsTwoItemsWhileOutputStallsThenDrainsInOrder) {
  Simulation<Model> sim(tb::SanitizeName(TestName()), "spill_register");
  auto& d = sim.dut();
  sim.Reset();
  d.out_ready_i = 0;
  for (uint32_t i = 0; i < 2; ++i) {
    ASSERT_TRUE(d.in_ready_o) << "entry " << i;
    d.in_valid_i = 1;
    d.in_data_i = 0xA000 + i;
    sim.Step();
    ASSERT_TRUE(d.out_valid_o);
    EXPECT_EQ(d.out_data_o, 0xA000u) << "the oldest item is shown first";
  }
  EXPECT_FALSE(d.in_ready_o) << "two items fill the skid buffer";
  d.in_data_i = 0xA002;  // offered and refused while full; stays offered (stream rule)
  sim.Step(3);
  EXPECT_FALSE(d.in_ready_o);
  EXPECT_EQ(d.out_data_o, 0xA000u);
  d.out_ready_i = 1;
  sim.Step();  // pops 0xA000; the skid slot is still busy, so 0xA002 still waits
  EXPECT_TRUE(d.in_ready_o);
  EXPECT_EQ(d.out_data_o, 0xA001u);
  sim.Step();  // pops 0xA001 and takes 0xA002 in the same cycle
  d.in_valid_i = 0;
  ASSERT_TRUE(d.out_valid_o);
  EXPECT_EQ(d.out_data_o, 0xA002u);
  sim.Step();
  EXPECT_FALSE(d.out_valid_o) << "three items in, three out, no duplicate";
  EXPECT_TRUE(d.in_ready_o);
}

// in_ready_o must come from a flop: changing out_ready_i without a clock edge cannot move it.
TEST(SpillRegisterTest, InReadyDoesNotFollowOutReadyCombinationally) {
  Simulation<Model> sim(tb::SanitizeName(TestName()), "spill_register");
  auto& d = sim.dut();
  sim.Reset();
  d.out_ready_i = 0;
  d.in_valid_i = 1;
  d.in_data_i = 1;
  sim.Step();
  d.in_data_i = 2;
  sim.Step();
  d.in_valid_i = 0;
  ASSERT_FALSE(d.in_ready_o);
  d.out_ready_i = 1;
  d.eval();
  EXPECT_FALSE(d.in_ready_o) << "out_ready_i reached in_ready_o without a clock edge";
  sim.Step();
  EXPECT_TRUE(d.in_ready_o) << "one pop frees the skid slot";
  d.out_ready_i = 0;
  d.eval();
  EXPECT_TRUE(d.in_ready_o);
}

void RunRandomTraffic(double in_stall, double out_stall, uint64_t seed) {
  Rng rng(tb::SeedFromEnv(seed));
  SCOPED_TRACE("seed " + std::to_string(rng.seed()) + " (re-run with LUOSHU_SEED=" +
               std::to_string(rng.seed()) + ")");
  Simulation<Model> sim(tb::SanitizeName(TestName()), "spill_register");
  auto& d = sim.dut();
  tb::StreamSource<uint32_t> src(&sim,
      {[&](bool v) { d.in_valid_i = v; }, [&](const uint32_t& x) { d.in_data_i = x; },
       [&] { return d.in_ready_o != 0; }},
      StallInjector(in_stall, &rng));
  tb::StreamSink<uint32_t> sink(&sim,
      {[&](bool r) { d.out_ready_i = r; }, [&] { return d.out_valid_o != 0; },
       [&] { return static_cast<uint32_t>(d.out_data_o); }},
      StallInjector(out_stall, &rng));
  tb::InOrderScoreboard<uint32_t> sb;
  const int kItems = 3000;
  for (int i = 0; i < kItems; ++i) {
    const auto x = static_cast<uint32_t>(rng.Bits64());
    src.Push(x);
    sb.Expect(x);
  }
  sim.Reset();
  sim.RunUntil([&] { return sink.received().size() == kItems; }, 50 * kItems,
               "all spill_register items at the output");
  for (auto x : sink.received()) sb.Observe(x, sink.last_cycle());
  sim.Step(10);
  EXPECT_TRUE(sb.errors().empty()) << sb.errors().front();
  EXPECT_TRUE(sb.Done());
  EXPECT_EQ(sink.received().size(), size_t(kItems)) << "no duplicated item after the stream";
  EXPECT_FALSE(d.out_valid_o);
  if (in_stall == 0 && out_stall == 0) {
    EXPECT_EQ(sink.last_cycle() - sink.first_cycle(), uint64_t(kItems - 1))
        << "one item per cycle once streaming";
  }
}

TEST(SpillRegisterTest, KeepsFullThroughputWithoutStalls) { RunRandomTraffic(0, 0, 11); }
TEST(SpillRegisterTest, RandomTrafficInputStalls) { RunRandomTraffic(0.4, 0, 12); }
TEST(SpillRegisterTest, RandomTrafficOutputStalls) { RunRandomTraffic(0, 0.5, 13); }
TEST(SpillRegisterTest, RandomTrafficStallsBothSides) { RunRandomTraffic(0.3, 0.6, 14); }

}  // namespace
}  // namespace luoshu
