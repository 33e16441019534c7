// Functional-model benchmark: int8 GEMM throughput (median of 5 runs at M=N=K=512).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "sw/model/gemm.h"
#include "tb/random.h"
#include "tb/workloads/matrices.h"

int main() {
  using namespace luoshu;
  const int n = 512;
  tb::Rng rng(3);
  const auto a = tb::RandomInt8Matrix(&rng, n, n);
  const auto b = tb::RandomInt8Matrix(&rng, n, n);
  Matrix<int32_t> c(n, n);
  std::vector<double> rates;
  for (int r = 0; r < 5; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    model::GemmInt8(a, b, &c);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    rates.push_back(double(n) * n * n / s / 1e9);
  }
  std::sort(rates.begin(), rates.end());
  std::printf("# M=N=K=%d int8 GEMM, median of %zu runs, one thread\n", n, rates.size());
  std::printf("model_gemm_rate: %.2f GMAC/s\n", rates[rates.size() / 2]);
  return 0;
}
