#include "sw/hal/bridge_protocol.h"

#include <cstdio>

namespace luoshu::hal::bridge {

uint16_t Crc16(const uint8_t* data, size_t len, uint16_t crc) {
  for (size_t i = 0; i < len; ++i) {
    crc ^= static_cast<uint16_t>(data[i] << 8);
    for (int b = 0; b < 8; ++b) {
      crc = (crc & 0x8000) ? static_cast<uint16_t>((crc << 1) ^ 0x1021)
                           : static_cast<uint16_t>(crc << 1);
    }
  }
  return crc;
}

void Put16(std::vector<uint8_t>* out, uint16_t v) {
  out->push_back(static_cast<uint8_t>(v));
  out->push_back(static_cast<uint8_t>(v >> 8));
}
void Put32(std::vector<uint8_t>* out, uint32_t v) {
  Put16(out, static_cast<uint16_t>(v));
  Put16(out, static_cast<uint16_t>(v >> 16));
}
void Put64(std::vector<uint8_t>* out, uint64_t v) {
  Put32(out, static_cast<uint32_t>(v));
  Put32(out, static_cast<uint32_t>(v >> 32));
}
uint16_t Get16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
uint32_t Get32(const uint8_t* p) { return Get16(p) | (static_cast<uint32_t>(Get16(p + 2)) << 16); }
uint64_t Get64(const uint8_t* p) { return Get32(p) | (static_cast<uint64_t>(Get32(p + 4)) << 32); }

namespace {

// Appends the CRC of everything after the start byte.
std::vector<uint8_t> Seal(std::vector<uint8_t> f) {
  Put16(&f, Crc16(f.data() + 1, f.size() - 1));
  return f;
}

}  // namespace

std::vector<uint8_t> EncodeRequest(const Request& r) {
  std::vector<uint8_t> f = {kRequestStart, r.cmd, r.seq};
  Put16(&f, static_cast<uint16_t>(r.payload.size()));
  f.insert(f.end(), r.payload.begin(), r.payload.end());
  return Seal(std::move(f));
}

std::vector<uint8_t> EncodeReply(const Reply& r) {
  std::vector<uint8_t> f = {kReplyStart, r.status, r.seq};
  Put32(&f, r.cycle);
  Put16(&f, static_cast<uint16_t>(r.payload.size()));
  f.insert(f.end(), r.payload.begin(), r.payload.end());
  return Seal(std::move(f));
}

std::string StatusName(uint8_t status) {
  static const char* const kNames[] = {"OK",          "BAD_CRC", "TRUNCATED", "BAD_SEQ",
                                       "UNKNOWN_CMD", "BAD_LEN", "BAD_ADDR",  "BUS_ERROR"};
  const uint8_t code = status & static_cast<uint8_t>(~kDuplicate);
  std::string s;
  if (code < sizeof(kNames) / sizeof(kNames[0])) {
    s = kNames[code];
  } else {
    char buf[24];
    std::snprintf(buf, sizeof(buf), "status 0x%02x", code);
    s = buf;
  }
  return (status & kDuplicate) ? s + " (duplicate)" : s;
}

std::string CmdName(uint8_t cmd) {
  static const char* const kNames[] = {"HELLO",    "READ_REG",  "WRITE_REG",
                                       "READ_MEM", "WRITE_MEM", "STATUS"};
  if (cmd < sizeof(kNames) / sizeof(kNames[0])) return kNames[cmd];
  char buf[24];
  std::snprintf(buf, sizeof(buf), "command 0x%02x", cmd);
  return buf;
}

FrameParser::FrameParser(uint8_t start, size_t header, size_t max_payload)
    : start_(start), header_(header), max_payload_(max_payload) {}

FrameParser::Result FrameParser::Feed(const uint8_t* data, size_t len, size_t* pos) {
  while (*pos < len) {
    const uint8_t b = data[(*pos)++];
    if (buf_.empty()) {
      if (b == start_) {
        buf_.push_back(b);
      } else {
        ++skipped_;
      }
      continue;
    }
    buf_.push_back(b);
    if (buf_.size() < header_) continue;
    const size_t payload = Get16(&buf_[header_ - 2]);
    if (payload > max_payload_) {
      buf_.clear();
      return Result::kBadLen;
    }
    if (buf_.size() < header_ + payload + kCrcBytes) continue;
    const uint16_t crc = Crc16(buf_.data() + 1, header_ + payload - 1);
    const bool ok = Get16(&buf_[header_ + payload]) == crc;
    frame_.swap(buf_);
    buf_.clear();
    return ok ? Result::kFrame : Result::kBadCrc;
  }
  return Result::kNeedMore;
}

Request DecodeRequest(const std::vector<uint8_t>& f) {
  Request r;
  r.cmd = f[1];
  r.seq = f[2];
  r.payload.assign(f.begin() + kRequestHeader, f.end() - kCrcBytes);
  return r;
}

Reply DecodeReply(const std::vector<uint8_t>& f) {
  Reply r;
  r.status = f[1];
  r.seq = f[2];
  r.cycle = Get32(&f[3]);
  r.payload.assign(f.begin() + kReplyHeader, f.end() - kCrcBytes);
  return r;
}

}  // namespace luoshu::hal::bridge
