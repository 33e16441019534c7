// The board side of the bridge protocol in C++, for testing the board backend without RTL:
// FakeBoard splits the byte stream into frames (framing errors answered once the line is
// idle), follows the board rules of hal::bridge::BoardRules (sequence numbers, the stored last
// reply, duplicates, BAD_SEQ, command checks) and forwards registers and memory to a HostBus
// (the functional model), so a GEMM through BoardBus over it is bit-exact.
// FaultyLink is an in-process ByteLink to a FakeBoard that damages frames at a given rate: a
// corrupted byte, a dropped byte, a dropped / duplicated / delayed reply. Time on the link is
// simulated: a read that finds nothing is a timeout (the board sees the line go idle), so the
// tests run at full speed and deterministically.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "sw/hal/bridge_board.h"
#include "sw/hal/bridge_protocol.h"
#include "sw/hal/byte_link.h"
#include "sw/hal/host_bus.h"
#include "sw/hal/pty.h"
#include "sw/hal/types.h"

namespace luoshu {
class Device;
}

namespace luoshu::test {

// The board's SoC, which is not one of SocConfigs(): DIM=8, one core, 4/4/8 KiB of L0,
// 128 KiB of device memory at address 0.
hal::SocConfig BoardSocConfig();

// C = relu(A x B + bias) with random operands on `dev`; returns how many elements differ
// from the model's reference (sw/model/gemm.h).
int GemmMismatches(Device& dev, int m, int n, int k, uint64_t seed);

class FakeBoard : private hal::bridge::BoardTarget {
 public:
  struct Options {
    int max_data = 256;
    uint8_t version = hal::bridge::kVersion;  // what HELLO reports
    int clk_per_bit = 4;                      // board cycles per bit on the wire
  };
  FakeBoard(std::unique_ptr<hal::HostBus> soc, const Options& options);
  explicit FakeBoard(std::unique_ptr<hal::HostBus> soc) : FakeBoard(std::move(soc), Options{}) {}

  // Bytes from the host, in order; returns what the board sends back (zero or more replies).
  std::vector<uint8_t> Receive(const std::vector<uint8_t>& bytes);
  // The line has been idle for TimeoutCycles: a frame cut short is TRUNCATED, and a pending
  // framing error is answered now.
  std::vector<uint8_t> Idle();
  // A board reset: the sequence state is gone (the next frame other than HELLO: BAD_SEQ).
  void Reset();

  hal::HostBus& soc() { return *soc_; }
  uint64_t executed() const { return executed_; }  // frames executed, HELLO not counted
  uint64_t hellos() const { return hellos_; }
  uint64_t duplicates_sent() const { return duplicates_sent_; }
  uint64_t rejected() const { return rules_.rejected(); }
  uint64_t bad_seq_sent() const { return bad_seq_sent_; }
  // Executions of each SEQ in the current sequence epoch (since the last HELLO): a command
  // executed twice would show as 2.
  int max_executions_per_seq() const { return max_per_seq_; }

 private:
  // BoardTarget: the SoC behind the board; a BusError from it is BUS_ERROR.
  bool ReadReg(uint32_t offset, uint32_t* value) override;
  bool WriteReg(uint32_t offset, uint32_t value) override;
  bool ReadMem(uint32_t addr, uint8_t* data, size_t n) override;
  bool WriteMem(uint32_t addr, const uint8_t* data, size_t n) override;
  uint64_t Cycles() override { return soc_->Now(); }
  bool Irq() override { return soc_->WaitIrq(0); }  // WaitIrq(0): the line, no time passes

  std::vector<uint8_t> Send(hal::bridge::Reply r, size_t request_bytes);
  void Frame(const std::vector<uint8_t>& frame, std::vector<uint8_t>* out);

  std::unique_ptr<hal::HostBus> soc_;
  Options options_;
  hal::bridge::FrameParser parser_;
  hal::bridge::BoardRules rules_;
  std::vector<uint8_t> partial_;  // the frame being received, for a TRUNCATED reply's SEQ
  bool dropping_ = false;         // after a framing error, until the line is idle
  hal::bridge::Status pending_error_ = hal::bridge::Status::kOk;
  uint8_t pending_seq_ = 0;
  std::array<int, 256> per_seq_{};
  int max_per_seq_ = 0;
  uint64_t executed_ = 0, hellos_ = 0, duplicates_sent_ = 0, bad_seq_sent_ = 0;
};

struct LinkFaults {
  // Probability per frame of each fault (at most one fault per frame).
  double corrupt_request = 0;  // one byte of the request flipped
  double drop_request_byte = 0;
  double corrupt_reply = 0;
  double drop_reply_byte = 0;
  double drop_reply = 0;       // the whole reply lost
  double duplicate_reply = 0;  // the reply arrives twice
  double delay_reply = 0;      // the reply arrives after the host sent its next frame
  bool dead = false;           // no reply ever arrives
  int drop_next_replies = 0;   // these many replies from now on are lost (then the rates apply)
  std::vector<uint64_t> corrupt_requests;  // these requests (0: the next one) get a byte flipped
  uint64_t seed = 1;
};

class FaultyLink : public hal::ByteLink {
 public:
  enum Kind {
    kCorruptRequest,
    kDropRequestByte,
    kCorruptReply,
    kDropReplyByte,
    kDropReply,
    kDuplicateReply,
    kDelayReply,
    kKinds
  };
  FaultyLink(FakeBoard* board, const LinkFaults& faults);

  void Write(const uint8_t* data, size_t len) override;
  size_t Read(uint8_t* data, size_t max, int timeout_ms) override;
  void Drain() override { rx_.clear(); }
  std::string Describe() const override { return "test link"; }

  uint64_t injected(Kind k) const { return injected_[k]; }
  uint64_t injected_total() const;
  uint64_t timeouts() const { return timeouts_; }  // reads that found nothing
  // Fault injection on or off from now on (e.g. only after opening).
  void set_faults(const LinkFaults& f) {
    faults_ = f;
    requests_ = 0;
  }

 private:
  void Deliver(std::vector<uint8_t> bytes);
  bool Chance(double p);

  FakeBoard* board_;
  LinkFaults faults_;
  std::mt19937_64 rng_;
  std::deque<uint8_t> rx_;
  std::vector<std::vector<uint8_t>> delayed_;
  std::array<uint64_t, kKinds> injected_{};
  uint64_t timeouts_ = 0;
  uint64_t requests_ = 0;  // since set_faults
};

// A FakeBoard on the master side of a pseudo-terminal, served by a thread: BoardBus opens the
// slave, path(), like a board's serial port. The line is idle after idle_ms without a byte.
class PtyBoard {
 public:
  // serve = false: nobody answers (a board that is off). fault_rate: the probability that a
  // chunk of received bytes has one byte corrupted, and that a reply is lost or has one byte
  // corrupted (half each), drawn from `seed`.
  PtyBoard(FakeBoard* board, bool serve = true, int idle_ms = 2, double fault_rate = 0,
           uint64_t seed = 1);
  ~PtyBoard();
  PtyBoard(const PtyBoard&) = delete;
  PtyBoard& operator=(const PtyBoard&) = delete;
  const std::string& path() const { return pty_.slave_path(); }

 private:
  void Serve();
  FakeBoard* board_;
  int idle_ms_;
  double fault_rate_;
  std::mt19937_64 rng_;
  hal::PtyMaster pty_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace luoshu::test
