// vec_unit (rtl/core/vec_unit.sv) against the model's element arithmetic (sw/model/vector.h):
// vector commands run by the unit on device memory served by MemSlave. After every command
// the whole memory image must equal the reference byte for byte (so bytes outside the
// destination rows are untouched), and the bursts and byte counts must be exactly the ones
// the command needs: tb::SplitBursts of every source and destination row, in bursts of at most
// BufBeats / 2 beats. Faults: ACCESS moves nothing, MEM_ERROR drains
// every response. Three builds: the default core's unit, the FPGA build's epilogue stages
// with a 4-beat buffer (two-beat bursts, so the buffer credits decide on every command), and
// the FPGA build's unit itself (its 16-beat buffer).
#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "Vvec_unit_tb.h"
#include "Vvec_unit_tb_fpga.h"
#include "Vvec_unit_tb_fpga_params.h"
#include "Vvec_unit_tb_params.h"
#include "Vvec_unit_tb_pipe2.h"
#include "Vvec_unit_tb_pipe2_params.h"
#include "sw/isa/builder.h"
#include "sw/isa/vector.h"
#include "sw/model/core_model.h"
#include "sw/model/memory.h"
#include "sw/model/vector.h"
#include "tb/agents/core_ports.h"
#include "tb/agents/mem_slave.h"
#include "tb/agents/stream.h"
#include "tb/checkers/bursts.h"
#include "tb/gtest_util.h"
#include "tb/sim.h"
#include "tb/workloads/random_vector.h"

namespace luoshu {
namespace {

using hal::Window;
using isa::Fault;

constexpr uint64_t kBeatBytes = 16;
constexpr uint64_t kBase = 0x40000000, kSize = 1 << 20;
// Sources in a read-only window, destinations in a writable one (never abutting).
constexpr uint64_t kSrc = kBase, kSrcSpan = 0x40000;
constexpr uint64_t kDst = kBase + 0x50000, kDstSpan = 0xb0000;

struct Rig {
  std::vector<Window> windows = {{kSrc, kSrcSpan, false}, {kDst, kDstSpan, true}};
  tb::MemSlaveConfig mem;
  double cmd_stall = 0;
};

struct Outcome {
  Fault fault = Fault::kNone;
  uint64_t cycles = 0;
  uint64_t rd_bytes = 0, ar_bursts = 0, aw_bursts = 0, beats_read = 0, bytes_written = 0;
};

std::string Describe(const isa::Descriptor& d) {
  const auto v = isa::VectorCommandOf(d);
  std::ostringstream os;
  os << isa::OpcodeName(v.op) << (v.int8 ? " int8" : "") << " " << v.rows << "x" << v.cols
     << std::hex << " dst 0x" << v.dst.addr << "+" << std::dec << v.dst.stride;
  for (int s = 0; s < v.num_srcs; ++s) {
    os << std::hex << " src" << s << " 0x" << v.src[s].addr << "+" << std::dec << v.src[s].stride;
  }
  if (v.op == isa::Opcode::kVrequant) os << " scale " << v.scale << " shift " << v.shift;
  return os.str();
}

template <class M, class P = VerilatedParams<M>>
struct Config {
  using Model = M;
  static constexpr uint64_t kMaxBurst = P::BufBeats / 2;
};

template <class C>
class VecUnitTest : public ::testing::Test {
 protected:
  using Model = typename C::Model;

  VecUnitTest() : rng_(tb::SeedFromEnv(31)) {}

  void Start(Rig s = Rig()) {
    rig_ = s;
    memory_ = std::make_unique<model::DeviceMemory>(kBase, kSize);
    for (uint64_t a = 0; a < kSize; a += 8) {
      const uint64_t v = rng_.Bits64();
      memory_->Write(kBase + a, &v, 8);
    }
    sim_ = std::make_unique<tb::Simulation<Model>>(tb::CurrentTestName(), "vec_unit");
    auto& d = sim_->dut();
    tb::DriveWindows(&d, rig_.windows);
    tb::MemPins pins;
    LUOSHU_MEM_READ_PINS(pins, &d, mem_);
    LUOSHU_MEM_WRITE_PINS(pins, &d, mem_);
    slave_ = std::make_unique<tb::MemSlave>(sim_.get(), pins, memory_.get(), s.mem, rng_.Bits64());
    cmd_ = tb::MakeCommandSource(sim_.get(), tb::StallInjector(s.cmd_stall, &rng_));
    sample_hook_ = sim_->OnSample([this] { Monitor(); });
    sim_->Reset();
  }

  void Monitor() {
    if (sim_->in_reset()) return;
    auto& d = sim_->dut();
    auto fail = [this](const std::string& why) {
      if (violation_.empty()) violation_ = "cycle " + std::to_string(sim_->cycle()) + ": " + why;
    };
    cmd_mon_.Sample(d, sim_->cycle(), fail);
    if (!d.busy_o && (d.mem_ar_valid_o || d.mem_aw_valid_o || d.mem_w_valid_o)) {
      fail("memory request while idle");
    }
    rd_bytes_ += d.rd_bytes_o;
  }

  std::vector<uint8_t> Image() const {
    std::vector<uint8_t> img(kSize);
    memory_->Read(kBase, img.data(), img.size());
    return img;
  }

  // The image after `d` from the image before it: the model's rows, in order.
  std::vector<uint8_t> Reference(const isa::Descriptor& d, const std::vector<uint8_t>& before) {
    model::DeviceMemory m(kBase, kSize);
    m.Write(kBase, before.data(), before.size());
    const auto v = isa::VectorCommandOf(d);
    std::vector<uint8_t> s0(v.SrcRowBytes()), s1(v.SrcRowBytes()), out(v.DstRowBytes());
    for (uint32_t r = 0; r < v.rows; ++r) {
      m.Read(v.src[0].RowAddr(r), s0.data(), s0.size());
      if (v.num_srcs > 1) m.Read(v.src[1].RowAddr(r), s1.data(), s1.size());
      model::VectorRow(v, s0.data(), s1.data(), out.data());
      m.Write(v.dst.RowAddr(r), out.data(), out.size());
    }
    std::vector<uint8_t> want(kSize);
    m.Read(kBase, want.data(), want.size());
    return want;
  }

  Fault ExpectedFault(const isa::Descriptor& d) const {
    const auto v = isa::VectorCommandOf(d);
    for (uint32_t r = 0; r < v.rows; ++r) {
      for (int s = 0; s < v.num_srcs; ++s) {
        if (!model::InsideOneWindow(rig_.windows, v.src[s].RowAddr(r), v.SrcRowBytes(), false)) {
          return Fault::kAccess;
        }
      }
      if (!model::InsideOneWindow(rig_.windows, v.dst.RowAddr(r), v.DstRowBytes(), true)) {
        return Fault::kAccess;
      }
    }
    return Fault::kNone;
  }

  Outcome Run(const isa::Descriptor& d) {
    const auto v = isa::VectorCommandOf(d);
    Outcome o;
    const uint64_t dones = cmd_mon_.dones, rd = rd_bytes_;
    const uint64_t ar = slave_->read_bursts(), aw = slave_->write_bursts();
    const uint64_t written = slave_->bytes_written(), beats = slave_->bytes_read();
    cmd_->Push(d);
    const uint64_t budget = 5000 + 300 * uint64_t(v.rows) * (v.SrcRowBytes() / 16 + 2);
    sim_->RunUntil([&] { return cmd_mon_.dones > dones; }, budget, "done_o of " + Describe(d));
    o.fault = cmd_mon_.last_fault;
    o.cycles = cmd_mon_.done_cycle - cmd_mon_.accept_cycle;
    o.rd_bytes = rd_bytes_ - rd;
    o.ar_bursts = slave_->read_bursts() - ar;
    o.aw_bursts = slave_->write_bursts() - aw;
    o.bytes_written = slave_->bytes_written() - written;
    o.beats_read = (slave_->bytes_read() - beats) / kBeatBytes;
    EXPECT_TRUE(slave_->Idle()) << "done_o with responses still owed: " << Describe(d);
    EXPECT_EQ(violation_, "") << Describe(d);
    return o;
  }

  // Runs `d` and checks its fault, the whole image and the exact traffic.
  Outcome RunAndCheck(const isa::Descriptor& d) {
    const auto v = isa::VectorCommandOf(d);
    const auto before = Image();
    const Fault want_fault = ExpectedFault(d);
    const Outcome o = Run(d);
    EXPECT_EQ(o.fault, want_fault) << Describe(d);
    const auto got = Image();
    if (want_fault != Fault::kNone) {
      EXPECT_EQ(o.ar_bursts + o.aw_bursts + o.rd_bytes, 0u) << "faulting command moved data";
      EXPECT_TRUE(got == before) << "faulting command changed memory: " << Describe(d);
      return o;
    }
    uint64_t ar_bursts = 0, beats = 0, aw_bursts = 0;
    for (uint32_t r = 0; r < v.rows; ++r) {
      for (int s = 0; s < v.num_srcs; ++s) {
        for (const auto& b :
             tb::SplitBursts(v.src[s].RowAddr(r), v.SrcRowBytes(), kBeatBytes, C::kMaxBurst)) {
          ++ar_bursts;
          beats += b.beats;
        }
      }
      aw_bursts +=
          tb::SplitBursts(v.dst.RowAddr(r), v.DstRowBytes(), kBeatBytes, C::kMaxBurst).size();
    }
    EXPECT_EQ(o.ar_bursts, ar_bursts) << Describe(d);
    EXPECT_EQ(o.beats_read, beats) << Describe(d);
    EXPECT_EQ(o.aw_bursts, aw_bursts) << Describe(d);
    EXPECT_EQ(o.rd_bytes, uint64_t{v.rows} * v.SrcRowBytes() * v.num_srcs) << Describe(d);
    EXPECT_EQ(o.bytes_written, uint64_t{v.rows} * v.DstRowBytes()) << Describe(d);
    const auto want = Reference(d, before);
    uint64_t bad = 0;
    for (size_t i = 0; i < got.size(); ++i) {
      if (got[i] != want[i] && bad++ < 8) {
        ADD_FAILURE() << Describe(d) << ": byte 0x" << std::hex << kBase + i << " = 0x"
                      << int(got[i]) << ", want 0x" << int(want[i]) << " (was 0x" << int(before[i])
                      << ")";
      }
    }
    EXPECT_EQ(bad, 0u) << Describe(d) << ": bytes differ";
    return o;
  }

  tb::VectorArea Area() const {
    return {static_cast<uint32_t>(kSrc), static_cast<uint32_t>(kSrcSpan),
            static_cast<uint32_t>(kDst), static_cast<uint32_t>(kDstSpan)};
  }

  void RandomCommands(int n) {
    for (int i = 0; i < n; ++i) {
      const auto d = tb::RandomVectorCommand(Area(), &rng_);
      RunAndCheck(d);
      if (::testing::Test::HasFailure()) {
        ADD_FAILURE() << "command " << i << ": " << Describe(d);
        return;
      }
    }
  }

  tb::Rng rng_;
  Rig rig_;
  std::unique_ptr<model::DeviceMemory> memory_;
  std::unique_ptr<tb::Simulation<Model>> sim_;
  tb::MemPins mem_;
  std::unique_ptr<tb::MemSlave> slave_;
  std::unique_ptr<tb::StreamSource<isa::Descriptor>> cmd_;
  tb::HookHandle sample_hook_;
  tb::CommandMonitor cmd_mon_;
  uint64_t rd_bytes_ = 0;
  std::string violation_;
};

using Configs =
    ::testing::Types<Config<Vvec_unit_tb>, Config<Vvec_unit_tb_pipe2>, Config<Vvec_unit_tb_fpga>>;
TYPED_TEST_SUITE(VecUnitTest, Configs);

isa::Descriptor Vadd(uint64_t dst, uint64_t a, uint64_t b, uint32_t rows, uint32_t cols,
                     uint32_t dst_stride, uint32_t a_stride, uint32_t b_stride) {
  isa::VaddDesc x;
  x.rows = rows, x.cols = cols;
  x.dst_addr = static_cast<uint32_t>(dst), x.dst_stride = dst_stride;
  x.src0_addr = static_cast<uint32_t>(a), x.src0_stride = a_stride;
  x.src1_addr = static_cast<uint32_t>(b), x.src1_stride = b_stride;
  return x.Pack();
}

// Every opcode at every source and destination alignment within a beat, short and long rows.
TYPED_TEST(VecUnitTest, EachOpcodeAtEveryAlignment) {
  this->Start();
  uint64_t cycles = 0;  // all commands: the aligners' cost at every offset (a recorded figure)
  for (uint32_t cols : {1u, 3u, 4u, 5u, 17u, 70u}) {
    for (uint64_t off = 0; off < 16; ++off) {
      const uint64_t o4 = off & ~uint64_t{3};
      cycles += this->RunAndCheck(Vadd(kDst + 0x100 + o4, kSrc + 0x200 + o4,
                                       kSrc + 0x1000 + (16 - o4) % 16, 3, cols, 4 * cols + 8,
                                       4 * cols + 4, 4 * cols + 12))
                    .cycles;
      isa::VmaxDesc m;
      m.int8 = 1, m.rows = 2, m.cols = cols;
      m.dst_addr = static_cast<uint32_t>(kDst + 0x3000 + off), m.dst_stride = cols + 3;
      m.src0_addr = static_cast<uint32_t>(kSrc + 0x3000 + (off * 5) % 16), m.src0_stride = cols + 1;
      m.src1_addr = static_cast<uint32_t>(kSrc + 0x5000 + (off * 7) % 16), m.src1_stride = cols;
      cycles += this->RunAndCheck(m.Pack()).cycles;
      m.int8 = 0;
      m.dst_addr &= ~3u, m.src0_addr &= ~3u, m.src1_addr &= ~3u;
      m.dst_stride = m.src0_stride = m.src1_stride = 4 * cols + 4;
      cycles += this->RunAndCheck(m.Pack()).cycles;
      isa::VrequantDesc q;
      q.rows = 2, q.cols = cols, q.scale = -77, q.shift = 9;
      q.dst_addr = static_cast<uint32_t>(kDst + 0x7000 + off), q.dst_stride = cols + 5;
      q.src0_addr = static_cast<uint32_t>(kSrc + 0x7000 + o4), q.src0_stride = 4 * cols;
      cycles += this->RunAndCheck(q.Pack()).cycles;
      isa::VcopyDesc c;
      c.rows = 2, c.cols = cols;
      c.dst_addr = static_cast<uint32_t>(kDst + 0x9000 + off), c.dst_stride = cols + 9;
      c.src0_addr = static_cast<uint32_t>(kSrc + 0x9000 + (off * 3) % 16), c.src0_stride = cols;
      cycles += this->RunAndCheck(c.Pack()).cycles;
    }
  }
  this->RecordProperty("all_alignments_cycles", std::to_string(cycles));
}

// In place (acc = acc + x), a source row read again for every row (stride 0), rows across
// 4 KiB boundaries, one long row of 4000 int32 elements.
TYPED_TEST(VecUnitTest, InPlaceRepeatedRowsAndLongRows) {
  this->Start();
  this->RunAndCheck(Vadd(kDst + 0x40, kDst + 0x40, kSrc + 0x10, 4, 30, 128, 128, 0));
  this->RunAndCheck(
      Vadd(kDst + 0x1000 - 20, kSrc + 0x2000 - 8, kSrc + 0x8000 - 4, 3, 64, 4096, 4100, 4092));
  this->RunAndCheck(Vadd(kDst + 0x10004, kSrc + 0x100, kSrc + 0x20008, 1, 4000, 0, 0, 0));
  isa::VcopyDesc c;
  c.rows = 5, c.cols = 1, c.dst_addr = kDst + 0x1ff, c.dst_stride = 1, c.src0_addr = kSrc + 3;
  this->RunAndCheck(c.Pack());  // one byte per row, consecutive destination bytes
}

TYPED_TEST(VecUnitTest, AccessFaultMovesNothing) {
  Rig s;
  this->Start(s);
  // A source row outside the windows (the last row), a destination row in the read-only
  // window, a destination row straddling the end of the writable window, a row past 2^32.
  this->RunAndCheck(Vadd(kDst, kSrc, kSrc + kSrcSpan - 3 * 64, 4, 16, 64, 64, 64));
  this->RunAndCheck(Vadd(kSrc + 0x100, kSrc, kSrc, 2, 4, 16, 16, 16));
  this->RunAndCheck(Vadd(kDst + kDstSpan - 200, kSrc, kSrc, 2, 40, 160, 0, 0));
  isa::VcopyDesc c;
  c.rows = 3, c.cols = 8, c.dst_addr = kDst, c.dst_stride = 8;
  c.src0_addr = kSrc, c.src0_stride = 0x80000000u;  // row 2 starts at 2^32 + kSrc
  this->RunAndCheck(c.Pack());
  this->RunAndCheck(Vadd(kDst + 0x40, kSrc, kSrc + 4, 2, 8, 32, 32, 32));  // and it recovers
}

TYPED_TEST(VecUnitTest, MemErrorDrainsEveryResponse) {
  Rig s;
  s.mem.latency = 17;
  s.mem.r_stall = s.mem.b_stall = 0.3;
  this->Start(s);
  const auto d = Vadd(kDst + 0x800, kSrc + 0x100, kSrc + 0x4000, 6, 50, 256, 256, 256);
  for (const uint64_t err_at : {kSrc + 0x100, kSrc + 0x4000 + 5 * 256 + 100, kDst + 0x800 + 300}) {
    this->slave_->InjectError(err_at, 1);
    const Outcome o = this->Run(d);
    this->slave_->ClearErrors();
    EXPECT_EQ(o.fault, Fault::kMemError) << "error at 0x" << std::hex << err_at;
    this->RunAndCheck(d);
  }
}

// Long rows stream with a fast memory: one beat of reads per cycle, shared by the sources.
TYPED_TEST(VecUnitTest, StreamsLongRows) {
  Rig s;
  s.mem.latency = 4;
  s.mem.write_latency = 4;
  this->Start(s);
  const uint32_t cols = 2048;  // 8 KiB per source row
  const Outcome o = this->RunAndCheck(Vadd(kDst, kSrc, kSrc + 0x10000, 2, cols, 0, 0, 0));
  const double beats = 2.0 * 2 * 4 * cols / kBeatBytes;  // two rows of two sources
  this->RecordProperty("vadd_cycles", std::to_string(o.cycles));
  EXPECT_LT(o.cycles, 1.3 * beats + 100) << "two sources share one read port: one beat a cycle";
  isa::VcopyDesc c;  // one source: a beat of reads and one of writes per cycle
  c.rows = 2, c.cols = 8192, c.dst_addr = kDst + 0x20003, c.dst_stride = 8192;
  c.src0_addr = kSrc + 0x20005, c.src0_stride = 8192;
  const Outcome oc = this->RunAndCheck(c.Pack());
  this->RecordProperty("vcopy_cycles", std::to_string(oc.cycles));
  // (The 4-beat buffer keeps one source's reads 4 beats deep: not enough for the round trip.)
  if (2 * TypeParam::kMaxBurst >= 16) {
    EXPECT_LT(oc.cycles, 1.3 * (2 * 8192 / kBeatBytes) + 100);
  }
}

// Writes far slower than reads: the W buffer, the realigner and the output FIFO fill up, so
// steps wait for output slots (the step decision's look-ahead at the last slot, StepSlice).
TYPED_TEST(VecUnitTest, SlowWritesFillTheOutputFifo) {
  Rig s;
  s.mem.latency = 2;
  s.mem.write_latency = 2;
  s.mem.write_bytes_per_cycle = 3;
  s.mem.w_stall = 0.5;
  this->Start(s);
  this->RandomCommands(40);
}

// W beats held back and B responses late: the AWs' length FIFO fills up, and so do the bursts
// owed a B (63 at most), so the AW-open look-ahead meets both of its limits.
TYPED_TEST(VecUnitTest, BackedUpWritesFillTheAwQueues) {
  Rig s;
  s.mem.write_latency = 400;
  s.mem.w_stall = 0.8;
  this->Start(s);
  isa::VcopyDesc c;  // a one-beat burst per row, 100 rows
  c.rows = 100, c.cols = 8;
  c.dst_addr = static_cast<uint32_t>(kDst + 4), c.dst_stride = 16;
  c.src0_addr = static_cast<uint32_t>(kSrc + 1), c.src0_stride = 5;
  this->RunAndCheck(c.Pack());
  this->RunAndCheck(Vadd(kDst + 0x2000, kSrc, kSrc + 0x1000, 90, 1, 36, 4, 8));
}

TYPED_TEST(VecUnitTest, RandomCommands) {
  this->Start();
  this->RandomCommands(150);
}

TYPED_TEST(VecUnitTest, RandomCommandsWithStallsEverywhere) {
  Rig s;
  s.mem.latency = 1 + static_cast<int>(this->rng_.Uniform(0, 60));
  s.mem.write_latency = 1 + static_cast<int>(this->rng_.Uniform(0, 40));
  s.mem.ar_stall = s.mem.aw_stall = s.mem.w_stall = 0.3;
  s.mem.r_stall = s.mem.b_stall = 0.4;
  s.mem.read_bytes_per_cycle = 10;
  s.mem.write_bytes_per_cycle = 12;
  s.cmd_stall = 0.5;
  this->Start(s);
  this->RandomCommands(150);
}

}  // namespace
}  // namespace luoshu
