// mte_out (rtl/mte/mte_out.sv) against a reference built on sw/model/epilogue.h: STORE
// descriptors run by the unit from a real L0C (tests/rtl/mte/mte_out_tb.sv, loaded through a
// backdoor port; its read grant dropped at random to stand in for the cube's priority), with
// device memory served by MemSlave over a DeviceMemory. After every STORE the whole memory
// image must equal the reference byte for byte (so bytes outside the block are untouched),
// and the bursts, L0C reads and byte counters must be exactly the ones the STORE needs.
// Dim = 16 with the core's defaults; Dim = 4 with an L0C that is not a power of two and
// 16-column bias blocks (many blocks per row).
//
// Memory layout: the first 60 KiB of the image hold bias vectors (a read-only window); the
// output area starts 4 KiB above it (windows never abut: a range must lie in ONE window).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "Vmte_out_tb_d16.h"
#include "Vmte_out_tb_d16_params.h"
#include "Vmte_out_tb_d4.h"
#include "Vmte_out_tb_d4_params.h"
#include "Vmte_out_tb_d8_pipe.h"
#include "Vmte_out_tb_d8_pipe_params.h"
#include "sw/isa/luoshu_isa.h"
#include "sw/model/core_model.h"
#include "sw/model/epilogue.h"
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

using hal::Window;
using isa::Fault;
using isa::StoreDesc;

constexpr int kBeatBytes = 16;
constexpr int kLanes = kBeatBytes / 4;  // elements per L0C read for int32 out (one beat)
constexpr int kNumWindows = 4;
constexpr uint64_t kBiasWindow = 60 << 10;
constexpr uint64_t kDataOffset = 64 << 10;

// A Verilated configuration and the parameters it was built with (V<name>_params.h).
template <class M, class P = VerilatedParams<M>>
struct Config {
  using Model = M;
  static constexpr int kDim = P::Dim;
  // Cycles of latency per single-block STORE that the FPGA build's registers add (not per
  // beat): the epilogue's stages, and with CtrlPipe a second cycle for the bias and hull
  // checks, one for the hull's length and one for the block's setup. With CtrlPipe a row
  // checked on its own takes two cycles.
  static constexpr int kPipeCycles = int(P::EpiloguePipe + 4 * P::CtrlPipe);
  static constexpr int kRowCheckCycles = int(1 + P::CtrlPipe);
  static constexpr uint32_t kL0cBytes = P::L0cBytes, kBiasCols = P::BiasCols;
  // Elements per L0C read for int8 out: a beat's worth, at most the largest power of two
  // <= Dim (the L0C read port's width).
  static constexpr uint32_t kInt8Lanes = [] {
    uint32_t l = kLanes;
    while (2 * l <= uint32_t(kBeatBytes) && 2 * l <= uint32_t(P::Dim)) l *= 2;
    return l;
  }();
};

struct Rig {
  uint64_t mem_base = 0x40000000;
  uint64_t mem_size = 1 << 20;
  // Windows the unit is granted (at most kNumWindows, never abutting); empty = bias area
  // read-only plus the rest writable.
  std::vector<Window> windows;
  tb::MemSlaveConfig mem;
  double gnt_drop = 0;  // P(the L0C read port is taken by the cube) per cycle
  double cmd_stall = 0;
};

// What one STORE did.
struct Outcome {
  Fault fault = Fault::kNone;
  uint64_t cycles = 0;                  // command accepted -> done_o
  uint64_t w_cycles = 0;                // first W beat -> last W beat, both included
  uint64_t rd_bytes = 0, wr_bytes = 0;  // sums of rd_bytes_o / wr_bytes_o
  uint64_t ar_bursts = 0, aw_bursts = 0, bytes_written = 0, beats_read = 0;  // memory's view
  uint64_t l0c_reads = 0;
};

uint64_t Esize(const StoreDesc& x) { return x.int8_out ? 1 : 4; }

// Column blocks: BiasCols columns each when the bias is on (one bias read per block), else
// the whole row.
template <class F>
void ForEachBlock(const StoreDesc& x, uint32_t bias_cols, F f) {
  const uint32_t step = x.bias_en ? bias_cols : x.cols;
  for (uint32_t cb = 0; cb < x.cols; cb += step) f(cb, std::min(step, x.cols - cb));
}

// The bursts over [start, start + len) (tb::SplitBursts), counted.
struct BurstCount {
  uint64_t bursts = 0, beats = 0;
  void Add(uint64_t start, uint64_t len) {
    for (const tb::Burst& b : tb::SplitBursts(start, len, kBeatBytes)) {
      ++bursts;
      beats += b.beats;
    }
  }
};

// Rows that overlap in memory with several bias blocks are stored row by row (every block of a
// row, its bias read again), so that rows land in order; otherwise block by block.
bool RowMajor(const StoreDesc& x, uint32_t bias_cols) {
  return x.bias_en && x.cols > bias_cols && x.dst_stride < x.cols * Esize(x);
}

struct Expected {
  BurstCount writes, bias;
  uint64_t l0c_reads = 0, bias_bytes = 0;
};
Expected ExpectedTraffic(const StoreDesc& x, uint32_t bias_cols, uint32_t int8_lanes) {
  Expected e;
  const uint32_t chunk = x.int8_out ? int8_lanes : kLanes;  // elements per L0C read
  const bool row_major = RowMajor(x, bias_cols);
  for (uint64_t pass = 0; pass < (row_major ? x.rows : 1); ++pass) {
    ForEachBlock(x, bias_cols, [&](uint32_t cb, uint32_t nb) {
      if (x.bias_en) e.bias.Add(x.bias_addr + 4ull * cb, 4ull * nb);
      if (x.bias_en) e.bias_bytes += 4ull * nb;
      for (uint64_t r = row_major ? pass : 0; r < (row_major ? pass + 1 : x.rows); ++r) {
        e.writes.Add(x.dst_addr + r * x.dst_stride + cb * Esize(x), nb * Esize(x));
        e.l0c_reads += (nb + chunk - 1) / chunk;
      }
    });
  }
  return e;
}

std::string Describe(const StoreDesc& x) {
  std::ostringstream os;
  os << "STORE " << x.rows << "x" << x.cols << " L0C+0x" << std::hex << x.c_offset << std::dec
     << " pitch " << x.c_pitch << " -> 0x" << std::hex << x.dst_addr << std::dec << " stride "
     << x.dst_stride << (x.int8_out ? " int8" : " int32") << (x.relu ? " relu" : "");
  if (x.bias_en) os << " bias@0x" << std::hex << x.bias_addr << std::dec;
  if (x.int8_out) os << " scale " << x.scale << " shift " << x.shift;
  return os.str();
}

template <class C>
class MteOutTest : public ::testing::Test {
 protected:
  using Model = typename C::Model;
  static constexpr int kDim = C::kDim;
  static constexpr uint32_t kElems = C::kL0cBytes / 4;
  static constexpr uint32_t kBiasCols = C::kBiasCols;
  static constexpr uint32_t kInt8Lanes = C::kInt8Lanes;
  static constexpr int kPipeCycles = C::kPipeCycles;
  static constexpr int kRowCheckCycles = C::kRowCheckCycles;

  MteOutTest() : rng_(tb::SeedFromEnv(1)) {}

  // Builds memory, simulation and agents, and loads L0C with random values.
  void Start(Rig s = Rig()) {
    rig_ = s;
    memory_ = std::make_unique<model::DeviceMemory>(s.mem_base, s.mem_size);
    for (uint64_t a = 0; a < s.mem_size; a += 8) {
      const uint64_t v = rng_.Bits64();
      memory_->Write(s.mem_base + a, &v, 8);
    }
    bias_lo_ = s.mem_base;
    data_lo_ = s.mem_base + kDataOffset;
    data_hi_ = s.mem_base + s.mem_size;
    if (rig_.windows.empty()) {
      rig_.windows = {{bias_lo_, kBiasWindow, false}, {data_lo_, data_hi_ - data_lo_, true}};
    }
    ASSERT_LE(rig_.windows.size(), size_t(kNumWindows));

    sim_ = std::make_unique<tb::Simulation<Model>>(tb::CurrentTestName(), "mte_out");
    auto& d = sim_->dut();
    tb::DriveWindows(&d, rig_.windows);
    tb::MemPins pins;
    LUOSHU_MEM_READ_PINS(pins, &d, mem_);
    LUOSHU_MEM_WRITE_PINS(pins, &d, mem_);
    slave_ = std::make_unique<tb::MemSlave>(sim_.get(), pins, memory_.get(), s.mem, rng_.Bits64());
    cmd_ = tb::MakeCommandSource(sim_.get(), tb::StallInjector(s.cmd_stall, &rng_));
    gnt_rng_ = std::make_unique<tb::Rng>(rng_.Bits64());
    drive_hook_ = sim_->OnDrive(
        [this] { sim_->dut().l0c_gnt_i = !sim_->in_reset() && !gnt_rng_->Chance(rig_.gnt_drop); });
    sample_hook_ = sim_->OnSample([this] { Monitor(); });
    sim_->Reset();
    LoadL0c();
  }

  int32_t RandomValue() {
    switch (rng_.Uniform(0, 5)) {
      case 0:
        return static_cast<int32_t>(rng_.Bits64());
      case 1:
        return static_cast<int32_t>(rng_.Uniform(-300, 300));
      case 2:
        return static_cast<int32_t>(rng_.Uniform(-100000, 100000));
      case 3:
        return rng_.Chance(0.5) ? INT32_MIN : INT32_MAX;
      default:
        return static_cast<int32_t>(rng_.Uniform(-5000000, 5000000));
    }
  }

  // Random L0C contents, written Dim elements per cycle through the backdoor.
  void LoadL0c() {
    l0c_.resize(kElems);
    for (auto& v : l0c_) v = RandomValue();
    auto& d = sim_->dut();
    for (uint32_t a = 0; a < kElems; a += kDim) {
      d.bd_we_i = 1;
      d.bd_waddr_i = a;
      for (int l = 0; l < kDim; ++l) {
        tb::PutBits(d.bd_wdata_i, 32 * l, 32, static_cast<uint32_t>(l0c_[a + l]));
      }
      sim_->Step();
    }
    d.bd_we_i = 0;
  }

  // Random bias values at [addr, addr + 4 cols) (in the read-only bias area).
  void WriteBias(uint64_t addr, uint32_t cols) {
    for (uint32_t c = 0; c < cols; ++c) {
      memory_->Write32(addr + 4 * c, static_cast<uint32_t>(RandomValue()));
    }
  }

  // Per-cycle checks of the command interface, and counters.
  void Monitor() {
    if (sim_->in_reset()) return;
    auto& d = sim_->dut();
    auto fail = [this](const std::string& why) {
      if (violation_.empty()) violation_ = "cycle " + std::to_string(sim_->cycle()) + ": " + why;
    };
    cmd_mon_.Sample(d, sim_->cycle(), fail);
    if (!d.busy_o && (d.mem_ar_valid_o || d.mem_aw_valid_o || d.mem_w_valid_o || d.l0c_rd_req_o)) {
      fail("memory or L0C request while idle");
    }
    if (d.l0c_rd_req_o && d.l0c_gnt_i) ++l0c_reads_;
    rd_bytes_ += d.rd_bytes_o;
    wr_bytes_ += d.wr_bytes_o;
    if (d.wr_bytes_o != 0) {  // a W beat left
      if (w_first_cycle_ == 0) w_first_cycle_ = sim_->cycle();
      w_last_cycle_ = sim_->cycle();
    }
  }

  std::vector<uint8_t> Image() const {
    std::vector<uint8_t> img(rig_.mem_size);
    memory_->Read(rig_.mem_base, img.data(), img.size());
    return img;
  }

  // Runs one STORE on the RTL and returns what happened (memory is checked by the caller).
  Outcome Store(const StoreDesc& x) {
    Outcome o;
    const uint64_t dones = cmd_mon_.dones, rd = rd_bytes_, wr = wr_bytes_, reads = l0c_reads_;
    const uint64_t ar = slave_->read_bursts(), aw = slave_->write_bursts();
    const uint64_t written = slave_->bytes_written(), beats = slave_->bytes_read();
    w_first_cycle_ = w_last_cycle_ = 0;
    cmd_->Push(x.Pack());
    const Expected e = ExpectedTraffic(x, kBiasCols, kInt8Lanes);
    const uint64_t budget =
        5000 + 200 * (e.writes.beats + e.bias.beats + e.l0c_reads) + 100 * uint64_t(x.rows);
    sim_->RunUntil([&] { return cmd_mon_.dones > dones; }, budget, "done_o of " + Describe(x));
    o.fault = cmd_mon_.last_fault;
    o.cycles = cmd_mon_.done_cycle - cmd_mon_.accept_cycle;
    if (w_first_cycle_ != 0) o.w_cycles = w_last_cycle_ - w_first_cycle_ + 1;
    o.rd_bytes = rd_bytes_ - rd;
    o.wr_bytes = wr_bytes_ - wr;
    o.l0c_reads = l0c_reads_ - reads;
    o.ar_bursts = slave_->read_bursts() - ar;
    o.aw_bursts = slave_->write_bursts() - aw;
    o.bytes_written = slave_->bytes_written() - written;
    o.beats_read = (slave_->bytes_read() - beats) / kBeatBytes;
    EXPECT_TRUE(slave_->Idle()) << "done_o with responses still owed: " << Describe(x);
    EXPECT_EQ(violation_, "") << Describe(x);
    return o;
  }

  // The fault the STORE must raise: ACCESS unless the bias (read) and every row (write) each
  // lie inside one granted window (windows never abut in these tests).
  Fault ExpectedFault(const StoreDesc& x) const {
    auto inside = [this](uint64_t lo, uint64_t len, bool write) {
      return model::InsideOneWindow(rig_.windows, lo, len, write);
    };
    if (x.bias_en && !inside(x.bias_addr, 4ull * x.cols, false)) return Fault::kAccess;
    for (uint64_t r = 0; r < x.rows; ++r) {
      if (!inside(x.dst_addr + r * x.dst_stride, x.cols * Esize(x), true)) return Fault::kAccess;
    }
    return Fault::kNone;
  }

  // The memory image after the STORE, from the image before it (rows in order, so overlapping
  // rows end as the model leaves them).
  std::vector<uint8_t> Reference(const StoreDesc& x, const std::vector<uint8_t>& before) const {
    std::vector<uint8_t> want = before;
    auto at = [this](uint64_t addr) { return static_cast<size_t>(addr - rig_.mem_base); };
    for (uint64_t r = 0; r < x.rows; ++r) {
      for (uint32_t c = 0; c < x.cols; ++c) {
        int32_t bias = 0;
        if (x.bias_en) {
          const size_t b = at(x.bias_addr + 4ull * c);
          bias = static_cast<int32_t>(before[b] | before[b + 1] << 8 | before[b + 2] << 16 |
                                      uint32_t(before[b + 3]) << 24);
        }
        const int32_t v = model::EpilogueInt32(l0c_[x.c_offset / 4 + r * x.c_pitch + c], bias,
                                               x.bias_en != 0, x.relu != 0);
        const size_t d = at(x.dst_addr + r * x.dst_stride + c * Esize(x));
        if (x.int8_out) {
          want[d] = static_cast<uint8_t>(model::Requantize(v, x.scale, int(x.shift)));
        } else {
          for (int k = 0; k < 4; ++k) want[d + k] = static_cast<uint8_t>(uint32_t(v) >> (8 * k));
        }
      }
    }
    return want;
  }

  // Compares the image with `want`; with `loose`, bytes the STORE may write may also still
  // hold their `before` value (after MEM_ERROR the destination may be partly written), or any
  // value if rows overlap (an earlier row's, when the later one was not written).
  void ExpectImage(const std::vector<uint8_t>& want, const std::vector<uint8_t>& before,
                   const StoreDesc& x, bool loose = false) {
    const auto got = Image();
    std::vector<bool> in_block;
    if (loose) {
      in_block.assign(got.size(), false);
      for (uint64_t r = 0; r < x.rows; ++r) {
        const uint64_t lo = x.dst_addr + r * x.dst_stride - rig_.mem_base;
        for (uint64_t i = 0; i < x.cols * Esize(x); ++i) in_block[lo + i] = true;
      }
    }
    const bool overlap = x.dst_stride < x.cols * Esize(x) && x.rows > 1;
    uint64_t bad = 0;
    for (size_t i = 0; i < got.size(); ++i) {
      if (got[i] == want[i]) continue;
      if (loose && in_block[i] && (overlap || got[i] == before[i])) continue;
      if (bad++ < 8) {
        ADD_FAILURE() << Describe(x) << ": byte 0x" << std::hex << rig_.mem_base + i << " = 0x"
                      << int(got[i]) << ", want 0x" << int(want[i]) << " (was 0x" << int(before[i])
                      << ")";
      }
    }
    EXPECT_EQ(bad, 0u) << Describe(x) << ": bytes differ";
  }

  // Runs a STORE, checks its fault, the whole memory image and the exact traffic.
  Outcome StoreAndCheck(const StoreDesc& x) {
    const auto before = Image();
    const Fault want_fault = ExpectedFault(x);
    const Outcome o = Store(x);
    EXPECT_EQ(o.fault, want_fault) << Describe(x);
    if (want_fault == Fault::kNone) {
      const Expected e = ExpectedTraffic(x, kBiasCols, kInt8Lanes);
      const uint64_t bytes = uint64_t(x.rows) * x.cols * Esize(x);
      EXPECT_EQ(o.aw_bursts, e.writes.bursts) << Describe(x);
      EXPECT_EQ(o.wr_bytes, bytes) << Describe(x);
      EXPECT_EQ(o.bytes_written, bytes) << Describe(x);
      EXPECT_EQ(o.ar_bursts, e.bias.bursts) << Describe(x);
      EXPECT_EQ(o.beats_read, e.bias.beats) << Describe(x);
      EXPECT_EQ(o.rd_bytes, e.bias_bytes) << Describe(x);
      EXPECT_EQ(o.l0c_reads, e.l0c_reads) << Describe(x);
      ExpectImage(Reference(x, before), before, x);
    } else {
      EXPECT_EQ(o.ar_bursts + o.aw_bursts + o.l0c_reads, 0u)
          << "faulting STORE moved data: " << Describe(x);
      EXPECT_EQ(o.rd_bytes + o.wr_bytes, 0u) << Describe(x);
      ExpectImage(before, before, x);
    }
    return o;
  }

  // A STORE of rows x cols from L0C element c_elem (row pitch pitch) to dst (stride).
  StoreDesc Block(uint32_t c_elem, uint32_t pitch, uint64_t dst, uint32_t stride, uint32_t rows,
                  uint32_t cols, bool int8 = false) const {
    StoreDesc x;
    x.c_offset = 4 * c_elem;
    x.c_pitch = pitch;
    x.dst_addr = static_cast<uint32_t>(dst);
    x.dst_stride = stride;
    x.rows = rows;
    x.cols = cols;
    x.int8_out = int8;
    x.scale = 77;
    x.shift = 9;
    return x;
  }
  void WithBias(StoreDesc* x, uint64_t addr) {
    x->bias_en = 1;
    x->bias_addr = static_cast<uint32_t>(addr);
    WriteBias(addr, x->cols);
  }

  // A random legal STORE: shapes from one element to several bias blocks, pitch >= cols,
  // strides from 0 (every row on the same bytes) through overlapping rows to wide gaps.
  StoreDesc RandomStore() {
    StoreDesc x;
    x.int8_out = rng_.Chance(0.5);
    x.relu = rng_.Chance(0.5);
    const int shape = rng_.Uniform(0, 9);
    if (shape < 6) {
      x.cols = rng_.Uniform(1, 40);
      x.rows = rng_.Uniform(1, 24);
    } else if (shape < 9) {
      x.cols = rng_.Uniform(1, 2 * kBiasCols + 9);
      x.rows = rng_.Uniform(1, 6);
    } else {
      x.cols = rng_.Uniform(1, std::min<uint32_t>(2000, kElems));
      x.rows = rng_.Uniform(1, 3);
    }
    x.c_pitch = x.cols + (rng_.Chance(0.5) ? 0 : rng_.Uniform(0, 20));
    while (x.rows > 1 && uint64_t(x.rows - 1) * x.c_pitch + x.cols > kElems) --x.rows;
    if (uint64_t(x.rows - 1) * x.c_pitch + x.cols > kElems) x.c_pitch = x.cols;
    const uint32_t span_c = (x.rows - 1) * x.c_pitch + x.cols;
    x.c_offset = 4 * static_cast<uint32_t>(rng_.Uniform(0, kElems - span_c));
    const uint64_t es = Esize(x), row = es * x.cols;
    const int st = rng_.Uniform(0, 9);
    uint64_t stride = st < 4   ? row + es * rng_.Uniform(0, 8)
                      : st < 5 ? 0
                      : st < 6 ? es * rng_.Uniform(1, x.cols)  // rows overlap
                               : es * rng_.Uniform(x.cols, 1500);
    auto span = [&] { return uint64_t(x.rows - 1) * stride + row; };
    if (span() > data_hi_ - data_lo_) stride = row;
    x.dst_stride = static_cast<uint32_t>(stride);
    x.dst_addr = static_cast<uint32_t>(rng_.Uniform(data_lo_, data_hi_ - span()) & ~(es - 1));
    // Sometimes straddle the end of the first output window (a gap may follow it).
    const Window& w = rig_.windows[1];
    const uint64_t edge = w.base + w.size;
    if (rng_.Chance(0.1) && edge - data_lo_ >= span() && data_hi_ - edge >= span()) {
      x.dst_addr = static_cast<uint32_t>(rng_.Uniform(edge - span(), edge) & ~(es - 1));
    }
    if (rng_.Chance(0.5)) {
      x.bias_en = 1;
      x.bias_addr = static_cast<uint32_t>(
          4 * rng_.Uniform(bias_lo_ / 4, (bias_lo_ + kBiasWindow - 4ull * x.cols) / 4));
      WriteBias(x.bias_addr, x.cols);
    }
    x.scale = static_cast<int32_t>(rng_.Chance(0.1) ? (rng_.Chance(0.5) ? -32768 : 32767)
                                                    : rng_.Uniform(-32768, 32767));
    x.shift = static_cast<uint32_t>(rng_.Chance(0.7) ? rng_.Uniform(8, 24) : rng_.Uniform(0, 31));
    return x;
  }

  // Random STOREs, each checked as it completes. With mem_errors, some first run with an error
  // response injected at a random byte they read or write (MEM_ERROR, every response drained,
  // nothing outside the block touched), then run again clean.
  void RandomStores(int n, bool mem_errors) {
    int faults = 0, errors = 0;
    for (int i : tb::Steps(n)) {
      const StoreDesc x = RandomStore();
      if (mem_errors && ExpectedFault(x) == Fault::kNone && rng_.Chance(0.2)) {
        const bool on_bias = x.bias_en && rng_.Chance(0.5);
        const uint64_t err_at = on_bias ? x.bias_addr + rng_.Uniform(0, 4 * x.cols - 1)
                                        : x.dst_addr +
                                              rng_.Uniform(0, x.rows - 1) * uint64_t(x.dst_stride) +
                                              rng_.Uniform(0, x.cols * Esize(x) - 1);
        slave_->InjectError(err_at, 1);
        const auto before = Image();
        const Outcome e = Store(x);
        slave_->ClearErrors();
        ASSERT_EQ(e.fault, Fault::kMemError) << "store " << i << ": " << Describe(x);
        ExpectImage(Reference(x, before), before, x, /*loose=*/true);
        ++errors;
      }
      const Outcome o = StoreAndCheck(x);
      if (o.fault != Fault::kNone) ++faults;
      if (HasFailure()) {
        ADD_FAILURE() << "store " << i << ": " << Describe(x);
        return;
      }
    }
    RecordProperty("access_faults", faults);
    RecordProperty("mem_errors", errors);
  }

  tb::Rng rng_;
  std::unique_ptr<tb::Rng> gnt_rng_;
  Rig rig_;
  uint64_t bias_lo_ = 0, data_lo_ = 0, data_hi_ = 0;
  std::vector<int32_t> l0c_;
  std::unique_ptr<model::DeviceMemory> memory_;
  std::unique_ptr<tb::Simulation<Model>> sim_;
  tb::HookHandle drive_hook_, sample_hook_;  // removed with this object
  std::unique_ptr<tb::MemSlave> slave_;
  std::unique_ptr<tb::StreamSource<isa::Descriptor>> cmd_;
  uint64_t rd_bytes_ = 0, wr_bytes_ = 0, l0c_reads_ = 0;
  uint64_t w_first_cycle_ = 0, w_last_cycle_ = 0;  // of the current STORE's W beats
  tb::CommandMonitor cmd_mon_;
  std::string violation_;
};

// Dim=16 (the core's defaults), Dim=4 (an L0C that is not a power of two), and the FPGA
// build's unit (Dim=8, the epilogue's extra stage).
using Configs =
    ::testing::Types<Config<Vmte_out_tb_d16>, Config<Vmte_out_tb_d4>, Config<Vmte_out_tb_d8_pipe>>;
TYPED_TEST_SUITE(MteOutTest, Configs);

// bias on/off x ReLU on/off x int32/int8, on a block with ragged columns and pitch > cols.
TYPED_TEST(MteOutTest, EveryEpilogueCombination) {
  this->Start();
  const uint64_t out = this->data_lo_ + 0x1000;
  for (int mode = 0; mode < 8; ++mode) {
    const bool int8 = mode & 4;
    auto x = this->Block(37 + mode, 48, out + 0x2000 * mode + (int8 ? 3 : 4), int8 ? 61 : 164, 13,
                         37, int8);
    x.relu = (mode & 2) != 0;
    if (mode & 1) this->WithBias(&x, this->bias_lo_ + 0x100 + 4 * mode);
    x.scale = mode & 2 ? 300 : -4000;
    x.shift = 12;
    this->StoreAndCheck(x);
  }
}

// int8 rows start at every byte offset of a beat, with lengths around a beat.
TYPED_TEST(MteOutTest, UnalignedInt8Destinations) {
  this->Start();
  const uint64_t out = this->data_lo_ + 0x8000;
  for (uint32_t skew = 0; skew < 16; ++skew) {
    const uint32_t cols = 1 + (skew * 7) % 35;
    auto x =
        this->Block(skew * 3, cols + skew % 3, out + 0x400 * skew + skew, 37 + skew, 5, cols, true);
    x.relu = skew & 1;
    if (skew % 4 == 1) this->WithBias(&x, this->bias_lo_ + 4 * skew);
    this->StoreAndCheck(x);
  }
  // One-byte rows, and a single element.
  this->StoreAndCheck(this->Block(5, 1, out + 0x9001, 1, 20, 1, true));
  this->StoreAndCheck(this->Block(100, 1, out + 0x9F0F, 0, 1, 1, true));
}

// Chunk edges: rows whose destination starts at every offset of a beat (every byte for int8,
// every word for int32), with lengths around multiples of 4 and 16 elements (the int32 and
// int8 chunks) and 1-column rows; bias (from every word offset of a beat) and ReLU cycle
// through their combinations, and with several rows the strides alternate between gaps and
// overlapping rows.
TYPED_TEST(MteOutTest, ChunkEdgesAtEveryDestinationOffset) {
  this->Start();
  const uint64_t out = this->data_lo_ + 0x50000;
  const uint32_t kCols[] = {1, 2, 3, 4, 5, 7, 8, 12, 15, 16, 17, 31, 32, 33, 47, 48, 49, 64, 65};
  int n = 0;
  for (bool int8 : {true, false}) {
    const uint32_t es = int8 ? 1 : 4;
    for (uint32_t skew = 0; skew < uint32_t(kBeatBytes); skew += es) {
      for (uint32_t cols : kCols) {
        const uint32_t row = cols * es;
        const uint32_t rows = 1 + n % 3;
        // Overlapping rows (a stride below the row) every fourth case, else a gap.
        const uint32_t stride = (n % 4 == 3) ? es * (1 + cols / 3) : row + es * (n % 5);
        const uint64_t dst = out + 0x400 * (n % 64) + skew;
        auto x = this->Block(7 * n % 200, cols + n % 3, dst, stride, rows, cols, int8);
        x.relu = (n >> 1) & 1;
        if (n & 1) this->WithBias(&x, this->bias_lo_ + 0x3000 + 4 * (n % 8));
        x.scale = (n % 3 == 0) ? -3000 : 411;
        x.shift = 4 + n % 12;
        this->StoreAndCheck(x);
        if (this->HasFailure()) {
          ADD_FAILURE() << "case " << n << ": " << Describe(x);
          return;
        }
        ++n;
      }
    }
  }
}

// More columns than BiasCols: the bias is read block by block (from an address that is not
// beat-aligned), each block of every row stored before the next block's bias.
TYPED_TEST(MteOutTest, ColumnsBeyondBiasColsUseSeveralBiasBlocks) {
  this->Start();
  constexpr uint32_t kB = TestFixture::kBiasCols;
  const uint64_t out = this->data_lo_ + 0x10000;
  const uint32_t cols = std::min<uint32_t>(2 * kB + kB / 2 + 3, TestFixture::kElems / 3);
  for (uint64_t bias_skew : {0u, 4u, 8u, 12u}) {
    for (bool int8 : {false, true}) {
      auto x = this->Block(11, cols + 5, out + (int8 ? 7 : 0), cols * 4 + 32, 3, cols, int8);
      this->WithBias(&x, this->bias_lo_ + 0x2000 + bias_skew);
      x.relu = int8;
      const Outcome o = this->StoreAndCheck(x);
      EXPECT_GE(o.ar_bursts, (cols + kB - 1) / kB) << "one bias read per block at least";
    }
  }
}

// Row pitch wider than the row, and a block whose last element is the last one of L0C.
TYPED_TEST(MteOutTest, PitchWiderThanColsUpToTheEndOfL0c) {
  this->Start();
  constexpr uint32_t kE = TestFixture::kElems;
  const uint64_t out = this->data_lo_ + 0x20000;
  this->StoreAndCheck(this->Block(0, 100, out, 64, 7, 16));
  this->StoreAndCheck(this->Block(3, 70, out + 0x1001, 21, 9, 21, true));
  const uint32_t rows = 5, pitch = 33, cols = 30;
  const uint32_t start = kE - ((rows - 1) * pitch + cols);
  this->StoreAndCheck(this->Block(start, pitch, out + 0x2000, 128, rows, cols));
  this->StoreAndCheck(this->Block(kE - 1, 1, out + 0x3003, 1, 1, 1, true));
}

// Rows that straddle 4 KiB pages, and rows longer than 256 beats.
TYPED_TEST(MteOutTest, RowsCrossing4KiBAreSplit) {
  this->Start();
  const uint64_t page = this->data_lo_ + 0x30000;
  // Each row straddles a page boundary at a different offset: two bursts per row.
  const Outcome o = this->StoreAndCheck(this->Block(0, 50, page - 36, 4096 - 12, 8, 50));
  EXPECT_EQ(o.aw_bursts, 16u);
  // int8 too, at odd offsets.
  this->StoreAndCheck(this->Block(9, 90, page + 0x8000 - 45, 4096 + 3, 6, 90, true));
  // 1100 int32 = 4400 bytes a row: 256-beat and page splits (as long as L0C holds).
  const uint32_t cols = std::min<uint32_t>(1100, TestFixture::kElems / 2);
  this->StoreAndCheck(this->Block(0, cols, page + 0x10000 + 0x7F0, 8192, 2, cols));
}

// dst_stride shorter than a row (rows overlap) and 0 (every row on the same bytes): rows land
// in order, the last one wins where they overlap.
TYPED_TEST(MteOutTest, OverlappingRowsLandInRowOrder) {
  this->Start();
  const uint64_t out = this->data_lo_ + 0x40000;
  this->StoreAndCheck(this->Block(0, 20, out + 4, 8, 10, 20));
  this->StoreAndCheck(this->Block(40, 20, out + 0x800 + 5, 0, 6, 19, true));
  this->StoreAndCheck(this->Block(80, 31, out + 0x1000 + 3, 1, 30, 31, true));
  // Several bias blocks: stored row by row (each row's bias blocks read again).
  constexpr uint32_t kB = TestFixture::kBiasCols;
  const uint32_t cols = kB + kB / 4 + 1;
  for (bool int8 : {false, true}) {
    auto x = this->Block(3, cols, out + 0x2000 + (int8 ? 1 : 0), int8 ? 7 : 4 * cols - 12, 4, cols,
                         int8);
    this->WithBias(&x, this->bias_lo_ + 0x1004);
    ASSERT_TRUE(RowMajor(x, kB));
    const Outcome o = this->StoreAndCheck(x);
    EXPECT_EQ(o.rd_bytes, 4ull * cols * x.rows);
  }
}

// ACCESS: nothing is read (bias, L0C) and nothing written; then legal STOREs go on, including
// rows in two different windows (the one-window hull check fails, the row-by-row check passes).
TYPED_TEST(MteOutTest, AccessFaultTouchesNothing) {
  Rig s;
  const uint64_t b = s.mem_base;
  // Bias read-only; two writable windows with a gap; one read-only output window.
  s.windows = {{b, kBiasWindow, false},
               {b + 0x10000, 0x40000, true},
               {b + 0x51000, 0x40000, true},
               {b + 0xA0000, 0x10000, false}};
  this->Start(s);
  const uint64_t w1_end = b + 0x50000;
  struct Case {
    uint64_t dst;
    uint32_t stride, rows, cols;
    bool int8, bias;
    uint64_t bias_addr;
    const char* what;
  };
  for (const Case c : {
           Case{w1_end - 64 * 39, 64, 40, 16, false, false, 0, "last row past the window"},
           Case{w1_end - 63, 0, 4, 16, false, false, 0, "one byte past, every row"},
           Case{w1_end - 31, 0, 3, 32, true, true, b + 0x100, "int8 one byte past"},
           Case{w1_end - 0x800, 0x400, 5, 8, false, false, 0, "a row in the gap"},
           Case{b + 0xA0000, 64, 2, 4, false, false, 0, "read-only window"},
           Case{b + 0x10, 0, 1, 4, false, false, 0, "into the bias area (read-only)"},
           Case{b + 0x20000, 64, 4, 16, false, true, b + kBiasWindow - 60, "bias past its window"},
           Case{b + 0x20000, 64, 4, 16, false, true, w1_end + 0x800, "bias in the gap"},
       }) {
    auto x = this->Block(0, c.cols, c.dst, c.stride, c.rows, c.cols, c.int8);
    if (c.bias) {
      x.bias_en = 1;
      x.bias_addr = static_cast<uint32_t>(c.bias_addr);
    }
    ASSERT_EQ(this->ExpectedFault(x), Fault::kAccess) << "test bug: " << c.what;
    const Outcome o = this->StoreAndCheck(x);
    EXPECT_EQ(o.fault, Fault::kAccess) << c.what;
    EXPECT_LE(o.cycles,
              uint64_t(c.rows) * TestFixture::kRowCheckCycles + 6 + TestFixture::kPipeCycles)
        << "the pre-pass checks one row per cycle (" << TestFixture::kRowCheckCycles
        << " with CtrlPipe)";
  }
  // Rows alternating between the two writable windows (the stride jumps the gap): legal.
  auto x = this->Block(0, 16, w1_end - 64, 0x1000 + 64, 3, 16);
  this->WithBias(&x, b + 0x40);
  ASSERT_EQ(this->ExpectedFault(x), Fault::kNone);
  this->StoreAndCheck(x);
  // The last byte of a row at a window's end.
  this->StoreAndCheck(this->Block(0, 16, w1_end - 64 * 4, 64, 4, 16));
  this->StoreAndCheck(this->Block(0, 16, w1_end - 16, 0, 2, 16, true));
}

// Row addresses computed in 64 bits: a row past 2^32 faults, it does not wrap to 0.
TYPED_TEST(MteOutTest, AddressesDoNotWrapPastTheTopOfTheAddressSpace) {
  Rig s;
  s.mem_base = 0xFFF00000;
  s.mem_size = 0x100000;
  s.windows = {{0xFFF00000, kBiasWindow, false}, {0xFFF10000, 0xF0000, true}, {0, 0x10000, true}};
  this->Start(s);
  // The last row ends exactly at 2^32: fine.
  this->StoreAndCheck(this->Block(0, 16, 0xFFFFFF00, 0x40, 4, 16));
  this->StoreAndCheck(this->Block(0, 15, 0xFFFFFFF1, 0, 3, 15, true));
  // Row 1 would start at 2^32 (0 if it wrapped, inside window 2).
  Outcome o = this->StoreAndCheck(this->Block(0, 32, 0xFFFFFF00, 0x100, 2, 32));
  EXPECT_EQ(o.fault, Fault::kAccess);
  // A row that starts below 2^32 and runs past it.
  o = this->StoreAndCheck(this->Block(0, 8, 0xFFFFFFF0, 0, 1, 8));
  EXPECT_EQ(o.fault, Fault::kAccess);
  // A huge stride: row 2 lies far past 2^32.
  o = this->StoreAndCheck(this->Block(0, 1, 0xFFF20000, 0x7FFFFFFF, 3, 1, true));
  EXPECT_EQ(o.fault, Fault::kAccess);
  // A hull of 2^34 bytes and a row: cut to the window check's 34 bits its end would be row 0's,
  // inside a window, so the hull must be refused for its length first.
  o = this->StoreAndCheck(this->Block(0, 1, 0xFFF20000, 0x80000000, 9, 1, true));
  EXPECT_EQ(o.fault, Fault::kAccess);
}

// An error response on the bias read: MEM_ERROR, every R beat drained, nothing written when it
// hits the first block; the unit then goes on.
TYPED_TEST(MteOutTest, MemErrorOnBiasReadWritesNothing) {
  Rig s;
  s.mem.latency = 30;
  s.mem.r_stall = 0.3;
  this->Start(s);
  constexpr uint32_t kB = TestFixture::kBiasCols;
  const uint32_t cols = std::min<uint32_t>(kB + kB / 2, 300);
  auto x = this->Block(0, cols, this->data_lo_ + 0x5000, 4 * cols, 4, cols);
  this->WithBias(&x, this->bias_lo_ + 0x404);
  // The first bias byte, the last one of block 0, one in a beat only block 1 reads.
  for (const uint64_t err_at : std::vector<uint64_t>{0, 4ull * (kB - 1), 4ull * kB + 16}) {
    this->slave_->InjectError(x.bias_addr + err_at, 1);
    const auto before = this->Image();
    const uint64_t errs = this->slave_->error_responses();
    const Outcome o = this->Store(x);
    this->slave_->ClearErrors();
    EXPECT_EQ(o.fault, Fault::kMemError) << "error at bias byte " << err_at;
    EXPECT_GE(this->slave_->error_responses() - errs, 1u);
    if (err_at < 4 * kB) {
      EXPECT_EQ(o.aw_bursts, 0u) << "an error in the first block's bias must stop all writes";
      this->ExpectImage(before, before, x);
    } else {
      EXPECT_GT(o.aw_bursts, 0u) << "block 0 is stored before block 1's bias is read";
      this->ExpectImage(this->Reference(x, before), before, x, /*loose=*/true);
    }
    this->StoreAndCheck(x);
  }
}

// An error response on a write: MEM_ERROR after every B, nothing outside the block touched.
TYPED_TEST(MteOutTest, MemErrorOnWriteResponseDrainsEveryResponse) {
  Rig s;
  s.mem.write_latency = 25;
  s.mem.b_stall = 0.3;
  s.mem.w_stall = 0.2;
  this->Start(s);
  const uint64_t out = this->data_lo_ + 0x6000;
  const uint32_t cols = std::min<uint32_t>(200, TestFixture::kElems / 12);
  auto x = this->Block(0, cols, out + 8, 1024, 12, cols);
  this->WithBias(&x, this->bias_lo_ + 0x800);
  // The first byte, one in the middle, the last byte written.
  for (const uint64_t err_at :
       std::vector<uint64_t>{8, 5 * 1024 + 400, 11 * 1024 + 8 + 4 * cols - 1}) {
    this->slave_->InjectError(out + err_at, 1);
    const auto before = this->Image();
    const Outcome o = this->Store(x);
    this->slave_->ClearErrors();
    EXPECT_EQ(o.fault, Fault::kMemError) << "error at +" << err_at;
    this->ExpectImage(this->Reference(x, before), before, x, /*loose=*/true);
    this->StoreAndCheck(x);
  }
}

// Long rows move close to one beat per cycle, int32 and int8 alike (int8 reads a beat's worth
// of elements per L0C read, if Dim allows: kInt8Lanes bytes per cycle), also at an unaligned
// destination; so do many short aligned rows. Measured twice: from the command to the last B
// (less the cycles of latency per STORE that the FPGA build's registers add, which do not
// change the rate), and the W stream alone (first to last beat), held to a tighter floor.
TYPED_TEST(MteOutTest, SustainsBeatRateOnLongRows) {
  this->Start();
  constexpr uint32_t kE = TestFixture::kElems;
  constexpr double kInt8Rate = TestFixture::kInt8Lanes;  // bytes per cycle
  const uint32_t long_cols = std::min<uint32_t>(1024, kE / 8);
  struct Case {
    uint32_t rows, cols;
    bool int8;
    uint32_t skew;   // destination offset within a beat
    double floor;    // bytes per cycle, command to last B
    double w_floor;  // bytes per cycle, W stream
    const char* what;
  };
  for (const Case c :
       {Case{8, long_cols, false, 0, 0.9 * kBeatBytes, 0.95 * kBeatBytes, "long int32 rows"},
        Case{64, 16, false, 0, 0.8 * kBeatBytes, 0.95 * kBeatBytes, "64-byte int32 rows"},
        Case{8, long_cols, true, 0, 0.9 * kInt8Rate, 0.95 * kInt8Rate, "long int8 rows"},
        Case{8, long_cols, true, 5, 0.9 * kInt8Rate, 0.95 * kInt8Rate, "long unaligned int8 rows"},
        Case{std::min<uint32_t>(64, kE / 64), 64, true, 0, 0.8 * kInt8Rate, 0.95 * kInt8Rate,
             "64-byte int8 rows"}}) {
    const auto x = this->Block(0, c.cols, this->data_lo_ + 0x10000 + c.skew, c.cols * 4, c.rows,
                               c.cols, c.int8);
    const Outcome o = this->StoreAndCheck(x);
    const double bytes = double(c.rows) * c.cols * Esize(x);
    const double rate = bytes / double(o.cycles - TestFixture::kPipeCycles);
    const double w_rate = bytes / double(o.w_cycles);
    std::printf(
        "mte_out Dim=%d, %d pipeline cycles: %.2f bytes/cycle on %s (%u x %u, %lu cycles; "
        "W stream %.2f bytes/cycle, %lu cycles)\n",
        TestFixture::kDim, TestFixture::kPipeCycles, rate, c.what, c.rows, c.cols,
        static_cast<unsigned long>(o.cycles), w_rate, static_cast<unsigned long>(o.w_cycles));
    EXPECT_GE(rate, c.floor) << c.what;
    EXPECT_GE(w_rate, c.w_floor) << c.what << ": W stream";
  }
}

TYPED_TEST(MteOutTest, RandomStores) {
  Rig s;
  s.mem.latency = 1 + this->rng_.Uniform(0, 30);
  this->Start(s);
  this->RandomStores(300, /*mem_errors=*/false);
}

// Random int8 STOREs whose rows end near chunk and beat edges, at random destination offsets,
// with bias at every word offset, under stalls on every channel (command, AR, R, AW, W, B, the
// L0C grant).
TYPED_TEST(MteOutTest, RandomInt8ChunkEdgesWithStallsEverywhere) {
  Rig s;
  s.mem.latency = 1 + this->rng_.Uniform(0, 40);
  s.mem.write_latency = 1 + this->rng_.Uniform(0, 40);
  s.mem.ar_stall = s.mem.aw_stall = 0.3;
  s.mem.w_stall = 0.4;
  s.mem.r_stall = s.mem.b_stall = 0.3;
  s.gnt_drop = 0.3;
  s.cmd_stall = 0.5;
  this->Start(s);
  auto& rng = this->rng_;
  const uint64_t out = this->data_lo_ + 0x8000;
  for (int i : tb::Steps(150)) {
    const uint32_t chunk = rng.Chance(0.5) ? TestFixture::kInt8Lanes : uint32_t(kBeatBytes);
    const uint32_t cols = std::max<int64_t>(1, chunk * rng.Uniform(0, 6) + rng.Uniform(-2, 2));
    const uint32_t rows = rng.Uniform(1, 8);
    const uint32_t stride = rng.Chance(0.2) ? rng.Uniform(0, cols) : cols + rng.Uniform(0, 40);
    auto x = this->Block(rng.Uniform(0, 300), cols + rng.Uniform(0, 3),
                         out + rng.Uniform(0, 0x8000), stride, rows, cols, true);
    x.relu = rng.Chance(0.5);
    x.scale = static_cast<int32_t>(rng.Uniform(-32768, 32767));
    x.shift = static_cast<uint32_t>(rng.Uniform(0, 31));
    if (rng.Chance(0.5)) this->WithBias(&x, this->bias_lo_ + 4 * rng.Uniform(0, 1000));
    this->StoreAndCheck(x);
    if (this->HasFailure()) {
      ADD_FAILURE() << "store " << i << ": " << Describe(x);
      return;
    }
  }
}

TYPED_TEST(MteOutTest, RandomStoresWithStallsEverywhereFaultsAndErrors) {
  Rig s;
  const uint64_t b = s.mem_base;
  // A gap between the two output windows: rows that straddle it fault, rows on both sides pass.
  s.windows = {
      {b, kBiasWindow, false}, {b + kDataOffset, 0x70000, true}, {b + 0x81000, 0x7F000, true}};
  s.mem.latency = 1 + this->rng_.Uniform(0, 60);
  s.mem.write_latency = 1 + this->rng_.Uniform(0, 40);
  s.mem.ar_stall = s.mem.aw_stall = 0.3;
  s.mem.w_stall = 0.3;
  s.mem.r_stall = s.mem.b_stall = 0.4;
  s.mem.write_bytes_per_cycle = 12;
  s.gnt_drop = 0.4;
  s.cmd_stall = 0.5;
  this->Start(s);
  this->RandomStores(300, /*mem_errors=*/true);
}

}  // namespace
}  // namespace luoshu
