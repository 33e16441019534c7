// Memory-slave agent: serves a memory port from a sw/model DeviceMemory. Two pin flavours:
//  - Luoshu's AXI-like memory port (docs/core.md "Memory port"): LUOSHU_MEM_READ_PINS /
//    LUOSHU_MEM_WRITE_PINS, 1-bit err, for one unit (no ids) or a whole core (ids bound with
//    LUOSHU_MEM_ID_PINS);
//  - an AXI4 master port (LUOSHU_AXI4_PINS: ids, 2-bit RRESP/BRESP answering SLVERR on an
//    error, ARSIZE/AWSIZE checked = log2(beat_bytes), ARBURST/AWBURST checked = INCR).
//
// Timing model: a read burst's first beat may leave `latency` cycles after its AR was taken,
// then one beat per cycle as far as the byte budget allows (`read_bytes_per_cycle`, a credit
// that refills every cycle; writes have their own). A write's B leaves `write_latency`
// cycles after its last W beat. Random backpressure on AR/AW/W ready and random gaps on
// R/B valid come from StallInjectors. By default bursts are served in request order; with
// `out_of_order` the next R burst (and the next B) is picked at random among the oldest
// ready burst of each id (same-id order holds, as AXI requires; the beats of one R burst are
// never interleaved with another's). W beats always belong to the oldest open AW (AXI4).
//
// Addresses: `to_global` maps the port's address to the DeviceMemory address (e.g. a memory
// channel's dense local address -> the global address), so one image can hold the whole
// device memory. Port rules (alignment, 4 KiB) are checked on the PORT address; the image
// bounds and the InjectError ranges apply to the GLOBAL address.
//
// Checks (ProtocolError naming the sim, the port `name` and the cycle): stream rule on
// AR/AW/W (valid held, payload stable until taken), beat-aligned addresses, bursts of 1..256
// beats that do not cross a 4 KiB boundary, W `last` exactly on a burst's final beat, W only
// after its AW, AXI4 size/burst when bound.
// Errors: a beat whose global range touches an InjectError range or leaves the DeviceMemory
// image, or any beat from cycle `error_from_cycle` on, answers err = 1 / SLVERR (read data zero; a
// failing write beat writes nothing; a write burst with any failing beat answers B err / SLVERR).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "sw/hal/state.h"
#include "sw/model/memory.h"
#include "tb/errors.h"
#include "tb/random.h"
#include "tb/sim.h"

namespace luoshu::tb {

// Raw pointers to the Verilated port variables (nullptr = channel / signal not present).
// A port has either the 1-bit err signals (r_err, b_err) or the AXI4 2-bit resp signals
// (r_resp, b_resp).
struct MemPins {
  uint8_t *ar_valid = nullptr, *ar_ready = nullptr, *ar_len = nullptr, *ar_id = nullptr;
  uint8_t *ar_size = nullptr, *ar_burst = nullptr;  // AXI4 only
  uint32_t* ar_addr = nullptr;
  uint8_t *r_valid = nullptr, *r_ready = nullptr, *r_last = nullptr, *r_err = nullptr,
          *r_id = nullptr, *r_resp = nullptr;
  uint32_t* r_data = nullptr;  // beat_bytes / 4 words
  uint8_t *aw_valid = nullptr, *aw_ready = nullptr, *aw_len = nullptr, *aw_id = nullptr;
  uint8_t *aw_size = nullptr, *aw_burst = nullptr;  // AXI4 only
  uint32_t* aw_addr = nullptr;
  uint8_t *w_valid = nullptr, *w_ready = nullptr, *w_last = nullptr;
  uint32_t* w_data = nullptr;
  uint16_t* w_strb = nullptr;  // beat_bytes = 16
  uint8_t *b_valid = nullptr, *b_ready = nullptr, *b_err = nullptr, *b_id = nullptr,
          *b_resp = nullptr;
};

// Bind the read (AR, R) / write (AW, W, B) channels of ports named <prefix>ar_valid_o etc.
#define LUOSHU_MEM_READ_PINS(pins, top, prefix)     \
  do {                                              \
    (pins).ar_valid = &(top)->prefix##ar_valid_o;   \
    (pins).ar_ready = &(top)->prefix##ar_ready_i;   \
    (pins).ar_addr = &(top)->prefix##ar_addr_o;     \
    (pins).ar_len = &(top)->prefix##ar_len_o;       \
    (pins).r_valid = &(top)->prefix##r_valid_i;     \
    (pins).r_ready = &(top)->prefix##r_ready_o;     \
    (pins).r_data = (top)->prefix##r_data_i.data(); \
    (pins).r_last = &(top)->prefix##r_last_i;       \
    (pins).r_err = &(top)->prefix##r_err_i;         \
  } while (0)
#define LUOSHU_MEM_WRITE_PINS(pins, top, prefix)    \
  do {                                              \
    (pins).aw_valid = &(top)->prefix##aw_valid_o;   \
    (pins).aw_ready = &(top)->prefix##aw_ready_i;   \
    (pins).aw_addr = &(top)->prefix##aw_addr_o;     \
    (pins).aw_len = &(top)->prefix##aw_len_o;       \
    (pins).w_valid = &(top)->prefix##w_valid_o;     \
    (pins).w_ready = &(top)->prefix##w_ready_i;     \
    (pins).w_data = (top)->prefix##w_data_o.data(); \
    (pins).w_strb = &(top)->prefix##w_strb_o;       \
    (pins).w_last = &(top)->prefix##w_last_o;       \
    (pins).b_valid = &(top)->prefix##b_valid_i;     \
    (pins).b_ready = &(top)->prefix##b_ready_o;     \
    (pins).b_err = &(top)->prefix##b_err_i;         \
  } while (0)
#define LUOSHU_MEM_ID_PINS(pins, top, prefix) \
  do {                                        \
    (pins).ar_id = &(top)->prefix##ar_id_o;   \
    (pins).r_id = &(top)->prefix##r_id_i;     \
    (pins).aw_id = &(top)->prefix##aw_id_o;   \
    (pins).b_id = &(top)->prefix##b_id_i;     \
  } while (0)
// All five channels of an AXI4 master port named <prefix>arvalid_o, <prefix>rdata_i, ...
// (e.g. prefix m_axi_); ids of up to 8 bits, 128-bit data.
#define LUOSHU_AXI4_PINS(pins, top, prefix)        \
  do {                                             \
    (pins).ar_valid = &(top)->prefix##arvalid_o;   \
    (pins).ar_ready = &(top)->prefix##arready_i;   \
    (pins).ar_addr = &(top)->prefix##araddr_o;     \
    (pins).ar_len = &(top)->prefix##arlen_o;       \
    (pins).ar_id = &(top)->prefix##arid_o;         \
    (pins).ar_size = &(top)->prefix##arsize_o;     \
    (pins).ar_burst = &(top)->prefix##arburst_o;   \
    (pins).r_valid = &(top)->prefix##rvalid_i;     \
    (pins).r_ready = &(top)->prefix##rready_o;     \
    (pins).r_data = (top)->prefix##rdata_i.data(); \
    (pins).r_resp = &(top)->prefix##rresp_i;       \
    (pins).r_last = &(top)->prefix##rlast_i;       \
    (pins).r_id = &(top)->prefix##rid_i;           \
    (pins).aw_valid = &(top)->prefix##awvalid_o;   \
    (pins).aw_ready = &(top)->prefix##awready_i;   \
    (pins).aw_addr = &(top)->prefix##awaddr_o;     \
    (pins).aw_len = &(top)->prefix##awlen_o;       \
    (pins).aw_id = &(top)->prefix##awid_o;         \
    (pins).aw_size = &(top)->prefix##awsize_o;     \
    (pins).aw_burst = &(top)->prefix##awburst_o;   \
    (pins).w_valid = &(top)->prefix##wvalid_o;     \
    (pins).w_ready = &(top)->prefix##wready_i;     \
    (pins).w_data = (top)->prefix##wdata_o.data(); \
    (pins).w_strb = &(top)->prefix##wstrb_o;       \
    (pins).w_last = &(top)->prefix##wlast_o;       \
    (pins).b_valid = &(top)->prefix##bvalid_i;     \
    (pins).b_ready = &(top)->prefix##bready_o;     \
    (pins).b_resp = &(top)->prefix##bresp_i;       \
    (pins).b_id = &(top)->prefix##bid_i;           \
  } while (0)

struct MemSlaveConfig {
  int beat_bytes = 16;               // data width; only 16 is supported by MemPins
  int latency = 20;                  // AR taken -> first R beat may leave (cycles, >= 1)
  int write_latency = 10;            // last W beat -> B may leave (cycles, >= 1)
  double read_bytes_per_cycle = 16;  // byte budget per cycle (beat_bytes = full rate)
  double write_bytes_per_cycle = 16;
  // One byte budget for reads and writes together (read_bytes_per_cycle; reads go first),
  // as a single-ported DRAM channel would give, instead of AXI's independent directions.
  bool shared_budget = false;
  double ar_stall = 0, aw_stall = 0, w_stall = 0;  // P(ready low) per cycle
  double r_stall = 0, b_stall = 0;                 // P(no new beat offered) per cycle
  // Answer R bursts and B responses of different ids in random order (see above).
  bool out_of_order = false;
  // Every beat from this cycle on fails (a memory that breaks mid-run: fault injection).
  uint64_t error_from_cycle = UINT64_MAX;
  // Port address -> DeviceMemory (global) address; identity by default.
  std::function<uint64_t(uint64_t)> to_global = [](uint64_t a) { return a; };
  std::string name = "mem";  // names the port in protocol errors
};

class MemSlave {
 public:
  MemSlave(SimController* sim, const MemPins& pins, model::DeviceMemory* memory,
           const MemSlaveConfig& config, uint64_t seed)
      : sim_(sim), pins_(pins), mem_(memory), cfg_(config), rng_(seed) {
    if (cfg_.beat_bytes != 16) throw ConfigError("MemSlave: beat_bytes must be 16");
    if (cfg_.latency < 1 || cfg_.write_latency < 1) {
      throw ConfigError("MemSlave: latency and write_latency must be >= 1 cycle");
    }
    if (cfg_.read_bytes_per_cycle <= 0 || cfg_.write_bytes_per_cycle <= 0) {
      throw ConfigError("MemSlave: bytes per cycle must be > 0");
    }
    if (!cfg_.to_global) throw ConfigError("MemSlave: to_global must be set (default: identity)");
    if (pins_.ar_ready && !pins_.r_err && !pins_.r_resp) {
      throw ConfigError("MemSlave: bind r_err or r_resp");
    }
    if (pins_.aw_ready && !pins_.b_err && !pins_.b_resp) {
      throw ConfigError("MemSlave: bind b_err or b_resp");
    }
    drive_hook_ = sim->OnDrive([this] { Drive(); });
    sample_hook_ = sim->OnSample([this] { Sample(); });
  }

  // Any beat whose GLOBAL range touches [addr, addr + len) answers with an error response.
  void InjectError(uint64_t addr, uint64_t len) { errors_.push_back({addr, addr + len}); }
  void ClearErrors() { errors_.clear(); }
  // Nothing requested and not yet answered.
  bool Idle() const { return reads_.empty() && writes_.empty() && bresps_.empty(); }
  uint64_t bytes_read() const { return bytes_read_; }        // beats * beat_bytes served
  uint64_t bytes_written() const { return bytes_written_; }  // strobed bytes written
  uint64_t read_bursts() const { return read_bursts_; }
  uint64_t write_bursts() const { return write_bursts_; }
  uint64_t error_responses() const { return error_responses_; }  // R beats + B with err

  // Everything that changes while it runs (the configuration is the owner's to rebuild): the
  // random stream, the bursts in flight, the offered beats, the byte budgets, the held
  // payloads, the injected errors and the counters.
  void Save(hal::StateWriter* w) const {
    std::ostringstream rng;
    rng << const_cast<Rng&>(rng_).engine();
    w->Str(rng.str());
    w->U64(errors_.size());
    for (const auto& e : errors_) w->U64(e.first), w->U64(e.second);
    for (const auto* q : {&reads_, &writes_, &bresps_}) {
      w->U64(q->size());
      for (const Burst& b : *q) {
        w->U64(b.addr), w->U64(uint64_t(b.beats)), w->U64(uint64_t(b.done));
        w->U8(b.id), w->U64(b.ready_at), w->U8(b.err);
      }
    }
    w->U8(r_offered_), w->U8(b_offered_), w->U8(r_err_);
    w->U64(uint64_t(int64_t(r_cur_))), w->U64(uint64_t(int64_t(b_cur_)));
    w->F64(read_credit_), w->F64(write_credit_);
    for (const Held* h : {&ar_held_, &aw_held_, &w_held_})
      w->U8(h->valid), w->U64(h->addr), w->U64(h->attrs);
    for (uint64_t v :
         {bytes_read_, bytes_written_, read_bursts_, write_bursts_, error_responses_}) {
      w->U64(v);
    }
  }
  void Restore(hal::StateReader* r) {
    std::istringstream rng(r->Str());
    rng >> rng_.engine();
    if (!rng) r->Fail(cfg_.name + ": the memory model's random state does not parse");
    errors_.resize(r->Count(16));
    for (auto& e : errors_) e.first = r->U64(), e.second = r->U64();
    for (auto* q : {&reads_, &writes_, &bresps_}) {
      q->resize(r->Count(34));
      for (Burst& b : *q) {
        b.addr = r->U64(), b.beats = int(r->U64()), b.done = int(r->U64());
        b.id = r->U8(), b.ready_at = r->U64(), b.err = r->U8() != 0;
      }
    }
    r_offered_ = r->U8(), b_offered_ = r->U8(), r_err_ = r->U8();
    r_cur_ = int(int64_t(r->U64())), b_cur_ = int(int64_t(r->U64()));
    // (b_cur_ is stale once its response is taken; it counts only while one is offered.)
    if (r_cur_ >= int(reads_.size()) ||
        (b_offered_ && (b_cur_ < 0 || b_cur_ >= int(bresps_.size())))) {
      r->Fail(cfg_.name + ": the memory model's state is inconsistent");
    }
    read_credit_ = r->F64(), write_credit_ = r->F64();
    for (Held* h : {&ar_held_, &aw_held_, &w_held_})
      h->valid = r->U8(), h->addr = r->U64(), h->attrs = r->U64();
    for (uint64_t* v :
         {&bytes_read_, &bytes_written_, &read_bursts_, &write_bursts_, &error_responses_}) {
      *v = r->U64();
    }
  }

 private:
  static constexpr uint8_t kRespSlvErr = 2;  // AXI4 RRESP/BRESP SLVERR (OKAY = 0)
  static constexpr uint8_t kBurstIncr = 1;

  struct Burst {
    uint64_t addr;  // port address
    int beats;
    int done = 0;
    uint8_t id = 0;
    uint64_t ready_at = 0;  // cycle from which the first beat (R) / B may leave
    bool err = false;       // write: some beat failed
  };
  struct Held {  // last cycle's offered payload, for the stream rule
    bool valid = false;
    uint64_t addr = 0, attrs = 0;
  };

  bool Touches(uint64_t lo, uint64_t hi) const {
    if (!mem_->Contains(lo, hi - lo) || sim_->cycle() >= cfg_.error_from_cycle) return true;
    for (const auto& e : errors_) {
      if (lo < e.second && e.first < hi) return true;
    }
    return false;
  }
  // Global address of beat `done` of a burst (mapped per beat: to_global need not be linear).
  uint64_t BeatAddr(const Burst& b) const {
    return cfg_.to_global(b.addr + uint64_t(b.done) * cfg_.beat_bytes);
  }

  [[noreturn]] void Fail(const std::string& what) const {
    std::ostringstream os;
    os << sim_->name() << ": " << cfg_.name << ": memory port protocol error at cycle "
       << sim_->cycle() << ": " << what;
    throw ProtocolError(os.str());
  }

  void CheckBurst(const char* ch, uint64_t addr, int beats) const {
    std::ostringstream os;
    if (addr % cfg_.beat_bytes) {
      os << ch << " address 0x" << std::hex << addr << " is not beat-aligned";
      Fail(os.str());
    }
    const uint64_t end = addr + uint64_t(beats) * cfg_.beat_bytes;
    if ((addr >> 12) != ((end - 1) >> 12)) {
      os << ch << " burst [0x" << std::hex << addr << ", 0x" << end << ") crosses a 4 KiB boundary";
      Fail(os.str());
    }
  }
  // AXI4 ARSIZE/AWSIZE (bytes = 2^size) and ARBURST/AWBURST, when bound.
  void CheckAxi(const char* ch, const uint8_t* size, const uint8_t* burst) const {
    int log2_beat = 0;
    while ((1 << log2_beat) < cfg_.beat_bytes) ++log2_beat;
    if (size && *size != log2_beat) {
      Fail(std::string(ch) + "SIZE is " + std::to_string(*size) + ", expected " +
           std::to_string(log2_beat) + " (full beats)");
    }
    if (burst && *burst != kBurstIncr) {
      Fail(std::string(ch) + "BURST is " + std::to_string(*burst) + ", expected 1 (INCR)");
    }
  }
  // Everything on AR/AW besides the address that must hold still: len, id, size, burst.
  static uint64_t Attrs(const uint8_t* len, const uint8_t* id, const uint8_t* size,
                        const uint8_t* burst) {
    return uint64_t(*len) | uint64_t(id ? *id : 0) << 8 | uint64_t(size ? *size : 0) << 16 |
           uint64_t(burst ? *burst : 0) << 24;
  }

  void CheckStable(const char* ch, Held* h, bool valid, uint64_t addr, uint64_t attrs, bool taken) {
    if (h->valid && !valid) Fail(std::string(ch) + " valid dropped before the transfer");
    if (h->valid && valid && (h->addr != addr || h->attrs != attrs)) {
      Fail(std::string(ch) + " payload changed while waiting for ready");
    }
    h->valid = valid && !taken;
    h->addr = addr;
    h->attrs = attrs;
  }

  double& WriteCredit() { return cfg_.shared_budget ? read_credit_ : write_credit_; }

  // Index into `q` of the burst to answer next, or -1: in order, the front once it is ready;
  // out of order, a random one among the oldest ready burst of each id.
  int Pick(const std::deque<Burst>& q) {
    if (q.empty()) return -1;
    if (!cfg_.out_of_order) return q.front().ready_at <= sim_->cycle() ? 0 : -1;
    int cand[256];
    int n = 0;
    bool seen[256] = {};
    for (int i = 0; i < int(q.size()); ++i) {
      if (seen[q[i].id]) continue;
      seen[q[i].id] = true;
      if (q[i].ready_at <= sim_->cycle()) cand[n++] = i;
    }
    return n ? cand[rng_.Uniform(0, n - 1)] : -1;
  }

  void Drive() {
    if (sim_->in_reset()) {
      if (pins_.ar_ready) *pins_.ar_ready = 0, *pins_.r_valid = 0;
      if (pins_.aw_ready) *pins_.aw_ready = 0, *pins_.w_ready = 0, *pins_.b_valid = 0;
      return;
    }
    if (pins_.ar_ready) {
      *pins_.ar_ready = !rng_.Chance(cfg_.ar_stall);
      read_credit_ = std::min(read_credit_ + cfg_.read_bytes_per_cycle,
                              double(cfg_.beat_bytes) + cfg_.read_bytes_per_cycle);
      if (!r_offered_) {
        // A burst in progress goes on; otherwise pick the next one.
        const int next = r_cur_ >= 0 ? r_cur_ : Pick(reads_);
        if (next >= 0 && read_credit_ >= cfg_.beat_bytes && !rng_.Chance(cfg_.r_stall)) {
          r_offered_ = true;
          r_cur_ = next;
          read_credit_ -= cfg_.beat_bytes;
          OfferBeat();
        }
      }
      *pins_.r_valid = r_offered_;
    }
    if (pins_.aw_ready) {
      *pins_.aw_ready = !rng_.Chance(cfg_.aw_stall);
      if (!cfg_.shared_budget) {
        write_credit_ = std::min(write_credit_ + cfg_.write_bytes_per_cycle,
                                 double(cfg_.beat_bytes) + cfg_.write_bytes_per_cycle);
      }
      // W is taken only for a burst whose AW is in (clients send AW first).
      *pins_.w_ready =
          !writes_.empty() && WriteCredit() >= cfg_.beat_bytes && !rng_.Chance(cfg_.w_stall);
      if (!b_offered_) {
        const int next = Pick(bresps_);
        if (next >= 0 && !rng_.Chance(cfg_.b_stall)) {
          b_offered_ = true;
          b_cur_ = next;
          const Burst& b = bresps_[next];
          if (pins_.b_err) *pins_.b_err = b.err;
          if (pins_.b_resp) *pins_.b_resp = b.err ? kRespSlvErr : 0;
          if (pins_.b_id) *pins_.b_id = b.id;
        }
      }
      *pins_.b_valid = b_offered_;
    }
  }

  void OfferBeat() {
    const Burst& b = reads_[r_cur_];
    const uint64_t a = BeatAddr(b);
    r_err_ = Touches(a, a + cfg_.beat_bytes);
    uint8_t bytes[16] = {};
    if (!r_err_) mem_->Read(a, bytes, cfg_.beat_bytes);
    std::memcpy(pins_.r_data, bytes, sizeof bytes);
    *pins_.r_last = (b.done + 1 == b.beats);
    if (pins_.r_err) *pins_.r_err = r_err_;
    if (pins_.r_resp) *pins_.r_resp = r_err_ ? kRespSlvErr : 0;
    if (pins_.r_id) *pins_.r_id = b.id;
  }

  void Sample() {
    if (sim_->in_reset()) return;
    if (pins_.ar_ready) SampleRead();
    if (pins_.aw_ready) SampleWrite();
  }

  void SampleRead() {
    const bool ar = *pins_.ar_valid && *pins_.ar_ready;
    CheckStable("AR", &ar_held_, *pins_.ar_valid, *pins_.ar_addr,
                Attrs(pins_.ar_len, pins_.ar_id, pins_.ar_size, pins_.ar_burst), ar);
    if (ar) {
      Burst b{*pins_.ar_addr, int(*pins_.ar_len) + 1};
      CheckBurst("AR", b.addr, b.beats);
      CheckAxi("AR", pins_.ar_size, pins_.ar_burst);
      b.id = pins_.ar_id ? *pins_.ar_id : 0;
      b.ready_at = sim_->cycle() + cfg_.latency;
      reads_.push_back(b);
      ++read_bursts_;
    }
    if (r_offered_ && *pins_.r_ready) {
      r_offered_ = false;
      bytes_read_ += cfg_.beat_bytes;
      if (r_err_) ++error_responses_;
      Burst& b = reads_[r_cur_];
      if (++b.done == b.beats) {
        reads_.erase(reads_.begin() + r_cur_);
        r_cur_ = -1;
      }
    }
  }

  void SampleWrite() {
    const bool aw = *pins_.aw_valid && *pins_.aw_ready;
    CheckStable("AW", &aw_held_, *pins_.aw_valid, *pins_.aw_addr,
                Attrs(pins_.aw_len, pins_.aw_id, pins_.aw_size, pins_.aw_burst), aw);
    const bool w = *pins_.w_valid && *pins_.w_ready;
    uint64_t w_sig = 0;  // stream rule on W: strobes, last and the first data word
    if (*pins_.w_valid) w_sig = *pins_.w_strb | uint64_t(*pins_.w_last) << 16;
    CheckStable("W", &w_held_, *pins_.w_valid, w_sig, pins_.w_data[0], w);
    if (w) {
      Burst& b = writes_.front();
      const uint64_t a = BeatAddr(b);
      const bool last = ++b.done == b.beats;
      if (bool(*pins_.w_last) != last) {
        Fail(last ? "W beat ends its burst without last" : "W last before the burst's end");
      }
      WriteCredit() -= cfg_.beat_bytes;
      if (Touches(a, a + cfg_.beat_bytes)) {
        b.err = true;
      } else {
        uint8_t bytes[16];
        std::memcpy(bytes, pins_.w_data, sizeof bytes);
        for (int i = 0; i < cfg_.beat_bytes; ++i) {
          if (*pins_.w_strb >> i & 1) {
            mem_->Write8(a + i, bytes[i]);
            ++bytes_written_;
          }
        }
      }
      if (last) {
        b.ready_at = sim_->cycle() + cfg_.write_latency;
        bresps_.push_back(b);
        writes_.pop_front();
      }
    }
    // After W: a burst accepted this cycle takes W beats from the next cycle on.
    if (aw) {
      Burst b{*pins_.aw_addr, int(*pins_.aw_len) + 1};
      CheckBurst("AW", b.addr, b.beats);
      CheckAxi("AW", pins_.aw_size, pins_.aw_burst);
      b.id = pins_.aw_id ? *pins_.aw_id : 0;
      writes_.push_back(b);
      ++write_bursts_;
    }
    if (b_offered_ && *pins_.b_ready) {
      b_offered_ = false;
      if (bresps_[b_cur_].err) ++error_responses_;
      bresps_.erase(bresps_.begin() + b_cur_);
    }
  }

  SimController* sim_;
  HookHandle drive_hook_, sample_hook_;  // removed with this object
  MemPins pins_;
  model::DeviceMemory* mem_;
  MemSlaveConfig cfg_;
  Rng rng_;
  std::vector<std::pair<uint64_t, uint64_t>> errors_;
  std::deque<Burst> reads_, writes_, bresps_;
  bool r_offered_ = false, b_offered_ = false;
  bool r_err_ = false;           // the offered R beat is an error
  int r_cur_ = -1, b_cur_ = -1;  // reads_ burst being answered / bresps_ entry offered
  double read_credit_ = 0, write_credit_ = 0;
  Held ar_held_, aw_held_, w_held_;
  uint64_t bytes_read_ = 0, bytes_written_ = 0, read_bursts_ = 0, write_bursts_ = 0;
  uint64_t error_responses_ = 0;
};

}  // namespace luoshu::tb
