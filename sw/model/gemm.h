// Bit-exact functional model of the cube's arithmetic: int8 x int8 products accumulated in
// int32 with two's-complement wrap-around, exactly as the RTL adds. This is the golden
// reference every RTL test compares against, and later the compute core of the
// command-level model and the fast host backend.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace luoshu::model {

// Dense row-major matrix that owns its storage.
template <class T>
class Matrix {
 public:
  Matrix() = default;
  Matrix(int rows, int cols, T fill = T{}) : rows_(rows), cols_(cols) {
    if (rows < 0 || cols < 0) {
      throw std::invalid_argument("Matrix: negative shape " + std::to_string(rows) + "x" +
                                  std::to_string(cols));
    }
    data_.assign(static_cast<size_t>(rows) * cols, fill);
  }
  int rows() const { return rows_; }
  int cols() const { return cols_; }
  T& at(int r, int c) { return data_[static_cast<size_t>(r) * cols_ + c]; }
  const T& at(int r, int c) const { return data_[static_cast<size_t>(r) * cols_ + c]; }
  T* data() { return data_.data(); }
  const T* data() const { return data_.data(); }
  bool operator==(const Matrix& o) const {
    return rows_ == o.rows_ && cols_ == o.cols_ && data_ == o.data_;
  }

 private:
  int rows_ = 0, cols_ = 0;
  std::vector<T> data_;
};

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

}  // namespace luoshu::model
