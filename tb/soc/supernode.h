// SPMD runs of a supernode (docs/supernode.md, "MPI synchronization"): one host program per
// chip, like an MPI or NCCL program. Every rank (rank == chip id) runs `program` with its own
// Communicator and its own chip's hal::HostBus; in one process each rank is a thread, under MPI
// each rank is a process (this process simulates only its own chip).
//
//   tb::SupernodeOptions o;  o.topology = tb::c2c::Topology::Ring(4);
//   tb::Supernode<Vsoc_chip> node(o);
//   auto results = node.Run([](Communicator& comm, hal::HostBus& bus) { ... comm.Barrier(); });
//
// Every chip advances only by its own clock: its host's register accesses and waits step it.
// Its lane cycles fall into windows of L (the link latency, the lookahead): the words a chip
// sends during window k are what its neighbours receive during window k + 1. At the end of each
// window (in the chip's cycle hook) the rank sends each neighbour its window's words (through
// the wire, which injects the faults) and blocks until every neighbour's words for the next
// window have arrived. Nothing else passes between ranks, so a chip's every input is fixed by
// the program and the seed: cycle counts and memory images do not depend on thread scheduling
// or on MPI vs one process.
//
// Barrier(): the rank keeps running its chip. Each window message also carries, for every
// rank, the boundary (window end) at which it arrived at the current barrier as far as the
// sender knows; knowledge spreads one hop per window, so once a rank knows every arrival it
// leaves at boundary max(arrival) + diameter - 1, the same boundary for every rank (every rank
// knows every arrival by then). No message beyond the window exchange. The end of the program
// is one more barrier of its own kind (a rank that ends while another waits in Barrier() is an
// error), so every chip stops at the same cycle.
//
// A rank's exception stops the run: Run() throws SupernodeError "rank R: message" (in one
// process the other ranks are woken and stopped at their next window boundary; under MPI the
// failing rank prints the message and aborts the job). SIGINT / SIGTERM stop it the same way
// ("interrupted").
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "sw/hal/host_bus.h"
#include "sw/runtime/communicator.h"
#include "tb/soc/linked_chip.h"
#include "tb/soc/spmd_transport.h"

namespace luoshu::tb {

enum class SpmdTransport { kInProcess, kMpi };

struct SupernodeOptions : LinkedChipOptions {
  SpmdTransport transport = SpmdTransport::kInProcess;
  // In one process: how many chips' models may simulate at once (1: a baton; 0: as many as the
  // machine has cores). The results do not depend on it; the speed does, both ways
  // (docs/supernode.md, "Measured").
  int running = 1;
  // Lane cycles a rank waits in Barrier() (or at the end of its program) for the others before
  // the run fails.
  uint64_t barrier_timeout = 50'000'000;
};

// One rank's chip at the end of a run.
struct RankResult {
  int rank = 0;
  uint64_t cycles = 0;                   // the chip's clock (hal::HostBus::Now)
  uint64_t lane_cycles = 0;              // cycles since reset: a multiple of L
  uint64_t memory_hash = 0;              // FNV-1a of the chip's whole memory
  uint64_t windows = 0;                  // window boundaries (exchanges)
  uint64_t barriers = 0;                 // Barrier() calls
  std::vector<c2c::ChannelStats> links;  // the wire leaving each link port
  std::vector<uint64_t> values;          // what the program returned (RunWithValues)

  // Values a program may hand back (gathered with the record: fixed length under MPI).
  static constexpr size_t kMaxValues = 16;

  // Everything but the statistics: what must match between MPI and one process.
  bool SameEnd(const RankResult& o) const {
    return rank == o.rank && cycles == o.cycles && lane_cycles == o.lane_cycles &&
           memory_hash == o.memory_hash && windows == o.windows && barriers == o.barriers;
  }
  uint64_t Faults() const {
    uint64_t n = 0;
    for (const auto& s : links) n += s.Faults();
    return n;
  }
  uint64_t Frames() const {
    uint64_t n = 0;
    for (const auto& s : links) {
      for (uint64_t f : s.frames) n += f;
    }
    return n;
  }
  std::string ToString() const;

  std::vector<uint64_t> Encode() const;
  static RankResult Decode(const std::vector<uint64_t>& v);
};

// A rank failed ("rank R: message") or the run was interrupted.
class SupernodeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

template <class Top>
class Supernode {
 public:
  using Program = std::function<void(Communicator&, hal::HostBus&)>;
  // A program that hands back up to RankResult::kMaxValues words (its rank's RankResult::values,
  // on rank 0 for every rank under MPI): what a tool reports, e.g. a check's mismatch count.
  using ValuedProgram = std::function<std::vector<uint64_t>(Communicator&, hal::HostBus&)>;

  explicit Supernode(const SupernodeOptions& o) : opt_(o) {
    const c2c::Topology& t = o.topology;
    if (t.chips() < 2 || t.chips() > c2c::kMaxChips) {
      throw std::invalid_argument("supernode run: 2.." + std::to_string(c2c::kMaxChips) +
                                  " chips, not " + std::to_string(t.chips()));
    }
  }

  // Runs `program` once per rank (in one process: every rank, each on its own thread; under
  // MPI: this process's rank) and every chip to the common end. Returns the results of every
  // rank in one process; under MPI rank 0 gets every rank's, the others their own.
  std::vector<RankResult> Run(const Program& program) {
    return RunWithValues([&](Communicator& c, hal::HostBus& b) {
      program(c, b);
      return std::vector<uint64_t>{};
    });
  }
  std::vector<RankResult> RunWithValues(const ValuedProgram& program) {
    spmd::ScopedInterruptHandler interrupts;
    std::unique_ptr<spmd::Transport> t =
        opt_.transport == SpmdTransport::kMpi
            ? spmd::MakeMpiTransport(opt_.topology, MessageWords())
            : spmd::MakeInProcessTransport(opt_.topology, MessageWords(), Running());
    std::vector<std::unique_ptr<Rank>> ranks;
    for (int i = 0; i < t->local_ranks(); ++i) {
      ranks.push_back(std::make_unique<Rank>(opt_, t->first_rank() + i, t.get()));
    }
    const auto start = std::chrono::steady_clock::now();
    if (ranks.size() == 1) {
      ranks[0]->Run(program);
    } else {
      std::vector<std::thread> threads;
      for (auto& r : ranks) threads.emplace_back([&r, &program] { r->Run(program); });
      for (auto& th : threads) th.join();
    }
    seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!t->failure().empty()) throw SupernodeError(t->failure());
    std::vector<std::vector<uint64_t>> local;
    for (auto& r : ranks) local.push_back(r->Result().Encode());
    std::vector<RankResult> out;
    for (const auto& v : t->Gather(local)) out.push_back(RankResult::Decode(v));
    return out;
  }

  // Models simulating at once in one process.
  int Running() const {
    if (opt_.running > 0) return opt_.running;
    return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  }

  // Wall time of the last Run's simulation: from the chips built and reset to every rank of
  // this process done (under MPI: this rank; they all end at the same window boundary).
  double seconds() const { return seconds_; }

 private:
  // A window message: epoch, boundary, the arrivals, then (valid, data) per lane word.
  static constexpr size_t kHeader = 2 + c2c::kMaxChips;
  size_t MessageWords() const { return kHeader + 2 * static_cast<size_t>(opt_.latency); }

  class Rank : public Communicator, private ChipScheduler {
   public:
    Rank(const SupernodeOptions& o, int id, spmd::Transport* t)
        : opt_(o), t_(t), chip_(o, id, static_cast<ChipScheduler*>(this)) {
      for (int a = 0; a < size(); ++a) {
        for (int b = 0; b < size(); ++b) diameter_ = std::max(diameter_, topo().Distance(a, b));
      }
      out_.resize(chip_.links());
    }

    int rank() const override { return chip_.id(); }
    int size() const override { return topo().chips(); }
    int dim_x() const override { return topo().dim_x; }
    int dim_y() const override { return topo().dim_y; }
    void Barrier() override {
      Wait(false);
      ++barriers_;
    }

    // The rank's thread (or the MPI process's main): the program, then the end barrier.
    void Run(const ValuedProgram& program) {
      try {
        t_->Acquire(rank());
        values_ = program(*this, chip_.bus());
        if (values_.size() > RankResult::kMaxValues) {
          throw std::invalid_argument("the program returned " + std::to_string(values_.size()) +
                                      " values, at most " + std::to_string(RankResult::kMaxValues) +
                                      " travel");
        }
        Wait(true);
      } catch (const spmd::Stopped&) {
      } catch (const std::exception& e) {
        t_->Fail(rank(), e.what());
      } catch (...) {
        t_->Fail(rank(), "unknown exception");
      }
      t_->Release(rank());
    }

    RankResult Result() {
      RankResult r;
      r.rank = rank();
      r.cycles = chip_.bus().Now();
      r.lane_cycles = chip_.lane_cycles();
      r.memory_hash = chip_.MemoryHash();
      r.windows = boundary_;
      r.barriers = barriers_;
      for (int p = 0; p < chip_.links(); ++p) r.links.push_back(chip_.wire(p).stats());
      r.values = values_;
      return r;
    }

   private:
    static constexpr uint64_t kEnd = uint64_t(1) << 63;  // arrived at the end of its program

    const c2c::Topology& topo() const { return opt_.topology; }
    uint64_t latency() const { return static_cast<uint64_t>(opt_.latency); }

    // Runs the chip, window by window, until every rank has arrived and the common leaving
    // boundary is reached.
    void Wait(bool end) {
      if (waiting_) throw std::logic_error("Barrier() inside Barrier()");
      waiting_ = true;
      ending_ = end;
      while (waiting_) chip_.sim().Step(latency() - chip_.lane_cycles() % latency());
    }

    // ChipScheduler: the host's accesses step this chip alone; the windows do the rest.
    void BeforeAccess(int) override {}
    void AfterAccess(int) override {}
    bool WaitIrq(int, uint64_t max_cycles) override {
      for (uint64_t n = 0;; ++n) {
        if (chip_.irq()) return true;
        if (n >= max_cycles) return false;
        chip_.sim().Step(1);
      }
    }
    void CycleDone(int) override {
      if (chip_.lane_cycles() % latency() == 0) Boundary();
    }

    // The end of a window: send its words and the barrier state, take the next window's.
    void Boundary() {
      ++boundary_;
      if (const int sig = spmd::InterruptSignal()) {
        throw std::runtime_error("interrupted (signal " + std::to_string(sig) + ")");
      }
      const int me = rank();
      if (waiting_ && arrived_[me] == 0) arrived_[me] = boundary_ | (ending_ ? kEnd : 0);
      for (int p = 0; p < chip_.links(); ++p) {
        std::vector<uint64_t>& m = out_[p];
        m.assign(kHeader, 0);
        m[0] = epoch_;
        m[1] = boundary_;
        std::copy(arrived_.begin(), arrived_.end(), m.begin() + 2);
        for (const c2c::LaneWord& w : chip_.TakeSent(p)) {
          m.push_back(w.valid);
          m.push_back(w.data);
        }
        if (m.size() != kHeader + 2 * latency()) {
          throw std::logic_error("a window of " + std::to_string((m.size() - kHeader) / 2) +
                                 " lane words");
        }
      }
      t_->Exchange(me, out_, &in_);
      for (int p = 0; p < chip_.links(); ++p) {
        const std::vector<uint64_t>& m = in_[p];
        if (m[0] != epoch_ || m[1] != boundary_) {
          throw std::logic_error("the neighbour on port " + std::to_string(p) + " is at barrier " +
                                 std::to_string(m[0]) + ", boundary " + std::to_string(m[1]) +
                                 "; this rank at " + std::to_string(epoch_) + ", " +
                                 std::to_string(boundary_));
        }
        for (int r = 0; r < size(); ++r) {
          const uint64_t a = m[2 + r];
          if (a == 0) continue;
          if (arrived_[r] != 0 && arrived_[r] != a) {
            throw std::logic_error("two arrivals of rank " + std::to_string(r) + " at barrier " +
                                   std::to_string(epoch_));
          }
          arrived_[r] = a;
        }
        for (size_t i = kHeader; i < m.size(); i += 2) chip_.Deliver(p, {m[i] != 0, m[i + 1]});
      }
      if (waiting_) CheckBarrier();
    }

    void CheckBarrier() {
      const int me = rank();
      uint64_t last = 0;
      std::string missing;
      for (int r = 0; r < size(); ++r) {
        if (arrived_[r] == 0) {
          missing += (missing.empty() ? "" : ", ") + std::to_string(r);
          continue;
        }
        if ((arrived_[r] & kEnd) != (arrived_[me] & kEnd)) {
          const int ended = arrived_[r] & kEnd ? r : me, waits = ended == r ? me : r;
          throw std::runtime_error("rank " + std::to_string(ended) +
                                   " ended its program while rank " + std::to_string(waits) +
                                   " waits in Barrier() #" + std::to_string(epoch_ + 1) +
                                   " (every rank must call Barrier() as often)");
        }
        last = std::max(last, arrived_[r] & ~kEnd);
      }
      const uint64_t waited = (boundary_ - (arrived_[me] & ~kEnd)) * latency();
      if (!missing.empty()) {
        if (waited > opt_.barrier_timeout) {
          throw std::runtime_error(
              std::string(ending_ ? "at the end of its program" : "Barrier()") + " #" +
              std::to_string(epoch_ + 1) + ": waited " + std::to_string(waited) +
              " lane cycles for rank(s) " + missing);
        }
        return;
      }
      const uint64_t leave = last + static_cast<uint64_t>(diameter_) - 1;
      if (boundary_ < leave) return;
      if (boundary_ > leave) throw std::logic_error("supernode barrier: left too late");
      waiting_ = false;
      ++epoch_;
      arrived_.fill(0);
    }

    const SupernodeOptions& opt_;
    spmd::Transport* t_;
    LinkedChip<Top> chip_;
    int diameter_ = 1;
    uint64_t boundary_ = 0;  // window boundaries passed
    uint64_t epoch_ = 0;     // barriers completed (the end included)
    uint64_t barriers_ = 0;
    bool waiting_ = false, ending_ = false;
    std::vector<uint64_t> values_;
    std::array<uint64_t, c2c::kMaxChips> arrived_{};  // at barrier epoch_: boundary | kEnd
    spmd::Messages out_, in_;
  };

  SupernodeOptions opt_;
  double seconds_ = 0;
};

inline std::vector<uint64_t> RankResult::Encode() const {
  std::vector<uint64_t> v{uint64_t(rank), cycles,   lane_cycles,           memory_hash,
                          windows,        barriers, uint64_t(links.size())};
  for (const auto& s : links) {
    for (int k = 0; k < c2c::kNumKinds; ++k) v.push_back(s.frames[k]);
    for (int k = 0; k < c2c::kNumKinds; ++k) v.push_back(s.corrupted[k]);
    for (int k = 0; k < c2c::kNumKinds; ++k) v.push_back(s.dropped[k]);
    for (uint64_t x : {s.words, s.word_drop_runs, s.words_dropped, s.longest_busy}) v.push_back(x);
  }
  // Fixed length (four ports, then the values), so that MPI can gather records of one size.
  v.resize(7 + c2c::kNumLinkPorts * (3 * c2c::kNumKinds + 4), 0);
  v.push_back(values.size());
  v.insert(v.end(), values.begin(), values.end());
  v.resize(v.size() + kMaxValues - values.size(), 0);
  return v;
}

inline RankResult RankResult::Decode(const std::vector<uint64_t>& v) {
  RankResult r;
  size_t i = 0;
  r.rank = static_cast<int>(v.at(i++));
  r.cycles = v.at(i++);
  r.lane_cycles = v.at(i++);
  r.memory_hash = v.at(i++);
  r.windows = v.at(i++);
  r.barriers = v.at(i++);
  const size_t n = v.at(i++);
  for (size_t p = 0; p < n; ++p) {
    c2c::ChannelStats s;
    for (int k = 0; k < c2c::kNumKinds; ++k) s.frames[k] = v.at(i++);
    for (int k = 0; k < c2c::kNumKinds; ++k) s.corrupted[k] = v.at(i++);
    for (int k = 0; k < c2c::kNumKinds; ++k) s.dropped[k] = v.at(i++);
    for (uint64_t* x : {&s.words, &s.word_drop_runs, &s.words_dropped, &s.longest_busy}) {
      *x = v.at(i++);
    }
    r.links.push_back(s);
  }
  i = 7 + c2c::kNumLinkPorts * (3 * c2c::kNumKinds + 4);
  const size_t nv = v.at(i++);
  r.values.assign(v.begin() + i, v.begin() + i + nv);
  return r;
}

inline std::string RankResult::ToString() const {
  char hash[17];
  std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(memory_hash));
  return "rank " + std::to_string(rank) + ": cycle " + std::to_string(cycles) + ", " +
         std::to_string(windows) + " windows, " + std::to_string(barriers) + " barriers, memory " +
         hash + ", " + std::to_string(Frames()) + " frames sent, " + std::to_string(Faults()) +
         " faults injected";
}

}  // namespace luoshu::tb
