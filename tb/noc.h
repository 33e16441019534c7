// NoC verification pieces shared by the mesh tests and the NoC benchmark:
//   - flit encoding for 32-bit flits (noc_pkg: [31] tail, [30] head, [29:0] payload; a head
//     payload starts with route_t {src, dst}, each coord_t {y[2:0], x[2:0]}),
//   - PacketChecker: a per-flow scoreboard (payload, source, order, head/tail framing, no loss,
//     no duplication, packets contiguous at each ejection port),
//   - MeshDriver: per-node inject queues and eject sinks with stall injection, hooked on a
//     SimController, for any Verilated noc_mesh with FlitW = 32.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "tb/errors.h"
#include "tb/random.h"
#include "tb/sim.h"

namespace luoshu::tb::noc {

constexpr unsigned kFlitW = 32;
constexpr uint32_t kTail = 1u << 31;
constexpr uint32_t kHead = 1u << 30;
constexpr uint32_t kPayloadMask = (1u << 30) - 1;
constexpr unsigned kSeqBits = 18;  // head payload [29:12]

inline uint32_t Coord(int node, int x_dim) {
  return static_cast<uint32_t>((node / x_dim) << 3 | (node % x_dim));
}
inline int NodeOf(uint32_t coord, int x_dim) {
  return static_cast<int>((coord >> 3) & 7) * x_dim + static_cast<int>(coord & 7);
}
// Head flit: route {src, dst} in [11:0], a per-source sequence number in [29:12].
inline uint32_t HeadFlit(int src, int dst, int x_dim, uint32_t seq, bool tail) {
  return kHead | (tail ? kTail : 0) | ((seq & ((1u << kSeqBits) - 1)) << 12) |
         Coord(src, x_dim) << 6 | Coord(dst, x_dim);
}
inline uint32_t BodyFlit(uint32_t payload, bool tail) {
  return (tail ? kTail : 0) | (payload & kPayloadMask);
}
inline int SrcOf(uint32_t head, int x_dim) { return NodeOf((head >> 6) & 63, x_dim); }
inline int DstOf(uint32_t head, int x_dim) { return NodeOf(head & 63, x_dim); }
inline bool IsHead(uint32_t f) { return (f & kHead) != 0; }
inline bool IsTail(uint32_t f) { return (f & kTail) != 0; }

// A packet of `len` flits from src to dst; body payloads are random.
inline std::vector<uint32_t> MakePacket(int src, int dst, int x_dim, uint32_t seq, int len,
                                        Rng* rng) {
  std::vector<uint32_t> p;
  p.reserve(len);
  p.push_back(HeadFlit(src, dst, x_dim, seq, len == 1));
  for (int i = 1; i < len; ++i) {
    p.push_back(BodyFlit(static_cast<uint32_t>(rng->Bits64()), i == len - 1));
  }
  return p;
}

// Word `i` of a flat port (node i's 32-bit flit), for integer and VlWide ports alike.
template <class Port>
inline uint32_t GetWord(const Port& port, unsigned i) {
  if constexpr (std::is_integral_v<Port>) {
    return static_cast<uint32_t>(static_cast<uint64_t>(port) >> (32 * i));
  } else {
    return port[i];
  }
}
template <class Port>
inline void SetWord(Port& port, unsigned i, uint32_t v) {
  if constexpr (std::is_integral_v<Port>) {
    static_assert(sizeof(Port) == 8, "a 32-bit flit port of one node is a VlWide or QData");
    const uint64_t m = uint64_t(0xffffffffu) << (32 * i);
    port = static_cast<Port>((static_cast<uint64_t>(port) & ~m) | (uint64_t(v) << (32 * i)));
  } else {
    port[i] = v;
  }
}
template <class Port>
inline bool GetBit(const Port& port, unsigned i) {
  return (static_cast<uint64_t>(port) >> i) & 1u;
}

// Scoreboard for packets: every flit checked, flows (src, dst) kept in order.
class PacketChecker {
 public:
  PacketChecker(int x_dim, int nodes) : x_(x_dim), nodes_(nodes), cur_(nodes) {}

  void Expect(int src, int dst, std::vector<uint32_t> flits) {
    flows_[{src, dst}].push_back(std::move(flits));
    ++expected_packets_;
  }

  // A flit left the network at node `dst`.
  void Observe(int dst, uint32_t flit, uint64_t cycle) {
    ++flits_;
    Current& c = cur_[dst];
    if (IsHead(flit)) {
      if (c.packet) {
        Error(dst, cycle, flit,
              "head flit before the tail of the packet in progress "
              "(packets interleaved or tail lost)");
        c = Current();
      }
      const int src = SrcOf(flit, x_);
      auto it = flows_.find({src, dst});
      if (src >= nodes_ || it == flows_.end() || it->second.empty()) {
        Error(dst, cycle, flit,
              "packet from node " + std::to_string(src) +
                  " that was not sent (or duplicated, or misrouted)");
        return;
      }
      c.packet = &it->second.front();
      c.src = src;
      c.index = 0;
    } else if (!c.packet) {
      Error(dst, cycle, flit, "body/tail flit without a head (framing broken or duplicate)");
      return;
    }
    const std::vector<uint32_t>& p = *c.packet;
    if (flit != p[c.index]) {
      std::ostringstream s;
      s << "flit " << c.index << " of a packet from node " << c.src << ": expected 0x" << std::hex
        << p[c.index];
      Error(dst, cycle, flit, s.str());
    }
    if (++c.index == p.size()) {
      flows_[{c.src, dst}].pop_front();
      ++delivered_packets_;
      c = Current();
    }
  }

  bool Done() const { return delivered_packets_ == expected_packets_; }
  uint64_t expected_packets() const { return expected_packets_; }
  uint64_t delivered_packets() const { return delivered_packets_; }
  uint64_t flits() const { return flits_; }
  const std::vector<std::string>& errors() const { return errors_; }
  std::string FirstErrors(size_t n = 5) const {
    std::string s;
    for (size_t i = 0; i < errors_.size() && i < n; ++i) s += errors_[i] + "\n";
    return s;
  }
  // Flows with packets still outstanding, for a failure message.
  std::string Outstanding() const {
    std::ostringstream s;
    for (const auto& [k, q] : flows_) {
      if (!q.empty()) s << k.first << "->" << k.second << ": " << q.size() << " packets; ";
    }
    return s.str();
  }

 private:
  struct Current {
    const std::vector<uint32_t>* packet = nullptr;
    int src = 0;
    size_t index = 0;
  };
  void Error(int dst, uint64_t cycle, uint32_t flit, const std::string& what) {
    std::ostringstream s;
    s << "node " << dst << ", cycle " << cycle << ", flit 0x" << std::hex << flit << std::dec
      << ": " << what;
    if (errors_.size() < 100) errors_.push_back(s.str());
  }

  int x_;
  int nodes_;
  std::map<std::pair<int, int>, std::deque<std::vector<uint32_t>>> flows_;
  std::vector<Current> cur_;
  std::vector<std::string> errors_;
  uint64_t expected_packets_ = 0;
  uint64_t delivered_packets_ = 0;
  uint64_t flits_ = 0;
};

// Drives the local ports of a Verilated noc_mesh (FlitW = 32): one inject queue per node
// (valid stays high with a stable flit until taken; with source stalls, idle cycles between
// flits, also inside packets) and one eject sink per node (ready dropped at random).
// Per-node state is kept in bit masks (at most 64 nodes), so a cycle costs little next to
// the model even on a loaded mesh (the NoC benchmark measures the simulation rate with it).
template <class Model>
class MeshDriver {
 public:
  using FlitHook = std::function<void(int node, uint32_t flit, uint64_t cycle)>;

  MeshDriver(Simulation<Model>* sim, int x_dim, int y_dim, Rng* rng, double src_stall,
             double sink_stall)
      : sim_(sim),
        n_(x_dim * y_dim),
        rng_(rng),
        src_stall_(src_stall),
        sink_stall_(sink_stall),
        q_(n_) {
    if (n_ < 1 || n_ > 64) {
      throw ConfigError("MeshDriver drives 1..64 nodes, got " + std::to_string(n_));
    }
    sim->OnDrive([this] { Drive(); });
    sim->OnSample([this] { Sample(); });
  }

  void Send(int src, const std::vector<uint32_t>& flits) {
    for (uint32_t f : flits) q_[src].push_back(f);
  }
  // One flit (a single-flit packet needs no vector).
  void Send(int src, uint32_t flit) { q_[src].push_back(flit); }
  void SetSinkStall(double p) { sink_stall_ = p; }
  void SetSourceStall(double p) { src_stall_ = p; }
  // Called for every flit accepted by the network / delivered by it.
  void OnInject(FlitHook h) { on_inject_ = std::move(h); }
  void OnEject(FlitHook h) { on_eject_ = std::move(h); }

  bool SourcesIdle() const {
    for (int n = 0; n < n_; ++n) {
      if (!q_[n].empty()) return false;
    }
    return true;
  }
  size_t queued(int node) const { return q_[node].size(); }
  uint64_t injected() const { return injected_; }
  uint64_t ejected() const { return ejected_; }

 private:
  static uint64_t Bit(int n) { return uint64_t(1) << n; }
  template <class Port>
  static uint64_t Mask(const Port& port) {
    static_assert(std::is_integral_v<Port>, "a per-node valid/ready port of <= 64 nodes");
    return static_cast<uint64_t>(port);
  }

  void Drive() {
    auto& d = sim_->dut();
    uint64_t ready = 0;
    if (!sim_->in_reset()) {
      // Random draws in node order, source before sink, only where a stall is possible.
      for (int n = 0; n < n_; ++n) {
        if (!(presenting_ & Bit(n)) && !q_[n].empty() && !Chance(src_stall_)) {
          presenting_ |= Bit(n);
          SetWord(d.inject_flit_i, n, q_[n].front());
        }
        if (!Chance(sink_stall_)) ready |= Bit(n);
      }
      d.inject_valid_i =
          static_cast<std::remove_reference_t<decltype(d.inject_valid_i)>>(presenting_);
    } else {
      d.inject_valid_i = 0;
    }
    ready_ = ready;
    d.eject_ready_i = static_cast<std::remove_reference_t<decltype(d.eject_ready_i)>>(ready);
  }
  void Sample() {
    auto& d = sim_->dut();
    if (sim_->in_reset()) return;
    const uint64_t cyc = sim_->cycle();
    const uint64_t taken = presenting_ & Mask(d.inject_ready_o);
    const uint64_t out = ready_ & Mask(d.eject_valid_o);
    // Node order, injection before ejection at a node (as the hooks have always seen them).
    for (uint64_t m = taken | out; m != 0; m &= m - 1) {
      const int n = __builtin_ctzll(m);
      if (taken & Bit(n)) {
        if (on_inject_) on_inject_(n, q_[n].front(), cyc);
        q_[n].pop_front();
        ++injected_;
      }
      if (out & Bit(n)) {
        ++ejected_;
        if (on_eject_) on_eject_(n, GetWord(d.eject_flit_o, n), cyc);
      }
    }
    presenting_ &= ~taken;
  }
  bool Chance(double p) { return p > 0 && rng_->Chance(p); }

  Simulation<Model>* sim_;
  int n_;
  Rng* rng_;
  double src_stall_;
  double sink_stall_;
  std::vector<std::deque<uint32_t>> q_;
  uint64_t presenting_ = 0;  // node n offers q_[n].front()
  uint64_t ready_ = 0;       // node n's sink takes a flit this cycle
  FlitHook on_inject_;
  FlitHook on_eject_;
  uint64_t injected_ = 0;
  uint64_t ejected_ = 0;
};

}  // namespace luoshu::tb::noc
