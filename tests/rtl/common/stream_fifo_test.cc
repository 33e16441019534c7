// stream_fifo: directed fill/drain and seeded random traffic with stalls on both sides,
// for a multi-entry and a single-entry configuration, and with the head register (HeadReg)
// at a power-of-two and another depth, and on a field of the entry only (HeadLsb, HeadW).
#include <gtest/gtest.h>

#include <cstdint>

#include "Vstream_fifo_d1w32.h"
#include "Vstream_fifo_d1w32_params.h"
#include "Vstream_fifo_d3w32_head.h"
#include "Vstream_fifo_d3w32_head_params.h"
#include "Vstream_fifo_d3w32_headfield.h"
#include "Vstream_fifo_d3w32_headfield_params.h"
#include "Vstream_fifo_d4w32.h"
#include "Vstream_fifo_d4w32_head.h"
#include "Vstream_fifo_d4w32_head_params.h"
#include "Vstream_fifo_d4w32_params.h"
#include "tb/gtest_util.h"
#include "tb/sim.h"
#include "tests/rtl/common/stream_passthrough_check.h"

namespace luoshu {
namespace {

using tb::Simulation;

template <class Model>
struct Fifo {
  static constexpr unsigned kDepth = VerilatedParams<Model>::Depth;
};

template <class Model>
class StreamFifoTest : public ::testing::Test {};
using Models = ::testing::Types<Vstream_fifo_d4w32, Vstream_fifo_d1w32, Vstream_fifo_d4w32_head,
                                Vstream_fifo_d3w32_head, Vstream_fifo_d3w32_headfield>;
TYPED_TEST_SUITE(StreamFifoTest, Models);

TYPED_TEST(StreamFifoTest, FillsToDepthThenDrainsInOrder) {
  Simulation<TypeParam> sim(tb::CurrentTestName(), "stream_fifo");
  auto& d = sim.dut();
  sim.Reset();
  d.out_ready_i = 0;
  for (uint32_t i = 0; i < Fifo<TypeParam>::kDepth; ++i) {
    ASSERT_TRUE(d.in_ready_o) << "entry " << i;
    d.in_valid_i = 1;
    d.in_data_i = 0x1000 + i;
    sim.Step();
  }
  d.in_valid_i = 0;
  sim.Step();
  EXPECT_FALSE(d.in_ready_o) << "full FIFO must refuse input";
  EXPECT_EQ(d.count_o, Fifo<TypeParam>::kDepth);
  d.out_ready_i = 1;
  for (uint32_t i = 0; i < Fifo<TypeParam>::kDepth; ++i) {
    ASSERT_TRUE(d.out_valid_o);
    EXPECT_EQ(d.out_data_o, 0x1000 + i);
    sim.Step();
  }
  EXPECT_FALSE(d.out_valid_o);
  EXPECT_EQ(d.count_o, 0u);
}

// Random data through the FIFO with independent random stalls on input and output. A
// single-entry FIFO cannot take and give in the same cycle, so only Depth > 1 streams at full
// rate.
template <class Model>
void RunRandomTraffic(double in_stall, double out_stall, uint64_t seed) {
  test::CheckRandomPassthrough<Model>({"stream_fifo", in_stall, out_stall, seed,
                                       /*full_throughput=*/Fifo<Model>::kDepth > 1});
}

TYPED_TEST(StreamFifoTest, RandomTrafficNoStalls) { RunRandomTraffic<TypeParam>(0, 0, 1); }
TYPED_TEST(StreamFifoTest, RandomTrafficInputStalls) { RunRandomTraffic<TypeParam>(0.4, 0, 2); }
TYPED_TEST(StreamFifoTest, RandomTrafficOutputStalls) { RunRandomTraffic<TypeParam>(0, 0.5, 3); }
TYPED_TEST(StreamFifoTest, RandomTrafficStallsBothSides) {
  RunRandomTraffic<TypeParam>(0.3, 0.6, 4);
}

}  // namespace
}  // namespace luoshu
