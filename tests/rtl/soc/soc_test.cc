// The whole SoC (rtl/soc/luoshu_soc.sv) through the host driver and runtime, in both
// configurations: GEMMs split across cores bit-exact against the model, concurrent command
// streams, random programs under memory stalls on every channel, interrupts (masking,
// write-1-to-clear), the generated register checks, and fault containment (one core faults,
// the others finish; the host clears and restarts the faulted one).
//
// The golden model is SocModel: the same driver calls on it must give the same device memory
// image, core status, interrupt status and counters 0-7.
#include "tb/soc/soc.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "sw/driver/driver.h"
#include "sw/hal/reg_map.h"
#include "sw/isa/builder.h"
#include "sw/model/gemm.h"
#include "sw/model/soc_model.h"
#include "sw/ops/gemm.h"
#include "sw/runtime/device.h"
#include "tb/checkers/reg_check.h"
#include "tb/gtest_util.h"
#include "tb/random.h"
#include "tb/workloads/matrices.h"
#include "tb/workloads/random_program.h"
#include "tests/sw/runtime/timeline_checks.h"

namespace luoshu {
namespace {

namespace reg = hal::reg;
using driver::CounterSel;
using driver::Driver;
using driver::kIntCtlError;
using driver::kIntFault;
using driver::kIntSync;
using hal::CoreState;
using isa::Fault;
using tb::Rng;
using tb::Soc;
using tb::SocOptions;

constexpr uint64_t kMemSize = 16ull << 20;  // device memory [0, 16 MiB): SoC and model alike
constexpr uint64_t kTimeout = 4'000'000;    // cycles for one core to finish its work

// Core c owns a 1 MiB slice of device memory and is granted windows into it only:
// ring (read), A and B (read), C (write), bias + SYNC word (write).
constexpr uint32_t kSliceBytes = 1 << 20;
constexpr uint32_t kA = 0x01000, kB = 0x20000, kC = 0x40000, kBias = 0x80000, kSync = 0x90000;
constexpr uint32_t kRing = 0xc0000, kRingSlots = 128;
constexpr uint32_t kScratch = 0xf0000;  // register checks: a ring and SYNC word of their own

uint32_t Slice(int core) { return kSliceBytes * (4 + static_cast<uint32_t>(core)); }

std::vector<hal::Window> SliceWindows(int core) {
  const uint64_t s = Slice(core);
  return {{s + kRing, kRingSlots * isa::kDescriptorBytes, false},
          {s + kA, kB + tb::kStreamBSpan - kA, false},
          {s + kC, tb::kStreamCSpan, true},
          {s + kBias, kSync + 4 - kBias, true}};
}

std::unique_ptr<Soc> MakeSoc(const std::string& config, const tb::MemSlaveConfig& mem = {},
                             uint64_t seed = tb::SeedFromEnv(1)) {
  SocOptions o;
  o.config = config;
  o.memory = mem;
  o.mem_base = 0;
  o.mem_size = kMemSize;
  o.sim_name = tb::CurrentTestName();
  o.seed = seed;
  return Soc::Create(o);
}

// The functional model of the same SoC, over the same device memory range.
std::unique_ptr<model::SocModel> MakeModel(const hal::SocConfig& c) {
  hal::SocConfig m = c;
  m.mem_base = 0;
  m.mem_size = kMemSize;
  return std::make_unique<model::SocModel>(m);
}

model::CoreConfig CoreConfigOf(const hal::SocConfig& c) {
  model::CoreConfig m;
  m.dim = c.dim;
  m.l0a_bytes = c.l0a_bytes;
  m.l0b_bytes = c.l0b_bytes;
  m.l0c_bytes = c.l0c_bytes;
  return m;
}

std::vector<uint8_t> RandomBytes(Rng* rng, size_t n) {
  std::vector<uint8_t> v(n);
  for (auto& b : v) b = static_cast<uint8_t>(rng->Bits64());
  return v;
}

std::string Hex(uint64_t v) {
  std::ostringstream s;
  s << "0x" << std::hex << v;
  return s.str();
}

// ---------------------------------------------------------------- jobs on a HostBus

// Bytes to put into device memory before anything runs.
struct MemoryInit {
  uint32_t addr = 0;
  std::vector<uint8_t> bytes;
};

// One core's work: programs submitted one after the other on its ring (each waited for).
struct Job {
  int core = 0;
  std::vector<std::vector<isa::Descriptor>> programs;
  uint32_t ring_slots = kRingSlots;
  uint32_t int_mask = 0;
};

// What software sees of a core when its work is over.
struct CoreResult {
  driver::CoreStatus status;
  uint32_t int_status = 0;
  std::array<uint64_t, 8> counters{};  // 0-7: retired LD/EX/ST/SEQ, fetched, MACs, bytes
};

void Start(Driver* dev, const Job& j) {
  dev->SetWindows(j.core, SliceWindows(j.core));
  dev->SetRing(j.core, Slice(j.core) + kRing, j.ring_slots);
  dev->AckInterrupts(j.core, reg::kIntAll);
  dev->SetInterruptMask(j.core, j.int_mask);
}

CoreResult Observe(Driver* dev, int core, const driver::CoreStatus& status) {
  CoreResult r;
  r.status = status;
  r.int_status = dev->InterruptStatus(core);
  for (int i = 0; i < 8; ++i) r.counters[i] = dev->Counter(core, static_cast<CounterSel>(i));
  return r;
}

// Runs `jobs` concurrently through the driver on `bus`: every core's first program is
// submitted before any is waited for; then, round by round, each core's next program once
// its previous one has finished (or faulted: then it gets no more).
std::vector<CoreResult> RunJobs(driver::HostBus* bus, const std::vector<MemoryInit>& init,
                                const std::vector<Job>& jobs,
                                const std::function<void()>& before_start = {}) {
  for (const auto& m : init) bus->WriteMem(m.addr, m.bytes.data(), m.bytes.size());
  Driver dev(bus);
  for (const Job& j : jobs) Start(&dev, j);
  if (before_start) before_start();
  size_t rounds = 0;
  for (const Job& j : jobs) rounds = std::max(rounds, j.programs.size());
  std::vector<driver::CoreStatus> last(jobs.size());
  for (size_t r = 0; r < rounds; ++r) {
    for (size_t i = 0; i < jobs.size(); ++i) {
      if (r < jobs[i].programs.size() && last[i].state != CoreState::kFaulted) {
        dev.Submit(jobs[i].core, jobs[i].programs[r]);
      }
    }
    for (size_t i = 0; i < jobs.size(); ++i) last[i] = dev.Wait(jobs[i].core, kTimeout);
  }
  std::vector<CoreResult> results;
  for (size_t i = 0; i < jobs.size(); ++i) results.push_back(Observe(&dev, jobs[i].core, last[i]));
  return results;
}

// RTL against model, core by core. HEAD and the counters are compared unless the core faulted
// (how far decode and the units got before the fault stopped them is timing, not function).
void ExpectSameResults(const std::vector<CoreResult>& rtl, const std::vector<CoreResult>& ref) {
  ASSERT_EQ(rtl.size(), ref.size());
  for (size_t i = 0; i < rtl.size(); ++i) {
    const CoreResult &a = rtl[i], &b = ref[i];
    SCOPED_TRACE("RTL: " + a.status.ToString() + "; model: " + b.status.ToString());
    EXPECT_EQ(a.status.state, b.status.state);
    EXPECT_EQ(a.status.fault, b.status.fault);
    EXPECT_EQ(a.status.fault_index, b.status.fault_index);
    EXPECT_EQ(a.int_status, b.int_status);
    if (b.status.state == CoreState::kFaulted) continue;
    EXPECT_EQ(a.status.head, b.status.head);
    for (int c = 0; c < 8; ++c) EXPECT_EQ(a.counters[c], b.counters[c]) << "counter " << c;
  }
}

// The whole device memory image, but for [skip, skip + skip_len).
void ExpectSameImage(const model::DeviceMemory& rtl, const model::DeviceMemory& ref,
                     uint64_t skip = 0, uint64_t skip_len = 0) {
  ASSERT_EQ(rtl.size(), ref.size());
  std::vector<uint8_t> a(rtl.size()), b(ref.size());
  rtl.Read(rtl.base(), a.data(), a.size());
  ref.Read(ref.base(), b.data(), b.size());
  for (uint64_t i = skip; i < skip + skip_len; ++i) a[i - rtl.base()] = b[i - rtl.base()];
  const auto [ia, ib] = std::mismatch(a.begin(), a.end(), b.begin());
  if (ia != a.end()) {
    const uint64_t addr = rtl.base() + static_cast<uint64_t>(ia - a.begin());
    size_t differ = 0;
    for (size_t i = 0; i < a.size(); ++i) differ += a[i] != b[i];
    ADD_FAILURE() << "device memory differs first at " << Hex(addr) << " (slice of core "
                  << (static_cast<int64_t>(addr / kSliceBytes) - 4) << "): RTL " << int(*ia)
                  << ", model " << int(*ib) << "; " << differ << " bytes differ";
  }
}

// Random command streams (tb/workloads/random_program.h) on every core of `soc` and on the model:
// `submissions` programs per core through a ring small enough to wrap, a random interrupt mask
// per core (Wait sleeps on the line for those), random A, B and bias per slice.
void RandomStreamsMatchModel(Soc* soc, Rng* rng, int submissions) {
  const auto& cfg = soc->config();
  const model::CoreConfig core_cfg = CoreConfigOf(cfg);
  std::vector<MemoryInit> init;
  std::vector<Job> jobs;
  for (int c = 0; c < cfg.cores; ++c) {
    const uint32_t s = Slice(c);
    init.push_back({s + kA, RandomBytes(rng, kB + tb::kStreamBSpan - kA)});
    init.push_back({s + kBias, RandomBytes(rng, tb::kStreamBiasSpan)});
    Job j;
    j.core = c;
    j.ring_slots = 24;  // a stream has up to 21 descriptors: the second one wraps
    j.int_mask = rng->Chance(0.5) ? kIntSync | kIntFault : 0;
    for (int p = 0; p < submissions; ++p) {
      const tb::StreamLayout at{s + kA,    s + kB,    s + kC,
                                s + kBias, s + kSync, 0x5eed0000u | uint32_t(c) << 8 | uint32_t(p)};
      j.programs.push_back(
          tb::RandomCommandStream(core_cfg, at, static_cast<int>(rng->Uniform(1, 5)), rng));
    }
    jobs.push_back(j);
  }
  const uint64_t start = soc->Now();
  const auto rtl = RunJobs(soc, init, jobs);
  const uint64_t cycles = soc->Now() - start;
  auto ref_soc = MakeModel(cfg);
  const auto ref = RunJobs(ref_soc.get(), init, jobs);
  ExpectSameResults(rtl, ref);
  ExpectSameImage(soc->memory(), ref_soc->memory());
  for (int c = 0; c < cfg.cores; ++c) {
    EXPECT_EQ(rtl[c].status.state, CoreState::kIdle) << rtl[c].status.ToString();
    EXPECT_EQ(soc->memory().Read32(Slice(c) + kSync),
              0x5eed0000u | uint32_t(c) << 8 | uint32_t(submissions - 1))
        << "core " << c << "'s last SYNC word";
    EXPECT_GT(rtl[c].counters[static_cast<int>(CounterSel::kRetiredSt)], 0u);
  }
  EXPECT_TRUE(soc->MemoryIdle());
  ::testing::Test::RecordProperty("cycles", std::to_string(cycles));
}

// ---------------------------------------------------------------- GEMM

class SocGemm : public ::testing::TestWithParam<std::string> {};

TEST_P(SocGemm, SplitAcrossCoresMatchesModel) {
  auto owned = MakeSoc(GetParam());
  Soc* soc = owned.get();
  luoshu::Device dev(std::move(owned));
  Rng rng(tb::SeedFromEnv(7));
  const int m = 96, n = 80, k = 72;  // edge tiles in every dimension
  const auto a = tb::RandomInt8Matrix(&rng, m, k);
  const auto b = tb::RandomInt8Matrix(&rng, k, n);
  Buffer da = dev.Upload(a), db = dev.Upload(b), dc = dev.Alloc({m, n}, DType::kInt32);
  ops::GemmOptions o;
  o.split = ops::Split::kRows;
  const auto launch = ops::Gemm(dev, da, db, &dc, {}, o);
  dev.Synchronize();
  Matrix<int32_t> want(m, n);
  model::GemmInt8(a, b, &want);
  EXPECT_TRUE(dc.Download<int32_t>() == want);
  EXPECT_EQ(int(launch.parts.size()), soc->config().cores);
  EXPECT_TRUE(soc->MemoryIdle());
}

// The built configurations (hal::SocConfigs()) are what the Verilated SoCs report.
TEST_P(SocGemm, ConfigurationMatchesRegisters) {
  auto soc = MakeSoc(GetParam());
  Driver drv(soc.get());
  const hal::SocConfig& c = hal::FindSocConfig(GetParam());
  EXPECT_EQ(drv.info().cores, c.cores);
  EXPECT_EQ(drv.info().channels, c.channels);
  EXPECT_EQ(drv.info().dim, c.dim);
  EXPECT_EQ(drv.info().l0a_bytes, c.l0a_bytes);
  EXPECT_EQ(drv.info().l0b_bytes, c.l0b_bytes);
  EXPECT_EQ(drv.info().l0c_bytes, c.l0c_bytes);
}

INSTANTIATE_TEST_SUITE_P(Configs, SocGemm, ::testing::Values("small", "default"),
                         [](const auto& info) { return info.param; });

// ---------------------------------------------------------------- timelines

class SocTimeline : public ::testing::TestWithParam<std::string> {};

// A GEMM with edge tiles and several K steps (the double-buffer tokens are used) on every
// core, checked against the model.
void RunTimelineGemm(luoshu::Device& dev, uint64_t seed) {
  Rng rng(seed);
  const int m = 96, n = 80, k = 72;
  const auto a = tb::RandomInt8Matrix(&rng, m, k);
  const auto b = tb::RandomInt8Matrix(&rng, k, n);
  Buffer da = dev.Upload(a), db = dev.Upload(b), dc = dev.Alloc({m, n}, DType::kInt32);
  ops::GemmOptions o;
  o.split = ops::Split::kRows;
  o.tile_k = 32;
  ops::Gemm(dev, da, db, &dc, {}, o);
  dev.Synchronize();
  Matrix<int32_t> want(m, n);
  model::GemmInt8(a, b, &want);
  EXPECT_TRUE(dc.Download<int32_t>() == want);
}

// The cores' measured unit events (ai_core cmd_start_o / cmd_done_o through the SoC): one
// start and one finish per command on its queue, queues one command at a time, never before
// the doorbell, every token wait after the signal it takes (MATMUL after its LOAD of B,
// STORE after its MATMUL), and the done pulses are exactly the RETIRED counters' increments.
TEST_P(SocTimeline, GemmSlicesFollowQueuesTokensAndRetiredCounters) {
  auto owned = MakeSoc(GetParam());
  Soc* soc = owned.get();
  luoshu::Device dev(std::move(owned));
  const int cores = soc->config().cores;
  auto retired = [&](int c, int q) {
    return dev.driver().Counter(c, static_cast<CounterSel>(int(CounterSel::kRetiredLd) + q));
  };
  std::vector<std::array<uint64_t, 4>> before(cores);
  for (int c = 0; c < cores; ++c) {
    for (int q = 0; q < 4; ++q) before[c][q] = retired(c, q);
  }
  dev.set_command_log(true);
  ASSERT_TRUE(soc->RecordUnitEvents(true));
  EXPECT_TRUE(soc->UnitEventsExact());
  RunTimelineGemm(dev, tb::SeedFromEnv(11));
  ASSERT_TRUE(soc->RecordUnitEvents(false));
  const auto log = dev.TakeCommandLog();
  const auto events = soc->TakeUnitEvents();
  ASSERT_EQ(int(log.size()), cores) << "every core got work";
  timeline_test::TimelineCoverage cov;
  timeline_test::ExpectTimelineFollowsProgram(log, events, &cov);
  EXPECT_GT(cov.matmul_after_load, 0u);
  EXPECT_GT(cov.store_after_matmul, 0u);
  for (int c = 0; c < cores; ++c) {
    for (int q = 0; q < 4; ++q) {
      const auto done = std::count_if(events.begin(), events.end(), [&](const auto& e) {
        return e.core == c && e.queue == q && e.finish;
      });
      EXPECT_EQ(uint64_t(done), retired(c, q) - before[c][q])
          << "core " << c << " queue " << q << ": done pulses vs the RETIRED counter";
    }
  }
}

// Recording is off by default and can be switched off again; recording changes no timing.
TEST_P(SocTimeline, NoEventsUnlessRecordingAndNoChangeInCycles) {
  uint64_t plain_cycles = 0;
  {  // One Verilated SoC at a time: Verilator 5.006 frees a model's scopes through the
     // thread's last context, which must still be alive.
    auto owned = MakeSoc(GetParam());
    Soc* plain = owned.get();
    luoshu::Device dev(std::move(owned));
    RunTimelineGemm(dev, 12);
    EXPECT_TRUE(plain->TakeUnitEvents().empty()) << "never switched on";
    plain_cycles = plain->Now();
  }
  auto owned = MakeSoc(GetParam());
  Soc* soc = owned.get();
  luoshu::Device dev(std::move(owned));
  ASSERT_TRUE(soc->RecordUnitEvents(true));
  RunTimelineGemm(dev, 12);
  EXPECT_EQ(soc->Now(), plain_cycles) << "recording must not change behaviour";
  ASSERT_TRUE(soc->RecordUnitEvents(false));
  EXPECT_FALSE(soc->TakeUnitEvents().empty());
  RunTimelineGemm(dev, 13);
  EXPECT_TRUE(soc->TakeUnitEvents().empty()) << "switched off again";
}

INSTANTIATE_TEST_SUITE_P(Configs, SocTimeline, ::testing::Values("small", "default"),
                         [](const auto& info) { return info.param; });

// ---------------------------------------------------------------- registers

class SocRegisters : public ::testing::TestWithParam<std::string> {};

// Out of reset, every register of the map reads what the model's does.
TEST_P(SocRegisters, ResetImageMatchesModel) {
  auto soc = MakeSoc(GetParam());
  auto ref = MakeModel(soc->config());
  for (const auto& r : regs::kRegisters) {
    uint32_t v = 0;
    EXPECT_EQ(soc->RawRead(r.offset, &v), 0u) << r.name;
    EXPECT_EQ(v, ref->ReadReg(r.offset)) << r.name;
  }
  const Driver dev(soc.get());
  EXPECT_EQ(dev.info().cores, soc->config().cores);
  EXPECT_EQ(dev.info().channels, soc->config().channels);
  EXPECT_EQ(dev.info().dim, soc->config().dim);
  EXPECT_EQ(dev.info().l0c_bytes, soc->config().l0c_bytes);
}

// Makes core `c` set `bits` of its INT_STATUS through what the core does, and leaves it idle,
// cleared, with no windows: SYNC from a one-SYNC ring, FAULT from a ring fetch outside every
// window (then Clear: the sticky bit stays), CTL_ERROR from a refused RING_SIZE.
void SetInterruptBitsThroughCore(Soc* soc, Driver* dev, int c, uint32_t bits) {
  const uint32_t ring = Slice(c) + kScratch, word = ring + 0x100;
  dev->Clear(c);  // whatever the register checks started
  if (bits & kIntSync) {
    dev->SetWindows(c, {{ring, 0x1000, true}});
    dev->SetRing(c, ring, 2);
    isa::SyncDesc s;
    s.addr = word;
    s.value = 0x5e7;
    s.irq = 1;
    dev->Submit(c, {s.Pack()});
    const auto st = dev->Wait(c, 100000);
    EXPECT_EQ(st.state, CoreState::kIdle) << st.ToString();
    EXPECT_EQ(soc->memory().Read32(word), 0x5e7u);
  }
  if (bits & kIntFault) {
    dev->SetWindows(c, {});
    dev->SetRing(c, ring, 2);
    isa::SyncDesc s;
    dev->Submit(c, {s.Pack()});
    const auto st = dev->Wait(c, 100000);
    EXPECT_EQ(st.fault, Fault::kAccess) << st.ToString();
    dev->Clear(c);
  }
  dev->SetWindows(c, {});
  if (bits & kIntCtlError) {
    soc->WriteReg(reg::Core(c, reg::kRingSize), 0);
    soc->sim().Step(4);  // the refusal reaches INT_STATUS a few cycles after the write
  }
}

// CheckRegisterAccess (tb/checkers/reg_check.h) over every register of the map on the whole SoC:
// reset values, access types, strobes, restore, SLVERR on unmapped offsets. Counters are live;
// CLEAR is not pulsed by the checker; INT_STATUS's w1c bits are set by making the core raise
// them. Core blocks beyond CONFIG.CORES read 0 in every status field, and so do the link
// blocks of these one-chip SoCs.
TEST_P(SocRegisters, TableDrivenAccessChecksOnEveryRegister) {
  auto soc = MakeSoc(GetParam());
  Rng rng(tb::SeedFromEnv(11));
  const int cores = soc->config().cores;
  auto core_of = [](uint32_t offset) {
    return offset < reg::kCoreBase ? -1 : int((offset - reg::kCoreBase) / reg::kCoreStride);
  };
  auto field_of = [](uint32_t offset) { return (offset - reg::kCoreBase) % reg::kCoreStride; };
  std::unique_ptr<Driver> dev;  // probing reads registers: only after the reset checks
  tb::RegCheckHooks hooks;
  hooks.seed = rng.Bits64();
  hooks.write_pulses = false;
  hooks.is_volatile = [&](const regs::RegisterInfo& r) {
    return core_of(r.offset) >= 0 &&
           (field_of(r.offset) == reg::kCntLo || field_of(r.offset) == reg::kCntHi);
  };
  int w1c_sets = 0;
  hooks.set_w1c = [&](const regs::RegisterInfo& r, uint32_t bits) {
    const int c = core_of(r.offset);
    if (c < 0 || c >= cores || field_of(r.offset) != reg::kIntStatus) return false;
    if (!dev) dev = std::make_unique<Driver>(soc.get());
    SetInterruptBitsThroughCore(soc.get(), dev.get(), c, bits);
    ++w1c_sets;
    return true;
  };
  const auto errors = tb::CheckRegisterAccess(
      [&](uint32_t a, uint32_t* data) { return soc->RawRead(a, data); },
      [&](uint32_t a, uint32_t data, unsigned strb) { return soc->RawWrite(a, data, strb); },
      regs::kRegisters, hooks);
  for (const std::string& e : errors) ADD_FAILURE() << e;
  EXPECT_GE(w1c_sets, 2 * cores) << "the w1c checks ran on every present core's INT_STATUS";

  // Absent core blocks: storage like any other, but every status input reads 0, even after
  // the checker wrote their RING_SIZE and TAIL.
  for (int c = cores; c < reg::kMaxCores; ++c) {
    for (uint32_t f :
         {reg::kStatus, reg::kFaultIndex, reg::kHead, reg::kIntStatus, reg::kCntLo, reg::kCntHi}) {
      uint32_t v = ~0u;
      EXPECT_EQ(soc->RawRead(reg::Core(c, f), &v), 0u);
      EXPECT_EQ(v, 0u) << "core " << c << " (absent) register at +" << Hex(f);
    }
    for (int sel = 0; sel < driver::kNumCounters; ++sel) {
      soc->WriteReg(reg::Core(c, reg::kCntSel), sel);
      EXPECT_EQ(soc->ReadReg(reg::Core(c, reg::kCntLo)), 0u) << "core " << c << " counter " << sel;
    }
  }
  // A one-chip SoC (NumLinks = 0) has no link ports: every LINK block reads 0, whatever
  // counter is selected, and the driver says so.
  if (!dev) dev = std::make_unique<Driver>(soc.get());
  EXPECT_EQ(dev->links(), 0);
  for (int l = 0; l < reg::kMaxLinks; ++l) {
    for (uint32_t sel = 0; sel < 16; ++sel) {
      soc->WriteReg(reg::Link(l, reg::kLinkCntSel), sel);
      EXPECT_EQ(soc->ReadReg(reg::Link(l, reg::kLinkCntLo)), 0u)
          << "link " << l << " counter " << sel;
      EXPECT_EQ(soc->ReadReg(reg::Link(l, reg::kLinkCntHi)), 0u)
          << "link " << l << " counter " << sel;
    }
  }
  EXPECT_TRUE(soc->MemoryIdle());
}

INSTANTIATE_TEST_SUITE_P(Configs, SocRegisters, ::testing::Values("small", "default"),
                         [](const auto& info) { return info.param; });

// ---------------------------------------------------------------- random programs

// All four cores of the default SoC run random command streams at once, each in its own
// windows: memory image, status, interrupt status and counters equal the model's.
TEST(SocConcurrent, FourCoresRandomStreamsMatchModel) {
  auto soc = MakeSoc("default");
  ASSERT_EQ(soc->config().cores, 4);
  Rng rng(tb::SeedFromEnv(21));
  RandomStreamsMatchModel(soc.get(), &rng, 3);
}

// A random memory system per round: latency, backpressure and gaps on AR/AW/W/R/B of every
// channel, less than a beat per cycle, out-of-order answers across ids.
tb::MemSlaveConfig StallyMemory(Rng* rng) {
  tb::MemSlaveConfig m;
  m.latency = static_cast<int>(rng->Uniform(1, 80));
  m.write_latency = static_cast<int>(rng->Uniform(1, 30));
  m.read_bytes_per_cycle = static_cast<double>(rng->Uniform(2, 15));
  m.write_bytes_per_cycle = static_cast<double>(rng->Uniform(2, 15));
  m.shared_budget = rng->Chance(0.3);
  m.ar_stall = rng->Uniform(0, 50) / 100.0;
  m.aw_stall = rng->Uniform(0, 50) / 100.0;
  m.w_stall = rng->Uniform(0, 50) / 100.0;
  m.r_stall = rng->Uniform(0, 50) / 100.0;
  m.b_stall = rng->Uniform(0, 50) / 100.0;
  m.out_of_order = true;
  return m;
}

class SocStalls : public ::testing::TestWithParam<std::string> {};

TEST_P(SocStalls, RandomStreamsWithStallyMemoryMatchModel) {
  const int rounds = GetParam() == "small" ? 24 : 20;
  for (tb::Round& r : tb::Rounds(tb::SeedFromEnv(GetParam() == "small" ? 31 : 32), rounds)) {
    Rng& rng = r.rng;
    const tb::MemSlaveConfig mem = StallyMemory(&rng);
    SCOPED_TRACE(
        "latency " + std::to_string(mem.latency) + "/" + std::to_string(mem.write_latency) + ", " +
        std::to_string(mem.read_bytes_per_cycle) + "/" + std::to_string(mem.write_bytes_per_cycle) +
        " B/cycle" + (mem.shared_budget ? " shared" : ""));
    auto soc = MakeSoc(GetParam(), mem, rng.Bits64());
    RandomStreamsMatchModel(soc.get(), &rng, 2);
    if (HasFailure()) break;
  }
}

INSTANTIATE_TEST_SUITE_P(Configs, SocStalls, ::testing::Values("small", "default"),
                         [](const auto& info) { return info.param; });

// ---------------------------------------------------------------- interrupts

// The interrupt story of docs/regs.md, told through the driver on any HostBus; `line` samples
// the interrupt line. Returns what was seen at every step (INT_STATUS of each core and the
// line) so the SoC's story can be compared with the model's; `monitor` (the SoC's) also
// checks the count of rising edges.
std::vector<uint32_t> InterruptStory(driver::HostBus* bus, const std::function<bool()>& line,
                                     const tb::IrqMonitor* monitor) {
  Driver dev(bus);
  const int cores = dev.cores();
  std::vector<uint32_t> seen;
  auto look = [&](const std::string& step, int edges) {
    SCOPED_TRACE(step);
    for (int c = 0; c < cores; ++c) seen.push_back(dev.InterruptStatus(c));
    seen.push_back(line());
    if (monitor) {
      EXPECT_EQ(monitor->edges(), uint64_t(edges)) << "rising edges of the line";
    }
  };
  const uint32_t slots = 8;
  std::vector<uint32_t> tail(cores, 0);  // the slot of each core's next command
  auto set_ring = [&](int c) {
    dev.SetRing(c, Slice(c) + kRing, slots);
    tail[c] = 0;
  };
  for (int c = 0; c < cores; ++c) {
    dev.SetWindows(c, SliceWindows(c));
    set_ring(c);
  }
  auto sync = [&](int c, bool irq, uint32_t addr) {
    isa::SyncDesc s;
    s.addr = addr;
    s.value = 0x1000u + uint32_t(c);
    s.irq = irq;
    dev.Submit(c, {s.Pack()});
    tail[c] = (tail[c] + 1) % slots;
    return dev.Wait(c, 100000);
  };
  auto run_sync = [&](int c, bool irq) {
    const auto st = sync(c, irq, Slice(c) + kSync);
    EXPECT_EQ(st.state, CoreState::kIdle) << st.ToString();
  };

  // A masked SYNC: INT_STATUS shows it, the line stays low; unmasking raises the line, the
  // write-1-to-clear lowers it.
  run_sync(0, true);
  EXPECT_EQ(dev.InterruptStatus(0), kIntSync);
  EXPECT_FALSE(line());
  look("masked SYNC", 0);
  dev.AckInterrupts(0, kIntFault | kIntCtlError);  // other bits: no effect
  EXPECT_EQ(dev.InterruptStatus(0), kIntSync);
  dev.SetInterruptMask(0, kIntSync);
  EXPECT_TRUE(line());
  look("unmasked pending SYNC", 1);
  dev.AckInterrupts(0, kIntSync);
  EXPECT_EQ(dev.InterruptStatus(0), 0u);
  EXPECT_FALSE(line());
  look("SYNC acknowledged", 1);

  // An unmasked SYNC raises the line; a SYNC without irq raises nothing.
  run_sync(0, true);
  EXPECT_TRUE(line());
  look("unmasked SYNC", 2);
  dev.AckInterrupts(0, kIntSync);
  EXPECT_FALSE(line());
  run_sync(0, false);
  EXPECT_EQ(dev.InterruptStatus(0), 0u);
  EXPECT_FALSE(line());
  look("SYNC without irq", 2);

  if (cores > 1) {
    // Several cores share the one line: it stays high until the last enabled source is gone.
    for (int c = 1; c < cores; ++c) dev.SetInterruptMask(c, kIntSync);
    for (int c = 1; c < cores; ++c) run_sync(c, true);
    EXPECT_TRUE(line());
    look("SYNC on every other core", 3);
    for (int c = 1; c + 1 < cores; ++c) {
      dev.AckInterrupts(c, kIntSync);
      EXPECT_TRUE(line()) << "core " << cores - 1 << " still asks";
    }
    look("all but the last acknowledged", 3);
    dev.SetInterruptMask(cores - 1, 0);
    EXPECT_FALSE(line()) << "masking the last pending interrupt lowers the line";
    EXPECT_EQ(dev.InterruptStatus(cores - 1), kIntSync);
    look("last one masked", 3);
    dev.AckInterrupts(cores - 1, kIntSync);
  }

  // CTL_ERROR: a refused TAIL (past the ring) and a refused RING_SIZE (one slot).
  const int k = cores - 1;
  dev.SetInterruptMask(k, kIntCtlError);
  // (The line is looked at first: SocDriver.RefusedRingWriteIsSeenByTheNextRead checks how
  // soon INT_STATUS shows a refusal.)
  bus->WriteReg(reg::Core(k, reg::kTail), slots + 3);
  EXPECT_TRUE(line());
  EXPECT_EQ(dev.InterruptStatus(k), kIntCtlError);
  look("refused TAIL", cores > 1 ? 4 : 3);
  dev.AckInterrupts(k, kIntCtlError);
  EXPECT_FALSE(line());
  bus->WriteReg(reg::Core(k, reg::kRingSize), 1);
  EXPECT_TRUE(line());
  EXPECT_EQ(dev.InterruptStatus(k), kIntCtlError);
  look("refused RING_SIZE", cores > 1 ? 5 : 4);
  dev.AckInterrupts(k, kIntCtlError);
  run_sync(k, true);  // the refusals changed nothing: the ring still works
  EXPECT_EQ(dev.InterruptStatus(k), kIntSync);
  EXPECT_FALSE(line()) << "SYNC is masked on this core now";
  dev.AckInterrupts(k, kIntSync);

  // FAULT: a SYNC word outside the windows. The bit is the fault's level: acknowledging it
  // while the core is faulted does not lower the line; Clear does.
  dev.SetInterruptMask(k, kIntFault);
  const uint32_t slot = tail[k];
  const auto st = sync(k, false, Slice(k) + kSync + 0x1000);
  EXPECT_EQ(st.state, CoreState::kFaulted) << st.ToString();
  EXPECT_EQ(st.fault, Fault::kAccess) << st.ToString();
  EXPECT_EQ(st.fault_index, slot) << st.ToString();
  EXPECT_EQ(dev.InterruptStatus(k), kIntFault);
  EXPECT_TRUE(line());
  const int fault_edges = cores > 1 ? 6 : 5;
  look("fault", fault_edges);
  dev.AckInterrupts(k, kIntFault);
  EXPECT_TRUE(line()) << "still faulted";
  look("fault acknowledged while faulted", fault_edges);
  dev.Clear(k);
  dev.AckInterrupts(k, kIntFault);
  EXPECT_EQ(dev.InterruptStatus(k), 0u);
  EXPECT_FALSE(line());
  look("cleared", fault_edges);
  set_ring(k);
  run_sync(k, true);
  EXPECT_EQ(dev.InterruptStatus(k), kIntSync);
  look("running again after the fault", fault_edges);
  return seen;
}

class SocInterrupts : public ::testing::TestWithParam<std::string> {};

TEST_P(SocInterrupts, MaskingW1cSharedLineAndCtlErrorMatchModel) {
  auto soc = MakeSoc(GetParam());
  const auto rtl = InterruptStory(
      soc.get(),
      [&] {
        soc->sim().Step(2);  // the line follows a register write within a cycle
        return soc->irq();
      },
      &soc->irq_monitor());
  auto ref = MakeModel(soc->config());
  const auto want = InterruptStory(
      ref.get(), [&] { return ref->irq_line(); }, nullptr);
  EXPECT_EQ(rtl, want) << "INT_STATUS of every core and the line, step by step";
}

INSTANTIATE_TEST_SUITE_P(Configs, SocInterrupts, ::testing::Values("small", "default"),
                         [](const auto& info) { return info.param; });

// ---------------------------------------------------------------- containment

constexpr int kGemmSize = 64;

isa::GemmProgram SliceGemm(const hal::SocConfig& cfg, int core) {
  isa::GemmProgram p;
  p.m = p.n = p.k = kGemmSize;
  p.a_addr = Slice(core) + kA;
  p.b_addr = Slice(core) + kB;
  p.c_addr = Slice(core) + kC;
  p.dim = cfg.dim;
  p.l0a_bytes = cfg.l0a_bytes;
  p.l0b_bytes = cfg.l0b_bytes;
  p.l0c_bytes = cfg.l0c_bytes;
  p.sync_addr = Slice(core) + kSync;
  p.sync_value = 0x600d0000u | uint32_t(core);
  return p;
}

// A and B of one core's GEMM, as device memory contents.
struct GemmData {
  Matrix<int8_t> a, b;
  std::vector<MemoryInit> Init(int core) const {
    const auto* pa = reinterpret_cast<const uint8_t*>(a.data());
    const auto* pb = reinterpret_cast<const uint8_t*>(b.data());
    return {{Slice(core) + kA, {pa, pa + size_t(a.rows()) * a.cols()}},
            {Slice(core) + kB, {pb, pb + size_t(b.rows()) * b.cols()}}};
  }
};

GemmData RandomGemm(Rng* rng) {
  return {tb::RandomInt8Matrix(rng, kGemmSize, kGemmSize),
          tb::RandomInt8Matrix(rng, kGemmSize, kGemmSize)};
}

void ExpectGemmResult(Soc* soc, int core, const GemmData& g) {
  Matrix<int32_t> want(kGemmSize, kGemmSize), got(kGemmSize, kGemmSize);
  model::GemmInt8(g.a, g.b, &want);
  soc->memory().Read(Slice(core) + kC, got.data(), sizeof(int32_t) * kGemmSize * kGemmSize);
  EXPECT_TRUE(got == want) << "core " << core << "'s C differs from GemmInt8";
  EXPECT_EQ(soc->memory().Read32(Slice(core) + kSync), 0x600d0000u | uint32_t(core))
      << "core " << core << "'s SYNC word";
}

// The first LOAD of `program` that reads the byte at `addr` (its ring slot).
uint32_t FirstReaderOf(const std::vector<isa::Descriptor>& program, uint32_t addr) {
  for (size_t i = 0; i < program.size(); ++i) {
    if (isa::RawOpcode(program[i]) != static_cast<uint32_t>(isa::Opcode::kLoad)) continue;
    const auto l = isa::LoadDesc::Unpack(program[i]);
    for (uint32_t r = 0; r < l.valid_rows; ++r) {
      const uint32_t row = l.src_addr + r * l.src_stride;
      if (addr >= row && addr < row + l.valid_cols) return static_cast<uint32_t>(i);
    }
  }
  ADD_FAILURE() << "no LOAD reads " << Hex(addr);
  return 0;
}

struct BadProgram {
  std::vector<isa::Descriptor> program;
  Fault fault = Fault::kNone;
  uint32_t index = 0;       // ring slot of the faulting descriptor
  uint32_t error_addr = 0;  // != 0: the memory answers an error for the beat at this address
};

// One core of the default SoC runs `bad` while the other three run 64x64x64 GEMMs: the bad core
// reports the fault (code, ring slot), raises the interrupt (only its FAULT is enabled), and
// the others finish bit-exactly. Without an injected error the same driver calls on the model
// give the same results and memory image. Then the host clears the faulted core, sets its ring
// again and runs a correct GEMM on it.
void ContainmentCase(int bad_core, const std::function<BadProgram(const hal::SocConfig&)>& make) {
  auto soc = MakeSoc("default");
  const auto& cfg = soc->config();
  ASSERT_EQ(cfg.cores, 4);
  Rng rng(tb::SeedFromEnv(51));
  const BadProgram bad = make(cfg);
  std::vector<GemmData> data;
  std::vector<MemoryInit> init;
  std::vector<Job> jobs;
  for (int c = 0; c < cfg.cores; ++c) {
    data.push_back(RandomGemm(&rng));
    const auto m = data.back().Init(c);
    init.insert(init.end(), m.begin(), m.end());
    Job j;
    j.core = c;
    j.programs = {c == bad_core ? bad.program : isa::BuildGemmProgram(SliceGemm(cfg, c))};
    j.int_mask = c == bad_core ? kIntFault : 0;
    jobs.push_back(j);
  }
  const auto inject = [&] {
    if (!bad.error_addr) return;
    soc->channel(tb::ChannelOf(bad.error_addr, cfg.channels)).InjectError(bad.error_addr, 16);
  };
  const auto rtl = RunJobs(soc.get(), init, jobs, inject);

  const CoreResult& b = rtl[bad_core];
  EXPECT_EQ(b.status.state, CoreState::kFaulted) << b.status.ToString();
  EXPECT_EQ(b.status.fault, bad.fault) << b.status.ToString();
  EXPECT_EQ(b.status.fault_index, bad.index) << b.status.ToString();
  EXPECT_EQ(b.int_status, kIntFault);
  EXPECT_TRUE(soc->irq());
  EXPECT_EQ(soc->irq_monitor().edges(), 1u);
  for (int c = 0; c < cfg.cores; ++c) {
    if (c == bad_core) continue;
    SCOPED_TRACE("core " + std::to_string(c));
    EXPECT_EQ(rtl[c].status.state, CoreState::kIdle) << rtl[c].status.ToString();
    EXPECT_EQ(rtl[c].int_status, kIntSync);
    ExpectGemmResult(soc.get(), c, data[c]);
  }
  if (!bad.error_addr) {
    auto ref = MakeModel(cfg);
    const auto want = RunJobs(ref.get(), init, jobs);
    ExpectSameResults(rtl, want);
    // The faulted core's C: which of its older STOREs ran before the fault stopped it is
    // timing (the model runs the oldest queue head first).
    ExpectSameImage(soc->memory(), ref->memory(), Slice(bad_core) + kC, tb::kStreamCSpan);
  }

  // Recovery: Clear, acknowledge, a new ring, a correct GEMM on new data.
  for (int ch = 0; ch < cfg.channels; ++ch) soc->channel(ch).ClearErrors();
  Driver dev(soc.get());
  dev.Clear(bad_core);
  dev.AckInterrupts(bad_core, reg::kIntAll);
  EXPECT_EQ(dev.InterruptStatus(bad_core), 0u);
  soc->sim().Step(2);
  EXPECT_FALSE(soc->irq()) << "Clear + acknowledge lower the line";
  const GemmData again = RandomGemm(&rng);
  for (const auto& m : again.Init(bad_core)) soc->WriteMem(m.addr, m.bytes.data(), m.bytes.size());
  dev.SetRing(bad_core, Slice(bad_core) + kRing, kRingSlots);
  dev.SetInterruptMask(bad_core, kIntSync | kIntFault);
  dev.Submit(bad_core, isa::BuildGemmProgram(SliceGemm(cfg, bad_core)));
  const auto st = dev.Wait(bad_core, kTimeout);
  EXPECT_EQ(st.state, CoreState::kIdle) << st.ToString();
  EXPECT_EQ(st.fault, Fault::kNone) << st.ToString();
  EXPECT_EQ(dev.InterruptStatus(bad_core), kIntSync);
  ExpectGemmResult(soc.get(), bad_core, again);
  EXPECT_EQ(soc->irq_monitor().edges(), 2u) << "the recovered core's SYNC";
  EXPECT_TRUE(soc->MemoryIdle());
}

// The GEMM program of `core` with descriptor `index` replaced.
BadProgram GemmWith(const hal::SocConfig& cfg, int core, uint32_t index, isa::Descriptor d,
                    Fault fault) {
  BadProgram b;
  b.program = isa::BuildGemmProgram(SliceGemm(cfg, core));
  b.program.at(index) = d;
  b.fault = fault;
  b.index = index;
  return b;
}

TEST(SocContainment, IllegalOpcodeFaultsOneCoreOthersFinish) {
  ContainmentCase(1, [](const hal::SocConfig& cfg) {
    isa::Descriptor d{};
    d[0] = 0x7f;
    return GemmWith(cfg, 1, 9, d, Fault::kIllegalOpcode);
  });
}

TEST(SocContainment, IllegalFieldFaultsOneCoreOthersFinish) {
  ContainmentCase(2, [](const hal::SocConfig& cfg) {
    isa::MatmulDesc mm;
    mm.m = mm.n = static_cast<uint32_t>(cfg.dim + 1);  // not a multiple of Dim
    mm.k = 4;
    return GemmWith(cfg, 2, 6, mm.Pack(), Fault::kIllegalField);
  });
}

// Core 3 loads from core 0's A: outside its windows (ACCESS, before any byte moves).
TEST(SocContainment, AccessOutsideWindowsFaultsOneCoreOthersFinish) {
  ContainmentCase(3, [](const hal::SocConfig& cfg) {
    BadProgram b;
    b.program = isa::BuildGemmProgram(SliceGemm(cfg, 3));
    const uint32_t index = 8;
    auto l = isa::LoadDesc::Unpack(b.program.at(index));
    EXPECT_EQ(isa::RawOpcode(b.program[index]), static_cast<uint32_t>(isa::Opcode::kLoad));
    l.src_addr = Slice(0) + kA;
    b.program[index] = l.Pack();
    b.fault = Fault::kAccess;
    b.index = index;
    return b;
  });
}

// Core 0 reads a beat of its A that the memory answers with an error (MEM_ERROR at the first
// LOAD that reads it; that LOAD still drains every beat it is owed).
TEST(SocContainment, MemoryErrorFaultsOneCoreOthersFinish) {
  ContainmentCase(0, [](const hal::SocConfig& cfg) {
    BadProgram b;
    b.program = isa::BuildGemmProgram(SliceGemm(cfg, 0));
    b.error_addr = Slice(0) + kA + 2 * cfg.dim * kGemmSize;  // row 2 * Dim of A
    b.fault = Fault::kMemError;
    b.index = FirstReaderOf(b.program, b.error_addr);
    EXPECT_GT(b.index, 0u) << "a later LOAD, so the core has work in flight";
    return b;
  });
}

// ---------------------------------------------------------------- driver contract

// Device::SetRing / Submit learn that the core refused RING_SIZE / TAIL from INT_STATUS after
// the write. docs/soc.md: CTL_ERROR is set two cycles after the write response, so one
// register read (STATUS) in between orders it before the INT_STATUS read.
class SocDriver : public ::testing::TestWithParam<std::string> {};

TEST_P(SocDriver, RefusedRingWriteIsSeenAfterOneRead) {
  auto soc = MakeSoc(GetParam());
  for (uint32_t f : {reg::kTail, reg::kRingSize}) {
    SCOPED_TRACE(f == reg::kTail ? "TAIL 5 with no ring" : "RING_SIZE 1");
    EXPECT_EQ(soc->RawWrite(reg::Core(0, f), f == reg::kTail ? 5 : 1), 0u);
    uint32_t v = 0;
    EXPECT_EQ(soc->RawRead(reg::Core(0, reg::kStatus), &v), 0u);
    EXPECT_EQ(soc->RawRead(reg::Core(0, reg::kIntStatus), &v), 0u);
    EXPECT_EQ(v, kIntCtlError) << "INT_STATUS read after one STATUS read";
    soc->WriteReg(reg::Core(0, reg::kIntStatus), kIntCtlError);
    EXPECT_EQ(soc->ReadReg(reg::Core(0, reg::kIntStatus)), 0u);
  }
}

// A ring set while the core has commands in flight is refused, and the driver says so.
TEST_P(SocDriver, SetRingOnABusyCoreThrows) {
  auto soc = MakeSoc(GetParam());
  auto ref = MakeModel(soc->config());
  Rng rng(tb::SeedFromEnv(61));
  std::vector<MemoryInit> init;
  std::vector<uint8_t> ab = RandomBytes(&rng, 2 * kGemmSize * kGemmSize);
  init.push_back({Slice(0) + kA, {ab.begin(), ab.begin() + kGemmSize * kGemmSize}});
  init.push_back({Slice(0) + kB, {ab.begin() + kGemmSize * kGemmSize, ab.end()}});
  for (driver::HostBus* bus :
       {static_cast<driver::HostBus*>(soc.get()), static_cast<driver::HostBus*>(ref.get())}) {
    SCOPED_TRACE(bus == soc.get() ? "RTL" : "model");
    for (const auto& m : init) bus->WriteMem(m.addr, m.bytes.data(), m.bytes.size());
    Driver dev(bus);
    Job j;
    Start(&dev, j);
    dev.Submit(0, isa::BuildGemmProgram(SliceGemm(soc->config(), 0)));
    ASSERT_EQ(dev.Status(0).state, CoreState::kBusy);
    EXPECT_THROW(dev.SetRing(0, Slice(0) + kRing, kRingSlots), driver::DriverError);
    // Whatever the driver concluded, the core goes on with its GEMM.
    for (int i = 0; i < 100000 && dev.Status(0).state == CoreState::kBusy; ++i) {
    }
    EXPECT_EQ(dev.Status(0).state, CoreState::kIdle);
    EXPECT_EQ(dev.Status(0).fault, Fault::kNone);
  }
}

INSTANTIATE_TEST_SUITE_P(Configs, SocDriver, ::testing::Values("small", "default"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace luoshu
