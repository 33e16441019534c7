// One GEMM through the runtime and the ops library on a Device, checked against the model's
// reference: what the SoC and ops benchmarks measure (cycles from the events, utilization,
// wall time, simulated cycles per second).
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "sw/model/gemm.h"
#include "sw/ops/gemm.h"
#include "sw/runtime/device.h"
#include "tb/random.h"
#include "tb/workloads/matrices.h"

namespace luoshu::tb {

struct GemmRun {
  ops::GemmLaunch launch;
  bool exact = false;       // equal to the model's reference
  double wall_seconds = 0;  // copies in, GEMM, synchronize (not the check)
  double sim_rate = 0;      // device cycles per wall-clock second, host copies included
  uint64_t cycles() const { return launch.cycles(); }
  double utilization() const { return launch.utilization(); }
};

// C = epilogue(A x B) for random A (m x k) and B (k x n) from `seed`; int8 output with
// requantization when `int8_out` (scale 1, shift 8), bias and ReLU when `bias_relu`.
inline GemmRun RunGemm(Device& dev, int m, int n, int k, const ops::GemmOptions& options,
                       bool int8_out = false, bool bias_relu = false, uint64_t seed = 11) {
  Rng rng(seed);
  const auto a = RandomInt8Matrix(&rng, m, k);
  const auto b = RandomInt8Matrix(&rng, k, n);
  std::vector<int32_t> bias;
  if (bias_relu) {
    for (int j = 0; j < n; ++j) bias.push_back(static_cast<int32_t>(rng.Uniform(-4096, 4096)));
  }
  GemmRun run;
  const uint64_t c0 = dev.Now();
  const auto t0 = std::chrono::steady_clock::now();
  Buffer da = dev.Upload(a), db = dev.Upload(b);
  Buffer dbias = bias.empty() ? Buffer() : dev.Upload(bias);
  Buffer dc = dev.Alloc({m, n}, int8_out ? DType::kInt8 : DType::kInt32);
  ops::Epilogue ep;
  ep.bias = bias.empty() ? nullptr : &dbias;
  ep.relu = bias_relu;
  ep.requant = int8_out;
  ep.shift = int8_out ? 8 : 0;
  run.launch = ops::Gemm(dev, da, db, &dc, ep, options);
  dev.Synchronize();
  run.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  run.sim_rate = (dev.Now() - c0) / run.wall_seconds;
  if (int8_out) {
    run.exact = dc.Download<int8_t>() == model::LinearInt8(a, b, bias, bias_relu, 1, 8);
  } else {
    run.exact = dc.Download<int32_t>() == model::LinearInt32(a, b, bias, bias_relu);
  }
  return run;
}

}  // namespace luoshu::tb
