// The Verilated Luoshu SoC as a device: host registers over AXI4-Lite, one AXI4 memory model
// per channel over one DeviceMemory image, the interrupt line, and the clock. It is a
// hal::HostBus (the RTL backend, "rtl" in sw/hal/backend.h), so the driver, runtime and ops run
// on it unchanged; tests reach past the bus for the simulation, the channel models and the
// interrupt monitor.
//
// Configurations are picked at run time by name ("small": 1 core / 1 channel, "default":
// 4 cores / 2 channels); both are compiled into every binary that links luoshu_soc_tb.
// Device memory: one image [mem_base, mem_base + mem_size); channel c holds the 4 KiB pages
// whose bits [12 +: log2(channels)] equal c, at dense local addresses (docs/soc.md).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sw/hal/backend.h"
#include "sw/hal/host_bus.h"
#include "sw/hal/types.h"
#include "sw/model/memory.h"
#include "tb/agents/irq_monitor.h"
#include "tb/agents/mem_slave.h"
#include "tb/options.h"
#include "tb/sim.h"

namespace luoshu::tb {

using hal::SocConfig;  // the configurations built: hal::SocConfigs()

struct SocOptions {
  std::string config = "default";
  MemSlaveConfig memory;  // every channel (name, to_global are set per channel)
  uint64_t mem_base = 0;  // device memory; 0 and 0 = the configuration's
  uint64_t mem_size = 0;
  uint64_t seed = 1;
  std::string sim_name = "soc";  // names the wave file
  TraceOptions trace = TraceOptionsFromEnv();
  std::vector<std::string> verilator_args;
};

// Channel c's local AXI address -> device (global) address, and back, for `channels` channels.
uint64_t ChannelToGlobal(uint64_t local, int channel, int channels);
int ChannelOf(uint64_t global, int channels);

class Soc : public hal::HostBus {
 public:
  // Builds, resets and returns the SoC named by options.config.
  static std::unique_ptr<Soc> Create(const SocOptions& options);
  ~Soc() override = default;

  const SocConfig& config() const { return config_; }
  model::DeviceMemory& memory() { return memory_; }
  virtual SimController& sim() = 0;
  virtual MemSlave& channel(int c) = 0;
  virtual IrqMonitor& irq_monitor() = 0;
  virtual bool irq() = 0;
  // One host register access; returns the AXI response (0 OKAY, 2 SLVERR, ...).
  virtual unsigned RawRead(uint32_t offset, uint32_t* value) = 0;
  virtual unsigned RawWrite(uint32_t offset, uint32_t value, unsigned strb = 0xf) = 0;
  // Every channel has answered everything it was asked.
  bool MemoryIdle();

  // hal::HostBus
  uint32_t ReadReg(uint32_t offset) override;  // BusError on a non-OKAY response
  void WriteReg(uint32_t offset, uint32_t value) override;
  void WriteMem(uint64_t addr, const void* src, uint64_t len) override;
  void ReadMem(uint64_t addr, void* dst, uint64_t len) override;
  uint64_t mem_base() const override { return memory_.base(); }
  uint64_t mem_size() const override { return memory_.size(); }
  bool WaitIrq(uint64_t max_cycles) override;
  uint64_t Now() const override { return clock_->cycle(); }
  std::string Describe() const override { return "Verilated " + config_.name + " SoC"; }
  std::string WavePath() const override;
  // Unit events, measured: the cores' timeline pulses (soc_tb cmd_start_o / cmd_done_o),
  // sampled by a per-cycle hook that is installed only while recording. An event's cycle is
  // the one whose rising edge hands the command over (start) or retires it (finish).
  std::vector<hal::UnitEvent> TakeUnitEvents() override;
  bool UnitEventsExact() const override { return true; }

 protected:
  Soc(const SocConfig& config, const SocOptions& options)
      : config_(config),
        memory_(options.mem_size ? options.mem_base : config.mem_base,
                options.mem_size ? options.mem_size : config.mem_size) {}
  const SimController* clock_ = nullptr;     // set by the concrete SoC
  std::vector<hal::UnitEvent> unit_events_;  // recorded, not yet taken

 private:
  SocConfig config_;
  model::DeviceMemory memory_;
};

// Options of the RTL backend (sw/hal/backend.h) as SoC options; ConfigError for values out
// of range (latency 1..100000, stall probability in [0, 1)).
SocOptions SocOptionsOf(const hal::BackendOptions& o);

}  // namespace luoshu::tb
