// The Verilated Luoshu SoC as a device: host registers over AXI4-Lite, one AXI4 memory model
// per channel over one DeviceMemory image, the interrupt line, and the clock. It is a
// driver::HostBus, so the host driver and runtime run on it unchanged; tests reach past the
// bus for the simulation, the channel models and the interrupt monitor.
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

#include "sw/driver/device.h"
#include "sw/driver/host_bus.h"
#include "sw/driver/runtime.h"
#include "sw/model/gemm.h"
#include "sw/model/memory.h"
#include "tb/agents/irq_monitor.h"
#include "tb/agents/mem_slave.h"
#include "tb/options.h"
#include "tb/sim.h"

namespace luoshu::tb {

struct SocConfig {
  std::string name;
  int cores = 0;
  int channels = 0;
  int dim = 0;
  uint32_t l0a_bytes = 0, l0b_bytes = 0, l0c_bytes = 0;
};

// The configurations compiled into the harness.
const std::vector<SocConfig>& SocConfigs();
// The configuration called `name`; ConfigError listing the known names otherwise.
const SocConfig& FindSocConfig(const std::string& name);

struct SocOptions {
  std::string config = "default";
  MemSlaveConfig memory;  // every channel (name, to_global are set per channel)
  uint64_t mem_base = 0;
  uint64_t mem_size = 16ull << 20;
  uint64_t seed = 1;
  std::string sim_name = "soc";  // names the wave file
  TraceOptions trace = TraceOptionsFromEnv();
  std::vector<std::string> verilator_args;
};

// Channel c's local AXI address -> device (global) address, and back, for `channels` channels.
uint64_t ChannelToGlobal(uint64_t local, int channel, int channels);
int ChannelOf(uint64_t global, int channels);

class Soc : public driver::HostBus {
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

  // driver::HostBus
  uint32_t ReadReg(uint32_t offset) override;  // BusError on a non-OKAY response
  void WriteReg(uint32_t offset, uint32_t value) override;
  void WriteMem(uint64_t addr, const void* src, uint64_t len) override;
  void ReadMem(uint64_t addr, void* dst, uint64_t len) override;
  uint64_t mem_base() const override { return memory_.base(); }
  uint64_t mem_size() const override { return memory_.size(); }
  bool WaitIrq(uint64_t max_cycles) override;
  uint64_t Now() const override { return clock_->cycle(); }

 protected:
  Soc(const SocConfig& config, const SocOptions& options)
      : config_(config), memory_(options.mem_base, options.mem_size) {}
  const SimController* clock_ = nullptr;  // set by the concrete SoC

 private:
  SocConfig config_;
  model::DeviceMemory memory_;
};

// One GEMM through the host runtime on a SoC, checked against the model: what the main job
// (luoshu gemm) and the SoC benchmark report.
struct SocGemmRun {
  driver::GemmReport report;
  model::Matrix<int32_t> c, want;  // the SoC's result and the model's
  int dim = 0;
  double wall_seconds = 0;
  double sim_rate = 0;  // simulated cycles per second of the whole run, host copies included
  bool exact() const { return c == want; }
  uint64_t macs() const;
  // MACs / (Dim^2 x cycles): one core from its doorbell to its completion, or all cores used
  // from the first doorbell to the last completion.
  double CoreUtilization(const driver::GemmCoreReport& core) const;
  double Utilization() const;
};
SocGemmRun RunGemmOnSoc(Soc* soc, driver::Device* device, const model::Matrix<int8_t>& a,
                        const model::Matrix<int8_t>& b, const driver::GemmOptions& options);

}  // namespace luoshu::tb
