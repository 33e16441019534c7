// Multi-layer cases for the ops tests on any backend: ops::Mlp and chains of GEMMs that read
// the previous layer's output on the device, against the host reference built from
// model::LinearInt8 / LinearInt32. Header-only; tests only.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "sw/model/gemm.h"
#include "sw/ops/gemm.h"
#include "sw/ops/mlp.h"
#include "sw/runtime/device.h"
#include "tb/random.h"
#include "tb/workloads/matrices.h"
#include "tests/sw/ops/gemm_cases.h"

namespace luoshu::gemm_test {

struct MlpShape {
  int batch, in, hidden, out;
  std::string ToString() const {
    return "batch " + std::to_string(batch) + ", " + std::to_string(in) + " -> " +
           std::to_string(hidden) + " -> " + std::to_string(out);
  }
};

// A requantization that maps a sum of `k` int8 x int8 products to a spread of int8 values
// (not all 0, not all saturated): about 40 / (sqrt(k) * 128^2 / 3) as scale / 2^16.
inline void SpreadingRequant(int k, int32_t* scale, int* shift) {
  *shift = 16;
  *scale = std::max<int32_t>(1, static_cast<int32_t>(480 / std::sqrt(double(k))));
}

inline std::vector<int32_t> RandomBias(tb::Rng* rng, int n) {
  std::vector<int32_t> b(static_cast<size_t>(n));
  for (auto& v : b) v = static_cast<int32_t>(rng->Uniform(-100000, 100000));
  return b;
}

// At least a few distinct values once there are enough of them: the layer is not degenerate.
inline bool Spread(const Matrix<int8_t>& m) {
  if (m.size() < 64) return true;
  return std::set<int8_t>(m.data(), m.data() + m.size()).size() >= 5;
}

// Random MLP weights for `s` (biases or none), the hidden layer requantized to a spread.
inline ops::MlpWeights RandomMlpWeights(tb::Rng* rng, const MlpShape& s, bool biases) {
  ops::MlpWeights w;
  w.w1 = tb::RandomInt8Matrix(rng, s.in, s.hidden);
  w.w2 = tb::RandomInt8Matrix(rng, s.hidden, s.out);
  if (biases) {
    w.b1 = RandomBias(rng, s.hidden);
    w.b2 = RandomBias(rng, s.out);
  }
  SpreadingRequant(s.in, &w.scale1, &w.shift1);
  return w;
}

inline ::testing::AssertionResult CheckMlp(Device& dev, tb::Rng* rng, const MlpShape& s, int cores,
                                           bool biases) {
  const ops::MlpWeights w = RandomMlpWeights(rng, s, biases);
  const Matrix<int8_t> x = tb::RandomInt8Matrix(rng, s.batch, s.in);
  const std::string what =
      s.ToString() + ", cores " + std::to_string(cores) + (biases ? ", biases" : ", no biases");
  ops::Mlp mlp(dev, w);
  Buffer dx = dev.Upload(x);
  const ops::MlpRun run = mlp.Enqueue(dx, cores);
  dev.Synchronize();
  const Matrix<int8_t> h = model::LinearInt8(x, w.w1, w.b1, true, w.scale1, w.shift1);
  const Matrix<int32_t> y = model::LinearInt32(h, w.w2, w.b2, false);
  if (!Spread(h)) return ::testing::AssertionFailure() << what << ": a degenerate hidden layer";
  ::testing::AssertionResult same_h = SameMatrix(run.hidden.Download<int8_t>(), h);
  if (!same_h) return ::testing::AssertionFailure() << what << ": H " << same_h.message();
  ::testing::AssertionResult same_y = SameMatrix(run.output.Download<int32_t>(), y);
  if (!same_y) return ::testing::AssertionFailure() << what << ": Y " << same_y.message();
  if (run.layers.size() != 2) {
    return ::testing::AssertionFailure() << what << ": " << run.layers.size() << " layers";
  }
  return ::testing::AssertionSuccess();
}

// GEMMs chained on the device: X (batch x widths[0]) through layers widths[i] -> widths[i+1];
// every layer but the last is bias + (ReLU on odd layers) + int8 requantization, the last is
// int32 with a bias. All enqueued with split kRows, without a Synchronize.
struct Chain {
  Matrix<int8_t> x;
  std::vector<Matrix<int8_t>> w;
  std::vector<std::vector<int32_t>> bias;
  std::vector<ops::Epilogue> ep;  // bias pointers into dbias
  Buffer dx;
  std::vector<Buffer> dw, dbias, out;  // out[i]: layer i + 1 (int8, the last int32)
  int cores = 0;
};

inline std::unique_ptr<Chain> EnqueueChain(Device& dev, tb::Rng* rng, int batch,
                                           const std::vector<int>& widths, int cores) {
  auto c = std::make_unique<Chain>();
  const size_t layers = widths.size() - 1;
  c->cores = cores;
  c->x = tb::RandomInt8Matrix(rng, batch, widths[0]);
  c->dx = dev.Upload(c->x);
  for (size_t i = 0; i < layers; ++i) {
    c->w.push_back(tb::RandomInt8Matrix(rng, widths[i], widths[i + 1]));
    c->bias.push_back(RandomBias(rng, widths[i + 1]));
    c->dw.push_back(dev.Upload(c->w[i]));
    c->dbias.push_back(dev.Upload(c->bias[i]));
    const bool last = i + 1 == layers;
    c->out.push_back(dev.Alloc({batch, widths[i + 1]}, last ? DType::kInt32 : DType::kInt8));
  }
  c->ep.resize(layers);
  ops::GemmOptions o;
  o.cores = cores;
  o.split = ops::Split::kRows;
  for (size_t i = 0; i < layers; ++i) {
    ops::Epilogue& e = c->ep[i];
    e.bias = &c->dbias[i];
    if (i + 1 < layers) {
      e.relu = i % 2 == 1;
      e.requant = true;
      SpreadingRequant(widths[i], &e.scale, &e.shift);
    }
    o.label = "layer " + std::to_string(i + 1);
    ops::Gemm(dev, i == 0 ? c->dx : c->out[i - 1], c->dw[i], &c->out[i], e, o);
  }
  return c;
}

// After a Synchronize: every layer's output against the host reference.
inline ::testing::AssertionResult CheckChainOutputs(const Chain& c) {
  Matrix<int8_t> in = c.x;
  for (size_t i = 0; i < c.out.size(); ++i) {
    const std::string what = "layer " + std::to_string(i + 1) + " of batch " +
                             std::to_string(c.x.rows()) + " on cores " + std::to_string(c.cores);
    const ops::Epilogue& e = c.ep[i];
    if (i + 1 < c.out.size()) {
      const Matrix<int8_t> want =
          model::LinearInt8(in, c.w[i], c.bias[i], e.relu, e.scale, e.shift);
      if (!Spread(want)) return ::testing::AssertionFailure() << what << ": degenerate";
      ::testing::AssertionResult same = SameMatrix(c.out[i].Download<int8_t>(), want);
      if (!same) return ::testing::AssertionFailure() << what << ": " << same.message();
      in = want;
    } else {
      ::testing::AssertionResult same = SameMatrix(
          c.out[i].Download<int32_t>(), model::LinearInt32(in, c.w[i], c.bias[i], false));
      if (!same) return ::testing::AssertionFailure() << what << ": " << same.message();
    }
  }
  return ::testing::AssertionSuccess();
}

inline ::testing::AssertionResult CheckChain(Device& dev, tb::Rng* rng, int batch,
                                             const std::vector<int>& widths, int cores) {
  const std::unique_ptr<Chain> c = EnqueueChain(dev, rng, batch, widths, cores);
  dev.Synchronize();
  return CheckChainOutputs(*c);
}

}  // namespace luoshu::gemm_test
