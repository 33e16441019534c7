// PacketChecker: a per-flow scoreboard for NoC packets (payload, source, order, head/tail
// framing, no loss, no duplication, packets contiguous at each ejection port).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "tb/errors.h"
#include "tb/noc_flits.h"

namespace luoshu::tb::noc {

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

}  // namespace luoshu::tb::noc
