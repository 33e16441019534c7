// Interrupt monitor: watches one level-sensitive interrupt line every cycle and keeps what a
// test wants to assert about it: the rising edges and their cycles, how long it has been high,
// and whether it is high now. Edges() is the count of distinct interrupts the host would see.
#pragma once

#include <cstdint>
#include <vector>

#include "sw/hal/state.h"
#include "tb/sim.h"

namespace luoshu::tb {

class IrqMonitor {
 public:
  IrqMonitor(SimController* sim, const uint8_t* line) : sim_(sim), line_(line) {
    sample_hook_ = sim->OnSample([this] { Sample(); });
  }

  bool high() const { return *line_ != 0; }
  uint64_t edges() const { return rises_.size(); }
  const std::vector<uint64_t>& rise_cycles() const { return rises_; }
  uint64_t high_cycles() const { return high_cycles_; }
  void Reset() {
    rises_.clear();
    high_cycles_ = 0;
  }
  // Checkpoints: what it has seen so far.
  void Save(hal::StateWriter* w) const {
    w->U8(last_);
    w->U64(high_cycles_);
    w->U64(rises_.size());
    for (uint64_t c : rises_) w->U64(c);
  }
  void Restore(hal::StateReader* r) {
    last_ = r->U8() != 0;
    high_cycles_ = r->U64();
    rises_.resize(r->Count(8));
    for (uint64_t& c : rises_) c = r->U64();
  }

 private:
  void Sample() {
    if (sim_->in_reset()) {
      last_ = false;
      return;
    }
    const bool now = *line_ != 0;
    if (now && !last_) rises_.push_back(sim_->cycle());
    if (now) ++high_cycles_;
    last_ = now;
  }

  SimController* sim_;
  HookHandle drive_hook_, sample_hook_;  // removed with this object
  const uint8_t* line_;
  bool last_ = false;
  std::vector<uint64_t> rises_;
  uint64_t high_cycles_ = 0;
};

}  // namespace luoshu::tb
