// The in-process transport of SPMD supernode runs, and what both transports share
// (tb/soc/spmd_transport.h). The MPI transport is spmd_mpi.cc (or spmd_no_mpi.cc).
#include "tb/soc/spmd_transport.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <deque>
#include <mutex>

#include "sw/common/shell.h"

namespace luoshu::tb::spmd {
namespace {

std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "set from a signal handler");

extern "C" void OnInterrupt(int sig) { g_signal.store(sig); }

// How often a waiting rank looks at the interrupt flag.
constexpr auto kPoll = std::chrono::milliseconds(50);

class InProcessTransport : public Transport {
 public:
  InProcessTransport(const c2c::Topology& t, size_t words, int running)
      : topo_(t), words_(words), running_(running), ranks_(t.chips()) {
    if (running < 1) throw std::invalid_argument("in-process supernode run: running must be >= 1");
  }

  int first_rank() const override { return 0; }
  int local_ranks() const override { return topo_.chips(); }

  void Exchange(int rank, const Messages& out, Messages* in) override {
    std::unique_lock<std::mutex> lk(mu_);
    ThrowIfStopping(rank);
    const int links = topo_.Links();
    for (int p = 0; p < links; ++p) {
      if (out[p].size() != words_) throw std::logic_error("in-process transport: bad message");
      const int to = topo_.Neighbour(rank, p);
      ranks_[to].box[c2c::Topology::Opposite(p)].push_back(out[p]);
      ranks_[to].cv.notify_one();
    }
    Rank& me = ranks_[rank];
    auto ready = [&] {
      for (int p = 0; p < links; ++p) {
        if (me.box[p].empty()) return false;
      }
      return true;
    };
    if (!ready()) {
      ReleaseLocked(rank);
      while (!ready()) {
        me.cv.wait_for(lk, kPoll);
        ThrowIfStopping(rank);
      }
      AcquireLocked(rank, &lk);
    }
    in->resize(links);
    for (int p = 0; p < links; ++p) {
      (*in)[p] = std::move(me.box[p].front());
      me.box[p].pop_front();
    }
  }

  void Acquire(int rank) override {
    std::unique_lock<std::mutex> lk(mu_);
    AcquireLocked(rank, &lk);
  }
  void Release(int rank) override {
    std::lock_guard<std::mutex> lk(mu_);
    ReleaseLocked(rank);
  }

  void Fail(int rank, const std::string& message) override {
    std::lock_guard<std::mutex> lk(mu_);
    if (failure_.empty()) failure_ = "rank " + std::to_string(rank) + ": " + message;
    for (Rank& r : ranks_) r.cv.notify_all();
    baton_.notify_all();
  }
  std::string failure() const override {
    std::lock_guard<std::mutex> lk(mu_);
    return failure_;
  }

  std::vector<std::vector<uint64_t>> Gather(
      const std::vector<std::vector<uint64_t>>& local) override {
    return local;
  }

 private:
  struct Rank {
    std::deque<std::vector<uint64_t>> box[c2c::kNumLinkPorts];  // arriving on each port
    std::condition_variable cv;
    bool holds_baton = false;
  };

  // With mu_ held.
  void ThrowIfStopping(int rank) {
    if (!failure_.empty()) throw Stopped();
    if (const int sig = g_signal.load()) {
      failure_ =
          "rank " + std::to_string(rank) + ": interrupted (signal " + std::to_string(sig) + ")";
      for (Rank& r : ranks_) r.cv.notify_all();
      baton_.notify_all();
      throw Stopped();
    }
  }
  void AcquireLocked(int rank, std::unique_lock<std::mutex>* lk) {
    Rank& me = ranks_[rank];
    if (me.holds_baton) return;
    while (simulating_ >= running_) {
      baton_.wait_for(*lk, kPoll);
      ThrowIfStopping(rank);
    }
    ++simulating_;
    me.holds_baton = true;
  }
  void ReleaseLocked(int rank) {
    Rank& me = ranks_[rank];
    if (!me.holds_baton) return;
    me.holds_baton = false;
    --simulating_;
    baton_.notify_one();
  }

  const c2c::Topology topo_;
  const size_t words_;
  const int running_;
  mutable std::mutex mu_;
  std::vector<Rank> ranks_;
  std::condition_variable baton_;
  int simulating_ = 0;
  std::string failure_;
};

}  // namespace

std::unique_ptr<Transport> MakeInProcessTransport(const c2c::Topology& topology, size_t words,
                                                  int running) {
  return std::make_unique<InProcessTransport>(topology, words, running);
}

bool LaunchedByMpirun() {
  return std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr || std::getenv("PMI_SIZE") != nullptr ||
         std::getenv("PMIX_RANK") != nullptr;
}

std::string MpirunPath() {
#ifdef LUOSHU_MPIEXEC
  return LUOSHU_MPIEXEC;
#else
  return "";
#endif
}

std::string MpirunCommand(int np, const std::string& program) {
  // Open MPI refuses root unless both are set (or --allow-run-as-root is given).
  setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1);
  setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1);
  std::string mpirun = MpirunPath();
  if (mpirun.empty()) mpirun = "mpirun";
  std::string cmd = ShellWord(mpirun);
  if (geteuid() == 0) cmd += " --allow-run-as-root";
  return cmd + " --oversubscribe -np " + std::to_string(np) + " " + program;
}

ScopedInterruptHandler::ScopedInterruptHandler() {
  g_signal.store(0);
  old_int_ = std::signal(SIGINT, OnInterrupt);
  old_term_ = std::signal(SIGTERM, OnInterrupt);
}
ScopedInterruptHandler::~ScopedInterruptHandler() {
  std::signal(SIGINT, old_int_);
  std::signal(SIGTERM, old_term_);
}
int InterruptSignal() { return g_signal.load(); }

}  // namespace luoshu::tb::spmd
