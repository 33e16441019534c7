#include "sw/ops/mlp.h"

#include <string>

namespace luoshu::ops {
namespace {

std::string Dims(int r, int c) { return std::to_string(r) + "x" + std::to_string(c); }

}  // namespace

void CheckMlp(const Matrix<int8_t>& x, const MlpWeights& w) {
  auto fail = [](const std::string& what) { throw InvalidArgument("mlp: " + what); };
  if (x.rows() < 1 || x.cols() < 1 || w.w1.rows() < 1 || w.w1.cols() < 1 || w.w2.rows() < 1 ||
      w.w2.cols() < 1) {
    fail("X, W1 and W2 must be non-empty");
  }
  if (x.cols() != w.w1.rows()) {
    fail("X is " + Dims(x.rows(), x.cols()) + " and W1 is " + Dims(w.w1.rows(), w.w1.cols()) +
         ": X's columns must equal W1's rows");
  }
  if (w.w1.cols() != w.w2.rows()) {
    fail("W1 is " + Dims(w.w1.rows(), w.w1.cols()) + " and W2 is " +
         Dims(w.w2.rows(), w.w2.cols()) + ": W1's columns (hidden) must equal W2's rows");
  }
  if (!w.b1.empty() && static_cast<int>(w.b1.size()) != w.w1.cols()) {
    fail("b1 has " + std::to_string(w.b1.size()) + " values, the hidden layer has " +
         std::to_string(w.w1.cols()));
  }
  if (!w.b2.empty() && static_cast<int>(w.b2.size()) != w.w2.cols()) {
    fail("b2 has " + std::to_string(w.b2.size()) + " values, the output has " +
         std::to_string(w.w2.cols()));
  }
  if (w.scale1 < -32768 || w.scale1 > 32767 || w.shift1 < 0 || w.shift1 > 31) {
    fail("layer 1 requantization needs an int16 scale and a shift in 0..31");
  }
}

Mlp::Mlp(Device& dev, const MlpWeights& w)
    : dev_(dev),
      in_(w.w1.rows()),
      hidden_(w.w1.cols()),
      out_(w.w2.cols()),
      scale1_(w.scale1),
      shift1_(w.shift1) {
  CheckMlp(Matrix<int8_t>(1, in_), w);
  w1_ = dev.Upload(w.w1);
  if (!w.b1.empty()) b1_ = dev.Upload(w.b1);
  w2_ = dev.Upload(w.w2);
  if (!w.b2.empty()) b2_ = dev.Upload(w.b2);
}

MlpRun Mlp::Enqueue(const Buffer& x, int cores) {
  if (!x.valid() || x.dtype() != DType::kInt8 || x.shape().rank() != 2 || x.cols() != in_) {
    throw InvalidArgument("mlp: X must be int8 batch x " + std::to_string(in_) + ", got " +
                          (x.valid()
                               ? std::string(DTypeName(x.dtype())) + " " + x.shape().ToString()
                               : std::string("an empty buffer")));
  }
  MlpRun run;
  run.hidden = dev_.Alloc({x.rows(), hidden_}, DType::kInt8);
  run.output = dev_.Alloc({x.rows(), out_}, DType::kInt32);
  GemmOptions o;
  o.cores = cores;
  o.split = Split::kRows;  // the same row bands in both layers: no cross-core dependency
  Epilogue e1;
  e1.bias = b1_.valid() ? &b1_ : nullptr;
  e1.relu = true;
  e1.requant = true;
  e1.scale = scale1_;
  e1.shift = shift1_;
  o.label = "mlp layer 1";
  run.layers.push_back(Gemm(dev_, x, w1_, &run.hidden, e1, o));
  Epilogue e2;
  e2.bias = b2_.valid() ? &b2_ : nullptr;
  o.label = "mlp layer 2";
  run.layers.push_back(Gemm(dev_, run.hidden, w2_, &run.output, e2, o));
  return run;
}

}  // namespace luoshu::ops
