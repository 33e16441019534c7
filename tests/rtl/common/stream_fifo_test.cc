// stream_fifo: directed fill/drain and seeded random traffic with stalls on both sides,
// for a multi-entry and a single-entry configuration.
#include <gtest/gtest.h>

#include "Vstream_fifo_d1w32.h"
#include "Vstream_fifo_d4w32.h"
#include "tb/random.h"
#include "tb/scoreboard.h"
#include "tb/sim.h"
#include "tb/stream.h"

namespace luoshu {
namespace {

using tb::Rng;
using tb::Simulation;
using tb::StallInjector;

std::string TestName() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return std::string(info->test_suite_name()) + "." + info->name();
}

template <class Model>
struct Fifo {
  static constexpr unsigned kDepth = std::is_same_v<Model, Vstream_fifo_d4w32> ? 4 : 1;
};

template <class Model>
class StreamFifoTest : public ::testing::Test {};
using Models = ::testing::Types<Vstream_fifo_d4w32, Vstream_fifo_d1w32>;
TYPED_TEST_SUITE(StreamFifoTest, Models);

TYPED_TEST(StreamFifoTest, FillsToDepthThenDrainsInOrder) {
  Simulation<TypeParam> sim(tb::SanitizeName(TestName()), "stream_fifo");
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

// Random data through the FIFO with independent random stalls on input and output.
template <class Model>
void RunRandomTraffic(double in_stall, double out_stall, uint64_t seed) {
  Rng rng(tb::SeedFromEnv(seed));
  SCOPED_TRACE("seed " + std::to_string(rng.seed()) + " (re-run with LUOSHU_SEED=" +
               std::to_string(rng.seed()) + ")");
  Simulation<Model> sim(tb::SanitizeName(TestName()), "stream_fifo");
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
               "all FIFO items at the output");
  for (auto x : sink.received()) sb.Observe(x, sink.last_cycle());
  sim.Step(10);
  EXPECT_TRUE(sb.errors().empty()) << sb.errors().front();
  EXPECT_TRUE(sb.Done());
  EXPECT_FALSE(d.out_valid_o) << "no duplicated item after the stream";
  if (in_stall == 0 && out_stall == 0 && Fifo<Model>::kDepth > 1) {
    // Full throughput: one item per cycle once streaming.
    EXPECT_EQ(sink.last_cycle() - sink.first_cycle(), uint64_t(kItems - 1));
  }
}

TYPED_TEST(StreamFifoTest, RandomTrafficNoStalls) { RunRandomTraffic<TypeParam>(0, 0, 1); }
TYPED_TEST(StreamFifoTest, RandomTrafficInputStalls) { RunRandomTraffic<TypeParam>(0.4, 0, 2); }
TYPED_TEST(StreamFifoTest, RandomTrafficOutputStalls) { RunRandomTraffic<TypeParam>(0, 0.5, 3); }
TYPED_TEST(StreamFifoTest, RandomTrafficStallsBothSides) { RunRandomTraffic<TypeParam>(0.3, 0.6, 4); }

}  // namespace
}  // namespace luoshu
