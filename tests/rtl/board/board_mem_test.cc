// board_mem: AXI4 bursts from a C++ master (random ids, lengths, valid gaps and ready stalls)
// and byte accesses on the bridge port at the same time, against a mirror of the memory;
// SLVERR outside [MemBase, MemBase + MemBytes) and for non-INCR bursts; the bridge is served
// within a bounded wait while the AXI side streams (fair arbitration).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <vector>

#include "Vboard_mem_k1.h"
#include "Vboard_mem_k1_params.h"
#include "tb/gtest_util.h"
#include "tb/random.h"
#include "tb/sim.h"

namespace luoshu {
namespace {

using P = VerilatedParams<Vboard_mem_k1>;
using Top = Vboard_mem_k1;
constexpr uint32_t kBase = P::MemBase;
constexpr uint32_t kBytes = P::MemBytes;
constexpr unsigned kOkay = 0, kSlvErr = 2;

struct Burst {
  bool write = false;
  unsigned id = 0;
  uint32_t addr = 0;                          // line aligned
  unsigned len = 0;                           // beats - 1
  unsigned burst = 1;                         // INCR
  std::vector<std::vector<uint8_t>> data;     // write data, or expected read data
  std::vector<std::vector<uint8_t>> strobes;  // per beat, per byte
};

bool InRange(uint32_t line_addr) { return line_addr >= kBase && line_addr < kBase + kBytes; }

// Drives the AXI side and the bridge port; `mirror` is what memory must hold.
class MemBench {
 public:
  MemBench(uint64_t seed, double stall)
      : rng_(seed), stall_(stall), sim_(tb::CurrentTestName(), "board_mem"), mirror_(kBytes) {
    drive_ = sim_.OnDrive([this] { Drive(); });
    sample_ = sim_.OnSample([this] { Sample(); });
    sim_.Reset();
  }

  void QueueWrite(uint32_t addr, unsigned len, unsigned burst = 1) {
    Burst b;
    b.write = true;
    b.id = unsigned(rng_.Uniform(0, 3));
    b.addr = addr;
    b.len = len;
    b.burst = burst;
    for (unsigned i = 0; i <= len; ++i) {
      std::vector<uint8_t> d(16), s(16);
      for (int k = 0; k < 16; ++k) {
        d[k] = uint8_t(rng_.Bits64());
        s[k] = rng_.Chance(0.8);
      }
      b.data.push_back(d);
      b.strobes.push_back(s);
      const uint32_t line = addr + 16 * i;
      if (burst == 1 && InRange(line))
        for (int k = 0; k < 16; ++k)
          if (s[k]) mirror_[line - kBase + k] = d[k];
    }
    aw_.push_back(b);
  }
  void QueueRead(uint32_t addr, unsigned len, unsigned burst = 1) {
    Burst b;
    b.id = unsigned(rng_.Uniform(0, 3));
    b.addr = addr;
    b.len = len;
    b.burst = burst;
    for (unsigned i = 0; i <= len; ++i) {
      const uint32_t line = addr + 16 * i;
      std::vector<uint8_t> d(16, 0);
      if (InRange(line)) std::copy_n(mirror_.begin() + (line - kBase), 16, d.begin());
      b.data.push_back(d);
    }
    ar_.push_back(b);
  }
  // A bridge byte access; a read checks against the mirror as of now.
  void QueueBridge(bool write, uint32_t offset) {
    Op op{write, offset, uint8_t(rng_.Bits64()), mirror_[offset]};
    if (write) mirror_[offset] = op.value;
    bridge_.push_back(op);
  }
  void Drain() {
    sim_.RunUntil([this] { return Idle(); }, 200000, "all bursts and bridge accesses");
  }
  bool Idle() const {
    return ar_.empty() && aw_.empty() && r_wait_.empty() && w_wait_.empty() && b_wait_.empty() &&
           bridge_.empty() && !bridge_read_due_;
  }
  // Every byte through the bridge port against the mirror.
  void CheckAllThroughBridge() {
    for (uint32_t a = 0; a < kBytes; ++a) QueueBridge(false, a);
    Drain();
  }

  tb::Rng rng_;
  double stall_;
  tb::Simulation<Top> sim_;
  std::vector<uint8_t> mirror_;
  int max_bridge_wait_ = 0;
  uint64_t slverr_beats_ = 0, bridge_ops_ = 0;

 private:
  struct Op {
    bool write;
    uint32_t offset;
    uint8_t value;
    uint8_t expect;
  };
  static void Put(VlWide<4>& w, const std::vector<uint8_t>& bytes) {
    for (int i = 0; i < 4; ++i)
      w[i] = uint32_t(bytes[4 * i]) | uint32_t(bytes[4 * i + 1]) << 8 |
             uint32_t(bytes[4 * i + 2]) << 16 | uint32_t(bytes[4 * i + 3]) << 24;
  }
  static uint8_t Byte(const VlWide<4>& w, int k) { return uint8_t(w[k / 4] >> (8 * (k % 4))); }

  void Drive() {
    auto& d = sim_.dut();
    const bool ar_on = !ar_.empty() && !rng_.Chance(stall_);
    d.s_axi_arvalid_i = ar_held_ || ar_on;
    ar_held_ = d.s_axi_arvalid_i;
    if (!ar_.empty()) {
      d.s_axi_arid_i = ar_.front().id;
      d.s_axi_araddr_i = ar_.front().addr;
      d.s_axi_arlen_i = ar_.front().len;
      d.s_axi_arsize_i = 4;
      d.s_axi_arburst_i = ar_.front().burst;
    }
    const bool aw_on = !aw_.empty() && !rng_.Chance(stall_);
    d.s_axi_awvalid_i = aw_held_ || aw_on;
    aw_held_ = d.s_axi_awvalid_i;
    if (!aw_.empty()) {
      d.s_axi_awid_i = aw_.front().id;
      d.s_axi_awaddr_i = aw_.front().addr;
      d.s_axi_awlen_i = aw_.front().len;
      d.s_axi_awsize_i = 4;
      d.s_axi_awburst_i = aw_.front().burst;
    }
    const bool w_on = !w_wait_.empty() && !rng_.Chance(stall_);
    d.s_axi_wvalid_i = w_held_ || w_on;
    w_held_ = d.s_axi_wvalid_i;
    if (!w_wait_.empty()) {
      const Burst& b = w_wait_.front();
      Put(d.s_axi_wdata_i, b.data[w_beat_]);
      unsigned s = 0;
      for (int k = 0; k < 16; ++k) s |= unsigned(b.strobes[w_beat_][k]) << k;
      d.s_axi_wstrb_i = s;
      d.s_axi_wlast_i = w_beat_ == b.len;
    }
    d.s_axi_rready_i = !rng_.Chance(stall_);
    d.s_axi_bready_i = !rng_.Chance(stall_);
    const bool req_on =
        !bridge_.empty() && !bridge_read_due_ && (bridge_held_ || !rng_.Chance(stall_));
    d.mem_req_i = req_on;
    bridge_held_ = req_on;
    if (!bridge_.empty()) {
      const Op& op = bridge_.front();
      d.mem_we_i = op.write;
      d.mem_addr_i = op.offset;
      std::vector<uint8_t> lanes(16, uint8_t(~op.value));
      lanes[op.offset % 16] = op.value;
      Put(d.mem_wdata_i, lanes);
      d.mem_be_i = 1u << (op.offset % 16);
    }
  }
  void Sample() {
    if (sim_.in_reset()) return;
    auto& d = sim_.dut();
    if (bridge_read_due_) {
      bridge_read_due_ = false;
      EXPECT_TRUE(d.mem_rvalid_o) << "bridge read data one cycle after the grant";
      EXPECT_EQ(Byte(d.mem_rdata_o, due_.offset % 16), due_.expect)
          << "bridge read at offset " << due_.offset;
    } else {
      EXPECT_FALSE(d.mem_rvalid_o) << "bridge read data without a read";
    }
    if (d.mem_req_i) {
      if (d.mem_gnt_o) {
        max_bridge_wait_ = std::max(max_bridge_wait_, bridge_wait_);
        bridge_wait_ = 0;
        ++bridge_ops_;
        if (!bridge_.front().write) {
          bridge_read_due_ = true;
          due_ = bridge_.front();
        }
        bridge_.pop_front();
        bridge_held_ = false;
      } else if (d.mem_we_i) {
        ++bridge_wait_;  // reads may wait for a held R beat; writes only for arbitration
      }
    }
    if (d.s_axi_arvalid_i && d.s_axi_arready_o) {
      r_wait_.push_back(ar_.front());
      ar_.pop_front();
      ar_held_ = false;
    }
    if (d.s_axi_awvalid_i && d.s_axi_awready_o) {
      w_wait_.push_back(aw_.front());
      aw_.pop_front();
      aw_held_ = false;
    }
    if (d.s_axi_wvalid_i && d.s_axi_wready_o) {
      w_held_ = false;
      if (++w_beat_ > w_wait_.front().len) {
        b_wait_.push_back(w_wait_.front());
        w_wait_.pop_front();
        w_beat_ = 0;
      }
    }
    if (d.s_axi_rvalid_o && d.s_axi_rready_i) {
      if (r_wait_.empty()) {
        ADD_FAILURE() << "R beat without a read burst";
        return;
      }
      const Burst& b = r_wait_.front();
      const uint32_t line = b.addr + 16 * r_beat_;
      const bool ok = b.burst == 1 && InRange(line);
      EXPECT_EQ(d.s_axi_rid_o, b.id);
      EXPECT_EQ(d.s_axi_rresp_o, ok ? kOkay : kSlvErr) << "read beat at 0x" << std::hex << line;
      EXPECT_EQ(bool(d.s_axi_rlast_o), r_beat_ == b.len);
      slverr_beats_ += !ok;
      if (ok)
        for (int k = 0; k < 16; ++k)
          EXPECT_EQ(Byte(d.s_axi_rdata_o, k), b.data[r_beat_][k])
              << "byte " << k << " of the beat at 0x" << std::hex << line;
      if (++r_beat_ > b.len) {
        r_wait_.pop_front();
        r_beat_ = 0;
      }
    }
    if (d.s_axi_bvalid_o && d.s_axi_bready_i) {
      if (b_wait_.empty()) {
        ADD_FAILURE() << "B without a write burst";
        return;
      }
      const Burst& b = b_wait_.front();
      bool ok = b.burst == 1;
      for (unsigned i = 0; i <= b.len; ++i) ok = ok && InRange(b.addr + 16 * i);
      EXPECT_EQ(d.s_axi_bid_o, b.id);
      EXPECT_EQ(d.s_axi_bresp_o, ok ? kOkay : kSlvErr) << "write at 0x" << std::hex << b.addr;
      b_wait_.pop_front();
    }
  }

  tb::HookHandle drive_, sample_;
  std::deque<Burst> ar_, aw_, r_wait_, w_wait_, b_wait_;
  std::deque<Op> bridge_;
  unsigned r_beat_ = 0, w_beat_ = 0;
  bool ar_held_ = false, aw_held_ = false, w_held_ = false, bridge_held_ = false;
  bool bridge_read_due_ = false;
  Op due_{};
  int bridge_wait_ = 0;
};

// Fill, then concurrent AXI bursts and bridge bytes on disjoint quarters (AXI writes one,
// the bridge writes another, both read a third), then everything read back both ways.
TEST(BoardMemTest, AxiBurstsAndBridgeBytesAgainstAMirror) {
  for (tb::Round& round : tb::Rounds(tb::SeedFromEnv(4242), 4)) {
    MemBench m(round.rng.Bits64(), round.index * 0.2);
    for (uint32_t a = 0; a < kBytes; a += 16 * 8) m.QueueWrite(kBase + a, 7);
    m.Drain();
    const uint32_t q = kBytes / 4;
    for (int i = 0; i < 40; ++i) {
      const unsigned len = unsigned(m.rng_.Uniform(0, 7));
      m.QueueWrite(kBase + uint32_t(m.rng_.Uniform(0, q / 16 - len - 1)) * 16, len);
      m.QueueRead(kBase + 2 * q + uint32_t(m.rng_.Uniform(0, q / 16 - len - 1)) * 16, len);
      for (int k = 0; k < 6; ++k) {
        m.QueueBridge(true, q + uint32_t(m.rng_.Uniform(0, q - 1)));
        m.QueueBridge(false, 2 * q + uint32_t(m.rng_.Uniform(0, q - 1)));
      }
    }
    m.Drain();
    for (uint32_t a = 0; a < kBytes; a += 16 * 4) m.QueueRead(kBase + a, 3);
    m.Drain();
    m.CheckAllThroughBridge();
    EXPECT_EQ(m.slverr_beats_, 0u);
    EXPECT_LE(m.max_bridge_wait_, 2) << "a bridge write waited longer than two other grants";
  }
}

TEST(BoardMemTest, OutsideTheMemoryAndNonIncrBurstsAnswerSlvErr) {
  MemBench m(7, 0.3);
  for (uint32_t a = 0; a < kBytes; a += 16 * 8) m.QueueWrite(kBase + a, 7);
  m.Drain();
  const auto before = m.mirror_;
  m.QueueRead(kBase - 32, 3);           // two beats below, two inside
  m.QueueRead(kBase + kBytes - 32, 3);  // two inside, two above
  m.QueueRead(0, 0);                    // far below
  m.QueueRead(0xFFFFFFF0u, 0);          // the top of the address space
  m.QueueRead(kBase, 1, 0);             // FIXED
  m.QueueRead(kBase, 1, 2);             // WRAP
  m.Drain();  // (reads and writes run independently: no reads of what the writes change)
  m.QueueWrite(kBase + kBytes - 16, 1);  // straddles the end: SLVERR, the inside beat lands
  m.QueueWrite(kBase - 16, 0);
  m.QueueWrite(kBase + 64, 0, 0);  // FIXED: nothing written
  m.Drain();
  EXPECT_EQ(m.slverr_beats_, 2u + 2u + 1u + 1u + 2u + 2u);
  // Only the straddling write's inside beat changed memory.
  for (uint32_t a = 0; a < kBytes - 16; ++a) ASSERT_EQ(m.mirror_[a], before[a]) << a;
  m.CheckAllThroughBridge();
}

}  // namespace
}  // namespace luoshu
