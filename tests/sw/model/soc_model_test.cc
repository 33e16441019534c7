// The SoC model's register map (docs/regs.md) as the host sees it: identity and
// configuration, storage, SLVERR on unmapped offsets, absent cores, refused ring writes,
// interrupt status (set by the core, write-1-to-clear, masked onto the one line), the fault
// bit's level behaviour, the counter latch, and time.
#include "sw/model/soc_model.h"

#include <gtest/gtest.h>

#include "sw/hal/reg_map.h"
#include "sw/isa/builder.h"

namespace luoshu {
namespace {

namespace reg = hal::reg;
using hal::SocConfig;
using model::SocModel;

uint32_t Field(uint32_t v, uint32_t mask, uint32_t lsb) { return reg::Get(v, mask, lsb); }

// Grants core `c` all of device memory (writable) through window 0 and a ring at `ring`.
void GrantAllAndSetRing(SocModel* soc, int c, uint32_t ring, uint32_t slots) {
  soc->WriteReg(reg::Win(c, 0, reg::kWinBase), static_cast<uint32_t>(soc->mem_base()));
  soc->WriteReg(reg::Win(c, 0, reg::kWinSize), static_cast<uint32_t>(soc->mem_size()));
  soc->WriteReg(reg::Win(c, 0, reg::kWinFlags), LUOSHU_CORE_REGS__WIN__FLAGS__WRITABLE_bm);
  soc->WriteReg(reg::Core(c, reg::kRingBase), ring);
  soc->WriteReg(reg::Core(c, reg::kRingSize), slots);
}

// Writes `program` at slot 0 of the ring and rings the doorbell.
void RunProgram(SocModel* soc, int c, uint32_t ring, const std::vector<isa::Descriptor>& program) {
  for (size_t i = 0; i < program.size(); ++i) {
    soc->memory().WriteWords(ring + 32 * i, program[i].data(), isa::kDescriptorWords);
  }
  soc->WriteReg(reg::Core(c, reg::kTail), static_cast<uint32_t>(program.size()));
}

uint32_t State(SocModel* soc, int c) {
  return Field(soc->ReadReg(reg::Core(c, reg::kStatus)), LUOSHU_CORE_REGS__STATUS__STATE_bm,
               LUOSHU_CORE_REGS__STATUS__STATE_bp);
}

TEST(SocModelTest, IdentityAndConfiguration) {
  SocConfig cfg;
  cfg.cores = 3;
  cfg.channels = 4;
  cfg.dim = 8;
  cfg.l0a_bytes = 32 << 10;
  cfg.l0b_bytes = 16 << 10;
  cfg.l0c_bytes = 64 << 10;
  SocModel soc(cfg);
  EXPECT_EQ(soc.ReadReg(reg::kId), 0x4C534855u);
  EXPECT_EQ(soc.ReadReg(reg::kVersion), 0x00010001u) << "1.1: with the link blocks";
  const uint32_t c = soc.ReadReg(reg::kConfig);
  EXPECT_EQ(Field(c, LUOSHU_REGS__CONFIG__DIM_bm, LUOSHU_REGS__CONFIG__DIM_bp), 8u);
  EXPECT_EQ(Field(c, LUOSHU_REGS__CONFIG__CORES_bm, LUOSHU_REGS__CONFIG__CORES_bp), 3u);
  EXPECT_EQ(Field(c, LUOSHU_REGS__CONFIG__CHANNELS_bm, LUOSHU_REGS__CONFIG__CHANNELS_bp), 4u);
  EXPECT_EQ(Field(c, LUOSHU_REGS__CONFIG__LINKS_bm, LUOSHU_REGS__CONFIG__LINKS_bp), 0u)
      << "the model is one chip";
  const uint32_t l0 = soc.ReadReg(reg::kConfigL0);
  EXPECT_EQ(Field(l0, LUOSHU_REGS__CONFIG_L0__L0A_KIB_bm, LUOSHU_REGS__CONFIG_L0__L0A_KIB_bp), 32u);
  EXPECT_EQ(Field(l0, LUOSHU_REGS__CONFIG_L0__L0B_KIB_bm, LUOSHU_REGS__CONFIG_L0__L0B_KIB_bp), 16u);
  EXPECT_EQ(Field(l0, LUOSHU_REGS__CONFIG_L0__L0C_KIB_bm, LUOSHU_REGS__CONFIG_L0__L0C_KIB_bp), 64u);
  soc.WriteReg(reg::kId, 0);  // read-only: ignored
  EXPECT_EQ(soc.ReadReg(reg::kId), 0x4C534855u);
}

TEST(SocModelTest, RejectsConfigurationsTheMapCannotDescribe) {
  for (auto mutate :
       {+[](SocConfig* c) { c->cores = 0; }, +[](SocConfig* c) { c->cores = 5; },
        +[](SocConfig* c) { c->channels = 3; }, +[](SocConfig* c) { c->l0a_bytes = 1000; },
        +[](SocConfig* c) { c->l0c_bytes = 1 << 20; }, +[](SocConfig* c) { c->mem_size = 0; }}) {
    SocConfig cfg;
    mutate(&cfg);
    EXPECT_THROW(SocModel{cfg}, std::invalid_argument);
  }
}

TEST(SocModelTest, UnmappedAndUnalignedOffsetsAnswerSlverr) {
  SocModel soc;
  for (uint32_t off :
       {0x010u, 0x0FCu, 0x102u, reg::Core(0, 0x1C), reg::Core(1, 0x34), reg::Core(2, 0x80),
        reg::Core(3, 0xFC), reg::Link(0, 0xC), reg::Link(3, 0x10), 0x800u, 0xFFFFFFFCu}) {
    EXPECT_THROW(soc.ReadReg(off), hal::BusError) << std::hex << off;
    EXPECT_THROW(soc.WriteReg(off, 1), hal::BusError) << std::hex << off;
  }
  EXPECT_NO_THROW(soc.ReadReg(reg::Core(3, reg::kCntHi)));
  EXPECT_NO_THROW(soc.ReadReg(reg::Link(3, reg::kLinkCntHi)));
}

TEST(SocModelTest, StorageReadsBackMaskedToItsFields) {
  SocModel soc;
  for (int c = 0; c < 4; ++c) {
    soc.WriteReg(reg::Core(c, reg::kRingBase), 0x1000u * (c + 1));
    soc.WriteReg(reg::Core(c, reg::kIntMask), 0xFFFFFFFF);
    soc.WriteReg(reg::Core(c, reg::kCntSel), 0xFFFFFFF7);
    soc.WriteReg(reg::Core(c, reg::kCtrl), 0xFFFFFFFE);  // CLEAR bit 0 not set; reads 0 anyway
    for (int w = 0; w < 4; ++w) {
      soc.WriteReg(reg::Win(c, w, reg::kWinBase), 0x100u * w + c);
      soc.WriteReg(reg::Win(c, w, reg::kWinSize), 0x77u * w);
      soc.WriteReg(reg::Win(c, w, reg::kWinFlags), 0xFFFFFFFF);
    }
  }
  for (int c = 0; c < 4; ++c) {
    EXPECT_EQ(soc.ReadReg(reg::Core(c, reg::kRingBase)), 0x1000u * (c + 1));
    EXPECT_EQ(soc.ReadReg(reg::Core(c, reg::kIntMask)), reg::kIntAll);
    EXPECT_EQ(soc.ReadReg(reg::Core(c, reg::kCntSel)), 7u);
    EXPECT_EQ(soc.ReadReg(reg::Core(c, reg::kCtrl)), 0u);
    for (int w = 0; w < 4; ++w) {
      EXPECT_EQ(soc.ReadReg(reg::Win(c, w, reg::kWinBase)), 0x100u * w + c);
      EXPECT_EQ(soc.ReadReg(reg::Win(c, w, reg::kWinSize)), 0x77u * w);
      EXPECT_EQ(soc.ReadReg(reg::Win(c, w, reg::kWinFlags)), 1u);
    }
  }
}

TEST(SocModelTest, AbsentCoreKeepsStorageAndReadsZeroStatus) {
  SocConfig cfg;
  cfg.cores = 1;
  SocModel soc(cfg);
  soc.WriteReg(reg::Core(1, reg::kRingBase), 0x1234);
  EXPECT_EQ(soc.ReadReg(reg::Core(1, reg::kRingBase)), 0x1234u);
  soc.WriteReg(reg::Core(1, reg::kRingSize), 1);  // no core to refuse it
  soc.WriteReg(reg::Core(1, reg::kTail), 7);
  for (uint32_t f : {reg::kStatus, reg::kHead, reg::kFaultIndex, reg::kIntStatus, reg::kCntLo}) {
    EXPECT_EQ(soc.ReadReg(reg::Core(1, f)), 0u) << f;
  }
}

TEST(SocModelTest, RefusedRingAndTailWritesSetCtlErrorWriteOneToClear) {
  SocModel soc;
  const uint32_t base = static_cast<uint32_t>(soc.mem_base());
  const uint32_t is = reg::Core(2, reg::kIntStatus);
  auto refused = [&](auto write) {
    soc.WriteReg(is, reg::kIntAll);
    write();
    const bool r = soc.ReadReg(is) & reg::kIntCtlError;
    soc.WriteReg(is, reg::kIntCtlError);
    EXPECT_EQ(soc.ReadReg(is), 0u);
    return r;
  };
  EXPECT_TRUE(refused([&] { soc.WriteReg(reg::Core(2, reg::kTail), 0); }));  // no ring yet
  soc.WriteReg(reg::Core(2, reg::kRingBase), base + 16);                     // not 32-byte aligned
  EXPECT_TRUE(refused([&] { soc.WriteReg(reg::Core(2, reg::kRingSize), 4); }));
  soc.WriteReg(reg::Core(2, reg::kRingBase), base);
  EXPECT_TRUE(refused([&] { soc.WriteReg(reg::Core(2, reg::kRingSize), 1); }));  // < 2 slots
  EXPECT_FALSE(refused([&] { soc.WriteReg(reg::Core(2, reg::kRingSize), 4); }));
  EXPECT_TRUE(refused([&] { soc.WriteReg(reg::Core(2, reg::kTail), 4); }));  // tail >= size
  EXPECT_EQ(soc.core(2).ring_size(), 4u);
  // The line follows INT_MASK.
  soc.WriteReg(reg::Core(2, reg::kTail), 9);
  EXPECT_FALSE(soc.irq_line());
  soc.WriteReg(reg::Core(2, reg::kIntMask), reg::kIntCtlError);
  EXPECT_TRUE(soc.irq_line());
  EXPECT_TRUE(soc.WaitIrq(0));
  soc.WriteReg(is, reg::kIntCtlError);
  EXPECT_FALSE(soc.irq_line());
}

TEST(SocModelTest, SyncInterruptShowsWhenTheCoreHasFinished) {
  SocModel soc;
  const uint32_t ring = static_cast<uint32_t>(soc.mem_base()), word = ring + 0x1000;
  GrantAllAndSetRing(&soc, 1, ring, 8);
  soc.WriteReg(reg::Core(1, reg::kIntMask), reg::kIntSync);
  isa::ProgramBuilder b;
  b.Sync(word, 0xABCD, false).Sync(word + 4, 0x1234, true);
  const uint64_t t0 = soc.Now();
  RunProgram(&soc, 1, ring, b.program());
  EXPECT_EQ(State(&soc, 1), 1u) << "busy until its cost has passed";
  EXPECT_EQ(soc.ReadReg(reg::Core(1, reg::kIntStatus)), 0u);
  EXPECT_FALSE(soc.irq_line());
  EXPECT_TRUE(soc.WaitIrq(1000));
  EXPECT_GT(soc.Now(), t0);
  EXPECT_EQ(State(&soc, 1), 0u);
  EXPECT_EQ(soc.ReadReg(reg::Core(1, reg::kIntStatus)), reg::kIntSync);
  EXPECT_EQ(soc.ReadReg(reg::Core(1, reg::kHead)), 2u);
  EXPECT_EQ(soc.memory().Read32(word), 0xABCDu);
  EXPECT_EQ(soc.memory().Read32(word + 4), 0x1234u);
  soc.WriteReg(reg::Core(1, reg::kIntStatus), reg::kIntSync);
  EXPECT_FALSE(soc.irq_line());
  EXPECT_FALSE(soc.WaitIrq(50));  // time passes, nothing rises
  // The other cores saw nothing.
  for (int c : {0, 2, 3}) EXPECT_EQ(soc.ReadReg(reg::Core(c, reg::kIntStatus)), 0u);
}

TEST(SocModelTest, FaultBitFollowsTheFaultedStateUntilClear) {
  SocModel soc;
  const uint32_t ring = static_cast<uint32_t>(soc.mem_base());
  GrantAllAndSetRing(&soc, 0, ring, 4);
  soc.WriteReg(reg::Core(0, reg::kIntMask), reg::kIntFault);
  isa::Descriptor bad{};
  bad[0] = 0x7F;  // no such opcode
  isa::ProgramBuilder ok;
  ok.Sync(ring + 0x100, 1, false);
  RunProgram(&soc, 0, ring, {ok.program()[0], bad});
  EXPECT_TRUE(soc.WaitIrq(1000));
  const uint32_t st = soc.ReadReg(reg::Core(0, reg::kStatus));
  EXPECT_EQ(Field(st, LUOSHU_CORE_REGS__STATUS__STATE_bm, LUOSHU_CORE_REGS__STATUS__STATE_bp), 3u);
  EXPECT_EQ(
      Field(st, LUOSHU_CORE_REGS__STATUS__FAULT_CODE_bm, LUOSHU_CORE_REGS__STATUS__FAULT_CODE_bp),
      static_cast<uint32_t>(isa::Fault::kIllegalOpcode));
  EXPECT_EQ(soc.ReadReg(reg::Core(0, reg::kFaultIndex)), 1u);
  soc.WriteReg(reg::Core(0, reg::kIntStatus), reg::kIntFault);
  EXPECT_EQ(soc.ReadReg(reg::Core(0, reg::kIntStatus)), reg::kIntFault) << "still faulted";
  soc.WriteReg(reg::Core(0, reg::kRingSize), 4);  // refused while faulted
  EXPECT_TRUE(soc.ReadReg(reg::Core(0, reg::kIntStatus)) & reg::kIntCtlError);
  soc.WriteReg(reg::Core(0, reg::kCtrl), LUOSHU_CORE_REGS__CTRL__CLEAR_bm);
  soc.WriteReg(reg::Core(0, reg::kIntStatus), reg::kIntAll);
  EXPECT_EQ(soc.ReadReg(reg::Core(0, reg::kIntStatus)), 0u);
  EXPECT_NE(State(&soc, 0), 3u);
  soc.WriteReg(reg::Core(0, reg::kRingSize), 4);
  EXPECT_EQ(soc.ReadReg(reg::Core(0, reg::kIntStatus)), 0u) << "accepted after Clear";
  RunProgram(&soc, 0, ring, ok.program());
  soc.WaitIrq(1000);
  EXPECT_EQ(State(&soc, 0), 0u);
}

TEST(SocModelTest, ReadingCntLoLatchesTheHighHalf) {
  SocModel soc;
  const uint32_t sel = reg::Core(0, reg::kCntSel), lo = reg::Core(0, reg::kCntLo),
                 hi = reg::Core(0, reg::kCntHi);
  soc.WriteReg(sel, 14);                  // cycles = Now()
  EXPECT_FALSE(soc.WaitIrq(5ull << 32));  // nothing pending: time just passes
  const uint64_t before = soc.Now();
  const uint64_t v1 = soc.ReadReg(lo) | uint64_t{soc.ReadReg(hi)} << 32;
  EXPECT_GE(v1, before);
  EXPECT_LE(v1, soc.Now());
  EXPECT_EQ(v1 >> 32, 5u);
  soc.WaitIrq(3ull << 32);
  EXPECT_EQ(soc.ReadReg(hi), 5u) << "CNT_HI holds what the last CNT_LO read latched";
  soc.ReadReg(lo);
  EXPECT_EQ(soc.ReadReg(hi), 8u);
}

TEST(SocModelTest, HostMemoryOutsideDeviceMemoryIsABusError) {
  SocModel soc;
  uint8_t buf[8] = {};
  EXPECT_THROW(soc.WriteMem(soc.mem_base() - 4, buf, 8), hal::BusError);
  EXPECT_THROW(soc.ReadMem(soc.mem_base() + soc.mem_size() - 4, buf, 8), hal::BusError);
  EXPECT_NO_THROW(soc.ReadMem(soc.mem_base() + soc.mem_size() - 8, buf, 8));
}

// A supernode's chip (sw/ops/collectives.h tests): its cores run on a shared image of every
// chip's memory, the host sees only its own chip's.
TEST(SocModelTest, SharedMemoryReachesOtherChipsFromTheCoresOnly) {
  constexpr uint64_t kChip1 = uint64_t{1} << 29, kSize = 1 << 20;
  model::DeviceMemory shared(0, kSize);
  shared.AddRegion(kChip1, kSize);
  SocConfig cfg;
  cfg.cores = 1;
  cfg.mem_base = kChip1;
  cfg.mem_size = kSize;
  SocModel soc(cfg, &shared);
  EXPECT_EQ(soc.mem_base(), kChip1);
  EXPECT_EQ(soc.mem_size(), kSize);
  uint8_t buf[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  EXPECT_THROW(soc.WriteMem(0x100, buf, 8), hal::BusError);  // chip 0: not this host's
  shared.Write(0x100, buf, 8);
  // The core copies chip 0's bytes into chip 1 under a window over both.
  soc.WriteReg(reg::Win(0, 1, reg::kWinBase), 0);
  soc.WriteReg(reg::Win(0, 1, reg::kWinSize), 0x1000);
  GrantAllAndSetRing(&soc, 0, static_cast<uint32_t>(kChip1 + 0x8000), 8);
  isa::VcopyDesc v;
  v.dst_addr = static_cast<uint32_t>(kChip1 + 0x200), v.src0_addr = 0x100;
  v.rows = 1, v.cols = 8, v.dst_stride = v.src0_stride = 8;
  RunProgram(&soc, 0, static_cast<uint32_t>(kChip1 + 0x8000), {v.Pack()});
  uint8_t got[8] = {};
  soc.ReadMem(kChip1 + 0x200, got, 8);
  EXPECT_EQ(std::vector<uint8_t>(got, got + 8), std::vector<uint8_t>(buf, buf + 8));
  model::DeviceMemory other(0, kSize);
  EXPECT_THROW(SocModel(cfg, &other), hal::ConfigError);  // does not hold chip 1's memory
}

}  // namespace
}  // namespace luoshu
