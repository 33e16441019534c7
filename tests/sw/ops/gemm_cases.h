// GEMM cases for the ops tests on any backend (tests/sw/ops on the model, tests/system on the
// RTL): a case (shape, epilogue, cores, split, tiles), random operands for it, one run through
// ops::Gemm on a Device, and the host reference (model::LinearInt32 / LinearInt8), compared
// bit for bit. Header-only; tests only.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "sw/common/matrix.h"
#include "sw/model/gemm.h"
#include "sw/ops/gemm.h"
#include "sw/runtime/device.h"
#include "tb/gtest_util.h"
#include "tb/options.h"
#include "tb/random.h"
#include "tb/workloads/matrices.h"

namespace luoshu::gemm_test {

struct EpilogueCase {
  bool bias = false;
  bool relu = false;
  bool requant = false;  // int8 output with scale / shift, else int32
  int32_t scale = 1;
  int shift = 0;

  std::string ToString() const {
    std::string s = std::string(bias ? "bias" : "nobias") + (relu ? "_relu" : "");
    if (!requant) return s + "_int32";
    return s + "_int8_scale" +
           (scale < 0 ? "m" + std::to_string(-int64_t{scale}) : std::to_string(scale)) + "_shift" +
           std::to_string(shift);
  }
};

// The requantizations every epilogue is tried with: identity, small, negative scale, shift 0
// and 31, the int16 extremes (saturate to 127 and -128 on ordinary data).
inline std::vector<std::pair<int32_t, int>> Requantizations() {
  return {{1, 0}, {3, 4}, {-5, 6}, {77, 0}, {32767, 31}, {-32768, 31}, {21, 12}};
}

// bias on/off x ReLU on/off x (int32 output, then every requantization).
inline std::vector<EpilogueCase> AllEpilogues() {
  std::vector<EpilogueCase> out;
  for (bool bias : {false, true}) {
    for (bool relu : {false, true}) {
      out.push_back({bias, relu, false, 1, 0});
      for (const auto& [scale, shift] : Requantizations()) {
        out.push_back({bias, relu, true, scale, shift});
      }
    }
  }
  return out;
}

inline EpilogueCase RandomEpilogue(tb::Rng* rng) {
  EpilogueCase e;
  e.bias = rng->Chance(0.5);
  e.relu = rng->Chance(0.5);
  e.requant = rng->Chance(0.6);
  if (e.requant) {
    e.scale = static_cast<int32_t>(rng->Chance(0.2) ? (rng->Chance(0.5) ? -32768 : 32767)
                                                    : rng->Uniform(-32768, 32767));
    e.shift =
        static_cast<int>(rng->Chance(0.2) ? (rng->Chance(0.5) ? 0 : 31) : rng->Uniform(0, 31));
  }
  return e;
}

struct GemmCase {
  int m = 1, n = 1, k = 1;
  EpilogueCase ep;
  int cores = 0;  // 0 = all
  ops::Split split = ops::Split::kAuto;
  int tile_m = 0, tile_n = 0, tile_k = 0;

  std::string ToString() const {
    std::string s = std::to_string(m) + "x" + std::to_string(n) + "x" + std::to_string(k) + " " +
                    ep.ToString() + " cores=" + std::to_string(cores) +
                    " split=" + ops::SplitName(split);
    if (tile_m || tile_n || tile_k) {
      s += " tiles=" + std::to_string(tile_m) + "/" + std::to_string(tile_n) + "/" +
           std::to_string(tile_k);
    }
    return s;
  }
};

// The splits a device with `cores` cores can be asked for with `use` of them (a grid needs
// 2 x 2 cores).
inline std::vector<ops::Split> SplitsFor(int use) {
  std::vector<ops::Split> s = {ops::Split::kAuto, ops::Split::kRows, ops::Split::kCols};
  if (use >= 4) s.push_back(ops::Split::kGrid);
  return s;
}

// A random case with M, N, K in 1..max_extent for a device of `device_cores` cores and cube
// size `dim`; sometimes with explicit tiles (small enough for any L0 of the built SoCs).
inline GemmCase RandomCase(tb::Rng* rng, int max_extent, int device_cores, int dim) {
  GemmCase g;
  // Edge values (1, a multiple of the cube size and one off it) more often than uniform.
  auto extent = [&] {
    if (rng->Chance(0.15)) return 1;
    if (rng->Chance(0.15)) {
      const int blocks = std::max(1, max_extent / dim);
      const int v = static_cast<int>(rng->Uniform(1, blocks)) * dim;
      return std::clamp(v + static_cast<int>(rng->Uniform(-1, 1)), 1, max_extent);
    }
    return static_cast<int>(rng->Uniform(1, max_extent));
  };
  g.m = extent();
  g.n = extent();
  g.k = extent();
  g.ep = RandomEpilogue(rng);
  g.cores = static_cast<int>(rng->Uniform(0, device_cores));
  const auto splits = SplitsFor(g.cores ? g.cores : device_cores);
  g.split = splits[static_cast<size_t>(rng->Uniform(0, static_cast<int64_t>(splits.size()) - 1))];
  if (rng->Chance(0.2)) {
    g.tile_m = dim * static_cast<int>(rng->Uniform(1, 3));
    g.tile_n = dim * static_cast<int>(rng->Uniform(1, 3));
    g.tile_k = rng->Chance(0.5) ? 0 : static_cast<int>(rng->Uniform(1, 64));
  }
  return g;
}

struct GemmOperands {
  Matrix<int8_t> a, b;
  std::vector<int32_t> bias;  // empty = none
};

// Full-range int8 operands; the bias is small or (one case in three) full-range int32, so the
// bias add wraps around and the requantization saturates.
inline GemmOperands RandomOperands(tb::Rng* rng, const GemmCase& g) {
  GemmOperands o;
  o.a = tb::RandomInt8Matrix(rng, g.m, g.k);
  o.b = tb::RandomInt8Matrix(rng, g.k, g.n);
  if (g.ep.bias) {
    const bool wide = rng->Chance(1.0 / 3);
    for (int j = 0; j < g.n; ++j) {
      o.bias.push_back(static_cast<int32_t>(wide ? rng->Uniform(INT32_MIN, INT32_MAX)
                                                 : rng->Uniform(-100000, 100000)));
    }
  }
  return o;
}

// A GEMM's output: int32 or int8, whichever the epilogue gives.
struct GemmResult {
  Matrix<int32_t> i32;
  Matrix<int8_t> i8;
  bool operator==(const GemmResult& o) const { return i32 == o.i32 && i8 == o.i8; }
};

inline GemmResult Reference(const GemmOperands& o, const EpilogueCase& e) {
  GemmResult r;
  if (e.requant) {
    r.i8 = model::LinearInt8(o.a, o.b, o.bias, e.relu, e.scale, e.shift);
  } else {
    r.i32 = model::LinearInt32(o.a, o.b, o.bias, e.relu);
  }
  return r;
}

inline ops::GemmOptions OptionsOf(const GemmCase& g) {
  ops::GemmOptions o;
  o.cores = g.cores;
  o.split = g.split;
  o.tile_m = g.tile_m;
  o.tile_n = g.tile_n;
  o.tile_k = g.tile_k;
  return o;
}

// Enqueues `g` on `dev` (C filled with a marker first, so a part never written shows),
// synchronizes and downloads C.
inline GemmResult RunOnDevice(Device& dev, const GemmOperands& o, const GemmCase& g,
                              ops::GemmLaunch* launch = nullptr) {
  Buffer a = dev.Upload(o.a), b = dev.Upload(o.b);
  Buffer bias;
  if (!o.bias.empty()) bias = dev.Upload(o.bias);
  Buffer c = dev.Alloc({g.m, g.n}, g.ep.requant ? DType::kInt8 : DType::kInt32);
  if (g.ep.requant) {
    c.Upload(Matrix<int8_t>(g.m, g.n, 0x5a));
  } else {
    c.Upload(Matrix<int32_t>(g.m, g.n, 0x5a5a5a5a));
  }
  ops::Epilogue e;
  e.bias = bias.valid() ? &bias : nullptr;
  e.relu = g.ep.relu;
  e.requant = g.ep.requant;
  e.scale = g.ep.requant ? g.ep.scale : 1;
  e.shift = g.ep.requant ? g.ep.shift : 0;
  ops::GemmLaunch l = ops::Gemm(dev, a, b, &c, e, OptionsOf(g));
  dev.Synchronize();
  if (launch) *launch = l;
  GemmResult r;
  if (g.ep.requant) {
    r.i8 = c.Download<int8_t>();
  } else {
    r.i32 = c.Download<int32_t>();
  }
  return r;
}

// Equal, or the number of differing elements and the first of them.
template <class T>
::testing::AssertionResult SameMatrix(const Matrix<T>& got, const Matrix<T>& want) {
  if (got.rows() != want.rows() || got.cols() != want.cols()) {
    return ::testing::AssertionFailure() << "shape " << got.rows() << "x" << got.cols() << ", want "
                                         << want.rows() << "x" << want.cols();
  }
  size_t bad = 0;
  std::string first;
  for (int i = 0; i < got.rows(); ++i) {
    for (int j = 0; j < got.cols(); ++j) {
      if (got.at(i, j) == want.at(i, j)) continue;
      if (bad++ == 0) {
        first = "(" + std::to_string(i) + ", " + std::to_string(j) + ") is " +
                std::to_string(got.at(i, j)) + ", want " + std::to_string(want.at(i, j));
      }
    }
  }
  if (bad == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << bad << " of " << got.size() << " elements differ, first " << first;
}

inline ::testing::AssertionResult SameResult(const GemmResult& got, const GemmResult& want) {
  if (!want.i8.empty() || !got.i8.empty()) return SameMatrix(got.i8, want.i8);
  return SameMatrix(got.i32, want.i32);
}

// The parts of a launch tile C exactly, one core each, and a forced split is kept: row bands
// give band r to core r with full rows (what chaining relies on), column bands full columns.
inline ::testing::AssertionResult PartsCoverC(const ops::GemmLaunch& l, const GemmCase& g,
                                              int device_cores) {
  const int use = g.cores ? g.cores : device_cores;
  if (l.parts.empty() || static_cast<int>(l.parts.size()) > use) {
    return ::testing::AssertionFailure() << l.parts.size() << " parts for " << use << " cores";
  }
  std::vector<int> hits(static_cast<size_t>(g.m) * g.n, 0);
  std::vector<bool> core_used(static_cast<size_t>(device_cores), false);
  for (size_t i = 0; i < l.parts.size(); ++i) {
    const ops::GemmPart& p = l.parts[i];
    if (p.core < 0 || p.core >= use || core_used[static_cast<size_t>(p.core)]) {
      return ::testing::AssertionFailure() << "part " << i << " on core " << p.core;
    }
    core_used[static_cast<size_t>(p.core)] = true;
    if (g.split == ops::Split::kRows &&
        (p.core != static_cast<int>(i) || p.col0 != 0 || p.cols != g.n)) {
      return ::testing::AssertionFailure() << "row split: part " << i << " is core " << p.core
                                           << " columns " << p.col0 << "+" << p.cols;
    }
    if (g.split == ops::Split::kCols && (p.row0 != 0 || p.rows != g.m)) {
      return ::testing::AssertionFailure()
             << "column split: part " << i << " rows " << p.row0 << "+" << p.rows;
    }
    for (int r = p.row0; r < p.row0 + p.rows; ++r) {
      for (int c = p.col0; c < p.col0 + p.cols; ++c) {
        if (r < 0 || r >= g.m || c < 0 || c >= g.n) {
          return ::testing::AssertionFailure() << "part " << i << " leaves C";
        }
        ++hits[static_cast<size_t>(r) * g.n + c];
      }
    }
  }
  for (int h : hits) {
    if (h != 1) return ::testing::AssertionFailure() << "an element of C is in " << h << " parts";
  }
  return ::testing::AssertionSuccess();
}

// After a Synchronize every part's events are complete, in order, with time between them.
inline ::testing::AssertionResult EventsComplete(const ops::GemmLaunch& l) {
  for (const ops::GemmPart& p : l.parts) {
    if (!p.start.Query() || !p.end.Query()) {
      return ::testing::AssertionFailure()
             << "core " << p.core << ": an event of a synchronized GEMM is not complete";
    }
    if (p.end.cycle() <= p.start.cycle()) {
      return ::testing::AssertionFailure() << "core " << p.core << ": ends at cycle "
                                           << p.end.cycle() << ", starts at " << p.start.cycle();
    }
  }
  return ::testing::AssertionSuccess();
}

// One case end to end: random operands, the device run, the reference, the parts, the events.
inline ::testing::AssertionResult CheckCase(Device& dev, tb::Rng* rng, const GemmCase& g) {
  const GemmOperands o = RandomOperands(rng, g);
  ops::GemmLaunch launch;
  const GemmResult got = RunOnDevice(dev, o, g, &launch);
  ::testing::AssertionResult same = SameResult(got, Reference(o, g.ep));
  if (!same) return ::testing::AssertionFailure() << g.ToString() << ": " << same.message();
  ::testing::AssertionResult parts = PartsCoverC(launch, g, dev.cores());
  if (!parts) return ::testing::AssertionFailure() << g.ToString() << ": " << parts.message();
  ::testing::AssertionResult events = EventsComplete(launch);
  if (!events) return ::testing::AssertionFailure() << g.ToString() << ": " << events.message();
  return ::testing::AssertionSuccess();
}

// `count` random cases (M, N, K in 1..max_extent) on `dev`, seeded by LUOSHU_SEED or
// `default_seed`, one tb::Round each; a failure prints the seed, the case number and the case.
// The cases share the device (allocator, rings), so a failing one is re-run with its seed.
inline void CheckRandomCases(Device& dev, uint64_t default_seed, int count, int max_extent) {
  const size_t blocks = dev.allocator().live_blocks();
  int failures = 0;
  for (tb::Round& r : tb::Rounds(tb::SeedFromEnv(default_seed), count, tb::Rounds::kSharedState)) {
    const GemmCase g = RandomCase(&r.rng, max_extent, dev.cores(), dev.info().dim);
    const ::testing::AssertionResult ok = CheckCase(dev, &r.rng, g);
    EXPECT_TRUE(ok) << "random case " << r.index << " of " << count;
    if (!ok && ++failures == 10) break;
  }
  EXPECT_EQ(dev.allocator().live_blocks(), blocks) << "every buffer freed";
}

}  // namespace luoshu::gemm_test
