// Cube benchmark: utilization of a stream of tiles against K, and simulation speed.
// Prints one `metric: value unit` line per headline figure (see shared BENCHMARKS.md names).
//   luoshu_bench_cube [--quick]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

#include "Vcube_d16.h"
#include "Vcube_d4.h"
#include "Vcube_d8.h"
#include "tb/workloads/cube_gemm.h"
#include "tb/workloads/matrices.h"

namespace luoshu {
namespace {

tb::TraceOptions NoTrace() { return tb::TraceOptions{}; }

// 8 output tiles (2 x 4 tile grid) at depth k; returns utilization, checks vs the model.
template <class Model, int Dim>
double StreamUtilization(int k, int tiles_m, int tiles_n, uint64_t* cycles) {
  tb::Rng rng(42);
  tb::Simulation<Model> sim("bench_cube", "", NoTrace());
  tb::CubeAgent<Model, Dim> agent(&sim, &rng);
  sim.Reset();
  auto a = tb::RandomInt8Matrix(&rng, tiles_m * Dim, k),
       b = tb::RandomInt8Matrix(&rng, k, tiles_n * Dim);
  Matrix<int32_t> c(a.rows(), b.cols()), want(a.rows(), b.cols());
  auto s = tb::RunGemmOnCube(&sim, &agent, a, b, &c, 10'000'000);
  model::GemmInt8(a, b, &want);
  if (!(c == want)) {
    std::fprintf(stderr, "error: cube result differs from the model at Dim=%d K=%d\n", Dim, k);
    std::exit(1);
  }
  *cycles = s.cycles;
  return 100.0 * s.utilization;
}

template <class Model, int Dim>
void UtilizationSweep(const std::vector<int>& ks) {
  std::printf("# Dim=%d, stream of 8 tiles (2x4 grid), cycles from first beat in to last row out\n",
              Dim);
  std::printf("# %6s %10s %10s %8s\n", "K", "MACs", "cycles", "util%");
  for (int k : ks) {
    if (k < Dim) continue;
    uint64_t cycles = 0;
    const double u = StreamUtilization<Model, Dim>(k, 2, 4, &cycles);
    std::printf("  %6d %10llu %10llu %8.2f\n", k, 8ull * Dim * Dim * k, (unsigned long long)cycles,
                u);
    if (Dim == 16 && k == 256) std::printf("cube_util_dim16_k256: %.2f %%\n", u);
  }
}

// Simulated cycles per wall-clock second for the DIM=16 cube streaming K=256 tiles,
// including the harness driving its ports. Median of `runs`.
double SimRate(uint64_t cycles_per_run, int runs) {
  std::vector<double> rates;
  for (int r = 0; r < runs; ++r) {
    tb::Rng rng(7);
    tb::Simulation<Vcube_d16> sim("bench_cube_rate", "", NoTrace());
    tb::CubeAgent<Vcube_d16, 16> agent(&sim, &rng);
    sim.Reset();
    auto a = tb::RandomInt8Matrix(&rng, 16, 256), b = tb::RandomInt8Matrix(&rng, 256, 16);
    const int tiles = static_cast<int>(cycles_per_run / 256) + 1;
    for (int t = 0; t < tiles; ++t) agent.PushTile(a, b);
    const uint64_t start = sim.cycle();
    const auto t0 = std::chrono::steady_clock::now();
    agent.Drain(cycles_per_run * 2);
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    rates.push_back(double(sim.cycle() - start) / secs);
  }
  std::sort(rates.begin(), rates.end());
  return rates[rates.size() / 2];
}

}  // namespace
}  // namespace luoshu

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  if (argc > 1 && !quick) {
    std::fprintf(stderr, "usage: %s [--quick]\n", argv[0]);
    return 2;
  }
  using namespace luoshu;
  const std::vector<int> ks =
      quick ? std::vector<int>{16, 256} : std::vector<int>{4, 8, 16, 32, 64, 128, 256, 512};
  if (!quick) {
    UtilizationSweep<Vcube_d4, 4>(ks);
    UtilizationSweep<Vcube_d8, 8>(ks);
  }
  UtilizationSweep<Vcube_d16, 16>(ks);
  const double rate = SimRate(quick ? 50'000 : 300'000, quick ? 1 : 3);
  std::printf("cube_sim_rate_dim16: %.0f cycles/s\n", rate);
  return 0;
}
