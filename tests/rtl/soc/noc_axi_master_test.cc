// noc_axi_master: a memory node's bridge from NoC request messages to an AXI4 master port.
// C++ plays the client nodes at message level on rx (reads and writes from random source
// coordinates, header then data flits, random gaps) and the node's noc_ni on tx (random
// backpressure; data flits only after a ReadResp header, as noc_ni takes them). MemSlave serves
// the AXI4 port (out of order across ids, backpressure on all five channels, latency, injected
// errors) from one DeviceMemory image of the whole device: to_global puts back the channel
// bits the DUT removed. Checked: every response against its request (kind, dst = requester,
// len, tag, addr, err; per source and direction in order), read data and the final memory
// against a reference image, every AR/AW (id, local address, len), and the bursts in flight
// per id against MaxReadsPerId / MaxWritesPerId.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <deque>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "Vnoc_axi_master_c1.h"
#include "Vnoc_axi_master_c2.h"
#include "Vnoc_axi_master_fpga.h"
#include "sw/model/memory.h"
#include "tb/agents/mem_slave.h"
#include "tb/bits.h"
#include "tb/gtest_util.h"
#include "tb/mem_packet.h"
#include "tb/options.h"
#include "tb/random.h"
#include "tb/sim.h"

namespace luoshu {
namespace {

using tb::GetBits;
using tb::PutBits;

// The configurations (rtl/soc/CMakeLists.txt, tests/rtl/soc/CMakeLists.txt): which channel the
// node serves, the id map.
template <class Top>
struct Cfg;
template <>
struct Cfg<Vnoc_axi_master_c1> {  // channel 1 of 2, defaults
  static constexpr int kChanBits = 1, kChannel = 1, kIdW = 2, kIdX = 2;
  static constexpr int kMaxReads = 32, kMaxWrites = 8;
};
template <>
struct Cfg<Vnoc_axi_master_c2> {  // channel 2 of 4, 3-bit ids, 2- and 3-deep FIFOs, RxSlice
  static constexpr int kChanBits = 2, kChannel = 2, kIdW = 3, kIdX = 3;
  static constexpr int kMaxReads = 2, kMaxWrites = 3;
};
template <>
struct Cfg<Vnoc_axi_master_fpga> {  // the FPGA build's only channel: IdX 1, RxSlice
  static constexpr int kChanBits = 0, kChannel = 0, kIdW = 2, kIdX = 1;
  static constexpr int kMaxReads = 64, kMaxWrites = 8;
};

constexpr int kBeat = 16;
constexpr uint64_t kMemBytes = 256 << 10;  // the whole device memory, global addresses
constexpr uint32_t kRead = tb::kMemRead, kWrite = tb::kMemWrite, kReadResp = tb::kMemReadResp,
                   kWriteResp = tb::kMemWriteResp;

using Hdr = tb::MemHdr;

struct Request {
  uint64_t seq = 0;
  bool write = false;
  uint32_t src = 0;  // requester coordinate {y, x}
  uint32_t tag = 0;
  int beats = 1;
  uint64_t addr = 0;           // global byte address
  std::vector<uint8_t> data;   // writes: beats * 16 bytes
  std::vector<uint16_t> strb;  // writes: per beat
};

struct Flit {  // one flit of the request packets that reach the node's rx
  bool head = false;
  uint64_t hdr = 0;
  uint8_t data[kBeat] = {};
  uint16_t strb = 0;
  bool last = false;
};

struct Ax {  // an expected AR / AW
  uint32_t id, addr, len;
};

struct Knobs {
  int latency = 8, write_latency = 4;
  double axi_stall = 0;  // ready / valid gaps on all five AXI channels
  double rx_gap = 0;     // idle cycles between request flits
  double tx_stall = 0;   // NI backpressure on responses
  bool out_of_order = true;
};

uint32_t Coord(int x, int y) { return uint32_t(y) << 3 | uint32_t(x); }

template <class Top>
class Bench {
 public:
  using C = Cfg<Top>;
  static constexpr int kIds = 1 << C::kIdW;
  static constexpr int kChanPages = int(kMemBytes >> 12) >> C::kChanBits;

  Bench(const std::string& name, uint64_t seed, const Knobs& k)
      : sim_(name),
        d_(sim_.dut()),
        mem_(0, kMemBytes),
        ref_(0, kMemBytes),
        rng_(seed),
        slave_(&sim_, Pins(&sim_.dut()), &mem_, SlaveConfig(k), rng_.Bits64()),
        rx_gap_(k.rx_gap, &rng_),
        tx_stall_(k.tx_stall, &rng_),
        out_r_(kIds),
        out_w_(kIds),
        max_r_(kIds),
        max_w_(kIds) {
    std::vector<uint8_t> init(kMemBytes);
    for (auto& b : init) b = static_cast<uint8_t>(rng_.Bits64());
    mem_.Write(0, init.data(), init.size());
    ref_.Write(0, init.data(), init.size());
    drive_hook_ = sim_.OnDrive([this] { Drive(); });
    sample_hook_ = sim_.OnSample([this] { Sample(); });
    sim_.Reset();
  }

  static uint64_t ToLocal(uint64_t g) { return (g >> (12 + C::kChanBits)) << 12 | (g & 0xfff); }
  static uint64_t ToGlobal(uint64_t l) {
    return (l >> 12) << (12 + C::kChanBits) | uint64_t(C::kChannel) << 12 | (l & 0xfff);
  }
  // Global address of this channel's i-th page.
  static uint64_t Page(int i) { return ToGlobal(uint64_t(i) << 12); }
  static uint32_t IdOf(uint32_t coord) { return ((coord >> 3) * C::kIdX + (coord & 7)) % kIds; }

  // Any beat touching [addr, addr + len) (global) answers an error.
  void InjectError(uint64_t addr, uint64_t len) {
    slave_.InjectError(addr, len);
    errors_.push_back({addr, addr + len});
  }
  bool BeatErr(uint64_t g) const {
    if (!ref_.Contains(g, kBeat)) return true;
    for (const auto& e : errors_) {
      if (g < e.second && e.first < g + kBeat) return true;
    }
    return false;
  }

  Request Read(uint32_t src, uint64_t addr, int beats) {
    Request r;
    r.src = src;
    r.addr = addr;
    r.beats = beats;
    return r;
  }
  Request Write(uint32_t src, uint64_t addr, int beats) {
    Request r = Read(src, addr, beats);
    r.write = true;
    r.data.resize(size_t(beats) * kBeat);
    for (auto& b : r.data) b = static_cast<uint8_t>(rng_.Bits64());
    for (int i = 0; i < beats; ++i) {
      r.strb.push_back(rng_.Chance(0.5) ? 0xffff : static_cast<uint16_t>(rng_.Bits64()));
    }
    return r;
  }

  // Queues the request's packet on rx and what it must cause.
  void Push(Request r) {
    r.seq = next_seq_++;
    r.tag = static_cast<uint32_t>(rng_.Uniform(0, 255));
    Hdr h;
    h.src = r.src;
    h.dst = Coord(2, 0);  // the memory node (the DUT ignores it)
    h.kind = r.write ? kWrite : kRead;
    h.tag = r.tag;
    h.len = uint32_t(r.beats);
    h.addr = uint32_t(r.addr >> 4);
    Flit f;
    f.head = true;
    f.hdr = h.Pack();
    rx_q_.push_back(f);
    const Ax ax{IdOf(r.src), uint32_t(ToLocal(r.addr)), uint32_t(r.beats - 1)};
    if (r.write) {
      for (int i = 0; i < r.beats; ++i) {
        Flit w;
        std::memcpy(w.data, &r.data[size_t(i) * kBeat], kBeat);
        w.strb = r.strb[i];
        w.last = i + 1 == r.beats;
        rx_q_.push_back(w);
        const uint64_t g = r.addr + uint64_t(i) * kBeat;
        if (BeatErr(g)) continue;  // a failing beat writes nothing
        for (int b = 0; b < kBeat; ++b) {
          if (r.strb[i] >> b & 1) ref_.Write8(g + b, w.data[b]);
        }
      }
      exp_aw_.push_back(ax);
      exp_wr_[r.src].push_back(r);
      open_wr_.insert(r.seq);
    } else {
      exp_ar_.push_back(ax);
      exp_rd_[r.src].push_back(r);
      open_rd_.insert(r.seq);
    }
  }

  bool Done() const {
    return rx_q_.empty() && !rx_on_ && open_rd_.empty() && open_wr_.empty() && !in_resp_ &&
           slave_.Idle();
  }
  void Run(uint64_t max_cycles) {
    sim_.RunUntil([this] { return Done(); }, max_cycles, "all responses");
  }

  // The served image equals the reference; returns a description of the first difference.
  std::string CompareMemory() const {
    std::vector<uint8_t> a(kMemBytes), b(kMemBytes);
    mem_.Read(0, a.data(), kMemBytes);
    ref_.Read(0, b.data(), kMemBytes);
    for (uint64_t i = 0; i < kMemBytes; ++i) {
      if (a[i] != b[i]) {
        std::ostringstream s;
        s << "memory differs at 0x" << std::hex << i << ": 0x" << int(a[i]) << ", expected 0x"
          << int(b[i]);
        return s.str();
      }
    }
    return "";
  }

  std::string Errors() const {
    std::string s;
    for (size_t i = 0; i < fails_.size() && i < 8; ++i) s += fails_[i] + "\n";
    return s;
  }

  tb::Simulation<Top>& sim() { return sim_; }
  tb::MemSlave& slave() { return slave_; }
  tb::Rng& rng() { return rng_; }
  const std::vector<std::string>& fails() const { return fails_; }
  int max_reads(int id) const { return max_r_[id]; }
  int max_writes(int id) const { return max_w_[id]; }
  uint64_t overtakes() const { return overtakes_; }
  uint64_t hdr_stalls() const { return hdr_stalls_; }
  uint64_t err_beats() const { return err_beats_; }
  uint64_t err_writes() const { return err_writes_; }
  uint64_t responses() const { return responses_; }

 private:
  static tb::MemPins Pins(Top* top) {
    tb::MemPins p;
    LUOSHU_AXI4_PINS(p, top, m_axi_);
    return p;
  }
  static tb::MemSlaveConfig SlaveConfig(const Knobs& k) {
    tb::MemSlaveConfig m;
    m.latency = k.latency;
    m.write_latency = k.write_latency;
    m.ar_stall = m.aw_stall = m.w_stall = m.r_stall = m.b_stall = k.axi_stall;
    m.out_of_order = k.out_of_order;
    m.to_global = [](uint64_t l) { return ToGlobal(l); };
    m.name = "m_axi";
    return m;
  }

  void Fail(const std::string& what) {
    std::ostringstream s;
    s << "cycle " << sim_.cycle() << ": " << what;
    fails_.push_back(s.str());
  }

  void Drive() {
    if (sim_.in_reset()) {
      d_.rx_hdr_valid_i = 0;
      d_.rx_data_valid_i = 0;
      d_.tx_hdr_ready_i = 0;
      d_.tx_data_ready_i = 0;
      return;
    }
    if (!rx_on_ && !rx_q_.empty() && !rx_gap_.Stall()) {
      rx_on_ = true;
      const Flit& f = rx_q_.front();
      if (f.head) {
        d_.rx_hdr_i = f.hdr;
      } else {
        tb::PutBytes(d_.rx_data_i, f.data, kBeat);
        PutBits(d_.rx_data_i, 128, 16, f.strb);
        d_.rx_data_last_i = f.last;
      }
    }
    d_.rx_hdr_valid_i = rx_on_ && rx_q_.front().head;
    d_.rx_data_valid_i = rx_on_ && !rx_q_.front().head;
    // noc_ni: a header only between packets, data flits only after a data-carrying header.
    const bool stall = tx_stall_.Stall();
    d_.tx_hdr_ready_i = !in_resp_ && !stall;
    d_.tx_data_ready_i = in_resp_ && !stall;
  }

  void Sample() {
    if (sim_.in_reset()) return;
    if (d_.rx_hdr_valid_i && !d_.rx_hdr_ready_o) ++hdr_stalls_;
    if (rx_on_ && (rx_q_.front().head ? d_.rx_hdr_ready_o : d_.rx_data_ready_o)) {
      rx_q_.pop_front();
      rx_on_ = false;
    }
    MonitorAxi();
    if (d_.tx_hdr_valid_o && d_.tx_hdr_ready_i) Header(Hdr::Unpack(d_.tx_hdr_o));
    if (d_.tx_data_valid_o && d_.tx_data_ready_i) DataFlit();
  }

  void CheckAx(const char* ch, std::deque<Ax>* q, uint32_t id, uint32_t addr, uint32_t len) {
    if (q->empty()) return Fail(std::string(ch) + " that no request asked for");
    const Ax e = q->front();
    q->pop_front();
    if (id != e.id || addr != e.addr || len != e.len) {
      std::ostringstream s;
      s << ch << " id " << id << " addr 0x" << std::hex << addr << " len " << std::dec << len
        << ", expected id " << e.id << " addr 0x" << std::hex << e.addr << " len " << std::dec
        << e.len;
      Fail(s.str());
    }
  }
  void Count(std::vector<int>* out, std::vector<int>* max, uint32_t id, int delta,
             const char* what) {
    (*out)[id] += delta;
    if ((*out)[id] > (*max)[id]) (*max)[id] = (*out)[id];
    const int limit = std::string(what) == "reads" ? C::kMaxReads : C::kMaxWrites;
    if ((*out)[id] > limit) {
      Fail(std::string(what) + " in flight for id " + std::to_string(id) + " exceed " +
           std::to_string(limit));
    }
  }

  void MonitorAxi() {
    if (d_.m_axi_arvalid_o && d_.m_axi_arready_i) {
      CheckAx("AR", &exp_ar_, d_.m_axi_arid_o, d_.m_axi_araddr_o, d_.m_axi_arlen_o);
      Count(&out_r_, &max_r_, d_.m_axi_arid_o, 1, "reads");
    }
    if (d_.m_axi_rvalid_i && d_.m_axi_rready_o && d_.m_axi_rlast_i) {
      Count(&out_r_, &max_r_, d_.m_axi_rid_i, -1, "reads");
    }
    if (d_.m_axi_awvalid_o && d_.m_axi_awready_i) {
      CheckAx("AW", &exp_aw_, d_.m_axi_awid_o, d_.m_axi_awaddr_o, d_.m_axi_awlen_o);
      Count(&out_w_, &max_w_, d_.m_axi_awid_o, 1, "writes");
    }
    if (d_.m_axi_bvalid_i && d_.m_axi_bready_o) {
      Count(&out_w_, &max_w_, d_.m_axi_bid_i, -1, "writes");
    }
  }

  // Pops the oldest request of `src` in one direction; counts an overtake if an older request
  // of that direction is still open.
  bool Next(std::map<uint32_t, std::deque<Request>>* exp, std::set<uint64_t>* open, uint32_t src,
            Request* r) {
    auto it = exp->find(src);
    if (it == exp->end() || it->second.empty()) return false;
    *r = it->second.front();
    it->second.pop_front();
    if (*open->begin() < r->seq) ++overtakes_;
    open->erase(r->seq);
    return true;
  }

  void Header(const Hdr& h) {
    ++responses_;
    std::ostringstream s;
    s << "response (kind " << h.kind << ", to 0x" << std::hex << h.dst << ", tag 0x" << h.tag
      << ", len " << std::dec << h.len << ", addr 0x" << std::hex << h.addr << ", err " << h.err
      << "): ";
    if (h.kind != kReadResp && h.kind != kWriteResp) return Fail(s.str() + "not a response kind");
    const bool write = h.kind == kWriteResp;
    Request r;
    if (!Next(write ? &exp_wr_ : &exp_rd_, write ? &open_wr_ : &open_rd_, h.dst, &r)) {
      return Fail(s.str() + "no request of that kind from that node is open");
    }
    bool err = false;
    for (int i = 0; i < r.beats; ++i) err |= BeatErr(r.addr + uint64_t(i) * kBeat);
    const bool want_err = write && err;  // a read reports errors per beat
    if (h.tag != r.tag || h.len != uint32_t(r.beats) || h.addr != uint32_t(r.addr >> 4) ||
        h.err != want_err) {
      std::ostringstream e;
      e << "expected tag 0x" << std::hex << r.tag << ", len " << std::dec << r.beats << ", addr 0x"
        << std::hex << (r.addr >> 4) << ", err " << want_err;
      Fail(s.str() + e.str());
    }
    if (write) {
      err_writes_ += h.err;
      return;
    }
    cur_ = r;
    beat_ = 0;
    in_resp_ = h.len != 0;
  }

  void DataFlit() {
    if (!in_resp_) return Fail("data flit outside a read response");
    const uint64_t g = cur_.addr + uint64_t(beat_) * kBeat;
    const bool err = GetBits(d_.tx_data_o, 128, 1);
    const bool want_err = BeatErr(g);
    std::ostringstream s;
    s << "read response to 0x" << std::hex << cur_.src << " tag 0x" << cur_.tag << ", beat "
      << std::dec << beat_ << " (global 0x" << std::hex << g << "): ";
    if (GetBits(d_.tx_data_o, 129, 15) != 0) Fail(s.str() + "flit bits [143:129] not zero");
    if (err != want_err) Fail(s.str() + (want_err ? "err missing" : "unexpected err"));
    err_beats_ += err;
    if (!err && !want_err) {
      uint8_t got[kBeat], want[kBeat];
      tb::GetBytes(d_.tx_data_o, got, kBeat);
      ref_.Read(g, want, kBeat);
      if (std::memcmp(got, want, kBeat) != 0) Fail(s.str() + "data differs from the memory");
    }
    if (++beat_ == cur_.beats) in_resp_ = false;
  }

  tb::Simulation<Top> sim_;
  tb::HookHandle drive_hook_, sample_hook_;  // removed with this object
  Top& d_;
  model::DeviceMemory mem_, ref_;
  tb::Rng rng_;
  tb::MemSlave slave_;
  tb::StallInjector rx_gap_, tx_stall_;
  std::vector<std::pair<uint64_t, uint64_t>> errors_;
  std::deque<Flit> rx_q_;
  bool rx_on_ = false;
  std::map<uint32_t, std::deque<Request>> exp_rd_, exp_wr_;  // by requester, in order
  std::set<uint64_t> open_rd_, open_wr_;                     // seqs awaiting a response
  std::deque<Ax> exp_ar_, exp_aw_;
  std::vector<int> out_r_, out_w_, max_r_, max_w_;  // AXI bursts in flight per id
  Request cur_;                                     // read response being received
  int beat_ = 0;
  bool in_resp_ = false;  // the NI model is taking a read response's data flits
  uint64_t next_seq_ = 0, overtakes_ = 0, hdr_stalls_ = 0, err_beats_ = 0, err_writes_ = 0,
           responses_ = 0;
  std::vector<std::string> fails_;
};

template <class Top>
class NocAxiMasterTest : public ::testing::Test {};
using Tops = ::testing::Types<Vnoc_axi_master_c1, Vnoc_axi_master_c2, Vnoc_axi_master_fpga>;
TYPED_TEST_SUITE(NocAxiMasterTest, Tops);

TYPED_TEST(NocAxiMasterTest, WriteThenReadBackThroughTheChannel) {
  using B = Bench<TypeParam>;
  B b(tb::CurrentTestName(), tb::SeedFromEnv(11), Knobs{});
  const uint64_t at = B::Page(B::kChanPages / 2) + 0x40;
  b.Push(b.Write(Coord(1, 0), at, 5));
  b.Push(b.Write(Coord(0, 1), B::Page(B::kChanPages - 1) + 0xff0, 1));  // a page's last beat
  b.Run(2000);
  EXPECT_EQ(b.CompareMemory(), "");
  b.Push(b.Read(Coord(3, 2), at - 0x10, 7));  // covers the first write and its neighbours
  b.Push(b.Read(Coord(0, 0), B::Page(B::kChanPages - 1) + 0xff0, 1));
  b.Push(b.Read(Coord(7, 7), B::Page(0), 128));
  b.Run(2000);
  EXPECT_EQ(b.responses(), 5u);
  EXPECT_TRUE(b.fails().empty()) << b.Errors();
}

TYPED_TEST(NocAxiMasterTest, ErrorsReachTheRequester) {
  using B = Bench<TypeParam>;
  Knobs k;
  k.axi_stall = 0.2;
  B b(tb::CurrentTestName(), tb::SeedFromEnv(12), k);
  const uint64_t rd = B::Page(1), wr = B::Page(B::kChanPages / 2 + 1);
  b.InjectError(rd + 0x30, 0x20);  // beats 3 and 4 of the read below
  b.InjectError(wr + 0x10, 1);     // beat 1 of the first write
  b.Push(b.Read(Coord(1, 1), rd, 8));
  b.Push(b.Write(Coord(2, 1), wr, 4));
  b.Push(b.Write(Coord(2, 1), wr + 0x100, 4));  // no error
  // Past the end of the image (this channel's page kChanPages): every beat fails.
  b.Push(b.Read(Coord(0, 3), B::Page(B::kChanPages), 4));
  b.Run(4000);
  EXPECT_TRUE(b.fails().empty()) << b.Errors();
  EXPECT_EQ(b.err_beats(), 6u);
  EXPECT_EQ(b.err_writes(), 1u);
  EXPECT_EQ(b.slave().error_responses(), 7u);
  EXPECT_EQ(b.CompareMemory(), "");
}

// Requests of one id beyond MaxReadsPerId / MaxWritesPerId wait (rx stalls) and are all answered.
TYPED_TEST(NocAxiMasterTest, PerIdFifoFullStallsWithoutLoss) {
  using B = Bench<TypeParam>;
  Knobs k;
  k.latency = 120;
  k.write_latency = 120;
  B b(tb::CurrentTestName(), tb::SeedFromEnv(13), k);
  // Two nodes that share id 0, and one with another id whose requests queue behind them.
  uint32_t twin = 0;
  for (uint32_t c = 1; c < 64 && !twin; ++c) {
    if (B::IdOf(c) == 0) twin = c;
  }
  ASSERT_NE(twin, 0u);
  const uint32_t other = Coord(1, 0);
  ASSERT_NE(B::IdOf(other), 0u);
  const int n = 2 * std::max(Cfg<TypeParam>::kMaxReads, Cfg<TypeParam>::kMaxWrites) + 2;
  uint64_t wr = B::Page(B::kChanPages / 2);
  // All reads first, then all writes: each direction's FIFO fills on its own (a full FIFO
  // holds rx, so interleaved requests would stop at the first one to fill).
  for (int i = 0; i < n; ++i) b.Push(b.Read(i % 2 ? twin : 0, B::Page(0) + 0x40 * (i % 64), 4));
  for (int i = 0; i < n; ++i) {
    b.Push(b.Write(i % 2 ? twin : 0, wr, 2));
    wr += 0x20;
  }
  b.Push(b.Read(other, B::Page(1), 3));
  b.Push(b.Write(other, wr, 3));
  b.Run(20000);
  EXPECT_TRUE(b.fails().empty()) << b.Errors();
  EXPECT_EQ(b.responses(), uint64_t(2 * n + 2));
  EXPECT_EQ(b.max_reads(0), Cfg<TypeParam>::kMaxReads);
  EXPECT_EQ(b.max_writes(0), Cfg<TypeParam>::kMaxWrites);
  EXPECT_GT(b.hdr_stalls(), 0u);
  EXPECT_EQ(b.CompareMemory(), "");
}

// Seeded random traffic from every node of an 8x8 mesh, with stalls everywhere, errors and
// responses reordered across ids.
template <class Top>
void RandomTraffic(const Knobs& k, int requests, uint64_t seed) {
  using B = Bench<Top>;
  B b(tb::CurrentTestName(), tb::SeedFromEnv(seed), k);
  tb::Rng& rng = b.rng();
  const int half = B::kChanPages / 2;
  // Reads come from the lower half of the channel's pages, writes go to fresh ranges of the
  // upper half (never overlapping: the final image does not depend on the order writes of
  // different ids complete in).
  for (int e = 0; e < 2; ++e) {
    b.InjectError(B::Page(int(rng.Uniform(0, half - 1))) + 16 * rng.Uniform(0, 255),
                  16 * rng.Uniform(1, 8));
    b.InjectError(B::Page(int(rng.Uniform(half, 2 * half - 1))) + 16 * rng.Uniform(0, 255),
                  16 * rng.Uniform(1, 4));
  }
  int wr_page = half, wr_beat = 0;
  for (int i = 0; i < requests; ++i) {
    const uint32_t src = uint32_t(rng.Uniform(0, 63));
    int beats = int(rng.Chance(0.2) ? rng.Uniform(1, 128) : rng.Uniform(1, 16));
    if (rng.Chance(0.5)) {
      const int beat = int(rng.Uniform(0, 255));
      beats = std::min(beats, 256 - beat);
      b.Push(b.Read(src, B::Page(int(rng.Uniform(0, half - 1))) + 16 * beat, beats));
    } else {
      if (wr_beat + beats > 256) wr_page++, wr_beat = 0;
      if (wr_page == 2 * half) break;  // write region used up
      b.Push(b.Write(src, B::Page(wr_page) + 16 * wr_beat, beats));
      wr_beat += beats + int(rng.Uniform(0, 2));
    }
  }
  b.Run(200000);
  ::testing::Test::RecordProperty("cycles", std::to_string(b.sim().cycle()));
  EXPECT_TRUE(b.fails().empty()) << b.Errors();
  EXPECT_EQ(b.CompareMemory(), "");
  if (k.out_of_order) {
    EXPECT_GT(b.overtakes(), 0u) << "responses never reordered across ids";
  }
}

TYPED_TEST(NocAxiMasterTest, RandomTrafficNoStalls) {
  Knobs k;
  k.latency = 3;
  k.write_latency = 2;
  RandomTraffic<TypeParam>(k, 200, 21);
}

TYPED_TEST(NocAxiMasterTest, RandomTrafficWithStallsEverywhere) {
  Knobs k;
  k.latency = 25;
  k.write_latency = 12;
  k.axi_stall = 0.3;
  k.rx_gap = 0.3;
  k.tx_stall = 0.3;
  RandomTraffic<TypeParam>(k, 300, 22);
}

TYPED_TEST(NocAxiMasterTest, RandomTrafficInOrderMemory) {
  Knobs k;
  k.axi_stall = 0.2;
  k.tx_stall = 0.5;
  k.out_of_order = false;
  RandomTraffic<TypeParam>(k, 150, 23);
}

}  // namespace
}  // namespace luoshu
