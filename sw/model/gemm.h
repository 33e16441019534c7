// Bit-exact functional model of the cube's arithmetic: int8 x int8 products accumulated in
// int32 with two's-complement wrap-around, exactly as the RTL adds. This is the golden
// reference every RTL test compares against, and later the compute core of the
// command-level model and the fast host backend.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "sw/common/matrix.h"

namespace luoshu::model {

// Strided views for GEMM on sub-blocks of larger matrices (leading dimension in elements).
struct GemmShape {
  int m = 0, n = 0, k = 0;
  int lda = 0, ldb = 0, ldc = 0;  // 0 means "dense": k, n, n
};

// C[m x n] = (accumulate ? C : 0) + A[m x k] * B[k x n], int32 wrap-around.
// Throws std::invalid_argument for non-positive sizes, leading dimensions smaller than a
// row, or null pointers.
void GemmInt8(const int8_t* a, const int8_t* b, int32_t* c, const GemmShape& shape,
              bool accumulate);

// Matrix convenience form; shapes must agree (a.cols == b.rows, c is a.rows x b.cols).
void GemmInt8(const Matrix<int8_t>& a, const Matrix<int8_t>& b, Matrix<int32_t>* c,
              bool accumulate = false);

// Plain triple loop, kept only as the reference the blocked kernel is tested against.
void GemmInt8Reference(const Matrix<int8_t>& a, const Matrix<int8_t>& b, Matrix<int32_t>* c,
                       bool accumulate = false);

// A whole layer as the hardware computes it: C = epilogue(A x B) (sw/model/epilogue.h), with
// an optional int32 bias per column of C (`bias` empty or N values), ReLU, and for the int8
// form requantization with `scale` (int16) and `shift` (0..31). The reference the ops
// library and the tools check against.
Matrix<int32_t> LinearInt32(const Matrix<int8_t>& a, const Matrix<int8_t>& b,
                            const std::vector<int32_t>& bias, bool relu);
Matrix<int8_t> LinearInt8(const Matrix<int8_t>& a, const Matrix<int8_t>& b,
                          const std::vector<int32_t>& bias, bool relu, int32_t scale, int shift);

}  // namespace luoshu::model
