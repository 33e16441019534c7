// A supernode on the functional model, for the collectives' tests (docs/supernode.md):
// - ExecutePlans: every rank's plan on model::CoreModels (one per chip and core) over one
//   model::DeviceMemory with a region per chip, step by step, the ranks of a step in a seeded
//   random order (a plan whose ranks race within a step gives a different image);
// - ModelSupernode: the SPMD runtime path, one thread per rank, each with its own Device over
//   a model::SocModel whose cores run on the shared image, and a Communicator whose Barrier
//   is a thread barrier (an exception in one rank releases the others).
// Header-only; tests only.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "sw/hal/types.h"
#include "sw/isa/vector.h"
#include "sw/model/core_model.h"
#include "sw/model/memory.h"
#include "sw/model/soc_model.h"
#include "sw/ops/collectives.h"
#include "sw/runtime/communicator.h"
#include "sw/runtime/device.h"
#include "tb/random.h"

namespace luoshu::collective_test {

// Every chip's memory in one image: chip c at ChipBase(c), `bytes` each.
inline std::unique_ptr<model::DeviceMemory> SupernodeMemory(int chips, uint64_t bytes) {
  auto m = std::make_unique<model::DeviceMemory>(ChipBase(0), bytes);
  for (int c = 1; c < chips; ++c) m->AddRegion(ChipBase(c), bytes);
  return m;
}

// Runs plans[r] for every rank r on CoreModels over `mem` (every chip's region at least
// `chip_bytes`; each core's ring at the top of its chip's region). Returns "" or what failed.
inline std::string ExecutePlans(const std::vector<ops::CollectivePlan>& plans,
                                model::DeviceMemory* mem, uint64_t chip_bytes, int cores,
                                uint64_t seed) {
  constexpr uint32_t kRingSlots = 256;
  const int n = static_cast<int>(plans.size());
  std::vector<std::vector<std::unique_ptr<model::CoreModel>>> core(n);
  for (int r = 0; r < n; ++r) {
    if (plans[r].steps.size() != plans[0].steps.size()) {
      return "rank " + std::to_string(r) + " has " + std::to_string(plans[r].steps.size()) +
             " steps, rank 0 " + std::to_string(plans[0].steps.size());
    }
    for (int c = 0; c < cores; ++c) {
      model::CoreConfig cfg;
      core[r].push_back(std::make_unique<model::CoreModel>(cfg, mem));
      const uint64_t ring = ChipBase(r) + chip_bytes - uint64_t{kRingSlots} * 32 * (c + 1);
      core[r].back()->SetRing(static_cast<uint32_t>(ring), kRingSlots);
    }
  }
  tb::Rng rng(seed);
  std::vector<int> order(n);
  for (int r = 0; r < n; ++r) order[r] = r;
  for (size_t s = 0; s < plans[0].steps.size(); ++s) {
    std::shuffle(order.begin(), order.end(), rng.engine());
    for (int r : order) {
      for (const ops::CoreWork& w : plans[r].steps[s].work) {
        if (w.core < 0 || w.core >= cores) return "core " + std::to_string(w.core) + " planned";
        model::CoreModel& m = *core[r][w.core];
        std::vector<hal::Window> win;
        for (const Access& a : w.accesses) win.push_back({a.addr, a.bytes, a.write});
        win.push_back({m.ring_base(), uint64_t{kRingSlots} * 32, false});
        m.SetWindows(win);
        m.Submit(w.commands);
        m.Run();
        if (m.fault().code != isa::Fault::kNone) {
          return "rank " + std::to_string(r) + " core " + std::to_string(w.core) + " step " +
                 std::to_string(s) + ": " + m.fault().message;
        }
      }
    }
  }
  return "";
}

// A byte range one command reads or writes on some chip.
struct Touch {
  uint64_t begin, end;
  int rank, core;  // whose command
};

// Checks the synchronization argument of sw/ops/collectives.h on the plans themselves: every
// command reads or writes only its own rank's chip and one neighbour's, and within a step no
// rank, nor another core of the same rank, reads or writes bytes that one writes (a core's own
// commands run in order). Returns "" or the first violation.
inline std::string CheckPlanRaces(const std::vector<ops::CollectivePlan>& plans) {
  for (size_t s = 0; s < plans[0].steps.size(); ++s) {
    std::vector<Touch> reads, writes;
    for (const auto& p : plans) {
      for (const auto& w : p.steps[s].work) {
        for (const auto& d : w.commands) {
          const isa::VectorCommand v = isa::VectorCommandOf(d);
          const uint64_t src_chip = v.src[v.num_srcs - 1].addr >> 29, dst_chip = v.dst.addr >> 29;
          const uint64_t own = static_cast<uint64_t>(p.rank);
          if (src_chip != own && dst_chip != own) {
            return "rank " + std::to_string(p.rank) + " moves chip " + std::to_string(src_chip) +
                   " to chip " + std::to_string(dst_chip) + " in step " + std::to_string(s);
          }
          for (uint32_t row = 0; row < v.rows; ++row) {
            const uint64_t dst = v.dst.RowAddr(row);
            writes.push_back({dst, dst + v.DstRowBytes(), p.rank, w.core});
            for (int i = 0; i < v.num_srcs; ++i) {
              const uint64_t a = v.src[i].RowAddr(row);
              reads.push_back({a, a + v.SrcRowBytes(), p.rank, w.core});
            }
          }
        }
      }
    }
    for (const Touch& w : writes) {
      for (const auto* list : {&reads, &writes}) {
        for (const Touch& r : *list) {
          if ((r.rank != w.rank || r.core != w.core) && r.begin < w.end && w.begin < r.end) {
            return "step " + std::to_string(s) + ": rank " + std::to_string(r.rank) + " core " +
                   std::to_string(r.core) + (list == &reads ? " reads" : " writes") +
                   " what rank " + std::to_string(w.rank) + " core " + std::to_string(w.core) +
                   " writes";
          }
        }
      }
    }
  }
  return "";
}

// A barrier of `n` threads that any of them can break (then every wait throws).
class ThreadBarrier {
 public:
  explicit ThreadBarrier(int n) : n_(n) {}
  void Wait() {
    std::unique_lock<std::mutex> l(mu_);
    if (broken_) throw std::runtime_error("another rank failed");
    const uint64_t gen = gen_;
    if (++arrived_ == n_) {
      arrived_ = 0, ++gen_;
      cv_.notify_all();
      return;
    }
    cv_.wait(l, [&] { return gen_ != gen || broken_; });
    if (gen_ == gen) throw std::runtime_error("another rank failed");
  }
  void Break() {
    std::lock_guard<std::mutex> l(mu_);
    broken_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int n_, arrived_ = 0;
  uint64_t gen_ = 0;
  bool broken_ = false;
};

class ThreadCommunicator : public Communicator {
 public:
  ThreadCommunicator(int rank, const ops::CollectiveTopology& t, ThreadBarrier* b)
      : rank_(rank), t_(t), barrier_(b) {}
  int rank() const override { return rank_; }
  int size() const override { return t_.size; }
  int dim_x() const override { return t_.dim_x; }
  int dim_y() const override { return t_.dim_y; }
  void Barrier() override { barrier_->Wait(); }

 private:
  int rank_;
  ops::CollectiveTopology t_;
  ThreadBarrier* barrier_;
};

// The SPMD path on the model: `program` once per rank, each in its own thread with its own
// Device over SoC configuration `soc` (memory at ChipBase(rank), `chip_bytes`). Rethrows the
// first rank's exception ("rank r: ...").
class ModelSupernode {
 public:
  ModelSupernode(const ops::CollectiveTopology& t, const std::string& soc = "default",
                 uint64_t chip_bytes = 8 << 20)
      : t_(t), memory_(SupernodeMemory(t.size, chip_bytes)) {
    for (int r = 0; r < t.size; ++r) {
      hal::SocConfig cfg = hal::FindSocConfig(soc);
      cfg.mem_base = ChipBase(r);
      cfg.mem_size = chip_bytes;
      configs_.push_back(cfg);
    }
  }
  model::DeviceMemory& memory() { return *memory_; }

  void Run(const std::function<void(Communicator&, Device&)>& program) {
    ThreadBarrier barrier(t_.size);
    std::vector<std::exception_ptr> errors(t_.size);
    std::vector<bool> released(t_.size, false);
    std::vector<std::thread> threads;
    for (int r = 0; r < t_.size; ++r) {
      threads.emplace_back([&, r] {
        try {
          ThreadCommunicator comm(r, t_, &barrier);
          Device dev(std::make_unique<model::SocModel>(configs_[r], memory_.get()));
          program(comm, dev);
        } catch (const std::exception& e) {
          errors[r] = std::current_exception();
          released[r] = std::string(e.what()) == "another rank failed";
          barrier.Break();
        }
      });
    }
    for (auto& th : threads) th.join();
    for (int r = 0; r < t_.size; ++r) {
      if (errors[r] && !released[r]) std::rethrow_exception(errors[r]);
    }
  }

 private:
  ops::CollectiveTopology t_;
  std::unique_ptr<model::DeviceMemory> memory_;
  std::vector<hal::SocConfig> configs_;
};

}  // namespace luoshu::collective_test
