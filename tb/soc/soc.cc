#include "tb/soc/soc.h"

#include <chrono>
#include <sstream>

#include "Vsoc_default.h"
#include "Vsoc_small.h"
#include "tb/agents/axil_master.h"
#include "tb/errors.h"

namespace luoshu::tb {
namespace {

int ChanBits(int channels) { return channels >= 4 ? 2 : channels == 2 ? 1 : 0; }

// " answered SLVERR (...)": the end of a failed register access's message.
std::string RespNote(unsigned resp) {
  return std::string(" answered ") +
         (resp == 2   ? "SLVERR"
          : resp == 3 ? "DECERR"
                      : "EXOKAY") +
         " (no register there; see docs/regs.md)";
}

// One SoC top (a Verilated soc_tb with a given configuration) and its agents.
template <class Top>
class SocImpl : public Soc {
 public:
  SocImpl(const SocConfig& config, const SocOptions& o)
      : Soc(config, o),
        sim_(o.sim_name, "soc", o.trace, o.verilator_args),
        host_(&sim_, 1000),
        irq_(&sim_, &sim_.dut().irq_o) {
    Top* top = &sim_.dut();
    MemPins pins[2];
    LUOSHU_AXI4_PINS(pins[0], top, ch0_m_axi_);
    LUOSHU_AXI4_PINS(pins[1], top, ch1_m_axi_);
    for (int c = 0; c < config.channels; ++c) {
      MemSlaveConfig mc = o.memory;
      mc.name = "channel " + std::to_string(c);
      const int channels = config.channels;
      mc.to_global = [c, channels](uint64_t a) { return ChannelToGlobal(a, c, channels); };
      channels_.push_back(std::make_unique<MemSlave>(&sim_, pins[c], &memory(), mc, o.seed + c));
    }
    clock_ = &sim_;
    sim_.Reset();
  }

  SimController& sim() override { return sim_; }
  MemSlave& channel(int c) override {
    if (c < 0 || c >= int(channels_.size())) {
      throw ConfigError("Soc::channel: no channel " + std::to_string(c) + " in the " +
                        config().name + " SoC (" + std::to_string(channels_.size()) + " channels)");
    }
    return *channels_[c];
  }
  IrqMonitor& irq_monitor() override { return irq_; }
  bool irq() override { return sim_.dut().irq_o; }
  unsigned RawRead(uint32_t offset, uint32_t* value) override {
    unsigned resp = 0;
    *value = host_.Read(offset, &resp);
    return resp;
  }
  unsigned RawWrite(uint32_t offset, uint32_t value, unsigned strb) override {
    return host_.Write(offset, value, strb);
  }

 private:
  Simulation<Top> sim_;
  AxiLiteMaster<Top> host_;
  IrqMonitor irq_;
  std::vector<std::unique_ptr<MemSlave>> channels_;
};

}  // namespace

const std::vector<SocConfig>& SocConfigs() {
  // Must match the PARAMS of soc_small / soc_default in tb/soc/CMakeLists.txt.
  static const std::vector<SocConfig> kConfigs = {
      {"small", 1, 1, 16, 64 << 10, 64 << 10, 128 << 10},
      {"default", 4, 2, 16, 64 << 10, 64 << 10, 128 << 10},
  };
  return kConfigs;
}

const SocConfig& FindSocConfig(const std::string& name) {
  std::string known;
  for (const auto& c : SocConfigs()) {
    if (c.name == name) return c;
    known += (known.empty() ? "" : ", ") + c.name;
  }
  throw ConfigError("unknown SoC configuration '" + name + "' (known: " + known + ")");
}

uint64_t ChannelToGlobal(uint64_t local, int channel, int channels) {
  const int bits = ChanBits(channels);
  return (local >> 12 << (12 + bits)) | uint64_t(channel) << 12 | (local & 0xfff);
}

int ChannelOf(uint64_t global, int channels) {
  return static_cast<int>(global >> 12) & ((1 << ChanBits(channels)) - 1);
}

std::unique_ptr<Soc> Soc::Create(const SocOptions& options) {
  const SocConfig& c = FindSocConfig(options.config);
  if (c.name == "small") return std::make_unique<SocImpl<Vsoc_small>>(c, options);
  return std::make_unique<SocImpl<Vsoc_default>>(c, options);
}

bool Soc::MemoryIdle() {
  for (int c = 0; c < config().channels; ++c) {
    if (!channel(c).Idle()) return false;
  }
  return true;
}

uint32_t Soc::ReadReg(uint32_t offset) {
  uint32_t v = 0;
  if (const unsigned resp = RawRead(offset, &v)) {
    std::ostringstream os;
    os << "host register read at 0x" << std::hex << offset;
    throw driver::BusError(os.str() + RespNote(resp));
  }
  return v;
}

void Soc::WriteReg(uint32_t offset, uint32_t value) {
  if (const unsigned resp = RawWrite(offset, value)) {
    std::ostringstream os;
    os << "host register write of 0x" << std::hex << value << " at 0x" << offset;
    throw driver::BusError(os.str() + RespNote(resp));
  }
}

void Soc::WriteMem(uint64_t addr, const void* src, uint64_t len) {
  try {
    memory().Write(addr, src, len);
  } catch (const model::MemoryError& e) {
    throw driver::BusError(std::string("host write to device memory: ") + e.what());
  }
}

void Soc::ReadMem(uint64_t addr, void* dst, uint64_t len) {
  try {
    memory().Read(addr, dst, len);
  } catch (const model::MemoryError& e) {
    throw driver::BusError(std::string("host read from device memory: ") + e.what());
  }
}

bool Soc::WaitIrq(uint64_t max_cycles) {
  for (uint64_t i = 0; i < max_cycles && !irq(); ++i) sim().Step(1);
  return irq();
}

uint64_t SocGemmRun::macs() const {
  uint64_t sum = 0;
  for (const auto& core : report.cores) sum += core.macs;
  return sum;
}

double SocGemmRun::CoreUtilization(const driver::GemmCoreReport& core) const {
  return double(core.macs) / (double(dim) * dim * core.cycles);
}

double SocGemmRun::Utilization() const {
  return double(macs()) / (double(dim) * dim * report.cores.size() * report.total_cycles);
}

SocGemmRun RunGemmOnSoc(Soc* soc, driver::Device* device, const model::Matrix<int8_t>& a,
                        const model::Matrix<int8_t>& b, const driver::GemmOptions& options) {
  driver::Runtime runtime(device);
  SocGemmRun run;
  run.dim = device->info().dim;
  run.c = model::Matrix<int32_t>(a.rows(), b.cols());
  run.want = model::Matrix<int32_t>(a.rows(), b.cols());
  const uint64_t c0 = soc->Now();
  const auto t0 = std::chrono::steady_clock::now();
  run.report = runtime.Gemm(a, b, &run.c, options);
  run.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  run.sim_rate = (soc->Now() - c0) / run.wall_seconds;
  model::GemmInt8(a, b, &run.want);
  return run;
}

}  // namespace luoshu::tb
