// The element arithmetic of the vector commands (docs/isa.md), one row at a time, exactly as
// the vector unit computes it: VADD int32 wrap-around, VMAX signed (int8 or int32), VREQUANT
// the STORE epilogue's Requantize (sw/model/epilogue.h), VCOPY bytes. Rows are little-endian
// byte images, so a test can check the RTL's memory against it directly.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "sw/isa/vector.h"
#include "sw/model/epilogue.h"

namespace luoshu::model {

namespace detail {
inline int32_t LoadInt32(const uint8_t* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = v << 8 | p[i];
  return static_cast<int32_t>(v);
}
inline void StoreInt32(uint8_t* p, int32_t x) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(static_cast<uint32_t>(x) >> (8 * i));
}
}  // namespace detail

// dst[0 .. v.DstRowBytes()) from src0 (and src1 for VADD / VMAX), each v.SrcRowBytes() long.
inline void VectorRow(const isa::VectorCommand& v, const uint8_t* src0, const uint8_t* src1,
                      uint8_t* dst) {
  using isa::Opcode;
  for (uint32_t c = 0; c < v.cols; ++c) {
    switch (v.op) {
      case Opcode::kVadd:
        detail::StoreInt32(dst + 4 * c, WrapAdd32(detail::LoadInt32(src0 + 4 * c),
                                                  detail::LoadInt32(src1 + 4 * c)));
        break;
      case Opcode::kVmax:
        if (v.int8) {
          dst[c] = static_cast<uint8_t>(
              std::max(static_cast<int8_t>(src0[c]), static_cast<int8_t>(src1[c])));
        } else {
          detail::StoreInt32(dst + 4 * c, std::max(detail::LoadInt32(src0 + 4 * c),
                                                   detail::LoadInt32(src1 + 4 * c)));
        }
        break;
      case Opcode::kVrequant:
        dst[c] = static_cast<uint8_t>(
            Requantize(detail::LoadInt32(src0 + 4 * c), v.scale, static_cast<int>(v.shift)));
        break;
      default:  // kVcopy
        dst[c] = src0[c];
        break;
    }
  }
}

}  // namespace luoshu::model
