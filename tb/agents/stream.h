// Generic valid/ready stream agents, hooked on a SimController. Ports are reached through
// small lambdas, so one agent serves any port of any design.
//
// StreamSource: presents queued items; with the stall injector it inserts idle cycles
//   between items, but once valid is high it stays high with a stable payload until taken.
// StreamSink: collects items; with the stall injector it drops ready at random.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <utility>

#include "tb/random.h"
#include "tb/sim.h"

namespace luoshu::tb {

template <class T>
class StreamSource {
 public:
  struct Ports {
    std::function<void(bool)> set_valid;
    std::function<void(const T&)> set_payload;
    std::function<bool()> ready;
  };

  StreamSource(SimController* sim, Ports ports, StallInjector stall)
      : sim_(sim), ports_(std::move(ports)), stall_(stall) {
    drive_hook_ = sim->OnDrive([this] { Drive(); });
    sample_hook_ = sim->OnSample([this] { Sample(); });
  }

  void Push(T item) { queue_.push_back(std::move(item)); }
  bool Idle() const { return queue_.empty() && !presenting_; }
  uint64_t sent() const { return sent_; }

 private:
  void Drive() {
    if (sim_->in_reset()) {
      ports_.set_valid(false);
      return;
    }
    if (!presenting_ && !queue_.empty() && !stall_.Stall()) {
      presenting_ = true;
      ports_.set_payload(queue_.front());
    }
    ports_.set_valid(presenting_);
  }
  void Sample() {
    if (presenting_ && !sim_->in_reset() && ports_.ready()) {
      queue_.pop_front();
      presenting_ = false;
      ++sent_;
    }
  }

  SimController* sim_;
  HookHandle drive_hook_, sample_hook_;  // removed with this object
  Ports ports_;
  StallInjector stall_;
  std::deque<T> queue_;
  bool presenting_ = false;
  uint64_t sent_ = 0;
};

template <class T>
class StreamSink {
 public:
  struct Ports {
    std::function<void(bool)> set_ready;
    std::function<bool()> valid;
    std::function<T()> payload;
  };

  StreamSink(SimController* sim, Ports ports, StallInjector stall)
      : sim_(sim), ports_(std::move(ports)), stall_(stall) {
    drive_hook_ = sim->OnDrive([this] { Drive(); });
    sample_hook_ = sim->OnSample([this] { Sample(); });
  }

  std::deque<T>& received() { return received_; }
  const std::deque<T>& received() const { return received_; }
  // Cycle of the first and last transfer (for utilization figures).
  uint64_t first_cycle() const { return first_; }
  uint64_t last_cycle() const { return last_; }
  void SetStall(StallInjector stall) { stall_ = stall; }

 private:
  void Drive() {
    ready_ = !sim_->in_reset() && !stall_.Stall();
    ports_.set_ready(ready_);
  }
  void Sample() {
    if (ready_ && ports_.valid()) {
      received_.push_back(ports_.payload());
      if (received_.size() == 1) first_ = sim_->cycle();
      last_ = sim_->cycle();
    }
  }

  SimController* sim_;
  HookHandle drive_hook_, sample_hook_;  // removed with this object
  Ports ports_;
  StallInjector stall_;
  std::deque<T> received_;
  bool ready_ = false;
  uint64_t first_ = 0;
  uint64_t last_ = 0;
};

}  // namespace luoshu::tb
