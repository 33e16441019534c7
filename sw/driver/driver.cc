#include "sw/driver/driver.h"

#include <algorithm>
#include <sstream>

#include "sw/common/hex.h"

namespace luoshu::driver {

namespace {

std::string CoreName(int core) { return "core " + std::to_string(core); }

// How long Wait sleeps on the interrupt line before it looks at STATUS again (a core whose
// program raises no interrupt still finishes).
constexpr uint64_t kWaitSlice = 1 << 16;

}  // namespace

std::string CoreStatus::ToString() const {
  std::string s = CoreName(core) + " " + CoreStateName(state) + ", head " + std::to_string(head) +
                  ", tail " + std::to_string(tail);
  if (fault != isa::Fault::kNone) {
    s += ", fault " + fault_name + " at ring slot " + std::to_string(fault_index);
  }
  return s;
}

Driver::Driver(HostBus* bus) : bus_(bus) {
  if (!bus) throw DriverError("Driver: null HostBus");
  const uint32_t id = bus_->ReadReg(reg::kId);
  if (id != kId) {
    throw DriverError("Driver: ID register reads " + Hex(id) + ", expected " + Hex(kId) +
                      " ('LSHU'): this is not a Luoshu SoC, or the bus is mapped at the wrong "
                      "address; check the register base of the HostBus");
  }
  const uint32_t version = bus_->ReadReg(reg::kVersion);
  info_.version_major =
      reg::Get(version, LUOSHU_REGS__VERSION__MAJOR_bm, LUOSHU_REGS__VERSION__MAJOR_bp);
  info_.version_minor =
      reg::Get(version, LUOSHU_REGS__VERSION__MINOR_bm, LUOSHU_REGS__VERSION__MINOR_bp);
  if (info_.version_major != kVersionMajor) {
    throw DriverError("Driver: register map version " + std::to_string(info_.version_major) + "." +
                      std::to_string(info_.version_minor) + ", this driver speaks " +
                      std::to_string(kVersionMajor) +
                      ".x; use a driver built for that version (or the matching bitstream)");
  }
  const uint32_t config = bus_->ReadReg(reg::kConfig);
  info_.dim =
      static_cast<int>(reg::Get(config, LUOSHU_REGS__CONFIG__DIM_bm, LUOSHU_REGS__CONFIG__DIM_bp));
  info_.cores = static_cast<int>(
      reg::Get(config, LUOSHU_REGS__CONFIG__CORES_bm, LUOSHU_REGS__CONFIG__CORES_bp));
  info_.channels = static_cast<int>(
      reg::Get(config, LUOSHU_REGS__CONFIG__CHANNELS_bm, LUOSHU_REGS__CONFIG__CHANNELS_bp));
  info_.links = static_cast<int>(
      reg::Get(config, LUOSHU_REGS__CONFIG__LINKS_bm, LUOSHU_REGS__CONFIG__LINKS_bp));
  const uint32_t l0 = bus_->ReadReg(reg::kConfigL0);
  info_.l0a_bytes =
      reg::Get(l0, LUOSHU_REGS__CONFIG_L0__L0A_KIB_bm, LUOSHU_REGS__CONFIG_L0__L0A_KIB_bp) << 10;
  info_.l0b_bytes =
      reg::Get(l0, LUOSHU_REGS__CONFIG_L0__L0B_KIB_bm, LUOSHU_REGS__CONFIG_L0__L0B_KIB_bp) << 10;
  info_.l0c_bytes =
      reg::Get(l0, LUOSHU_REGS__CONFIG_L0__L0C_KIB_bm, LUOSHU_REGS__CONFIG_L0__L0C_KIB_bp) << 10;
  if (info_.cores < 1 || info_.cores > reg::kMaxCores || info_.dim < 2 || info_.l0a_bytes == 0 ||
      info_.l0b_bytes == 0 || info_.l0c_bytes == 0 || info_.links > reg::kMaxLinks) {
    throw DriverError("Driver: implausible configuration (CONFIG " + Hex(config) + ", CONFIG_L0 " +
                      Hex(l0) + "): " + std::to_string(info_.cores) + " cores, Dim " +
                      std::to_string(info_.dim) + ", " + std::to_string(info_.links) +
                      " link ports; is the SoC out of reset?");
  }
  rings_.resize(info_.cores);
}

void Driver::CheckCore(int core, const char* what) const {
  if (core < 0 || core >= info_.cores) {
    throw DriverError(std::string("Driver::") + what + ": no core " + std::to_string(core) +
                      ", this SoC has cores 0.." + std::to_string(info_.cores - 1));
  }
}

void Driver::CheckLink(int port, const char* what) const {
  if (port < 0 || port >= info_.links) {
    throw DriverError(std::string("Driver::") + what + ": no link port " + std::to_string(port) +
                      (info_.links == 0
                           ? std::string(", this SoC has none (CONFIG.LINKS = 0)")
                           : ", this SoC has ports 0.." + std::to_string(info_.links - 1)));
  }
}

void Driver::SetWindows(int core, const std::vector<Window>& windows) {
  CheckCore(core, "SetWindows");
  if (windows.size() > static_cast<size_t>(reg::kMaxWindows)) {
    throw DriverError("Driver::SetWindows: " + std::to_string(windows.size()) + " windows for " +
                      CoreName(core) + ", a core has " + std::to_string(reg::kMaxWindows) +
                      "; merge neighbouring ranges");
  }
  for (size_t w = 0; w < windows.size(); ++w) {
    const Window& win = windows[w];
    if (win.size == 0 || win.size >= (uint64_t{1} << 32) ||
        win.base + win.size > (uint64_t{1} << 32)) {
      throw DriverError("Driver::SetWindows: window " + std::to_string(w) + " [" + Hex(win.base) +
                        ", +" + Hex(win.size) + ") of " + CoreName(core) +
                        " must have a size of 1 byte .. < 4 GiB and end inside the 32-bit "
                        "address space");
    }
  }
  for (int w = 0; w < reg::kMaxWindows; ++w) {
    const bool used = w < static_cast<int>(windows.size());
    const Window win = used ? windows[w] : Window{};
    // Size first to 0, so a half-written window is never larger than either version.
    bus_->WriteReg(reg::Win(core, w, reg::kWinSize), 0);
    bus_->WriteReg(reg::Win(core, w, reg::kWinBase), static_cast<uint32_t>(win.base));
    bus_->WriteReg(reg::Win(core, w, reg::kWinFlags),
                   win.writable ? LUOSHU_CORE_REGS__WIN__FLAGS__WRITABLE_bm : 0);
    bus_->WriteReg(reg::Win(core, w, reg::kWinSize), static_cast<uint32_t>(win.size));
  }
}

void Driver::WriteRingRegister(int core, uint32_t field, uint32_t value, const char* what) {
  Write(core, reg::kIntStatus, kIntCtlError);  // a stale refusal must not be blamed on us
  Write(core, field, value);
  // The core decides on the write two cycles after its response (docs/soc.md, "Host
  // registers"): one register read in between (STATUS, harmless) orders the refusal before
  // the INT_STATUS read.
  Read(core, reg::kStatus);
  if (Read(core, reg::kIntStatus) & kIntCtlError) {
    Write(core, reg::kIntStatus, kIntCtlError);
    throw DriverError(std::string("Driver::") + what + ": " + CoreName(core) +
                      " refused the write (CTL_ERROR); it is " + Status(core).ToString() +
                      ". Wait for it to finish or Clear() it, then set the ring again");
  }
}

void Driver::SetRing(int core, uint32_t base, uint32_t slots) {
  CheckCore(core, "SetRing");
  const uint64_t end = uint64_t{base} + uint64_t{slots} * isa::kDescriptorBytes;
  if (base % isa::kDescriptorBytes != 0 || slots < 2 || base < bus_->mem_base() ||
      end > bus_->mem_base() + bus_->mem_size()) {
    throw DriverError("Driver::SetRing: ring of " + std::to_string(slots) + " slots at " +
                      Hex(base) + " for " + CoreName(core) +
                      ": needs a 32-byte aligned base, at least 2 slots, and to lie inside "
                      "device memory [" +
                      Hex(bus_->mem_base()) + ", " + Hex(bus_->mem_base() + bus_->mem_size()) +
                      ")");
  }
  const CoreStatus st = Status(core);
  if (st.state == CoreState::kFaulted) {
    throw DriverError("Driver::SetRing: " + st.ToString() + "; Clear() it first");
  }
  Write(core, reg::kRingBase, base);
  WriteRingRegister(core, reg::kRingSize, slots, "SetRing");
  rings_[core] = Ring{base, slots, 0};
}

uint32_t Driver::FreeSlots(int core) {
  CheckCore(core, "FreeSlots");
  const Ring& r = rings_[core];
  if (r.slots == 0) return 0;
  const uint32_t head = Read(core, reg::kHead);
  if (head >= r.slots) {
    throw DriverError("Driver: " + CoreName(core) + " reports head " + std::to_string(head) +
                      " outside its ring of " + std::to_string(r.slots) +
                      " slots; was the ring set by someone else? Set it again");
  }
  return r.slots - 1 - (r.tail + r.slots - head) % r.slots;
}

void Driver::Submit(int core, const std::vector<isa::Descriptor>& program) {
  CheckCore(core, "Submit");
  Ring& r = rings_[core];
  if (r.slots == 0) {
    throw DriverError("Driver::Submit: " + CoreName(core) + " has no ring; call SetRing first");
  }
  const CoreStatus st = Status(core);
  if (st.state == CoreState::kFaulted) {
    throw DriverError("Driver::Submit: " + st.ToString() +
                      "; Clear() it and set the ring again before submitting");
  }
  const uint32_t free = FreeSlots(core);
  if (program.size() > free) {
    throw DriverError("Driver::Submit: a program of " + std::to_string(program.size()) +
                      " descriptors does not fit the ring of " + CoreName(core) + ": " +
                      std::to_string(free) + " of " + std::to_string(r.slots) +
                      " slots are free (one always stays empty); Wait() for the core or use a "
                      "larger ring");
  }
  if (program.empty()) return;
  // Descriptor words little-endian in memory, written as at most two runs (the ring wraps).
  std::vector<uint8_t> bytes(program.size() * isa::kDescriptorBytes);
  for (size_t i = 0; i < program.size(); ++i) {
    for (int w = 0; w < isa::kDescriptorWords; ++w) {
      for (int b = 0; b < 4; ++b) {
        bytes[i * isa::kDescriptorBytes + 4 * w + b] = static_cast<uint8_t>(program[i][w] >> 8 * b);
      }
    }
  }
  const uint32_t first =
      std::min<uint32_t>(static_cast<uint32_t>(program.size()), r.slots - r.tail);
  bus_->WriteMem(uint64_t{r.base} + uint64_t{r.tail} * isa::kDescriptorBytes, bytes.data(),
                 uint64_t{first} * isa::kDescriptorBytes);
  if (first < program.size()) {
    bus_->WriteMem(r.base, bytes.data() + first * isa::kDescriptorBytes,
                   (program.size() - first) * isa::kDescriptorBytes);
  }
  const uint32_t tail = static_cast<uint32_t>((r.tail + program.size()) % r.slots);
  WriteRingRegister(core, reg::kTail, tail, "Submit");
  r.tail = tail;
}

CoreStatus Driver::Status(int core) {
  CheckCore(core, "Status");
  const uint32_t status = Read(core, reg::kStatus);
  CoreStatus s;
  s.core = core;
  s.state = static_cast<CoreState>(
      reg::Get(status, LUOSHU_CORE_REGS__STATUS__STATE_bm, LUOSHU_CORE_REGS__STATUS__STATE_bp));
  const uint32_t code = reg::Get(status, LUOSHU_CORE_REGS__STATUS__FAULT_CODE_bm,
                                 LUOSHU_CORE_REGS__STATUS__FAULT_CODE_bp);
  s.fault = static_cast<isa::Fault>(code);
  const bool known = std::any_of(std::begin(isa::kAllFaults), std::end(isa::kAllFaults),
                                 [&](isa::Fault f) { return static_cast<uint32_t>(f) == code; });
  s.fault_name = known ? isa::FaultName(s.fault) : "unknown fault " + std::to_string(code);
  s.fault_index = Read(core, reg::kFaultIndex);
  s.head = Read(core, reg::kHead);
  s.tail = rings_[core].tail;
  return s;
}

void Driver::Clear(int core) {
  CheckCore(core, "Clear");
  Write(core, reg::kCtrl, LUOSHU_CORE_REGS__CTRL__CLEAR_bm);
}

void Driver::SetInterruptMask(int core, uint32_t bits) {
  CheckCore(core, "SetInterruptMask");
  if (bits & ~reg::kIntAll) {
    throw DriverError("Driver::SetInterruptMask: bits " + Hex(bits & ~reg::kIntAll) +
                      " are no interrupt (use kIntFault, kIntCtlError, kIntSync)");
  }
  Write(core, reg::kIntMask, bits);
}

uint32_t Driver::InterruptMask(int core) {
  CheckCore(core, "InterruptMask");
  return Read(core, reg::kIntMask) & reg::kIntAll;
}

uint32_t Driver::InterruptStatus(int core) {
  CheckCore(core, "InterruptStatus");
  return Read(core, reg::kIntStatus) & reg::kIntAll;
}

void Driver::AckInterrupts(int core, uint32_t bits) {
  CheckCore(core, "AckInterrupts");
  Write(core, reg::kIntStatus, bits & reg::kIntAll);
}

uint64_t Driver::Counter(int core, CounterSel sel) {
  CheckCore(core, "Counter");
  const int s = static_cast<int>(sel);
  if (s < 0 || s >= kNumCounters) {
    throw DriverError("Driver::Counter: no counter " + std::to_string(s) + " (0.." +
                      std::to_string(kNumCounters - 1) + ")");
  }
  Write(core, reg::kCntSel, static_cast<uint32_t>(s));
  const uint64_t lo = Read(core, reg::kCntLo);  // latches bits 47:32 into CNT_HI
  const uint64_t hi = Read(core, reg::kCntHi) & LUOSHU_CORE_REGS__CNT_HI__VALUE_bm;
  return hi << 32 | lo;
}

uint64_t Driver::LinkCounter(int port, LinkCounterSel sel) {
  CheckLink(port, "LinkCounter");
  const int s = static_cast<int>(sel);
  if (s < 0 || s >= kNumLinkCounters) {
    throw DriverError("Driver::LinkCounter: no link counter " + std::to_string(s) + " (0.." +
                      std::to_string(kNumLinkCounters - 1) + ")");
  }
  bus_->WriteReg(reg::Link(port, reg::kLinkCntSel), static_cast<uint32_t>(s));
  const uint64_t lo = bus_->ReadReg(reg::Link(port, reg::kLinkCntLo));  // latches 47:32
  const uint64_t hi =
      bus_->ReadReg(reg::Link(port, reg::kLinkCntHi)) & LUOSHU_LINK_REGS__CNT_HI__VALUE_bm;
  return hi << 32 | lo;
}

LinkCounters Driver::AllLinkCounters(int port) {
  CheckLink(port, "AllLinkCounters");
  LinkCounters c;
  c.port = port;
  for (int s = 0; s < kNumLinkCounters; ++s) {
    c.value[s] = LinkCounter(port, static_cast<LinkCounterSel>(s));
  }
  return c;
}

CoreStatus Driver::Wait(int core, uint64_t timeout_cycles) {
  CheckCore(core, "Wait");
  const uint64_t start = bus_->Now();
  const bool use_irq = InterruptMask(core) != 0;
  for (;;) {
    const CoreStatus s = Status(core);
    if (s.state == CoreState::kFaulted || (s.state == CoreState::kIdle && s.head == s.tail)) {
      return s;
    }
    const uint64_t waited = bus_->Now() - start;
    if (waited >= timeout_cycles) {
      throw DriverError("Driver::Wait: " + CoreName(core) + " did not finish within " +
                        std::to_string(timeout_cycles) + " cycles: " + s.ToString() +
                        (s.state == CoreState::kBlocked
                             ? " (queued commands wait for tokens no command gives)"
                             : ""));
    }
    // With interrupts, sleep on the line; otherwise the next STATUS read is the poll.
    if (use_irq) bus_->WaitIrq(std::min(timeout_cycles - waited, kWaitSlice));
  }
}

}  // namespace luoshu::driver
