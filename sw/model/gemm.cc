#include "sw/model/gemm.h"

#include <algorithm>

#include "sw/model/epilogue.h"

namespace luoshu::model {
namespace {

void Check(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument("GemmInt8: " + what);
}

// Accumulation is done on uint32_t: unsigned arithmetic wraps exactly like the RTL's
// 32-bit adder, with no undefined behaviour, and still vectorizes.
constexpr int kBlockK = 256;  // B rows per block: a 256 x kBlockN int8 panel stays in L1/L2
constexpr int kBlockN = 512;

}  // namespace

void GemmInt8(const int8_t* a, const int8_t* b, int32_t* c, const GemmShape& s, bool accumulate) {
  Check(a && b && c, "null matrix pointer");
  Check(s.m > 0 && s.n > 0 && s.k > 0, "sizes must be positive, got m=" + std::to_string(s.m) +
                                           " n=" + std::to_string(s.n) +
                                           " k=" + std::to_string(s.k));
  const int lda = s.lda ? s.lda : s.k, ldb = s.ldb ? s.ldb : s.n, ldc = s.ldc ? s.ldc : s.n;
  Check(lda >= s.k,
        "lda (" + std::to_string(lda) + ") is smaller than k (" + std::to_string(s.k) + ")");
  Check(ldb >= s.n,
        "ldb (" + std::to_string(ldb) + ") is smaller than n (" + std::to_string(s.n) + ")");
  Check(ldc >= s.n,
        "ldc (" + std::to_string(ldc) + ") is smaller than n (" + std::to_string(s.n) + ")");

  if (!accumulate) {
    for (int i = 0; i < s.m; ++i)
      std::fill(c + static_cast<size_t>(i) * ldc, c + static_cast<size_t>(i) * ldc + s.n, 0);
  }
  std::vector<uint32_t> acc(kBlockN);
  for (int n0 = 0; n0 < s.n; n0 += kBlockN) {
    const int nb = std::min(kBlockN, s.n - n0);
    for (int i = 0; i < s.m; ++i) {
      int32_t* crow = c + static_cast<size_t>(i) * ldc + n0;
      for (int j = 0; j < nb; ++j) acc[j] = static_cast<uint32_t>(crow[j]);
      for (int k0 = 0; k0 < s.k; k0 += kBlockK) {
        const int kb = std::min(kBlockK, s.k - k0);
        const int8_t* arow = a + static_cast<size_t>(i) * lda + k0;
        for (int kk = 0; kk < kb; ++kk) {
          const int32_t av = arow[kk];
          const int8_t* brow = b + static_cast<size_t>(k0 + kk) * ldb + n0;
          uint32_t* accp = acc.data();
          for (int j = 0; j < nb; ++j) accp[j] += static_cast<uint32_t>(av * brow[j]);
        }
      }
      for (int j = 0; j < nb; ++j) crow[j] = static_cast<int32_t>(acc[j]);
    }
  }
}

void GemmInt8(const Matrix<int8_t>& a, const Matrix<int8_t>& b, Matrix<int32_t>* c,
              bool accumulate) {
  Check(c != nullptr, "null output matrix");
  Check(a.cols() == b.rows(), "inner dimensions differ: A is " + std::to_string(a.rows()) + "x" +
                                  std::to_string(a.cols()) + ", B is " + std::to_string(b.rows()) +
                                  "x" + std::to_string(b.cols()));
  Check(c->rows() == a.rows() && c->cols() == b.cols(),
        "C must be " + std::to_string(a.rows()) + "x" + std::to_string(b.cols()) + ", got " +
            std::to_string(c->rows()) + "x" + std::to_string(c->cols()));
  GemmInt8(a.data(), b.data(), c->data(), {a.rows(), b.cols(), a.cols(), 0, 0, 0}, accumulate);
}

void GemmInt8Reference(const Matrix<int8_t>& a, const Matrix<int8_t>& b, Matrix<int32_t>* c,
                       bool accumulate) {
  for (int i = 0; i < a.rows(); ++i) {
    for (int j = 0; j < b.cols(); ++j) {
      uint32_t sum = accumulate ? static_cast<uint32_t>(c->at(i, j)) : 0u;
      for (int k = 0; k < a.cols(); ++k) sum += static_cast<uint32_t>(a.at(i, k) * b.at(k, j));
      c->at(i, j) = static_cast<int32_t>(sum);
    }
  }
}

Matrix<int32_t> LinearInt32(const Matrix<int8_t>& a, const Matrix<int8_t>& b,
                            const std::vector<int32_t>& bias, bool relu) {
  if (!bias.empty() && static_cast<int>(bias.size()) != b.cols()) {
    throw std::invalid_argument("LinearInt32: " + std::to_string(bias.size()) +
                                " bias values for " + std::to_string(b.cols()) + " columns");
  }
  Matrix<int32_t> c(a.rows(), b.cols());
  GemmInt8(a, b, &c);
  for (int i = 0; i < c.rows(); ++i) {
    for (int j = 0; j < c.cols(); ++j) {
      c.at(i, j) = EpilogueInt32(c.at(i, j), bias.empty() ? 0 : bias[j], !bias.empty(), relu);
    }
  }
  return c;
}

Matrix<int8_t> LinearInt8(const Matrix<int8_t>& a, const Matrix<int8_t>& b,
                          const std::vector<int32_t>& bias, bool relu, int32_t scale, int shift) {
  const Matrix<int32_t> acc = LinearInt32(a, b, bias, relu);
  Matrix<int8_t> out(acc.rows(), acc.cols());
  for (int i = 0; i < acc.rows(); ++i) {
    for (int j = 0; j < acc.cols(); ++j) out.at(i, j) = Requantize(acc.at(i, j), scale, shift);
  }
  return out;
}

}  // namespace luoshu::model
