// Several Verilated supernode chips in one process (docs/supernode.md, "Multi-chip
// simulation"): N soc_tb models built with link ports, joined in a ring or a torus
// (tb/c2c_topology.h) by lanes of latency L, each chip with its own clock, memory and host
// port. Each chip is a hal::HostBus, so the driver runs on it unchanged.
//
// Conservative synchronization with L as the lookahead: a lane word a chip sends at its cycle
// t is needed by the neighbour at its cycle t + L. Every link direction is a queue of words
// (an inbox at the receiver, filled with L idle words at the start); a chip may run as many
// cycles as its fullest-starved inbox holds, collecting what it sends in an outbox, and then
// its outbox is delivered (Exchange: through a LinkChannel, which injects the faults, into the
// neighbours' inboxes). In lockstep every chip runs a window of L cycles and then exchanges,
// which is the step an MPI version performs with one chip per rank: swap Exchange's queue
// push for a message to the neighbour's rank, everything else stays.
//
// Host register accesses step one chip alone (AXI4-Lite); before one, the other chips are run
// L - 1 cycles ahead of it, which leaves it 2L - 1 cycles of inbox: an access that needs more
// throws. Device memory is written and read through a back door (no clock).
//
// The chip itself (model, memory, lanes, wires) is tb/soc/linked_chip.h, shared with the SPMD
// harness (tb/soc/supernode.h: one host program per chip, in threads or MPI ranks).
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <vector>

#include "tb/soc/linked_chip.h"

namespace luoshu::tb {

using MultiChipOptions = LinkedChipOptions;

template <class Top>
class MultiChip : private ChipScheduler {
 public:
  explicit MultiChip(const MultiChipOptions& o) : opt_(o), topo_(o.topology) {
    for (int c = 0; c < topo_.chips(); ++c)
      chips_.push_back(std::make_unique<LinkedChip<Top>>(o, c, static_cast<ChipScheduler*>(this)));
  }

  int chips() const { return topo_.chips(); }
  const c2c::Topology& topology() const { return topo_; }
  hal::HostBus& bus(int c) { return chips_.at(c)->bus(); }
  model::DeviceMemory& memory(int c) { return chips_.at(c)->memory(); }
  Simulation<Top>& sim(int c) { return chips_.at(c)->sim(); }
  uint64_t lane_cycles(int c) const { return chips_.at(c)->lane_cycles(); }
  // The wire leaving chip c on link port p (its statistics; faults are set from the options).
  c2c::LinkChannel& wire(int c, int p) { return chips_.at(c)->wire(p); }
  bool irq(int c) { return chips_.at(c)->irq(); }

  // Runs every chip in windows of L cycles until done() holds (checked after each window) or
  // `max_cycles` more lane cycles of the slowest chip have passed; returns done().
  bool RunUntil(const std::function<bool()>& done, uint64_t max_cycles) {
    const uint64_t start = MinCycle();
    while (!done()) {
      if (MinCycle() - start >= max_cycles) return false;
      std::vector<uint64_t> target(chips(), MinCycle() + opt_.latency);
      StepTo(target);
    }
    return true;
  }
  // Runs every chip `n` more cycles past the slowest one.
  void Step(uint64_t n) { StepTo(std::vector<uint64_t>(chips(), MinCycle() + n)); }

 private:
  // The exchange: chip c's outgoing words since the last one go through their wires into the
  // neighbours' inboxes.
  void Exchange(int c) {
    LinkedChip<Top>& from = *chips_[c];
    for (int p = 0; p < topo_.Links(); ++p) {
      LinkedChip<Top>& to = *chips_[topo_.Neighbour(c, p)];
      for (const c2c::LaneWord& w : from.TakeSent(p)) to.Deliver(c2c::Topology::Opposite(p), w);
    }
  }
  uint64_t MinCycle() const {
    uint64_t m = UINT64_MAX;
    for (const auto& c : chips_) m = std::min(m, c->lane_cycles());
    return m;
  }
  // Runs chip c towards target[c], each as far as its inboxes allow, exchanging after each run.
  void StepTo(const std::vector<uint64_t>& target) {
    for (;;) {
      bool done = true, progress = false;
      for (int c = 0; c < chips(); ++c) {
        LinkedChip<Top>& ch = *chips_[c];
        if (ch.lane_cycles() >= target[c]) continue;
        done = false;
        const uint64_t n = std::min(target[c] - ch.lane_cycles(), ch.Available());
        if (n == 0) continue;
        ch.sim().Step(n);
        Exchange(c);
        progress = true;
      }
      if (done) return;
      if (!progress) throw std::logic_error("MultiChip: no chip can advance (lookahead deadlock)");
    }
  }

  // ChipScheduler. Before a host access on chip c: the others run L - 1 cycles ahead of it.
  void BeforeAccess(int c) override {
    std::vector<uint64_t> target(chips());
    const uint64_t now = chips_[c]->lane_cycles();
    for (int k = 0; k < chips(); ++k) {
      target[k] = k == c ? now : std::max(chips_[k]->lane_cycles(), now + opt_.latency - 1);
    }
    StepTo(target);
  }
  void AfterAccess(int c) override { Exchange(c); }
  bool WaitIrq(int c, uint64_t max_cycles) override {
    return RunUntil([this, c] { return irq(c); }, max_cycles);
  }

  MultiChipOptions opt_;
  c2c::Topology topo_;
  std::vector<std::unique_ptr<LinkedChip<Top>>> chips_;
};

}  // namespace luoshu::tb
