// MeshDriver: per-node inject queues and eject sinks with stall injection, hooked on a
// SimController, for any Verilated noc_mesh with FlitW = 32.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "tb/errors.h"
#include "tb/noc_flits.h"
#include "tb/random.h"
#include "tb/sim.h"

namespace luoshu::tb::noc {

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
    drive_hook_ = sim->OnDrive([this] { Drive(); });
    sample_hook_ = sim->OnSample([this] { Sample(); });
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
  HookHandle drive_hook_, sample_hook_;  // removed with this object
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
