// A two-layer int8 MLP on the device, the ops library's example network:
//   H = requant(relu(X W1 + b1))   int8, batch x hidden   (layer 1: bias, ReLU, requantize)
//   Y = H W2 + b2                  int32, batch x out      (layer 2: bias, int32 output)
// The weights are uploaded once and stay on the device; X goes in, Y comes out, and H never
// leaves the device. Both layers split the batch into the same row bands, one per core, so
// each core's layer-2 rows depend only on its own layer-1 rows: the layers are enqueued back
// to back, ordered on each core by the SYNC that ends layer 1, with no host round trip.
// sw/examples/mlp_example.cc shows it as a program.
#pragma once

#include <cstdint>
#include <vector>

#include "sw/common/matrix.h"
#include "sw/ops/gemm.h"
#include "sw/runtime/device.h"

namespace luoshu::ops {

struct MlpWeights {
  Matrix<int8_t> w1;        // in x hidden
  std::vector<int32_t> b1;  // hidden values, or empty
  int32_t scale1 = 1;       // layer 1 requantization (int16)
  int shift1 = 0;           // 0..31
  Matrix<int8_t> w2;        // hidden x out
  std::vector<int32_t> b2;  // out values, or empty
};

// InvalidArgument if X (batch x in) and the weights do not fit together.
void CheckMlp(const Matrix<int8_t>& x, const MlpWeights& w);

struct MlpRun {
  std::vector<GemmLaunch> layers;  // events tell each layer's time per core
  Buffer hidden;                   // H (int8)
  Buffer output;                   // Y (int32), ready after the events / Synchronize
};

class Mlp {
 public:
  // Uploads the weights (InvalidArgument / OutOfMemory on a bad shape or a full device).
  Mlp(Device& dev, const MlpWeights& w);
  // Enqueues both layers for `x` (int8, batch x in) on `cores` cores (0 = all).
  MlpRun Enqueue(const Buffer& x, int cores = 0);

 private:
  Device dev_;
  int in_, hidden_, out_;
  int32_t scale1_;
  int shift1_;
  Buffer w1_, b1_, w2_, b2_;
};

}  // namespace luoshu::ops
