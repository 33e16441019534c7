// The platform interface (HAL): how software reaches one Luoshu SoC. The driver
// (sw/driver/driver.h) and everything above it talk only to this; the backends implement it:
// the functional model (sw/model/soc_model.h), the Verilated SoC (tb/soc/soc.h) and a board
// over a serial link (sw/hal/board_backend.h). Backends are opened by name through
// sw/hal/backend.h.
//
// Registers are the AXI4-Lite map of docs/regs.md (byte offsets from the block's base, 32-bit,
// word aligned). Device memory is the cores' 32-bit address space, [mem_base, mem_base +
// mem_size). Time is counted in SoC clock cycles; every register and memory access takes
// some (the driver polls STATUS by reading it, so Now() must advance with accesses).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace luoshu::hal {

class StateWriter;
class StateReader;

// A bus transaction failed: SLVERR/DECERR on a register (unmapped or unaligned offset) or a
// memory access outside device memory. Thrown by HostBus implementations.
class BusError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One unit of one core started or finished a command. Each queue runs its commands in order,
// so the n-th start and finish of a queue belong to the n-th command submitted to it.
struct UnitEvent {
  uint64_t cycle = 0;
  uint8_t core = 0;
  uint8_t queue = 0;  // isa::Queue: 0 LD (MTE-in), 1 EX (cube), 2 ST (MTE-out), 3 SEQ (SYNC)
  bool finish = false;
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

  // One line for reports: "functional model of the default SoC", "Verilated small SoC".
  virtual std::string Describe() const { return "Luoshu SoC"; }
  // Where this backend writes its wave, "" when it writes none.
  virtual std::string WavePath() const { return ""; }
  // Named counters of the backend's own transport, for reports (the board backend's link:
  // frames sent, retries, ...); empty when it has none.
  virtual std::vector<std::pair<std::string, uint64_t>> Statistics() const { return {}; }

  // Unit events for timelines: RecordUnitEvents(true) starts recording (false if this
  // backend cannot), TakeUnitEvents() hands over what was recorded so far, in cycle order.
  // `exact` tells whether the cycles are measured (RTL) or estimated (model).
  virtual bool RecordUnitEvents(bool on) {
    (void)on;
    return false;
  }
  virtual std::vector<UnitEvent> TakeUnitEvents() { return {}; }
  virtual bool UnitEventsExact() const { return false; }

  // Checkpoints (sw/hal/replay.h): the backend's whole state (device, memory, the simulated
  // platform around it), saved between two bus operations and restored into a backend opened
  // with the same options. StateId() names the build and configuration a state belongs to;
  // "" means this backend cannot save its state (SaveState / RestoreState are not called).
  virtual std::string StateId() const { return ""; }
  virtual void SaveState(StateWriter* out) { (void)out; }
  // Throws StateError (sw/hal/state.h) if the state does not fit this backend.
  virtual void RestoreState(StateReader* in) { (void)in; }
};

}  // namespace luoshu::hal
