#include "sw/hal/replay.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sw/hal/types.h"

// The operations as logged (a, b, c are inputs, r the result):
//   ReadReg           a offset              r value
//   WriteReg          a offset, b value
//   WriteMem          a addr, b len, c FNV-1a of the bytes (the bytes are in the saved memory)
//   ReadMem           a addr, b len         data the bytes
//   WaitIrq           a max_cycles          r the line was high
//   RecordUnitEvents  a on                  r supported
//   TakeUnitEvents                          data the events (cycle, core, queue, finish)
//
// File: "LSCKPT" + two-digit format version, the payload's size (u64) and FNV-1a (u64), then
// the payload: tool, state id, command, args, cycle, interval, wait_start, wait_max, the
// operations and the backend state.

namespace luoshu::hal {
namespace {

namespace fs = std::filesystem;

constexpr char kMagic[] = "LSCKPT";  // + kFormat as two digits
constexpr int kFormat = 1;
constexpr size_t kHeaderBytes = 8 + 8 + 8;

std::string Hex(uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}

std::string OpText(BusOp::Kind kind, uint64_t a, uint64_t b) {
  switch (kind) {
    case BusOp::kReadReg:
      return "ReadReg(" + Hex(a) + ")";
    case BusOp::kWriteReg:
      return "WriteReg(" + Hex(a) + ", " + Hex(b) + ")";
    case BusOp::kWriteMem:
      return "WriteMem(" + Hex(a) + ", " + std::to_string(b) + " bytes)";
    case BusOp::kReadMem:
      return "ReadMem(" + Hex(a) + ", " + std::to_string(b) + " bytes)";
    case BusOp::kWaitIrq:
      return "WaitIrq(" + std::to_string(a) + " cycles)";
    case BusOp::kRecordUnitEvents:
      return std::string("RecordUnitEvents(") + (a ? "on" : "off") + ")";
    case BusOp::kTakeUnitEvents:
      return "TakeUnitEvents()";
  }
  return "operation " + std::to_string(int(kind));
}

void WriteOp(const BusOp& op, StateWriter* w) {
  w->U8(op.kind);
  for (uint64_t v : {op.a, op.b, op.c, op.r, op.cycle}) w->U64(v);
  w->Str(op.data);
  w->Str(op.error);
}

BusOp ReadOp(StateReader* r) {
  BusOp op;
  const uint8_t kind = r->U8();
  if (kind < BusOp::kReadReg || kind > BusOp::kTakeUnitEvents) {
    r->Fail("holds an unknown host operation (" + std::to_string(kind) + "); it is corrupt");
  }
  op.kind = static_cast<BusOp::Kind>(kind);
  for (uint64_t* v : {&op.a, &op.b, &op.c, &op.r, &op.cycle}) *v = r->U64();
  op.data = r->Str();
  op.error = r->Str();
  return op;
}

std::string FileName(const std::string& name, uint64_t cycle) {
  char b[32];
  std::snprintf(b, sizeof b, ".c%012llu.ckpt", static_cast<unsigned long long>(cycle));
  return name + b;
}

}  // namespace

Checkpoint LoadCheckpoint(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    throw StateError("checkpoint " + path + " is a folder; give a .ckpt file in it");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw StateError("cannot read checkpoint " + path +
                     ": no such file (or not readable); runs print the path of theirs");
  }
  std::ostringstream all;
  all << in.rdbuf();
  const std::string bytes = all.str();
  const std::string what = "checkpoint " + path;
  if (bytes.size() < kHeaderBytes || bytes.compare(0, 6, kMagic) != 0) {
    throw StateError(what + " is not a Luoshu checkpoint (no LSCKPT header)");
  }
  char version[3] = {};
  std::snprintf(version, sizeof version, "%02d", kFormat);
  if (bytes.compare(6, 2, version) != 0) {
    throw StateError(what + " has format " + bytes.substr(6, 2) + ", this luoshu reads format " +
                     version + "; replay it with the luoshu that wrote it");
  }
  uint64_t size = 0, sum = 0;
  std::memcpy(&size, bytes.data() + 8, 8);
  std::memcpy(&sum, bytes.data() + 16, 8);
  if (bytes.size() - kHeaderBytes != size) {
    throw StateError(what + " is " + std::to_string(bytes.size()) + " bytes, its header says " +
                     std::to_string(size + kHeaderBytes) + ": it is truncated or was cut");
  }
  const std::string payload = bytes.substr(kHeaderBytes);
  if (Fnv1a(payload.data(), payload.size()) != sum) {
    throw StateError(what + " is corrupt (its checksum does not match its contents)");
  }
  StateReader r(payload, what);
  Checkpoint c;
  c.path = path;
  c.tool = r.Str();
  c.state_id = r.Str();
  c.command = r.Str();
  c.args.resize(r.Count(8));
  for (auto& a : c.args) a = r.Str();
  c.cycle = r.U64();
  c.interval = r.U64();
  c.wait_start = r.U64();
  c.wait_max = r.U64();
  c.ops.resize(r.Count(1 + 5 * 8 + 16));
  for (auto& op : c.ops) op = ReadOp(&r);
  c.state = r.Str();
  if (r.left() != 0) r.Fail("has " + std::to_string(r.left()) + " unexpected bytes at its end");
  return c;
}

ReplayBus::ReplayBus(std::unique_ptr<HostBus> inner, RecordOptions options,
                     std::shared_ptr<ReplayStatus> status)
    : inner_(std::move(inner)),
      status_(std::move(status)),
      recording_(true),
      rec_(std::move(options)) {
  if (inner_->StateId().empty()) {
    throw ConfigError("checkpoints need a backend that can save its state (" + inner_->Describe() +
                      " cannot); use the rtl backend");
  }
  if (rec_.every == 0) throw ConfigError("checkpoints need an interval of at least 1 cycle");
  std::error_code ec;
  fs::create_directories(rec_.dir, ec);
  if (ec || !fs::is_directory(rec_.dir, ec)) {
    throw ConfigError("cannot create the checkpoint folder '" + rec_.dir +
                      "'; give a writable folder with --checkpoint-dir");
  }
  // A new run of this name replaces the checkpoints of the last one.
  for (const auto& e : fs::directory_iterator(rec_.dir, ec)) {
    const std::string f = e.path().filename().string();
    if (f.rfind(rec_.name + ".c", 0) == 0 && f.find(".ckpt") != std::string::npos) {
      fs::remove(e.path(), ec);
    }
  }
  status_->cycle = inner_->Now();
}

ReplayBus::ReplayBus(std::unique_ptr<HostBus> inner, Checkpoint checkpoint, uint64_t until,
                     std::shared_ptr<ReplayStatus> status)
    : inner_(std::move(inner)),
      status_(std::move(status)),
      live_(false),
      ckpt_(std::move(checkpoint)),
      until_(until) {
  if (inner_->StateId() != ckpt_.state_id) {
    throw StateError("checkpoint " + ckpt_.path + " was saved by \"" + ckpt_.state_id +
                     "\", this luoshu runs \"" + inner_->StateId() +
                     "\": replay it with the build that recorded it, or record the run again");
  }
  cycle_ = inner_->Now();
  status_->cycle = cycle_;
}

const BusOp* ReplayBus::Enter(BusOp::Kind kind, uint64_t a, uint64_t b, uint64_t c) {
  if (!live_) {
    if (pos_ < ckpt_.ops.size()) {
      const BusOp& op = ckpt_.ops[pos_];
      if (op.kind != kind || op.a != a || op.b != b || op.c != c) Diverged(op, kind, a, b);
      ++pos_;
      cycle_ = op.cycle;
      status_->cycle = cycle_;
      if (!op.error.empty()) throw BusError(op.error);
      return &op;
    }
    if (ckpt_.wait_max && (kind != BusOp::kWaitIrq || a != ckpt_.wait_max)) {
      BusOp want;
      want.kind = BusOp::kWaitIrq;
      want.a = ckpt_.wait_max;
      Diverged(want, kind, a, b);
    }
    Restore();
  }
  // While a failure unwinds (the runtime clears the cores on its way out) the run goes on
  // quietly: no checkpoint after the failure, no second stop.
  if (std::uncaught_exceptions() == 0) {
    const uint64_t now = inner_->Now();
    if (now >= until_) {
      throw ReplayStop("replay stopped at cycle " + std::to_string(now) + " (--until " +
                           std::to_string(until_) + ")",
                       now);
    }
    if (recording_ && now >= due_) TakeCheckpoint(0, 0);
  }
  return nullptr;
}

template <class Fn>
void ReplayBus::Live(BusOp* op, Fn fn) {
  try {
    fn();
  } catch (const BusError& e) {
    op->error = e.what();
    Done(op);
    throw;
  } catch (...) {
    // The run fails inside this operation (an RTL assertion, a harness watchdog): that cycle,
    // not the operation's start, is where a replay of the failure has to reach.
    status_->cycle = inner_->Now();
    throw;
  }
  Done(op);
}

void ReplayBus::Done(BusOp* op) {
  op->cycle = inner_->Now();
  if (std::uncaught_exceptions() == 0) status_->cycle = op->cycle;
  if (recording_) {
    WriteOp(*op, &log_);
    ++logged_;
  }
}

void ReplayBus::Restore() {
  StateReader r(ckpt_.state, "checkpoint " + ckpt_.path);
  inner_->RestoreState(&r);
  if (inner_->Now() != ckpt_.cycle) {
    r.Fail("restored the backend to cycle " + std::to_string(inner_->Now()) + ", not " +
           std::to_string(ckpt_.cycle) + "; it is corrupt");
  }
  ckpt_.state = std::string();  // no longer needed: free it
  live_ = true;
  status_->restored = true;
  status_->cycle = ckpt_.cycle;
}

void ReplayBus::Diverged(const BusOp& want, BusOp::Kind kind, uint64_t a, uint64_t b) const {
  throw StateError("the replay of checkpoint " + ckpt_.path + " left the recorded run at host " +
                   "operation " + std::to_string(pos_ + 1) + " of " +
                   std::to_string(ckpt_.ops.size()) + ": this run does " + OpText(kind, a, b) +
                   " where the recorded one did " + OpText(want.kind, want.a, want.b) +
                   "; the inputs (operand files) or the luoshu build differ from the recording's");
}

void ReplayBus::TakeCheckpoint(uint64_t wait_start, uint64_t wait_max) {
  const auto t0 = std::chrono::steady_clock::now();
  const uint64_t now = inner_->Now();
  StateWriter state;
  inner_->SaveState(&state);
  StateWriter p;
  p.Str(rec_.tool);
  p.Str(inner_->StateId());
  p.Str(rec_.command);
  p.U64(rec_.args.size());
  for (const auto& a : rec_.args) p.Str(a);
  p.U64(now);
  p.U64(rec_.every);
  p.U64(wait_start);
  p.U64(wait_max);
  p.U64(logged_);
  p.Raw(log_.bytes().data(), log_.bytes().size());
  p.Str(state.bytes());
  const std::string& payload = p.bytes();

  const std::string path = (fs::path(rec_.dir) / FileName(rec_.name, now)).string();
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    char magic[9];
    std::snprintf(magic, sizeof magic, "%s%02d", kMagic, kFormat);
    const uint64_t size = payload.size(), sum = Fnv1a(payload.data(), payload.size());
    out.write(magic, 8);
    out.write(reinterpret_cast<const char*>(&size), 8);
    out.write(reinterpret_cast<const char*>(&sum), 8);
    out.write(payload.data(), static_cast<std::streamsize>(payload.size()));
    if (!out.flush()) {
      std::error_code ec;
      fs::remove(tmp, ec);
      throw StateError("cannot write checkpoint " + path +
                       " (disk full or folder not writable); free space or pick another "
                       "--checkpoint-dir");
    }
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) throw StateError("cannot write checkpoint " + path + ": " + ec.message());
  // Only the newest few are kept, so a long run does not fill the disk.
  auto& kept = status_->kept;
  kept.push_back(path);
  while (static_cast<int>(kept.size()) > rec_.keep) {
    fs::remove(kept.front(), ec);
    kept.erase(kept.begin());
  }
  status_->last_checkpoint = path;
  status_->last_checkpoint_cycle = now;
  ++status_->checkpoints;
  status_->save_seconds +=
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  due_ = (now / rec_.every + 1) * rec_.every;
}

bool ReplayBus::Wait(uint64_t start, uint64_t max_cycles) {
  for (;;) {
    const uint64_t now = inner_->Now();
    const uint64_t waited = now - start;
    if (waited >= max_cycles) return inner_->WaitIrq(0);
    uint64_t chunk = max_cycles - waited;
    if (recording_ && due_ > now) chunk = std::min(chunk, due_ - now);
    if (until_ > now) chunk = std::min(chunk, until_ - now);
    const bool irq = inner_->WaitIrq(chunk);
    const uint64_t stepped = inner_->Now() - now;
    // The line rose, or a stop request (Ctrl-C) cut the wait short: the caller sees it.
    if (irq || stepped < chunk) return irq;
    if (waited + stepped >= max_cycles || std::uncaught_exceptions() > 0) return false;
    const uint64_t after = inner_->Now();
    if (after >= until_) {
      throw ReplayStop("replay stopped at cycle " + std::to_string(after) + " (--until " +
                           std::to_string(until_) + ")",
                       after);
    }
    if (recording_ && after >= due_) TakeCheckpoint(start, max_cycles);
  }
}

uint32_t ReplayBus::ReadReg(uint32_t offset) {
  if (const BusOp* op = Enter(BusOp::kReadReg, offset)) return static_cast<uint32_t>(op->r);
  BusOp op;
  op.kind = BusOp::kReadReg;
  op.a = offset;
  Live(&op, [&] { op.r = inner_->ReadReg(offset); });
  return static_cast<uint32_t>(op.r);
}

void ReplayBus::WriteReg(uint32_t offset, uint32_t value) {
  if (Enter(BusOp::kWriteReg, offset, value)) return;
  BusOp op;
  op.kind = BusOp::kWriteReg;
  op.a = offset;
  op.b = value;
  Live(&op, [&] { inner_->WriteReg(offset, value); });
}

void ReplayBus::WriteMem(uint64_t addr, const void* src, uint64_t len) {
  const uint64_t sum = Fnv1a(src, len);
  if (Enter(BusOp::kWriteMem, addr, len, sum)) return;  // the bytes come with the saved memory
  BusOp op;
  op.kind = BusOp::kWriteMem;
  op.a = addr;
  op.b = len;
  op.c = sum;
  Live(&op, [&] { inner_->WriteMem(addr, src, len); });
}

void ReplayBus::ReadMem(uint64_t addr, void* dst, uint64_t len) {
  if (const BusOp* op = Enter(BusOp::kReadMem, addr, len)) {
    if (op->data.size() != len) throw StateError("checkpoint " + ckpt_.path + " is corrupt");
    std::memcpy(dst, op->data.data(), len);
    return;
  }
  BusOp op;
  op.kind = BusOp::kReadMem;
  op.a = addr;
  op.b = len;
  Live(&op, [&] {
    inner_->ReadMem(addr, dst, len);
    if (recording_) op.data.assign(static_cast<const char*>(dst), len);
  });
}

bool ReplayBus::WaitIrq(uint64_t max_cycles) {
  // A wait that a checkpoint cut in two resumes from the cycle it began at.
  const uint64_t start = Now();
  if (const BusOp* op = Enter(BusOp::kWaitIrq, max_cycles)) return op->r != 0;
  BusOp op;
  op.kind = BusOp::kWaitIrq;
  op.a = max_cycles;
  Live(&op, [&] { op.r = Wait(start, max_cycles); });
  return op.r != 0;
}

bool ReplayBus::RecordUnitEvents(bool on) {
  if (const BusOp* op = Enter(BusOp::kRecordUnitEvents, on)) return op->r != 0;
  BusOp op;
  op.kind = BusOp::kRecordUnitEvents;
  op.a = on;
  Live(&op, [&] { op.r = inner_->RecordUnitEvents(on); });
  return op.r != 0;
}

std::vector<UnitEvent> ReplayBus::TakeUnitEvents() {
  std::vector<UnitEvent> events;
  if (const BusOp* op = Enter(BusOp::kTakeUnitEvents, 0)) {
    StateReader r(op->data, "checkpoint " + ckpt_.path);
    events.resize(r.Count(11));
    for (auto& e : events) {
      e.cycle = r.U64(), e.core = r.U8(), e.queue = r.U8(), e.finish = r.U8() != 0;
    }
    return events;
  }
  BusOp op;
  op.kind = BusOp::kTakeUnitEvents;
  Live(&op, [&] {
    events = inner_->TakeUnitEvents();
    if (!recording_) return;
    StateWriter w;
    w.U64(events.size());
    for (const auto& e : events) w.U64(e.cycle), w.U8(e.core), w.U8(e.queue), w.U8(e.finish);
    op.data = w.Take();
  });
  return events;
}

}  // namespace luoshu::hal
