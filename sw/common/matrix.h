// Plain data types every software layer may use (sw/common): a dense row-major matrix.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace luoshu {

// Dense row-major matrix that owns its storage.
template <class T>
class Matrix {
 public:
  using value_type = T;

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
  size_t size() const { return data_.size(); }
  bool empty() const { return data_.empty(); }
  T& at(int r, int c) { return data_[static_cast<size_t>(r) * cols_ + c]; }
  const T& at(int r, int c) const { return data_[static_cast<size_t>(r) * cols_ + c]; }
  T* data() { return data_.data(); }
  const T* data() const { return data_.data(); }
  bool operator==(const Matrix& o) const {
    return rows_ == o.rows_ && cols_ == o.cols_ && data_ == o.data_;
  }
  bool operator!=(const Matrix& o) const { return !(*this == o); }

 private:
  int rows_ = 0, cols_ = 0;
  std::vector<T> data_;
};

}  // namespace luoshu
