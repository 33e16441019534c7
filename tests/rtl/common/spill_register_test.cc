// spill_register: directed skid behaviour, the registered in_ready_o, full throughput, and
// seeded random traffic with stalls on both sides; Bypass=1 as a wire.
#include <gtest/gtest.h>

#include <cstdint>

#include "Vspill_register_w32.h"
#include "Vspill_register_w32_bypass.h"
#include "tb/gtest_util.h"
#include "tb/sim.h"
#include "tests/rtl/common/stream_passthrough_check.h"

namespace luoshu {
namespace {

using tb::Simulation;
using Model = Vspill_register_w32;

TEST(SpillRegisterTest, HoldsTwoItemsWhileOutputStallsThenDrainsInOrder) {
  Simulation<Model> sim(tb::CurrentTestName(), "spill_register");
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
  Simulation<Model> sim(tb::CurrentTestName(), "spill_register");
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
  test::CheckRandomPassthrough<Model>({"spill_register", in_stall, out_stall, seed});
}

TEST(SpillRegisterTest, KeepsFullThroughputWithoutStalls) { RunRandomTraffic(0, 0, 11); }
TEST(SpillRegisterTest, RandomTrafficInputStalls) { RunRandomTraffic(0.4, 0, 12); }
TEST(SpillRegisterTest, RandomTrafficOutputStalls) { RunRandomTraffic(0, 0.5, 13); }
TEST(SpillRegisterTest, RandomTrafficStallsBothSides) { RunRandomTraffic(0.3, 0.6, 14); }

}  // namespace
}  // namespace luoshu

namespace luoshu {
namespace {

// Bypass=1: a wire, so ready, valid and data pass within the cycle and nothing is held.
TEST(SpillRegisterBypassTest, PassesValidReadyAndDataWithinTheCycle) {
  tb::Simulation<Vspill_register_w32_bypass> sim(tb::CurrentTestName(), "spill_register");
  auto& d = sim.dut();
  sim.Reset();
  d.in_valid_i = 1;
  d.in_data_i = 0x1234;
  d.out_ready_i = 0;
  d.eval();
  EXPECT_TRUE(d.out_valid_o);
  EXPECT_EQ(d.out_data_o, 0x1234u);
  EXPECT_FALSE(d.in_ready_o);
  d.out_ready_i = 1;
  d.eval();
  EXPECT_TRUE(d.in_ready_o);
  sim.Step();
  d.in_valid_i = 0;
  d.eval();
  EXPECT_FALSE(d.out_valid_o) << "a wire holds nothing";
}

TEST(SpillRegisterBypassTest, RandomTrafficStallsBothSides) {
  test::CheckRandomPassthrough<Vspill_register_w32_bypass>({"spill_register", 0.3, 0.6, 15});
}

}  // namespace
}  // namespace luoshu
