// The board bridge protocol (docs/board.md): how a host reaches the registers and device
// memory of a Luoshu board over a byte link (a UART). The ONE C++ statement of the frame
// format: the board backend (host side), the RTL bridge's tests and the test boards all use it.
//
// Request (host -> board):  A5 | CMD | SEQ | LEN[2] | payload[LEN] | CRC[2]
// Reply   (board -> host):  5A | STATUS | SEQ | CYCLE[4] | LEN[2] | payload[LEN] | CRC[2]
// Multi-byte fields are little-endian. CRC is CRC-16/CCITT-FALSE (polynomial 0x1021, initial
// value 0xFFFF, no reflection, no final XOR) over every byte after the start byte up to the end
// of the payload. CYCLE is the low 32 bits of the board's cycle counter when the reply starts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace luoshu::hal::bridge {

constexpr uint8_t kRequestStart = 0xA5;
constexpr uint8_t kReplyStart = 0x5A;
constexpr uint8_t kVersion = 1;
constexpr size_t kRequestHeader = 5;  // start, CMD, SEQ, LEN[2]
constexpr size_t kReplyHeader = 9;    // start, STATUS, SEQ, CYCLE[4], LEN[2]
constexpr size_t kCrcBytes = 2;
constexpr uint32_t kRegSpace = 0x800;  // register offsets: [0, kRegSpace), word aligned

enum class Cmd : uint8_t {
  kHello = 0x00,     // -> version u8, max_data u16, mem_base u32, mem_size u32; any SEQ
  kReadReg = 0x01,   // offset u32 -> value u32
  kWriteReg = 0x02,  // offset u32, value u32 -> (empty)
  kReadMem = 0x03,   // addr u32, count u16 (1..max_data) -> count bytes
  kWriteMem = 0x04,  // addr u32, data (1..max_data bytes) -> (empty)
  kStatus = 0x05,    // -> cycle u64, flags u8 (bit 0: irq), rejected u16 (saturating)
};

enum class Status : uint8_t {
  kOk = 0,
  kBadCrc = 1,      // framing: the CRC did not match (sent once the line has gone idle)
  kTruncated = 2,   // framing: the line went idle inside a frame
  kBadSeq = 3,      // SEQ is neither the expected one nor the last one; payload: expected u8
  kUnknownCmd = 4,  // CMD is not a command above
  kBadLen = 5,      // LEN is wrong for the command, or over 4 + max_data (then framing)
  kBadAddr = 6,     // outside device memory, or a register offset out of range / unaligned
  kBusError = 7,    // the register block answered SLVERR / DECERR
};
// Set in STATUS when the reply is the stored reply of the last executed frame, sent again
// because the frame came again with the same SEQ: the command was NOT executed a second time.
constexpr uint8_t kDuplicate = 0x80;

struct Request {
  uint8_t cmd = 0;
  uint8_t seq = 0;
  std::vector<uint8_t> payload;
};

struct Reply {
  uint8_t status = 0;  // a Status, possibly | kDuplicate
  uint8_t seq = 0;
  uint32_t cycle = 0;
  std::vector<uint8_t> payload;
};

uint16_t Crc16(const uint8_t* data, size_t len, uint16_t crc = 0xFFFF);

std::vector<uint8_t> EncodeRequest(const Request& r);
std::vector<uint8_t> EncodeReply(const Reply& r);

// "OK", "BAD_CRC", ... (with " (duplicate)" when kDuplicate is set); "status 0x1f" if unknown.
std::string StatusName(uint8_t status);
std::string CmdName(uint8_t cmd);

// Little-endian field helpers for payloads.
void Put16(std::vector<uint8_t>* out, uint16_t v);
void Put32(std::vector<uint8_t>* out, uint32_t v);
void Put64(std::vector<uint8_t>* out, uint64_t v);
uint16_t Get16(const uint8_t* p);
uint32_t Get32(const uint8_t* p);
uint64_t Get64(const uint8_t* p);

// Splits a byte stream into frames of one direction. Bytes before a start byte are skipped
// (counted in skipped()); a LEN above max_payload or a CRC mismatch is reported, after which
// the parser hunts for the next start byte.
class FrameParser {
 public:
  enum class Result { kNeedMore, kFrame, kBadCrc, kBadLen };
  // For requests: FrameParser(kRequestStart, kRequestHeader, 4 + max_data);
  // for replies:  FrameParser(kReplyStart, kReplyHeader, max_reply_payload).
  FrameParser(uint8_t start, size_t header, size_t max_payload);

  // Consumes bytes from data[*pos..len) until a frame is complete or an error is found.
  Result Feed(const uint8_t* data, size_t len, size_t* pos);
  // The last complete frame (start byte to CRC, inclusive), valid after kFrame.
  const std::vector<uint8_t>& frame() const { return frame_; }
  bool in_frame() const { return !buf_.empty(); }
  uint64_t skipped() const { return skipped_; }
  void Reset() { buf_.clear(); }

 private:
  uint8_t start_;
  size_t header_;
  size_t max_payload_;
  std::vector<uint8_t> buf_;
  std::vector<uint8_t> frame_;
  uint64_t skipped_ = 0;
};

// Decode a frame returned by FrameParser (CRC already checked).
Request DecodeRequest(const std::vector<uint8_t>& frame);
Reply DecodeReply(const std::vector<uint8_t>& frame);

}  // namespace luoshu::hal::bridge
