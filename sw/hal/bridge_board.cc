#include "sw/hal/bridge_board.h"

#include <algorithm>
#include <utility>

namespace luoshu::hal::bridge {

namespace {
Reply Make(Status s, uint8_t seq, std::vector<uint8_t> payload = {}) {
  Reply r;
  r.status = static_cast<uint8_t>(s);
  r.seq = seq;
  r.payload = std::move(payload);
  return r;
}
}  // namespace

Reply BoardRules::Framing(Status s, uint8_t seq) {
  Reject();
  return Make(s, seq);
}

BoardRules::Outcome BoardRules::Frame(const std::vector<uint8_t>& frame) {
  const Request q = DecodeRequest(frame);
  if (q.cmd == static_cast<uint8_t>(Cmd::kHello)) {
    // A HELLO resynchronizes whatever its SEQ, even when its payload makes it BAD_LEN.
    synced_ = true;
    expected_ = static_cast<uint8_t>(q.seq + 1);
    std::vector<uint8_t> p;
    if (q.payload.empty()) {
      p.push_back(info_.version);
      Put16(&p, info_.max_data);
      Put32(&p, info_.mem_base);
      Put32(&p, info_.mem_size);
    }
    stored_ = Make(q.payload.empty() ? Status::kOk : Status::kBadLen, q.seq, std::move(p));
    stored_cmd_ = q.cmd;
    return {stored_, Kind::kHello, q.cmd};
  }
  if (synced_ && q.seq == expected_) {
    expected_ = static_cast<uint8_t>(q.seq + 1);
    stored_ = Execute(q);
    stored_cmd_ = q.cmd;
    return {stored_, Kind::kExecuted, q.cmd};
  }
  if (synced_ && q.seq == static_cast<uint8_t>(expected_ - 1)) {
    Reply d = stored_;
    d.status |= kDuplicate;
    return {d, Kind::kDuplicate, stored_cmd_};
  }
  // BAD_SEQ replies are not stored: a replay of the last executed frame still gets its reply.
  Reject();
  return {Make(Status::kBadSeq, q.seq, {expected_}), Kind::kBadSeq, q.cmd};
}

Reply BoardRules::Execute(const Request& q) {
  const std::vector<uint8_t>& p = q.payload;
  const size_t n = p.size();
  const uint32_t a = n >= 4 ? Get32(p.data()) : 0;
  const bool reg_ok = a < kRegSpace && a % 4 == 0;
  auto mem_ok = [&](uint64_t count) {
    return a >= info_.mem_base && uint64_t(a) - info_.mem_base + count <= info_.mem_size;
  };
  auto status = [&](Status s) { return Make(s, q.seq); };
  Reply r = Make(Status::kOk, q.seq);
  switch (static_cast<Cmd>(q.cmd)) {
    case Cmd::kReadReg: {
      if (n != 4) return status(Status::kBadLen);
      if (!reg_ok) return status(Status::kBadAddr);
      uint32_t v = 0;
      if (!target_->ReadReg(a, &v)) return status(Status::kBusError);
      Put32(&r.payload, v);
      return r;
    }
    case Cmd::kWriteReg:
      if (n != 8) return status(Status::kBadLen);
      if (!reg_ok) return status(Status::kBadAddr);
      if (!target_->WriteReg(a, Get32(p.data() + 4))) return status(Status::kBusError);
      return r;
    case Cmd::kReadMem: {
      const uint16_t count = n == 6 ? Get16(p.data() + 4) : 0;
      if (n != 6 || count == 0 || count > info_.max_data) return status(Status::kBadLen);
      if (!mem_ok(count)) return status(Status::kBadAddr);
      r.payload.resize(count);
      if (!target_->ReadMem(a, r.payload.data(), count)) return status(Status::kBusError);
      return r;
    }
    case Cmd::kWriteMem:
      if (n < 5 || n > 4 + size_t(info_.max_data)) return status(Status::kBadLen);
      if (!mem_ok(n - 4)) return status(Status::kBadAddr);
      if (!target_->WriteMem(a, p.data() + 4, n - 4)) return status(Status::kBusError);
      return r;
    case Cmd::kStatus:
      if (n != 0) return status(Status::kBadLen);
      Put64(&r.payload, target_->Cycles());
      r.payload.push_back(target_->Irq() ? 1 : 0);
      Put16(&r.payload, static_cast<uint16_t>(std::min<uint64_t>(rejected_, 0xFFFF)));
      return r;
    default:
      return status(Status::kUnknownCmd);
  }
}

}  // namespace luoshu::hal::bridge
