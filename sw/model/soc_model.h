// Functional model of the Luoshu SoC as the host sees it: the register map of docs/regs.md
// over 1..4 CoreModels sharing one DeviceMemory, behind the driver's HostBus interface. It is
// the golden model of the SoC's host-visible behaviour and the fast backend of the host
// runtime.
//
// Register semantics follow the generated register table (sw/hal/luoshu_regs_table.h):
// read-write storage, read-only hardware values, write-1-to-clear interrupt status, the CLEAR
// pulse, the RING_SIZE / TAIL writes that program the ring and ring the doorbell, and SLVERR
// (BusError) for unmapped or unaligned offsets. The status inputs behave as luoshu_soc.sv
// wires them: INT_STATUS.FAULT is set while the core is faulted, SYNC when a SYNC with irq
// completes, CTL_ERROR when the core refuses a RING_SIZE or TAIL write (as CoreModel's
// SetRing / SetTail refuse); the interrupt line is the OR over cores of INT_STATUS & INT_MASK.
// Core blocks beyond `cores` keep their storage and read 0 in every status field.
//
// Time: a doorbell runs the core model to completion at once (memory changes immediately),
// but the core then reads busy, and its completion (SYNC / FAULT interrupt bits, STATE) shows
// (and HEAD moves) only after a deterministic cost estimate has passed on Now(): kRegCycles per
// register access, 1 + len / 16 per host memory access, and per doorbell 4 cycles per descriptor
// plus MACs / Dim^2 plus bytes moved / 16. WaitIrq jumps to the next completion. Counters 0-7 are
// the core model's; 8-10 (unit busy) are the cost estimate's parts, 14 is Now(), the stall
// counters (11-13, 15) read 0.
//
// Unit events (timelines, estimated): while recording, every command a doorbell retires gets
// a start and a finish on its queue. A command is decoded kDecodeCycles after the one before
// it (from the doorbell on) and starts when it is decoded, its queue is free, the commands
// that signal the tokens it waits for have finished (the k-th wait on a channel pairs with the
// k-th signal) and any SYNC before it has finished; a SYNC starts when every queue is free.
// It lasts LOAD: bytes read / 16, MATMUL: m * n * k / Dim^2, STORE: bytes written / 16,
// vector commands: bytes read / 16,
// SYNC: kSyncCycles (at least one cycle each). Commands that fault get none. This is a
// schedule of the estimate's own; Now() and the completion times above do not depend on it.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "sw/hal/backend.h"
#include "sw/hal/host_bus.h"
#include "sw/hal/types.h"
#include "sw/model/core_model.h"
#include "sw/model/memory.h"

namespace luoshu::model {

using hal::SocConfig;

class SocModel : public hal::HostBus {
 public:
  static constexpr uint64_t kRegCycles = 4;     // one AXI4-Lite round trip
  static constexpr uint64_t kDecodeCycles = 4;  // fetch + decode of one descriptor
  static constexpr uint64_t kSyncCycles = 4;    // a SYNC's word write (unit events only)

  // Throws std::invalid_argument for a configuration the register map cannot describe.
  explicit SocModel(const SocConfig& config = {}) : SocModel(config, nullptr) {}
  // One chip of a supernode: the cores run on `shared`, one image of every chip's memory
  // (DeviceMemory::AddRegion), so their vector commands reach the other chips' memory as the
  // RTL's do through the links; the host still sees only this SoC's memory [config.mem_base,
  // + config.mem_size), which `shared` must hold. Not thread-safe across the chips beyond
  // what the programs guarantee (no two chips touching the same bytes at once).
  SocModel(const SocConfig& config, DeviceMemory* shared);

  uint32_t ReadReg(uint32_t offset) override;
  void WriteReg(uint32_t offset, uint32_t value) override;
  void WriteMem(uint64_t addr, const void* src, uint64_t len) override;
  void ReadMem(uint64_t addr, void* dst, uint64_t len) override;
  uint64_t mem_base() const override { return config_.mem_base; }
  uint64_t mem_size() const override { return config_.mem_size; }
  bool WaitIrq(uint64_t max_cycles) override;
  uint64_t Now() const override { return now_; }
  std::string Describe() const override;
  bool RecordUnitEvents(bool on) override;
  std::vector<hal::UnitEvent> TakeUnitEvents() override;

  // For tests.
  const SocConfig& config() const { return config_; }
  DeviceMemory& memory() { return *memory_; }
  const CoreModel& core(int c) const;
  bool irq_line() const;

 private:
  struct Core {
    std::unique_ptr<CoreModel> model;  // null for a core block beyond config.cores
    uint32_t int_status = 0;           // the write-1-to-clear storage
    uint32_t pending = 0;              // INT_STATUS bits that appear at busy_until
    uint64_t busy_until = 0;
    uint32_t head_before = 0;  // HEAD as the host sees it while busy: the work is not done yet
    uint32_t cnt_hi = 0;       // latched by a CNT_LO read
    uint64_t busy_ld = 0, busy_ex = 0, busy_st = 0;
    // Unit-event estimate: when each queue (isa::Queue) is free, the finish times of the
    // token signals not yet waited for (per channel), when each ring slot was decoded, when
    // decode is free and when the last SYNC finished.
    std::array<uint64_t, 4> unit_free{};
    std::array<std::deque<uint64_t>, isa::kNumChannels> signals;
    std::vector<uint64_t> decoded;
    uint64_t decode_free = 0, sync_done = 0;
  };

  void Tick(uint64_t cycles);  // time passes; completions become visible
  void Settle();
  uint32_t Storage(uint32_t offset) const { return storage_[offset / 4]; }
  uint32_t HardwareValue(uint32_t offset);  // the read-only fields of a register
  void RingSet(int c);
  void Doorbell(int c);
  void Clear(int c);
  uint64_t CounterValue(int c, uint32_t sel) const;
  bool Busy(const Core& k) const { return now_ < k.busy_until; }
  // Unit events of what core c retired in a doorbell's Run(): slots from `head` on were
  // fetched, retired() entries from `first` on are new.
  void EstimateUnitEvents(int c, uint32_t head, size_t first);

  SocConfig config_;
  void CheckHostRange(uint64_t addr, uint64_t len, const char* what) const;
  std::unique_ptr<DeviceMemory> own_memory_;  // null when shared
  DeviceMemory* memory_;
  std::array<Core, 4> cores_;
  std::vector<uint32_t> storage_;  // read-write bits of every register, by offset / 4
  uint64_t now_ = 0;
  bool record_units_ = false;
  std::vector<hal::UnitEvent> unit_events_;  // recorded, not yet taken (unsorted)
};

}  // namespace luoshu::model
