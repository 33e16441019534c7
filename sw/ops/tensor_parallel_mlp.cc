#include "sw/ops/tensor_parallel_mlp.h"

#include <string>
#include <vector>

namespace luoshu::ops {

TensorParallelMlp::TensorParallelMlp(Device& dev, Communicator& comm, const MlpWeights& w)
    : dev_(dev),
      comm_(&comm),
      in_(w.w1.rows()),
      hidden_(w.w1.cols()),
      out_(w.w2.cols()),
      scale1_(w.scale1),
      shift1_(w.shift1) {
  CheckMlp(Matrix<int8_t>(1, in_), w);
  const int n = comm.size(), r = comm.rank();
  slice_ = (hidden_ + n - 1) / n;
  const int h0 = r * slice_;
  // This rank's slice of the hidden units; units past `hidden_` are the zero padding.
  Matrix<int8_t> w1(in_, slice_), w2(slice_, out_);
  std::vector<int32_t> b1(static_cast<size_t>(slice_), 0);
  for (int j = 0; j < slice_ && h0 + j < hidden_; ++j) {
    for (int i = 0; i < in_; ++i) w1.at(i, j) = w.w1.at(i, h0 + j);
    for (int o = 0; o < out_; ++o) w2.at(j, o) = w.w2.at(h0 + j, o);
    if (!w.b1.empty()) b1[static_cast<size_t>(j)] = w.b1[static_cast<size_t>(h0 + j)];
  }
  w1_ = dev.Upload(w1);
  if (!w.b1.empty()) b1_ = dev.Upload(b1);
  w2_ = dev.Upload(w2);
  if (!w.b2.empty()) {
    b2_ = dev.Upload(r == 0 ? w.b2 : std::vector<int32_t>(w.b2.size(), 0));
  }
}

TensorParallelMlpRun TensorParallelMlp::Run(const Buffer& x, int cores,
                                            const CollectiveOptions& o) {
  if (!x.valid() || x.dtype() != DType::kInt8 || x.shape().rank() != 2 || x.cols() != in_) {
    throw InvalidArgument(
        "tensor-parallel mlp: X must be int8 batch x " + std::to_string(in_) + ", got " +
        (x.valid() ? std::string(DTypeName(x.dtype())) + " " + x.shape().ToString()
                   : std::string("an empty buffer")));
  }
  TensorParallelMlpRun run;
  run.hidden = dev_.Alloc({x.rows(), slice_}, DType::kInt8);
  run.output = dev_.Alloc({x.rows(), out_}, DType::kInt32);
  dev_.Synchronize();
  comm_->Barrier();
  run.start_cycle = dev_.Now();
  GemmOptions g;
  g.cores = cores;
  g.split = Split::kRows;  // the same row bands in both layers (as Mlp)
  Epilogue e1;
  e1.bias = b1_.valid() ? &b1_ : nullptr;
  e1.relu = true;
  e1.requant = true;
  e1.scale = scale1_;
  e1.shift = shift1_;
  g.label = "tp mlp layer 1";
  run.layer1 = Gemm(dev_, x, w1_, &run.hidden, e1, g);
  Epilogue e2;
  e2.bias = b2_.valid() ? &b2_ : nullptr;
  g.label = "tp mlp layer 2";
  run.layer2 = Gemm(dev_, run.hidden, w2_, &run.output, e2, g);
  CollectiveOptions ao = o;
  ao.cores = cores;
  if (ao.label.empty()) ao.label = "tp mlp allreduce";
  run.allreduce = AllReduce(dev_, *comm_, &run.output, ao);
  run.end_cycle = dev_.Now();
  return run;
}

}  // namespace luoshu::ops
