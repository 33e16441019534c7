#include "tb/soc/soc.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <sstream>

#include "soc_models.h"  // LUOSHU_FOR_EACH_SOC_MODEL, from rtl/soc/soc_configs.toml
#include "sw/hal/state.h"
#include "sw/hal/stop.h"
#include "tb/agents/axil_master.h"
#include "tb/errors.h"

namespace luoshu::tb {
namespace {

// Bumped whenever the harness's saved state changes shape.
constexpr int kHarnessStateVersion = 1;
constexpr uint64_t kPage = 4096;

// Device memory in a checkpoint: only the pages that are not all zero (most of it is).
void SaveMemory(const model::DeviceMemory& m, hal::StateWriter* w) {
  w->U64(m.base());
  w->U64(m.size());
  std::vector<uint8_t> page(kPage);
  static const std::vector<uint8_t> zero(kPage);
  hal::StateWriter pages;
  uint64_t count = 0;
  for (uint64_t off = 0; off < m.size(); off += kPage) {
    const uint64_t n = std::min(kPage, m.size() - off);
    m.Read(m.base() + off, page.data(), n);
    if (std::memcmp(page.data(), zero.data(), n) == 0) continue;
    pages.U64(off);
    pages.Raw(page.data(), n);
    ++count;
  }
  w->U64(count);
  w->Raw(pages.bytes().data(), pages.bytes().size());
}

void RestoreMemory(model::DeviceMemory* m, hal::StateReader* r) {
  const uint64_t base = r->U64(), size = r->U64();
  if (base != m->base() || size != m->size()) {
    r->Fail("device memory was " + std::to_string(size >> 20) + " MiB at " + std::to_string(base) +
            ", this run has " + std::to_string(m->size() >> 20) + " MiB at " +
            std::to_string(m->base()));
  }
  m->Fill(m->base(), m->size(), 0);
  std::vector<uint8_t> page(kPage);
  for (uint64_t i = r->Count(8 + 1); i > 0; --i) {
    const uint64_t off = r->U64();
    if (off % kPage || off >= size) r->Fail("a saved memory page lies outside device memory");
    const uint64_t n = std::min(kPage, size - off);
    r->Raw(page.data(), n);
    m->Write(base + off, page.data(), n);
  }
}

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
  SocImpl(const SocConfig& config, const SocOptions& o, const char* model_id)
      : Soc(config, o),
        model_id_(model_id),
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
  std::string StateId() const override {
    return "rtl " + config().name + " SoC, model " + model_id_ + ", harness state " +
           std::to_string(kHarnessStateVersion);
  }
  void SaveState(hal::StateWriter* w) override {
    w->U64(sim_.cycle());
    std::string model;
    sim_.SaveModel(&model);
    w->Str(model);
    host_.Save(w);
    irq_.Save(w);
    w->U64(channels_.size());
    for (const auto& c : channels_) c->Save(w);
    SaveMemory(memory(), w);
    w->U8(unit_hook_.installed());
    w->U64(unit_events_.size());
    for (const auto& e : unit_events_) {
      w->U64(e.cycle), w->U8(e.core), w->U8(e.queue), w->U8(e.finish);
    }
  }
  void RestoreState(hal::StateReader* r) override {
    const uint64_t cycle = r->U64();
    const std::string model = r->Str();
    host_.Restore(r);
    irq_.Restore(r);
    if (r->U64() != channels_.size()) r->Fail("the saved SoC has another number of channels");
    for (const auto& c : channels_) c->Restore(r);
    RestoreMemory(&memory(), r);
    RecordUnitEvents(r->U8() != 0);
    unit_events_.resize(r->Count(11));
    for (auto& e : unit_events_) {
      e.cycle = r->U64(), e.core = r->U8(), e.queue = r->U8(), e.finish = r->U8() != 0;
    }
    if (r->left() != 0)
      r->Fail("has " + std::to_string(r->left()) + " unexpected bytes at its end");
    // Last, once everything else has been read: the model was checked by StateId().
    sim_.RestoreModel(model);
    sim_.RestoreCycle(cycle);
  }
  bool RecordUnitEvents(bool on) override {
    if (on && !unit_hook_.installed()) {
      unit_hook_ = sim_.OnSample([this] { SampleUnits(); });
    } else if (!on) {
      unit_hook_.Remove();
    }
    return true;
  }

 private:
  // The pulses of this cycle (valid after the falling-edge eval): bit 4c + q is core c, queue q.
  void SampleUnits() {
    const uint32_t start = sim_.dut().cmd_start_o, done = sim_.dut().cmd_done_o;
    if ((start | done) == 0) return;
    const uint64_t cycle = sim_.cycle();
    for (uint32_t bits = start | done; bits != 0; bits &= bits - 1) {
      const int b = __builtin_ctz(bits);
      const auto core = static_cast<uint8_t>(b / 4), queue = static_cast<uint8_t>(b % 4);
      if (start >> b & 1) unit_events_.push_back({cycle, core, queue, false});
      if (done >> b & 1) unit_events_.push_back({cycle, core, queue, true});
    }
  }

  const char* model_id_;
  Simulation<Top> sim_;
  AxiLiteMaster<Top> host_;
  IrqMonitor irq_;
  std::vector<std::unique_ptr<MemSlave>> channels_;
  HookHandle unit_hook_;  // installed while recording unit events
};

}  // namespace

uint64_t ChannelToGlobal(uint64_t local, int channel, int channels) {
  const int bits = ChanBits(channels);
  return (local >> 12 << (12 + bits)) | uint64_t(channel) << 12 | (local & 0xfff);
}

int ChannelOf(uint64_t global, int channels) {
  return static_cast<int>(global >> 12) & ((1 << ChanBits(channels)) - 1);
}

std::unique_ptr<Soc> Soc::Create(const SocOptions& options) {
  const SocConfig& c = hal::FindSocConfig(options.config);
#define LUOSHU_SOC_CREATE(cfg, Model, model_id) \
  if (c.name == #cfg) return std::make_unique<SocImpl<Model>>(c, options, model_id());
  LUOSHU_FOR_EACH_SOC_MODEL(LUOSHU_SOC_CREATE)
#undef LUOSHU_SOC_CREATE
  throw hal::ConfigError("SoC configuration '" + c.name + "' has no Verilated model in this build");
}

std::vector<hal::UnitEvent> Soc::TakeUnitEvents() {
  std::vector<hal::UnitEvent> out;
  out.swap(unit_events_);
  return out;
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
    throw hal::BusError(os.str() + RespNote(resp));
  }
  return v;
}

void Soc::WriteReg(uint32_t offset, uint32_t value) {
  if (const unsigned resp = RawWrite(offset, value)) {
    std::ostringstream os;
    os << "host register write of 0x" << std::hex << value << " at 0x" << offset;
    throw hal::BusError(os.str() + RespNote(resp));
  }
}

void Soc::WriteMem(uint64_t addr, const void* src, uint64_t len) {
  try {
    memory().Write(addr, src, len);
  } catch (const model::MemoryError& e) {
    throw hal::BusError(std::string("host write to device memory: ") + e.what());
  }
}

void Soc::ReadMem(uint64_t addr, void* dst, uint64_t len) {
  try {
    memory().Read(addr, dst, len);
  } catch (const model::MemoryError& e) {
    throw hal::BusError(std::string("host read from device memory: ") + e.what());
  }
}

bool Soc::WaitIrq(uint64_t max_cycles) {
  for (uint64_t i = 0; i < max_cycles && !irq(); ++i) {
    // A stop request (Ctrl-C) ends the wait early; the runtime then unwinds.
    if ((i & 1023) == 0 && hal::StopRequested()) break;
    sim().Step(1);
  }
  return irq();
}

// Verilator aborts the process on a +verilator+ argument it does not know: refuse it first.
void CheckVerilatorArg(const std::string& arg) {
  static const char* kFlags[] = {"+verilator+debug", "+verilator+help", "+verilator+noassert",
                                 "+verilator+V", "+verilator+version"};
  static const char* kNumeric[] = {"+verilator+debugi+", "+verilator+error+limit+",
                                   "+verilator+rand+reset+", "+verilator+seed+"};
  for (const char* f : kFlags) {
    if (arg == f) return;
  }
  for (const char* p : kNumeric) {
    const std::string prefix = p;
    if (arg.rfind(prefix, 0) == 0) {
      const std::string v = arg.substr(prefix.size());
      if (!v.empty() && v.find_first_not_of("0123456789") == std::string::npos) return;
      throw hal::ConfigError("simulator argument '" + arg +
                             "' needs a non-negative number after '" + prefix + "'");
    }
  }
  if (arg.rfind("+verilator+", 0) == 0 || arg.rfind("+", 0) != 0) {
    throw hal::ConfigError("unknown simulator argument '" + arg +
                           "' (known: +verilator+seed+N, +verilator+rand+reset+N, "
                           "+verilator+error+limit+N, +verilator+noassert, +verilator+debug, "
                           "+verilator+debugi+N, +verilator+V, +verilator+version)");
  }
}

std::string Soc::WavePath() const { return const_cast<Soc*>(this)->sim().wave_path(); }

SocOptions SocOptionsOf(const hal::BackendOptions& o) {
  SocOptions so;
  so.config = o.soc;
  hal::FindSocConfig(o.soc);  // an unknown name fails here, listing the known ones
  if (o.mem_latency < 1 || o.mem_latency > 100000) {
    throw hal::ConfigError("memory latency " + std::to_string(o.mem_latency) +
                           " cycles is out of range: use 1..100000");
  }
  if (!(o.mem_stall >= 0 && o.mem_stall < 1)) {
    throw hal::ConfigError("memory stall probability " + std::to_string(o.mem_stall) +
                           " must be in [0, 1) (1 would stall forever)");
  }
  so.mem_size = o.mem_bytes;
  so.seed = o.seed;
  so.sim_name = o.run_name;
  so.trace = TraceOptionsFromEnv();
  if (o.trace) so.trace.enabled = true;
  if (!o.trace_window.empty()) ParseTraceWindow(o.trace_window, &so.trace, "--trace-window");
  if (!o.wave_dir.empty()) so.trace.wave_dir = o.wave_dir;
  for (const auto& arg : o.simulator_args) CheckVerilatorArg(arg);
  so.verilator_args = o.simulator_args;
  so.memory.latency = o.mem_latency;
  so.memory.ar_stall = so.memory.aw_stall = so.memory.w_stall = o.mem_stall;
  so.memory.r_stall = so.memory.b_stall = o.mem_stall;
  so.memory.out_of_order = o.mem_stall > 0;
  if (o.mem_error_cycle) so.memory.error_from_cycle = o.mem_error_cycle;
  return so;
}

}  // namespace luoshu::tb

namespace luoshu::hal {

void RegisterRtlBackend() {
  hal::RegisterBackend("rtl", "the Verilated SoC: cycle-accurate, waves on request",
                       [](const hal::BackendOptions& o) -> std::unique_ptr<hal::HostBus> {
                         try {
                           return tb::Soc::Create(tb::SocOptionsOf(o));
                         } catch (const tb::ConfigError& e) {  // the harness's: bad trace options
                           throw hal::ConfigError(e.what());
                         }
                       });
}

}  // namespace luoshu::hal
