// c2c_crc16: the catalogue check value of CRC-16/CCITT-FALSE, and random words against a
// bit-serial reference (the textbook shift register, fed most significant bit first).
#include <gtest/gtest.h>

#include <cstdint>

#include "Vc2c_crc16_w72.h"
#include "Vc2c_crc16_w72_params.h"
#include "tb/bits.h"
#include "tb/gtest_util.h"
#include "tb/options.h"

namespace luoshu {
namespace {

constexpr unsigned kWidth = VerilatedParams<Vc2c_crc16_w72>::Width;

// The textbook shift register: `width` bits of `bits`, most significant first.
uint16_t Crc16Reference(const uint64_t (&bits)[2], unsigned width) {
  uint16_t crc = 0xFFFF;
  for (int i = static_cast<int>(width) - 1; i >= 0; --i) {
    const unsigned bit = (bits[i / 64] >> (i % 64)) & 1;
    const bool feedback = ((crc >> 15) & 1) != bit;
    crc = static_cast<uint16_t>(crc << 1);
    if (feedback) crc ^= 0x1021;
  }
  return crc;
}

// Evaluates the combinational CRC of `bits` (kWidth bits, word i = bits [64i +: 64]).
uint16_t Crc(Vc2c_crc16_w72& m, const uint64_t (&bits)[2]) {
  tb::PutBits(m.data_i, 0, 64, bits[0]);
  tb::PutBits(m.data_i, 64, kWidth - 64, bits[1]);
  m.eval();
  return m.crc_o;
}

TEST(C2cCrc16Test, GivesTheCatalogueCheckValue) {
  VerilatedContext ctx;
  Vc2c_crc16_w72 m(&ctx, "TOP");
  // "123456789", the first byte at the top.
  const char* text = "123456789";
  uint64_t bits[2] = {0, 0};
  for (int k = 0; k < 9; ++k) {
    const unsigned lsb = (8 - k) * 8;
    const uint64_t byte = static_cast<uint8_t>(text[k]);
    if (lsb >= 64)
      bits[1] |= byte << (lsb - 64);
    else
      bits[0] |= byte << lsb;
  }
  EXPECT_EQ(Crc(m, bits), 0x29B1);
  m.final();
}

TEST(C2cCrc16Test, RandomWordsMatchTheShiftRegister) {
  VerilatedContext ctx;
  Vc2c_crc16_w72 m(&ctx, "TOP");
  tb::Rng rng(tb::SeedFromEnv(16));
  for (int i = 0; i < 2000; ++i) {
    uint64_t bits[2] = {rng.Bits64(), rng.Bits64() & ((uint64_t(1) << (kWidth - 64)) - 1)};
    if (i < 72) bits[0] = bits[1] = 0;  // single bits first: each one alone must change the CRC
    if (i < 64)
      bits[0] = uint64_t(1) << i;
    else if (i < 72)
      bits[1] = uint64_t(1) << (i - 64);
    ASSERT_EQ(Crc(m, bits), Crc16Reference(bits, kWidth)) << "word " << i;
  }
  m.final();
}

}  // namespace
}  // namespace luoshu
