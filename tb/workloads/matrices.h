// Random operands for GEMM tests, tools and benchmarks (one definition for all of them).
#pragma once

#include <cstdint>

#include "sw/model/gemm.h"
#include "tb/random.h"

namespace luoshu::tb {

// rows x cols int8 values, uniform over the whole range -128..127.
inline Matrix<int8_t> RandomInt8Matrix(Rng* rng, int rows, int cols) {
  Matrix<int8_t> m(rows, cols);
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) m.at(i, j) = static_cast<int8_t>(rng->Uniform(-128, 127));
  return m;
}

}  // namespace luoshu::tb
