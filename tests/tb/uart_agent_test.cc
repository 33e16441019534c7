// The UART line agents (tb/agents/uart.h) against each other: every byte value, random bytes
// with random gaps, at several clk_per_bit values, arrive in order; a line held low (a stop bit
// that is 0) is a framing error, not a byte.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "tb/agents/uart.h"

namespace luoshu::tb {
namespace {

std::vector<uint8_t> Loop(int clk_per_bit, const std::vector<uint8_t>& bytes, uint32_t seed) {
  UartDriver tx(clk_per_bit);
  UartMonitor rx(clk_per_bit);
  std::mt19937 rng(seed);
  for (uint8_t b : bytes) {
    if (rng() % 4 == 0) tx.Gap(static_cast<int>(rng() % 5));
    tx.Push(b);
  }
  std::vector<uint8_t> got;
  for (uint64_t cycle = 0; cycle < bytes.size() * 20 * static_cast<uint64_t>(clk_per_bit) + 100;
       ++cycle) {
    rx.Tick(tx.Tick());
    uint8_t b;
    while (rx.Pop(&b)) got.push_back(b);
  }
  EXPECT_TRUE(tx.idle());
  EXPECT_EQ(rx.framing_errors(), 0u);
  return got;
}

TEST(UartAgent, EveryByteAtSeveralRates) {
  std::vector<uint8_t> all;
  for (int v = 0; v < 256; ++v) all.push_back(static_cast<uint8_t>(v));
  for (int cpb : {4, 5, 7, 16, 33}) EXPECT_EQ(Loop(cpb, all, 1), all) << "clk_per_bit " << cpb;
}

TEST(UartAgent, RandomBytesAndGaps) {
  std::mt19937 rng(7);
  std::vector<uint8_t> bytes(2000);
  for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng());
  EXPECT_EQ(Loop(4, bytes, 3), bytes);
}

TEST(UartAgent, LowStopBitIsAFramingError) {
  UartMonitor rx(4);
  for (int c = 0; c < 4 * 12; ++c) rx.Tick(0);  // a break: start, zeros, stop bit low
  uint8_t b;
  EXPECT_FALSE(rx.Pop(&b));
  EXPECT_EQ(rx.framing_errors(), 1u);
}

TEST(UartAgent, RefusesTooFewCyclesPerBit) { EXPECT_THROW(UartDriver(3), std::invalid_argument); }

}  // namespace
}  // namespace luoshu::tb
