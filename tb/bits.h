// Bit-field access to Verilated ports of any width: CData/SData/IData/QData (integers) and
// VlWide<N> (arrays of 32-bit words), so tests pack payloads without caring how wide they are.
#pragma once

#include <cstdint>
#include <type_traits>

namespace luoshu::tb {

template <class Port>
void PutBits(Port& port, unsigned lsb, unsigned width, uint64_t value) {
  for (unsigned i = 0; i < width; ++i) {
    const unsigned b = lsb + i;
    const uint64_t bit = (value >> i) & 1u;
    if constexpr (std::is_integral_v<Port>) {
      port = static_cast<Port>((port & ~(Port(1) << b)) | (Port(bit) << b));
    } else {
      port[b / 32] = (port[b / 32] & ~(1u << (b % 32))) | (static_cast<uint32_t>(bit) << (b % 32));
    }
  }
}

template <class Port>
uint64_t GetBits(const Port& port, unsigned lsb, unsigned width) {
  uint64_t v = 0;
  for (unsigned i = 0; i < width; ++i) {
    const unsigned b = lsb + i;
    uint64_t bit;
    if constexpr (std::is_integral_v<Port>) {
      bit = (static_cast<uint64_t>(port) >> b) & 1u;
    } else {
      bit = (port[b / 32] >> (b % 32)) & 1u;
    }
    v |= bit << i;
  }
  return v;
}

// Sign-extends the low `width` bits of `v`.
inline int64_t SignExtend(uint64_t v, unsigned width) {
  const uint64_t m = uint64_t(1) << (width - 1);
  v &= (width == 64) ? ~uint64_t(0) : ((uint64_t(1) << width) - 1);
  return static_cast<int64_t>((v ^ m) - m);
}

}  // namespace luoshu::tb
