// stream_arbiter: the held grant (stream rule on the output), round-robin service, and seeded
// random traffic from every input with stalls on all sides, checked per source for loss,
// duplication and order, for out_idx_o naming the source, and for bounded wait (fairness).
// InSlice=1 (a slice on each input, a registered grant) runs the same traffic; its directed
// tests offer each item for one cycle, as its inputs take them.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "Vstream_arbiter_n3w8.h"
#include "Vstream_arbiter_n3w8_params.h"
#include "Vstream_arbiter_n3w8_slice.h"
#include "Vstream_arbiter_n3w8_slice_params.h"
#include "Vstream_arbiter_n4w32.h"
#include "Vstream_arbiter_n4w32_params.h"
#include "tb/agents/stream.h"
#include "tb/bits.h"
#include "tb/checkers/scoreboard.h"
#include "tb/gtest_util.h"
#include "tb/random.h"
#include "tb/sim.h"

namespace luoshu {
namespace {

using tb::GetBits;
using tb::PutBits;
using tb::Rng;
using tb::Simulation;
using tb::StallInjector;

template <class Model>
struct Arb {
  static constexpr unsigned kNumIn = VerilatedParams<Model>::NumIn;
  static constexpr unsigned kWidth = VerilatedParams<Model>::Width;
  static constexpr bool kSliced = VerilatedParams<Model>::InSlice != 0;
  static constexpr uint32_t kMask = kWidth == 32 ? ~0u : (1u << kWidth) - 1;
};

template <class Model>
void Offer(Model& d, unsigned i, uint32_t data) {
  PutBits(d.in_valid_i, i, 1, 1);
  PutBits(d.in_data_i, i * Arb<Model>::kWidth, Arb<Model>::kWidth, data);
}

template <class Model>
class StreamArbiterTest : public ::testing::Test {};
using Models =
    ::testing::Types<Vstream_arbiter_n4w32, Vstream_arbiter_n3w8, Vstream_arbiter_n3w8_slice>;
TYPED_TEST_SUITE(StreamArbiterTest, Models);

// Input 2 wins while alone; input 0 then outranks it, but the offered item must not change.
// (Sliced: each item is offered for one cycle, which its slice takes.)
TYPED_TEST(StreamArbiterTest, HoldsGrantUntilTaken) {
  constexpr bool kSliced = Arb<TypeParam>::kSliced;
  Simulation<TypeParam> sim(tb::CurrentTestName(), "stream_arbiter");
  auto& d = sim.dut();
  sim.Reset();
  d.out_ready_i = 0;
  Offer(d, 2, 0x22);
  sim.Step();
  if (kSliced) d.in_valid_i = 0;
  d.eval();
  ASSERT_TRUE(d.out_valid_o);
  EXPECT_EQ(d.out_idx_o, 2u);
  Offer(d, 0, 0x11);
  for (int c = 0; c < 3; ++c) {
    sim.Step();
    if (kSliced) d.in_valid_i = 0;
    d.eval();
    ASSERT_TRUE(d.out_valid_o);
    EXPECT_EQ(d.out_idx_o, 2u) << "grant moved before the item was taken, cycle " << c;
    EXPECT_EQ(d.out_data_o, 0x22u);
    if (kSliced) {
      EXPECT_EQ(d.in_ready_o, (1u << Arb<TypeParam>::kNumIn) - 1) << "each slice has room";
    } else {
      EXPECT_EQ(d.in_ready_o, 0u) << "no input is ready while the output stalls";
    }
  }
  d.out_ready_i = 1;
  d.eval();
  if (!kSliced) EXPECT_EQ(d.in_ready_o, 1u << 2);
  sim.Step();
  PutBits(d.in_valid_i, 2, 1, 0);
  d.eval();
  ASSERT_TRUE(d.out_valid_o);
  EXPECT_EQ(d.out_idx_o, 0u);
  EXPECT_EQ(d.out_data_o, 0x11u);
  sim.Step();
  d.in_valid_i = 0;
  d.eval();
  EXPECT_FALSE(d.out_valid_o) << "each item is sent once";
}

// Every input always offers (sliced: a new item each cycle, after the slices' one cycle).
TYPED_TEST(StreamArbiterTest, ServesBusyInputsInTurn) {
  constexpr unsigned kN = Arb<TypeParam>::kNumIn;
  constexpr bool kSliced = Arb<TypeParam>::kSliced;
  Simulation<TypeParam> sim(tb::CurrentTestName(), "stream_arbiter");
  auto& d = sim.dut();
  sim.Reset();
  for (unsigned i = 0; i < kN; ++i) Offer(d, i, 0x40 + i);
  d.out_ready_i = 1;
  if (kSliced) sim.Step();
  for (unsigned t = 0; t < 3 * kN; ++t) {
    d.eval();
    ASSERT_TRUE(d.out_valid_o);
    EXPECT_EQ(d.out_idx_o, t % kN) << "transfer " << t;
    EXPECT_EQ(d.out_data_o, 0x40 + t % kN);
    if (!kSliced) EXPECT_EQ(d.in_ready_o, 1u << (t % kN));
    sim.Step();
  }
}

struct Item {
  unsigned idx;
  uint32_t data;
};

template <class Model>
void RunRandomTraffic(double in_stall, double out_stall, uint64_t seed) {
  constexpr unsigned kN = Arb<Model>::kNumIn;
  constexpr unsigned kW = Arb<Model>::kWidth;
  Rng rng(tb::SeedFromEnv(seed));
  Simulation<Model> sim(tb::CurrentTestName(), "stream_arbiter");
  auto& d = sim.dut();
  std::vector<std::unique_ptr<tb::StreamSource<uint32_t>>> src;
  std::vector<tb::InOrderScoreboard<uint32_t>> sb(kN);
  const int kItemsPerInput = 1500;
  for (unsigned i = 0; i < kN; ++i) {
    src.push_back(std::make_unique<tb::StreamSource<uint32_t>>(
        &sim,
        typename tb::StreamSource<uint32_t>::Ports{
            [&d, i](bool v) { PutBits(d.in_valid_i, i, 1, v); },
            [&d, i](const uint32_t& x) { PutBits(d.in_data_i, i * kW, kW, x); },
            [&d, i] { return GetBits(d.in_ready_o, i, 1) != 0; }},
        StallInjector(in_stall, &rng)));
    for (int k = 0; k < kItemsPerInput; ++k) {
      const auto x = static_cast<uint32_t>(rng.Bits64()) & Arb<Model>::kMask;
      src[i]->Push(x);
      sb[i].Expect(x);
    }
  }
  tb::StreamSink<Item> sink(&sim,
                            {[&](bool r) { d.out_ready_i = r; }, [&] { return d.out_valid_o != 0; },
                             [&] {
                               return Item{d.out_idx_o, static_cast<uint32_t>(d.out_data_o)};
                             }},
                            StallInjector(out_stall, &rng));
  // Monitor, after the agents have sampled: the transfer must come from the input out_idx_o
  // names, with its data; every transfer counts against the wait of each other valid input.
  std::vector<unsigned> waited(kN, 0);
  unsigned max_wait = 0;
  uint64_t bad_transfers = 0;
  // Sliced, an input "requests" while its slice holds an item (taken at the input, not yet
  // sent): a transfer's item came in cycles before, so only its source's turn is checked here
  // (the data by the scoreboards).
  std::vector<unsigned> held_items(kN, 0);
  const tb::HookHandle monitor = sim.OnSample([&] {
    if (sim.in_reset()) return;
    const uint32_t valid = d.in_valid_i, ready = d.in_ready_o;
    uint32_t requesting = valid;
    if (Arb<Model>::kSliced) {
      requesting = 0;
      for (unsigned i = 0; i < kN; ++i) requesting |= (held_items[i] != 0 ? 1u : 0u) << i;
      for (unsigned i = 0; i < kN; ++i) held_items[i] += (valid & ready) >> i & 1;
    }
    for (unsigned i = 0; i < kN; ++i) {
      if (!(requesting >> i & 1)) waited[i] = 0;
    }
    if (!(d.out_valid_o && d.out_ready_i)) {
      if (!Arb<Model>::kSliced) bad_transfers += ready != 0;
      return;
    }
    const unsigned w = d.out_idx_o;
    const bool ok = Arb<Model>::kSliced ? w < kN && (requesting >> w & 1)
                                        : w < kN && ready == (1u << w) && (valid >> w & 1) &&
                                              GetBits(d.in_data_i, w * kW, kW) == d.out_data_o;
    bad_transfers += !ok;
    if (Arb<Model>::kSliced && w < kN && held_items[w] != 0) --held_items[w];
    for (unsigned i = 0; i < kN; ++i) {
      if (i == w) {
        waited[i] = 0;
      } else if (requesting >> i & 1) {
        max_wait = std::max(max_wait, ++waited[i]);
      }
    }
  });
  const size_t total = size_t(kN) * kItemsPerInput;
  sim.Reset();
  sim.RunUntil([&] { return sink.received().size() == total; }, 60 * total,
               "all items from every input at the arbiter output");
  sim.Step(10);
  for (const Item& it : sink.received()) {
    ASSERT_LT(it.idx, kN) << "out_idx_o out of range";
    sb[it.idx].Observe(it.data, sink.last_cycle());
  }
  EXPECT_EQ(sink.received().size(), total) << "no duplicated item after the stream";
  for (unsigned i = 0; i < kN; ++i) {
    EXPECT_TRUE(sb[i].errors().empty()) << "input " << i << ": " << sb[i].errors().front();
    EXPECT_TRUE(sb[i].Done()) << "input " << i << " lost " << sb[i].pending() << " items";
  }
  EXPECT_EQ(bad_transfers, 0u) << "in_ready_o / out_idx_o / out_data_o disagree with the source";
  EXPECT_LT(max_wait, kN) << "a valid input waited for " << max_wait << " other transfers";
  if (in_stall == 0 && out_stall == 0) {
    EXPECT_EQ(sink.last_cycle() - sink.first_cycle(), uint64_t(total - 1))
        << "one item per cycle while inputs are busy";
  }
}

TYPED_TEST(StreamArbiterTest, RandomTrafficNoStalls) { RunRandomTraffic<TypeParam>(0, 0, 31); }
TYPED_TEST(StreamArbiterTest, RandomTrafficInputStalls) { RunRandomTraffic<TypeParam>(0.6, 0, 32); }
TYPED_TEST(StreamArbiterTest, RandomTrafficOutputStalls) {
  RunRandomTraffic<TypeParam>(0, 0.5, 33);
}
TYPED_TEST(StreamArbiterTest, RandomTrafficStallsBothSides) {
  RunRandomTraffic<TypeParam>(0.5, 0.5, 34);
}

}  // namespace
}  // namespace luoshu
