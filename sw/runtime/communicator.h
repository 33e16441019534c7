// SPMD across the chips of a supernode (docs/supernode.md): rank == chip id. Every rank runs
// the same host program on its own chip, through its own luoshu::Device (built on that chip's
// hal::HostBus), and meets the others at barriers. Chip c's memory starts at ChipBase(c)
// (address bits [31:29] are the chip id). Allocation is symmetric: every rank makes the same
// allocations in the same order on its own chip, so a buffer's offset from ChipBase is the
// same on every rank (a neighbour's copy of buffer b is at
// ChipBase(nbr) + (b.addr() - ChipBase(rank))).
//
// Implemented by the supernode harness (tb/soc/supernode.h): in one process, one thread per
// chip, or under MPI, one rank per chip.
#pragma once

#include <cstdint>

namespace luoshu {

inline uint64_t ChipBase(int chip) { return uint64_t(chip) << 29; }

class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;   // this host program's chip
  virtual int size() const = 0;   // chips
  virtual int dim_x() const = 0;  // the torus; a ring of n chips is n x 1
  virtual int dim_y() const = 0;
  // Returns once every rank has called it; every chip keeps running meanwhile (its links carry
  // the others' traffic). Deterministic: where each rank leaves it (its chip cycle) does not
  // depend on thread scheduling or on MPI vs one process.
  virtual void Barrier() = 0;
};

}  // namespace luoshu
