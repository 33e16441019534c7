// The command-level core model: double-buffered GEMM programs equal GemmInt8 (any legal
// interleaving of the queues), the epilogue is exact, tokens order the queues, every fault
// stops the stream with its code and index and the core recovers after Clear(), and bad API
// use throws with a message.
#include "sw/model/core_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "sw/isa/builder.h"
#include "sw/model/epilogue.h"
#include "sw/model/gemm.h"
#include "sw/model/vector.h"
#include "tb/gtest_util.h"
#include "tb/options.h"
#include "tb/random.h"
#include "tb/workloads/matrices.h"
#include "tb/workloads/random_vector.h"

namespace luoshu::model {
namespace {

using isa::Fault;
using isa::Opcode;

constexpr uint32_t kMemBytes = 1 << 20;
constexpr uint32_t kRing = 0xc0000, kRingSlots = 2048;
constexpr uint32_t kA = 0x01000, kB = 0x20000, kC = 0x40000, kBias = 0x80000, kSync = 0x90000;

CoreConfig SmallCore(int dim, uint64_t seed = 0) {
  CoreConfig c;
  c.dim = dim;
  c.l0a_bytes = c.l0b_bytes = 4096;
  c.l0c_bytes = 8192;
  c.queue_depth = 4;
  c.windows = {{0, kMemBytes, true}};
  c.schedule_seed = seed;
  return c;
}

// A core on a 1 MiB memory with its ring at kRing.
struct Rig {
  explicit Rig(const CoreConfig& cfg) : mem(0, kMemBytes), core(cfg, &mem) {
    core.SetRing(kRing, kRingSlots);
  }
  CoreState Run(const std::vector<isa::Descriptor>& prog) {
    core.Submit(prog);
    return core.Run();
  }
  DeviceMemory mem;
  CoreModel core;
};

void PutMatrix(DeviceMemory* mem, uint32_t addr, uint32_t ld, const Matrix<int8_t>& m) {
  for (int i = 0; i < m.rows(); ++i) mem->Write(addr + i * ld, &m.at(i, 0), m.cols());
}

isa::GemmProgram GemmParams(const CoreConfig& cfg, int m, int n, int k) {
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

struct Shape {
  int dim, m, n, k, tile_m, tile_n, tile_k;
};

TEST(CoreModelGemmTest, DoubleBufferedProgramEqualsGemmInt8) {
  tb::Rng rng(tb::SeedFromEnv(501));
  const Shape shapes[] = {{4, 4, 4, 4, 0, 0, 0},       {4, 10, 9, 20, 0, 0, 8},
                          {4, 17, 5, 33, 8, 4, 16},    {4, 1, 1, 1, 0, 0, 0},
                          {8, 32, 24, 64, 16, 8, 0},   {8, 13, 29, 7, 8, 16, 3},
                          {16, 40, 33, 50, 16, 16, 32}};
  for (const Shape& s : shapes) {
    for (uint64_t seed : {uint64_t{0}, uint64_t{7}, uint64_t{123}}) {
      SCOPED_TRACE("dim " + std::to_string(s.dim) + " M " + std::to_string(s.m) + " N " +
                   std::to_string(s.n) + " K " + std::to_string(s.k) + " schedule seed " +
                   std::to_string(seed));
      Rig rig(SmallCore(s.dim, seed));
      auto a = tb::RandomInt8Matrix(&rng, s.m, s.k), b = tb::RandomInt8Matrix(&rng, s.k, s.n);
      PutMatrix(&rig.mem, kA, s.k, a);
      PutMatrix(&rig.mem, kB, s.n, b);
      auto p = GemmParams(rig.core.config(), s.m, s.n, s.k);
      p.tile_m = s.tile_m;
      p.tile_n = s.tile_n;
      p.tile_k = s.tile_k;
      ASSERT_EQ(rig.Run(isa::BuildGemmProgram(p)), CoreState::kIdle) << rig.core.fault().message;
      Matrix<int32_t> want(s.m, s.n), got(s.m, s.n);
      GemmInt8(a, b, &want);
      rig.mem.ReadWords(kC, reinterpret_cast<uint32_t*>(got.data()), uint64_t(s.m) * s.n);
      ASSERT_EQ(got, want);
      EXPECT_EQ(rig.mem.Read32(kSync), 0x600du);
      EXPECT_TRUE(rig.core.irq_pending());
      for (int ch = 0; ch < isa::kNumChannels; ++ch) EXPECT_EQ(rig.core.tokens(ch), 0);
    }
  }
}

TEST(CoreModelGemmTest, StridedOperandsAndInt8EpilogueMatchReference) {
  tb::Rng rng(tb::SeedFromEnv(502));
  const int m = 19, n = 11, k = 37, lda = 64, ldb = 40, ldc = 24;
  Rig rig(SmallCore(4, 99));
  auto a = tb::RandomInt8Matrix(&rng, m, k), b = tb::RandomInt8Matrix(&rng, k, n);
  PutMatrix(&rig.mem, kA, lda, a);
  PutMatrix(&rig.mem, kB, ldb, b);
  std::vector<int32_t> bias(n);
  for (auto& x : bias) x = static_cast<int32_t>(rng.Uniform(-20000, 20000));
  rig.mem.WriteWords(kBias, reinterpret_cast<const uint32_t*>(bias.data()), n);
  rig.mem.Fill(kC, 4096, 0x5a);  // bytes between rows must stay untouched
  auto p = GemmParams(rig.core.config(), m, n, k);
  p.lda = lda;
  p.ldb = ldb;
  p.ldc = ldc;
  p.int8_out = p.relu = p.bias_en = true;
  p.bias_addr = kBias;
  p.scale = 77;
  p.shift = 12;
  ASSERT_EQ(rig.Run(isa::BuildGemmProgram(p)), CoreState::kIdle) << rig.core.fault().message;
  Matrix<int32_t> acc(m, n);
  GemmInt8(a, b, &acc);
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < ldc; ++j) {
      const int8_t got = static_cast<int8_t>(rig.mem.Read8(kC + i * ldc + j));
      if (j >= n) {
        EXPECT_EQ(static_cast<uint8_t>(got), 0x5a) << "padding byte written at " << i << "," << j;
        continue;
      }
      const double x = std::max<int64_t>(0, int64_t{acc.at(i, j)} + bias[j]);
      const double want = std::clamp(std::round(x * 77 / 4096.0), -128.0, 127.0);
      ASSERT_EQ(got, static_cast<int8_t>(want)) << i << "," << j;
    }
  }
}

// ---- Epilogue, element by element, against hand-computed values.

TEST(EpilogueTest, RequantizeRoundsToNearestTiesAwayFromZero) {
  EXPECT_EQ(Requantize(1, 1, 1), 1);      // 0.5 -> 1
  EXPECT_EQ(Requantize(-1, 1, 1), -1);    // -0.5 -> -1
  EXPECT_EQ(Requantize(3, 1, 1), 2);      // 1.5 -> 2
  EXPECT_EQ(Requantize(-3, 1, 1), -2);    // -1.5 -> -2
  EXPECT_EQ(Requantize(5, 1, 2), 1);      // 1.25 -> 1
  EXPECT_EQ(Requantize(-5, 1, 2), -1);    // -1.25 -> -1
  EXPECT_EQ(Requantize(6, 1, 2), 2);      // 1.5 -> 2
  EXPECT_EQ(Requantize(-6, 1, 2), -2);    // -1.5 -> -2
  EXPECT_EQ(Requantize(7, 1, 2), 2);      // 1.75 -> 2
  EXPECT_EQ(Requantize(-7, 1, 2), -2);    // -1.75 -> -2
  EXPECT_EQ(Requantize(10, -3, 1), -15);  // -30 / 2
  EXPECT_EQ(Requantize(100, 3, 0), 127);  // no shift: saturate only
  EXPECT_EQ(Requantize(-42, 1, 0), -42);
}

TEST(EpilogueTest, RequantizeSaturatesAtBothEnds) {
  EXPECT_EQ(Requantize(127, 1, 0), 127);
  EXPECT_EQ(Requantize(128, 1, 0), 127);
  EXPECT_EQ(Requantize(-128, 1, 0), -128);
  EXPECT_EQ(Requantize(-129, 1, 0), -128);
  EXPECT_EQ(Requantize(253, 1, 1), 127);    // 126.5 -> 127
  EXPECT_EQ(Requantize(255, 1, 1), 127);    // 127.5 -> 128 -> 127
  EXPECT_EQ(Requantize(-255, 1, 1), -128);  // -127.5 -> -128
  EXPECT_EQ(Requantize(-257, 1, 1), -128);  // -128.5 -> -129 -> -128
  EXPECT_EQ(Requantize(INT32_MAX, 32767, 0), 127);
  EXPECT_EQ(Requantize(INT32_MIN, 32767, 0), -128);
  EXPECT_EQ(Requantize(INT32_MIN, -32768, 31), 127);  // 2^31 * 2^15 / 2^31 = 32768
  EXPECT_EQ(Requantize(INT32_MIN, 1, 31), -1);        // exactly -1
  EXPECT_EQ(Requantize(1 << 30, 1, 31), 1);           // 0.5 -> 1
}

TEST(EpilogueTest, BiasWrapsAndReluFollowsTheBias) {
  EXPECT_EQ(EpilogueInt32(INT32_MAX, 1, true, false), INT32_MIN);
  EXPECT_EQ(EpilogueInt32(INT32_MAX, 1, false, false), INT32_MAX) << "bias off ignores bias";
  EXPECT_EQ(EpilogueInt32(-5, 0, false, true), 0);
  EXPECT_EQ(EpilogueInt32(-5, 10, true, true), 5);
  EXPECT_EQ(EpilogueInt32(5, -10, true, true), 0);
  EXPECT_EQ(EpilogueInt32(INT32_MAX, 1, true, true), 0) << "wrapped negative, then ReLU";
}

// Every combination through a real STORE: C = a_i * b_j (k = 1) with hand-picked values.
TEST(EpilogueTest, EveryStoreCombinationThroughTheCore) {
  const int8_t av[4] = {1, -1, 2, -3}, bv[4] = {100, -50, 127, -128};
  const int32_t bias[4] = {7, -300, 0, 1000};
  for (int combo = 0; combo < 8; ++combo) {
    const bool bias_en = combo & 1, relu = combo & 2, int8_out = combo & 4;
    SCOPED_TRACE("bias " + std::to_string(bias_en) + " relu " + std::to_string(relu) + " int8 " +
                 std::to_string(int8_out));
    Rig rig(SmallCore(4));
    rig.mem.Write(kA, av, 4);  // A is 4 x 1: one byte per row
    rig.mem.Write(kB, bv, 4);  // B is 1 x 4
    rig.mem.WriteWords(kBias, reinterpret_cast<const uint32_t*>(bias), 4);
    isa::ProgramBuilder b;
    isa::LoadDesc la;
    la.src_addr = kA;
    la.src_stride = 1;
    la.rows = 4;
    la.row_bytes = 1;
    la.valid_rows = 4;
    la.valid_cols = 1;
    isa::LoadDesc lb = la;
    lb.dst_buffer = 1;
    lb.src_addr = kB;
    lb.rows = 1;
    lb.row_bytes = 4;
    lb.valid_rows = 1;
    lb.valid_cols = 4;
    lb.signal_mask = isa::kLd2Ex;
    isa::MatmulDesc mm;
    mm.wait_mask = isa::kLd2Ex;
    mm.signal_mask = isa::kEx2St;
    mm.m = mm.n = 4;
    mm.k = 1;
    isa::StoreDesc st;
    st.wait_mask = isa::kEx2St;
    st.bias_en = bias_en;
    st.relu = relu;
    st.int8_out = int8_out;
    st.dst_addr = kC;
    st.dst_stride = 16;
    st.rows = st.cols = st.c_pitch = 4;
    st.bias_addr = kBias;
    st.scale = 3;
    st.shift = 2;
    b.Load(la).Load(lb).Matmul(mm).Store(st);
    ASSERT_EQ(rig.Run(b.program()), CoreState::kIdle) << rig.core.fault().message;
    for (int i = 0; i < 4; ++i) {
      for (int j = 0; j < 4; ++j) {
        int64_t x = av[i] * bv[j] + (bias_en ? bias[j] : 0);
        if (relu) x = std::max<int64_t>(x, 0);
        if (int8_out) {
          // (x * 3) / 4 rounded half away from zero, saturated.
          const int64_t p = x * 3, q = (std::llabs(p) + 2) / 4, r = p < 0 ? -q : q;
          const int64_t want = std::clamp<int64_t>(r, -128, 127);
          EXPECT_EQ(static_cast<int8_t>(rig.mem.Read8(kC + 16 * i + j)), want) << i << "," << j;
        } else {
          EXPECT_EQ(static_cast<int32_t>(rig.mem.Read32(kC + 16 * i + 4 * j)), x) << i << "," << j;
        }
      }
    }
  }
}

// ---- Tokens.

// A 4x4x4 block: LOAD A, LOAD B, MATMUL, STORE with the given masks (tests rearrange them).
struct Block {
  isa::LoadDesc la, lb;
  isa::MatmulDesc mm;
  isa::StoreDesc st;
  Block() {
    la.src_addr = kA;
    la.src_stride = 4;
    la.rows = la.row_bytes = la.valid_rows = la.valid_cols = 4;
    lb = la;
    lb.dst_buffer = 1;
    lb.src_addr = kB;
    lb.signal_mask = isa::kLd2Ex;
    mm.wait_mask = isa::kLd2Ex;
    mm.signal_mask = isa::kEx2St;
    mm.m = mm.n = mm.k = 4;
    st.wait_mask = isa::kEx2St;
    st.dst_addr = kC;
    st.dst_stride = 16;
    st.rows = st.cols = st.c_pitch = 4;
  }
};

size_t RetirePos(const CoreModel& core, uint32_t index) {
  const auto& r = core.retired();
  for (size_t i = 0; i < r.size(); ++i)
    if (r[i].index == index) return i;
  ADD_FAILURE() << "descriptor " << index << " never retired";
  return r.size();
}

void FillOperands(DeviceMemory* mem) {
  for (int i = 0; i < 16; ++i) {
    mem->Write8(kA + i, static_cast<uint8_t>(i + 1));
    mem->Write8(kB + i, static_cast<uint8_t>(i % 5 == 0 ? 1 : 0));
  }
}

TEST(CoreTokenTest, MatmulWaitsForTheLoadSignalEvenWhenItIsOlder) {
  // Ring order: MATMUL first, then the LOADs. The MATMUL is the oldest command, so without its
  // LD2EX wait the deterministic scheduler would run it first, on empty buffers.
  for (bool with_token : {true, false}) {
    Rig rig(SmallCore(4));
    FillOperands(&rig.mem);
    Block blk;
    if (!with_token) blk.mm.wait_mask = 0, blk.lb.signal_mask = 0;
    isa::ProgramBuilder b;
    b.Matmul(blk.mm).Load(blk.la).Load(blk.lb).Store(blk.st);
    ASSERT_EQ(rig.Run(b.program()), CoreState::kIdle) << rig.core.fault().message;
    const bool mm_after_loads = RetirePos(rig.core, 0) > RetirePos(rig.core, 2);
    EXPECT_EQ(mm_after_loads, with_token) << "with_token " << with_token;
    int32_t c00 = static_cast<int32_t>(rig.mem.Read32(kC));
    EXPECT_EQ(c00 != 0, with_token) << "C[0][0] = A[0][0] * B[0][0] = 1, or 0 from empty buffers";
  }
}

TEST(CoreTokenTest, WarTokenKeepsALoadFromOverwritingOperandsInUse) {
  // LOAD A0 -> MATMUL (signals EX2LD) -> LOAD A1 into the same place (waits EX2LD). Under any
  // legal interleaving the second LOAD retires after the MATMUL, and C uses A0.
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    Rig rig(SmallCore(4, seed));
    FillOperands(&rig.mem);
    rig.mem.Fill(kA + 0x100, 16, 0);  // A1: zeros
    Block blk;
    blk.mm.signal_mask |= isa::kEx2Ld;
    isa::LoadDesc a1 = blk.la;
    a1.src_addr = kA + 0x100;
    a1.wait_mask = isa::kEx2Ld;
    isa::ProgramBuilder b;
    b.Load(blk.la).Load(blk.lb).Matmul(blk.mm).Load(a1).Store(blk.st);
    ASSERT_EQ(rig.Run(b.program()), CoreState::kIdle) << rig.core.fault().message;
    ASSERT_GT(RetirePos(rig.core, 3), RetirePos(rig.core, 2)) << "seed " << seed;
    // C[0][0] = A0[0][0] * B[0][0] = 1 (A1 is all zeros: 0).
    EXPECT_EQ(static_cast<int32_t>(rig.mem.Read32(kC)), 1) << "seed " << seed;
  }
}

TEST(CoreTokenTest, MissingWarTokenIsARaceTheRandomScheduleExposes) {
  // The same program without the WAR token: some legal interleaving loads A1 first. This is
  // why programs must express every cross-queue dependency (and how tests find one missing).
  int raced = 0;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    Rig rig(SmallCore(4, seed));
    FillOperands(&rig.mem);
    Block blk;
    isa::LoadDesc a1 = blk.la;
    a1.src_addr = kA + 0x100;
    isa::ProgramBuilder b;
    b.Load(blk.la).Load(blk.lb).Matmul(blk.mm).Load(a1).Store(blk.st);
    ASSERT_EQ(rig.Run(b.program()), CoreState::kIdle);
    raced += RetirePos(rig.core, 3) < RetirePos(rig.core, 2);
  }
  EXPECT_GT(raced, 0);
}

TEST(CoreTokenTest, SyncWaitsForAllQueuesAndBlockedRingResumesOnDoorbell) {
  Rig rig(SmallCore(4));
  FillOperands(&rig.mem);
  Block blk;
  isa::ProgramBuilder first;
  first.Matmul(blk.mm);  // waits LD2EX: nothing in the ring can give it yet
  EXPECT_EQ(rig.Run(first.program()), CoreState::kBlocked);
  EXPECT_TRUE(rig.core.retired().empty());
  isa::ProgramBuilder rest;
  rest.Load(blk.la).Load(blk.lb).Store(blk.st).Sync(kSync, 42, true);
  EXPECT_EQ(rig.Run(rest.program()), CoreState::kIdle) << rig.core.fault().message;
  ASSERT_EQ(rig.core.retired().size(), 5u);
  EXPECT_EQ(rig.core.retired().back().op, Opcode::kSync);
  EXPECT_EQ(rig.mem.Read32(kSync), 42u);
  EXPECT_TRUE(rig.core.irq_pending());
  rig.core.AckIrq();
  EXPECT_FALSE(rig.core.irq_pending());
  EXPECT_EQ(rig.core.counters().macs, 64u);
  EXPECT_EQ(rig.core.counters().retired[static_cast<int>(isa::Queue::kLd)], 2u);
}

// ---- Faults: each stops the stream with its code and index; Clear() recovers the core.

// Runs `bad` (expecting `code` at ring slot `index`), then clears the core and proves it runs a
// good program to the right result.
void ExpectFaultThenRecover(Rig* rig, const std::vector<isa::Descriptor>& bad, Fault code,
                            uint32_t index, const std::string& message_part, uint32_t out = kC,
                            bool recover = true) {
  ASSERT_EQ(rig->Run(bad), CoreState::kFaulted);
  EXPECT_EQ(rig->core.fault().code, code)
      << isa::FaultName(rig->core.fault().code) << ": " << rig->core.fault().message;
  EXPECT_EQ(rig->core.fault().index, index) << rig->core.fault().message;
  EXPECT_NE(rig->core.fault().message.find(message_part), std::string::npos)
      << rig->core.fault().message;
  EXPECT_TRUE(rig->core.irq_pending());
  const size_t retired = rig->core.retired().size();
  EXPECT_EQ(rig->core.Run(), CoreState::kFaulted) << "a faulted core stays stopped";
  EXPECT_EQ(rig->core.retired().size(), retired);
  EXPECT_THROW(rig->core.SetRing(kRing, kRingSlots), std::logic_error);

  rig->core.Clear();
  EXPECT_EQ(rig->core.fault().code, Fault::kNone);
  EXPECT_FALSE(rig->core.irq_pending());
  if (!recover) return;
  rig->core.SetRing(kRing, kRingSlots);
  tb::Rng rng(3);
  auto a = tb::RandomInt8Matrix(&rng, 6, 9), b = tb::RandomInt8Matrix(&rng, 9, 5);
  PutMatrix(&rig->mem, kA, 9, a);
  PutMatrix(&rig->mem, kB, 5, b);
  auto p = GemmParams(rig->core.config(), 6, 5, 9);
  p.c_addr = out;
  ASSERT_EQ(rig->Run(isa::BuildGemmProgram(p)), CoreState::kIdle) << rig->core.fault().message;
  Matrix<int32_t> want(6, 5), got(6, 5);
  GemmInt8(a, b, &want);
  rig->mem.ReadWords(out, reinterpret_cast<uint32_t*>(got.data()), 30);
  EXPECT_EQ(got, want);
}

TEST(CoreFaultTest, IllegalOpcode) {
  Rig rig(SmallCore(4));
  Block blk;
  isa::Descriptor zero{};
  ExpectFaultThenRecover(&rig, {blk.la.Pack(), zero}, Fault::kIllegalOpcode, 1, "opcode 0");
  isa::Descriptor nine{};
  nine[0] = 9;
  Rig rig2(SmallCore(4));
  ExpectFaultThenRecover(&rig2, {nine}, Fault::kIllegalOpcode, 0, "opcode 9");
}

TEST(CoreFaultTest, IllegalFields) {
  Block blk;
  {
    Rig rig(SmallCore(4));
    isa::LoadDesc l = blk.la;
    l.wait_mask = isa::kLd2Ex;  // LOAD may only wait on EX2LD
    ExpectFaultThenRecover(&rig, {blk.la.Pack(), l.Pack()}, Fault::kIllegalField, 1,
                           "may not wait on LD2EX");
  }
  {
    Rig rig(SmallCore(4));
    isa::StoreDesc s = blk.st;
    s.signal_mask = isa::kEx2Ld;
    ExpectFaultThenRecover(&rig, {s.Pack()}, Fault::kIllegalField, 0, "may not signal EX2LD");
  }
  {
    Rig rig(SmallCore(4));
    auto d = blk.mm.Pack();
    d[7] |= 1u << 31;  // reserved
    ExpectFaultThenRecover(&rig, {d}, Fault::kIllegalField, 0, "reserved bits");
  }
  {
    Rig rig(SmallCore(4));
    isa::MatmulDesc m = blk.mm;
    m.n = 6;  // not a multiple of Dim 4
    ExpectFaultThenRecover(&rig, {m.Pack()}, Fault::kIllegalField, 0, "multiple of Dim");
  }
  {
    Rig rig(SmallCore(4));
    isa::StoreDesc s = blk.st;
    s.dst_addr = kC + 2;  // int32 out must be word aligned
    ExpectFaultThenRecover(&rig, {s.Pack()}, Fault::kIllegalField, 0, "multiples of 4");
  }
  {
    Rig rig(SmallCore(4));
    isa::SyncDesc s;
    s.addr = kSync;
    s.wait_mask = isa::kLd2Ex;
    ExpectFaultThenRecover(&rig, {s.Pack()}, Fault::kIllegalField, 0, "SYNC may not wait");
  }
}

TEST(CoreFaultTest, L0Overflow) {
  Block blk;
  Rig rig(SmallCore(4));
  isa::LoadDesc l = blk.la;
  l.dst_offset = 4096 - 8;  // 16 bytes from 4088 pass the end of the 4 KiB L0A
  ExpectFaultThenRecover(&rig, {l.Pack()}, Fault::kL0Overflow, 0, "L0A");
  Rig rig2(SmallCore(4));
  isa::MatmulDesc m = blk.mm;
  m.c_offset = 8192 - 32;
  ExpectFaultThenRecover(&rig2, {blk.la.Pack(), m.Pack()}, Fault::kL0Overflow, 1, "L0C");
}

TEST(CoreFaultTest, AccessOutsideTheGrantedWindows) {
  CoreConfig cfg = SmallCore(4);
  // Operands and the ring are granted; the output area is read-only; nothing above 0xd0000.
  cfg.windows = {{0, kC, true}, {kC, 0x1000, false}, {kC + 0x1000, 0xd0000 - kC - 0x1000, true}};
  Block blk;
  {
    Rig rig(cfg);
    isa::LoadDesc l = blk.la;
    l.src_addr = 0xe0000;
    ExpectFaultThenRecover(&rig, {blk.lb.Pack(), l.Pack()}, Fault::kAccess, 1, "0xe0000",
                           kC + 0x1000);
  }
  {
    Rig rig(cfg);
    isa::ProgramBuilder b;
    b.Load(blk.la).Load(blk.lb).Matmul(blk.mm).Store(blk.st);  // STORE into the read-only window
    rig.mem.Fill(kC, 64, 0x77);
    ASSERT_EQ(rig.Run(b.program()), CoreState::kFaulted);
    EXPECT_EQ(rig.core.fault().code, Fault::kAccess);
    EXPECT_EQ(rig.core.fault().index, 3u);
    EXPECT_NE(rig.core.fault().message.find("writable"), std::string::npos);
    EXPECT_EQ(rig.mem.Read32(kC), 0x77777777u) << "a faulting STORE writes nothing";
  }
  {
    // The ring itself outside the windows: the descriptor fetch faults.
    CoreConfig c2 = SmallCore(4);
    c2.windows = {{0, kRing, true}};
    Rig rig(c2);
    ExpectFaultThenRecover(&rig, {blk.la.Pack()}, Fault::kAccess, 0, "descriptor fetch", kC,
                           /*recover=*/false);
  }
  {
    // A row that straddles two abutting windows faults: each range must lie inside one.
    CoreConfig c3 = cfg;
    c3.windows = {{0, 0x100, true}, {0x100, 0xd0000 - 0x100, true}};
    Rig rig(c3);
    isa::LoadDesc l = blk.la;
    l.src_addr = 0xfe;  // 4-byte rows: [0xfe, 0x102) crosses 0x100
    l.valid_rows = 1;
    ExpectFaultThenRecover(&rig, {l.Pack()}, Fault::kAccess, 0, "inside one", kC,
                           /*recover=*/false);
  }
}

TEST(CoreFaultTest, MemoryErrorResponse) {
  CoreConfig cfg = SmallCore(4);
  cfg.windows.push_back({kMemBytes, 0x10000, true});  // granted, but no memory answers there
  Rig rig(cfg);
  Block blk;
  isa::LoadDesc l = blk.la;
  l.src_addr = kMemBytes + 0x100;
  ExpectFaultThenRecover(&rig, {l.Pack()}, Fault::kMemError, 0, "error response");
}

TEST(CoreFaultTest, TokenDeadlockIsAFaultNotAHang) {
  Block blk;
  {
    // MATMUL waits LD2EX that nothing gives, and a SYNC behind it waits for the queues.
    Rig rig(SmallCore(4));
    isa::ProgramBuilder b;
    b.Load(blk.la).Matmul(blk.mm).Sync(kSync, 1, false);
    ExpectFaultThenRecover(&rig, b.program(), Fault::kDeadlock, 1, "MATMUL @1 waits LD2EX");
  }
  {
    // Queue full: depth 4, five STOREs waiting on EX2ST with the MATMUL that would give the
    // tokens behind them in the ring.
    Rig rig(SmallCore(4));
    isa::ProgramBuilder b;
    for (int i = 0; i < 5; ++i) b.Store(blk.st);
    b.Matmul(blk.mm);
    ExpectFaultThenRecover(&rig, b.program(), Fault::kDeadlock, 0, "sequencer holds STORE @4");
  }
}

// ---- Vector commands (VADD, VMAX, VREQUANT, VCOPY): element-wise on device-memory blocks.

constexpr uint32_t kVecSrc = 0x20000, kVecDst = 0x60000, kVecSpan = 0x20000;
constexpr uint32_t kVecBoth = kVecDst + kVecSpan - kVecSrc;  // both areas

// Expected memory after `d`, computed element by element from the ISA text (not VectorRow).
void ApplyVectorReference(const isa::Descriptor& d, DeviceMemory* mem) {
  const auto v = isa::VectorCommandOf(d);
  for (uint32_t r = 0; r < v.rows; ++r) {
    for (uint32_t c = 0; c < v.cols; ++c) {
      auto src = [&](int s) -> int64_t {
        const uint64_t a = v.src[s].RowAddr(r) + uint64_t{c} * v.src[s].esize;
        return v.src[s].esize == 4 ? static_cast<int32_t>(mem->Read32(a))
                                   : static_cast<int8_t>(mem->Read8(a));
      };
      const uint64_t dst = v.dst.RowAddr(r) + uint64_t{c} * v.dst.esize;
      int64_t x = 0;
      switch (v.op) {
        case Opcode::kVadd:
          x = static_cast<int32_t>(static_cast<uint32_t>(src(0)) + static_cast<uint32_t>(src(1)));
          break;
        case Opcode::kVmax:
          x = std::max(src(0), src(1));
          break;
        case Opcode::kVrequant: {
          const double q =
              std::round(static_cast<double>(src(0)) * v.scale / std::ldexp(1.0, v.shift));
          x = std::clamp<int64_t>(static_cast<int64_t>(q), -128, 127);  // round(): ties away
          break;
        }
        default:
          x = src(0);
          break;
      }
      if (v.dst.esize == 4) {
        mem->Write32(dst, static_cast<uint32_t>(x));
      } else {
        mem->Write8(dst, static_cast<uint8_t>(x));
      }
    }
  }
}

void RandomFill(DeviceMemory* mem, uint32_t addr, uint32_t len, tb::Rng* rng) {
  for (uint32_t i = 0; i < len; i += 8) {
    const uint64_t x = rng->Bits64();
    mem->Write(addr + i, &x, std::min<uint32_t>(8, len - i));
  }
}

TEST(CoreVectorTest, RandomCommandsMatchTheElementReference) {
  tb::Rng rng(tb::SeedFromEnv(517));
  const tb::VectorArea area{kVecSrc, kVecSpan, kVecDst, kVecSpan};
  int in_place = 0;
  for (int i = 0; i < 300; ++i) {
    Rig rig(SmallCore(4));
    RandomFill(&rig.mem, kVecSrc, kVecBoth, &rng);
    const isa::Descriptor d = tb::RandomVectorCommand(area, &rng);
    const auto v = isa::VectorCommandOf(d);
    in_place += v.src[0].addr == v.dst.addr;
    DeviceMemory want(0, kMemBytes);
    std::vector<uint8_t> image(kMemBytes);
    rig.mem.Read(0, image.data(), kMemBytes);
    want.Write(0, image.data(), kMemBytes);
    ApplyVectorReference(d, &want);
    ASSERT_EQ(rig.Run({d}), CoreState::kIdle) << rig.core.fault().message;
    std::vector<uint8_t> got(kVecBoth), exp(kVecBoth);
    rig.mem.Read(kVecSrc, got.data(), got.size());
    want.Read(kVecSrc, exp.data(), exp.size());
    ASSERT_EQ(got, exp) << "command " << i << ": " << isa::OpcodeName(v.op) << " rows " << v.rows
                        << " cols " << v.cols;
    EXPECT_EQ(rig.core.counters().retired[static_cast<int>(isa::Queue::kSt)], 1u);
    EXPECT_EQ(rig.core.counters().bytes_read, uint64_t{v.rows} * v.SrcRowBytes() * v.num_srcs);
    EXPECT_EQ(rig.core.counters().bytes_written, uint64_t{v.rows} * v.DstRowBytes());
  }
  EXPECT_GT(in_place, 10) << "the generator should make in-place commands";
}

TEST(CoreVectorTest, EdgeValues) {
  Rig rig(SmallCore(4));
  const uint32_t a[4] = {0x7fffffffu, 0x80000000u, 0xffffffffu, 5};
  const uint32_t b[4] = {1, 0xffffffffu, 1, 0xfffffffbu};
  rig.mem.WriteWords(kVecSrc, a, 4);
  rig.mem.WriteWords(kVecSrc + 16, b, 4);
  isa::ProgramBuilder p;
  isa::VaddDesc add;
  add.rows = 1, add.cols = 4, add.src0_addr = kVecSrc, add.src1_addr = kVecSrc + 16;
  add.dst_addr = kVecDst;
  isa::VmaxDesc mx;
  mx.rows = 1, mx.cols = 4, mx.src0_addr = kVecSrc, mx.src1_addr = kVecSrc + 16;
  mx.dst_addr = kVecDst + 16;
  isa::VmaxDesc mx8 = mx;
  mx8.int8 = 1, mx8.cols = 16, mx8.dst_addr = kVecDst + 32;
  isa::VrequantDesc rq;
  rq.rows = 1, rq.cols = 4, rq.src0_addr = kVecSrc + 16, rq.dst_addr = kVecDst + 48;
  rq.scale = -3, rq.shift = 1;  // b * -3 / 2: -1.5 -> -2, 1.5 -> 2, 7.5 -> 8 (ties away)
  p.Vadd(add).Vmax(mx).Vmax(mx8).Vrequant(rq);
  ASSERT_EQ(rig.Run(p.program()), CoreState::kIdle) << rig.core.fault().message;
  EXPECT_EQ(rig.mem.Read32(kVecDst + 0), 0x80000000u) << "int32 wrap-around";
  EXPECT_EQ(rig.mem.Read32(kVecDst + 4), 0x7fffffffu);
  EXPECT_EQ(rig.mem.Read32(kVecDst + 8), 0u);
  EXPECT_EQ(rig.mem.Read32(kVecDst + 12), 0u);
  EXPECT_EQ(rig.mem.Read32(kVecDst + 16), 0x7fffffffu) << "signed max";
  EXPECT_EQ(rig.mem.Read32(kVecDst + 20), 0xffffffffu);
  EXPECT_EQ(rig.mem.Read32(kVecDst + 24), 1u);
  EXPECT_EQ(rig.mem.Read32(kVecDst + 28), 5u);
  // int8 max of the same bytes, e.g. {ff,ff,ff,7f} vs {01,00,00,00} -> {01,00,00,7f}.
  EXPECT_EQ(rig.mem.Read32(kVecDst + 32), 0x7f000001u);
  EXPECT_EQ(rig.mem.Read32(kVecDst + 36), 0xff000000u);
  EXPECT_EQ(rig.mem.Read32(kVecDst + 40), 0x00000001u);
  EXPECT_EQ(rig.mem.Read32(kVecDst + 44), 0x00000005u);
  for (int c = 0; c < 4; ++c) {
    EXPECT_EQ(static_cast<int8_t>(rig.mem.Read8(kVecDst + 48 + c)),
              Requantize(static_cast<int32_t>(b[c]), -3, 1))
        << "VREQUANT is the STORE epilogue's requantization";
  }
  EXPECT_EQ(static_cast<int8_t>(rig.mem.Read8(kVecDst + 48)), -2);
  EXPECT_EQ(static_cast<int8_t>(rig.mem.Read8(kVecDst + 49)), 2);
  EXPECT_EQ(static_cast<int8_t>(rig.mem.Read8(kVecDst + 51)), 8);
}

TEST(CoreVectorTest, RunsInOrderAfterTheStoreItReads) {
  // STORE writes C, then VADD adds C to itself into D and VCOPY copies D: all in the ST queue,
  // so no token is needed, under any legal interleaving.
  for (uint64_t seed : {0, 1, 2, 3, 4, 5}) {
    Rig rig(SmallCore(4, seed));
    FillOperands(&rig.mem);
    Block blk;
    isa::ProgramBuilder b;
    isa::VaddDesc add;
    add.rows = 4, add.cols = 4, add.src0_addr = add.src1_addr = kC, add.dst_addr = kVecDst;
    add.src0_stride = add.src1_stride = add.dst_stride = 16;
    isa::VcopyDesc cp;
    cp.rows = 1, cp.cols = 64, cp.src0_addr = kVecDst, cp.dst_addr = kVecDst + 0x100;
    b.Load(blk.la).Load(blk.lb).Matmul(blk.mm).Store(blk.st).Vadd(add).Vcopy(cp);
    ASSERT_EQ(rig.Run(b.program()), CoreState::kIdle) << rig.core.fault().message;
    for (int i = 0; i < 16; ++i) {
      EXPECT_EQ(rig.mem.Read32(kVecDst + 0x100 + 4 * i), 2 * rig.mem.Read32(kC + 4 * i)) << i;
    }
    EXPECT_NE(rig.mem.Read32(kC), 0u);
  }
}

TEST(CoreVectorTest, TokensAsForStore) {
  // A vector command may wait on EX2ST and signal ST2EX, like STORE; nothing else.
  Block blk;
  isa::VaddDesc add;
  add.rows = add.cols = 1, add.src0_addr = add.src1_addr = kVecSrc, add.dst_addr = kVecDst;
  add.wait_mask = isa::kEx2St;
  add.signal_mask = isa::kSt2Ex;
  EXPECT_NO_THROW(isa::ProgramBuilder().Vadd(add));
  add.wait_mask = isa::kLd2Ex;
  EXPECT_THROW(isa::ProgramBuilder().Vadd(add), std::invalid_argument);
  Rig rig(SmallCore(4));
  ExpectFaultThenRecover(&rig, {add.Pack()}, Fault::kIllegalField, 0, "VADD may not wait on LD2EX");
}

TEST(CoreVectorTest, IllegalFields) {
  isa::VaddDesc add;
  add.rows = add.cols = 2, add.src0_addr = add.src1_addr = kVecSrc, add.dst_addr = kVecDst;
  add.src0_stride = add.src1_stride = add.dst_stride = 8;
  auto expect = [](const isa::Descriptor& d, const std::string& why) {
    Rig rig(SmallCore(4));
    ExpectFaultThenRecover(&rig, {d}, Fault::kIllegalField, 0, why);
  };
  {
    auto x = add;
    x.rows = 0;
    expect(x.Pack(), "rows must be >= 1");
    x = add;
    x.cols = 0;
    expect(x.Pack(), "cols must be >= 1");
    x = add;
    x.src1_addr += 2;
    expect(x.Pack(), "int32 src1 needs");
    x = add;
    x.dst_stride = 6;
    expect(x.Pack(), "int32 dst needs");
  }
  {
    isa::VmaxDesc m;
    m.rows = m.cols = 1, m.int8 = 1, m.src0_addr = kVecSrc + 1, m.src1_addr = kVecSrc + 3;
    m.dst_addr = kVecDst + 5, m.dst_stride = 3;  // int8: any alignment
    Rig rig(SmallCore(4));
    EXPECT_EQ(rig.Run({m.Pack()}), CoreState::kIdle) << rig.core.fault().message;
    m.int8 = 0;
    expect(m.Pack(), "int32 src0 needs");
  }
  {
    isa::VrequantDesc q;
    q.rows = q.cols = 1, q.src0_addr = kVecSrc, q.dst_addr = kVecDst + 1;  // int8 dst: any
    Rig rig(SmallCore(4));
    EXPECT_EQ(rig.Run({q.Pack()}), CoreState::kIdle) << rig.core.fault().message;
    q.src0_stride = 2;
    expect(q.Pack(), "int32 src0 needs");
  }
  {
    isa::VcopyDesc c;
    c.rows = c.cols = 1, c.src0_addr = kVecSrc, c.dst_addr = kVecDst;
    auto d = c.Pack();
    d[3] = 1;  // word 3 (src1_addr) is reserved for VCOPY
    expect(d, "reserved bits");
  }
}

TEST(CoreVectorTest, AccessAndMemoryFaultsMoveNoByte) {
  CoreConfig cfg = SmallCore(4);
  // Sources readable, [kVecDst, +0x1000) read-only, the rest of memory writable; a granted
  // window past the end of memory (error responses).
  cfg.windows = {{0, kVecDst, true},
                 {kVecDst, 0x1000, false},
                 {kVecDst + 0x1000, kMemBytes - kVecDst - 0x1000, true},
                 {kMemBytes, 0x10000, true}};
  isa::VaddDesc add;
  add.rows = 3, add.cols = 4, add.src0_addr = add.src1_addr = kVecSrc;
  add.src0_stride = add.src1_stride = add.dst_stride = 16;
  add.dst_addr = kVecDst + 0x1000;
  {
    Rig rig(cfg);
    auto x = add;
    x.dst_addr = kVecDst + 0x1000 - 32;  // row 2 is fine, rows 0-1 in the read-only window
    rig.mem.Fill(kVecDst, 0x2000, 0x77);
    ExpectFaultThenRecover(&rig, {add.Pack(), x.Pack()}, Fault::kAccess, 1, "writable",
                           kVecDst + 0x1800);
    EXPECT_EQ(rig.mem.Read32(kVecDst + 0x1000 - 32), 0x77777777u) << "nothing written";
  }
  {
    Rig rig(cfg);
    auto x = add;
    x.src1_addr = kMemBytes + 0x10000 - 32;  // rows 0-1 answer with errors, row 2 outside all
    rig.mem.Fill(kVecDst + 0x1000, 64, 0x77);
    ExpectFaultThenRecover(&rig, {x.Pack()}, Fault::kAccess, 0, "VADD src1 row read",
                           kVecDst + 0x1800);
    EXPECT_EQ(rig.mem.Read32(kVecDst + 0x1000), 0x77777777u) << "ACCESS wins over MEM_ERROR";
  }
  {
    Rig rig(cfg);
    auto x = add;
    x.src0_addr = kMemBytes + 0x100;
    ExpectFaultThenRecover(&rig, {x.Pack()}, Fault::kMemError, 0, "error response",
                           kVecDst + 0x1800);
  }
}

// ---- Bad API use.

template <class E, class F>
void ExpectThrowWith(F&& f, const std::string& text) {
  try {
    f();
    ADD_FAILURE() << "no exception; wanted one saying '" << text << "'";
  } catch (const E& e) {
    EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
  }
}

TEST(CoreModelApiTest, BadConfigurationAndRingUseThrowWithAMessage) {
  DeviceMemory mem(0, 4096);
  CoreConfig cfg = SmallCore(4);
  cfg.dim = 1;
  ExpectThrowWith<std::invalid_argument>([&] { CoreModel c(cfg, &mem); }, "dim 1 not in 2..64");
  cfg = SmallCore(4);
  cfg.l0a_bytes = 100;
  ExpectThrowWith<std::invalid_argument>([&] { CoreModel c(cfg, &mem); }, "l0a_bytes = 100");
  cfg = SmallCore(4);
  cfg.queue_depth = 0;
  ExpectThrowWith<std::invalid_argument>([&] { CoreModel c(cfg, &mem); }, "queue_depth");
  ExpectThrowWith<std::invalid_argument>([&] { CoreModel c(SmallCore(4), nullptr); },
                                         "null device memory");
  CoreModel core(SmallCore(4), &mem);
  ExpectThrowWith<std::logic_error>([&] { core.SetTail(1); }, "SetRing() first");
  ExpectThrowWith<std::invalid_argument>([&] { core.SetRing(0x10, 4); }, "32-byte aligned");
  ExpectThrowWith<std::invalid_argument>([&] { core.SetRing(0, 1); }, "size 1");
  core.SetRing(0, 4);
  ExpectThrowWith<std::invalid_argument>([&] { core.SetTail(4); }, "outside the ring");
  ExpectThrowWith<std::invalid_argument>([&] { core.Submit(std::vector<isa::Descriptor>(4)); },
                                         "room for 3");
  ExpectThrowWith<std::invalid_argument>([&] { core.tokens(4); }, "no channel 4");
}

}  // namespace
}  // namespace luoshu::model
