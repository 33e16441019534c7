// core_noc_bridge between a random AXI-like core master and a fake network fabric at message
// level, for the default SoC's bridge (2 channels, 256-beat ROB, 8 writes) and the small
// SoC's (1 channel; a 64-beat ROB and 2 writes so both limits are reached quickly).
//
// The fabric takes request headers and data flits from tx (ready only where the NI would be:
// headers between packets, data after a write header), checks every header field against
// what the bridge must send (kind, beat address, length, tag = ROB slot or {first_half, id},
// dst = node of channel addr[12 +: ChanBits]) and every data flit against the core's W beat,
// then serves each channel in order after a random delay over one DeviceMemory image. It
// returns response packets on rx, choosing at random among the channels' read and write
// response queues (so answers reorder across channels), with random gaps between flits.
//
// Checked on the core side: R beats in AR order with id, last, err and data; one B per AW
// with its id and err (the OR of both halves of a split write; B of one id may reorder
// across channels, so B is matched against the id's outstanding writes); memory after the
// writes equals a C++ reference; never more than MaxWrites writes or RobBeats read beats in
// flight. Reads target the lower half of the image, writes the upper half, so read data is
// known when the AR is taken.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <deque>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "Vcore_noc_bridge_c1.h"
#include "Vcore_noc_bridge_c2.h"
#include "sw/model/memory.h"
#include "tb/bits.h"
#include "tb/gtest_util.h"
#include "tb/mem_packet.h"
#include "tb/options.h"
#include "tb/random.h"
#include "tb/sim.h"

namespace luoshu {
namespace {

using tb::Rng;

constexpr uint32_t kRead = tb::kMemRead, kWrite = tb::kMemWrite, kReadResp = tb::kMemReadResp,
                   kWriteResp = tb::kMemWriteResp;
constexpr uint32_t kBeat = 16;
constexpr int kMaxPacket = 128;         // longest packet (longer bursts are split)
constexpr uint32_t kMemSize = 1 << 16;  // reads in [0, 32 KiB), writes in [32 KiB, 64 KiB)
constexpr uint32_t kWriteBase = kMemSize / 2;
constexpr int kNumIds = 3;

// The two Verilated configurations (rtl/soc/CMakeLists.txt). Coordinates: channel c's node
// x in octal digit c of kChanX, y in digit c of kChanY.
template <class M>
struct Config;
template <>
struct Config<Vcore_noc_bridge_c2> {
  static constexpr int kChannels = 2, kRobBeats = 256, kMaxWrites = 8;
  static constexpr uint32_t kChanX = 00022, kChanY = 00010;
};
template <>
struct Config<Vcore_noc_bridge_c1> {
  static constexpr int kChannels = 1, kRobBeats = 64, kMaxWrites = 2;
  static constexpr uint32_t kChanX = 00001, kChanY = 00000;
};

using Hdr = tb::MemHdr;

// Everything a requester sets (route.src is the NI's).
bool SameRequest(const Hdr& a, const Hdr& b) {
  return a.dst == b.dst && a.kind == b.kind && a.tag == b.tag && a.len == b.len &&
         a.addr == b.addr && a.err == b.err;
}

// Random gaps/backpressure on every handshake, and the fabric's service delay.
struct Stalls {
  double ar = 0, aw = 0, w = 0;    // core: P(no new AR / AW / W beat offered) per cycle
  double r = 0, b = 0;             // core: P(R / B ready low)
  double tx_hdr = 0, tx_data = 0;  // fabric: P(tx ready low)
  double rx = 0;                   // fabric: P(no response flit offered)
  int min_delay = 1, max_delay = 1;
};
const Stalls kNoStalls{};
const Stalls kHeavyStalls{0.3, 0.3, 0.3, 0.4, 0.4, 0.3, 0.3, 0.3, 1, 60};

struct Beat {
  std::array<uint8_t, kBeat> data{};
  uint16_t strb = 0;
};
struct Burst {
  uint32_t addr = 0;
  int beats = 0, id = 0;
  std::vector<Beat> w;  // writes: data and strobes
};
struct ExpectR {
  int id;
  bool last, err;
  std::array<uint8_t, kBeat> data;
};
struct Packet {  // a request (tx) or a response (rx)
  Hdr hdr;
  std::vector<Beat> data;  // write request: strobes and data
  std::vector<bool> errs;  // read response: per-beat err
  uint64_t ready_at = 0;   // fabric: cycle from which it may be served / sent
  uint64_t seq = 0;        // read requests: order in which the bridge sent them
};

template <class M>
class BridgeBench {
 public:
  using C = Config<M>;

  BridgeBench(uint64_t seed, const Stalls& stalls)
      : rng_(tb::SeedFromEnv(seed)),
        s_(stalls),
        sim_(tb::CurrentTestName(), ""),
        mem_(0, kMemSize),
        ref_(0, kMemSize),
        chans_(C::kChannels) {
    for (uint32_t a = 0; a < kMemSize; a += 8) {
      const uint64_t v = rng_.Bits64();
      mem_.Write(a, &v, 8);
      ref_.Write(a, &v, 8);
    }
    drive_hook_ = sim_.OnDrive([this] { Drive(); });
    sample_hook_ = sim_.OnSample([this] { Sample(); });
    sim_.Reset();
  }

  Rng& rng() { return rng_; }
  tb::Simulation<M>& sim() { return sim_; }
  const std::vector<std::string>& errors() const { return errors_; }

  // Core requests (queued; the master issues them in order, reads and writes independently).
  void Read(uint32_t addr, int beats, int id) { ars_.push_back({addr, beats, id, {}}); }
  void Write(uint32_t addr, int beats, int id, bool full_strobes = false) {
    Burst b{addr, beats, id, std::vector<Beat>(beats)};
    for (Beat& w : b.w) {
      for (auto& byte : w.data) byte = static_cast<uint8_t>(rng_.Bits64());
      w.strb = full_strobes || rng_.Chance(0.3) ? 0xFFFF : static_cast<uint16_t>(rng_.Bits64());
    }
    aws_.push_back(std::move(b));
  }
  // The fabric answers err for every beat in [addr, addr + beats * 16).
  void InjectError(uint32_t addr, int beats) {
    for (int i = 0; i < beats; ++i) err_beats_.insert(addr + i * kBeat);
  }
  void HoldReadResponses(bool hold) { hold_reads_ = hold; }
  void HoldWriteResponses(bool hold) { hold_writes_ = hold; }
  void SetChannelDelay(int c, int min_delay, int max_delay) {
    chans_[c].min_delay = min_delay;
    chans_[c].max_delay = max_delay;
  }

  bool Done() const {
    if (!ars_.empty() || !aws_.empty() || !w_beats_.empty() || !exp_r_.empty()) return false;
    if (!exp_rd_.empty() || !exp_wr_.empty() || writes_in_flight_ != 0 || rx_cur_) return false;
    for (const auto& ch : chans_) {
      if (!ch.reqs.empty() || !ch.read_resps.empty() || !ch.write_resps.empty()) return false;
    }
    return true;
  }
  bool Failed() const { return !errors_.empty(); }

  // Runs until every request is answered (or a check fails), then compares the memory.
  void Finish(uint64_t max_cycles) {
    sim_.RunUntil([this] { return Done() || Failed(); }, max_cycles, "all requests answered");
    if (Failed()) return;
    for (uint32_t a = kWriteBase; a < kMemSize; ++a) {
      if (mem_.Read8(a) != ref_.Read8(a)) {
        Fail("memory byte 0x" + Hex(a) + " differs from the reference after the writes");
        return;
      }
    }
  }
  void Run(uint64_t cycles) {
    for (uint64_t i = 0; i < cycles && !Failed(); ++i) sim_.Step();
  }

  // Counters for directed tests.
  int ars_taken() const { return ars_taken_; }
  int aws_taken() const { return aws_taken_; }
  int read_beats_in_flight() const { return read_beats_in_flight_; }
  int writes_in_flight() const { return writes_in_flight_; }
  int reordered_read_responses() const { return reordered_; }
  int split_packets() const { return split_packets_; }
  // Kinds of the request headers sent so far, in order: R read, W write.
  const std::string& header_order() const { return header_order_; }
  bool ar_waiting() const { return ar_presenting_; }
  bool aw_waiting() const { return aw_presenting_; }

 private:
  struct Channel {
    std::deque<Packet> reqs, read_resps, write_resps;
    int min_delay = -1, max_delay = -1;  // -1: use the Stalls figures
    uint64_t last_ready = 0;
  };

  static std::string Hex(uint64_t v) {
    std::ostringstream s;
    s << std::hex << v;
    return s.str();
  }
  void Fail(const std::string& what) {
    if (errors_.size() < 10) {
      errors_.push_back("cycle " + std::to_string(sim_.cycle()) + ": " + what);
    }
  }
  static int Coord(int c) {
    return int((C::kChanY >> (3 * c)) & 7) << 3 | int((C::kChanX >> (3 * c)) & 7);
  }
  static int ChannelOf(uint32_t byte_addr) { return (byte_addr >> 12) & (C::kChannels - 1); }
  static std::vector<int> Parts(int beats) {
    if (beats <= kMaxPacket) return {beats};
    return {kMaxPacket, beats - kMaxPacket};
  }

  // ---- core master ----
  void Drive() {
    M& d = sim_.dut();
    if (sim_.in_reset()) {
      d.core_ar_valid_i = d.core_aw_valid_i = d.core_w_valid_i = 0;
      d.core_r_ready_i = d.core_b_ready_i = 0;
      d.tx_hdr_ready_i = d.tx_data_ready_i = 0;
      d.rx_hdr_valid_i = d.rx_data_valid_i = 0;
      return;
    }
    if (!ar_presenting_ && !ars_.empty() && !rng_.Chance(s_.ar)) {
      ar_presenting_ = true;
      d.core_ar_addr_i = ars_.front().addr;
      d.core_ar_len_i = static_cast<uint8_t>(ars_.front().beats - 1);
      d.core_ar_id_i = static_cast<uint8_t>(ars_.front().id);
    }
    d.core_ar_valid_i = ar_presenting_;
    if (!aw_presenting_ && !aws_.empty() && !rng_.Chance(s_.aw)) {
      aw_presenting_ = true;
      const Burst& b = aws_.front();
      d.core_aw_addr_i = b.addr;
      d.core_aw_len_i = static_cast<uint8_t>(b.beats - 1);
      d.core_aw_id_i = static_cast<uint8_t>(b.id);
      // The burst's W beats may be offered from now on (before its AW is taken).
      for (int i = 0; i < b.beats; ++i) w_beats_.push_back({b.w[i], i == b.beats - 1});
    }
    d.core_aw_valid_i = aw_presenting_;
    if (!w_presenting_ && !w_beats_.empty() && !rng_.Chance(s_.w)) {
      w_presenting_ = true;
      tb::PutBytes(d.core_w_data_i, w_beats_.front().beat.data.data(), kBeat);
      d.core_w_strb_i = w_beats_.front().beat.strb;
      d.core_w_last_i = w_beats_.front().last;
    }
    d.core_w_valid_i = w_presenting_;
    r_ready_ = !rng_.Chance(s_.r);
    d.core_r_ready_i = r_ready_;
    b_ready_ = !rng_.Chance(s_.b);
    d.core_b_ready_i = b_ready_;
    // Fabric: tx ready as a NI would be (headers between packets, data inside a write).
    hdr_ready_ = !tx_in_data_ && !rng_.Chance(s_.tx_hdr);
    data_ready_ = tx_in_data_ && !rng_.Chance(s_.tx_data);
    d.tx_hdr_ready_i = hdr_ready_;
    d.tx_data_ready_i = data_ready_;
    DriveRx(d);
  }

  void Sample() {
    if (sim_.in_reset()) return;
    M& d = sim_.dut();
    if (ar_presenting_ && d.core_ar_ready_o) ArTaken();
    if (aw_presenting_ && d.core_aw_ready_o) AwTaken();
    if (w_presenting_ && d.core_w_ready_o) {
      w_presenting_ = false;
      w_beats_.pop_front();
    }
    if (r_ready_ && d.core_r_valid_o) RBeat(d);
    if (b_ready_ && d.core_b_valid_o) BResp(d.core_b_id_o, d.core_b_err_o);
    if (hdr_ready_ && d.tx_hdr_valid_o) TxHeader(Hdr::Unpack(d.tx_hdr_o));
    if (data_ready_ && d.tx_data_valid_o) TxData(d);
    SampleRx(d);
    Serve();
  }

  void ArTaken() {
    const Burst b = ars_.front();
    ars_.pop_front();
    ar_presenting_ = false;
    ++ars_taken_;
    for (int i = 0; i < b.beats; ++i) {
      const uint32_t a = b.addr + i * kBeat;
      ExpectR e{b.id, i == b.beats - 1, err_beats_.count(a) > 0, {}};
      mem_.Read(a, e.data.data(), kBeat);
      exp_r_.push_back(e);
    }
    int off = 0;
    for (int len : Parts(b.beats)) {
      Hdr h;
      h.kind = kRead;
      h.addr = b.addr / kBeat + off;
      h.len = len;
      h.tag = (rob_tail_ + off) % C::kRobBeats;
      h.dst = Coord(ChannelOf(b.addr));
      exp_rd_.push_back(h);
      off += len;
    }
    rob_tail_ = (rob_tail_ + b.beats) % C::kRobBeats;
    read_beats_in_flight_ += b.beats;
    // Slots are freed when a beat leaves the ROB for the R output (at most 3 beats queued
    // there, 1 in the sram read), which is before the core takes it.
    if (read_beats_in_flight_ > C::kRobBeats + 4) {
      Fail("AR taken with " + std::to_string(read_beats_in_flight_) +
           " read beats in flight: more than the ROB holds");
    }
  }

  void AwTaken() {
    const Burst b = aws_.front();
    aws_.pop_front();
    aw_presenting_ = false;
    ++aws_taken_;
    if (++writes_in_flight_ > C::kMaxWrites) {
      Fail("AW taken with " + std::to_string(writes_in_flight_ - 1) +
           " writes in flight (MaxWrites " + std::to_string(C::kMaxWrites) + ")");
    }
    bool err = false;
    for (int i = 0; i < b.beats; ++i) {
      const uint32_t a = b.addr + i * kBeat;
      if (err_beats_.count(a)) {
        err = true;
        continue;
      }
      for (uint32_t k = 0; k < kBeat; ++k) {
        if (b.w[i].strb >> k & 1) ref_.Write8(a + k, b.w[i].data[k]);
      }
    }
    ++b_expect_[b.id][err];
    const std::vector<int> parts = Parts(b.beats);
    int off = 0;
    for (size_t p = 0; p < parts.size(); ++p) {
      Packet pk;
      pk.hdr.kind = kWrite;
      pk.hdr.addr = b.addr / kBeat + off;
      pk.hdr.len = parts[p];
      pk.hdr.tag = (parts.size() == 2 && p == 0 ? 4 : 0) | b.id;
      pk.hdr.dst = Coord(ChannelOf(b.addr));
      for (int i = 0; i < parts[p]; ++i) pk.data.push_back(b.w[off + i]);
      exp_wr_.push_back(pk);
      off += parts[p];
    }
  }

  void RBeat(M& d) {
    if (exp_r_.empty()) return Fail("R beat without an outstanding AR");
    const ExpectR e = exp_r_.front();
    exp_r_.pop_front();
    --read_beats_in_flight_;
    std::array<uint8_t, kBeat> got;
    tb::GetBytes(d.core_r_data_o, got.data(), kBeat);
    std::ostringstream s;
    if (d.core_r_id_o != e.id) s << " id " << int(d.core_r_id_o) << " (want " << e.id << ")";
    if (bool(d.core_r_last_o) != e.last) s << " last " << int(d.core_r_last_o);
    if (bool(d.core_r_err_o) != e.err) s << " err " << int(d.core_r_err_o);
    if (!e.err && got != e.data) s << " data differs from memory";
    if (!s.str().empty()) Fail("R beat (id " + std::to_string(e.id) + "):" + s.str());
  }

  void BResp(int id, bool err) {
    if (id >= kNumIds || b_expect_[id][err] == 0) {
      return Fail("B id " + std::to_string(id) + " err " + std::to_string(err) +
                  " matches no outstanding write");
    }
    if (b_given_[id] >= b_answered_[id]) {
      return Fail("B id " + std::to_string(id) + " before the fabric answered that write");
    }
    --b_expect_[id][err];
    ++b_given_[id];
    --writes_in_flight_;
  }

  // ---- fabric: requests ----
  void TxHeader(const Hdr& h) {
    header_order_ += h.kind == kRead ? 'R' : 'W';
    if (h.kind == kRead) {
      if (exp_rd_.empty()) return Fail("unexpected read request " + h.Str());
      const Hdr want = exp_rd_.front();
      exp_rd_.pop_front();
      if (!SameRequest(h, want)) return Fail("read request " + h.Str() + ", want " + want.Str());
      Packet p;
      p.hdr = h;
      p.seq = rd_seq_++;
      Accept(std::move(p));
    } else if (h.kind == kWrite) {
      if (exp_wr_.empty()) return Fail("unexpected write request " + h.Str());
      tx_wr_ = exp_wr_.front();
      exp_wr_.pop_front();
      if (!SameRequest(h, tx_wr_.hdr)) {
        return Fail("write request " + h.Str() + ", want " + tx_wr_.hdr.Str());
      }
      tx_in_data_ = true;
      tx_beat_ = 0;
    } else {
      Fail("request of kind " + std::to_string(h.kind));
    }
  }

  void TxData(M& d) {
    Beat got;
    tb::GetBytes(d.tx_data_o, got.data.data(), kBeat);
    got.strb = static_cast<uint16_t>(tb::GetBits(d.tx_data_o, 128, 16));
    const Beat& want = tx_wr_.data[tx_beat_];
    if (got.data != want.data || got.strb != want.strb) {
      Fail("write data flit " + std::to_string(tx_beat_) + " of " + tx_wr_.hdr.Str() +
           " differs from the core's W beat");
    }
    if (++tx_beat_ == tx_wr_.hdr.len) {
      tx_in_data_ = false;
      if (tx_wr_.hdr.tag & 4) ++split_packets_;
      Accept(std::move(tx_wr_));
    }
  }

  // A channel serves its requests in arrival order, each `delay` cycles after the later of
  // its arrival and the previous request's service.
  void Accept(Packet p) {
    const int c = ChannelOf(p.hdr.addr * kBeat);
    Channel& ch = chans_[c];
    const int lo = ch.min_delay >= 0 ? ch.min_delay : s_.min_delay;
    const int hi = ch.max_delay >= 0 ? ch.max_delay : s_.max_delay;
    ch.last_ready = std::max(ch.last_ready, sim_.cycle()) + rng_.Uniform(lo, hi);
    p.ready_at = ch.last_ready;
    ch.reqs.push_back(std::move(p));
  }

  void Serve() {
    for (int c = 0; c < C::kChannels; ++c) {
      Channel& ch = chans_[c];
      while (!ch.reqs.empty() && ch.reqs.front().ready_at <= sim_.cycle()) {
        Packet p = std::move(ch.reqs.front());
        ch.reqs.pop_front();
        Packet r;
        r.hdr = p.hdr;
        r.hdr.src = Coord(c);
        r.hdr.dst = 0;
        r.seq = p.seq;
        const uint32_t base = p.hdr.addr * kBeat;
        if (p.hdr.kind == kRead) {
          r.hdr.kind = kReadResp;
          for (uint32_t i = 0; i < p.hdr.len; ++i) {
            Beat b;
            const uint32_t a = base + i * kBeat;
            const bool err = err_beats_.count(a) > 0;
            if (!err) mem_.Read(a, b.data.data(), kBeat);
            r.data.push_back(b);
            r.errs.push_back(err);
          }
          ch.read_resps.push_back(std::move(r));
        } else {
          r.hdr.kind = kWriteResp;
          for (uint32_t i = 0; i < p.hdr.len; ++i) {
            const uint32_t a = base + i * kBeat;
            if (err_beats_.count(a)) {
              r.hdr.err = 1;
              continue;
            }
            for (uint32_t k = 0; k < kBeat; ++k) {
              if (p.data[i].strb >> k & 1) mem_.Write8(a + k, p.data[i].data[k]);
            }
          }
          ch.write_resps.push_back(std::move(r));
        }
      }
    }
  }

  // ---- fabric: responses ----
  void DriveRx(M& d) {
    if (!rx_cur_) {
      std::vector<std::deque<Packet>*> ready;
      for (auto& ch : chans_) {
        if (!hold_reads_ && !ch.read_resps.empty()) ready.push_back(&ch.read_resps);
        if (!hold_writes_ && !ch.write_resps.empty()) ready.push_back(&ch.write_resps);
      }
      if (!ready.empty()) {
        std::deque<Packet>* q = ready[rng_.Uniform(0, int64_t(ready.size()) - 1)];
        rx_pkt_ = std::move(q->front());
        q->pop_front();
        rx_cur_ = true;
        rx_flit_ = 0;
        if (rx_pkt_.hdr.kind == kReadResp) {
          if (rx_pkt_.seq < rd_seq_sent_max_) ++reordered_;
          rd_seq_sent_max_ = std::max(rd_seq_sent_max_, rx_pkt_.seq);
        } else if (!(rx_pkt_.hdr.tag & 4)) {
          ++b_answered_[rx_pkt_.hdr.tag & 3];
        }
      }
    }
    if (rx_cur_ && !rx_offered_ && !rng_.Chance(s_.rx)) {
      rx_offered_ = true;
      if (rx_flit_ == 0) {
        d.rx_hdr_i = rx_pkt_.hdr.Pack();
      } else {
        const int i = rx_flit_ - 1;
        tb::PutBytes(d.rx_data_i, rx_pkt_.data[i].data.data(), kBeat);
        tb::PutBits(d.rx_data_i, 128, 16, rx_pkt_.errs[i] ? 1 : 0);
        d.rx_data_last_i = (i + 1 == int(rx_pkt_.data.size()));
      }
    }
    d.rx_hdr_valid_i = rx_offered_ && rx_flit_ == 0;
    d.rx_data_valid_i = rx_offered_ && rx_flit_ > 0;
  }

  void SampleRx(M& d) {
    if (!rx_offered_) return;
    // The bridge must always take responses (it reserved room for them).
    if (!(rx_flit_ == 0 ? d.rx_hdr_ready_o : d.rx_data_ready_o)) {
      return Fail("rx not ready: the bridge must always accept responses");
    }
    rx_offered_ = false;
    if (++rx_flit_ > int(rx_pkt_.data.size())) rx_cur_ = false;
  }

  Rng rng_;
  Stalls s_;
  tb::Simulation<M> sim_;
  tb::HookHandle drive_hook_, sample_hook_;  // removed with this object
  model::DeviceMemory mem_, ref_;
  std::vector<Channel> chans_;
  std::set<uint32_t> err_beats_;
  std::vector<std::string> errors_;
  bool hold_reads_ = false, hold_writes_ = false;

  // Core side.
  struct WBeat {
    Beat beat;
    bool last;
  };
  std::deque<Burst> ars_, aws_;
  std::deque<WBeat> w_beats_;
  std::deque<ExpectR> exp_r_;
  bool ar_presenting_ = false, aw_presenting_ = false, w_presenting_ = false;
  bool r_ready_ = false, b_ready_ = false;
  int rob_tail_ = 0, read_beats_in_flight_ = 0, writes_in_flight_ = 0;
  int ars_taken_ = 0, aws_taken_ = 0;
  int b_expect_[kNumIds][2] = {};
  int b_given_[kNumIds] = {}, b_answered_[kNumIds] = {};

  // Fabric side.
  std::deque<Hdr> exp_rd_;
  std::deque<Packet> exp_wr_;
  bool hdr_ready_ = false, data_ready_ = false, tx_in_data_ = false;
  Packet tx_wr_;
  uint32_t tx_beat_ = 0;
  int split_packets_ = 0;
  std::string header_order_;
  uint64_t rd_seq_ = 0, rd_seq_sent_max_ = 0;
  int reordered_ = 0;
  Packet rx_pkt_;
  bool rx_cur_ = false, rx_offered_ = false;
  int rx_flit_ = 0;
};

template <class M>
class CoreNocBridgeTest : public ::testing::Test {
 protected:
  using C = Config<M>;
  static constexpr uint32_t kPage = 4096;

  void Start(uint64_t seed, const Stalls& stalls = kNoStalls) {
    bench_ = std::make_unique<BridgeBench<M>>(seed, stalls);
  }
  void Finish(uint64_t max_cycles = 200000) {
    bench_->Finish(max_cycles);
    Check();
  }
  void Check() {
    for (const auto& e : bench_->errors()) ADD_FAILURE() << e;
  }
  // Byte address of beat `beat` of the `n`-th page of channel `c` in the read / write area.
  static uint32_t ReadAddr(int c, int n, int beat) {
    return (n * C::kChannels + c) * kPage + beat * kBeat;
  }
  static uint32_t WriteAddr(int c, int n, int beat) { return kWriteBase + ReadAddr(c, n, beat); }

  // Random traffic: `n` bursts, both directions, ids 0..2, both channels.
  void RandomTraffic(int n) {
    Rng& rng = bench_->rng();
    const int pages = kWriteBase / kPage / C::kChannels;
    for (int i = 0; i < 12; ++i) {
      bench_->InjectError(ReadAddr(rng.Uniform(0, C::kChannels - 1), rng.Uniform(0, pages - 1),
                                   rng.Uniform(0, 255)),
                          1);
      bench_->InjectError(WriteAddr(rng.Uniform(0, C::kChannels - 1), rng.Uniform(0, pages - 1),
                                    rng.Uniform(0, 255)),
                          1);
    }
    for (int i = 0; i < n; ++i) {
      const bool write = rng.Chance(0.5);
      const int pick = rng.Uniform(0, 9);
      int beats = pick < 5   ? rng.Uniform(1, 16)
                  : pick < 8 ? rng.Uniform(17, 128)
                             : rng.Uniform(129, 256);
      if (!write) beats = std::min(beats, C::kRobBeats);
      const int c = rng.Uniform(0, C::kChannels - 1), page = rng.Uniform(0, pages - 1);
      const int beat = rng.Uniform(0, 256 - beats), id = rng.Uniform(0, kNumIds - 1);
      if (write) {
        bench_->Write(WriteAddr(c, page, beat), beats, id);
      } else {
        bench_->Read(ReadAddr(c, page, beat), beats, id);
      }
    }
    Finish(2000000);
  }

  std::unique_ptr<BridgeBench<M>> bench_;
};

using Models = ::testing::Types<Vcore_noc_bridge_c2, Vcore_noc_bridge_c1>;
TYPED_TEST_SUITE(CoreNocBridgeTest, Models);

TYPED_TEST(CoreNocBridgeTest, SingleReadAndWrite) {
  this->Start(1);
  this->bench_->Read(this->ReadAddr(0, 0, 3), 4, 1);
  this->bench_->Write(this->WriteAddr(0, 1, 7), 4, 1);
  this->Finish();
}

TYPED_TEST(CoreNocBridgeTest, EveryChannelAndBurstLength) {
  using C = Config<TypeParam>;
  this->Start(2);
  for (int c = 0; c < C::kChannels; ++c) {
    for (int beats : {1, 2, 127, 128, 129, 200, 256}) {
      if (beats <= C::kRobBeats) this->bench_->Read(this->ReadAddr(c, 0, 256 - beats), beats, c);
      this->bench_->Write(this->WriteAddr(c, 1, 256 - beats), beats, 2 - c);
    }
  }
  this->Finish();
  // Every write burst longer than 128 beats went out as two packets (checked per header).
  EXPECT_EQ(this->bench_->split_packets(), 3 * C::kChannels);
}

// Split 256-beat writes: an error in either half reaches the one B of the burst.
TYPED_TEST(CoreNocBridgeTest, SplitWriteReportsErrorOfEitherHalf) {
  using C = Config<TypeParam>;
  this->Start(3);
  this->bench_->InjectError(this->WriteAddr(0, 0, 5), 1);    // first half
  this->bench_->InjectError(this->WriteAddr(0, 1, 200), 1);  // second half
  this->bench_->Write(this->WriteAddr(0, 0, 0), 256, 0);
  this->bench_->Write(this->WriteAddr(0, 1, 0), 256, 1);
  this->bench_->Write(this->WriteAddr(0, 2, 0), 256, 2);  // no error
  this->bench_->Write(this->WriteAddr(C::kChannels - 1, 3, 0), 256, 0);
  this->Finish();
}

TYPED_TEST(CoreNocBridgeTest, ReadErrorsReachTheirBeats) {
  using C = Config<TypeParam>;
  this->Start(4);
  const int beats = std::min(256, C::kRobBeats);
  this->bench_->InjectError(this->ReadAddr(0, 0, 0), 1);
  this->bench_->InjectError(this->ReadAddr(0, 0, beats - 1), 1);
  this->bench_->InjectError(this->ReadAddr(C::kChannels - 1, 1, 10), 3);
  this->bench_->Read(this->ReadAddr(0, 0, 0), beats, 0);
  this->bench_->Read(this->ReadAddr(C::kChannels - 1, 1, 0), 16, 1);
  this->Finish();
}

// A slow channel 0 and a fast last channel: responses return out of order, R stays in AR order.
TYPED_TEST(CoreNocBridgeTest, ReadsReorderedAcrossChannelsLeaveInArOrder) {
  using C = Config<TypeParam>;
  if (C::kChannels < 2) GTEST_SKIP() << "one channel answers in order";
  this->Start(5);
  this->bench_->SetChannelDelay(0, 150, 200);
  this->bench_->SetChannelDelay(C::kChannels - 1, 1, 5);
  for (int i = 0; i < 16; ++i) {
    const int c = i % 2 ? C::kChannels - 1 : 0;
    this->bench_->Read(this->ReadAddr(c, i % 4, 3 * i), 1 + 5 * i, i % 3);
  }
  this->Finish();
  EXPECT_GT(this->bench_->reordered_read_responses(), 0) << "the fabric never reordered";
}

// Held read responses: the ROB fills to one slot short, a 2-beat AR waits (not lost) while a
// 1-beat AR would fit, then everything completes in order.
TYPED_TEST(CoreNocBridgeTest, FullRobStallsAr) {
  using C = Config<TypeParam>;
  this->Start(6);
  this->bench_->HoldReadResponses(true);
  const int half = C::kRobBeats / 2;
  this->bench_->Read(this->ReadAddr(0, 0, 0), half, 0);
  this->bench_->Read(this->ReadAddr(C::kChannels - 1, 1, 0), half - 1, 1);
  this->bench_->Read(this->ReadAddr(0, 2, 0), 2, 2);
  this->bench_->Read(this->ReadAddr(0, 3, 0), 1, 0);
  this->bench_->Read(this->ReadAddr(C::kChannels - 1, 2, 0), half, 1);
  this->bench_->Run(500);
  EXPECT_EQ(this->bench_->ars_taken(), 2);
  EXPECT_EQ(this->bench_->read_beats_in_flight(), C::kRobBeats - 1);
  EXPECT_TRUE(this->bench_->ar_waiting());
  this->bench_->HoldReadResponses(false);
  this->Finish();
  EXPECT_EQ(this->bench_->ars_taken(), 5);
}

// Held write responses: exactly MaxWrites AWs are taken, the rest wait, then all complete.
TYPED_TEST(CoreNocBridgeTest, WritesInFlightLimitedToMaxWrites) {
  using C = Config<TypeParam>;
  this->Start(7);
  this->bench_->HoldWriteResponses(true);
  const int n = C::kMaxWrites + 3;
  for (int i = 0; i < n; ++i) {
    this->bench_->Write(this->WriteAddr(i % C::kChannels, i % 4, i), 1 + i, i % 3);
  }
  this->bench_->Run(1000);
  EXPECT_EQ(this->bench_->aws_taken(), C::kMaxWrites);
  EXPECT_TRUE(this->bench_->aw_waiting());
  this->bench_->HoldWriteResponses(false);
  this->Finish();
  EXPECT_EQ(this->bench_->aws_taken(), n);
}

// Same id, different channels: B of one id may come back in any order; each write's own
// error must still be counted once.
TYPED_TEST(CoreNocBridgeTest, WriteErrorsPerBurst) {
  using C = Config<TypeParam>;
  this->Start(8);
  this->bench_->SetChannelDelay(0, 100, 120);
  this->bench_->InjectError(this->WriteAddr(0, 0, 3), 1);
  this->bench_->Write(this->WriteAddr(0, 0, 0), 8, 1);
  this->bench_->Write(this->WriteAddr(C::kChannels - 1, 1, 0), 200, 1);
  this->bench_->Write(this->WriteAddr(C::kChannels - 1, 2, 0), 8, 1);
  this->Finish();
}

// A read request is one flit: it goes ahead of waiting write packets instead of taking turns
// with them (loads are not paced by stores), until the reads that passed a write asked for as
// many beats as it carries.
TYPED_TEST(CoreNocBridgeTest, ReadHeadersGoAheadOfWritePackets) {
  using C = Config<TypeParam>;
  this->Start(9);
  for (int i = 0; i < 6; ++i) {
    this->bench_->Write(this->WriteAddr(i % C::kChannels, i / C::kChannels, 0), 64, i % 3);
    this->bench_->Read(this->ReadAddr(i % C::kChannels, i / C::kChannels, 0), 8, i % 3);
  }
  this->Finish();
  const std::string& order = this->bench_->header_order();
  ASSERT_EQ(order.size(), 12u);
  // 64-beat writes, 8-beat reads: eight reads may pass each write.
  EXPECT_LE(std::count(order.begin(), order.begin() + order.rfind('R'), 'W'), 1)
      << "reads waited behind write packets: " << order;
}

TYPED_TEST(CoreNocBridgeTest, WritesAreNotStarvedByReads) {
  using C = Config<TypeParam>;
  this->Start(10);
  const int reads = std::min(240, C::kRobBeats);
  this->bench_->Write(this->WriteAddr(0, 0, 0), 4, 0);
  for (int i = 0; i < reads; ++i) this->bench_->Read(this->ReadAddr(i % C::kChannels, 0, i), 1, 1);
  this->Finish();
  const std::string& order = this->bench_->header_order();
  ASSERT_EQ(order.size(), size_t(reads) + 1);
  EXPECT_LE(order.find('W'), 70u) << order;
}

TYPED_TEST(CoreNocBridgeTest, RandomTrafficNoStalls) {
  this->Start(11);
  this->RandomTraffic(600);
}

TYPED_TEST(CoreNocBridgeTest, RandomTrafficStallsEverywhere) {
  this->Start(12, kHeavyStalls);
  this->RandomTraffic(600);
}

TYPED_TEST(CoreNocBridgeTest, RandomTrafficSlowCoreFastFabric) {
  Stalls s;
  s.r = s.b = 0.7;
  s.min_delay = 1;
  s.max_delay = 4;
  this->Start(13, s);
  this->RandomTraffic(400);
}

}  // namespace
}  // namespace luoshu
