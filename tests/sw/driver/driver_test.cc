// The driver's Driver against the SoC model: probing (and refusing what is not a Luoshu SoC
// of this version), argument checks before anything is written, ring submission with
// wrap-around and overflow, waiting by polling and by interrupt, faults surfaced by name,
// Clear and restart, timeouts that name the core, and the 48-bit counters.
#include "sw/driver/driver.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

#include "sw/isa/builder.h"
#include "sw/model/gemm.h"
#include "sw/model/soc_model.h"
#include "tb/gtest_util.h"
#include "tb/options.h"
#include "tb/workloads/matrices.h"

namespace luoshu::driver {
namespace {

using hal::SocConfig;
using model::SocModel;
using ::testing::AllOf;
using ::testing::HasSubstr;

// A bus whose registers answer from a table (unlisted: `fallback`).
class FakeBus : public HostBus {
 public:
  explicit FakeBus(uint32_t fallback) : fallback_(fallback) {}
  std::map<uint32_t, uint32_t> regs;
  uint32_t ReadReg(uint32_t offset) override {
    ++now_;
    const auto it = regs.find(offset);
    return it == regs.end() ? fallback_ : it->second;
  }
  void WriteReg(uint32_t, uint32_t) override { ++now_; }
  void WriteMem(uint64_t, const void*, uint64_t) override {}
  void ReadMem(uint64_t, void*, uint64_t) override {}
  uint64_t mem_base() const override { return 0; }
  uint64_t mem_size() const override { return 1 << 20; }
  bool WaitIrq(uint64_t max_cycles) override {
    now_ += max_cycles;
    return false;
  }
  uint64_t Now() const override { return now_; }

 private:
  uint32_t fallback_;
  uint64_t now_ = 0;
};

struct Rig {
  explicit Rig(SocConfig cfg = {}) : soc(cfg), drv(&soc) {}
  uint32_t mem() const { return static_cast<uint32_t>(soc.mem_base()); }
  // Everything granted, writable, and a ring of `slots` at the start of memory.
  void Open(int core, uint32_t slots = 16) {
    drv.SetWindows(core, {{soc.mem_base(), soc.mem_size(), true}});
    drv.SetRing(core, mem(), slots);
  }
  SocModel soc;
  Driver drv;
};

// A small GEMM program for `core` at fixed addresses; returns the expected C.
struct SmallGemm {
  SmallGemm(Rig* r, int core, int m, int n, int k, uint64_t seed) : a(m, k), b(k, n), c(m, n) {
    tb::Rng rng(seed);
    a = tb::RandomInt8Matrix(&rng, m, k);
    b = tb::RandomInt8Matrix(&rng, k, n);
    model::GemmInt8(a, b, &c);
    const uint32_t base = r->mem() + 0x10000 + 0x40000 * core;
    p.m = m;
    p.n = n;
    p.k = k;
    p.a_addr = base;
    p.b_addr = base + 0x10000;
    p.c_addr = base + 0x20000;
    p.sync_addr = base + 0x3FFF0;
    p.sync_value = 0xC0DE0000u + core;
    p.dim = r->soc.config().dim;
    r->soc.memory().Write(p.a_addr, a.data(), uint64_t(m) * k);
    r->soc.memory().Write(p.b_addr, b.data(), uint64_t(k) * n);
    program = isa::BuildGemmProgram(p);
  }
  Matrix<int32_t> Result(Rig* r) const {
    Matrix<int32_t> out(c.rows(), c.cols());
    r->soc.memory().ReadWords(p.c_addr, reinterpret_cast<uint32_t*>(out.data()),
                              uint64_t(c.rows()) * c.cols());
    return out;
  }
  Matrix<int8_t> a, b;
  Matrix<int32_t> c;
  isa::GemmProgram p;
  std::vector<isa::Descriptor> program;
};

TEST(DeviceTest, ProbesIdentityAndConfiguration) {
  SocConfig cfg;
  cfg.cores = 2;
  cfg.dim = 8;
  cfg.l0c_bytes = 96 << 10;
  Rig r(cfg);
  EXPECT_EQ(r.drv.cores(), 2);
  EXPECT_EQ(r.drv.info().dim, 8);
  EXPECT_EQ(r.drv.info().version_major, 1u);
  EXPECT_EQ(r.drv.info().channels, 2);
  EXPECT_EQ(r.drv.info().l0a_bytes, 64u << 10);
  EXPECT_EQ(r.drv.info().l0c_bytes, 96u << 10);
  for (int c = 0; c < 2; ++c) EXPECT_EQ(r.drv.Status(c).state, CoreState::kIdle);
}

TEST(DeviceTest, RefusesABusThatIsNoLuoshuOfThisVersion) {
  FakeBus garbage(0xDEADBEEF);
  EXPECT_THAT(tb::ErrorOf<DriverError>([&] { Driver d(&garbage); }),
              AllOf(HasSubstr("0xdeadbeef"), HasSubstr("not a Luoshu SoC")));
  FakeBus v2(0);
  v2.regs[reg::kId] = 0x4C534855;
  v2.regs[reg::kVersion] = 0x00020003;
  EXPECT_THAT(tb::ErrorOf<DriverError>([&] { Driver d(&v2); }),
              AllOf(HasSubstr("2.3"), HasSubstr("speaks 1")));
  FakeBus no_cores(0);
  no_cores.regs[reg::kId] = 0x4C534855;
  no_cores.regs[reg::kVersion] = 0x00010000;
  EXPECT_THAT(tb::ErrorOf<DriverError>([&] { Driver d(&no_cores); }),
              HasSubstr("implausible configuration"));
  EXPECT_THROW(Driver(nullptr), DriverError);
}

TEST(DeviceTest, CoreIndexIsCheckedAgainstConfig) {
  SocConfig cfg;
  cfg.cores = 2;
  Rig r(cfg);
  EXPECT_THAT(tb::ErrorOf<DriverError>([&] { r.drv.Status(2); }),
              AllOf(HasSubstr("no core 2"), HasSubstr("cores 0..1")));
  EXPECT_THROW(r.drv.Clear(-1), DriverError);
  EXPECT_THROW(r.drv.SetRing(3, r.mem(), 4), DriverError);
  EXPECT_THROW(r.drv.Counter(2, CounterSel::kMacs), DriverError);
  EXPECT_THROW(r.drv.Wait(2, 10), DriverError);
}

// The model is one chip: CONFIG.LINKS = 0, every link block reads 0, and the driver refuses
// every link port, saying why. (Chips with links: tests/system/multi_chip_test.cc.)
TEST(DeviceTest, LinkPortsAreCheckedAgainstConfig) {
  Rig r(SocConfig{});
  EXPECT_EQ(r.drv.links(), 0);
  EXPECT_EQ(r.drv.info().version_minor, 1u) << "1.1: the link blocks";
  EXPECT_THAT(
      tb::ErrorOf<DriverError>([&] { r.drv.LinkCounter(0, driver::LinkCounterSel::kLaneWords); }),
      AllOf(HasSubstr("no link port 0"), HasSubstr("CONFIG.LINKS = 0")));
  EXPECT_THROW(r.drv.AllLinkCounters(-1), DriverError);
  for (int l = 0; l < reg::kMaxLinks; ++l) {
    r.soc.WriteReg(reg::Link(l, reg::kLinkCntSel), 2);
    EXPECT_EQ(r.soc.ReadReg(reg::Link(l, reg::kLinkCntSel)), 2u) << "storage, as in the RTL";
    EXPECT_EQ(r.soc.ReadReg(reg::Link(l, reg::kLinkCntLo)), 0u);
    EXPECT_EQ(r.soc.ReadReg(reg::Link(l, reg::kLinkCntHi)), 0u);
  }
}

TEST(DeviceTest, BadWindowsAreRefusedBeforeAnyWrite) {
  Rig r;
  r.drv.SetWindows(0, {{0x1000, 0x100, true}, {0x8000, 0x10, false}});
  const std::vector<std::vector<Window>> bad = {
      {{0, 1, false}, {0, 1, false}, {0, 1, false}, {0, 1, false}, {0, 1, false}},  // 5 windows
      {{0x1000, 0, false}},                                                         // empty
      {{0, uint64_t{1} << 32, false}},                                              // 4 GiB
      {{0xFFFFFF00, 0x200, true}},  // leaves the address space
  };
  for (const auto& w : bad) {
    EXPECT_THROW(r.drv.SetWindows(0, w), DriverError);
    EXPECT_EQ(r.soc.ReadReg(reg::Win(0, 0, reg::kWinBase)), 0x1000u);
    EXPECT_EQ(r.soc.ReadReg(reg::Win(0, 0, reg::kWinSize)), 0x100u);
    EXPECT_EQ(r.soc.ReadReg(reg::Win(0, 1, reg::kWinFlags)), 0u);
  }
  EXPECT_EQ(r.soc.ReadReg(reg::Win(0, 0, reg::kWinFlags)), 1u);
  EXPECT_EQ(r.soc.ReadReg(reg::Win(0, 2, reg::kWinSize)), 0u);
}

TEST(DeviceTest, BadRingsAreRefusedBeforeAnyWrite) {
  Rig r;
  const uint64_t end = r.soc.mem_base() + r.soc.mem_size();
  EXPECT_THAT(tb::ErrorOf<DriverError>([&] { r.drv.SetRing(0, r.mem() + 16, 4); }),
              HasSubstr("32-byte aligned"));
  EXPECT_THROW(r.drv.SetRing(0, r.mem(), 1), DriverError);
  EXPECT_THROW(r.drv.SetRing(0, r.mem() - 64, 4), DriverError);
  EXPECT_THROW(r.drv.SetRing(0, static_cast<uint32_t>(end - 64), 3), DriverError);
  EXPECT_EQ(r.soc.ReadReg(reg::Core(0, reg::kRingSize)), 0u);
  EXPECT_EQ(r.soc.ReadReg(reg::Core(0, reg::kRingBase)), 0u);
  EXPECT_THAT(tb::ErrorOf<DriverError>([&] { r.drv.Submit(0, {}); }), HasSubstr("SetRing first"));
  r.drv.SetRing(0, static_cast<uint32_t>(end - 64), 2);
  EXPECT_EQ(r.soc.core(0).ring_size(), 2u);
}

TEST(DeviceTest, SubmitWaitsByPollingAndByInterrupt) {
  for (bool irq : {false, true}) {
    SCOPED_TRACE(irq ? "interrupt" : "polling");
    SocConfig cfg;
    cfg.dim = 8;
    Rig r(cfg);
    r.Open(1, 64);
    if (irq) r.drv.SetInterruptMask(1, kIntSync | kIntFault);
    SmallGemm g(&r, 1, 20, 13, 40, 5);
    const uint64_t t0 = r.soc.Now();
    r.drv.Submit(1, g.program);
    const CoreStatus s = r.drv.Wait(1, 1'000'000);
    EXPECT_EQ(s.state, CoreState::kIdle) << s.ToString();
    EXPECT_EQ(s.head, g.program.size());
    EXPECT_EQ(s.tail, g.program.size());
    EXPECT_GT(r.soc.Now(), t0);
    EXPECT_EQ(g.Result(&r), g.c);
    EXPECT_EQ(r.soc.memory().Read32(g.p.sync_addr), g.p.sync_value);
    EXPECT_EQ(r.drv.InterruptStatus(1), kIntSync);  // the SYNC's irq, kept until acked
    r.drv.AckInterrupts(1, kIntSync);
    EXPECT_EQ(r.drv.InterruptStatus(1), 0u);
  }
}

TEST(DeviceTest, RingWrapsAroundAndRefusesOverflow) {
  Rig r;
  r.Open(0, 5);
  EXPECT_EQ(r.drv.FreeSlots(0), 4u);
  const uint32_t word = r.mem() + 0x1000;
  // A 64 KiB LOAD first keeps the core busy long enough for the overflow check below.
  auto sync = [&](int n, uint32_t first) {
    isa::ProgramBuilder b;
    isa::LoadDesc load;
    load.src_addr = r.mem();
    load.src_stride = load.row_bytes = load.valid_cols = 256;
    load.rows = load.valid_rows = 256;
    b.Load(load);
    for (int i = 1; i < n; ++i) b.Sync(word + 4 * i, first + i, false);
    return b.program();
  };
  EXPECT_THAT(tb::ErrorOf<DriverError>([&] { r.drv.Submit(0, sync(5, 0)); }),
              AllOf(HasSubstr("5 descriptors"), HasSubstr("4 of 5 slots are free")));
  EXPECT_EQ(r.soc.core(0).tail(), 0u) << "nothing was submitted";
  uint32_t value = 100;
  for (int round = 0; round < 7; ++round) {  // 3 per round: wraps several times
    r.drv.Submit(0, sync(3, value));
    EXPECT_EQ(r.drv.FreeSlots(0), 1u);
    EXPECT_THROW(r.drv.Submit(0, sync(2, 0)), DriverError);
    const CoreStatus s = r.drv.Wait(0, 100000);
    EXPECT_EQ(s.state, CoreState::kIdle);
    EXPECT_EQ(s.head, (3u * (round + 1)) % 5);
    for (int i = 1; i < 3; ++i) EXPECT_EQ(r.soc.memory().Read32(word + 4 * i), value + i);
    value += 3;
  }
}

TEST(DeviceTest, FaultsAreReportedByName) {
  struct Case {
    const char* name;
    isa::Fault fault;
    uint32_t index;
  };
  Rig r;
  const uint32_t word = r.mem() + 0x1000;
  isa::Descriptor bad_opcode{};
  bad_opcode[0] = 0x2A;
  isa::ProgramBuilder ok;
  ok.Sync(word, 1, false);
  isa::ProgramBuilder outside;  // writes past the one window below
  outside.Sync(word, 1, false).Sync(r.mem() + 0x200000, 2, false);
  isa::ProgramBuilder readonly;
  readonly.Sync(r.mem() + 0x100, 3, false);
  for (const auto& [program, fault, index, windows] :
       {std::tuple{std::vector<isa::Descriptor>{ok.program()[0], bad_opcode},
                   isa::Fault::kIllegalOpcode, 1u, std::vector<Window>{{r.mem(), 0x100000, true}}},
        std::tuple{outside.program(), isa::Fault::kAccess, 1u,
                   std::vector<Window>{{r.mem(), 0x100000, true}}},
        std::tuple{readonly.program(), isa::Fault::kAccess, 0u,
                   std::vector<Window>{{r.mem(), 0x100000, false}}},
        // The ring itself outside every window: the descriptor fetch faults.
        std::tuple{ok.program(), isa::Fault::kAccess, 0u,
                   std::vector<Window>{{r.mem() + 0x1000, 0x1000, true}}}}) {
    SCOPED_TRACE(isa::FaultName(fault));
    r.drv.Clear(0);
    r.drv.AckInterrupts(0, kIntFault | kIntCtlError | kIntSync);
    r.drv.SetWindows(0, windows);
    r.drv.SetRing(0, r.mem(), 8);
    r.drv.SetInterruptMask(0, kIntFault);
    r.drv.Submit(0, program);
    const CoreStatus s = r.drv.Wait(0, 100000);
    EXPECT_EQ(s.state, CoreState::kFaulted);
    EXPECT_EQ(s.fault, fault);
    EXPECT_EQ(s.fault_name, isa::FaultName(fault));
    EXPECT_EQ(s.fault_index, index);
    EXPECT_THAT(s.ToString(), HasSubstr(std::string("fault ") + isa::FaultName(fault)));
    EXPECT_EQ(r.drv.InterruptStatus(0) & kIntFault, kIntFault);
    EXPECT_EQ(r.soc.core(0).fault().code, fault) << "the driver reads what the core latched";
  }
}

TEST(DeviceTest, ClearRecoversAFaultedCore) {
  Rig r;
  r.Open(0, 8);
  isa::Descriptor bad{};
  bad[0] = 0;
  r.drv.Submit(0, {bad});
  EXPECT_EQ(r.drv.Wait(0, 100000).state, CoreState::kFaulted);
  const uint32_t word = r.mem() + 0x2000;
  isa::ProgramBuilder b;
  b.Sync(word, 77, true);
  EXPECT_THAT(tb::ErrorOf<DriverError>([&] { r.drv.Submit(0, b.program()); }),
              AllOf(HasSubstr("core 0 faulted"), HasSubstr("ILLEGAL_OPCODE"), HasSubstr("Clear")));
  EXPECT_THAT(tb::ErrorOf<DriverError>([&] { r.drv.SetRing(0, r.mem(), 8); }),
              HasSubstr("Clear() it first"));
  r.drv.Clear(0);
  r.drv.AckInterrupts(0, kIntFault);
  EXPECT_EQ(r.drv.InterruptStatus(0), 0u);
  EXPECT_EQ(r.drv.Status(0).fault, isa::Fault::kNone);
  r.drv.SetRing(0, r.mem(), 8);
  r.drv.Submit(0, b.program());
  EXPECT_EQ(r.drv.Wait(0, 100000).state, CoreState::kIdle);
  EXPECT_EQ(r.soc.memory().Read32(word), 77u);
}

TEST(DeviceTest, BlockedCoreTimesOutNamingItAndRefusesANewRing) {
  Rig r;
  r.Open(2, 8);
  isa::MatmulDesc mm;  // waits for operands no LOAD ever signals
  mm.wait_mask = isa::kLd2Ex;
  mm.m = mm.n = 16;
  mm.k = 16;
  isa::ProgramBuilder b;
  b.Matmul(mm);
  r.drv.SetInterruptMask(2, kIntSync);
  r.drv.Submit(2, b.program());
  const uint64_t t0 = r.soc.Now();
  EXPECT_THAT(tb::ErrorOf<DriverError>([&] { r.drv.Wait(2, 5000); }),
              AllOf(HasSubstr("core 2"), HasSubstr("5000 cycles"), HasSubstr("blocked"),
                    HasSubstr("head 1, tail 1")));
  EXPECT_GE(r.soc.Now() - t0, 5000u);
  EXPECT_THAT(tb::ErrorOf<DriverError>([&] { r.drv.SetRing(2, r.mem(), 8); }),
              AllOf(HasSubstr("refused"), HasSubstr("CTL_ERROR")));
  EXPECT_EQ(r.drv.InterruptStatus(2) & kIntCtlError, 0u) << "the driver acknowledged it";
  r.drv.Clear(2);
  r.drv.SetRing(2, r.mem(), 8);
  EXPECT_EQ(r.drv.Wait(2, 100).state, CoreState::kIdle);
}

TEST(DeviceTest, CountersAreThe48BitCoreCounters) {
  SocConfig cfg;
  cfg.dim = 4;
  Rig r(cfg);
  r.Open(3, 64);
  SmallGemm g(&r, 3, 9, 7, 11, 9);
  r.drv.Submit(3, g.program);
  r.drv.Wait(3, 1'000'000);
  const model::CoreCounters& want = r.soc.core(3).counters();
  EXPECT_EQ(r.drv.Counter(3, CounterSel::kMacs), want.macs);
  EXPECT_EQ(r.drv.Counter(3, CounterSel::kMacs), 12u * 8 * 11) << "Dim-padded m x n x k";
  EXPECT_EQ(r.drv.Counter(3, CounterSel::kFetched), g.program.size());
  EXPECT_EQ(r.drv.Counter(3, CounterSel::kRetiredSeq), 1u);
  EXPECT_EQ(r.drv.Counter(3, CounterSel::kRetiredSt), want.retired[2]);
  EXPECT_EQ(r.drv.Counter(3, CounterSel::kBytesRead), want.bytes_read);
  EXPECT_EQ(r.drv.Counter(3, CounterSel::kBytesWritten), 9u * 7 * 4 + 4);
  EXPECT_GT(r.drv.Counter(3, CounterSel::kBusyEx), 0u);
  EXPECT_EQ(r.drv.Counter(0, CounterSel::kMacs), 0u) << "another core did nothing";
  r.soc.WaitIrq(uint64_t{3} << 32);  // past 2^32 cycles: the high half matters
  const uint64_t cycles = r.drv.Counter(3, CounterSel::kCycles);
  EXPECT_EQ(cycles >> 32, 3u);
  EXPECT_LE(cycles, r.soc.Now());
  EXPECT_THROW(r.drv.Counter(3, static_cast<CounterSel>(16)), DriverError);
}

TEST(DeviceTest, InterruptMaskTakesOnlyInterruptBits) {
  Rig r;
  r.drv.SetInterruptMask(1, kIntFault | kIntSync);
  EXPECT_EQ(r.drv.InterruptMask(1), kIntFault | kIntSync);
  EXPECT_THROW(r.drv.SetInterruptMask(1, 0x10), DriverError);
}

TEST(DeviceTest, SeveralCoresRunIndependently) {
  tb::Rng rng(tb::SeedFromEnv(17));
  SocConfig cfg;
  cfg.dim = 8;
  Rig r(cfg);
  std::vector<std::unique_ptr<SmallGemm>> g;
  for (int c = 0; c < 4; ++c) {
    r.Open(c, 256);
    r.drv.SetRing(c, r.mem() + 0x2000 * c, 256);
    r.drv.SetInterruptMask(c, kIntSync | kIntFault);
    g.push_back(std::make_unique<SmallGemm>(&r, c, static_cast<int>(rng.Uniform(1, 40)),
                                            static_cast<int>(rng.Uniform(1, 40)),
                                            static_cast<int>(rng.Uniform(1, 60)), rng.Bits64()));
  }
  for (int c = 0; c < 4; ++c) r.drv.Submit(c, g[c]->program);
  for (int c = 3; c >= 0; --c) {
    EXPECT_EQ(r.drv.Wait(c, 1'000'000).state, CoreState::kIdle);
    EXPECT_EQ(g[c]->Result(&r), g[c]->c) << "core " << c;
  }
}

}  // namespace
}  // namespace luoshu::driver
