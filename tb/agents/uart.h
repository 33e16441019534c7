// UART line agents (8N1, LSB first, idle high) for the board bridge: UartDriver puts queued
// bytes on a DUT's receive pin, UartMonitor decodes a DUT's transmit pin. Both count time in
// clock cycles, clk_per_bit cycles per bit, as the RTL's ClkPerBit parameter; they are plain
// per-cycle state machines (Tick()), so a SimController hook or a hand-written loop drives them.
#pragma once

#include <cstdint>
#include <deque>
#include <stdexcept>
#include <string>

namespace luoshu::tb {

class UartDriver {
 public:
  explicit UartDriver(int clk_per_bit) : clk_per_bit_(clk_per_bit) {
    if (clk_per_bit < 4) {
      throw std::invalid_argument("UartDriver: clk_per_bit " + std::to_string(clk_per_bit) +
                                  " is below 4; the receiver samples mid-bit");
    }
  }
  void Push(uint8_t byte) { queue_.push_back(byte); }
  // Holds the line idle for `bits` bit times before the next byte (a gap between bytes).
  void Gap(int bits) { gap_ += bits * clk_per_bit_; }
  bool idle() const { return queue_.empty() && bit_ < 0 && gap_ == 0; }
  size_t pending() const { return queue_.size() + (bit_ >= 0 ? 1 : 0); }

  // One clock cycle: returns the line level for this cycle.
  uint8_t Tick() {
    if (bit_ < 0) {
      if (gap_ > 0) {
        --gap_;
        return 1;
      }
      if (queue_.empty()) return 1;
      shift_ = static_cast<uint16_t>((queue_.front() << 1) | 0x200);  // start 0, data, stop 1
      queue_.pop_front();
      bit_ = 0;
      count_ = 0;
    }
    const uint8_t level = (shift_ >> bit_) & 1;
    if (++count_ == clk_per_bit_) {
      count_ = 0;
      if (++bit_ == 10) bit_ = -1;
    }
    return level;
  }

 private:
  int clk_per_bit_;
  std::deque<uint8_t> queue_;
  uint16_t shift_ = 0;
  int bit_ = -1;  // bit being sent (0 start .. 9 stop), -1 between bytes
  int count_ = 0;
  int64_t gap_ = 0;
};

class UartMonitor {
 public:
  explicit UartMonitor(int clk_per_bit) : clk_per_bit_(clk_per_bit) {}
  // One clock cycle with the line at `level`. A byte whose stop bit is low is a framing error:
  // counted, not delivered.
  void Tick(uint8_t level) {
    level &= 1;
    if (bit_ < 0) {
      if (level == 0) {  // start bit edge: sample each bit in its middle
        bit_ = 0;
        count_ = clk_per_bit_ / 2;
      }
      return;
    }
    if (--count_ > 0) return;
    count_ = clk_per_bit_;
    if (bit_ == 0) {
      if (level != 0)
        bit_ = -1;  // a glitch, not a start bit
      else
        bit_ = 1;
      return;
    }
    if (bit_ <= 8) {
      byte_ = static_cast<uint8_t>((byte_ >> 1) | (level << 7));
      ++bit_;
      return;
    }
    if (level)
      received_.push_back(byte_);
    else
      ++framing_errors_;
    bit_ = -1;
  }
  bool Pop(uint8_t* byte) {
    if (received_.empty()) return false;
    *byte = received_.front();
    received_.pop_front();
    return true;
  }
  size_t available() const { return received_.size(); }
  uint64_t framing_errors() const { return framing_errors_; }

 private:
  int clk_per_bit_;
  std::deque<uint8_t> received_;
  uint8_t byte_ = 0;
  int bit_ = -1;  // next bit to sample (0 start, 1..8 data, 9 stop), -1 idle
  int count_ = 0;
  uint64_t framing_errors_ = 0;
};

}  // namespace luoshu::tb
