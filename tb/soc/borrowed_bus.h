// A hal::HostBus that forwards to one the caller keeps owning: a luoshu::Device (which owns
// its bus) over a chip of a supernode run (tb/soc/supernode.h hands each rank's program its
// chip's bus by reference).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "sw/hal/host_bus.h"

namespace luoshu::tb {

class BorrowedBus : public hal::HostBus {
 public:
  explicit BorrowedBus(hal::HostBus* bus) : bus_(bus) {}
  uint32_t ReadReg(uint32_t offset) override { return bus_->ReadReg(offset); }
  void WriteReg(uint32_t offset, uint32_t value) override { bus_->WriteReg(offset, value); }
  void WriteMem(uint64_t addr, const void* src, uint64_t len) override {
    bus_->WriteMem(addr, src, len);
  }
  void ReadMem(uint64_t addr, void* dst, uint64_t len) override { bus_->ReadMem(addr, dst, len); }
  uint64_t mem_base() const override { return bus_->mem_base(); }
  uint64_t mem_size() const override { return bus_->mem_size(); }
  bool WaitIrq(uint64_t max_cycles) override { return bus_->WaitIrq(max_cycles); }
  uint64_t Now() const override { return bus_->Now(); }
  std::string Describe() const override { return bus_->Describe(); }
  std::string WavePath() const override { return bus_->WavePath(); }
  std::vector<std::pair<std::string, uint64_t>> Statistics() const override {
    return bus_->Statistics();
  }
  bool RecordUnitEvents(bool on) override { return bus_->RecordUnitEvents(on); }
  std::vector<hal::UnitEvent> TakeUnitEvents() override { return bus_->TakeUnitEvents(); }
  bool UnitEventsExact() const override { return bus_->UnitEventsExact(); }

 private:
  hal::HostBus* bus_;
};

}  // namespace luoshu::tb
