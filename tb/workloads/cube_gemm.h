// A whole GEMM on the cube tile: C (M x N) = A (M x K) x B (K x N), cut into Dim x Dim
// output tiles that each stream the full K, zero-padded at the matrix edges. Shared by the
// CLI main job and the cube benchmark.
#pragma once

#include <algorithm>
#include <cstdint>

#include "sw/model/gemm.h"
#include "tb/agents/cube_agent.h"

namespace luoshu::tb {

struct CubeRunStats {
  uint64_t cycles = 0;       // first input accepted .. last output row taken
  uint64_t useful_macs = 0;  // M*N*K (padding excluded)
  uint64_t tiles = 0;
  double utilization = 0;  // useful MACs / (Dim^2 * cycles)
};

template <class Model, int Dim>
CubeRunStats RunGemmOnCube(Simulation<Model>* sim, CubeAgent<Model, Dim>* agent,
                           const Matrix<int8_t>& a, const Matrix<int8_t>& b, Matrix<int32_t>* c,
                           uint64_t max_cycles) {
  const int m = a.rows(), n = b.cols(), k = a.cols();
  const int mt = (m + Dim - 1) / Dim, nt = (n + Dim - 1) / Dim;
  // Pack each operand panel once, padded to whole tiles.
  Matrix<int8_t> ap(mt * Dim, k, 0), bp(k, nt * Dim, 0);
  for (int i = 0; i < m; ++i) std::copy(&a.at(i, 0), &a.at(i, 0) + k, &ap.at(i, 0));
  for (int r = 0; r < k; ++r) std::copy(&b.at(r, 0), &b.at(r, 0) + n, &bp.at(r, 0));
  for (int ti = 0; ti < mt; ++ti)
    for (int tj = 0; tj < nt; ++tj)
      agent->PushBlock(&ap.at(ti * Dim, 0), ap.cols(), &bp.at(0, tj * Dim), bp.cols(), k, true);
  auto tiles = agent->Drain(max_cycles);
  (void)sim;
  for (int ti = 0; ti < mt; ++ti)
    for (int tj = 0; tj < nt; ++tj) {
      const auto& t = tiles[static_cast<size_t>(ti) * nt + tj];
      for (int i = 0; i < Dim && ti * Dim + i < m; ++i)
        for (int j = 0; j < Dim && tj * Dim + j < n; ++j)
          c->at(ti * Dim + i, tj * Dim + j) = t.at(i, j);
    }
  CubeRunStats s;
  s.cycles = agent->last_output_cycle() - agent->first_accept_cycle() + 1;
  s.useful_macs = static_cast<uint64_t>(m) * n * k;
  s.tiles = static_cast<uint64_t>(mt) * nt;
  s.utilization = static_cast<double>(s.useful_macs) / (double(Dim) * Dim * s.cycles);
  return s;
}

}  // namespace luoshu::tb
