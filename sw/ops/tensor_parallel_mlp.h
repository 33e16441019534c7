// The two-layer MLP of sw/ops/mlp.h across the chips of a supernode, tensor-parallel (SPMD:
// every rank constructs it with the same weights and runs it on its own copy of X):
//   rank r holds W1's columns and b1's values for its slice of the hidden units, and W2's
//   rows for the same slice;
//   H_r = requant(relu(X W1_r + b1_r))    int8, batch x hidden / n, on rank r only
//   Y_r = H_r W2_r (+ b2 on rank 0)       int32 partial sums
//   Y   = AllReduce(Y_r)                  on every rank
// Y is bit-exact with the one-chip Mlp: a hidden unit's value depends only on its own column
// of W1, and int32 sums wrap, so the partial sums add up to the full one in any order.
// The hidden layer is padded with zero columns of W1 (and zero rows of W2, zero b1) to a
// multiple of the ranks, so every rank's slice and every allocation has the same size on every
// rank (symmetric allocation, sw/ops/collectives.h); a padded unit is requant(relu(0)) = 0 and
// adds nothing. b2 is uploaded on every rank, zeros except on rank 0, for the same reason.
#pragma once

#include <cstdint>

#include "sw/ops/collectives.h"
#include "sw/ops/gemm.h"
#include "sw/ops/mlp.h"

namespace luoshu::ops {

struct TensorParallelMlpRun {
  GemmLaunch layer1, layer2;  // this rank's GEMMs
  CollectiveResult allreduce;
  Buffer hidden;                            // H_r (int8, batch x slice)
  Buffer output;                            // Y (int32, batch x out), the same on every rank
  uint64_t start_cycle = 0, end_cycle = 0;  // this rank's device cycles around the whole run
  uint64_t cycles() const { return end_cycle - start_cycle; }
};

class TensorParallelMlp {
 public:
  // Uploads this rank's slices (InvalidArgument for bad shapes, as CheckMlp).
  TensorParallelMlp(Device& dev, Communicator& comm, const MlpWeights& w);
  // Runs both layers on this rank's slice and the all-reduce of Y; returns once Y is complete
  // on every rank. `x` is int8 batch x in (each rank its own copy of the same X). `cores`
  // 0 = all.
  TensorParallelMlpRun Run(const Buffer& x, int cores = 0, const CollectiveOptions& o = {});
  int slice() const { return slice_; }  // hidden units per rank (padded)

 private:
  Device dev_;
  Communicator* comm_;
  int in_, hidden_, out_, slice_;
  int32_t scale1_;
  int shift1_;
  Buffer w1_, b1_, w2_, b2_;
};

}  // namespace luoshu::ops
