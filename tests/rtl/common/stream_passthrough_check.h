// Seeded random traffic through a one-input, one-output stream block (stream_fifo,
// spill_register): random payloads with independent random stalls on both sides, checked for
// loss, duplication and order, and for one item per cycle when nothing stalls.
// The model needs in_valid_i / in_ready_o / in_data_i and out_valid_o / out_ready_i /
// out_data_o with a payload of at most 32 bits.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "tb/agents/stream.h"
#include "tb/checkers/scoreboard.h"
#include "tb/gtest_util.h"
#include "tb/options.h"
#include "tb/random.h"
#include "tb/sim.h"

namespace luoshu::test {

struct PassthroughCheck {
  std::string gtkw_block;  // tb/gtkw/<block>.gtkw for the wave's save file
  double in_stall = 0;     // probability the source idles in a cycle
  double out_stall = 0;    // probability the sink drops ready in a cycle
  uint64_t seed = 1;       // default seed; LUOSHU_SEED overrides it
  // Expect one item per cycle once streaming, when neither side stalls.
  bool full_throughput = true;
};

template <class Model>
void CheckRandomPassthrough(const PassthroughCheck& c) {
  tb::Rng rng(tb::SeedFromEnv(c.seed));
  tb::Simulation<Model> sim(tb::CurrentTestName(), c.gtkw_block);
  auto& d = sim.dut();
  tb::StreamSource<uint32_t> src(
      &sim,
      {[&](bool v) { d.in_valid_i = v; }, [&](const uint32_t& x) { d.in_data_i = x; },
       [&] { return d.in_ready_o != 0; }},
      tb::StallInjector(c.in_stall, &rng));
  tb::StreamSink<uint32_t> sink(
      &sim,
      {[&](bool r) { d.out_ready_i = r; }, [&] { return d.out_valid_o != 0; },
       [&] { return static_cast<uint32_t>(d.out_data_o); }},
      tb::StallInjector(c.out_stall, &rng));
  tb::InOrderScoreboard<uint32_t> sb;
  const size_t kItems = 3000;
  for (size_t i = 0; i < kItems; ++i) {
    const auto x = static_cast<uint32_t>(rng.Bits64());
    src.Push(x);
    sb.Expect(x);
  }
  sim.Reset();
  sim.RunUntil([&] { return sink.received().size() == kItems; }, 50 * kItems,
               "all " + c.gtkw_block + " items at the output");
  for (auto x : sink.received()) sb.Observe(x, sink.last_cycle());
  sim.Step(10);
  EXPECT_TRUE(sb.errors().empty()) << sb.errors().front();
  EXPECT_TRUE(sb.Done());
  EXPECT_EQ(sink.received().size(), kItems) << "no duplicated item after the stream";
  EXPECT_FALSE(d.out_valid_o) << "output still valid after the last item";
  if (c.full_throughput && c.in_stall == 0 && c.out_stall == 0) {
    EXPECT_EQ(sink.last_cycle() - sink.first_cycle(), uint64_t(kItems - 1))
        << "one item per cycle once streaming";
  }
}

}  // namespace luoshu::test
