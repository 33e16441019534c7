// mte_in (rtl/mte/mte_in.sv) against the functional model: LOAD descriptors run by the unit
// into two real L0 buffers (tests/rtl/mte/mte_in_tb.sv), with memory served by MemSlave over a
// DeviceMemory, and the same LOADs run by CoreModel on the same memory. L0 contents and fault
// codes must agree byte for byte. Dim = 16 (AbLanes = one beat, 64 KiB buffers) and Dim = 32
// (AbLanes = two beats, buffer sizes that are not powers of two).
//
// Layout of the memory image: its first 4 KiB hold the model's command ring (a window only the
// model is given); the LOADs read above it. Both buffers are zeroed by a LOAD with no valid rows
// at the start of every test, so the RTL's L0 starts from the model's all-zero state.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "Vmte_in_tb_d16.h"
#include "Vmte_in_tb_d16_params.h"
#include "Vmte_in_tb_d32.h"
#include "Vmte_in_tb_d32_params.h"
#include "Vmte_in_tb_d8_pipe.h"
#include "Vmte_in_tb_d8_pipe_params.h"
#include "sw/isa/luoshu_isa.h"
#include "sw/model/core_model.h"
#include "sw/model/memory.h"
#include "tb/agents/core_ports.h"
#include "tb/agents/mem_slave.h"
#include "tb/agents/stream.h"
#include "tb/bits.h"
#include "tb/checkers/bursts.h"
#include "tb/gtest_util.h"
#include "tb/sim.h"

namespace luoshu {
namespace {

using isa::Fault;
using isa::LoadDesc;

constexpr int kBeatBytes = 16;
constexpr int kNumWindows = 4;
constexpr uint32_t kRingSlots = 64;

// A Verilated configuration and the parameters it was built with (V<name>_params.h).
template <class M, class P = VerilatedParams<M>>
struct Config {
  using Model = M;
  static constexpr int kDim = P::Dim;
  static constexpr int kLanes = kDim > kBeatBytes ? kDim : kBeatBytes;
  static constexpr uint32_t kL0a = P::L0aBytes, kL0b = P::L0bBytes;
  static constexpr int kCtrlPipe = P::CtrlPipe;  // 1: two cycles per pre-pass check
};

struct Rig {
  uint64_t mem_base = 0x40000000;
  uint64_t mem_size = 1 << 20;
  // Windows the unit is granted (at most kNumWindows); empty = everything above the ring.
  std::vector<hal::Window> windows;
  tb::MemSlaveConfig mem;
  double cmd_stall = 0;
};

// What one LOAD did, on both sides.
struct Outcome {
  Fault rtl = Fault::kNone;
  Fault model = Fault::kNone;
  uint64_t cycles = 0;       // command accepted -> done_o
  uint64_t to_first_ar = 0;  // command accepted -> first AR valid (0 = no read issued)
  uint64_t l0_writes = 0;    // cycles with an L0 write
  uint64_t rd_bytes = 0;     // sum of rd_bytes_o
  uint64_t bursts = 0;       // AR bursts the memory served
  uint64_t beat_bytes = 0;
  uint64_t model_bytes_read = 0;
};

// Cycles from a LOAD's accept to its first AR when the pre-pass passes on the bounding box
// (rtl/mte/mte_in.sv CHECK): bit_width(valid_rows - 1) shift-and-add steps, one check, the
// issuer's AR register; CtrlPipe adds one (the check's second cycle). The row-by-row fallback
// adds valid_rows (twice that with CtrlPipe).
uint64_t BoxCheckCycles(uint32_t valid_rows, int ctrl_pipe) {
  uint64_t steps = 0;
  for (uint32_t v = valid_rows - 1; v != 0; v >>= 1) ++steps;
  return steps + 3 + ctrl_pipe;
}

// The bursts a LOAD must issue: those of each valid row (tb::SplitBursts).
struct BurstCount {
  uint64_t bursts = 0, beats = 0;
};
BurstCount ExpectedBursts(const LoadDesc& x) {
  BurstCount n;
  if (x.valid_rows == 0 || x.valid_cols == 0) return n;
  for (uint64_t r = 0; r < x.valid_rows; ++r) {
    for (const tb::Burst& b :
         tb::SplitBursts(x.src_addr + r * x.src_stride, x.valid_cols, kBeatBytes)) {
      ++n.bursts;
      n.beats += b.beats;
    }
  }
  return n;
}

// L0 writes of zeros: AbLanes bytes per write, per padded run (the tail rows are one run).
uint64_t ZeroWrites(const LoadDesc& x, int lanes) {
  auto writes = [lanes](uint64_t bytes) { return (bytes + lanes - 1) / lanes; };
  if (x.valid_rows == 0 || x.valid_cols == 0) return writes(uint64_t(x.rows) * x.row_bytes);
  return x.valid_rows * writes(x.row_bytes - x.valid_cols) +
         writes(uint64_t(x.rows - x.valid_rows) * x.row_bytes);
}

std::string Describe(const LoadDesc& x) {
  std::ostringstream os;
  os << "LOAD L0" << (x.dst_buffer ? 'B' : 'A') << "+0x" << std::hex << x.dst_offset << " <- 0x"
     << x.src_addr << std::dec << " stride " << x.src_stride << ", " << x.rows << "x" << x.row_bytes
     << " valid " << x.valid_rows << "x" << x.valid_cols;
  return os.str();
}

template <class C>
class MteInTest : public ::testing::Test {
 protected:
  using Model = typename C::Model;
  static constexpr int kLanes = C::kLanes;
  static constexpr int kCtrlPipe = C::kCtrlPipe;
  static uint32_t L0Size(uint32_t buffer) { return buffer ? C::kL0b : C::kL0a; }

  MteInTest() : rng_(tb::SeedFromEnv(1)) {}

  // Builds memory, model, simulation and agents, then zeroes both buffers.
  void Start(Rig s = Rig()) {
    rig_ = s;
    memory_ = std::make_unique<model::DeviceMemory>(s.mem_base, s.mem_size);
    for (uint64_t a = 0; a < s.mem_size; a += 8) {
      const uint64_t v = rng_.Bits64();
      memory_->Write(s.mem_base + a, &v, 8);
    }
    ring_base_ = static_cast<uint32_t>(s.mem_base);
    data_lo_ = s.mem_base + 4096;
    data_hi_ = s.mem_base + s.mem_size;
    if (rig_.windows.empty()) rig_.windows.push_back({data_lo_, data_hi_ - data_lo_, false});
    ASSERT_LE(rig_.windows.size(), size_t(kNumWindows));

    model::CoreConfig cc;
    cc.dim = C::kDim;
    cc.l0a_bytes = C::kL0a;
    cc.l0b_bytes = C::kL0b;
    cc.windows = rig_.windows;
    cc.windows.push_back({ring_base_, kRingSlots * isa::kDescriptorBytes, false});
    model_ = std::make_unique<model::CoreModel>(cc, memory_.get());
    model_->SetRing(ring_base_, kRingSlots);

    sim_ = std::make_unique<tb::Simulation<Model>>(tb::CurrentTestName(), "mte_in");
    auto& d = sim_->dut();
    tb::DriveWindows(&d, rig_.windows);
    tb::MemPins pins;
    LUOSHU_MEM_READ_PINS(pins, &d, mem_);
    slave_ = std::make_unique<tb::MemSlave>(sim_.get(), pins, memory_.get(), s.mem, rng_.Bits64());
    cmd_ = tb::MakeCommandSource(sim_.get(), tb::StallInjector(s.cmd_stall, &rng_));
    cmd_mon_.max_in_flight = 2;  // the next LOAD is taken while the last one's data arrives
    sample_hook_ = sim_->OnSample([this] { Monitor(); });
    sim_->Reset();

    // Zero both buffers (and so prove whole-buffer zero fill): 16 rows of 4 KiB, none read.
    for (uint32_t buf = 0; buf < 2; ++buf) {
      LoadDesc z;
      z.dst_buffer = buf;
      z.rows = 16;
      z.row_bytes = L0Size(buf) / 16;
      const Outcome o = Load(z);
      ASSERT_EQ(o.rtl, Fault::kNone);
      ASSERT_EQ(o.l0_writes, L0Size(buf) / kLanes) << "zeros go AbLanes bytes per write";
    }
  }

  // Per-cycle checks of the command interface and the write ports.
  void Monitor() {
    if (sim_->in_reset()) return;
    auto& d = sim_->dut();
    auto fail = [this](const std::string& why) {
      if (violation_.empty()) violation_ = "cycle " + std::to_string(sim_->cycle()) + ": " + why;
    };
    const uint64_t held = cmd_mon_.accepts - cmd_mon_.dones;
    if (d.mem_ar_valid_o && d.mem_ar_ready_i && held == 2) ++overlapped_ars_;
    cmd_mon_.Sample(d, sim_->cycle(), fail);
    if (d.done_o) fault_log_.push_back(static_cast<Fault>(d.done_fault_o));
    if (d.mem_ar_valid_o && !ar_seen_) {
      ar_seen_ = true;
      first_ar_cycle_ = sim_->cycle();
    }
    if (d.l0a_we_o || d.l0b_we_o) {
      ++writes_;
      if (!d.busy_o) fail("L0 write while idle");
      if (d.l0a_we_o && d.l0b_we_o) fail("both L0 write enables high");
      if (cur_buffer_ >= 0 && d.l0b_we_o != cur_buffer_) fail("write to the other buffer");
    }
    rd_bytes_ += d.rd_bytes_o;
  }

  // Runs one LOAD on the RTL (and on the model unless rtl_only) and returns what happened.
  Outcome Load(const LoadDesc& x, bool rtl_only = false) {
    Outcome o;
    const uint64_t dones = cmd_mon_.dones, writes = writes_, rd = rd_bytes_;
    const uint64_t bursts = slave_->read_bursts(), bytes = slave_->bytes_read();
    cur_buffer_ = x.dst_buffer != 0 ? 1 : 0;
    ar_seen_ = false;
    cmd_->Push(x.Pack());
    const uint64_t budget = 20000 + 8 * uint64_t(x.rows) * x.row_bytes +
                            40 * uint64_t(x.valid_rows) * (1 + x.valid_cols / kBeatBytes);
    sim_->RunUntil([&] { return cmd_mon_.dones > dones; }, budget, "done_o of " + Describe(x));
    o.rtl = cmd_mon_.last_fault;
    o.cycles = cmd_mon_.done_cycle - cmd_mon_.accept_cycle;
    o.to_first_ar = ar_seen_ ? first_ar_cycle_ - cmd_mon_.accept_cycle : 0;
    o.l0_writes = writes_ - writes;
    o.rd_bytes = rd_bytes_ - rd;
    o.bursts = slave_->read_bursts() - bursts;
    o.beat_bytes = slave_->bytes_read() - bytes;
    EXPECT_TRUE(slave_->Idle()) << "done_o with read responses still owed: " << Describe(x);
    EXPECT_EQ(violation_, "") << Describe(x);
    if (!rtl_only) {
      const uint64_t model_read = model_->counters().bytes_read;
      o.model = ModelLoad(x);
      o.model_bytes_read = model_->counters().bytes_read - model_read;
    }
    return o;
  }

  // Runs one LOAD on the model on its own (a fault is cleared), returns its fault.
  Fault ModelLoad(const LoadDesc& x) {
    model_->Submit({x.Pack()});
    const model::CoreState st = model_->Run();
    const Fault f = st == model::CoreState::kFaulted ? model_->fault().code : Fault::kNone;
    EXPECT_NE(st, model::CoreState::kBlocked);
    if (st == model::CoreState::kFaulted) {
      EXPECT_TRUE(f == Fault::kAccess || f == Fault::kMemError)
          << "test bug, illegal descriptor: " << model_->fault().message;
      model_->Clear();
      model_->SetRing(ring_base_, kRingSlots);
    }
    return f;
  }

  // Offers LOADs back to back (the unit takes the next while the last one's data arrives)
  // and runs until every one is done; returns their faults in order. RTL only.
  std::vector<Fault> LoadStream(const std::vector<LoadDesc>& xs) {
    const size_t first = fault_log_.size();
    const uint64_t dones = cmd_mon_.dones;
    uint64_t budget = 20000;
    for (const auto& x : xs) {
      cmd_->Push(x.Pack());
      budget += 8 * uint64_t(x.rows) * x.row_bytes +
                40 * uint64_t(x.valid_rows) * (1 + x.valid_cols / kBeatBytes);
    }
    cur_buffer_ = -1;
    sim_->RunUntil([&] { return cmd_mon_.dones >= dones + xs.size(); }, budget,
                   "done_o of a stream of " + std::to_string(xs.size()) + " LOADs");
    EXPECT_TRUE(slave_->Idle()) << "done_o with read responses still owed";
    EXPECT_EQ(violation_, "");
    return std::vector<Fault>(fault_log_.begin() + first, fault_log_.end());
  }

  // Reads L0 bytes [lo, hi) of one buffer through the backdoor port.
  std::vector<uint8_t> ReadL0(uint32_t buffer, uint32_t lo, uint32_t hi) {
    auto& d = sim_->dut();
    std::vector<uint8_t> out;
    const uint32_t start = lo - lo % kLanes;
    uint8_t lanes[kLanes];
    for (uint32_t a = start; a < hi; a += kLanes) {
      d.bd_re_i = 1;
      d.bd_sel_i = buffer;
      d.bd_raddr_i = a;
      sim_->Step();
      tb::GetBytes(d.bd_rdata_o, lanes, kLanes);
      for (int l = 0; l < kLanes; ++l) {
        if (a + l >= lo && a + l < hi) out.push_back(lanes[l]);
      }
    }
    d.bd_re_i = 0;
    return out;
  }

  // L0 bytes [lo, hi) of a buffer must equal the model's; reports the first few differences.
  void ExpectL0Matches(uint32_t buffer, uint32_t lo, uint32_t hi, const std::string& what) {
    hi = std::min(hi, L0Size(buffer));
    const auto got = ReadL0(buffer, lo, hi);
    const auto& want = buffer ? model_->l0b() : model_->l0a();
    int shown = 0;
    uint64_t bad = 0;
    for (uint32_t a = lo; a < hi; ++a) {
      if (got[a - lo] != want[a]) {
        ++bad;
        if (shown++ < 8) {
          ADD_FAILURE() << what << ": L0" << (buffer ? 'B' : 'A') << "[0x" << std::hex << a
                        << "] = 0x" << int(got[a - lo]) << ", model 0x" << int(want[a]);
        }
      }
    }
    EXPECT_EQ(bad, 0u) << what << ": bytes differ in L0" << (buffer ? 'B' : 'A');
  }
  // The LOAD's destination block plus a margin on both sides (stray writes nearby).
  void ExpectBlockMatches(const LoadDesc& x) {
    const uint32_t margin = 2 * kLanes;
    const uint32_t lo = x.dst_offset > margin ? x.dst_offset - margin : 0;
    ExpectL0Matches(x.dst_buffer, lo, x.dst_offset + x.rows * x.row_bytes + margin, Describe(x));
  }
  void ExpectAllL0Matches() {
    ExpectL0Matches(0, 0, L0Size(0), "whole L0A");
    ExpectL0Matches(1, 0, L0Size(1), "whole L0B");
  }

  // Runs a legal LOAD that must succeed on both sides and checks everything it did.
  Outcome LoadAndCheck(const LoadDesc& x) {
    const Outcome o = Load(x);
    EXPECT_EQ(o.rtl, o.model) << Describe(x);
    EXPECT_EQ(o.rtl, Fault::kNone) << Describe(x);
    EXPECT_EQ(o.rd_bytes, uint64_t(x.valid_rows) * x.valid_cols) << Describe(x);
    EXPECT_EQ(o.rd_bytes, o.model_bytes_read) << Describe(x);
    const BurstCount want = ExpectedBursts(x);
    EXPECT_EQ(o.bursts, want.bursts) << Describe(x);
    EXPECT_EQ(o.beat_bytes, want.beats * kBeatBytes) << Describe(x);
    EXPECT_EQ(o.l0_writes, want.beats + ZeroWrites(x, kLanes))
        << "one L0 write per beat, AbLanes zeros per write: " << Describe(x);
    ExpectBlockMatches(x);
    return o;
  }

  LoadDesc Block(uint32_t buffer, uint32_t dst, uint64_t src, uint32_t stride, uint32_t rows,
                 uint32_t row_bytes) const {
    LoadDesc x;
    x.dst_buffer = buffer;
    x.dst_offset = dst;
    x.src_addr = static_cast<uint32_t>(src);
    x.src_stride = stride;
    x.rows = x.valid_rows = rows;
    x.row_bytes = x.valid_cols = row_bytes;
    return x;
  }

  // A random legal LOAD inside the memory image (rows may still cross a window gap).
  LoadDesc RandomLoad() {
    LoadDesc x;
    x.dst_buffer = rng_.Chance(0.5);
    const int shape = rng_.Uniform(0, 9);
    if (shape < 5) {
      x.row_bytes = rng_.Uniform(1, 80);
      x.rows = rng_.Uniform(1, 40);
    } else if (shape < 8) {
      x.row_bytes = rng_.Uniform(1, 700);
      x.rows = rng_.Uniform(1, 12);
    } else {
      x.row_bytes = rng_.Uniform(1000, 9000);
      x.rows = rng_.Uniform(1, 4);
    }
    x.rows = std::min<uint32_t>(x.rows, L0Size(x.dst_buffer) / x.row_bytes);
    x.dst_offset = rng_.Uniform(0, L0Size(x.dst_buffer) - x.rows * x.row_bytes);
    const int vr = rng_.Uniform(0, 9), vc = rng_.Uniform(0, 9);
    x.valid_rows = vr < 5 ? x.rows : vr == 5 ? 0 : rng_.Uniform(0, x.rows);
    x.valid_cols = vc < 5 ? x.row_bytes : vc == 5 ? 0 : rng_.Uniform(0, x.row_bytes);
    const int st = rng_.Uniform(0, 9);
    x.src_stride = st < 3   ? x.row_bytes
                   : st < 4 ? 0
                   : st < 6 ? rng_.Uniform(0, x.row_bytes)
                            : x.row_bytes + rng_.Uniform(0, 5000);
    // Source bytes from the first row's start to the last row's end.
    auto span = [&x] {
      if (x.valid_rows == 0) return uint64_t{0};
      return uint64_t(x.valid_rows - 1) * x.src_stride + x.valid_cols;
    };
    if (span() > data_hi_ - data_lo_) x.src_stride = x.row_bytes;
    x.src_addr = static_cast<uint32_t>(rng_.Uniform(data_lo_, data_hi_ - span()));
    // Sometimes straddle the end of the first window (a gap follows it in the random tests).
    const uint64_t edge = rig_.windows[0].base + rig_.windows[0].size;
    if (span() > 0 && rng_.Chance(0.1) && edge - data_lo_ >= span() && data_hi_ - edge >= span()) {
      x.src_addr = static_cast<uint32_t>(rng_.Uniform(edge - span(), edge));
    }
    return x;
  }

  // True if every row the LOAD reads lies inside one granted window (so it cannot fault ACCESS).
  bool InWindows(const LoadDesc& x) const {
    for (uint64_t r = 0; r < x.valid_rows; ++r) {
      if (!model::InsideOneWindow(rig_.windows, x.src_addr + r * x.src_stride, x.valid_cols,
                                  /*write=*/false)) {
        return false;
      }
    }
    return true;
  }

  // Random LOADs, each checked against the model as it completes; the whole of both buffers
  // at the end. With mem_errors, some LOADs first run with an error response injected at a
  // random byte they read (RTL only: MEM_ERROR, every response drained), then run again clean,
  // which also rewrites whatever the failed run left in L0.
  void RandomLoads(int n, bool mem_errors) {
    int faults = 0, errors = 0, box_passes = 0, row_passes = 0;
    for (int i : tb::Steps(n)) {
      const LoadDesc x = RandomLoad();
      if (mem_errors && x.valid_rows && x.valid_cols && InWindows(x) && rng_.Chance(0.2)) {
        const uint64_t r = rng_.Uniform(0, x.valid_rows - 1), c = rng_.Uniform(0, x.valid_cols - 1);
        slave_->InjectError(x.src_addr + r * x.src_stride + c, 1);
        const Outcome e = Load(x, /*rtl_only=*/true);
        slave_->ClearErrors();
        ASSERT_EQ(e.rtl, Fault::kMemError) << "load " << i << ": " << Describe(x);
        ++errors;
      }
      const Outcome o = Load(x);
      ASSERT_EQ(o.rtl, o.model) << "load " << i << ": " << Describe(x);
      if (o.rtl == Fault::kNone) {
        EXPECT_EQ(o.rd_bytes, o.model_bytes_read) << Describe(x);
        EXPECT_EQ(o.bursts, ExpectedBursts(x).bursts) << Describe(x);
        if (x.valid_rows && x.valid_cols) ExpectPrePassCost(x, o, &box_passes, &row_passes);
      } else {
        ++faults;
        EXPECT_EQ(o.l0_writes, 0u) << "faulting LOAD wrote L0: " << Describe(x);
        EXPECT_EQ(o.bursts, 0u) << "faulting LOAD read memory: " << Describe(x);
      }
      ExpectBlockMatches(x);
      if (HasFailure()) return;
    }
    ExpectAllL0Matches();
    RecordProperty("access_faults", faults);
    RecordProperty("mem_errors", errors);
    RecordProperty("box_passes", box_passes);
    RecordProperty("row_passes", row_passes);
  }

  // A LOAD that read memory and passed its pre-pass: on the bounding box alone when the box
  // lies inside one window, else row by row (counted in *box / *rows).
  void ExpectPrePassCost(const LoadDesc& x, const Outcome& o, int* box, int* rows) {
    const uint64_t len = uint64_t(x.valid_rows - 1) * x.src_stride + x.valid_cols;
    if (model::InsideOneWindow(rig_.windows, x.src_addr, len, /*write=*/false)) {
      EXPECT_LE(o.to_first_ar, BoxCheckCycles(x.valid_rows, kCtrlPipe))
          << "box check: " << Describe(x);
      ++*box;
    } else {
      EXPECT_GE(o.to_first_ar, x.valid_rows) << "row-by-row check: " << Describe(x);
      ++*rows;
    }
  }

  // A LOAD that must fault with ACCESS on both sides, having read and written nothing.
  void ExpectAccessFault(const LoadDesc& x, const char* what) {
    const Outcome o = Load(x);
    EXPECT_EQ(o.rtl, Fault::kAccess) << what << ": " << Describe(x);
    EXPECT_EQ(o.model, Fault::kAccess) << what << ": " << Describe(x);
    EXPECT_EQ(o.bursts, 0u) << what << ": a read was issued";
    EXPECT_EQ(o.l0_writes, 0u) << what << ": L0 was written";
  }

  tb::Rng rng_;
  Rig rig_;
  uint32_t ring_base_ = 0;
  uint64_t data_lo_ = 0, data_hi_ = 0;
  std::unique_ptr<model::DeviceMemory> memory_;
  std::unique_ptr<model::CoreModel> model_;
  std::unique_ptr<tb::Simulation<Model>> sim_;
  tb::HookHandle drive_hook_, sample_hook_;  // removed with this object
  std::unique_ptr<tb::MemSlave> slave_;
  std::unique_ptr<tb::StreamSource<isa::Descriptor>> cmd_;
  uint64_t writes_ = 0, rd_bytes_ = 0;
  bool ar_seen_ = false;
  uint64_t first_ar_cycle_ = 0;
  tb::CommandMonitor cmd_mon_;
  int cur_buffer_ = 0;  // the buffer every L0 write must go to, -1 = either (streams)
  std::vector<Fault> fault_log_;
  uint64_t overlapped_ars_ = 0;  // ARs issued while two commands were held
  std::string violation_;
};

using Configs =
    ::testing::Types<Config<Vmte_in_tb_d16>, Config<Vmte_in_tb_d32>, Config<Vmte_in_tb_d8_pipe>>;
TYPED_TEST_SUITE(MteInTest, Configs);

TYPED_TEST(MteInTest, AlignedBlockIntoEitherBuffer) {
  this->Start();
  const uint64_t src = this->data_lo_ + 0x2000;
  this->LoadAndCheck(this->Block(0, 0x100, src, 256, 16, 64));
  this->LoadAndCheck(this->Block(1, 0x4000, src + 0x1000, 64, 32, 64));
  this->ExpectAllL0Matches();
}

TYPED_TEST(MteInTest, UnalignedSourceAndDestination) {
  this->Start();
  const uint64_t src = this->data_lo_ + 0x3000;
  for (uint32_t skew = 1; skew < 16; skew += 3) {
    this->LoadAndCheck(this->Block(skew & 1, 0x200 + 7 * skew, src + skew, 100 + skew, 9, 45));
  }
  // One-byte rows, and rows shorter than a beat that still straddle two beats.
  this->LoadAndCheck(this->Block(0, 0x901, src + 15, 1, 20, 1));
  this->LoadAndCheck(this->Block(1, 0x777, src + 13, 29, 11, 5));
  this->ExpectAllL0Matches();
}

TYPED_TEST(MteInTest, StrideZeroRepeatsOneRow) {
  this->Start();
  const auto x = this->Block(0, 0x40, this->data_lo_ + 0x123, 0, 12, 37);
  this->LoadAndCheck(x);
  const auto row = this->ReadL0(0, 0x40, 0x40 + 37);
  for (uint32_t r = 1; r < 12; ++r) {
    EXPECT_EQ(this->ReadL0(0, 0x40 + 37 * r, 0x40 + 37 * (r + 1)), row) << "row " << r;
  }
}

TYPED_TEST(MteInTest, StrideShorterThanRowOverlapsSourceRows) {
  this->Start();
  this->LoadAndCheck(this->Block(1, 0x10, this->data_lo_ + 0x501, 7, 20, 50));
  this->LoadAndCheck(this->Block(0, 0x3, this->data_lo_ + 0x800, 1, 64, 300));
}

TYPED_TEST(MteInTest, PartialValidRowsAndColumnsArePadded) {
  this->Start();
  const uint64_t src = this->data_lo_ + 0x4005;
  struct Case {
    uint32_t vr, vc;
  };
  // Partial both, partial each, and the degenerate ones: no valid rows, no valid columns.
  for (const Case c :
       {Case{5, 13}, Case{12, 13}, Case{5, 40}, Case{0, 40}, Case{12, 0}, Case{0, 0}, Case{1, 1}}) {
    auto x = this->Block(c.vr & 1, 0x1003, src, 64, 12, 40);
    x.valid_rows = c.vr;
    x.valid_cols = c.vc;
    this->LoadAndCheck(x);
  }
  // Padding wider than AbLanes per row, long padded tails.
  auto x = this->Block(0, 0x2001, src + 9, 200, 30, 150);
  x.valid_rows = 17;
  x.valid_cols = 3;
  this->LoadAndCheck(x);
  this->ExpectAllL0Matches();
}

TYPED_TEST(MteInTest, RowsCrossing4KiBAreSplit) {
  this->Start();
  const uint64_t page = this->data_lo_ + 0x10000;
  // Every row straddles a page boundary, each at a different offset (37, 50, ... 128 bytes
  // before it).
  const auto o = this->LoadAndCheck(this->Block(0, 0x0, page - 37, 4096 - 13, 8, 200));
  EXPECT_EQ(o.bursts, 16u) << "two bursts per row";
}

TYPED_TEST(MteInTest, LongRowsSplitAtPagesAnd256Beats) {
  this->Start();
  // 9000-byte rows: > 256 beats each, unaligned, so every row needs 3-4 bursts.
  this->LoadAndCheck(this->Block(1, 0x123, this->data_lo_ + 0x20007, 9100, 3, 9000));
  // One row filling all of L0A (up to the 65535-byte field limit).
  const uint32_t whole = std::min<uint32_t>(65535, this->L0Size(0));
  this->LoadAndCheck(this->Block(0, 0x0, this->data_lo_ + 0x30000, 0, 1, whole));
  this->ExpectAllL0Matches();
}

TYPED_TEST(MteInTest, SustainsBeatRateOnLongRows) {
  Rig s;
  s.mem.latency = 100;
  this->Start(s);
  // Rows of 4 KiB (as many as L0A holds, up to 16) from an unaligned source: 257 beats per
  // row, ~100 cycles of latency once per command.
  const uint32_t rows = std::min<uint32_t>(16, this->L0Size(0) / 4096);
  const auto x = this->Block(0, 0x0, this->data_lo_ + 0x40003, 4096 + 64, rows, 4096);
  const Outcome o = this->LoadAndCheck(x);
  const double rate = double(x.rows) * x.row_bytes / double(o.cycles);
  this->RecordProperty("bytes_per_cycle", std::to_string(rate));
  std::printf("mte_in: %.2f bytes/cycle on %u x 4096-byte rows (%lu cycles, latency 100)\n", rate,
              rows, static_cast<unsigned long>(o.cycles));
  EXPECT_GE(rate, 0.9 * kBeatBytes);
}

TYPED_TEST(MteInTest, AccessFaultMovesNoByte) {
  Rig s;
  // Two windows with a gap between them (they do not abut).
  s.windows = {{s.mem_base + 0x1000, 0x10000, false}, {s.mem_base + 0x12000, 0x10000, true}};
  this->Start(s);
  const uint64_t w0_end = s.mem_base + 0x11000;
  struct Case {
    uint64_t src;
    uint32_t stride, rows, cols;
    const char* what;
  };
  for (const Case c : {Case{w0_end - 64 * 39, 64, 40, 64, "last row past the window"},
                       Case{w0_end - 100, 0, 4, 101, "one byte past, every row"},
                       Case{w0_end - 0x800, 0x400, 5, 32, "row in the gap"},
                       Case{s.mem_base + 0x800, 0, 1, 16, "below every window"}}) {
    auto x = this->Block(1, 0x500, c.src, c.stride, c.rows, c.cols);
    // Padding in every row and padded rows: the zeros must not be written either (the pre-pass
    // of 40 rows outlasts the tail-length multiply, so zeros would be ready to go).
    x.rows += 2;
    x.row_bytes += 8;
    const Outcome o = this->Load(x);
    EXPECT_EQ(o.rtl, Fault::kAccess) << c.what;
    EXPECT_EQ(o.model, Fault::kAccess) << c.what;
    EXPECT_EQ(o.bursts, 0u) << c.what << ": a read was issued";
    EXPECT_EQ(o.l0_writes, 0u) << c.what << ": L0 was written";
    constexpr int k = TestFixture::kCtrlPipe;
    EXPECT_LE(o.cycles, BoxCheckCycles(c.rows, k) + uint64_t(c.rows) * (1 + k) + 1)
        << "the bounding box, then one row per cycle";
  }
  this->ExpectAllL0Matches();
  // The unit goes on: a legal LOAD right after, including a row ending at a window's end.
  this->LoadAndCheck(this->Block(1, 0x500, w0_end - 64 * 9, 64, 9, 64));
  this->LoadAndCheck(this->Block(0, 0x0, s.mem_base + 0x12000, 100, 10, 100));
}

TYPED_TEST(MteInTest, PrePassChecksTheBoundingBoxThenRowByRow) {
  Rig s;
  // Two abutting windows, then nothing: [+0x1000, +0x11000) and [+0x11000, +0x21000).
  s.windows = {{s.mem_base + 0x1000, 0x10000, false}, {s.mem_base + 0x11000, 0x10000, false}};
  s.mem.latency = 20;
  s.mem.ar_stall = 0.3;
  s.mem.r_stall = 0.3;
  this->Start(s);
  const uint64_t edge = s.mem_base + 0x11000, top = s.mem_base + 0x21000;
  int n = 0;
  auto fast = [this, &n](const LoadDesc& x) {
    const Outcome o = this->LoadAndCheck(x);
    EXPECT_LE(o.to_first_ar, BoxCheckCycles(x.valid_rows, TestFixture::kCtrlPipe))
        << "case " << n++ << ": " << Describe(x);
  };
  // Bounding box inside one window: a few cycles, however many rows.
  fast(this->Block(0, 0x0, s.mem_base + 0x2003, 256, 128, 80));
  fast(this->Block(1, 0x0, s.mem_base + 0x11000, 80, 200, 80));
  // Only the valid part counts: the last valid row ends exactly at window 0's end; the
  // padded rows would lie past it.
  auto x = this->Block(0, 0x5001, edge - (49 * 100 + 40), 100, 64, 64);
  x.valid_rows = 50;
  x.valid_cols = 40;
  fast(x);
  // Stride 0: the box is one row.
  fast(this->Block(1, 0x40, edge - 37, 0, 100, 37));
  fast(this->Block(0, 0x3, top - 1, 0, 7, 1));
  // Rows in different windows, none across the edge: the box fails, every row passes.
  x = this->Block(1, 0x0, edge - 0x800, 0x100, 16, 0x80);
  Outcome o = this->LoadAndCheck(x);
  EXPECT_GE(o.to_first_ar, x.valid_rows) << "row by row: " << Describe(x);
  x = this->Block(0, 0x777, edge - 7 * 300 - 1, 300, 33, 1);
  o = this->LoadAndCheck(x);
  EXPECT_GE(o.to_first_ar, x.valid_rows) << "row by row: " << Describe(x);
  // Faults found row by row, with the same code and nothing moved.
  this->ExpectAccessFault(this->Block(0, 0x0, edge - 0x740, 0x100, 16, 0x80), "row 7 across");
  this->ExpectAccessFault(this->Block(1, 0x0, edge - 10, 0, 8, 20), "stride 0 across");
  this->ExpectAccessFault(this->Block(0, 0x200, top - 39 * 64 - 63, 64, 40, 64), "last row out");
  this->ExpectAccessFault(this->Block(1, 0x200, top, 64, 2, 64), "first row out");
  this->ExpectAllL0Matches();
  // Still fast after faults and slow passes.
  fast(this->Block(0, 0x100, s.mem_base + 0x1000, 0x1000, 16, 0x1000 / 16));
}

TYPED_TEST(MteInTest, BoundingBoxAtTheTopOfTheAddressSpace) {
  Rig s;
  s.mem_base = 0xFFFF0000;
  s.mem_size = 0x10000;
  // A window at the very top and one at address 0 (where a wrapped address would land).
  s.windows = {{0xFFFF1000, 0xF000, false}, {0, 0x10000, false}};
  this->Start(s);
  // The last row ends exactly at 2^32: the box check passes.
  auto x = this->Block(0, 0x0, 0xFFFF8000, 0x100, 128, 0x100);
  const Outcome o = this->LoadAndCheck(x);
  EXPECT_LE(o.to_first_ar, BoxCheckCycles(x.valid_rows, TestFixture::kCtrlPipe)) << Describe(x);
  // The last row runs past 2^32, or starts there.
  this->ExpectAccessFault(this->Block(1, 0x0, 0xFFFF8010, 0x100, 128, 0x100), "last row across");
  this->ExpectAccessFault(this->Block(0, 0x0, 0xFFFF8000, 0x100, 129, 0x10), "last row at 2^32");
  // Box lengths of 2^32 + 1 and 2^33 + 1: truncated to 32 or 33 bits they would fit.
  this->ExpectAccessFault(this->Block(1, 0x0, 0xFFFF1000, 0x80000000, 3, 1), "box 2^32 + 1");
  this->ExpectAccessFault(this->Block(0, 0x0, 0xFFFF1000, 0x80000000, 5, 1), "box 2^33 + 1");
  this->ExpectAccessFault(this->Block(1, 0x0, 0xFFFF1000, 0xFFFFFFFF, 4, 1), "box ~3 x 2^32");
  // A stride that would be -0x100 if it were signed: row 1 lies past 2^32, not below row 0.
  this->ExpectAccessFault(this->Block(0, 0x0, 0xFFFF8000, 0xFFFFFF00, 2, 0x10), "stride 2^32-256");
  this->ExpectAllL0Matches();
}

TYPED_TEST(MteInTest, AddressesDoNotWrapPastTheTopOfTheAddressSpace) {
  Rig s;
  s.mem_base = 0xFFFF0000;
  s.mem_size = 0x10000;
  // A window at the very top and one at address 0 (not backed: reading it would be an error).
  s.windows = {{0xFFFF1000, 0xF000, false}, {0, 0x10000, false}};
  this->Start(s);
  // The last row ends exactly at 2^32: fine.
  this->LoadAndCheck(this->Block(0, 0x0, 0xFFFFFF00, 0x40, 4, 0x40));
  this->LoadAndCheck(this->Block(1, 0x0, 0xFFFFFFF1, 0, 3, 15));
  // Row 1 would start at 2^32: the model computes it in 64 bits, outside every window. A
  // unit that wrapped to 0 would find it inside window 1.
  auto x = this->Block(0, 0x800, 0xFFFFFF00, 0x100, 2, 0x80);
  Outcome o = this->Load(x);
  EXPECT_EQ(o.model, Fault::kAccess);
  EXPECT_EQ(o.rtl, Fault::kAccess);
  EXPECT_EQ(o.bursts, 0u);
  // A row that starts below 2^32 and runs past it.
  x = this->Block(0, 0x800, 0xFFFFFFF0, 0, 1, 0x20);
  o = this->Load(x);
  EXPECT_EQ(o.model, Fault::kAccess);
  EXPECT_EQ(o.rtl, Fault::kAccess);
  // A huge stride: row 1 lies far past 2^32 (the 64-bit sum has bits above 32).
  x = this->Block(1, 0x0, 0xFFFF1000, 0x7FFFFFFF, 3, 1);
  o = this->Load(x);
  EXPECT_EQ(o.model, Fault::kAccess);
  EXPECT_EQ(o.rtl, Fault::kAccess);
  this->ExpectAllL0Matches();
}

TYPED_TEST(MteInTest, MemErrorDrainsEveryBeatThenRecovers) {
  Rig s;
  s.mem.latency = 60;
  s.mem.r_stall = 0.2;
  s.mem.ar_stall = 0.2;
  this->Start(s);
  const uint64_t src = this->data_lo_ + 0x8000;
  struct Case {
    uint64_t err_at;  // offset from src
    const char* what;
  };
  // Long rows, so that many bursts are in flight when the error comes back.
  for (const Case c : {Case{0, "first beat"}, Case{3 * 2048 + 700, "middle of row 3"},
                       Case{15 * 2048 + 1999, "last byte read"}}) {
    const auto x = this->Block(0, 0x1000, src, 2048, 16, 2000);
    this->slave_->ClearErrors();
    this->slave_->InjectError(src + c.err_at, 1);
    const uint64_t errs = this->slave_->error_responses();
    const Outcome o = this->Load(x, /*rtl_only=*/true);
    EXPECT_EQ(o.rtl, Fault::kMemError) << c.what;
    EXPECT_GE(this->slave_->error_responses() - errs, 1u) << c.what;
    // Load() already checked that no response is owed at done_o; ready for the next command.
    EXPECT_TRUE(this->sim_->dut().cmd_ready_o) << c.what;
    // The same LOAD without the error completes and overwrites whatever was partly written.
    this->slave_->ClearErrors();
    this->LoadAndCheck(x);
  }
  this->ExpectAllL0Matches();
}

TYPED_TEST(MteInTest, RandomLoads) {
  Rig s;
  s.windows = {{s.mem_base + 0x1000, 0x7F000, false}, {s.mem_base + 0x81000, 0x7F000, true}};
  s.mem.latency = 1 + this->rng_.Uniform(0, 40);
  this->Start(s);
  this->RandomLoads(200, /*mem_errors=*/false);
}

// Abutting windows: blocks across an edge check row by row and pass when no row crosses it.
TYPED_TEST(MteInTest, RandomLoadsAcrossAbuttingWindows) {
  Rig s;
  s.windows = {{s.mem_base + 0x1000, 0x3F000, false},
               {s.mem_base + 0x40000, 0x40000, false},
               {s.mem_base + 0x80000, 0x80000, true}};
  s.mem.latency = 1 + this->rng_.Uniform(0, 80);
  s.mem.ar_stall = 0.3;
  s.mem.r_stall = 0.3;
  s.cmd_stall = 0.3;
  this->Start(s);
  this->RandomLoads(200, /*mem_errors=*/false);
}

TYPED_TEST(MteInTest, RandomLoadsWithLatencyBackpressureAndErrors) {
  Rig s;
  s.windows = {{s.mem_base + 0x1000, 0x7F000, false}, {s.mem_base + 0x81000, 0x7F000, true}};
  s.mem.latency = 1 + this->rng_.Uniform(0, 150);
  s.mem.ar_stall = 0.3;
  s.mem.r_stall = 0.4;
  s.mem.read_bytes_per_cycle = 10;
  s.cmd_stall = 0.5;
  this->Start(s);
  this->RandomLoads(200, /*mem_errors=*/true);
}

// Two LOADs offered back to back: the second's reads go out while the first's data is still
// arriving, and the pair takes about one memory latency less than the two one after the other.
TYPED_TEST(MteInTest, BackToBackLoadsOverlapTheirReads) {
  Rig s;
  s.mem.latency = 100;
  this->Start(s);
  const auto a = this->Block(0, 0x0, this->data_lo_ + 0x1000, 256, 16, 256);
  const auto b = this->Block(1, 0x100, this->data_lo_ + 0x9003, 300, 16, 256);
  const uint64_t alone = this->Load(a).cycles + this->Load(b).cycles;
  const uint64_t t0 = this->sim_->cycle(), ars = this->overlapped_ars_;
  const auto faults = this->LoadStream({a, b});
  const uint64_t pair = this->sim_->cycle() - t0;
  EXPECT_EQ(faults, std::vector<Fault>(2, Fault::kNone));
  EXPECT_GT(this->overlapped_ars_, ars) << "no read of the second LOAD overlapped the first";
  EXPECT_LT(pair + 80, alone) << "back to back " << pair << " cycles, one by one " << alone;
  this->ExpectAllL0Matches();  // the model ran a and b (in Load above)
}

// An error response fails its LOAD and the one already accepted behind it (which moves no
// byte: a sequencer stops at the first fault); the next LOAD runs normally.
TYPED_TEST(MteInTest, MemErrorFailsTheLoadAcceptedBehindIt) {
  Rig s;
  s.mem.latency = 100;
  this->Start(s);
  const auto a = this->Block(0, 0x0, this->data_lo_ + 0x1000, 64, 4, 64);
  const auto b = this->Block(1, 0x0, this->data_lo_ + 0x4000, 512, 32, 512);
  const auto c = this->Block(0, 0x400, this->data_lo_ + 0x9000, 128, 8, 128);
  this->slave_->InjectError(a.src_addr + 2 * 64 + 5, 1);
  const uint64_t writes = this->writes_;
  auto faults = this->LoadStream({a, b});
  this->slave_->ClearErrors();
  EXPECT_EQ(faults, std::vector<Fault>({Fault::kMemError, Fault::kMemError}));
  // a writes its first two rows at most; b nothing.
  EXPECT_LE(this->writes_ - writes, 2u * 64 / kBeatBytes);
  faults = this->LoadStream({c});
  EXPECT_EQ(faults, std::vector<Fault>({Fault::kNone}));
  EXPECT_EQ(this->ModelLoad(c), Fault::kNone);
  this->ExpectBlockMatches(c);
}

// Random streams of LOADs offered back to back under latency, backpressure and command
// stalls; every LOAD's fault and the buffers must match the model running them one by one.
TYPED_TEST(MteInTest, RandomLoadStreams) {
  Rig s;
  s.windows = {{s.mem_base + 0x1000, 0x7F000, false}, {s.mem_base + 0x81000, 0x7F000, true}};
  s.mem.latency = 1 + this->rng_.Uniform(0, 120);
  s.mem.ar_stall = 0.3;
  s.mem.r_stall = 0.3;
  s.cmd_stall = 0.3;
  this->Start(s);
  uint64_t overlapped = this->overlapped_ars_;
  for (int i : tb::Steps(40)) {
    std::vector<LoadDesc> xs(this->rng_.Uniform(2, 6));
    for (auto& x : xs) x = this->RandomLoad();
    const auto faults = this->LoadStream(xs);
    ASSERT_EQ(faults.size(), xs.size());
    for (size_t j = 0; j < xs.size(); ++j) {
      ASSERT_EQ(faults[j], this->ModelLoad(xs[j]))
          << "stream " << i << " load " << j << ": " << Describe(xs[j]);
    }
    this->ExpectAllL0Matches();
    if (this->HasFailure()) return;
  }
  EXPECT_GT(this->overlapped_ars_, overlapped) << "no stream overlapped two LOADs";
}

}  // namespace
}  // namespace luoshu
