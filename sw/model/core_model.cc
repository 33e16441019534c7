#include "sw/model/core_model.h"

#include <algorithm>
#include <sstream>

#include "sw/common/hex.h"
#include "sw/model/epilogue.h"
#include "sw/model/gemm.h"
#include "sw/model/vector.h"

namespace luoshu::model {
namespace {

using isa::Fault;
using isa::Opcode;

std::string MaskNames(uint32_t mask) {
  std::string out;
  for (int b = 0; b < isa::kNumChannels; ++b) {
    if (mask >> b & 1) out += std::string(out.empty() ? "" : "|") + isa::ChannelName(b);
  }
  return out.empty() ? "none" : out;
}

// Records the first problem found: `ok` false sets the fault code and reason.
struct Checker {
  Fault code = Fault::kNone;
  std::string* why;
  void Require(bool ok, Fault f, const std::string& what) {
    if (!ok && code == Fault::kNone) {
      code = f;
      if (why) *why = what;
    }
  }
};

int QueueIndex(Opcode op) { return static_cast<int>(isa::QueueOf(op)); }

}  // namespace

Fault ValidateDescriptor(const isa::Descriptor& d, const CoreConfig& cfg, std::string* why) {
  Checker ck{Fault::kNone, why};
  const uint32_t raw = isa::RawOpcode(d);
  if (!isa::IsValidOpcode(raw)) {
    ck.Require(false, Fault::kIllegalOpcode, "opcode " + std::to_string(raw) + " is not defined");
    return ck.code;
  }
  const auto op = static_cast<Opcode>(raw);
  const std::string name = isa::OpcodeName(op);
  for (int w = 0; w < isa::kDescriptorWords; ++w) {
    const uint32_t stray = d[w] & ~isa::UsedBits(op, w);
    ck.Require(stray == 0, Fault::kIllegalField,
               name + ": reserved bits " + Hex(stray) + " set in word " + std::to_string(w));
  }
  // The common header sits at the same place for every opcode; any struct decodes it.
  const auto hdr = isa::SyncDesc::Unpack(d);
  const uint32_t bad_wait = hdr.wait_mask & ~isa::WaitAllowedMask(op);
  const uint32_t bad_signal = hdr.signal_mask & ~isa::SignalAllowedMask(op);
  ck.Require(bad_wait == 0, Fault::kIllegalField,
             name + " may not wait on " + MaskNames(bad_wait) +
                 " (allowed: " + MaskNames(isa::WaitAllowedMask(op)) + ")");
  ck.Require(bad_signal == 0, Fault::kIllegalField,
             name + " may not signal " + MaskNames(bad_signal) +
                 " (allowed: " + MaskNames(isa::SignalAllowedMask(op)) + ")");
  if (ck.code != Fault::kNone) return ck.code;

  const uint64_t dim = static_cast<uint64_t>(cfg.dim);
  switch (op) {
    case Opcode::kLoad: {
      const auto x = isa::LoadDesc::Unpack(d);
      ck.Require(x.rows >= 1, Fault::kIllegalField, "LOAD rows must be >= 1");
      ck.Require(x.row_bytes >= 1, Fault::kIllegalField, "LOAD row_bytes must be >= 1");
      ck.Require(
          x.valid_rows <= x.rows, Fault::kIllegalField,
          "LOAD valid_rows " + std::to_string(x.valid_rows) + " > rows " + std::to_string(x.rows));
      ck.Require(x.valid_cols <= x.row_bytes, Fault::kIllegalField,
                 "LOAD valid_cols " + std::to_string(x.valid_cols) + " > row_bytes " +
                     std::to_string(x.row_bytes));
      const uint64_t size = x.dst_buffer ? cfg.l0b_bytes : cfg.l0a_bytes;
      const uint64_t end = uint64_t{x.dst_offset} + uint64_t{x.rows} * x.row_bytes;
      ck.Require(end <= size, Fault::kL0Overflow,
                 std::string("LOAD block ends at byte ") + std::to_string(end) + " of " +
                     (x.dst_buffer ? "L0B" : "L0A") + " (" + std::to_string(size) + " bytes)");
      break;
    }
    case Opcode::kMatmul: {
      const auto x = isa::MatmulDesc::Unpack(d);
      ck.Require(x.m >= 1 && x.m % dim == 0, Fault::kIllegalField,
                 "MATMUL m = " + std::to_string(x.m) + " is not a positive multiple of Dim " +
                     std::to_string(dim));
      ck.Require(x.n >= 1 && x.n % dim == 0, Fault::kIllegalField,
                 "MATMUL n = " + std::to_string(x.n) + " is not a positive multiple of Dim " +
                     std::to_string(dim));
      ck.Require(x.k >= 1, Fault::kIllegalField, "MATMUL k must be >= 1");
      ck.Require(x.c_offset % 4 == 0, Fault::kIllegalField,
                 "MATMUL c_offset " + std::to_string(x.c_offset) + " is not a multiple of 4");
      const uint64_t a_end = uint64_t{x.a_offset} + uint64_t{x.m} * x.k;
      const uint64_t b_end = uint64_t{x.b_offset} + uint64_t{x.k} * x.n;
      const uint64_t c_end = uint64_t{x.c_offset} + 4 * uint64_t{x.m} * x.n;
      ck.Require(a_end <= cfg.l0a_bytes, Fault::kL0Overflow,
                 "MATMUL A ends at byte " + std::to_string(a_end) + " of L0A (" +
                     std::to_string(cfg.l0a_bytes) + " bytes)");
      ck.Require(b_end <= cfg.l0b_bytes, Fault::kL0Overflow,
                 "MATMUL B ends at byte " + std::to_string(b_end) + " of L0B (" +
                     std::to_string(cfg.l0b_bytes) + " bytes)");
      ck.Require(c_end <= cfg.l0c_bytes, Fault::kL0Overflow,
                 "MATMUL C ends at byte " + std::to_string(c_end) + " of L0C (" +
                     std::to_string(cfg.l0c_bytes) + " bytes)");
      break;
    }
    case Opcode::kStore: {
      const auto x = isa::StoreDesc::Unpack(d);
      ck.Require(x.rows >= 1, Fault::kIllegalField, "STORE rows must be >= 1");
      ck.Require(x.cols >= 1, Fault::kIllegalField, "STORE cols must be >= 1");
      ck.Require(
          x.c_pitch >= x.cols, Fault::kIllegalField,
          "STORE c_pitch " + std::to_string(x.c_pitch) + " < cols " + std::to_string(x.cols));
      ck.Require(x.c_offset % 4 == 0, Fault::kIllegalField,
                 "STORE c_offset " + std::to_string(x.c_offset) + " is not a multiple of 4");
      if (!x.int8_out) {
        ck.Require(x.dst_addr % 4 == 0 && x.dst_stride % 4 == 0, Fault::kIllegalField,
                   "STORE int32 out needs dst_addr and dst_stride multiples of 4, got " +
                       Hex(x.dst_addr) + " and " + std::to_string(x.dst_stride));
      }
      if (x.bias_en) {
        ck.Require(x.bias_addr % 4 == 0, Fault::kIllegalField,
                   "STORE bias_addr " + Hex(x.bias_addr) + " is not a multiple of 4");
      }
      if (x.rows >= 1 && x.cols >= 1) {
        const uint64_t end = uint64_t{x.c_offset} + 4 * (uint64_t{x.rows - 1} * x.c_pitch + x.cols);
        ck.Require(end <= cfg.l0c_bytes, Fault::kL0Overflow,
                   "STORE block ends at byte " + std::to_string(end) + " of L0C (" +
                       std::to_string(cfg.l0c_bytes) + " bytes)");
      }
      break;
    }
    case Opcode::kSync: {
      const auto x = isa::SyncDesc::Unpack(d);
      ck.Require(x.addr % 4 == 0, Fault::kIllegalField,
                 "SYNC addr " + Hex(x.addr) + " is not a multiple of 4");
      break;
    }
    case Opcode::kVadd:
    case Opcode::kVmax:
    case Opcode::kVrequant:
    case Opcode::kVcopy: {
      const auto v = isa::VectorCommandOf(d);
      ck.Require(v.rows >= 1, Fault::kIllegalField, name + " rows must be >= 1");
      ck.Require(v.cols >= 1, Fault::kIllegalField, name + " cols must be >= 1");
      const char* names[3] = {"src0", "src1", "dst"};
      const isa::VectorOperand* ops[3] = {&v.src[0], v.num_srcs > 1 ? &v.src[1] : nullptr, &v.dst};
      for (int i = 0; i < 3; ++i) {
        if (!ops[i] || ops[i]->esize == 1) continue;
        ck.Require(ops[i]->addr % 4 == 0 && ops[i]->stride % 4 == 0, Fault::kIllegalField,
                   name + " int32 " + names[i] +
                       " needs its address and stride multiples of 4, got " + Hex(ops[i]->addr) +
                       " and " + std::to_string(ops[i]->stride));
      }
      break;
    }
  }
  return ck.code;
}

CoreModel::CoreModel(const CoreConfig& config, DeviceMemory* memory)
    : config_(config), mem_(memory), rng_(config.schedule_seed) {
  auto bad = [](const std::string& what) { throw std::invalid_argument("CoreModel: " + what); };
  if (!memory) bad("null device memory");
  if (config.dim < 2 || config.dim > 64) bad("dim " + std::to_string(config.dim) + " not in 2..64");
  for (auto [name, size] :
       {std::pair{"l0a_bytes", config.l0a_bytes}, std::pair{"l0b_bytes", config.l0b_bytes},
        std::pair{"l0c_bytes", config.l0c_bytes}}) {
    if (size == 0 || size % 64 != 0 || size > (1u << 24)) {
      bad(std::string(name) + " = " + std::to_string(size) +
          " must be a positive multiple of 64, at most 16 MiB (the offset fields are 24 bits)");
    }
  }
  if (config.queue_depth < 1) bad("queue_depth must be >= 1");
  for (const auto& w : config.windows) {
    if (w.size == 0 || w.base + w.size > (uint64_t{1} << 32)) {
      bad("window [" + Hex(w.base) + ", +" + Hex(w.size) +
          ") is empty or leaves the 32-bit address space");
    }
  }
  l0a_.assign(config.l0a_bytes, 0);
  l0b_.assign(config.l0b_bytes, 0);
  l0c_.assign(config.l0c_bytes / 4, 0);
}

void CoreModel::SetRing(uint32_t base, uint32_t size) {
  if (faulted_) throw std::logic_error("CoreModel::SetRing: the core is faulted; Clear() it first");
  if (fetched_ || !QueuesEmpty()) {
    throw std::logic_error("CoreModel::SetRing: commands are in flight; Run() to idle or Clear()");
  }
  if (base % isa::kDescriptorBytes != 0) {
    throw std::invalid_argument("CoreModel::SetRing: base " + Hex(base) +
                                " is not 32-byte aligned");
  }
  if (size < 2 || uint64_t{base} + uint64_t{size} * isa::kDescriptorBytes > (uint64_t{1} << 32)) {
    throw std::invalid_argument("CoreModel::SetRing: size " + std::to_string(size) +
                                " must be >= 2 and the ring must fit in the address space");
  }
  ring_base_ = base;
  ring_size_ = size;
  head_ = tail_ = 0;
}

void CoreModel::SetTail(uint32_t tail) {
  if (ring_size_ == 0) throw std::logic_error("CoreModel::SetTail: SetRing() first");
  if (tail >= ring_size_) {
    throw std::invalid_argument("CoreModel::SetTail: tail " + std::to_string(tail) +
                                " outside the ring of " + std::to_string(ring_size_) + " slots");
  }
  tail_ = tail;
}

void CoreModel::Submit(const std::vector<isa::Descriptor>& program) {
  if (ring_size_ == 0) throw std::logic_error("CoreModel::Submit: SetRing() first");
  const uint32_t used = (tail_ + ring_size_ - head_) % ring_size_;
  const uint32_t room = ring_size_ - 1 - used;
  if (program.size() > room) {
    throw std::invalid_argument("CoreModel::Submit: " + std::to_string(program.size()) +
                                " descriptors, but the ring has room for " + std::to_string(room) +
                                " (size " + std::to_string(ring_size_) + ", one slot stays empty)");
  }
  uint32_t t = tail_;
  for (const auto& d : program) {
    mem_->WriteWords(uint64_t{ring_base_} + uint64_t{t} * isa::kDescriptorBytes, d.data(),
                     isa::kDescriptorWords);
    t = (t + 1) % ring_size_;
  }
  tail_ = t;
}

int CoreModel::tokens(int channel_bit) const {
  if (channel_bit < 0 || channel_bit >= isa::kNumChannels) {
    throw std::invalid_argument("CoreModel::tokens: no channel " + std::to_string(channel_bit));
  }
  return tokens_[channel_bit];
}

bool CoreModel::QueuesEmpty() const {
  return std::all_of(queues_.begin(), queues_.end(), [](const auto& q) { return q.empty(); });
}

bool CoreModel::Runnable(const Command& c) const {
  for (int b = 0; b < isa::kNumChannels; ++b) {
    if ((c.wait >> b & 1) && tokens_[b] == 0) return false;
    if ((c.signal >> b & 1) && tokens_[b] >= isa::kTokenMax) return false;
  }
  return true;
}

bool CoreModel::CanDispatch() const {
  if (!fetched_) return false;
  if (fetched_->op == Opcode::kSync) return QueuesEmpty();
  return static_cast<int>(queues_[QueueIndex(fetched_->op)].size()) < config_.queue_depth;
}

CoreState CoreModel::state() const {
  if (faulted_) return CoreState::kFaulted;
  if (!fetched_ && head_ == tail_ && QueuesEmpty()) return CoreState::kIdle;
  return CoreState::kBlocked;  // (while Run() is not running: only ever blocked on tokens)
}

bool CoreModel::Step() {
  if (faulted_) return false;
  std::vector<Action> possible;
  if (CanDispatch()) possible.push_back(Action::kDispatch);
  if (!fetched_ && head_ != tail_) possible.push_back(Action::kFetch);
  const Action exec[3] = {Action::kExecLd, Action::kExecEx, Action::kExecSt};
  if (config_.schedule_seed == 0) {
    if (!possible.empty()) {
      Perform(possible.front());
      return true;
    }
    // Oldest runnable queue head first.
    int best = -1;
    for (int q = 0; q < 3; ++q) {
      if (!queues_[q].empty() && Runnable(queues_[q].front()) &&
          (best < 0 || queues_[q].front().seq < queues_[best].front().seq)) {
        best = q;
      }
    }
    if (best < 0) return false;
    Perform(exec[best]);
    return true;
  }
  for (int q = 0; q < 3; ++q) {
    if (!queues_[q].empty() && Runnable(queues_[q].front())) possible.push_back(exec[q]);
  }
  if (possible.empty()) return false;
  Perform(possible[std::uniform_int_distribution<size_t>(0, possible.size() - 1)(rng_)]);
  return true;
}

CoreState CoreModel::Run() {
  while (Step()) {
  }
  if (!faulted_ && fetched_) RaiseDeadlock();  // the sequencer is stuck behind blocked queues
  return state();
}

void CoreModel::Perform(Action a) {
  switch (a) {
    case Action::kFetch:
      Fetch();
      break;
    case Action::kDispatch:
      Dispatch();
      break;
    case Action::kExecLd:
      Execute(0);
      break;
    case Action::kExecEx:
      Execute(1);
      break;
    case Action::kExecSt:
      Execute(2);
      break;
    case Action::kNone:
      break;
  }
}

void CoreModel::Fetch() {
  const uint32_t index = head_;
  const uint64_t addr = uint64_t{ring_base_} + uint64_t{index} * isa::kDescriptorBytes;
  Command c{index, seq_++, Opcode::kSync, {}, 0, 0};
  // A descriptor fetch is a device read like any other: windows first, then memory.
  if (!CheckAccess(c, addr, isa::kDescriptorBytes, false, "descriptor fetch")) return;
  mem_->ReadWords(addr, c.desc.data(), isa::kDescriptorWords);
  head_ = (head_ + 1) % ring_size_;
  ++counters_.descriptors_fetched;
  std::string why;
  const Fault f = ValidateDescriptor(c.desc, config_, &why);
  if (f != Fault::kNone) {
    RaiseFault(f, index, why);
    return;
  }
  c.op = static_cast<Opcode>(isa::RawOpcode(c.desc));
  const auto hdr = isa::SyncDesc::Unpack(c.desc);
  c.wait = hdr.wait_mask;
  c.signal = hdr.signal_mask;
  fetched_ = c;
}

void CoreModel::Dispatch() {
  Command c = *fetched_;
  fetched_.reset();
  if (c.op == Opcode::kSync) {
    if (ExecSync(c)) {
      retired_.push_back({c.index, c.op});
      ++counters_.retired[static_cast<int>(isa::Queue::kSeq)];
    }
    return;
  }
  queues_[QueueIndex(c.op)].push_back(c);
}

void CoreModel::Execute(int queue) {
  Command c = queues_[queue].front();
  queues_[queue].pop_front();
  for (int b = 0; b < isa::kNumChannels; ++b) {
    if (c.wait >> b & 1) --tokens_[b];
  }
  bool ok = false;
  switch (c.op) {
    case Opcode::kLoad:
      ok = ExecLoad(c);
      break;
    case Opcode::kMatmul:
      ok = ExecMatmul(c);
      break;
    case Opcode::kStore:
      ok = ExecStore(c);
      break;
    case Opcode::kVadd:
    case Opcode::kVmax:
    case Opcode::kVrequant:
    case Opcode::kVcopy:
      ok = ExecVector(c);
      break;
    case Opcode::kSync:
      break;  // never queued
  }
  if (!ok) return;
  for (int b = 0; b < isa::kNumChannels; ++b) {
    if (c.signal >> b & 1) ++tokens_[b];
  }
  retired_.push_back({c.index, c.op});
  ++counters_.retired[queue];
}

bool InsideOneWindow(const std::vector<hal::Window>& windows, uint64_t addr, uint64_t len,
                     bool write) {
  if (len == 0) return true;
  for (const auto& w : windows) {
    if (addr >= w.base && addr + len <= w.base + w.size && (!write || w.writable)) return true;
  }
  return false;
}

Fault AccessFault(const std::vector<hal::Window>& windows, const DeviceMemory& mem, uint64_t addr,
                  uint64_t len, bool write) {
  if (!InsideOneWindow(windows, addr, len, write)) return Fault::kAccess;
  return mem.Contains(addr, len) ? Fault::kNone : Fault::kMemError;
}

bool CoreModel::CheckAccess(const Command& c, uint64_t addr, uint64_t len, bool write,
                            const char* what) {
  const Fault f = AccessFault(config_.windows, *mem_, addr, len, write);
  if (f == Fault::kNone) return true;
  const uint64_t end = addr + len;
  if (f == Fault::kAccess) {
    RaiseFault(f, c.index,
               std::string(what) + " of [" + Hex(addr) + ", " + Hex(end) + ") is not inside one " +
                   (write ? "writable " : "") + "granted window");
  } else {
    RaiseFault(f, c.index,
               std::string(what) + " of [" + Hex(addr) + ", " + Hex(end) +
                   ") got an error response: outside device memory [" + Hex(mem_->base()) + ", " +
                   Hex(mem_->base() + mem_->size()) + ")");
  }
  return false;
}

bool CoreModel::ExecLoad(const Command& c) {
  const auto x = isa::LoadDesc::Unpack(c.desc);
  // Check every row before moving any byte: a faulting LOAD changes nothing.
  for (uint64_t r = 0; r < x.valid_rows; ++r) {
    if (!CheckAccess(c, x.src_addr + r * x.src_stride, x.valid_cols, false, "LOAD row read")) {
      return false;
    }
  }
  uint8_t* dst = (x.dst_buffer ? l0b_.data() : l0a_.data()) + x.dst_offset;
  for (uint64_t r = 0; r < x.rows; ++r) {
    uint8_t* row = dst + r * x.row_bytes;
    std::fill(row, row + x.row_bytes, 0);
    if (r < x.valid_rows) mem_->Read(x.src_addr + r * x.src_stride, row, x.valid_cols);
  }
  counters_.bytes_read += uint64_t{x.valid_rows} * x.valid_cols;
  return true;
}

bool CoreModel::ExecMatmul(const Command& c) {
  const auto x = isa::MatmulDesc::Unpack(c.desc);
  const auto* a = reinterpret_cast<const int8_t*>(l0a_.data() + x.a_offset);
  const auto* b = reinterpret_cast<const int8_t*>(l0b_.data() + x.b_offset);
  GemmShape s;
  s.m = static_cast<int>(x.m);
  s.n = static_cast<int>(x.n);
  s.k = static_cast<int>(x.k);
  GemmInt8(a, b, l0c_.data() + x.c_offset / 4, s, x.accumulate != 0);
  counters_.macs += uint64_t{x.m} * x.n * x.k;
  return true;
}

bool CoreModel::ExecStore(const Command& c) {
  const auto x = isa::StoreDesc::Unpack(c.desc);
  const uint64_t esize = x.int8_out ? 1 : 4;
  std::vector<int32_t> bias(x.cols, 0);
  if (x.bias_en) {
    if (!CheckAccess(c, x.bias_addr, 4 * uint64_t{x.cols}, false, "STORE bias read")) return false;
  }
  for (uint64_t r = 0; r < x.rows; ++r) {
    if (!CheckAccess(c, x.dst_addr + r * x.dst_stride, esize * x.cols, true, "STORE row write")) {
      return false;
    }
  }
  if (x.bias_en) {
    mem_->ReadWords(x.bias_addr, reinterpret_cast<uint32_t*>(bias.data()), x.cols);
    counters_.bytes_read += 4 * uint64_t{x.cols};
  }
  std::vector<uint8_t> row(esize * x.cols);
  for (uint64_t r = 0; r < x.rows; ++r) {
    const int32_t* src = l0c_.data() + x.c_offset / 4 + r * x.c_pitch;
    for (uint32_t col = 0; col < x.cols; ++col) {
      const int32_t v = EpilogueInt32(src[col], bias[col], x.bias_en != 0, x.relu != 0);
      if (x.int8_out) {
        row[col] = static_cast<uint8_t>(Requantize(v, x.scale, static_cast<int>(x.shift)));
      } else {
        for (int byte = 0; byte < 4; ++byte)
          row[4 * col + byte] = static_cast<uint8_t>(static_cast<uint32_t>(v) >> (8 * byte));
      }
    }
    mem_->Write(x.dst_addr + r * x.dst_stride, row.data(), row.size());
  }
  counters_.bytes_written += uint64_t{x.rows} * row.size();
  return true;
}

bool CoreModel::ExecVector(const Command& c) {
  const auto v = isa::VectorCommandOf(c.desc);
  const std::string name = isa::OpcodeName(v.op);
  // Every range's window before any memory check, so ACCESS wins over MEM_ERROR as in the
  // RTL, whose window pre-pass runs before its first read.
  struct Range {
    uint64_t addr, len;
    bool write;
    const char* what;
  };
  std::vector<Range> ranges;
  for (uint32_t r = 0; r < v.rows; ++r) {
    for (int s = 0; s < v.num_srcs; ++s) {
      ranges.push_back(
          {v.src[s].RowAddr(r), v.SrcRowBytes(), false, s ? "src1 row read" : "src0 row read"});
    }
    ranges.push_back({v.dst.RowAddr(r), v.DstRowBytes(), true, "dst row write"});
  }
  for (const Range& g : ranges) {
    if (!InsideOneWindow(config_.windows, g.addr, g.len, g.write)) {
      return CheckAccess(c, g.addr, g.len, g.write, (name + " " + g.what).c_str());
    }
  }
  for (const Range& g : ranges) {
    if (!mem_->Contains(g.addr, g.len)) {
      return CheckAccess(c, g.addr, g.len, g.write, (name + " " + g.what).c_str());
    }
  }
  std::vector<uint8_t> src0(v.SrcRowBytes()), src1(v.SrcRowBytes()), dst(v.DstRowBytes());
  for (uint32_t r = 0; r < v.rows; ++r) {
    mem_->Read(v.src[0].RowAddr(r), src0.data(), src0.size());
    if (v.num_srcs > 1) mem_->Read(v.src[1].RowAddr(r), src1.data(), src1.size());
    VectorRow(v, src0.data(), src1.data(), dst.data());
    mem_->Write(v.dst.RowAddr(r), dst.data(), dst.size());
  }
  counters_.bytes_read += uint64_t{v.rows} * v.SrcRowBytes() * v.num_srcs;
  counters_.bytes_written += uint64_t{v.rows} * v.DstRowBytes();
  return true;
}

bool CoreModel::ExecSync(const Command& c) {
  const auto x = isa::SyncDesc::Unpack(c.desc);
  if (!CheckAccess(c, x.addr, 4, true, "SYNC completion write")) return false;
  mem_->Write32(x.addr, x.value);
  counters_.bytes_written += 4;
  if (x.irq) {
    irq_ = true;
    ++counters_.irqs;
  }
  return true;
}

void CoreModel::RaiseFault(Fault code, uint32_t index, const std::string& message) {
  faulted_ = true;
  fault_ = {code, index, message};
  irq_ = true;  // the error interrupt
}

void CoreModel::RaiseDeadlock() {
  const Command* oldest = nullptr;
  std::string detail;
  const char* names[3] = {"LD", "EX", "ST"};
  for (int q = 0; q < 3; ++q) {
    if (queues_[q].empty()) continue;
    const Command& c = queues_[q].front();
    if (!oldest || c.seq < oldest->seq) oldest = &c;
    detail += std::string("; ") + names[q] + " head " + isa::OpcodeName(c.op) + " @" +
              std::to_string(c.index) + " waits " + MaskNames(c.wait) + " signals " +
              MaskNames(c.signal);
  }
  std::string tokens;
  for (int b = 0; b < isa::kNumChannels; ++b) {
    tokens += std::string(b ? " " : "") + isa::ChannelName(b) + "=" + std::to_string(tokens_[b]);
  }
  RaiseFault(Fault::kDeadlock, oldest ? oldest->index : fetched_->index,
             std::string("token deadlock: the sequencer holds ") + isa::OpcodeName(fetched_->op) +
                 " @" + std::to_string(fetched_->index) + " and no queue can start" + detail +
                 " (tokens " + tokens + ")");
}

void CoreModel::Clear() {
  fetched_.reset();
  for (auto& q : queues_) q.clear();
  tokens_.fill(0);
  faulted_ = false;
  fault_ = {};
  irq_ = false;
}

}  // namespace luoshu::model
