// The board side of the bridge protocol (docs/board.md) in C++: the rules for sequence numbers,
// the stored last reply and DUPLICATE, BAD_SEQ, and the command checks (UNKNOWN_CMD, BAD_LEN,
// BAD_ADDR, BUS_ERROR), plus the `rejected` counter. The one statement of those rules that the
// C++ boards share: the reference the RTL bridge is checked against and the test board of the
// host backend. Splitting the byte stream into frames (and noticing an idle line) stays with
// the caller; what a command does to registers and memory goes to a BoardTarget.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sw/hal/bridge_protocol.h"

namespace luoshu::hal::bridge {

// What a command acts on. The reads and writes return false for a bus error (SLVERR / DECERR),
// which the board answers with BUS_ERROR. Offsets and addresses have been checked already.
class BoardTarget {
 public:
  virtual ~BoardTarget() = default;
  virtual bool ReadReg(uint32_t offset, uint32_t* value) = 0;
  virtual bool WriteReg(uint32_t offset, uint32_t value) = 0;
  virtual bool ReadMem(uint32_t addr, uint8_t* data, size_t n) = 0;
  virtual bool WriteMem(uint32_t addr, const uint8_t* data, size_t n) = 0;
  virtual uint64_t Cycles() = 0;  // the cycle counter, for STATUS
  virtual bool Irq() = 0;         // the interrupt line, for STATUS
};

struct BoardInfo {  // what HELLO reports
  uint8_t version = kVersion;
  uint16_t max_data = 256;
  uint32_t mem_base = 0;
  uint32_t mem_size = 0;
};

class BoardRules {
 public:
  enum class Kind {
    kHello,      // HELLO: the sequence starts again (stored like an executed frame)
    kExecuted,   // the expected SEQ: executed, the reply stored
    kDuplicate,  // the last executed SEQ again: the stored reply with DUPLICATE, not executed
    kBadSeq,     // any other SEQ, or no HELLO yet: rejected
  };
  struct Outcome {
    Reply reply;  // CYCLE left 0, except for a DUPLICATE (the stored reply's, see StampCycle)
    Kind kind;
    uint8_t cmd;  // the command the reply answers (for a DUPLICATE, the stored frame's)
  };

  BoardRules(const BoardInfo& info, BoardTarget* target) : info_(info), target_(target) {}

  // One complete request frame with a good CRC (start byte to CRC, as FrameParser gives it).
  Outcome Frame(const std::vector<uint8_t>& frame);
  // A framing error (BAD_CRC, TRUNCATED, BAD_LEN over 4 + max_data), answered once the line is
  // idle: counted as rejected; seq is the frame's SEQ byte if it arrived, else 0.
  Reply Framing(Status s, uint8_t seq);
  // Records the CYCLE sent with the reply just stored, so a DUPLICATE repeats it.
  void StampCycle(uint32_t cycle) { stored_.cycle = cycle; }
  // A board reset: the next frame other than HELLO gets BAD_SEQ.
  void Reset() {
    synced_ = false;
    expected_ = 0;
  }

  uint8_t expected() const { return expected_; }
  uint64_t rejected() const { return rejected_; }  // STATUS reports it saturated to 16 bits

 private:
  Reply Execute(const Request& q);
  void Reject() { ++rejected_; }

  BoardInfo info_;
  BoardTarget* target_;
  bool synced_ = false;  // a HELLO since the reset
  uint8_t expected_ = 0;
  Reply stored_;
  uint8_t stored_cmd_ = 0;
  uint64_t rejected_ = 0;
};

}  // namespace luoshu::hal::bridge
