#include "sw/model/soc_model.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>
#include <string>

#include "sw/common/hex.h"
#include "sw/hal/reg_map.h"
#include "sw/isa/vector.h"

namespace luoshu::model {
namespace {

namespace reg = hal::reg;

constexpr uint64_t kCounterMask = (uint64_t{1} << 48) - 1;

uint64_t CeilDiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

}  // namespace

SocModel::SocModel(const SocConfig& config, DeviceMemory* shared)
    : config_(config),
      own_memory_(shared ? nullptr
                         : std::make_unique<DeviceMemory>(config.mem_base, config.mem_size)),
      memory_(shared ? shared : own_memory_.get()),
      storage_(regs::kRegsSpanBytes / 4, 0) {
  auto bad = [](const std::string& what) { throw hal::ConfigError("SocModel: " + what); };
  if (config.cores < 1 || config.cores > reg::kMaxCores) {
    bad("cores = " + std::to_string(config.cores) + " not in 1.." + std::to_string(reg::kMaxCores));
  }
  if (config.channels != 1 && config.channels != 2 && config.channels != 4) {
    bad("channels = " + std::to_string(config.channels) + " not 1, 2 or 4");
  }
  if (config.dim < 2 || config.dim > 64)
    bad("dim = " + std::to_string(config.dim) + " not in 2..64");
  for (uint32_t bytes : {config.l0a_bytes, config.l0b_bytes, config.l0c_bytes}) {
    if (bytes == 0 || bytes % 1024 != 0 || bytes / 1024 > 1023) {
      bad("L0 size " + std::to_string(bytes) +
          " must be a positive multiple of 1 KiB below 1 MiB (CONFIG_L0 counts KiB in 10 bits)");
    }
  }
  if (shared && !shared->Contains(config.mem_base, config.mem_size)) {
    bad("the shared memory image does not hold this SoC's memory [" + Hex(config.mem_base) + ", " +
        Hex(config.mem_base + config.mem_size) + ")");
  }
  for (const auto& r : regs::kRegisters) storage_[r.offset / 4] = r.reset & r.rw;
  CoreConfig cc;
  cc.dim = config.dim;
  cc.l0a_bytes = config.l0a_bytes;
  cc.l0b_bytes = config.l0b_bytes;
  cc.l0c_bytes = config.l0c_bytes;
  cc.queue_depth = config.queue_depth;
  for (int c = 0; c < config.cores; ++c) {
    cores_[c].model = std::make_unique<CoreModel>(cc, memory_);
  }
}

const CoreModel& SocModel::core(int c) const {
  if (c < 0 || c >= config_.cores) {
    throw std::invalid_argument("SocModel::core: no core " + std::to_string(c));
  }
  return *cores_[c].model;
}

bool SocModel::irq_line() const {
  for (int c = 0; c < config_.cores; ++c) {
    const Core& k = cores_[c];
    if (k.int_status & Storage(reg::Core(c, reg::kIntMask)) & reg::kIntAll) return true;
  }
  return false;
}

void SocModel::Tick(uint64_t cycles) {
  now_ += cycles;
  Settle();
}

void SocModel::Settle() {
  for (Core& k : cores_) {
    if (!k.model || Busy(k)) continue;
    k.int_status |= k.pending;
    k.pending = 0;
    // luoshu_soc.sv: INT_STATUS.FAULT's input is (STATE == faulted), a level that sets the
    // sticky bit again after an acknowledge until the core is cleared.
    if (k.model->state() == CoreState::kFaulted) k.int_status |= reg::kIntFault;
  }
}

uint64_t SocModel::CounterValue(int c, uint32_t sel) const {
  const Core& k = cores_[c];
  const CoreCounters& n = k.model->counters();
  uint64_t v = 0;
  switch (sel) {
    case 0:
    case 1:
    case 2:
    case 3:
      v = n.retired[sel];
      break;
    case 4:
      v = n.descriptors_fetched;
      break;
    case 5:
      v = n.macs;
      break;
    case 6:
      v = n.bytes_read;
      break;
    case 7:
      v = n.bytes_written;
      break;
    case 8:
      v = k.busy_ld;
      break;
    case 9:
      v = k.busy_ex;
      break;
    case 10:
      v = k.busy_st;
      break;
    case 14:
      v = now_;
      break;
    default:
      v = 0;  // stall and wait counters: the model does not time its units
  }
  return v & kCounterMask;
}

uint32_t SocModel::HardwareValue(uint32_t offset) {
  if (offset == reg::kConfig) {
    return reg::Put(config_.dim, LUOSHU_REGS__CONFIG__DIM_bm, LUOSHU_REGS__CONFIG__DIM_bp) |
           reg::Put(config_.cores, LUOSHU_REGS__CONFIG__CORES_bm, LUOSHU_REGS__CONFIG__CORES_bp) |
           reg::Put(config_.channels, LUOSHU_REGS__CONFIG__CHANNELS_bm,
                    LUOSHU_REGS__CONFIG__CHANNELS_bp);
  }
  if (offset == reg::kConfigL0) {
    return reg::Put(config_.l0a_bytes >> 10, LUOSHU_REGS__CONFIG_L0__L0A_KIB_bm,
                    LUOSHU_REGS__CONFIG_L0__L0A_KIB_bp) |
           reg::Put(config_.l0b_bytes >> 10, LUOSHU_REGS__CONFIG_L0__L0B_KIB_bm,
                    LUOSHU_REGS__CONFIG_L0__L0B_KIB_bp) |
           reg::Put(config_.l0c_bytes >> 10, LUOSHU_REGS__CONFIG_L0__L0C_KIB_bm,
                    LUOSHU_REGS__CONFIG_L0__L0C_KIB_bp);
  }
  if (offset < reg::kCoreBase) return reg::Find(offset)->reset;  // ID, VERSION: constants
  // One chip: no link ports (CONFIG.LINKS = 0); luoshu_soc.sv ties their blocks to 0.
  if (offset >= reg::kLinkBase) return 0;
  const int c = reg::CoreOf(offset);
  const uint32_t field = (offset - reg::kCoreBase) % reg::kCoreStride;
  const Core& k = cores_[c];
  if (!k.model) return 0;  // luoshu_soc.sv ties an absent core's status inputs to 0
  const CoreModel& m = *k.model;
  switch (field) {
    case reg::kStatus: {
      uint32_t state = 0;
      if (Busy(k)) {
        state = 1;
      } else if (m.state() == CoreState::kFaulted) {
        state = 3;
      } else if (m.state() == CoreState::kBlocked) {
        state = 2;
      }
      return reg::Put(state, LUOSHU_CORE_REGS__STATUS__STATE_bm,
                      LUOSHU_CORE_REGS__STATUS__STATE_bp) |
             reg::Put(static_cast<uint32_t>(m.fault().code),
                      LUOSHU_CORE_REGS__STATUS__FAULT_CODE_bm,
                      LUOSHU_CORE_REGS__STATUS__FAULT_CODE_bp);
    }
    case reg::kFaultIndex:
      return m.fault().index;
    case reg::kHead:
      return Busy(k) ? k.head_before : m.head();
    case reg::kCntLo:
      return static_cast<uint32_t>(CounterValue(c, Storage(reg::Core(c, reg::kCntSel))));
    case reg::kCntHi:
      return k.cnt_hi;
    default:
      return 0;
  }
}

uint32_t SocModel::ReadReg(uint32_t offset) {
  Tick(kRegCycles);
  const regs::RegisterInfo* info = offset % 4 == 0 ? reg::Find(offset) : nullptr;
  if (!info) throw hal::BusError("SLVERR: read of unmapped register offset " + Hex(offset));
  uint32_t v = (Storage(offset) & info->rw) | (HardwareValue(offset) & info->ro);
  const int c = reg::CoreOf(offset);
  if (c >= 0 && info->w1c) v |= cores_[c].int_status & info->w1c;
  if (c >= 0 && (offset - reg::kCoreBase) % reg::kCoreStride == reg::kCntLo) {  // swacc: latch
    if (cores_[c].model) {
      cores_[c].cnt_hi =
          static_cast<uint32_t>(CounterValue(c, Storage(reg::Core(c, reg::kCntSel))) >> 32);
    }
  }
  return v;
}

void SocModel::WriteReg(uint32_t offset, uint32_t value) {
  Tick(kRegCycles);
  const regs::RegisterInfo* info = offset % 4 == 0 ? reg::Find(offset) : nullptr;
  if (!info) throw hal::BusError("SLVERR: write of unmapped register offset " + Hex(offset));
  storage_[offset / 4] = (Storage(offset) & ~info->rw) | (value & info->rw);
  const int c = reg::CoreOf(offset);
  if (c < 0) return;  // globals are read-only; link blocks only store CNT_SEL
  const uint32_t field = (offset - reg::kCoreBase) % reg::kCoreStride;
  cores_[c].int_status &= ~(value & info->w1c);
  if (value & info->pulse) Clear(c);  // CTRL.CLEAR, the only pulse
  if (info->swmod) {
    if (field == reg::kRingSize) RingSet(c);
    if (field == reg::kTail) Doorbell(c);
  }
  Settle();  // a cleared but still faulted core raises FAULT again
}

void SocModel::RingSet(int c) {
  Core& k = cores_[c];
  if (!k.model) return;
  if (Busy(k)) {  // commands in flight
    k.int_status |= reg::kIntCtlError;
    return;
  }
  try {
    k.model->SetRing(Storage(reg::Core(c, reg::kRingBase)), Storage(reg::Core(c, reg::kRingSize)));
  } catch (const std::exception&) {
    k.int_status |= reg::kIntCtlError;
  }
}

void SocModel::Doorbell(int c) {
  Core& k = cores_[c];
  if (!k.model) return;
  CoreModel& m = *k.model;
  try {
    m.SetTail(Storage(reg::Core(c, reg::kTail)));
  } catch (const std::exception&) {
    k.int_status |= reg::kIntCtlError;
    return;
  }
  // The window registers are live inputs of the core: the model takes them at each doorbell.
  std::vector<hal::Window> windows;
  for (int w = 0; w < reg::kMaxWindows; ++w) {
    const uint32_t size = Storage(reg::Win(c, w, reg::kWinSize));
    if (size == 0) continue;
    windows.push_back({Storage(reg::Win(c, w, reg::kWinBase)), size,
                       (Storage(reg::Win(c, w, reg::kWinFlags)) &
                        LUOSHU_CORE_REGS__WIN__FLAGS__WRITABLE_bm) != 0});
  }
  m.SetWindows(windows);

  if (!Busy(k)) k.head_before = m.head();
  const CoreCounters before = m.counters();
  const uint32_t head = m.head();
  const size_t retired = m.retired().size();
  m.Run();
  if (record_units_) EstimateUnitEvents(c, head, retired);
  const CoreCounters& after = m.counters();
  const uint64_t ld = CeilDiv(after.bytes_read - before.bytes_read, 16);
  const uint64_t ex = CeilDiv(after.macs - before.macs, uint64_t(config_.dim) * config_.dim);
  const uint64_t st = CeilDiv(after.bytes_written - before.bytes_written, 16);
  const uint64_t cost =
      kDecodeCycles * (after.descriptors_fetched - before.descriptors_fetched) + ld + ex + st;
  k.busy_ld += ld;
  k.busy_ex += ex;
  k.busy_st += st;
  if (after.irqs != before.irqs) k.pending |= reg::kIntSync;
  m.AckIrq();  // the SoC acknowledges the core's irq at once and keeps it in INT_STATUS
  if (cost > 0) k.busy_until = std::max(k.busy_until, now_) + cost;
}

void SocModel::Clear(int c) {
  Core& k = cores_[c];
  if (!k.model) return;
  k.model->Clear();
  for (auto& s : k.signals) s.clear();  // the tokens are zero again
  k.pending = 0;
  k.busy_until = std::min(k.busy_until, now_);
}

void SocModel::EstimateUnitEvents(int c, uint32_t head, size_t first) {
  Core& k = cores_[c];
  const CoreModel& m = *k.model;
  const uint64_t doorbell = now_;
  // Decode: one descriptor every kDecodeCycles, in ring order.
  if (k.decoded.size() != m.ring_size()) k.decoded.assign(m.ring_size(), doorbell);
  uint64_t t = std::max(k.decode_free, doorbell);
  for (uint32_t s = head; s != m.head(); s = (s + 1) % m.ring_size()) {
    t += kDecodeCycles;
    k.decoded[s] = t;
  }
  k.decode_free = t;

  const auto& retired = m.retired();
  for (size_t i = first; i < retired.size(); ++i) {
    const RetireEvent& e = retired[i];
    isa::Descriptor d{};
    memory_->ReadWords(uint64_t{m.ring_base()} + uint64_t{e.index} * isa::kDescriptorBytes,
                       d.data(), isa::kDescriptorWords);
    const int q = static_cast<int>(isa::QueueOf(e.op));
    const auto hdr = isa::SyncDesc::Unpack(d);
    uint64_t start = std::max({doorbell, k.decoded[e.index], k.sync_done, k.unit_free[q]});
    uint64_t cycles = kSyncCycles;
    switch (e.op) {
      case isa::Opcode::kLoad: {
        const auto x = isa::LoadDesc::Unpack(d);
        cycles = CeilDiv(uint64_t{x.valid_rows} * x.valid_cols, 16);
        break;
      }
      case isa::Opcode::kMatmul: {
        const auto x = isa::MatmulDesc::Unpack(d);
        cycles = CeilDiv(uint64_t{x.m} * x.n * x.k, uint64_t(config_.dim) * config_.dim);
        break;
      }
      case isa::Opcode::kStore: {
        const auto x = isa::StoreDesc::Unpack(d);
        cycles = CeilDiv(uint64_t{x.rows} * x.cols * (x.int8_out ? 1 : 4), 16);
        break;
      }
      case isa::Opcode::kVadd:
      case isa::Opcode::kVmax:
      case isa::Opcode::kVrequant:
      case isa::Opcode::kVcopy: {
        const auto v = isa::VectorCommandOf(d);
        cycles = CeilDiv(uint64_t{v.rows} * v.SrcRowBytes() * v.num_srcs, 16);
        break;
      }
      case isa::Opcode::kSync:
        for (uint64_t f : k.unit_free) start = std::max(start, f);  // the queues drain first
        break;
    }
    for (int b = 0; b < isa::kNumChannels; ++b) {
      if ((hdr.wait_mask >> b & 1) && !k.signals[b].empty()) {
        start = std::max(start, k.signals[b].front());
        k.signals[b].pop_front();
      }
    }
    const uint64_t finish = start + std::max<uint64_t>(cycles, 1);
    for (int b = 0; b < isa::kNumChannels; ++b) {
      if (hdr.signal_mask >> b & 1) k.signals[b].push_back(finish);
    }
    k.unit_free[q] = finish;
    if (e.op == isa::Opcode::kSync) k.sync_done = finish;
    const auto core = static_cast<uint8_t>(c), queue = static_cast<uint8_t>(q);
    unit_events_.push_back({start, core, queue, false});
    unit_events_.push_back({finish, core, queue, true});
  }
}

bool SocModel::RecordUnitEvents(bool on) {
  if (on && !record_units_) {
    // Tokens given before recording started cannot be paired: start from none.
    for (Core& k : cores_) {
      for (auto& s : k.signals) s.clear();
    }
  }
  record_units_ = on;
  return true;
}

std::vector<hal::UnitEvent> SocModel::TakeUnitEvents() {
  std::vector<hal::UnitEvent> out;
  out.swap(unit_events_);
  // Cycle order; within a cycle finishes first, as on the RTL (a queue's next command starts
  // at the earliest when the one before finished).
  std::stable_sort(out.begin(), out.end(), [](const hal::UnitEvent& a, const hal::UnitEvent& b) {
    return a.cycle != b.cycle ? a.cycle < b.cycle : a.finish > b.finish;
  });
  return out;
}

void SocModel::CheckHostRange(uint64_t addr, uint64_t len, const char* what) const {
  // Only a shared image holds more than this SoC's memory (other chips' regions).
  if (addr < config_.mem_base || addr + len > config_.mem_base + config_.mem_size) {
    throw MemoryError(std::string("host ") + what + " of [" + Hex(addr) + ", " + Hex(addr + len) +
                      ") outside this SoC's memory [" + Hex(config_.mem_base) + ", " +
                      Hex(config_.mem_base + config_.mem_size) + ")");
  }
}

void SocModel::WriteMem(uint64_t addr, const void* src, uint64_t len) {
  Tick(1 + len / 16);
  try {
    CheckHostRange(addr, len, "write");
    memory_->Write(addr, src, len);
  } catch (const MemoryError& e) {
    throw hal::BusError(std::string("DECERR: host write: ") + e.what());
  }
}

void SocModel::ReadMem(uint64_t addr, void* dst, uint64_t len) {
  Tick(1 + len / 16);
  try {
    CheckHostRange(addr, len, "read");
    memory_->Read(addr, dst, len);
  } catch (const MemoryError& e) {
    throw hal::BusError(std::string("DECERR: host read: ") + e.what());
  }
}

bool SocModel::WaitIrq(uint64_t max_cycles) {
  Settle();
  const uint64_t deadline = now_ + max_cycles;
  while (!irq_line()) {
    uint64_t next = deadline;
    for (const Core& k : cores_) {
      if (k.model && Busy(k)) next = std::min(next, k.busy_until);
    }
    if (next <= now_) return false;
    now_ = next;
    Settle();
    if (now_ >= deadline) return irq_line();
  }
  return true;
}

std::string SocModel::Describe() const {
  return "functional model of the " +
         (config_.name.empty() ? std::string("custom") : config_.name) + " SoC";
}

}  // namespace luoshu::model

namespace luoshu::hal {

void RegisterModelBackend() {
  hal::RegisterBackend(
      "model", "bit-exact functional model (SocModel): fast, timing estimated",
      [](const hal::BackendOptions& o) -> std::unique_ptr<hal::HostBus> {
        const hal::BackendOptions defaults;
        auto refuse = [](const std::string& what) {
          throw hal::ConfigError("the model backend has no " + what +
                                 "; use --backend rtl for a cycle-accurate simulation");
        };
        if (o.mem_latency != defaults.mem_latency) refuse("memory latency");
        if (o.mem_stall != 0) refuse("memory stalls");
        if (o.trace || !o.trace_window.empty()) refuse("waves");
        if (!o.simulator_args.empty()) refuse("simulator arguments");
        SocConfig config = FindSocConfig(o.soc);
        if (o.mem_bytes) config.mem_size = o.mem_bytes;
        return std::make_unique<model::SocModel>(config);
      });
}

}  // namespace luoshu::hal
