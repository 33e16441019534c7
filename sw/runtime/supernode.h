// Running an SPMD host program on a supernode (docs/supernode.md) without linking a simulator:
// the tool asks for "N chips joined as a ring or a torus, with these links" and gets each rank's
// end. The composition root (sw/cli/main.cc) registers the runner, the Verilated chips of
// tb/soc/supernode_runner.cc; the tool code sees only this header, the Communicator and the
// Device each rank's program is handed.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sw/runtime/communicator.h"
#include "sw/runtime/device.h"

namespace luoshu {

struct SupernodeConfig {
  int dim_x = 2, dim_y = 1;       // a ring of n chips is n x 1; a torus 2 x 2 or 2 x 4
  int link_width = 16;            // lane bits (SupernodeLinkWidths(): the chips built)
  int link_latency = 16;          // lane cycles each way; the lookahead of the co-simulation
  double link_error_rate = 0;     // per frame, corrupted and, separately, dropped
  uint64_t mem_bytes = 16 << 20;  // per chip
  uint64_t seed = 1;
  bool mpi = false;  // one chip per MPI rank (this process: its rank's chip only)
  std::string run_name = "supernode";
  int chips() const { return dim_x * dim_y; }
};

// What a rank's program hands back (gathered to rank 0 under MPI); the runner says how many
// words travel (the Verilated runner: tb::RankResult::kMaxValues) and refuses more.
using RankValues = std::vector<uint64_t>;

struct SupernodeRankEnd {
  int rank = 0;
  uint64_t cycles = 0;       // the chip's clock at the common end
  uint64_t memory_hash = 0;  // FNV-1a of the chip's memory: equal between MPI and one process
  uint64_t link_frames = 0, link_faults_injected = 0;
  RankValues values;  // the program's return value
};

struct SupernodeRun {
  std::vector<SupernodeRankEnd> ranks;  // every rank's, in rank order; under MPI on rank 0
                                        // only (the other ranks get their own)
  bool root = true;                     // this process reports (rank 0, or one process)
  double seconds = 0;                   // wall time of the run
};

// A rank's program: its Communicator and a Device on its chip (the runner opens it).
using SupernodeProgram = std::function<RankValues(Communicator&, Device&)>;
using SupernodeRunner =
    std::function<SupernodeRun(const SupernodeConfig&, const SupernodeProgram&)>;

// Registers the runner and the lane widths it has chips for (the composition root, once).
void RegisterSupernodeRunner(std::vector<int> link_widths, SupernodeRunner runner);
std::vector<int> SupernodeLinkWidths();  // empty: no runner registered
// Runs `program` on every rank. InvalidArgument for a configuration the runner cannot build
// (the message lists what it can); a rank's failure raises SupernodeFailed "rank R: ...".
SupernodeRun RunSupernode(const SupernodeConfig& config, const SupernodeProgram& program);

}  // namespace luoshu
