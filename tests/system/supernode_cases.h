// What the supernode SPMD tests (supernode_test.cc, supernode_long_test.cc) and their MPI
// worker (supernode_mpi_worker.cc) share: the chips (soc_chip: one core, Dim 4, four link
// ports), the run's options and the neighbour-GEMM program (tb/soc/spmd_gemm_program.h).
#pragma once

#include <cstdint>
#include <string>

#include "Vsoc_chip.h"
#include "Vsoc_chip_params.h"
#include "tb/soc/spmd_gemm_program.h"
#include "tb/soc/supernode.h"

namespace luoshu::supernode_test {

using Chip = Vsoc_chip;
using P = VerilatedParams<Chip>;

// A ring of `chips` with link latency 16, frames of every kind corrupted and dropped at
// `fault_rate` each, memory latency 30 with 10 % backpressure on every channel.
inline tb::SupernodeOptions Options(int chips, uint64_t seed, double fault_rate,
                                    const std::string& name) {
  tb::SupernodeOptions o;
  o.topology = tb::c2c::Topology::Ring(chips);
  o.latency = 16;
  o.mem_size = tb::NeighbourGemmLayout::kMinMemory;
  o.memory.latency = 30;
  o.memory.ar_stall = o.memory.aw_stall = o.memory.w_stall = 0.1;
  o.memory.r_stall = o.memory.b_stall = 0.1;
  o.faults.corrupt.fill(fault_rate);
  o.faults.drop.fill(fault_rate);
  o.seed = seed;
  o.name = name;
  return o;
}

inline tb::NeighbourGemmParams GemmParams(uint64_t seed, int rounds) {
  tb::NeighbourGemmParams p;
  p.seed = seed;
  p.rounds = rounds;
  p.dim = P::Dim;
  p.l0a_bytes = P::L0aBytes, p.l0b_bytes = P::L0bBytes, p.l0c_bytes = P::L0cBytes;
  return p;
}

inline tb::Supernode<Chip>::Program NeighbourGemmProgram(const tb::NeighbourGemmParams& p) {
  return [p](Communicator& comm, hal::HostBus& bus) { tb::NeighbourGemms(comm, bus, p); };
}

}  // namespace luoshu::supernode_test
