// The STORE epilogue, element by element, exactly as MTE-out computes it (docs/isa.md):
//   x = c + bias            (if bias_en; int32 two's-complement wrap-around)
//   x = max(x, 0)           (if relu)
//   int32 out: x
//   int8 out:  saturate(round(x * scale / 2^shift)) to [-128, 127], rounding to nearest with
//              ties away from zero. For shift > 0 that is, with p = x * scale (48-bit signed):
//              (p + 2^(shift-1) - (p < 0 ? 1 : 0)) >>> shift   (arithmetic shift)
#pragma once

#include <algorithm>
#include <cstdint>

namespace luoshu::model {

inline int32_t WrapAdd32(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
}

// Bias add and ReLU: the int32 part of the epilogue.
inline int32_t EpilogueInt32(int32_t c, int32_t bias, bool bias_en, bool relu) {
  int32_t x = bias_en ? WrapAdd32(c, bias) : c;
  return relu ? std::max(x, 0) : x;
}

// Rounded arithmetic right shift, ties away from zero (shift 0..62).
inline int64_t RoundShiftTiesAway(int64_t p, int shift) {
  if (shift == 0) return p;
  const int64_t half = int64_t{1} << (shift - 1);
  return (p + half - (p < 0 ? 1 : 0)) >> shift;  // >> of a negative int64 is arithmetic (C++20,
                                                 // and every compiler we use before it)
}

// int32 -> int8 requantization: scale is a signed 16-bit multiplier, shift 0..31.
inline int8_t Requantize(int32_t x, int32_t scale, int shift) {
  const int64_t r = RoundShiftTiesAway(static_cast<int64_t>(x) * scale, shift);
  return static_cast<int8_t>(std::clamp<int64_t>(r, -128, 127));
}

}  // namespace luoshu::model
