// noc_mesh on 1x2, 2x2, 3x2 and 4x4, each with the default routers and with PipeAlloc=1
// (registered allocation, the FPGA build's routers; *_pipe models): every source to every
// destination, seeded random traffic with random packet lengths and source/sink stalls, sink
// back-pressure that stalls the whole network and its recovery. Every flit is checked by
// tb::noc::PacketChecker (payload, source, per-flow order, head/tail framing, no loss or
// duplication, packets contiguous at each ejection port); every run has a progress watchdog; the
// routers' stream and framing assertions are live in every simulation.
#include <gtest/gtest.h>

#include <string>

#include "Vnoc_mesh_1x2.h"
#include "Vnoc_mesh_1x2_params.h"
#include "Vnoc_mesh_1x2_pipe.h"
#include "Vnoc_mesh_1x2_pipe_params.h"
#include "Vnoc_mesh_2x2.h"
#include "Vnoc_mesh_2x2_params.h"
#include "Vnoc_mesh_2x2_pipe.h"
#include "Vnoc_mesh_2x2_pipe_params.h"
#include "Vnoc_mesh_3x2.h"
#include "Vnoc_mesh_3x2_params.h"
#include "Vnoc_mesh_3x2_pipe.h"
#include "Vnoc_mesh_3x2_pipe_params.h"
#include "Vnoc_mesh_4x4.h"
#include "Vnoc_mesh_4x4_params.h"
#include "Vnoc_mesh_4x4_pipe.h"
#include "Vnoc_mesh_4x4_pipe_params.h"
#include "tb/agents/mesh_driver.h"
#include "tb/checkers/packet_checker.h"
#include "tb/options.h"
#include "tb/random.h"
#include "tb/sim.h"

namespace luoshu {
namespace {

using tb::Rng;
using tb::Simulation;
namespace noc = tb::noc;

std::string TestName() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return std::string(info->test_suite_name()) + "." + info->name();
}

// Shape and zero-load cycles per router of a model (PipeAlloc=1: the registered grant adds
// one), from the parameters it was Verilated with.
template <class Model>
struct Dims {
  using P = VerilatedParams<Model>;
  static constexpr int kX = P::X, kY = P::Y;
  static constexpr int kCyclesPerRouter = P::PipeAlloc ? 2 : 1;
};

// One mesh with its driver and checker.
template <class Model>
struct Bench {
  static constexpr int kX = Dims<Model>::kX;
  static constexpr int kY = Dims<Model>::kY;
  static constexpr int kN = kX * kY;

  Bench(uint64_t seed, double src_stall, double sink_stall)
      : rng(tb::SeedFromEnv(seed)),
        sim(tb::SanitizeName(TestName()), "noc_mesh"),
        drv(&sim, kX, kY, &rng, src_stall, sink_stall),
        chk(kX, kN),
        seq(kN, 0) {
    drv.OnEject([this](int n, uint32_t f, uint64_t c) { chk.Observe(n, f, c); });
  }

  void Send(int src, int dst, int len) {
    auto p = noc::MakePacket(src, dst, kX, seq[src]++, len, &rng);
    chk.Expect(src, dst, p);
    drv.Send(src, p);
  }

  // Runs until every expected packet has arrived (watchdog: `max_cycles`), then checks that
  // nothing else comes out.
  void RunToCompletion(uint64_t max_cycles) {
    sim.RunUntil([&] { return chk.Done() || !chk.errors().empty(); }, max_cycles,
                 "all packets delivered (outstanding: " + chk.Outstanding() + ")");
    sim.Step(50);
    EXPECT_TRUE(chk.errors().empty()) << chk.FirstErrors();
    EXPECT_TRUE(chk.Done()) << chk.Outstanding();
    EXPECT_EQ(drv.injected(), drv.ejected()) << "flits lost or duplicated";
    EXPECT_TRUE(drv.SourcesIdle());
  }

  Rng rng;
  Simulation<Model> sim;
  noc::MeshDriver<Model> drv;
  noc::PacketChecker chk;
  std::vector<uint32_t> seq;
};

template <class Model>
class NocMeshTest : public ::testing::Test {};
using Meshes =
    ::testing::Types<Vnoc_mesh_1x2, Vnoc_mesh_2x2, Vnoc_mesh_3x2, Vnoc_mesh_4x4, Vnoc_mesh_1x2_pipe,
                     Vnoc_mesh_2x2_pipe, Vnoc_mesh_3x2_pipe, Vnoc_mesh_4x4_pipe>;
TYPED_TEST_SUITE(NocMeshTest, Meshes);

// Each node sends one packet to each node (itself included), lengths 1..4, no stalls; then
// again one pair at a time, alone in the network, to check the latency per router.
TYPED_TEST(NocMeshTest, EverySourceReachesEveryDestination) {
  Bench<TypeParam> b(11, 0, 0);
  b.sim.Reset();
  for (int s = 0; s < b.kN; ++s) {
    for (int d = 0; d < b.kN; ++d) b.Send(s, d, 1 + (s + d) % 4);
  }
  b.RunToCompletion(20000);
}

// A lone single-flit packet takes one cycle per router on its XY path (|dx| + |dy| + 1
// routers), two with PipeAlloc=1.
TYPED_TEST(NocMeshTest, ZeroLoadLatencyPerRouter) {
  Bench<TypeParam> b(12, 0, 0);
  uint64_t injected_at = 0, ejected_at = 0;
  b.drv.OnInject([&](int, uint32_t, uint64_t c) { injected_at = c; });
  b.drv.OnEject([&](int n, uint32_t f, uint64_t c) {
    ejected_at = c;
    b.chk.Observe(n, f, c);
  });
  b.sim.Reset();
  for (int s = 0; s < b.kN; ++s) {
    for (int d = 0; d < b.kN; ++d) {
      const uint64_t before = b.chk.delivered_packets();
      b.Send(s, d, 1);
      b.sim.RunUntil([&] { return b.chk.delivered_packets() > before; }, 100, "one packet");
      const int hops = std::abs(s % b.kX - d % b.kX) + std::abs(s / b.kX - d / b.kX);
      EXPECT_EQ(ejected_at - injected_at, uint64_t((hops + 1) * Dims<TypeParam>::kCyclesPerRouter))
          << s << " -> " << d;
    }
  }
  EXPECT_TRUE(b.chk.errors().empty()) << b.chk.FirstErrors();
}

// Seeded random traffic: random destinations and packet lengths 1..8, with stalls on the
// sources and on the sinks in the given proportions.
template <class Model>
void RunRandomTraffic(uint64_t seed, double src_stall, double sink_stall, int packets_per_node) {
  Bench<Model> b(seed, src_stall, sink_stall);
  b.sim.Reset();
  for (int i = 0; i < packets_per_node; ++i) {
    for (int s = 0; s < b.kN; ++s) {
      b.Send(s, static_cast<int>(b.rng.Uniform(0, b.kN - 1)),
             static_cast<int>(b.rng.Uniform(1, 8)));
    }
  }
  b.RunToCompletion(200000);
}

TYPED_TEST(NocMeshTest, RandomTrafficNoStalls) { RunRandomTraffic<TypeParam>(21, 0, 0, 150); }
TYPED_TEST(NocMeshTest, RandomTrafficSourceStalls) { RunRandomTraffic<TypeParam>(22, 0.5, 0, 150); }
TYPED_TEST(NocMeshTest, RandomTrafficSinkStalls) { RunRandomTraffic<TypeParam>(23, 0, 0.6, 150); }
TYPED_TEST(NocMeshTest, RandomTrafficStallsBothSides) {
  RunRandomTraffic<TypeParam>(24, 0.3, 0.5, 150);
}

// All nodes send to one node (the most contended pattern, every arbiter busy).
TYPED_TEST(NocMeshTest, HotspotToOneNodeWithSinkStalls) {
  Bench<TypeParam> b(31, 0.1, 0.3);
  b.sim.Reset();
  const int hot = b.kN - 1;
  for (int i = 0; i < 40; ++i) {
    for (int s = 0; s < b.kN; ++s) b.Send(s, hot, static_cast<int>(b.rng.Uniform(1, 6)));
  }
  b.RunToCompletion(200000);
}

// Every sink refuses for a long time: the network fills, stops taking flits, delivers
// nothing and breaks no rule (the stream assertions are live); then the sinks open and
// everything arrives intact.
TYPED_TEST(NocMeshTest, SinkBackPressureStallsCleanlyAndRecovers) {
  Bench<TypeParam> b(41, 0, 1.0);
  b.sim.Reset();
  for (int i = 0; i < 30; ++i) {
    for (int s = 0; s < b.kN; ++s) {
      b.Send(s, static_cast<int>(b.rng.Uniform(0, b.kN - 1)),
             static_cast<int>(b.rng.Uniform(1, 5)));
    }
  }
  b.sim.Step(500);
  const uint64_t accepted = b.drv.injected();
  EXPECT_EQ(b.drv.ejected(), 0u);
  EXPECT_GT(accepted, 0u);
  b.sim.Step(1000);
  EXPECT_EQ(b.drv.injected(), accepted) << "a blocked network must stop accepting flits";
  EXPECT_FALSE(b.drv.SourcesIdle());
  b.drv.SetSinkStall(0.2);
  b.RunToCompletion(100000);
}

// The checker itself must catch what the mesh tests rely on it for.
class PacketCheckerTest : public ::testing::Test {
 protected:
  PacketCheckerTest() : rng_(1), chk_(2, 4) {
    a_ = noc::MakePacket(0, 3, 2, 0, 3, &rng_);
    b_ = noc::MakePacket(1, 3, 2, 0, 2, &rng_);
    chk_.Expect(0, 3, a_);
    chk_.Expect(1, 3, b_);
  }
  Rng rng_;
  noc::PacketChecker chk_;
  std::vector<uint32_t> a_, b_;
};

TEST_F(PacketCheckerTest, AcceptsBothPacketsWhole) {
  for (uint32_t f : b_) chk_.Observe(3, f, 0);
  for (uint32_t f : a_) chk_.Observe(3, f, 0);
  EXPECT_TRUE(chk_.errors().empty()) << chk_.FirstErrors();
  EXPECT_TRUE(chk_.Done());
}

TEST_F(PacketCheckerTest, FlagsInterleavedPackets) {
  chk_.Observe(3, a_[0], 0);
  chk_.Observe(3, b_[0], 1);
  EXPECT_FALSE(chk_.errors().empty());
}

TEST_F(PacketCheckerTest, FlagsLostFlitAndCorruptedPayload) {
  chk_.Observe(3, a_[0], 0);
  chk_.Observe(3, a_[2], 1);  // a_[1] lost
  EXPECT_FALSE(chk_.errors().empty());
  EXPECT_FALSE(chk_.Done());
}

TEST_F(PacketCheckerTest, FlagsDuplicateAndMisroutedPackets) {
  for (uint32_t f : b_) chk_.Observe(3, f, 0);
  chk_.Observe(3, b_[0], 5);  // a second copy
  EXPECT_FALSE(chk_.errors().empty());
  noc::PacketChecker other(2, 4);
  other.Expect(0, 3, a_);
  other.Observe(2, a_[0], 0);  // ejected at the wrong node
  EXPECT_FALSE(other.errors().empty());
}

TEST_F(PacketCheckerTest, FlagsOutOfOrderPacketsOfOneFlow) {
  const auto c = noc::MakePacket(0, 3, 2, 1, 1, &rng_);
  chk_.Expect(0, 3, c);
  chk_.Observe(3, c[0], 0);  // overtook a_
  EXPECT_FALSE(chk_.errors().empty());
}

}  // namespace
}  // namespace luoshu
