#include "sw/runtime/device.h"

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <sstream>

#include "sw/common/hex.h"
#include "sw/hal/stop.h"
#include "sw/isa/vector.h"

namespace luoshu {
namespace {

using driver::CounterSel;

std::string Range(uint64_t addr, uint64_t bytes) {
  return "[" + Hex(addr) + ", " + Hex(addr + bytes) + ")";
}

std::string WindowsText(const std::vector<hal::Window>& ws) {
  std::string s;
  for (const auto& w : ws) {
    s += (s.empty() ? "" : ", ") + Range(w.base, w.size) + (w.writable ? " rw" : " ro");
  }
  return s.empty() ? "none" : s;
}

bool Inside(const std::vector<hal::Window>& ws, uint64_t addr, uint64_t bytes, bool write) {
  if (bytes == 0) return true;
  for (const auto& w : ws) {
    if (addr >= w.base && addr + bytes <= w.base + w.size && (w.writable || !write)) return true;
  }
  return false;
}

// The device accesses of one command, row by row (what the window check sees).
struct CommandAccess {
  const char* what;
  uint64_t addr, bytes;
  bool write;
};
std::vector<CommandAccess> AccessesOf(const isa::Descriptor& d) {
  std::vector<CommandAccess> out;
  switch (static_cast<isa::Opcode>(d[0] & 0xff)) {
    case isa::Opcode::kLoad: {
      const auto l = isa::LoadDesc::Unpack(d);
      for (uint32_t r = 0; r < l.valid_rows; ++r) {
        out.push_back(
            {"reads", uint64_t{l.src_addr} + uint64_t{r} * l.src_stride, l.valid_cols, false});
      }
      break;
    }
    case isa::Opcode::kStore: {
      const auto s = isa::StoreDesc::Unpack(d);
      if (s.bias_en) out.push_back({"reads bias", s.bias_addr, 4ull * s.cols, false});
      const uint64_t row = uint64_t{s.cols} * (s.int8_out ? 1 : 4);
      for (uint32_t r = 0; r < s.rows; ++r) {
        out.push_back({"writes", uint64_t{s.dst_addr} + uint64_t{r} * s.dst_stride, row, true});
      }
      break;
    }
    case isa::Opcode::kSync: {
      const auto s = isa::SyncDesc::Unpack(d);
      out.push_back({"writes", s.addr, 4, true});
      break;
    }
    case isa::Opcode::kVadd:
    case isa::Opcode::kVmax:
    case isa::Opcode::kVrequant:
    case isa::Opcode::kVcopy: {
      const auto v = isa::VectorCommandOf(d);
      for (uint32_t r = 0; r < v.rows; ++r) {
        for (int s = 0; s < v.num_srcs; ++s) {
          out.push_back({"reads", v.src[s].RowAddr(r), v.SrcRowBytes(), false});
        }
        out.push_back({"writes", v.dst.RowAddr(r), v.DstRowBytes(), true});
      }
      break;
    }
    default:
      break;
  }
  return out;
}

// Merges ranges into at most `max` windows: overlapping or adjacent ranges first, then the
// neighbours with the smallest gap, read-only pairs before pairs that widen a writable window.
std::vector<hal::Window> MergeWindows(std::vector<hal::Window> ranges, size_t max,
                                      bool* widened_write) {
  std::sort(ranges.begin(), ranges.end(),
            [](const hal::Window& a, const hal::Window& b) { return a.base < b.base; });
  std::vector<hal::Window> out;
  for (const auto& r : ranges) {
    if (r.size == 0) continue;
    if (!out.empty() && r.base <= out.back().base + out.back().size &&
        r.writable == out.back().writable) {
      const uint64_t end = std::max(out.back().base + out.back().size, r.base + r.size);
      out.back().size = end - out.back().base;
    } else {
      out.push_back(r);
    }
  }
  if (widened_write) *widened_write = false;
  while (out.size() > max) {
    size_t best = 0;
    uint64_t best_cost = UINT64_MAX;
    for (size_t i = 0; i + 1 < out.size(); ++i) {
      const uint64_t gap = out[i + 1].base - std::min(out[i + 1].base, out[i].base + out[i].size);
      const bool widens = (out[i].writable || out[i + 1].writable) &&
                          !(out[i].writable && out[i + 1].writable && gap == 0);
      const uint64_t cost = gap + (widens ? (uint64_t{1} << 40) : 0);
      if (cost < best_cost) best_cost = cost, best = i;
    }
    if (best_cost >= (uint64_t{1} << 40) && widened_write) *widened_write = true;
    hal::Window& a = out[best];
    const hal::Window& b = out[best + 1];
    const uint64_t end = std::max(a.base + a.size, b.base + b.size);
    a.size = end - a.base;
    a.writable = a.writable || b.writable;
    out.erase(out.begin() + static_cast<long>(best) + 1);
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Device state shared by the handles.

namespace detail {

struct Launch {
  std::vector<isa::Descriptor> commands;
  std::vector<hal::Window> ranges;  // what the commands touch
  std::string label;
  size_t next = 0;     // commands already in the ring
  uint64_t mark = 0;   // Mark() events up to this seq complete at this launch's doorbell
  uint64_t event = 0;  // non-zero: this launch is the SYNC of event `event`
};

struct SlotInfo {
  isa::Descriptor command{};
  std::string label;
  size_t index = 0;  // position inside its launch
};

struct StreamState {
  int core = 0;
  uint64_t ring_addr = 0;  // ring slots, then the event word (one allocation, one rw window)
  uint32_t slots = 0;
  uint64_t event_addr = 0;
  std::vector<SlotInfo> slot_info;
  std::deque<Launch> queue;          // not (entirely) in the ring yet
  std::vector<hal::Window> windows;  // granted now (ring window first)
  uint64_t in_ring = 0;              // commands handed to the core, not known finished
  uint32_t head = 0;                 // last HEAD read
  uint64_t next_seq = 1;             // next event sequence number
  uint64_t done_seq = 0;             // last SYNC event seen complete
  uint64_t last_sync_seq = 0;        // last SYNC event handed to the core
  uint64_t next_mark = 1;            // Mark() events use their own numbers
  uint64_t marks_done = 0;
  std::map<uint64_t, uint64_t> event_cycles;  // seq -> cycle (SYNC events)
  std::map<uint64_t, uint64_t> mark_cycles;   // seq -> cycle (Mark events)
  uint64_t failed_through = 0;                // events up to this seq failed with `fault`
  std::optional<DeviceFault> fault;           // the last fault of this stream
  bool fault_reported = false;
};

struct DeviceState {
  std::unique_ptr<hal::HostBus> bus;
  std::unique_ptr<driver::Driver> drv;
  std::unique_ptr<Allocator> alloc;
  std::vector<StreamState> streams;
  uint64_t hang_cycles = 2000000;
  std::function<void(uint64_t)> progress;
  bool log_commands = false;
  std::vector<std::vector<Device::LoggedCommand>> command_log;
  // The cycle a poll stamps on the events it sees complete: when the wait before it woke up,
  // or, for a poll that follows no wake-up (a Query, a wait's first look), the poll's own.
  uint64_t wake_cycle = 0;
  bool woke = false;
  // Progress watch.
  uint64_t last_progress = 0;
  uint64_t last_sample = 0;
  std::vector<uint64_t> sample;

  ~DeviceState() {
    // Leave no core running on memory that is about to be freed.
    try {
      for (const auto& s : streams) {
        if (s.in_ring) drv->Clear(s.core);
      }
    } catch (...) {
    }
  }

  bool Busy(const StreamState& s) const { return s.in_ring > 0 || !s.queue.empty(); }
  // How often progress is sampled (and the longest a wait sleeps): fine enough to notice a
  // hang within hang_cycles.
  uint64_t SampleCycles() const { return std::clamp<uint64_t>(hang_cycles / 4, 1, 65536); }

  void Poll();
  void PollStream(StreamState& s);
  void Feed(StreamState& s);
  void HandleFault(StreamState& s);
  // Clears the core, sets its ring again and drops what was queued; its events fail.
  void Cancel(StreamState& s);
  bool CanRewriteWindows(const StreamState& s) const { return s.in_ring == 0; }
  void CheckProgress();
  // Waits until `done()`; throws the fault of `core` (or any core if -1) when `fault_of` says.
  template <class Done>
  void WaitUntil(Done done, const std::string& what);
};

void DeviceState::HandleFault(StreamState& s) {
  const driver::CoreStatus st = drv->Status(s.core);
  const uint32_t slot = st.fault_index;
  std::string cmd = "the command at ring slot " + std::to_string(slot);
  std::string detail;
  if (slot < s.slot_info.size()) {
    const SlotInfo& info = s.slot_info[slot];
    cmd = "command " + std::to_string(info.index) + " of " +
          (info.label.empty() ? std::string("its work") : info.label) + " (" +
          DescribeCommand(info.command) + ")";
    if (st.fault == isa::Fault::kAccess) {
      for (const auto& a : AccessesOf(info.command)) {
        if (!Inside(s.windows, a.addr, a.bytes, a.write)) {
          detail = ": it " + std::string(a.what) + " " + Range(a.addr, a.bytes) +
                   ", outside the windows granted to core " + std::to_string(s.core) + " (" +
                   WindowsText(s.windows) + ")";
          break;
        }
      }
    }
  }
  std::string msg = "core " + std::to_string(s.core) + " faulted with " + st.fault_name + " on " +
                    cmd + detail + "; its stream was cleared and cancelled (" +
                    std::to_string(s.in_ring) + " command(s) in the ring, " +
                    std::to_string(s.queue.size()) +
                    " launch(es) queued on the host), the device is usable";
  Cancel(s);
  s.fault.emplace(msg, s.core, slot, st.fault);
  s.fault_reported = false;
}

void DeviceState::Cancel(StreamState& s) {
  drv->Clear(s.core);
  drv->AckInterrupts(s.core, hal::reg::kIntAll);
  drv->SetRing(s.core, static_cast<uint32_t>(s.ring_addr), s.slots);
  s.queue.clear();
  s.in_ring = 0;
  s.head = 0;
  s.failed_through = s.next_seq - 1;
  s.marks_done = s.next_mark - 1;
}

void DeviceState::PollStream(StreamState& s) {
  if (!Busy(s)) return;
  // Status before the interrupt bits: a core seen drained below has already raised the SYNC
  // of every event it ran, so the read after it sees them. (The other order lost a SYNC that
  // completed between the two reads: the stream went idle with its event never complete.)
  const driver::CoreStatus st = drv->Status(s.core);
  const uint32_t irq = drv->InterruptStatus(s.core);
  if (irq & hal::reg::kIntFault) {
    HandleFault(s);
    last_progress = bus->Now();
    return;
  }
  if (irq & hal::reg::kIntSync) {
    drv->AckInterrupts(s.core, hal::reg::kIntSync);
    uint8_t w[4];
    bus->ReadMem(s.event_addr, w, 4);
    const uint32_t v =
        uint32_t(w[0]) | uint32_t(w[1]) << 8 | uint32_t(w[2]) << 16 | uint32_t(w[3]) << 24;
    // The word holds the low 32 bits of the last completed sequence number.
    uint64_t seq = (s.done_seq & ~uint64_t{0xffffffff}) | v;
    if (seq < s.done_seq) seq += uint64_t{1} << 32;
    if (seq > s.done_seq && seq <= s.last_sync_seq) {
      for (auto it = s.event_cycles.lower_bound(s.done_seq + 1);
           it != s.event_cycles.end() && it->first <= seq; ++it) {
        if (it->second == 0) it->second = wake_cycle;
      }
      s.done_seq = seq;
      last_progress = bus->Now();
    }
  }
  // Ring slots freed since the last look.
  const uint32_t freed = (st.head + s.slots - s.head) % s.slots;
  if (freed) last_progress = bus->Now();
  s.head = st.head;
  // Everything handed over has been fetched and the core is idle: all of it finished.
  if (st.state == hal::CoreState::kIdle && st.head == st.tail) {
    s.in_ring = 0;
  }
  if (st.state == hal::CoreState::kBlocked && st.head == st.tail && s.queue.empty()) {
    const uint64_t was = s.in_ring;
    Cancel(s);
    throw DeviceHang("core " + std::to_string(s.core) + " is blocked: its " + std::to_string(was) +
                     " queued command(s) wait for dependency tokens that no command will give "
                     "(a program error); the core was cleared");
  }
  Feed(s);
}

void DeviceState::Feed(StreamState& s) {
  while (!s.queue.empty()) {
    Launch& l = s.queue.front();
    if (l.next == 0) {
      // Windows must cover this launch before its first command goes in.
      bool covered = true;
      for (const auto& r : l.ranges)
        covered = covered && Inside(s.windows, r.base, r.size, r.writable);
      if (!covered) {
        if (!CanRewriteWindows(s)) return;  // wait until the core has finished
        std::vector<hal::Window> want = {{s.ring_addr, s.event_addr + 64 - s.ring_addr, true}};
        want.insert(want.end(), l.ranges.begin(), l.ranges.end());
        // Take following launches' ranges too while that widens no writable window.
        for (size_t i = 1; i < s.queue.size(); ++i) {
          std::vector<hal::Window> more = want;
          more.insert(more.end(), s.queue[i].ranges.begin(), s.queue[i].ranges.end());
          bool widened = false;
          MergeWindows(more, hal::reg::kMaxWindows, &widened);
          if (widened) break;
          want = std::move(more);
        }
        s.windows = MergeWindows(want, hal::reg::kMaxWindows, nullptr);
        drv->SetWindows(s.core, s.windows);
      }
    }
    const uint32_t free = drv->FreeSlots(s.core);
    if (free == 0) return;
    const size_t n = std::min<size_t>(free, l.commands.size() - l.next);
    if (l.next == 0 && l.mark) {
      for (auto it = s.mark_cycles.lower_bound(s.marks_done + 1);
           it != s.mark_cycles.end() && it->first <= l.mark; ++it) {
        it->second = bus->Now();
      }
      s.marks_done = std::max(s.marks_done, l.mark);
    }
    std::vector<isa::Descriptor> chunk(l.commands.begin() + static_cast<long>(l.next),
                                       l.commands.begin() + static_cast<long>(l.next + n));
    const uint32_t tail = drv->Status(s.core).tail;
    const uint64_t submitted = bus->Now();  // the doorbell is rung during Submit
    try {
      drv->Submit(s.core, chunk);
    } catch (const driver::DriverError&) {
      // The core faulted on earlier work the host has not looked at yet: report that fault
      // (the stream, this launch included, is cancelled) rather than the refused submission.
      if (drv->Status(s.core).state != hal::CoreState::kFaulted) throw;
      HandleFault(s);
      return;
    }
    for (size_t i = 0; i < n; ++i) {
      SlotInfo& info = s.slot_info[(tail + i) % s.slots];
      info.command = chunk[i];
      info.label = l.label;
      info.index = l.next + i;
    }
    if (log_commands) {
      command_log.resize(streams.size());
      for (const auto& d : chunk) command_log[s.core].push_back({d, l.label, submitted});
    }
    s.in_ring += n;
    l.next += n;
    if (l.next < l.commands.size()) return;  // ring full
    if (l.event) s.last_sync_seq = l.event;
    s.queue.pop_front();
  }
}

void DeviceState::Poll() {
  if (!woke) wake_cycle = bus->Now();
  woke = false;
  for (auto& s : streams) PollStream(s);
  CheckProgress();
  if (progress) progress(bus->Now());
}

void DeviceState::CheckProgress() {
  const uint64_t now = bus->Now();
  bool any = false;
  for (const auto& s : streams) any = any || Busy(s);
  if (!any) {
    last_progress = now;
    return;
  }
  if (now - last_sample < SampleCycles() && now - last_progress < hang_cycles) return;
  last_sample = now;
  // Counters that move whenever a unit gets anything done.
  std::vector<uint64_t> v;
  for (const auto& s : streams) {
    if (!Busy(s)) continue;
    for (CounterSel c : {CounterSel::kRetiredLd, CounterSel::kRetiredEx, CounterSel::kRetiredSt,
                         CounterSel::kBytesRead, CounterSel::kBytesWritten, CounterSel::kFetched}) {
      v.push_back(drv->Counter(s.core, c));
    }
  }
  if (v != sample) {
    sample = v;
    last_progress = now;
    return;
  }
  if (now - last_progress >= hang_cycles) {
    std::string what;
    for (auto& s : streams) {
      if (!Busy(s)) continue;
      what += "; " + drv->Status(s.core).ToString();
      Cancel(s);
    }
    throw DeviceHang("the device made no progress for " + std::to_string(hang_cycles) +
                     " cycles (ring heads and counters did not move)" + what +
                     "; the cores were cleared. A legal but slow run needs a longer limit: "
                     "--hang-cycles (Device::set_hang_cycles)");
  }
}

template <class Done>
void DeviceState::WaitUntil(Done done, const std::string& what) {
  last_progress = bus->Now();
  for (;;) {
    Poll();
    if (done()) return;
    if (hal::StopRequested()) {
      throw Interrupted("interrupted while waiting for " + what + " (device cycle " +
                        std::to_string(bus->Now()) + ")");
    }
    bool feeding = false;
    for (const auto& s : streams) feeding = feeding || !s.queue.empty();
    // Sleep on the interrupt line; wake up often while the host still feeds a ring.
    bus->WaitIrq(std::min<uint64_t>(feeding ? 1024 : 65536, SampleCycles()));
    wake_cycle = bus->Now();
    woke = true;
  }
}

}  // namespace detail

// ---------------------------------------------------------------------------------------

const char* DTypeName(DType t) { return t == DType::kInt8 ? "int8" : "int32"; }
size_t DTypeBytes(DType t) { return t == DType::kInt8 ? 1 : 4; }

uint64_t Shape::elements() const {
  uint64_t n = 1;
  for (int d : dims) n *= static_cast<uint64_t>(d);
  return n;
}

std::string Shape::ToString() const {
  std::string s;
  for (int d : dims) s += (s.empty() ? "" : "x") + std::to_string(d);
  return s;
}

std::string DescribeCommand(const isa::Descriptor& d) {
  const uint32_t raw = d[0] & 0xff;
  if (!isa::IsValidOpcode(raw)) return "opcode " + std::to_string(raw) + " (illegal)";
  const char* op = isa::OpcodeName(static_cast<isa::Opcode>(raw));
  std::string s = op;
  for (const auto& f : isa::kFields) {
    // The header's token masks belong to every command (what a blocked one waits for).
    const bool header = std::string(f.op) == "HEADER" && std::string(f.name) != "opcode";
    if (std::string(f.op) != op && !header) continue;
    const uint64_t mask = f.width == 32 ? 0xffffffffull : ((1ull << f.width) - 1);
    const uint64_t v = (d[f.word] >> f.lsb) & mask;
    const bool addr = std::string(f.name).find("addr") != std::string::npos;
    std::string text = addr ? Hex(v) : std::to_string(v);
    if (f.is_signed && (v >> (f.width - 1) & 1)) {  // two's complement: scale=-5, not 65531
      text = std::to_string(static_cast<int64_t>(v) - (int64_t{1} << f.width));
    }
    s += std::string(" ") + f.name + "=" + text;
  }
  return s;
}

// ---- Buffer

Buffer& Buffer::operator=(Buffer&& o) noexcept {
  if (this != &o) {
    Reset();
    state_ = std::move(o.state_);
    addr_ = o.addr_;
    bytes_ = o.bytes_;
    shape_ = std::move(o.shape_);
    dtype_ = o.dtype_;
  }
  return *this;
}

Buffer::~Buffer() { Reset(); }

void Buffer::Reset() {
  if (state_) {
    try {
      state_->alloc->Free(addr_);
    } catch (...) {
    }
    state_.reset();
  }
}

void Buffer::CheckType(DType t, const Shape& host, const char* what) const {
  if (!state_) throw InvalidArgument(std::string("Buffer::") + what + ": the buffer is empty");
  if (t != dtype_ || !(host == shape_)) {
    throw InvalidArgument(std::string("Buffer::") + what + ": host data is " + DTypeName(t) + " " +
                          host.ToString() + ", the buffer is " + DTypeName(dtype_) + " " +
                          shape_.ToString());
  }
}

void Buffer::WriteBytes(const void* src, uint64_t len) { state_->bus->WriteMem(addr_, src, len); }
void Buffer::ReadBytes(void* dst, uint64_t len) const { state_->bus->ReadMem(addr_, dst, len); }

template <class T>
void Buffer::Upload(const Matrix<T>& m) {
  CheckType(DTypeOf<T>(), Shape{m.rows(), m.cols()}, "Upload");
  WriteBytes(m.data(), m.size() * sizeof(T));
}
template <class T>
void Buffer::Upload(const std::vector<T>& v) {
  CheckType(DTypeOf<T>(), Shape{static_cast<int>(v.size())}, "Upload");
  WriteBytes(v.data(), v.size() * sizeof(T));
}
template <class T>
Matrix<T> Buffer::Download() const {
  if (!state_) throw InvalidArgument("Buffer::Download: the buffer is empty");
  if (DTypeOf<T>() != dtype_) {
    throw InvalidArgument(std::string("Buffer::Download: the buffer holds ") + DTypeName(dtype_) +
                          ", asked for " + DTypeName(DTypeOf<T>()));
  }
  Matrix<T> m(rows(), cols());
  ReadBytes(m.data(), m.size() * sizeof(T));
  return m;
}
template <class T>
std::vector<T> Buffer::DownloadVector() const {
  const Matrix<T> m = Download<T>();
  return std::vector<T>(m.data(), m.data() + m.size());
}
template void Buffer::Upload(const Matrix<int8_t>&);
template void Buffer::Upload(const Matrix<int32_t>&);
template void Buffer::Upload(const std::vector<int8_t>&);
template void Buffer::Upload(const std::vector<int32_t>&);
template Matrix<int8_t> Buffer::Download() const;
template Matrix<int32_t> Buffer::Download() const;
template std::vector<int8_t> Buffer::DownloadVector() const;
template std::vector<int32_t> Buffer::DownloadVector() const;

Access ReadOf(const Buffer& b) { return {b.addr(), b.bytes(), false}; }
Access WriteOf(const Buffer& b) { return {b.addr(), b.bytes(), true}; }

// ---- Event

bool Event::Query() const {
  if (!state_) throw InvalidArgument("Event::Query: an empty event");
  state_->Poll();
  const auto& s = state_->streams[core_];
  if (seq_ <= s.failed_through && s.fault) throw *s.fault;
  return mark_ ? seq_ <= s.marks_done : seq_ <= s.done_seq;
}

void Event::Wait() const {
  if (!state_) throw InvalidArgument("Event::Wait: an empty event");
  auto& s = state_->streams[core_];
  state_->WaitUntil(
      [&] {
        if (seq_ <= s.failed_through && s.fault) {
          s.fault_reported = true;
          throw *s.fault;
        }
        return mark_ ? seq_ <= s.marks_done : seq_ <= s.done_seq;
      },
      "an event");
}

uint64_t Event::cycle() const {
  if (!state_) throw InvalidArgument("Event::cycle: an empty event");
  const auto& s = state_->streams[core_];
  const auto& m = mark_ ? s.mark_cycles : s.event_cycles;
  const auto it = m.find(seq_);
  if (it == m.end() || (mark_ ? seq_ > s.marks_done : seq_ > s.done_seq)) {
    throw InvalidArgument("Event::cycle: the event has not completed; Wait() for it first");
  }
  return it->second;
}

uint64_t Event::ElapsedSince(const Event& start) const {
  const uint64_t a = start.cycle(), b = cycle();
  return b >= a ? b - a : 0;
}

// ---- Stream

void Stream::Enqueue(const std::vector<isa::Descriptor>& commands,
                     const std::vector<Access>& accesses, const std::string& label) {
  auto& s = state_->streams[core_];
  if (commands.empty()) return;
  detail::Launch l;
  l.commands = commands;
  l.label = label;
  for (const auto& a : accesses) {
    if (a.bytes) l.ranges.push_back({a.addr, a.bytes, a.write});
  }
  // Marks recorded since the last launch complete at this launch's doorbell.
  l.mark = s.next_mark - 1;
  s.queue.push_back(std::move(l));
  state_->Feed(s);
}

Event Stream::Record() {
  auto& s = state_->streams[core_];
  Event e;
  e.state_ = state_;
  e.core_ = core_;
  e.seq_ = s.next_seq++;
  s.event_cycles[e.seq_] = 0;
  isa::SyncDesc d;
  d.addr = static_cast<uint32_t>(s.event_addr);
  d.value = static_cast<uint32_t>(e.seq_);
  d.irq = 1;
  detail::Launch l;
  l.commands = {d.Pack()};
  l.label = "event";
  l.event = e.seq_;
  l.mark = s.next_mark - 1;
  s.queue.push_back(std::move(l));
  state_->Feed(s);
  return e;
}

Event Stream::Mark() {
  auto& s = state_->streams[core_];
  Event e;
  e.state_ = state_;
  e.core_ = core_;
  e.mark_ = true;
  e.seq_ = s.next_mark++;
  s.mark_cycles[e.seq_] = 0;
  return e;
}

void Stream::Synchronize() { Record().Wait(); }

uint64_t Stream::pending() const {
  const auto& s = state_->streams[core_];
  uint64_t n = s.in_ring;
  for (const auto& l : s.queue) n += l.commands.size() - l.next;
  return n;
}

CoreCounters CoreCounters::operator-(const CoreCounters& o) const {
  CoreCounters d;
  d.macs = macs - o.macs;
  d.bytes_read = bytes_read - o.bytes_read;
  d.bytes_written = bytes_written - o.bytes_written;
  d.busy_ld = busy_ld - o.busy_ld;
  d.busy_ex = busy_ex - o.busy_ex;
  d.busy_st = busy_st - o.busy_st;
  d.retired = retired - o.retired;
  return d;
}

// ---- Device

Device Device::Open(const std::string& backend, const hal::BackendOptions& options) {
  std::unique_ptr<hal::HostBus> bus;
  try {
    bus = hal::OpenBackend(backend, options);
  } catch (const hal::ConfigError& e) {
    throw InvalidArgument(e.what());
  }
  return Device(std::move(bus));
}

Device::Device(std::unique_ptr<hal::HostBus> bus, uint32_t ring_slots) {
  if (!bus) throw InvalidArgument("Device: null HostBus");
  if (ring_slots < 2) throw InvalidArgument("Device: a ring needs at least 2 slots");
  auto s = std::make_shared<detail::DeviceState>();
  s->bus = std::move(bus);
  try {
    s->drv = std::make_unique<driver::Driver>(s->bus.get());
  } catch (const driver::DriverError& e) {
    throw Error(e.what());
  }
  const uint64_t end = s->bus->mem_base() + s->bus->mem_size();
  if (end > (uint64_t{1} << 32)) {
    throw InvalidArgument("Device: device memory ends at " + Hex(end) +
                          ", past the cores' 32-bit address space");
  }
  s->alloc = std::make_unique<Allocator>(s->bus->mem_base(), s->bus->mem_size());
  const int cores = s->drv->cores();
  s->streams.resize(cores);
  for (int c = 0; c < cores; ++c) {
    auto& st = s->streams[c];
    st.core = c;
    st.slots = ring_slots;
    const uint64_t ring_bytes = uint64_t{ring_slots} * isa::kDescriptorBytes;
    st.ring_addr = s->alloc->Alloc(ring_bytes + 64, 64);
    st.event_addr = st.ring_addr + ring_bytes;
    st.slot_info.resize(ring_slots);
    const uint32_t zero = 0;
    s->bus->WriteMem(st.event_addr, &zero, 4);
    if (s->drv->Status(c).state != hal::CoreState::kIdle) s->drv->Clear(c);
    st.windows = {{st.ring_addr, ring_bytes + 64, true}};
    s->drv->SetWindows(c, st.windows);
    s->drv->SetRing(c, static_cast<uint32_t>(st.ring_addr), ring_slots);
    s->drv->AckInterrupts(c, hal::reg::kIntAll);
    s->drv->SetInterruptMask(c, hal::reg::kIntSync | hal::reg::kIntFault);
  }
  state_ = std::move(s);
}

const driver::DeviceInfo& Device::info() const { return state_->drv->info(); }
int Device::cores() const { return state_->drv->cores(); }
uint64_t Device::memory_bytes() const { return state_->bus->mem_size(); }
std::string Device::Describe() const { return state_->bus->Describe(); }
hal::HostBus& Device::bus() const { return *state_->bus; }
driver::Driver& Device::driver() const { return *state_->drv; }
Allocator& Device::allocator() const { return *state_->alloc; }
uint64_t Device::Now() const { return state_->bus->Now(); }

Buffer Device::Alloc(const Shape& shape, DType dtype) {
  if (shape.rank() < 1 || shape.rank() > 2) {
    throw InvalidArgument("Device::Alloc: shape " + shape.ToString() + " has rank " +
                          std::to_string(shape.rank()) + "; use 1 (a vector) or 2 (a matrix)");
  }
  for (int d : shape.dims) {
    if (d < 1) {
      throw InvalidArgument("Device::Alloc: shape " + shape.ToString() +
                            " has an extent below 1; every extent must be >= 1");
    }
  }
  const uint64_t bytes = shape.elements() * DTypeBytes(dtype);
  Buffer b;
  b.addr_ = state_->alloc->Alloc(bytes, 64);
  b.state_ = state_;
  b.bytes_ = bytes;
  b.shape_ = shape;
  b.dtype_ = dtype;
  return b;
}

Stream Device::stream(int core) const {
  if (core < 0 || core >= cores()) {
    throw InvalidArgument("Device::stream: no core " + std::to_string(core) + ", the device has " +
                          std::to_string(cores()) + " (0.." + std::to_string(cores() - 1) + ")");
  }
  return Stream(state_, core);
}

void Device::Synchronize() {
  std::vector<Event> events;
  for (int c = 0; c < cores(); ++c) {
    if (state_->Busy(state_->streams[c])) events.push_back(stream(c).Record());
  }
  // Finish every healthy stream before reporting a fault of another one.
  state_->WaitUntil(
      [&] {
        for (const auto& s : state_->streams) {
          if (state_->Busy(s)) return false;
        }
        return true;
      },
      "all streams");
  for (auto& s : state_->streams) {
    if (s.fault && !s.fault_reported) {
      s.fault_reported = true;
      throw *s.fault;
    }
  }
}

CoreCounters Device::Counters(int core) const {
  driver::Driver& d = *state_->drv;
  CoreCounters c;
  c.macs = d.Counter(core, CounterSel::kMacs);
  c.bytes_read = d.Counter(core, CounterSel::kBytesRead);
  c.bytes_written = d.Counter(core, CounterSel::kBytesWritten);
  c.busy_ld = d.Counter(core, CounterSel::kBusyLd);
  c.busy_ex = d.Counter(core, CounterSel::kBusyEx);
  c.busy_st = d.Counter(core, CounterSel::kBusySt);
  c.retired = d.Counter(core, CounterSel::kRetiredLd) + d.Counter(core, CounterSel::kRetiredEx) +
              d.Counter(core, CounterSel::kRetiredSt) + d.Counter(core, CounterSel::kRetiredSeq);
  return c;
}

void Device::set_hang_cycles(uint64_t cycles) {
  if (cycles == 0) throw InvalidArgument("Device::set_hang_cycles: 0; give at least 1 cycle");
  state_->hang_cycles = cycles;
}
uint64_t Device::hang_cycles() const { return state_->hang_cycles; }
void Device::set_progress(std::function<void(uint64_t)> callback) {
  state_->progress = std::move(callback);
}

void Device::set_command_log(bool on) { state_->log_commands = on; }

std::vector<std::vector<Device::LoggedCommand>> Device::TakeCommandLog() {
  auto out = std::move(state_->command_log);
  state_->command_log.clear();
  out.resize(state_->streams.size());
  return out;
}

}  // namespace luoshu
