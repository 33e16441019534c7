// Drives one Verilated ai_core (rtl/core/ai_core.sv) the way the SoC's registers and the
// host driver will: ring setup, doorbell, clear, interrupt acknowledge, granted windows;
// serves its memory port with a MemSlave over a DeviceMemory; reads status and counters.
// Shared by the core tests and the core benchmark.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sw/driver/driver.h"
#include "sw/isa/luoshu_isa.h"
#include "sw/model/core_model.h"
#include "sw/model/memory.h"
#include "tb/agents/core_ports.h"
#include "tb/agents/mem_slave.h"
#include "tb/bits.h"
#include "tb/sim.h"

namespace luoshu::tb {

// ai_core's counter select values (cnt_sel_i), generated from sw/isa/isa.toml.
using CoreCounter = isa::Counter;
using isa::CounterName;

struct CoreStatus {
  model::CoreState state = model::CoreState::kIdle;
  bool busy = false;  // the RTL's fourth state: commands in flight
  isa::Fault fault = isa::Fault::kNone;
  uint32_t fault_index = 0;
  uint32_t head = 0, tail = 0;
  bool irq = false;
};

template <class Top>
class CoreHarness {
 public:
  CoreHarness(Simulation<Top>* sim, model::DeviceMemory* memory, const MemSlaveConfig& mem_cfg,
              uint64_t seed)
      : sim_(sim), mem_(memory), slave_(sim, Pins(sim), memory, mem_cfg, seed) {
    drive_hook_ = sim->OnDrive([this] { Drive(); });
  }

  MemSlave& memory_port() { return slave_; }

  // Granted windows (at most 4), applied from the next cycle on.
  void SetWindows(const std::vector<hal::Window>& windows) {
    if (windows.size() > kCoreWindows) throw ConfigError("CoreHarness: ai_core has 4 windows");
    windows_ = windows;
  }
  // Control pulses, each applied for one cycle (the harness steps that cycle).
  void SetRing(uint32_t base, uint32_t size) {
    ring_base_ = base;
    ring_size_ = size;
    tail_ = 0;
    Pulse(&ring_set_);
    // With DecodePipe the set acts a cycle after its pulse (sequencer.sv), and with UnitSlice
    // the pulse reaches the sequencer a cycle late (ai_core.sv): head and tail are the new
    // ring's from then on, and Submit reads the head.
    sim_->Step(2);
  }
  void Doorbell(uint32_t tail) {
    tail_ = tail;
    Pulse(&doorbell_);
  }
  void Clear() { Pulse(&clear_); }
  void AckIrq() { Pulse(&irq_ack_); }
  // Host side of the ring: write `program` at the tail slots and ring the doorbell.
  void Submit(const std::vector<isa::Descriptor>& program) {
    uint32_t t = tail_;
    for (const auto& d : program) {
      mem_->WriteWords(ring_base_ + uint64_t(t) * isa::kDescriptorBytes, d.data(), d.size());
      t = (t + 1) % ring_size_;
      if (t == Status().head) throw ConfigError("CoreHarness::Submit: the ring is full");
    }
    Doorbell(t);
  }

  CoreStatus Status() {
    CoreStatus s;
    auto& d = sim_->dut();
    s.busy = d.state_o == 1;
    s.state = d.state_o == 3   ? model::CoreState::kFaulted
              : d.state_o == 2 ? model::CoreState::kBlocked
                               : model::CoreState::kIdle;
    s.fault = static_cast<isa::Fault>(d.fault_code_o);
    s.fault_index = d.fault_index_o;
    s.head = d.head_o;
    s.tail = d.tail_o;
    s.irq = d.irq_o;
    return s;
  }

  // Steps until the core stops (idle, blocked or faulted) with its memory port quiet;
  // returns the cycles it took. WatchdogError after max_cycles.
  uint64_t RunToStop(uint64_t max_cycles, const std::string& what) {
    const uint64_t start = sim_->cycle();
    sim_->Step(2);  // let pulses land
    sim_->RunUntil([this] { return !Status().busy && slave_.Idle(); }, max_cycles, what);
    return sim_->cycle() - start;
  }

  // The selected counter, a clock edge after the select: with UnitSlice (the FPGA build) the
  // core registers the selected value (ai_core's g_cnt_reg), as the SoC's register read does.
  uint64_t Counter(CoreCounter c) {
    sel_ = static_cast<int>(c);
    sim_->Step(1);
    return sim_->dut().cnt_value_o;
  }

 private:
  static MemPins Pins(Simulation<Top>* sim) {
    MemPins p;
    Top* top = &sim->dut();
    LUOSHU_MEM_READ_PINS(p, top, mem_);
    LUOSHU_MEM_WRITE_PINS(p, top, mem_);
    LUOSHU_MEM_ID_PINS(p, top, mem_);
    return p;
  }

  void Pulse(bool* flag) {
    *flag = true;
    sim_->Step(1);
  }

  void Drive() {
    auto& d = sim_->dut();
    d.ring_base_i = ring_base_;
    d.ring_size_i = ring_size_;
    d.tail_i = tail_;
    d.ring_set_i = ring_set_;
    d.doorbell_i = doorbell_;
    d.clear_i = clear_;
    d.irq_ack_i = irq_ack_;
    ring_set_ = doorbell_ = clear_ = irq_ack_ = false;
    d.cnt_sel_i = static_cast<uint8_t>(sel_);
    DriveWindows(&d, windows_);
  }

  Simulation<Top>* sim_;
  HookHandle drive_hook_, sample_hook_;  // removed with this object
  model::DeviceMemory* mem_;
  MemSlave slave_;
  std::vector<hal::Window> windows_;
  uint32_t ring_base_ = 0, ring_size_ = 2, tail_ = 0;
  bool ring_set_ = false, doorbell_ = false, clear_ = false, irq_ack_ = false;
  int sel_ = 0;
};

}  // namespace luoshu::tb
