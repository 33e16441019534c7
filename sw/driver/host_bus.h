// The platform interface of the host driver: how software reaches one Luoshu SoC. The
// driver (sw/driver/device.h) talks only to this; implementations are the functional model
// (sw/model/soc_model.h), the Verilated SoC and, later, an FPGA board.
//
// Registers are the AXI4-Lite map of docs/regs.md (byte offsets from the block's base, 32-bit,
// word aligned). Device memory is the cores' 32-bit address space, [mem_base, mem_base +
// mem_size). Time is counted in SoC clock cycles; every register and memory access takes
// some (the driver polls STATUS by reading it, so Now() must advance with accesses).
#pragma once

#include <cstdint>
#include <stdexcept>

namespace luoshu::driver {

// A bus transaction failed: SLVERR/DECERR on a register (unmapped or unaligned offset) or a
// memory access outside device memory. Thrown by HostBus implementations.
class BusError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class HostBus {
 public:
  virtual ~HostBus() = default;

  // One 32-bit register access. Throw BusError on an error response.
  virtual uint32_t ReadReg(uint32_t offset) = 0;
  virtual void WriteReg(uint32_t offset, uint32_t value) = 0;

  // Bulk device-memory access (host to device and back). Throw BusError if the range leaves
  // device memory.
  virtual void WriteMem(uint64_t addr, const void* src, uint64_t len) = 0;
  virtual void ReadMem(uint64_t addr, void* dst, uint64_t len) = 0;
  virtual uint64_t mem_base() const = 0;
  virtual uint64_t mem_size() const = 0;

  // Lets time pass until the SoC's interrupt line is high (returns true at once if it
  // already is) or max_cycles have passed (returns false).
  virtual bool WaitIrq(uint64_t max_cycles) = 0;
  // SoC clock cycles since reset.
  virtual uint64_t Now() const = 0;
};

}  // namespace luoshu::driver
