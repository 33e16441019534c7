// pipe_reg: a register stage without back-pressure. Directed (reset, hold while idle) and
// seeded random traffic with gaps: valid a cycle later, the data of the last valid input;
// Bypass=1 as a wire.
#include <gtest/gtest.h>

#include <cstdint>

#include "Vpipe_reg_w32.h"
#include "Vpipe_reg_w32_bypass.h"
#include "tb/gtest_util.h"
#include "tb/random.h"
#include "tb/sim.h"

namespace luoshu {
namespace {

using tb::Simulation;

TEST(PipeRegTest, ValidIsLowAfterResetAndTheDataHoldsWhileIdle) {
  Simulation<Vpipe_reg_w32> sim(tb::CurrentTestName(), "pipe_reg");
  auto& d = sim.dut();
  sim.Reset();
  EXPECT_FALSE(d.valid_o);
  d.valid_i = 1;
  d.data_i = 0xCAFE0001u;
  sim.Step();
  EXPECT_TRUE(d.valid_o);
  EXPECT_EQ(d.data_o, 0xCAFE0001u);
  d.valid_i = 0;
  d.data_i = 0xDEADu;  // not valid: not taken
  sim.Step(3);
  EXPECT_FALSE(d.valid_o);
  EXPECT_EQ(d.data_o, 0xCAFE0001u) << "the data holds while no input is valid";
}

// Random valid inputs with gaps (the stalls a stream without back-pressure has: none on the
// output side, any on the input side): every cycle, valid_o and data_o against a model.
void RunRandom(double gap, uint64_t seed) {
  Simulation<Vpipe_reg_w32> sim(tb::CurrentTestName(), "pipe_reg");
  auto& d = sim.dut();
  tb::Rng rng(seed);
  sim.Reset();
  bool valid = false;
  uint32_t held = 0;
  bool any = false;
  int taken = 0;
  for (int cycle = 0; cycle < 4000; ++cycle) {
    const bool in_valid = !rng.Chance(gap);
    const uint32_t in_data = static_cast<uint32_t>(rng.Bits64());
    d.valid_i = in_valid;
    d.data_i = in_data;
    sim.Step();
    ASSERT_EQ(bool(d.valid_o), in_valid) << "cycle " << cycle;
    if (in_valid) {
      held = in_data;
      any = true;
      ++taken;
    }
    valid = in_valid;
    if (any) ASSERT_EQ(d.data_o, held) << "cycle " << cycle << " valid " << valid;
  }
  EXPECT_GT(taken, 100);
}

TEST(PipeRegTest, RandomInputsWithoutGaps) { RunRandom(0.0, 21); }
TEST(PipeRegTest, RandomInputsWithGaps) { RunRandom(0.5, 22); }

TEST(PipeRegTest, BypassIsAWire) {
  Simulation<Vpipe_reg_w32_bypass> sim(tb::CurrentTestName(), "pipe_reg_bypass");
  auto& d = sim.dut();
  tb::Rng rng(23);
  sim.Reset();
  for (int i = 0; i < 200; ++i) {
    d.valid_i = rng.Chance(0.5);
    d.data_i = static_cast<uint32_t>(rng.Bits64());
    d.eval();
    ASSERT_EQ(d.valid_o, d.valid_i);
    ASSERT_EQ(d.data_o, d.data_i);
    sim.Step();
  }
}

}  // namespace
}  // namespace luoshu
