// Bit-field access to Verilated ports of any width: CData/SData/IData/QData (integers) and
// VlWide<N> (arrays of 32-bit words), so tests pack payloads without caring how wide a port
// is. Fields may straddle 32-bit words; each call touches at most three words.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace luoshu::tb {

// Writes the low `width` (1..64) bits of `value` at bit `lsb` of `port`.
template <class Port>
void PutBits(Port& port, unsigned lsb, unsigned width, uint64_t value) {
  const uint64_t mask = width >= 64 ? ~uint64_t(0) : ((uint64_t(1) << width) - 1);
  value &= mask;
  if constexpr (std::is_integral_v<Port>) {
    port = static_cast<Port>((port & ~(mask << lsb)) | (value << lsb));
  } else {
    unsigned done = 0;
    while (done < width) {
      const unsigned bit = lsb + done, word = bit / 32, off = bit % 32;
      const unsigned n = (32 - off) < (width - done) ? (32 - off) : (width - done);
      const uint32_t m = (n == 32 ? 0xFFFFFFFFu : ((1u << n) - 1)) << off;
      port[word] = (port[word] & ~m) | (static_cast<uint32_t>(value >> done) << off & m);
      done += n;
    }
  }
}

// Reads `width` (1..64) bits at bit `lsb` of `port`.
template <class Port>
uint64_t GetBits(const Port& port, unsigned lsb, unsigned width) {
  const uint64_t mask = width >= 64 ? ~uint64_t(0) : ((uint64_t(1) << width) - 1);
  if constexpr (std::is_integral_v<Port>) {
    return (static_cast<uint64_t>(port) >> lsb) & mask;
  } else {
    uint64_t v = 0;
    unsigned done = 0;
    while (done < width) {
      const unsigned bit = lsb + done, word = bit / 32, off = bit % 32;
      const unsigned n = (32 - off) < (width - done) ? (32 - off) : (width - done);
      v |= static_cast<uint64_t>((port[word] >> off) & (n == 32 ? 0xFFFFFFFFu : ((1u << n) - 1)))
           << done;
      done += n;
    }
    return v;
  }
}

// Copies `n` bytes into a port, byte i at bits [8i+7:8i] (lane i of a packed byte array).
// One memcpy instead of n bit-field writes: this sits on the per-cycle path of wide streams.
template <class Port>
void PutBytes(Port& port, const void* bytes, size_t n) {
  static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
                "Verilated ports are little-endian words");
  if constexpr (std::is_integral_v<Port>) {
    std::memcpy(&port, bytes, n < sizeof(Port) ? n : sizeof(Port));
  } else {
    std::memcpy(port.data(), bytes, n);
  }
}

// Copies `n` bytes out of a port (the inverse of PutBytes).
template <class Port>
void GetBytes(const Port& port, void* bytes, size_t n) {
  if constexpr (std::is_integral_v<Port>) {
    std::memcpy(bytes, &port, n < sizeof(Port) ? n : sizeof(Port));
  } else {
    std::memcpy(bytes, port.data(), n);
  }
}

// Sign-extends the low `width` bits of `v`.
inline int64_t SignExtend(uint64_t v, unsigned width) {
  const uint64_t m = uint64_t(1) << (width - 1);
  v &= (width == 64) ? ~uint64_t(0) : ((uint64_t(1) << width) - 1);
  return static_cast<int64_t>((v ^ m) - m);
}

}  // namespace luoshu::tb
