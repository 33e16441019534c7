// Collectives across the chips of a supernode (docs/supernode.md, "Collectives"), SPMD: every
// rank (chip) calls the same function with its own Device and the shared Communicator.
//
//   ops::AllReduce(dev, comm, &buf);      // int32 sum, in place, on every rank
//   ops::AllGather(dev, comm, &buf);      // in place: rank r's part is bytes [r, r + 1) / n
//   ops::Broadcast(dev, comm, &buf, 0);   // root's buffer to every rank
//
// Each is a plan plus a runner. The plan (Plan*) is pure data, built the same way on every
// rank from the topology and the buffer's address: steps, each a list of vector commands
// (VADD, VCOPY) per core with the device ranges they touch. A rank's commands read the same
// buffer on its ring predecessor through the links and write its own (pull), or, with
// CollectiveOptions::push (the default), read its own and write its successor's buffer (or,
// for partial sums, its successor's scratch). Within a step no rank, and no other core of a
// rank, writes what another reads or writes, and a step reads only what earlier steps wrote,
// so the steps are separated by a barrier and nothing else. The runner (RunPlan) enqueues a
// step on the Device's streams, synchronizes, meets the other ranks at the Communicator's
// barrier, and goes on. Buffers must be allocated symmetrically (the same allocations in the
// same order on every rank: the same offset from ChipBase).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sw/isa/luoshu_isa.h"
#include "sw/runtime/communicator.h"
#include "sw/runtime/device.h"

namespace luoshu::ops {

// The chips and how they are joined: a ring of n chips is n x 1 (Communicator's dims).
struct CollectiveTopology {
  int size = 1, dim_x = 1, dim_y = 1;
};
CollectiveTopology TopologyOf(const Communicator& comm);

enum class AllReduceAlgorithm {
  kAuto,     // kTorus2d when dim_x and dim_y are both > 1, else kRing
  kRing,     // reduce-scatter + all-gather around one ring through every chip
  kTorus2d,  // reduce-scatter along the rows (X), all-reduce of each rank's part along the
             // columns (Y), all-gather along the rows
};
const char* AllReduceAlgorithmName(AllReduceAlgorithm a);

struct CollectiveOptions {
  AllReduceAlgorithm algorithm = AllReduceAlgorithm::kAuto;  // AllReduce only
  int cores = 0;  // cores per chip that share each step's work (0 = all)
  // Broadcast: pieces the buffer is pipelined in along the chain (0 = one per chip).
  int pieces = 0;
  // The most bytes one vector command moves (0 = 256 KiB): a long transfer is a run of
  // commands, so the stream's head moves (the runtime's hang watchdog sees progress) and a
  // fault names a small piece. Rounded down to whole 4 KiB rows.
  uint64_t command_bytes = 0;
  // Transfers write the next chip's memory (push) instead of reading the previous chip's
  // (pull). Writes keep more bytes in flight than a vector command's reads in the default
  // core (the bridge's write bursts against the vector unit's 16-beat read buffer): about
  // twice the rate per link. All-reduce then sends partial sums to a scratch buffer on the
  // next chip (AllReduceScratchBytes); a ring of two still pulls its sums.
  bool push = true;
  std::string label = "";  // names the work in fault messages ("" = the collective's name)
};

// One core's commands in one step and the device ranges they touch (its windows).
struct CoreWork {
  int core = 0;
  std::vector<isa::Descriptor> commands;
  std::vector<Access> accesses;
};

struct PlanStep {
  std::vector<CoreWork> work;  // cores with nothing to do in this step are left out
};

// What one rank does. Every rank's plan of one collective has the same number of steps;
// consecutive steps are separated by a barrier of all ranks.
struct CollectivePlan {
  std::string name;  // "allreduce ring", ...
  int rank = 0;
  CollectiveTopology topology;
  uint64_t bytes = 0;  // the buffer
  std::vector<PlanStep> steps;
  uint64_t link_bytes = 0;  // bytes this rank's commands move between chips
};

// The ring order of every rank, each next to the one before and after it (the last next to
// the first): 0..n-1 on a ring; on a torus the rows in a snake (row 0 left to right, row 1
// right to left, ...), a cycle when dim_y is even or dim_x is 2. InvalidArgument otherwise.
std::vector<int> RingOrder(const CollectiveTopology& t);

// Plans for `rank` on a buffer at `addr` (this rank's copy; the other ranks' copies at the
// same offset from their ChipBase), spread over `cores` cores (>= 1).
// AllReduce: `elements` int32 values (any count >= 1). AllGather: `bytes` divisible by the
// number of ranks (the parts are bytes / n each). Broadcast: `bytes` >= 1, root 0..n-1.
// InvalidArgument says what is wrong and what to do.
// AllReduce with push also needs `scratch`: AllReduceScratchBytes() bytes at the same offset
// on every rank (0 when it needs none).
uint64_t AllReduceScratchBytes(const CollectiveTopology& t, uint64_t elements,
                               const CollectiveOptions& o = {});
CollectivePlan PlanAllReduce(const CollectiveTopology& t, int rank, int cores, uint64_t addr,
                             uint64_t elements, const CollectiveOptions& o = {},
                             uint64_t scratch = 0);
CollectivePlan PlanAllGather(const CollectiveTopology& t, int rank, int cores, uint64_t addr,
                             uint64_t bytes, const CollectiveOptions& o = {});
CollectivePlan PlanBroadcast(const CollectiveTopology& t, int rank, int cores, uint64_t addr,
                             uint64_t bytes, int root, const CollectiveOptions& o = {});

struct CollectiveResult {
  std::string name;
  int steps = 0;
  uint64_t bytes = 0;
  uint64_t start_cycle = 0;           // this rank's device cycle when every rank had arrived
  uint64_t end_cycle = 0;             // this rank's device cycle after the last step's barrier
  std::vector<uint64_t> step_cycles;  // each step's, its barrier included
  uint64_t cycles() const { return end_cycle - start_cycle; }
};

// Runs `plan` on this rank: waits for the device's earlier work (Synchronize) and for every
// rank (Barrier), then per step enqueues each core's commands, synchronizes and meets the
// others at the barrier. DeviceFault / DeviceHang as Device::Synchronize.
CollectiveResult RunPlan(Device& dev, Communicator& comm, const CollectivePlan& plan,
                         const std::string& label = "");

// The collectives on a Buffer (checked: InvalidArgument for a wrong type or size).
// AllReduce: an int32 buffer, summed (wrap-around) in place over every rank.
CollectiveResult AllReduce(Device& dev, Communicator& comm, Buffer* buf,
                           const CollectiveOptions& o = {});
// AllGather: any buffer whose size in bytes is divisible by the number of ranks; rank r
// brings part r (bytes [r * B / n, (r + 1) * B / n)) and every rank ends with all parts.
CollectiveResult AllGather(Device& dev, Communicator& comm, Buffer* buf,
                           const CollectiveOptions& o = {});
// Broadcast: root's buffer to every rank.
CollectiveResult Broadcast(Device& dev, Communicator& comm, Buffer* buf, int root,
                           const CollectiveOptions& o = {});

// Bus bandwidth of an all-reduce of `bytes` on n ranks in `cycles`: bytes x 2(n-1)/n / cycles
// (what each link must carry, as NCCL counts it), bytes per cycle.
double AllReduceBusBandwidth(uint64_t bytes, int n, uint64_t cycles);

}  // namespace luoshu::ops
