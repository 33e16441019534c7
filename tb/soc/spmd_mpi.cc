// The MPI transport of SPMD supernode runs (tb/soc/spmd_transport.h): this process is one rank
// of an Open MPI job, rank r simulates chip r. Per window each rank posts a receive from and a
// send to the neighbour of every link port (nonblocking, tag = the sending port) and polls them
// to completion, watching for an interrupt: yielding the core for the first 20 us, then
// sleeping 50 us between polls. A failing rank prints "rank R: message" and aborts the job
// (MPI_Abort), so no rank is left waiting for it. Built only where CMake found MPI (else
// spmd_no_mpi.cc).
#include <mpi.h>
#include <sched.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "tb/soc/spmd_transport.h"

namespace luoshu::tb::spmd {
namespace {

// A waiting rank polls and yields the core for kSpin, then sleeps kSleep between polls. The
// neighbours of a rank on idle cores answer within the spin; on a busy machine (or with more
// ranks than cores) a rank that keeps its core delays the one it waits for, and much shorter
// sleeps cost more in wake-ups than they save (measured: docs/supernode.md).
constexpr auto kSpin = std::chrono::microseconds(20);
constexpr auto kSleep = std::chrono::microseconds(50);

void FinalizeAtExit() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

void EnsureInit() {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (initialized) return;
  MPI_Init(nullptr, nullptr);
  std::atexit(FinalizeAtExit);
}

class MpiTransport : public Transport {
 public:
  MpiTransport(const c2c::Topology& t, size_t words) : topo_(t), words_(words) {
    EnsureInit();
    MPI_Comm_dup(MPI_COMM_WORLD, &comm_);  // our messages never meet the program's own
    MPI_Comm_rank(comm_, &rank_);
    int size = 0;
    MPI_Comm_size(comm_, &size);
    if (size != t.chips()) {
      MPI_Comm_free(&comm_);
      throw std::runtime_error("supernode run under MPI: a " + t.Name() + " needs " +
                               std::to_string(t.chips()) + " ranks, the job has " +
                               std::to_string(size) + " (mpirun -np " + std::to_string(t.chips()) +
                               ")");
    }
  }
  ~MpiTransport() override {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized) MPI_Comm_free(&comm_);
  }

  int first_rank() const override { return rank_; }
  int local_ranks() const override { return 1; }

  void Exchange(int rank, const Messages& out, Messages* in) override {
    const int links = topo_.Links();
    in->resize(links);
    MPI_Request req[2 * c2c::kNumLinkPorts];
    for (int p = 0; p < links; ++p) {
      (*in)[p].resize(words_);
      MPI_Irecv((*in)[p].data(), static_cast<int>(words_), MPI_UINT64_T, topo_.Neighbour(rank, p),
                c2c::Topology::Opposite(p), comm_, &req[p]);
    }
    for (int p = 0; p < links; ++p) {
      MPI_Isend(out[p].data(), static_cast<int>(words_), MPI_UINT64_T, topo_.Neighbour(rank, p), p,
                comm_, &req[links + p]);
    }
    const auto start = std::chrono::steady_clock::now();
    for (;;) {
      int done = 0;
      MPI_Testall(2 * links, req, &done, MPI_STATUSES_IGNORE);
      if (done) return;
      if (const int sig = InterruptSignal()) {
        Fail(rank, "interrupted (signal " + std::to_string(sig) + ")");
      }
      if (std::chrono::steady_clock::now() - start < kSpin) {
        sched_yield();
      } else {
        std::this_thread::sleep_for(kSleep);
      }
    }
  }

  void Fail(int rank, const std::string& message) override {
    std::fprintf(stderr, "rank %d: %s\n", rank, message.c_str());
    std::fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, 3);
    std::_Exit(3);  // not reached
  }

  std::vector<std::vector<uint64_t>> Gather(
      const std::vector<std::vector<uint64_t>>& local) override {
    const std::vector<uint64_t>& mine = local.at(0);
    const int n = static_cast<int>(mine.size());
    const int size = topo_.chips();
    std::vector<uint64_t> all(rank_ == 0 ? static_cast<size_t>(n) * size : 0);
    MPI_Gather(mine.data(), n, MPI_UINT64_T, all.data(), n, MPI_UINT64_T, 0, comm_);
    if (rank_ != 0) return local;
    std::vector<std::vector<uint64_t>> out(size);
    for (int r = 0; r < size; ++r) out[r].assign(all.begin() + r * n, all.begin() + (r + 1) * n);
    return out;
  }

 private:
  const c2c::Topology topo_;
  const size_t words_;
  MPI_Comm comm_ = MPI_COMM_NULL;

  int rank_ = 0;
};

}  // namespace

std::unique_ptr<Transport> MakeMpiTransport(const c2c::Topology& topology, size_t words) {
  return std::make_unique<MpiTransport>(topology, words);
}
bool MpiBuilt() { return true; }
int MpiWorldRank() {
  EnsureInit();
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}
int MpiWorldSize() {
  EnsureInit();
  int n = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &n);
  return n;
}

}  // namespace luoshu::tb::spmd
