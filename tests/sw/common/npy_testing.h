// Shared by the .npy tests: the known contents both C++ and tests/sw/common/npy_numpy_files.py
// compute, and a helper that runs a call which must be refused.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <string>
#include <type_traits>
#include <vector>

#include "sw/common/matrix.h"
#include "sw/common/npy.h"

namespace luoshu::npy {

// Element i of a flattened array; the same formulas as pattern() in npy_numpy_files.py.
template <class T>
T Pattern(int64_t i) {
  if constexpr (std::is_same_v<T, int8_t>) return static_cast<T>((i * 37 + 11) % 256 - 128);
  if constexpr (std::is_same_v<T, uint8_t>) return static_cast<T>((i * 37 + 11) % 256);
  if constexpr (std::is_same_v<T, int16_t>) return static_cast<T>((i * 40503 + 7) % 65536 - 32768);
  if constexpr (std::is_same_v<T, int32_t>) {
    return static_cast<T>((i * 2654435761LL + 12345) % (int64_t{1} << 32) - (int64_t{1} << 31));
  }
}

template <class T>
Matrix<T> PatternMatrix(int rows, int cols) {
  Matrix<T> m(rows, cols);
  for (int i = 0; i < rows * cols; ++i) m.data()[i] = Pattern<T>(i);
  return m;
}

template <class T>
std::vector<T> PatternVector(int n) {
  std::vector<T> v(n);
  for (int i = 0; i < n; ++i) v[i] = Pattern<T>(i);
  return v;
}

// Runs `f`, expects an NpyError and returns its message ("" and a test failure if none).
inline std::string ErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const NpyError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no NpyError";
  return "";
}

}  // namespace luoshu::npy
