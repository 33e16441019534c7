// Helpers of the system tests: devices on either backend by name, and a seeded random
// program (GEMMs, chained layers, MLPs, all enqueued before one Synchronize) whose output
// buffers two backends must agree on. Header-only; tests only.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "sw/model/soc_model.h"
#include "sw/ops/gemm.h"
#include "sw/ops/mlp.h"
#include "sw/runtime/device.h"
#include "tb/gtest_util.h"
#include "tb/options.h"
#include "tb/random.h"
#include "tb/soc/soc.h"
#include "tests/sw/ops/gemm_cases.h"
#include "tests/sw/ops/mlp_cases.h"

namespace luoshu::system_test {

inline hal::BackendOptions OptionsFor(const std::string& soc) {
  hal::RegisterModelBackend();
  hal::RegisterRtlBackend();
  hal::BackendOptions o;
  o.soc = soc;
  o.run_name = tb::CurrentTestName();
  return o;
}

// The Verilated SoC `soc`, with stalls on every memory handshake with probability mem_stall
// (seeded by LUOSHU_SEED or 1).
inline Device OpenRtl(const std::string& soc, double mem_stall = 0, int mem_latency = 100) {
  hal::BackendOptions o = OptionsFor(soc);
  o.mem_stall = mem_stall;
  o.mem_latency = mem_latency;
  o.seed = tb::SeedFromEnv(1);
  return Device::Open("rtl", o);
}

inline Device OpenModel(const std::string& soc) { return Device::Open("model", OptionsFor(soc)); }

struct ProgramResult {
  std::vector<std::string> names;            // what wrote each output
  std::vector<std::vector<int32_t>> values;  // each output buffer (int8 widened)
  std::vector<uint64_t> macs;                // per core
};

// `steps` random steps, all enqueued before one Synchronize: a GEMM (random shape up to 64,
// epilogue, cores, split, sometimes tiles), a chain of 2 or 3 layers in row bands, or an MLP.
// The program depends only on `seed` and the device's cores and cube size.
inline ProgramResult RunRandomProgram(Device& dev, uint64_t seed, int steps) {
  tb::Rng rng(seed);
  std::deque<Buffer> inputs, owned;  // a deque keeps references to its elements
  std::vector<std::unique_ptr<gemm_test::Chain>> chains;
  std::vector<std::unique_ptr<ops::Mlp>> mlps;
  std::vector<std::pair<std::string, const Buffer*>> outs;
  auto extent = [&](int hi) { return static_cast<int>(rng.Uniform(1, hi)); };
  for (int step = 0; step < steps; ++step) {
    const std::string name = "step " + std::to_string(step) + ": ";
    const int64_t kind = rng.Uniform(0, 9);
    if (kind < 6) {
      const gemm_test::GemmCase g = gemm_test::RandomCase(&rng, 64, dev.cores(), dev.info().dim);
      const gemm_test::GemmOperands o = gemm_test::RandomOperands(&rng, g);
      inputs.push_back(dev.Upload(o.a));
      const Buffer& a = inputs.back();
      inputs.push_back(dev.Upload(o.b));
      const Buffer& b = inputs.back();
      ops::Epilogue e;
      if (!o.bias.empty()) {
        inputs.push_back(dev.Upload(o.bias));
        e.bias = &inputs.back();
      }
      e.relu = g.ep.relu;
      e.requant = g.ep.requant;
      e.scale = g.ep.requant ? g.ep.scale : 1;
      e.shift = g.ep.requant ? g.ep.shift : 0;
      owned.push_back(dev.Alloc({g.m, g.n}, g.ep.requant ? DType::kInt8 : DType::kInt32));
      ops::Gemm(dev, a, b, &owned.back(), e, gemm_test::OptionsOf(g));
      outs.push_back({name + "gemm " + g.ToString(), &owned.back()});
    } else if (kind < 8) {
      std::vector<int> widths = {extent(64), extent(64), extent(64)};
      if (rng.Chance(0.5)) widths.push_back(extent(64));
      const int batch = extent(64);
      const int cores = static_cast<int>(rng.Uniform(0, dev.cores()));
      chains.push_back(gemm_test::EnqueueChain(dev, &rng, batch, widths, cores));
      for (size_t i = 0; i < chains.back()->out.size(); ++i) {
        outs.push_back(
            {name + "chain layer " + std::to_string(i + 1) + " of batch " + std::to_string(batch),
             &chains.back()->out[i]});
      }
    } else {
      const gemm_test::MlpShape s{extent(64), extent(64), extent(64), extent(64)};
      mlps.push_back(
          std::make_unique<ops::Mlp>(dev, gemm_test::RandomMlpWeights(&rng, s, rng.Chance(0.7))));
      inputs.push_back(dev.Upload(tb::RandomInt8Matrix(&rng, s.batch, s.in)));
      const int cores = static_cast<int>(rng.Uniform(0, dev.cores()));
      ops::MlpRun run = mlps.back()->Enqueue(inputs.back(), cores);
      owned.push_back(std::move(run.hidden));
      outs.push_back({name + "mlp hidden " + s.ToString(), &owned.back()});
      owned.push_back(std::move(run.output));
      outs.push_back({name + "mlp output " + s.ToString(), &owned.back()});
    }
  }
  dev.Synchronize();
  ProgramResult r;
  for (const auto& [name, buf] : outs) {
    r.names.push_back(name);
    if (buf->dtype() == DType::kInt8) {
      const std::vector<int8_t> v = buf->DownloadVector<int8_t>();
      r.values.emplace_back(v.begin(), v.end());
    } else {
      r.values.push_back(buf->DownloadVector<int32_t>());
    }
  }
  for (int c = 0; c < dev.cores(); ++c) r.macs.push_back(dev.Counters(c).macs);
  return r;
}

inline ::testing::AssertionResult SameResults(const ProgramResult& got, const ProgramResult& want) {
  if (got.names != want.names) return ::testing::AssertionFailure() << "different programs";
  for (size_t i = 0; i < got.values.size(); ++i) {
    if (got.values[i] == want.values[i]) continue;
    if (got.values[i].size() != want.values[i].size()) {
      return ::testing::AssertionFailure() << got.names[i] << ": sizes differ";
    }
    size_t j = 0;
    while (j < got.values[i].size() && got.values[i][j] == want.values[i][j]) ++j;
    return ::testing::AssertionFailure()
           << got.names[i] << ": element " << j << " of " << got.values[i].size() << " differs";
  }
  if (got.macs != want.macs) return ::testing::AssertionFailure() << "MACs per core differ";
  return ::testing::AssertionSuccess();
}

}  // namespace luoshu::system_test
