// rr_arbiter: grant shape (one-hot, only to requesters, index matches), rotation on advance,
// no rotation without it, and seeded random requesters checked for bounded wait (fairness),
// for 4, 3 (not a power of two) and 1 inputs.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "Vrr_arbiter_n1.h"
#include "Vrr_arbiter_n1_params.h"
#include "Vrr_arbiter_n3.h"
#include "Vrr_arbiter_n3_params.h"
#include "Vrr_arbiter_n4.h"
#include "Vrr_arbiter_n4_params.h"
#include "tb/gtest_util.h"
#include "tb/random.h"
#include "tb/sim.h"

namespace luoshu {
namespace {

using tb::Rng;
using tb::Simulation;

template <class Model>
struct Arb {
  static constexpr unsigned kNumIn = VerilatedParams<Model>::NumIn;
  static constexpr uint32_t kAll = (1u << kNumIn) - 1;
};

// Checks the combinational grant against the current requests; returns the winner or -1.
template <class Model>
int CheckGrant(const Model& d) {
  const uint32_t req = d.req_i, gnt = d.gnt_o;
  EXPECT_EQ(gnt & ~req, 0u) << "grant to a non-requester: req " << req << " gnt " << gnt;
  EXPECT_EQ(gnt & (gnt - 1), 0u) << "grant not one-hot: " << gnt;
  EXPECT_EQ(gnt != 0, req != 0) << "requests without a grant (or the reverse): req " << req;
  if (gnt == 0) return -1;
  EXPECT_EQ(gnt, 1u << d.gnt_idx_o) << "gnt_idx_o does not match gnt_o";
  return static_cast<int>(d.gnt_idx_o);
}

template <class Model>
class RrArbiterTest : public ::testing::Test {};
using Models = ::testing::Types<Vrr_arbiter_n4, Vrr_arbiter_n3, Vrr_arbiter_n1>;
TYPED_TEST_SUITE(RrArbiterTest, Models);

TYPED_TEST(RrArbiterTest, GrantsNobodyWithoutRequests) {
  Simulation<TypeParam> sim(tb::CurrentTestName());
  auto& d = sim.dut();
  sim.Reset();
  d.req_i = 0;
  d.advance_i = 0;
  d.eval();
  EXPECT_EQ(d.gnt_o, 0u);
  EXPECT_EQ(CheckGrant(d), -1);
}

TYPED_TEST(RrArbiterTest, RotatesPastTheWinnerOnAdvance) {
  constexpr unsigned kN = Arb<TypeParam>::kNumIn;
  Simulation<TypeParam> sim(tb::CurrentTestName());
  auto& d = sim.dut();
  sim.Reset();
  d.req_i = Arb<TypeParam>::kAll;
  d.advance_i = 1;
  for (unsigned i = 0; i < 3 * kN; ++i) {
    d.eval();
    EXPECT_EQ(CheckGrant(d), static_cast<int>(i % kN)) << "grant " << i;
    sim.Step();
  }
}

TYPED_TEST(RrArbiterTest, KeepsPriorityWithoutAdvance) {
  constexpr unsigned kN = Arb<TypeParam>::kNumIn;
  Simulation<TypeParam> sim(tb::CurrentTestName());
  auto& d = sim.dut();
  sim.Reset();
  d.req_i = Arb<TypeParam>::kAll;
  d.advance_i = 1;
  sim.Step();  // input 0 consumed: priority now starts at 1 (wraps to 0 for one input)
  d.advance_i = 0;
  for (unsigned i = 0; i < 5; ++i) {
    d.eval();
    EXPECT_EQ(CheckGrant(d), static_cast<int>(1 % kN)) << "cycle " << i;
    sim.Step();
  }
  // The highest-priority input is skipped when it does not request.
  if (kN > 2) {
    d.req_i = Arb<TypeParam>::kAll & ~2u;
    d.eval();
    EXPECT_EQ(CheckGrant(d), 2);
    // Only a lower-priority input (below the pointer) requests: it still wins.
    d.req_i = 1;
    d.eval();
    EXPECT_EQ(CheckGrant(d), 0);
  }
}

// Random requesters that, like a stream source, keep requesting until served. The consumer
// advances on a random subset of cycles. Every cycle checks the grant; every consumed grant
// counts against the wait of each other input still requesting, which must stay below NumIn.
TYPED_TEST(RrArbiterTest, RandomRequestersAreServedWithinNumInGrants) {
  constexpr unsigned kN = Arb<TypeParam>::kNumIn;
  Rng rng(tb::SeedFromEnv(21));
  Simulation<TypeParam> sim(tb::CurrentTestName());
  auto& d = sim.dut();
  sim.Reset();
  std::vector<unsigned> waited(kN, 0);
  std::vector<uint64_t> served(kN, 0);
  unsigned max_wait = 0;
  uint32_t req = 0;
  for (int c = 0; c < 20000; ++c) {
    for (unsigned i = 0; i < kN; ++i) {
      if (!(req >> i & 1) && rng.Chance(0.5)) req |= 1u << i;
    }
    d.req_i = req;
    d.eval();
    const int w = CheckGrant(d);
    const bool advance = w >= 0 && rng.Chance(0.7);
    d.advance_i = advance;
    if (advance) {
      req &= ~(1u << w);
      waited[w] = 0;
      ++served[w];
      for (unsigned i = 0; i < kN; ++i) {
        if (static_cast<int>(i) != w && (req >> i & 1)) max_wait = std::max(max_wait, ++waited[i]);
      }
    }
    sim.Step();
    if (::testing::Test::HasFailure()) return;
  }
  EXPECT_LT(max_wait, kN) << "an input waited for " << max_wait << " other grants";
  for (unsigned i = 0; i < kN; ++i) EXPECT_GT(served[i], 1000u) << "input " << i;
}

TEST(RrArbiterAssertTest, AdvanceWithoutRequestIsAnRtlError) {
  Simulation<Vrr_arbiter_n4> sim(tb::CurrentTestName());
  auto& d = sim.dut();
  sim.Reset();
  d.req_i = 0;
  d.advance_i = 1;
  EXPECT_THROW(sim.Step(), tb::RtlAssertionError);
}

}  // namespace
}  // namespace luoshu
