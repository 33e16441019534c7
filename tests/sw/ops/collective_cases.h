// The collectives' cases, written once as SPMD programs (one call per rank, its Device and the
// Communicator) with their host reference, so the model tests (collectives_test.cc) and the
// RTL system tests (tests/system/supernode_collectives_test.cc) run the same thing. Every rank
// draws its data from (seed, rank), so each can compute every other rank's contribution and
// check its own result alone. Header-only; tests only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sw/model/gemm.h"
#include "sw/ops/collectives.h"
#include "sw/ops/mlp.h"
#include "sw/ops/tensor_parallel_mlp.h"
#include "sw/runtime/device.h"
#include "tb/random.h"
#include "tb/workloads/matrices.h"

namespace luoshu::collective_test {

// Rank r's int32 contribution: random over the whole range (sums wrap).
inline std::vector<int32_t> RankData(uint64_t seed, int rank, uint64_t elements) {
  tb::Rng rng(seed * 1000003 + static_cast<uint64_t>(rank));
  std::vector<int32_t> v(elements);
  for (auto& x : v) x = static_cast<int32_t>(rng.Bits64());
  return v;
}

inline std::vector<int32_t> SumOfRanks(uint64_t seed, int ranks, uint64_t elements) {
  std::vector<uint32_t> sum(elements, 0);
  for (int r = 0; r < ranks; ++r) {
    const auto d = RankData(seed, r, elements);
    for (uint64_t i = 0; i < elements; ++i) sum[i] += static_cast<uint32_t>(d[i]);
  }
  return std::vector<int32_t>(sum.begin(), sum.end());
}

// "" if equal, else where they first differ.
inline std::string FirstDifference(const std::vector<int32_t>& got,
                                   const std::vector<int32_t>& want) {
  if (got.size() != want.size()) return "sizes differ";
  for (size_t i = 0; i < got.size(); ++i) {
    if (got[i] != want[i]) {
      return "element " + std::to_string(i) + " of " + std::to_string(got.size()) + ": got " +
             std::to_string(got[i]) + ", want " + std::to_string(want[i]);
    }
  }
  return "";
}

struct CaseResult {
  std::string error;  // "" = bit-exact
  ops::CollectiveResult run;
};

// All-reduce of `elements` int32 values. A buffer allocated before it (`skew` int32 values,
// the same on every rank) moves the buffer off the start of memory.
inline CaseResult AllReduceCase(Device& dev, Communicator& comm, uint64_t seed, uint64_t elements,
                                const ops::CollectiveOptions& o = {}) {
  Buffer buf = dev.Upload(RankData(seed, comm.rank(), elements));
  CaseResult r;
  r.run = ops::AllReduce(dev, comm, &buf, o);
  r.error = FirstDifference(buf.DownloadVector<int32_t>(), SumOfRanks(seed, comm.size(), elements));
  if (!r.error.empty()) r.error = "rank " + std::to_string(comm.rank()) + ": " + r.error;
  return r;
}

// All-gather of `bytes` (int8), each rank's part its own random bytes; the rest of its buffer
// starts as junk that must be overwritten.
inline CaseResult AllGatherCase(Device& dev, Communicator& comm, uint64_t seed, int bytes,
                                const ops::CollectiveOptions& o = {}) {
  const int n = comm.size(), part = bytes / n;
  std::vector<int8_t> mine(static_cast<size_t>(bytes)), want(static_cast<size_t>(bytes));
  for (int r = 0; r < n; ++r) {
    const auto d = RankData(seed, r, static_cast<uint64_t>(bytes));
    for (int i = r * part; i < (r + 1) * part; ++i) want[i] = static_cast<int8_t>(d[i]);
    if (r == comm.rank()) {
      for (int i = 0; i < bytes; ++i) mine[i] = static_cast<int8_t>(d[i] >> 8);  // junk
      for (int i = r * part; i < (r + 1) * part; ++i) mine[i] = static_cast<int8_t>(d[i]);
    }
  }
  Buffer buf = dev.Upload(mine);
  CaseResult r;
  r.run = ops::AllGather(dev, comm, &buf, o);
  const auto got = buf.DownloadVector<int8_t>();
  for (int i = 0; i < bytes && r.error.empty(); ++i) {
    if (got[i] != want[i]) {
      r.error = "rank " + std::to_string(comm.rank()) + ": byte " + std::to_string(i) + " (part " +
                std::to_string(i / part) + ") differs";
    }
  }
  return r;
}

// Broadcast of `elements` int32 values from `root`.
inline CaseResult BroadcastCase(Device& dev, Communicator& comm, uint64_t seed, uint64_t elements,
                                int root, const ops::CollectiveOptions& o = {}) {
  Buffer buf = dev.Upload(RankData(seed, comm.rank(), elements));
  CaseResult r;
  r.run = ops::Broadcast(dev, comm, &buf, root, o);
  r.error = FirstDifference(buf.DownloadVector<int32_t>(), RankData(seed, root, elements));
  if (!r.error.empty()) r.error = "rank " + std::to_string(comm.rank()) + ": " + r.error;
  return r;
}

struct MlpShape {
  int batch, in, hidden, out;
};

inline ops::MlpWeights MlpWeightsOf(uint64_t seed, const MlpShape& s, bool biases) {
  tb::Rng rng(seed);
  ops::MlpWeights w;
  w.w1 = tb::RandomInt8Matrix(&rng, s.in, s.hidden);
  w.w2 = tb::RandomInt8Matrix(&rng, s.hidden, s.out);
  if (biases) {
    w.b1.resize(static_cast<size_t>(s.hidden));
    w.b2.resize(static_cast<size_t>(s.out));
    for (auto& b : w.b1) b = static_cast<int32_t>(rng.Uniform(-100000, 100000));
    for (auto& b : w.b2) b = static_cast<int32_t>(rng.Uniform(-100000, 100000));
  }
  w.shift1 = 16;  // a spread of int8 hidden values (tests/sw/ops/mlp_cases.h)
  w.scale1 = std::max<int32_t>(1, static_cast<int32_t>(480 / std::sqrt(double(s.in))));
  return w;
}

struct MlpCaseResult {
  std::string error;
  ops::TensorParallelMlpRun run;
};

// The tensor-parallel MLP against the host reference of the one-chip Mlp (model::LinearInt8
// then LinearInt32, which tests/sw/ops/mlp_test.cc holds ops::Mlp to).
inline MlpCaseResult TensorParallelMlpCase(Device& dev, Communicator& comm, uint64_t seed,
                                           const MlpShape& s, bool biases, int cores = 0) {
  const ops::MlpWeights w = MlpWeightsOf(seed, s, biases);
  tb::Rng xr(seed + 1);
  const Matrix<int8_t> x = tb::RandomInt8Matrix(&xr, s.batch, s.in);
  ops::TensorParallelMlp mlp(dev, comm, w);
  Buffer dx = dev.Upload(x);
  MlpCaseResult r;
  r.run = mlp.Run(dx, cores);
  const Matrix<int8_t> h = model::LinearInt8(x, w.w1, w.b1, true, w.scale1, w.shift1);
  const Matrix<int32_t> y = model::LinearInt32(h, w.w2, w.b2, false);
  const Matrix<int32_t> got = r.run.output.Download<int32_t>();
  r.error = FirstDifference(std::vector<int32_t>(got.data(), got.data() + got.size()),
                            std::vector<int32_t>(y.data(), y.data() + y.size()));
  if (!r.error.empty()) r.error = "rank " + std::to_string(comm.rank()) + ": Y " + r.error;
  return r;
}

}  // namespace luoshu::collective_test
