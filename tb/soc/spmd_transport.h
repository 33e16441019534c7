// How the ranks of an SPMD supernode run (tb/soc/supernode.h, docs/supernode.md "MPI
// synchronization") hand each other their window messages: in one process (one thread per
// rank, a baton so that only `running` Verilated models run at once) or over MPI (one rank per
// process). The messages are flat uint64 arrays of one fixed length, one per link port per
// window; what they mean is the harness's business, the transport only moves them.
//
// Not templated on the Verilated model: the MPI part is compiled only where Open MPI was found
// (luoshu_spmd links it); elsewhere MakeMpiTransport() throws, saying how to get it.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "tb/c2c_topology.h"

namespace luoshu::tb::spmd {

// Thrown in a rank whose run is being stopped because another rank failed: not an error of its
// own (the harness reports the failing rank's).
class Stopped : public std::runtime_error {
 public:
  Stopped() : std::runtime_error("stopped: another rank failed") {}
};

// One message per link port per window: out[p] for the neighbour on port p.
using Messages = std::vector<std::vector<uint64_t>>;

class Transport {
 public:
  virtual ~Transport() = default;
  // The ranks this process runs: [first_rank(), first_rank() + local_ranks()).
  virtual int first_rank() const = 0;
  virtual int local_ranks() const = 0;
  // One window boundary of `rank`: sends out[p] to the neighbour on link port p and fills in[p]
  // with what that neighbour sent this rank (on the opposite port) at the same boundary.
  // Blocks until every one has arrived. Throws Stopped when the run is being stopped.
  virtual void Exchange(int rank, const Messages& out, Messages* in) = 0;
  // In one process: a rank holds the baton while its model runs (Exchange gives it up while it
  // waits). Release is a no-op for a rank that does not hold it.
  virtual void Acquire(int rank) { (void)rank; }
  virtual void Release(int rank) { (void)rank; }
  // `rank` failed: stop every rank (in one process: wake them, their Exchange throws Stopped;
  // under MPI: print "rank R: message" and abort the job: MPI_Abort, no rank is left waiting).
  virtual void Fail(int rank, const std::string& message) = 0;
  // The first failure, "rank R: message", or "" (in one process).
  virtual std::string failure() const { return ""; }
  // Rank 0 gets every rank's record (in rank order); every other rank gets its own only. In
  // one process: the local records as they are.
  virtual std::vector<std::vector<uint64_t>> Gather(
      const std::vector<std::vector<uint64_t>>& local) = 0;
};

// Every rank in this process, one thread each; at most `running` of them simulate at once
// (1: a baton). `words`: the length of every message.
std::unique_ptr<Transport> MakeInProcessTransport(const c2c::Topology& topology, size_t words,
                                                  int running);
// This process is one rank of an MPI job of topology.chips() ranks (initializes MPI if the
// program has not; finalized at exit). Throws std::runtime_error if this build has no MPI or
// the job's size is not the topology's.
std::unique_ptr<Transport> MakeMpiTransport(const c2c::Topology& topology, size_t words);

// Whether this build has the MPI transport.
bool MpiBuilt();
// Whether this process was started by mpirun (Open MPI's environment), without touching MPI.
bool LaunchedByMpirun();
// This process's rank in MPI_COMM_WORLD and the world's size (initializes MPI); 0 and 1
// without MPI.
int MpiWorldRank();
int MpiWorldSize();

// The mpirun found when CMake ran ("" if none), and the command that starts `np` ranks of
// `program` as this machine allows: as root it needs --allow-run-as-root, and more ranks than
// cores need --oversubscribe. The environment variables that allow root are set too.
std::string MpirunPath();
std::string MpirunCommand(int np, const std::string& program);

// SIGINT / SIGTERM while a run is in progress (ScopedInterruptHandler): the ranks stop at their
// next window boundary with "interrupted".
class ScopedInterruptHandler {
 public:
  ScopedInterruptHandler();
  ~ScopedInterruptHandler();
  ScopedInterruptHandler(const ScopedInterruptHandler&) = delete;
  ScopedInterruptHandler& operator=(const ScopedInterruptHandler&) = delete;

 private:
  void (*old_int_)(int);
  void (*old_term_)(int);
};
// The signal caught since the handler was installed, 0 if none.
int InterruptSignal();

}  // namespace luoshu::tb::spmd
