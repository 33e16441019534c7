// Host driver for one Luoshu SoC (docs/regs.md): probes the device, programs each core's
// windows and command ring, submits descriptor programs, reads status, interrupts and
// counters, and waits for completion. It reaches the SoC only through a HostBus.
#pragma once

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "sw/common/hex.h"
#include "sw/hal/host_bus.h"
#include "sw/hal/reg_map.h"
#include "sw/hal/types.h"
#include "sw/isa/luoshu_isa.h"

namespace luoshu::driver {

// A misuse of the device or a device that does not do what was asked; the message says what
// was found and what to do.
class DriverError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using hal::BusError;
using hal::CoreState;
using hal::HostBus;
using hal::Window;
namespace reg = hal::reg;

// Interrupt bits of INT_STATUS / INT_MASK.
inline constexpr uint32_t kIntFault = reg::kIntFault;        // the core faulted
inline constexpr uint32_t kIntCtlError = reg::kIntCtlError;  // a RING_SIZE/TAIL write was refused
inline constexpr uint32_t kIntSync = reg::kIntSync;          // a SYNC with irq completed

// Performance counters (CNT_SEL, docs/core.md "Counters").
using CounterSel = isa::Counter;  // generated from sw/isa/isa.toml
using isa::CounterName;
inline constexpr int kNumCounters = isa::kNumCounters;

// Chip-to-chip link counters (LINK[p].CNT_SEL, docs/isa.md "Link counters").
using LinkCounterSel = isa::LinkCounter;  // generated from sw/isa/isa.toml
using isa::LinkCounterName;
inline constexpr int kNumLinkCounters = isa::kNumLinkCounters;

// Every counter of one link port, read one after the other (each one a consistent value).
struct LinkCounters {
  int port = 0;
  std::array<uint64_t, kNumLinkCounters> value{};
  uint64_t operator[](LinkCounterSel c) const { return value[static_cast<size_t>(c)]; }
};

struct CoreStatus {
  int core = 0;
  CoreState state = CoreState::kIdle;
  isa::Fault fault = isa::Fault::kNone;
  std::string fault_name;    // isa::FaultName, or "unknown fault <n>"
  uint32_t fault_index = 0;  // ring slot of the faulting descriptor
  uint32_t head = 0;         // HEAD register
  uint32_t tail = 0;         // the tail this driver last wrote
  std::string ToString() const;
};

// ID, VERSION, CONFIG and CONFIG_L0 as probed.
struct DeviceInfo {
  uint32_t version_major = 0, version_minor = 0;
  int dim = 0, cores = 0, channels = 0;
  int links = 0;  // chip-to-chip link ports (0: a chip without links)
  uint32_t l0a_bytes = 0, l0b_bytes = 0, l0c_bytes = 0;
};

class Driver {
 public:
  static constexpr uint32_t kId = LUOSHU_REGS__ID__ID_reset;  // ASCII 'LSHU'
  static constexpr uint32_t kVersionMajor = LUOSHU_REGS__VERSION__MAJOR_reset;

  // Probes the device behind `bus` (not owned; must outlive the Driver): checks ID and
  // VERSION.MAJOR and reads the configuration. Throws DriverError if it is not a Luoshu SoC
  // this driver understands.
  explicit Driver(HostBus* bus);

  HostBus* bus() const { return bus_; }
  const DeviceInfo& info() const { return info_; }
  int cores() const { return info_.cores; }
  int links() const { return info_.links; }

  // Grants `core` these windows (at most 4; each 1 byte .. < 4 GiB, inside the 32-bit address
  // space); the other window registers are zeroed (unused).
  void SetWindows(int core, const std::vector<Window>& windows);
  // Programs the command ring: `slots` 32-byte descriptors at `base` (32-byte aligned, >= 2
  // slots, inside device memory); head = tail = 0. Throws if the core refuses (commands in
  // flight or faulted: Clear() it).
  void SetRing(int core, uint32_t base, uint32_t slots);
  // Descriptors that fit into the ring now (one slot always stays empty).
  uint32_t FreeSlots(int core);
  // Writes `program` into the ring at the tail and rings the doorbell (TAIL).
  void Submit(int core, const std::vector<isa::Descriptor>& program);
  CoreStatus Status(int core);
  // CTRL.CLEAR: drops queued work and clears the fault; the ring must be set again.
  void Clear(int core);

  void SetInterruptMask(int core, uint32_t bits);
  uint32_t InterruptMask(int core);
  uint32_t InterruptStatus(int core);
  void AckInterrupts(int core, uint32_t bits);  // write-1-to-clear

  // 48-bit performance counter.
  uint64_t Counter(int core, CounterSel sel);
  // 48-bit counter of chip-to-chip link port `port` (0 .. links() - 1), and all of them.
  uint64_t LinkCounter(int port, LinkCounterSel sel);
  LinkCounters AllLinkCounters(int port);

  // Waits until `core` has finished what was submitted (idle with head == tail) or faulted,
  // and returns its status. Sleeps on the interrupt line when any of the core's interrupts is
  // enabled, else polls STATUS. Throws DriverError after timeout_cycles (bus->Now()).
  CoreStatus Wait(int core, uint64_t timeout_cycles);

 private:
  struct Ring {
    uint32_t base = 0, slots = 0, tail = 0;
  };
  void CheckCore(int core, const char* what) const;
  void CheckLink(int port, const char* what) const;
  uint32_t Read(int core, uint32_t field) { return bus_->ReadReg(reg::Core(core, field)); }
  void Write(int core, uint32_t field, uint32_t v) { bus_->WriteReg(reg::Core(core, field), v); }
  // Writes a ring register; throws if the core answered with CTL_ERROR.
  void WriteRingRegister(int core, uint32_t field, uint32_t value, const char* what);

  HostBus* bus_;
  DeviceInfo info_;
  std::vector<Ring> rings_;
};

}  // namespace luoshu::driver
