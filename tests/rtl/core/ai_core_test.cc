// ai_core against the command-level model: the same command streams on the same memory image
// must leave the same memory, the same SYNC word and interrupt, the same retire and traffic
// counters (and as many timeline done pulses per queue as retired commands, each after its
// start), and the same fault code and ring index; after a fault, Clear + a new ring must
// run the next program correctly. Random GEMM programs (random shapes, tiles, epilogues)
// run with random memory latency and backpressure on every channel.
#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "Vai_core_d16.h"
#include "Vai_core_d16_params.h"
#include "Vai_core_d4.h"
#include "Vai_core_d4_params.h"
#include "Vai_core_d8_fpga.h"
#include "Vai_core_d8_fpga_params.h"
#include "sw/isa/builder.h"
#include "sw/model/core_model.h"
#include "sw/model/memory.h"
#include "tb/agents/core_harness.h"
#include "tb/gtest_util.h"
#include "tb/options.h"
#include "tb/random.h"
#include "tb/workloads/random_program.h"
#include "tb/workloads/random_vector.h"

namespace luoshu {
namespace {

using isa::Fault;
using model::CoreState;
using tb::CoreCounter;

constexpr uint32_t kMemBytes = 1 << 20;
constexpr uint32_t kRing = 0xc0000, kRingSlots = 1024;
constexpr uint32_t kA = 0x01000, kB = 0x20000, kC = 0x40000, kBias = 0x80000, kSync = 0x90000;

// The parameters each Verilated core was built with (V<name>_params.h), as a model config.
template <class P>
model::CoreConfig ConfigFrom() {
  model::CoreConfig c;
  c.dim = P::Dim;
  c.l0a_bytes = P::L0aBytes;
  c.l0b_bytes = P::L0bBytes;
  c.l0c_bytes = P::L0cBytes;
  c.queue_depth = P::QueueDepth;
  return c;
}
template <class Top>
model::CoreConfig ConfigOf() {
  return ConfigFrom<VerilatedParams<Top>>();
}

// One program run on both the RTL and the model, from the same initial image.
template <class Top>
struct Pair {
  explicit Pair(const tb::MemSlaveConfig& mem_cfg, uint64_t seed,
                std::vector<hal::Window> windows = {{0, kMemBytes, true}})
      : cfg(ConfigOf<Top>()),
        sim(tb::CurrentTestName(), "ai_core"),
        rtl_mem(0, kMemBytes),
        model_mem(0, kMemBytes),
        core(&sim, &rtl_mem, mem_cfg, seed) {
    cfg.windows = windows;
    ref = std::make_unique<model::CoreModel>(cfg, &model_mem);
    core.SetWindows(windows);
    pulse_hook = sim.OnSample([this] { CountPulses(); });
    sim.Reset();
    core.SetRing(kRing, kRingSlots);
    ref->SetRing(kRing, kRingSlots);
  }
  // Fill [addr, addr+len) of both images with the same random bytes.
  void Randomize(uint32_t addr, uint32_t len, tb::Rng* rng) {
    std::vector<uint8_t> v(len);
    for (auto& b : v) b = static_cast<uint8_t>(rng->Bits64());
    rtl_mem.Write(addr, v.data(), len);
    model_mem.Write(addr, v.data(), len);
  }
  // Runs `prog` on both; returns the RTL's cycles.
  uint64_t Run(const std::vector<isa::Descriptor>& prog, uint64_t max_cycles = 2'000'000) {
    ref->Submit(prog);
    model_state = ref->Run();
    core.Submit(prog);
    return core.RunToStop(max_cycles, "the core to finish its program");
  }
  void ExpectSameMemory(uint32_t addr, uint32_t len) {
    std::vector<uint8_t> a(len), b(len);
    rtl_mem.Read(addr, a.data(), len);
    model_mem.Read(addr, b.data(), len);
    for (uint32_t i = 0; i < len; ++i) {
      ASSERT_EQ(a[i], b[i]) << "first difference at 0x" << std::hex << addr + i;
    }
  }
  void ExpectSameStatus() {
    const auto s = core.Status();
    EXPECT_EQ(s.state, model_state);
    EXPECT_EQ(s.fault, ref->fault().code) << "model says: " << ref->fault().message;
    if (model_state == CoreState::kFaulted) {
      EXPECT_EQ(s.fault_index, ref->fault().index) << "model says: " << ref->fault().message;
    }
    EXPECT_EQ(s.irq, ref->irq_pending());
  }
  void ExpectSameCounters() {
    const auto& c = ref->counters();
    EXPECT_EQ(core.Counter(CoreCounter::kRetiredLd), c.retired[0]);
    EXPECT_EQ(core.Counter(CoreCounter::kRetiredEx), c.retired[1]);
    EXPECT_EQ(core.Counter(CoreCounter::kRetiredSt), c.retired[2]);
    EXPECT_EQ(core.Counter(CoreCounter::kRetiredSeq), c.retired[3]);
    EXPECT_EQ(core.Counter(CoreCounter::kMacs), c.macs);
    EXPECT_EQ(core.Counter(CoreCounter::kBytesRead), c.bytes_read);
    EXPECT_EQ(core.Counter(CoreCounter::kBytesWritten), c.bytes_written);
    for (int q = 0; q < 4; ++q) {
      EXPECT_EQ(dones[q], c.retired[q]) << "queue " << q << ": cmd_done_o pulses vs retired";
      EXPECT_EQ(starts[q], dones[q]) << "queue " << q << ": cmd_start_o vs cmd_done_o pulses";
    }
  }
  // The timeline pulses (cmd_start_o / cmd_done_o, bit = queue); a queue's done must follow
  // its start.
  void CountPulses() {
    const unsigned start = sim.dut().cmd_start_o, done = sim.dut().cmd_done_o;
    for (int q = 0; q < 4; ++q) {
      starts[q] += start >> q & 1;
      dones[q] += done >> q & 1;
      if (dones[q] > starts[q]) ADD_FAILURE() << "queue " << q << ": a done before its start";
    }
  }

  model::CoreConfig cfg;
  tb::Simulation<Top> sim;
  model::DeviceMemory rtl_mem, model_mem;
  tb::CoreHarness<Top> core;
  tb::HookHandle pulse_hook;  // counts the timeline pulses while this pair lives
  std::unique_ptr<model::CoreModel> ref;
  CoreState model_state = CoreState::kIdle;
  std::array<uint64_t, 4> starts{}, dones{};
};

isa::GemmProgram Gemm(const model::CoreConfig& cfg, int m, int n, int k) {
  isa::GemmProgram p;
  p.m = m;
  p.n = n;
  p.k = k;
  p.a_addr = kA;
  p.b_addr = kB;
  p.c_addr = kC;
  p.dim = cfg.dim;
  p.l0a_bytes = cfg.l0a_bytes;
  p.l0b_bytes = cfg.l0b_bytes;
  p.l0c_bytes = cfg.l0c_bytes;
  p.sync_addr = kSync;
  p.sync_value = 0x600d;
  return p;
}

tb::MemSlaveConfig StallyMemory(tb::Rng* rng) {
  tb::MemSlaveConfig m;
  m.latency = static_cast<int>(rng->Uniform(1, 60));
  m.write_latency = static_cast<int>(rng->Uniform(1, 20));
  m.ar_stall = m.aw_stall = m.w_stall = m.r_stall = m.b_stall = 0.25;
  return m;
}

template <class Top>
class AiCoreTest : public ::testing::Test {};
// Dim=4 (small buffers, many random rounds), Dim=16 (the default core), and the FPGA build's
// core (Dim=8, small buffers, registered cube products).
using Cores = ::testing::Types<Vai_core_d4, Vai_core_d16, Vai_core_d8_fpga>;
TYPED_TEST_SUITE(AiCoreTest, Cores);

TYPED_TEST(AiCoreTest, DoubleBufferedGemmMatchesModel) {
  tb::Rng rng(tb::SeedFromEnv(41));
  Pair<TypeParam> p(tb::MemSlaveConfig{}, rng.Bits64());
  const int d = p.cfg.dim;
  auto g = Gemm(p.cfg, 3 * d + 1, 2 * d - 1, 2 * d + 3);
  p.Randomize(kA, 0x1f000, &rng);
  p.Randomize(kB, 0x1f000, &rng);
  const auto program = isa::BuildGemmProgram(g);
  const uint64_t cycles = p.Run(program);
  p.ExpectSameStatus();
  EXPECT_EQ(p.core.Status().state, CoreState::kIdle);
  p.ExpectSameMemory(kC, 0x10000);
  EXPECT_EQ(p.rtl_mem.Read32(kSync), 0x600du);
  EXPECT_NE(p.rtl_mem.Read32(kC), 0u) << "C was written";
  EXPECT_GT(cycles, uint64_t(g.k) * ((g.m + d - 1) / d) * ((g.n + d - 1) / d))
      << "at least one beat per cycle for every tile";
  this->RecordProperty("cycles", std::to_string(cycles));
  p.ExpectSameCounters();
}

TYPED_TEST(AiCoreTest, RandomProgramsWithStallyMemory) {
  const int rounds = std::is_same_v<TypeParam, Vai_core_d16> ? 2 : 6;
  for (tb::Round& r : tb::Rounds(tb::SeedFromEnv(42), rounds)) {
    tb::Rng& rng = r.rng;
    Pair<TypeParam> p(StallyMemory(&rng), rng.Bits64());
    const auto g = tb::RandomGemm(p.cfg, {kA, kB, kC, kBias, kSync, 0x600d}, kRingSlots - 1, &rng);
    SCOPED_TRACE(std::to_string(g.m) + "x" + std::to_string(g.n) + "x" + std::to_string(g.k) +
                 ", tile_k " + std::to_string(g.tile_k));
    p.Randomize(kA, 0x1f000, &rng);
    p.Randomize(kB, 0x1f000, &rng);
    p.Randomize(kBias, 0x1000, &rng);
    p.Run(isa::BuildGemmProgram(g));
    p.ExpectSameStatus();
    p.ExpectSameMemory(kC, 0x10000);
    p.ExpectSameCounters();
  }
}

// Many K steps per tile: the cube's accumulate reads of L0C run while MTE-out drains the
// previous tile from the other half, so the shared L0C read port is contended. Which store
// speed makes the two meet depends on the build's pipelining, so several are run (each must
// be bit-exact) and at least one must contend.
TYPED_TEST(AiCoreTest, AccumulateWhileStoringSharesTheL0cPort) {
  tb::Rng rng(tb::SeedFromEnv(45));
  uint64_t waits = 0;
  for (double store_bytes_per_cycle : {0.25, 0.5, 0.75, 1.0}) {
    SCOPED_TRACE("store bytes per cycle " + std::to_string(store_bytes_per_cycle));
    tb::MemSlaveConfig fast;
    fast.latency = fast.write_latency = 1;
    fast.write_bytes_per_cycle = store_bytes_per_cycle;  // slow stores overlap the next K steps
    Pair<TypeParam> p(fast, rng.Bits64());
    const int d = p.cfg.dim;
    auto g = Gemm(p.cfg, 4 * d, 4 * d, 16 * d);
    g.tile_m = g.tile_n = 2 * d;
    g.tile_k = 4 * d;
    p.Randomize(kA, 0x1f000, &rng);
    p.Randomize(kB, 0x1f000, &rng);
    p.Run(isa::BuildGemmProgram(g));
    p.ExpectSameStatus();
    p.ExpectSameMemory(kC, 0x10000);
    p.ExpectSameCounters();
    waits += p.core.Counter(CoreCounter::kL0CWait);
  }
  EXPECT_GT(waits, 0u) << "the port was never contended";
}

// Random legal command streams (tb/workloads/random_program.h) with vector commands after the
// STOREs; the model proves each race-free by also running it in a random legal interleaving.
TYPED_TEST(AiCoreTest, RandomCommandStreamsMatchModel) {
  const int rounds = std::is_same_v<TypeParam, Vai_core_d16> ? 2 : 6;
  for (tb::Round& r : tb::Rounds(tb::SeedFromEnv(44), rounds)) {
    tb::Rng& rng = r.rng;
    Pair<TypeParam> p(StallyMemory(&rng), rng.Bits64());
    p.Randomize(kA, 0x1f000, &rng);
    p.Randomize(kB, 0x1f000, &rng);
    p.Randomize(kBias, 0x1000, &rng);
    const tb::StreamLayout at{kA, kB, kC, kBias, kSync, 0x5eed};
    const auto prog =
        tb::RandomCommandStream(p.cfg, at, static_cast<int>(rng.Uniform(1, 6)), &rng, 0.7);
    // Race-free: a random legal interleaving in the model gives the same image.
    model::CoreConfig shuffled = p.cfg;
    shuffled.schedule_seed = rng.Bits64() | 1;
    model::DeviceMemory other(0, kMemBytes);
    std::vector<uint8_t> img(kMemBytes);
    p.model_mem.Read(0, img.data(), kMemBytes);
    other.Write(0, img.data(), kMemBytes);
    model::CoreModel alt(shuffled, &other);
    alt.SetRing(kRing, kRingSlots);
    alt.Submit(prog);
    ASSERT_EQ(alt.Run(), CoreState::kIdle) << alt.fault().message;

    p.Run(prog);
    ASSERT_EQ(p.model_state, CoreState::kIdle) << p.ref->fault().message;
    p.ExpectSameStatus();
    p.ExpectSameMemory(kC, 0x10000);
    std::vector<uint8_t> a(0x10000), b2(0x10000);
    other.Read(kC, a.data(), a.size());
    p.model_mem.Read(kC, b2.data(), b2.size());
    EXPECT_EQ(a, b2) << "the stream is not race-free (test generator bug)";
    EXPECT_EQ(p.rtl_mem.Read32(kSync), 0x5eedu);
    p.ExpectSameCounters();
  }
}

// Each fault: the code and ring index the model gives, the interrupt, then Clear + a new ring
// runs a good program to the right answer.
template <class Top>
void FaultThenRecover(const std::vector<isa::Descriptor>& bad, Fault expected,
                      std::vector<hal::Window> windows = {{0, kMemBytes, true}},
                      uint32_t error_addr = 0) {
  tb::Rng rng(tb::SeedFromEnv(43));
  Pair<Top> p(tb::MemSlaveConfig{}, rng.Bits64(), windows);
  if (error_addr) p.core.memory_port().InjectError(error_addr, 16);
  p.Randomize(kA, 0x1f000, &rng);
  p.Randomize(kB, 0x1f000, &rng);
  p.Run(bad);
  ASSERT_EQ(p.model_state, CoreState::kFaulted) << "the model must fault on this program";
  EXPECT_EQ(p.ref->fault().code, expected) << p.ref->fault().message;
  p.ExpectSameStatus();
  EXPECT_TRUE(p.core.Status().irq);

  p.core.memory_port().ClearErrors();
  p.core.Clear();
  p.ref->Clear();
  p.core.SetRing(kRing, kRingSlots);
  p.ref->SetRing(kRing, kRingSlots);
  EXPECT_FALSE(p.core.Status().irq) << "Clear drops the interrupt";
  auto g = Gemm(p.cfg, p.cfg.dim, p.cfg.dim, 8);
  g.c_addr = kC + 0x8000;
  p.Run(isa::BuildGemmProgram(g));
  p.ExpectSameStatus();
  EXPECT_EQ(p.core.Status().state, CoreState::kIdle);
  p.ExpectSameMemory(kC + 0x8000, 0x1000);
}

isa::LoadDesc SmallLoad(int dim) {
  isa::LoadDesc l;
  l.src_addr = kA;
  l.src_stride = dim;
  l.rows = l.row_bytes = l.valid_rows = l.valid_cols = static_cast<uint16_t>(dim);
  return l;
}

TYPED_TEST(AiCoreTest, IllegalOpcodeFaults) {
  const int d = ConfigOf<TypeParam>().dim;
  isa::Descriptor bad{};
  bad[0] = 0x7f;
  FaultThenRecover<TypeParam>({SmallLoad(d).Pack(), bad}, Fault::kIllegalOpcode);
}

TYPED_TEST(AiCoreTest, IllegalFieldFaults) {
  const int d = ConfigOf<TypeParam>().dim;
  isa::MatmulDesc mm;
  mm.m = mm.n = static_cast<uint16_t>(d + 1);  // not a multiple of Dim
  mm.k = 4;
  FaultThenRecover<TypeParam>({SmallLoad(d).Pack(), mm.Pack()}, Fault::kIllegalField);
}

TYPED_TEST(AiCoreTest, L0OverflowFaults) {
  const auto cfg = ConfigOf<TypeParam>();
  isa::LoadDesc l = SmallLoad(cfg.dim);
  l.dst_offset = cfg.l0a_bytes - 1;
  FaultThenRecover<TypeParam>({l.Pack()}, Fault::kL0Overflow);
}

TYPED_TEST(AiCoreTest, AccessOutsideWindowsFaults) {
  const int d = ConfigOf<TypeParam>().dim;
  isa::LoadDesc l = SmallLoad(d);
  l.src_addr = 0xe0000;  // outside the windows below
  FaultThenRecover<TypeParam>({SmallLoad(d).Pack(), l.Pack()}, Fault::kAccess,
                              {{0, 0xd0000, true}});
}

TYPED_TEST(AiCoreTest, MemoryErrorFaults) {
  const int d = ConfigOf<TypeParam>().dim;
  // Granted, but past the end of device memory: both sides answer with an error.
  isa::LoadDesc l = SmallLoad(d);
  l.src_addr = kMemBytes + 0x100;
  FaultThenRecover<TypeParam>({l.Pack()}, Fault::kMemError,
                              {{0, kMemBytes, true}, {kMemBytes, 0x10000, false}});
}

// The vector commands fault as LOAD and STORE do: a bad field at decode, a row outside the
// windows before any access, an error response after draining.
isa::VaddDesc SmallVadd() {
  isa::VaddDesc v;
  v.rows = 3, v.cols = 10;
  v.src0_addr = kA, v.src1_addr = kB, v.dst_addr = kC;
  v.src0_stride = v.src1_stride = v.dst_stride = 64;
  return v;
}

TYPED_TEST(AiCoreTest, VectorIllegalFieldFaults) {
  auto v = SmallVadd();
  v.src1_stride = 62;  // int32 operand: stride must be a multiple of 4
  FaultThenRecover<TypeParam>({SmallVadd().Pack(), v.Pack()}, Fault::kIllegalField);
}

TYPED_TEST(AiCoreTest, VectorAccessOutsideWindowsFaults) {
  auto v = SmallVadd();
  v.dst_addr = 0xd0000 - 64;  // rows 1 and 2 leave the window
  FaultThenRecover<TypeParam>({SmallVadd().Pack(), v.Pack()}, Fault::kAccess, {{0, 0xd0000, true}});
}

TYPED_TEST(AiCoreTest, VectorMemoryErrorFaults) {
  isa::VcopyDesc c;
  c.rows = 2, c.cols = 40, c.src0_addr = kMemBytes + 0x100, c.dst_addr = kC;
  FaultThenRecover<TypeParam>({c.Pack()}, Fault::kMemError,
                              {{0, kMemBytes, true}, {kMemBytes, 0x10000, false}});
}

TYPED_TEST(AiCoreTest, TokenDeadlockFaults) {
  const int d = ConfigOf<TypeParam>().dim;
  isa::MatmulDesc mm;  // waits for operands nothing will load, then a SYNC waits for it
  mm.m = mm.n = static_cast<uint16_t>(d);
  mm.k = 4;
  mm.wait_mask = isa::kLd2Ex;
  isa::SyncDesc s;
  s.addr = kSync;
  FaultThenRecover<TypeParam>({mm.Pack(), s.Pack()}, Fault::kDeadlock);
}

}  // namespace
}  // namespace luoshu
