#include "tests/sw/hal/fake_board.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "sw/model/gemm.h"
#include "sw/ops/gemm.h"
#include "sw/runtime/device.h"

namespace luoshu::test {

namespace br = hal::bridge;

hal::SocConfig BoardSocConfig() {
  hal::SocConfig c;
  c.name = "";
  c.cores = 1;
  c.channels = 1;
  c.dim = 8;
  c.l0a_bytes = 4 << 10;
  c.l0b_bytes = 4 << 10;
  c.l0c_bytes = 8 << 10;
  c.mem_base = 0;
  c.mem_size = 128 << 10;
  return c;
}

int GemmMismatches(Device& dev, int m, int n, int k, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> u(-128, 127);
  Matrix<int8_t> a(m, k), b(k, n);
  for (size_t i = 0; i < a.size(); ++i) a.data()[i] = static_cast<int8_t>(u(rng));
  for (size_t i = 0; i < b.size(); ++i) b.data()[i] = static_cast<int8_t>(u(rng));
  std::vector<int32_t> bias(static_cast<size_t>(n));
  for (auto& v : bias) v = u(rng) * 37;
  Buffer da = dev.Upload(a), db = dev.Upload(b), dbias = dev.Upload(bias);
  Buffer dc = dev.Alloc({m, n}, DType::kInt32);
  ops::Epilogue ep;
  ep.bias = &dbias;
  ep.relu = true;
  ops::Gemm(dev, da, db, &dc, ep);
  dev.Synchronize();
  const Matrix<int32_t> got = dc.Download<int32_t>();
  const Matrix<int32_t> want = model::LinearInt32(a, b, bias, true);
  int bad = 0;
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) bad += got.at(i, j) != want.at(i, j);
  }
  return bad;
}

namespace {
br::BoardInfo InfoOf(const hal::HostBus& soc, const FakeBoard::Options& o) {
  br::BoardInfo info;
  info.version = o.version;
  info.max_data = static_cast<uint16_t>(o.max_data);
  info.mem_base = static_cast<uint32_t>(soc.mem_base());
  info.mem_size = static_cast<uint32_t>(soc.mem_size());
  return info;
}

// A BusError is SLVERR / DECERR from the register block (or the memory): BUS_ERROR.
template <class F>
bool NoBusError(F access) {
  try {
    access();
    return true;
  } catch (const hal::BusError&) {
    return false;
  }
}
}  // namespace

FakeBoard::FakeBoard(std::unique_ptr<hal::HostBus> soc, const Options& options)
    : soc_(std::move(soc)),
      options_(options),
      parser_(br::kRequestStart, br::kRequestHeader, 4 + static_cast<size_t>(options.max_data)),
      rules_(InfoOf(*soc_, options), this) {}

void FakeBoard::Reset() {
  parser_.Reset();
  partial_.clear();
  dropping_ = false;
  rules_.Reset();
  per_seq_.fill(0);
}

std::vector<uint8_t> FakeBoard::Send(br::Reply r, size_t request_bytes) {
  // The request and the reply take their time on the wire (10 bits a byte); the SoC runs on.
  const size_t bytes = request_bytes + br::kReplyHeader + r.payload.size() + br::kCrcBytes;
  soc_->WaitIrq(bytes * 10 * static_cast<uint64_t>(options_.clk_per_bit));
  if (!(r.status & br::kDuplicate)) r.cycle = static_cast<uint32_t>(soc_->Now());
  return br::EncodeReply(r);
}

std::vector<uint8_t> FakeBoard::Receive(const std::vector<uint8_t>& bytes) {
  std::vector<uint8_t> out;
  for (const uint8_t b : bytes) {
    if (dropping_) continue;  // a framing error: everything until the line is idle
    const bool was_in = parser_.in_frame();
    size_t pos = 0;
    const auto res = parser_.Feed(&b, 1, &pos);
    if (parser_.in_frame()) {
      if (!was_in) partial_.clear();
      partial_.push_back(b);
    }
    switch (res) {
      case br::FrameParser::Result::kNeedMore:
        break;
      case br::FrameParser::Result::kFrame:
        partial_.clear();
        Frame(parser_.frame(), &out);
        break;
      case br::FrameParser::Result::kBadCrc:
        dropping_ = true;
        pending_error_ = br::Status::kBadCrc;
        pending_seq_ = parser_.frame()[2];
        partial_.clear();
        break;
      case br::FrameParser::Result::kBadLen:
        dropping_ = true;
        pending_error_ = br::Status::kBadLen;
        pending_seq_ = partial_.size() > 2 ? partial_[2] : 0;
        partial_.clear();
        break;
    }
  }
  return out;
}

std::vector<uint8_t> FakeBoard::Idle() {
  if (dropping_) {
    dropping_ = false;
    return Send(rules_.Framing(pending_error_, pending_seq_), 0);
  }
  if (parser_.in_frame()) {
    const uint8_t seq = partial_.size() > 2 ? partial_[2] : 0;
    parser_.Reset();
    partial_.clear();
    return Send(rules_.Framing(br::Status::kTruncated, seq), 0);
  }
  return {};
}

void FakeBoard::Frame(const std::vector<uint8_t>& frame, std::vector<uint8_t>* out) {
  const br::BoardRules::Outcome o = rules_.Frame(frame);
  const uint8_t seq = o.reply.seq;
  switch (o.kind) {
    case br::BoardRules::Kind::kHello:
      ++hellos_;
      per_seq_.fill(0);
      break;
    case br::BoardRules::Kind::kExecuted:
      ++executed_;
      // Counts executions of a SEQ over the last 128 commands (SEQ wraps after 256).
      per_seq_[static_cast<uint8_t>(seq + 128)] = 0;
      max_per_seq_ = std::max(max_per_seq_, ++per_seq_[seq]);
      break;
    case br::BoardRules::Kind::kDuplicate:
      ++duplicates_sent_;
      break;
    case br::BoardRules::Kind::kBadSeq:
      ++bad_seq_sent_;
      break;
  }
  const std::vector<uint8_t> bytes = Send(o.reply, frame.size());
  const bool stored =
      o.kind == br::BoardRules::Kind::kHello || o.kind == br::BoardRules::Kind::kExecuted;
  if (stored) rules_.StampCycle(br::DecodeReply(bytes).cycle);
  out->insert(out->end(), bytes.begin(), bytes.end());
}

bool FakeBoard::ReadReg(uint32_t offset, uint32_t* value) {
  return NoBusError([&] { *value = soc_->ReadReg(offset); });
}
bool FakeBoard::WriteReg(uint32_t offset, uint32_t value) {
  return NoBusError([&] { soc_->WriteReg(offset, value); });
}
bool FakeBoard::ReadMem(uint32_t addr, uint8_t* data, size_t n) {
  return NoBusError([&] { soc_->ReadMem(addr, data, n); });
}
bool FakeBoard::WriteMem(uint32_t addr, const uint8_t* data, size_t n) {
  return NoBusError([&] { soc_->WriteMem(addr, data, n); });
}

// ---------------------------------------------------------------------------------------

FaultyLink::FaultyLink(FakeBoard* board, const LinkFaults& faults)
    : board_(board), faults_(faults), rng_(faults.seed) {}

bool FaultyLink::Chance(double p) {
  return p > 0 && std::uniform_real_distribution<double>(0, 1)(rng_) < p;
}

uint64_t FaultyLink::injected_total() const {
  uint64_t n = 0;
  for (const uint64_t v : injected_) n += v;
  return n;
}

void FaultyLink::Write(const uint8_t* data, size_t len) {
  // Replies held back arrive now, after the host has sent its next frame.
  for (auto& d : delayed_) rx_.insert(rx_.end(), d.begin(), d.end());
  delayed_.clear();
  std::vector<uint8_t> bytes(data, data + len);
  const size_t at = std::uniform_int_distribution<size_t>(0, len - 1)(rng_);
  const auto& listed = faults_.corrupt_requests;
  if (std::find(listed.begin(), listed.end(), requests_++) != listed.end()) {
    bytes[1] ^= 0x40;  // the command byte: the CRC no longer matches
    ++injected_[kCorruptRequest];
  } else if (Chance(faults_.corrupt_request)) {
    bytes[at] ^= static_cast<uint8_t>(std::uniform_int_distribution<int>(1, 255)(rng_));
    ++injected_[kCorruptRequest];
  } else if (Chance(faults_.drop_request_byte)) {
    bytes.erase(bytes.begin() + static_cast<ptrdiff_t>(at));
    ++injected_[kDropRequestByte];
  }
  Deliver(board_->Receive(bytes));
}

void FaultyLink::Deliver(std::vector<uint8_t> bytes) {
  // One reply at a time (the board sends whole, well-formed replies).
  size_t pos = 0;
  while (pos + br::kReplyHeader <= bytes.size()) {
    const size_t n = br::kReplyHeader + br::Get16(&bytes[pos + 7]) + br::kCrcBytes;
    std::vector<uint8_t> reply(bytes.begin() + static_cast<ptrdiff_t>(pos),
                               bytes.begin() + static_cast<ptrdiff_t>(pos + n));
    pos += n;
    if (faults_.dead) continue;
    if (faults_.drop_next_replies > 0) {
      --faults_.drop_next_replies;
      ++injected_[kDropReply];
      continue;
    }
    const size_t at = std::uniform_int_distribution<size_t>(0, n - 1)(rng_);
    if (Chance(faults_.drop_reply)) {
      ++injected_[kDropReply];
      continue;
    }
    if (Chance(faults_.delay_reply)) {
      ++injected_[kDelayReply];
      delayed_.push_back(std::move(reply));
      continue;
    }
    if (Chance(faults_.corrupt_reply)) {
      reply[at] ^= static_cast<uint8_t>(std::uniform_int_distribution<int>(1, 255)(rng_));
      ++injected_[kCorruptReply];
    } else if (Chance(faults_.drop_reply_byte)) {
      reply.erase(reply.begin() + static_cast<ptrdiff_t>(at));
      ++injected_[kDropReplyByte];
    } else if (Chance(faults_.duplicate_reply)) {
      rx_.insert(rx_.end(), reply.begin(), reply.end());
      ++injected_[kDuplicateReply];
    }
    rx_.insert(rx_.end(), reply.begin(), reply.end());
  }
}

size_t FaultyLink::Read(uint8_t* data, size_t max, int timeout_ms) {
  (void)timeout_ms;  // simulated time: nothing to read means the wait ran out
  if (rx_.empty()) Deliver(board_->Idle());
  if (rx_.empty()) {
    ++timeouts_;
    return 0;
  }
  // Bytes trickle in: a random part of what is there, so frames arrive in pieces.
  const size_t n = std::min(
      max, std::uniform_int_distribution<size_t>(1, std::max<size_t>(1, rx_.size()))(rng_));
  std::copy(rx_.begin(), rx_.begin() + static_cast<ptrdiff_t>(n), data);
  rx_.erase(rx_.begin(), rx_.begin() + static_cast<ptrdiff_t>(n));
  return n;
}

// ---------------------------------------------------------------------------------------

PtyBoard::PtyBoard(FakeBoard* board, bool serve, int idle_ms, double fault_rate, uint64_t seed)
    : board_(board), idle_ms_(idle_ms), fault_rate_(fault_rate), rng_(seed) {
  if (serve) thread_ = std::thread([this] { Serve(); });
}

PtyBoard::~PtyBoard() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void PtyBoard::Serve() {
  std::uniform_real_distribution<double> chance(0, 1);
  auto damage = [&](std::vector<uint8_t>* bytes) {
    const size_t at = std::uniform_int_distribution<size_t>(0, bytes->size() - 1)(rng_);
    (*bytes)[at] ^= static_cast<uint8_t>(std::uniform_int_distribution<int>(1, 255)(rng_));
  };
  auto send = [&](std::vector<uint8_t> out) {
    if (!out.empty() && fault_rate_ > 0) {
      const double c = chance(rng_);
      if (c < fault_rate_ / 2) return;  // lost
      if (c < fault_rate_) damage(&out);
    }
    for (size_t done = 0; done < out.size();) {
      const ssize_t n = ::write(pty_.fd(), out.data() + done, out.size() - done);
      if (n > 0) {
        done += static_cast<size_t>(n);
      } else if (n < 0 && errno != EINTR && errno != EAGAIN) {
        return;
      }
    }
  };
  while (!stop_) {
    pollfd p{pty_.fd(), POLLIN, 0};
    const int r = ::poll(&p, 1, idle_ms_);
    if (r == 0) {
      send(board_->Idle());
      continue;
    }
    if (r < 0 || !(p.revents & POLLIN)) {  // no slave open yet (hang-up): wait for one
      ::usleep(static_cast<useconds_t>(idle_ms_) * 1000);
      continue;
    }
    uint8_t buf[4096];
    const ssize_t n = ::read(pty_.fd(), buf, sizeof buf);
    if (n <= 0) continue;
    std::vector<uint8_t> in(buf, buf + n);
    if (fault_rate_ > 0 && chance(rng_) < fault_rate_) damage(&in);
    send(board_->Receive(in));
  }
}

}  // namespace luoshu::test
