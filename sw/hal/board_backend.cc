#include "sw/hal/board_backend.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "sw/hal/backend.h"
#include "sw/hal/serial_port.h"
#include "sw/hal/stop.h"
#include "sw/hal/types.h"

namespace luoshu::hal {
namespace {

namespace br = bridge;
using Clock = std::chrono::steady_clock;

// Reply payloads before HELLO told max_data: HELLO's and STATUS's are 11 bytes.
constexpr size_t kSmallReply = 16;
constexpr uint8_t kIrqFlag = 0x01;

std::string Hex(uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}

int MsLeft(Clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::max<int64_t>(0, left));
}

// Replies about a damaged request: nothing was executed, the frame may be sent again.
bool IsFramingError(uint8_t status) {
  const auto code = static_cast<br::Status>(status);  // a duplicate is never a framing error
  return code == br::Status::kBadCrc || code == br::Status::kTruncated ||
         code == br::Status::kBadLen;
}

std::string Reason(uint8_t status, bool memory) {
  switch (static_cast<br::Status>(status & ~br::kDuplicate)) {
    case br::Status::kUnknownCmd:
      return "the board's bridge does not know this command";
    case br::Status::kBadLen:
      return "the board refused the command's length";
    case br::Status::kBadAddr:
      return memory ? "outside the board's device memory"
                    : "register offset out of range (>= 0x800) or not word aligned";
    case br::Status::kBusError:
      return "the register block answered SLVERR/DECERR (no such register)";
    default:
      return "unexpected reply status";
  }
}

}  // namespace

BoardBus::BoardBus(std::unique_ptr<ByteLink> link, const BoardLinkOptions& options)
    : link_(std::move(link)),
      options_(options),
      parser_(br::kReplyStart, br::kReplyHeader, kSmallReply) {
  if (!link_) throw ConfigError("BoardBus: no link");
  if (options_.timeout_ms < 1 || options_.retries < 0 || options_.quiet_ms < 1) {
    throw ConfigError(
        "board link: the reply timeout and the quiet time must be >= 1 ms and "
        "the retries >= 0");
  }
  link_->Drain();
  Hello();
  // CYCLE fields carry 32 bits: the first full count comes from STATUS.
  PollStatus();
}

void BoardBus::Advance(uint32_t cycle) {
  // CYCLE is the low half of the board's counter. A reply sent again (duplicate) may carry
  // an older value: only forward steps count, so Now() never goes back.
  const uint32_t step = cycle - static_cast<uint32_t>(now_);
  if (step < 0x80000000u) now_ += step;
}

void BoardBus::Hello() {
  const br::Reply r = Transact(br::Cmd::kHello, {}, "HELLO");
  const std::vector<uint8_t>& p = r.payload;
  if (p.empty()) throw LinkError("board on " + link_->Describe() + ": empty HELLO reply");
  version_ = p[0];
  if (version_ != br::kVersion) {
    throw ConfigError("the board on " + link_->Describe() + " speaks bridge protocol version " +
                      std::to_string(version_) + ", this luoshu speaks version " +
                      std::to_string(br::kVersion) +
                      "; use a luoshu and a board bitstream (or simulator) of the same release");
  }
  if (p.size() != 11) {
    throw LinkError("board on " + link_->Describe() + ": HELLO reply of " +
                    std::to_string(p.size()) + " bytes, expected 11");
  }
  max_data_ = br::Get16(&p[1]);
  mem_base_ = br::Get32(&p[3]);
  mem_size_ = br::Get32(&p[7]);
  if (max_data_ < 1 || mem_size_ == 0) {
    throw ConfigError("the board on " + link_->Describe() + " reports max_data " +
                      std::to_string(max_data_) + " and " + std::to_string(mem_size_) +
                      " bytes of device memory; its bitstream is not usable");
  }
  parser_ = br::FrameParser(br::kReplyStart, br::kReplyHeader,
                            std::max<size_t>(kSmallReply, static_cast<size_t>(max_data_)));
}

BoardBus::Got BoardBus::ReadReply(int timeout_ms, br::Reply* out) {
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    if (rx_pos_ < rx_.size()) {
      switch (parser_.Feed(rx_.data(), rx_.size(), &rx_pos_)) {
        case br::FrameParser::Result::kFrame:
          *out = br::DecodeReply(parser_.frame());
          return Got::kReply;
        case br::FrameParser::Result::kBadCrc:
        case br::FrameParser::Result::kBadLen:
          return Got::kDamaged;
        case br::FrameParser::Result::kNeedMore:
          break;
      }
    }
    rx_.clear();
    rx_pos_ = 0;
    uint8_t buf[512];
    const size_t n = link_->Read(buf, sizeof buf, MsLeft(deadline));
    if (n == 0) return Got::kNothing;
    stats_.bytes_received += n;
    rx_.assign(buf, buf + n);
  }
}

void BoardBus::WaitQuiet() {
  parser_.Reset();
  rx_.clear();
  rx_pos_ = 0;
  link_->Drain();
  // A line that never falls silent (noise, a wrong baud rate) must not hold the host forever.
  const Clock::time_point limit =
      Clock::now() + std::chrono::milliseconds(4 * options_.timeout_ms + options_.quiet_ms);
  uint8_t buf[512];
  uint64_t dropped = 0;
  while (size_t n = link_->Read(buf, sizeof buf, options_.quiet_ms)) {
    stats_.bytes_received += n;
    dropped += n;
    if (Clock::now() > limit) {
      throw LinkError("board on " + link_->Describe() + ": the line does not fall silent (" +
                      std::to_string(dropped) +
                      " bytes of noise); check the cable and that --baud matches the board");
    }
  }
}

br::Reply BoardBus::Transact(br::Cmd cmd, const std::vector<uint8_t>& payload,
                             const std::string& what) {
  std::string last = "no reply";
  for (int attempt = 0;; ++attempt) {
    const std::vector<uint8_t> frame =
        br::EncodeRequest({static_cast<uint8_t>(cmd), seq_, payload});
    link_->Write(frame.data(), frame.size());
    ++stats_.frames_sent;
    stats_.bytes_sent += frame.size();

    bool resync = false;
    const Clock::time_point deadline =
        Clock::now() + std::chrono::milliseconds(options_.timeout_ms);
    for (;;) {
      br::Reply r;
      const Got got = ReadReply(MsLeft(deadline), &r);
      if (got == Got::kNothing) {
        ++stats_.timeouts;
        last = "no reply within " + std::to_string(options_.timeout_ms) + " ms";
        break;
      }
      if (got == Got::kDamaged) {
        ++stats_.bad_replies;
        last = "a damaged reply (CRC or length)";
        break;
      }
      Advance(r.cycle);
      if (IsFramingError(r.status)) {
        // Whatever frame it is about, nothing was executed: the resend is safe.
        ++stats_.framing_errors;
        last = "the board saw a damaged frame (" + br::StatusName(r.status) + ")";
        break;
      }
      if (r.seq != seq_) {  // a late reply to an earlier frame
        ++stats_.stale;
        continue;
      }
      const uint8_t code = r.status & static_cast<uint8_t>(~br::kDuplicate);
      if (code == static_cast<uint8_t>(br::Status::kBadSeq)) {
        resync = true;
        last = "BAD_SEQ";
        break;
      }
      if (r.status & br::kDuplicate) ++stats_.duplicates;
      ++seq_;
      ++stats_.commands;
      if (code == static_cast<uint8_t>(br::Status::kOk)) return r;
      // Executed and final: retrying would give the same answer.
      const bool memory = cmd == br::Cmd::kReadMem || cmd == br::Cmd::kWriteMem;
      throw BusError("board: " + what + ": " + br::StatusName(r.status) + " (" +
                     Reason(r.status, memory) + ")");
    }
    if (attempt >= options_.retries) {
      throw LinkError("board on " + link_->Describe() + ": " + what + ": no valid reply after " +
                      std::to_string(attempt + 1) + " attempt(s) (" +
                      std::to_string(options_.timeout_ms) + " ms each); last: " + last +
                      ". Check that the board (or the simulator) is running on that device and "
                      "that --baud matches it; a slow link needs a larger --link-timeout-ms or "
                      "--link-retries");
    }
    ++stats_.retries;
    if (resync) {
      // The board expects another SEQ (it was reset, or another host used it): HELLO sets
      // the board's expectation to ours, then the frame goes again with the new SEQ.
      ++stats_.resyncs;
      Transact(br::Cmd::kHello, {}, "HELLO (resync)");
    } else {
      WaitQuiet();
    }
  }
}

uint32_t BoardBus::ReadReg(uint32_t offset) {
  std::vector<uint8_t> p;
  br::Put32(&p, offset);
  const br::Reply r = Transact(br::Cmd::kReadReg, p, "READ_REG " + Hex(offset));
  if (r.payload.size() != 4) {
    throw LinkError("board on " + link_->Describe() + ": READ_REG " + Hex(offset) + " answered " +
                    std::to_string(r.payload.size()) + " bytes, expected 4");
  }
  return br::Get32(r.payload.data());
}

void BoardBus::WriteReg(uint32_t offset, uint32_t value) {
  std::vector<uint8_t> p;
  br::Put32(&p, offset);
  br::Put32(&p, value);
  Transact(br::Cmd::kWriteReg, p, "WRITE_REG " + Hex(offset));
}

namespace {

void CheckRange(const char* op, uint64_t addr, uint64_t len, uint64_t base, uint64_t size) {
  if (addr < base || len > size || addr - base > size - len) {
    throw BusError("board: " + std::string(op) + " of " + std::to_string(len) + " bytes at " +
                   Hex(addr) + " leaves the board's device memory [" + Hex(base) + ", " +
                   Hex(base + size) + ")");
  }
}

}  // namespace

void BoardBus::WriteMem(uint64_t addr, const void* src, uint64_t len) {
  CheckRange("write", addr, len, mem_base_, mem_size_);
  const auto* s = static_cast<const uint8_t*>(src);
  for (uint64_t done = 0; done < len;) {
    const uint64_t n = std::min<uint64_t>(len - done, static_cast<uint64_t>(max_data_));
    std::vector<uint8_t> p;
    p.reserve(4 + n);
    br::Put32(&p, static_cast<uint32_t>(addr + done));
    p.insert(p.end(), s + done, s + done + n);
    Transact(br::Cmd::kWriteMem, p,
             "WRITE_MEM " + Hex(addr + done) + " (" + std::to_string(n) + " bytes)");
    done += n;
  }
}

void BoardBus::ReadMem(uint64_t addr, void* dst, uint64_t len) {
  CheckRange("read", addr, len, mem_base_, mem_size_);
  auto* d = static_cast<uint8_t*>(dst);
  for (uint64_t done = 0; done < len;) {
    const uint64_t n = std::min<uint64_t>(len - done, static_cast<uint64_t>(max_data_));
    std::vector<uint8_t> p;
    br::Put32(&p, static_cast<uint32_t>(addr + done));
    br::Put16(&p, static_cast<uint16_t>(n));
    const std::string what = "READ_MEM " + Hex(addr + done) + " (" + std::to_string(n) + " bytes)";
    const br::Reply r = Transact(br::Cmd::kReadMem, p, what);
    if (r.payload.size() != n) {
      throw LinkError("board on " + link_->Describe() + ": " + what + " answered " +
                      std::to_string(r.payload.size()) + " bytes");
    }
    std::copy(r.payload.begin(), r.payload.end(), d + done);
    done += n;
  }
}

bool BoardBus::PollStatus() {
  const br::Reply r = Transact(br::Cmd::kStatus, {}, "STATUS");
  if (r.payload.size() != 11) {
    throw LinkError("board on " + link_->Describe() + ": STATUS answered " +
                    std::to_string(r.payload.size()) + " bytes, expected 11");
  }
  now_ = std::max(now_, br::Get64(r.payload.data()));
  rejected_ = br::Get16(&r.payload[9]);
  return (r.payload[8] & kIrqFlag) != 0;
}

bool BoardBus::WaitIrq(uint64_t max_cycles) {
  const uint64_t start = now_;
  // A board whose cycle counter stands still would keep this loop polling forever.
  constexpr int kStillPolls = 1000;
  int still = 0;
  for (;;) {
    const uint64_t before = now_;
    if (PollStatus()) return true;
    // A stop request (Ctrl-C) ends the wait early; the runtime's wait loop then unwinds.
    if (now_ - start >= max_cycles || StopRequested()) return false;
    still = now_ == before ? still + 1 : 0;
    if (still >= kStillPolls) {
      throw LinkError("board on " + link_->Describe() + ": its cycle counter stood still at " +
                      std::to_string(now_) + " over " + std::to_string(kStillPolls) +
                      " STATUS polls; the board's clock or bridge is broken (reprogram or reset "
                      "it)");
    }
  }
}

std::string BoardBus::Describe() const {
  return "board on " + link_->Describe() + " (bridge v" + std::to_string(version_) + ", " +
         std::to_string(mem_size_ >> 10) + " KiB device memory at " + Hex(mem_base_) + ")";
}

std::vector<std::pair<std::string, uint64_t>> BoardBus::Statistics() const {
  return {{"commands", stats_.commands},
          {"frames sent", stats_.frames_sent},
          {"retries", stats_.retries},
          {"timeouts", stats_.timeouts},
          {"damaged replies", stats_.bad_replies},
          {"framing errors", stats_.framing_errors},
          {"duplicates", stats_.duplicates},
          {"stale replies", stats_.stale},
          {"resyncs", stats_.resyncs},
          {"bytes sent", stats_.bytes_sent},
          {"bytes received", stats_.bytes_received}};
}

void RegisterBoardBackend() {
  RegisterBackend("board",
                  "a Luoshu board (or the board simulator) over a serial link: --device PATH",
                  [](const BackendOptions& o) -> std::unique_ptr<HostBus> {
                    const BackendOptions defaults;
                    auto refuse = [](const std::string& what) {
                      throw ConfigError("the board backend has no " + what +
                                        "; use --backend rtl for a cycle-accurate simulation");
                    };
                    if (o.mem_latency != defaults.mem_latency) refuse("memory latency setting");
                    if (o.mem_stall != 0) refuse("memory stalls");
                    if (o.mem_error_cycle != 0) refuse("memory error injection");
                    if (o.trace || !o.trace_window.empty()) refuse("waves");
                    if (!o.simulator_args.empty()) refuse("simulator arguments");
                    if (o.mem_bytes != 0) {
                      throw ConfigError(
                          "the board's device memory is fixed by its bitstream (the board "
                          "reports it); drop the memory size option");
                    }
                    if (o.device.empty()) {
                      throw ConfigError(
                          "the board backend needs the board's serial device: --device PATH "
                          "(e.g. /dev/ttyUSB0, or the link path the board simulator prints)");
                    }
                    if (o.link_timeout_ms < 1 || o.link_timeout_ms > 600000) {
                      throw ConfigError("--link-timeout-ms=" + std::to_string(o.link_timeout_ms) +
                                        " is out of range: use 1..600000");
                    }
                    if (o.link_retries < 0 || o.link_retries > 1000) {
                      throw ConfigError("--link-retries=" + std::to_string(o.link_retries) +
                                        " is out of range: use 0..1000");
                    }
                    BoardLinkOptions link;
                    link.timeout_ms = o.link_timeout_ms;
                    link.retries = o.link_retries;
                    return std::make_unique<BoardBus>(SerialPort::Open(o.device, o.baud), link);
                  });
}

}  // namespace luoshu::hal
