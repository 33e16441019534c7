// The board backend: HostBus over a byte link to a Luoshu board (or its simulator) speaking
// the bridge protocol (sw/hal/bridge_protocol.h, docs/board_backend.md). Every register and
// memory access is one or more request/reply exchanges; lost, corrupted or late replies are
// retried with the same sequence number, so the board never executes a command twice.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sw/hal/bridge_protocol.h"
#include "sw/hal/byte_link.h"
#include "sw/hal/host_bus.h"

namespace luoshu::hal {

struct BoardLinkOptions {
  int timeout_ms = 1000;  // wait this long for a reply before sending the frame again
  int retries = 5;        // resends of one frame (and resyncs) before giving up
  int quiet_ms = 20;      // after an error, the line must be silent this long before a resend
};

// What the link did, since the bus was opened.
struct BoardLinkStats {
  uint64_t commands = 0;        // commands completed (HELLO included)
  uint64_t frames_sent = 0;     // request frames written, resends included
  uint64_t retries = 0;         // frames sent again (timeout, bad reply or framing error)
  uint64_t timeouts = 0;        // waits for a reply that ended with nothing usable
  uint64_t bad_replies = 0;     // replies that failed their CRC or length check
  uint64_t framing_errors = 0;  // board replies BAD_CRC / TRUNCATED / BAD_LEN: frame damaged
  uint64_t duplicates = 0;      // replies re-sent by the board (the command ran once before)
  uint64_t stale = 0;           // replies to an earlier frame, dropped
  uint64_t resyncs = 0;         // HELLOs after a BAD_SEQ
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;
};

class BoardBus : public HostBus {
 public:
  // Says HELLO (learns the board's max_data and device memory). ConfigError if the board
  // speaks another protocol version; LinkError if it does not answer.
  BoardBus(std::unique_ptr<ByteLink> link, const BoardLinkOptions& options = {});

  uint32_t ReadReg(uint32_t offset) override;
  void WriteReg(uint32_t offset, uint32_t value) override;
  void WriteMem(uint64_t addr, const void* src, uint64_t len) override;
  void ReadMem(uint64_t addr, void* dst, uint64_t len) override;
  uint64_t mem_base() const override { return mem_base_; }
  uint64_t mem_size() const override { return mem_size_; }
  // Polls STATUS until the irq flag is set or max_cycles board cycles have passed.
  bool WaitIrq(uint64_t max_cycles) override;
  // Board cycles: from the CYCLE field of every reply, extended to 64 bits.
  uint64_t Now() const override { return now_; }
  std::string Describe() const override;
  std::vector<std::pair<std::string, uint64_t>> Statistics() const override;

  const BoardLinkStats& stats() const { return stats_; }
  int max_data() const { return max_data_; }
  // The board's count of rejected frames, as of the last STATUS.
  uint32_t board_rejected() const { return rejected_; }

 private:
  // One command: sends it until a reply for it arrives. Returns an OK reply; throws BusError
  // for a final error status, LinkError after the retries.
  bridge::Reply Transact(bridge::Cmd cmd, const std::vector<uint8_t>& payload,
                         const std::string& what);
  enum class Got { kReply, kNothing, kDamaged };
  // Reads until a complete reply frame, a damaged one, or timeout_ms without one.
  Got ReadReply(int timeout_ms, bridge::Reply* out);
  void WaitQuiet();
  void Hello();
  // One STATUS: updates Now() (all 64 bits) and board_rejected(); returns the irq flag.
  bool PollStatus();
  void Advance(uint32_t cycle);

  std::unique_ptr<ByteLink> link_;
  BoardLinkOptions options_;
  bridge::FrameParser parser_;
  std::vector<uint8_t> rx_;  // received, not yet parsed
  size_t rx_pos_ = 0;
  uint8_t seq_ = 0;  // SEQ of the next frame
  int version_ = 0;
  int max_data_ = 0;
  uint64_t mem_base_ = 0, mem_size_ = 0;
  uint64_t now_ = 0;
  uint32_t rejected_ = 0;
  BoardLinkStats stats_;
};

}  // namespace luoshu::hal
