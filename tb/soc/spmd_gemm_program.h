// An SPMD host program for supernode runs (tb/soc/supernode.h) that keeps the links busy and
// checks itself: the workload of the supernode tests (tests/system/supernode_test.cc, the MPI
// worker) and of the co-simulation benchmark (tb/bench/supernode_bench.cc).
//
// On a ring (or along X of a torus), rank r with neighbours up = X+ and down = X-, every rank's
// memory laid out alike (symmetric allocation):
//   every round: A (m x k int8) and B (k x n int8) random from (seed, rank, round), uploaded
//   round 1:  R1 on chip `up` = requantize(A@up x B@down)         (remote loads, remote store)
//   Barrier()
//   round 2:  C2 on this chip = R1 here (written by `down`) x B@up (int32)
//   Barrier()
// then each rank checks, through its own memory, R1 (what `down` wrote) and C2 against a host
// reference computed from the same seeds: bit-exact, or it throws.
#pragma once

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "sw/driver/driver.h"
#include "sw/hal/host_bus.h"
#include "sw/isa/builder.h"
#include "sw/model/epilogue.h"
#include "sw/runtime/communicator.h"
#include "tb/c2c_topology.h"
#include "tb/random.h"

namespace luoshu::tb {

struct NeighbourGemmParams {
  int m = 8, n = 16, k = 16;  // R1 (m x n int8) is round 2's A (m x k): n == k
  int rounds = 1;             // of the two-GEMM exchange (each with its own operands)
  uint64_t seed = 1;
  int32_t scale = 3;  // R1's requantization
  uint32_t shift = 6;
  uint64_t wait_cycles = 5'000'000;
  // The core: Dim and L0 sizes.
  int dim = 4;
  uint32_t l0a_bytes = 4096, l0b_bytes = 4096, l0c_bytes = 8192;
};

// Per-chip layout (offsets from ChipBase).
struct NeighbourGemmLayout {
  static constexpr uint32_t kSync = 0x0800, kA = 0x1000, kB = 0x2000, kR1 = 0x3000, kC2 = 0x4000,
                            kRing = 0xC000, kRingSlots = 512;
  static constexpr uint64_t kMinMemory = 0x10000;
};

namespace spmd_gemm {

inline std::vector<int8_t> Operand(uint64_t seed, int rank, int round, int which, size_t n) {
  Rng rng(seed * 1000003 + static_cast<uint64_t>(rank) * 131 + round * 7 + which);
  std::vector<int8_t> v(n);
  for (auto& x : v) x = static_cast<int8_t>(rng.Bits64());
  return v;
}
// C (m x n int32) = A (m x k) x B (k x n), row-major.
inline std::vector<int32_t> MatMul(const std::vector<int8_t>& a, const std::vector<int8_t>& b,
                                   int m, int n, int k) {
  std::vector<int32_t> c(static_cast<size_t>(m) * n, 0);
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) {
      int32_t s = 0;
      for (int l = 0; l < k; ++l) s += int32_t(a[i * k + l]) * int32_t(b[l * n + j]);
      c[i * n + j] = s;
    }
  }
  return c;
}
// What a rank whose neighbours are `up` and `down` writes as R1.
inline std::vector<int8_t> R1Reference(const NeighbourGemmParams& p, int up, int down, int round) {
  const auto a = Operand(p.seed, up, round, 0, size_t(p.m) * p.k);
  const auto b = Operand(p.seed, down, round, 1, size_t(p.k) * p.n);
  const auto c = MatMul(a, b, p.m, p.n, p.k);
  std::vector<int8_t> r(c.size());
  for (size_t i = 0; i < c.size(); ++i) {
    r[i] = model::Requantize(c[i], p.scale, static_cast<int>(p.shift));
  }
  return r;
}

}  // namespace spmd_gemm

// The program of one rank. Throws on a core fault, a timeout or a wrong result.
inline void NeighbourGemms(Communicator& comm, hal::HostBus& bus, const NeighbourGemmParams& p) {
  using L = NeighbourGemmLayout;
  using spmd_gemm::Operand;
  if (p.n != p.k) throw std::invalid_argument("NeighbourGemms: n must equal k");
  const c2c::Topology topo{comm.dim_x(), comm.dim_y()};
  const int me = comm.rank(), up = topo.Neighbour(me, 0), down = topo.Neighbour(me, 1);
  const uint64_t base = ChipBase(me);
  auto at = [](int chip, uint32_t off) { return static_cast<uint32_t>(ChipBase(chip) + off); };

  driver::Driver d(&bus);
  d.SetWindows(0, {{base, bus.mem_size(), true},
                   {ChipBase(up) + L::kA, 0x3000, true},  // A, B, R1 of `up`
                   {ChipBase(down) + L::kB, 0x1000, false}});
  d.SetRing(0, at(me, L::kRing), L::kRingSlots);
  d.SetInterruptMask(0, driver::kIntFault | driver::kIntSync);
  auto gemm = [&](uint32_t a, uint32_t b, uint32_t c, bool int8_out, uint32_t sync_value) {
    isa::GemmProgram g;
    g.m = p.m, g.n = p.n, g.k = p.k;
    g.a_addr = a, g.b_addr = b, g.c_addr = c;
    g.int8_out = int8_out;
    g.scale = p.scale, g.shift = p.shift;
    g.dim = p.dim;
    g.l0a_bytes = p.l0a_bytes, g.l0b_bytes = p.l0b_bytes, g.l0c_bytes = p.l0c_bytes;
    g.sync_addr = at(me, L::kSync);
    g.sync_value = sync_value;
    g.irq = true;
    d.Submit(0, isa::BuildGemmProgram(g));
    const driver::CoreStatus s = d.Wait(0, p.wait_cycles);
    if (s.state != hal::CoreState::kIdle) throw std::runtime_error(s.ToString());
  };

  for (int round = 0; round < p.rounds; ++round) {
    const auto a = Operand(p.seed, me, round, 0, size_t(p.m) * p.k);
    const auto b = Operand(p.seed, me, round, 1, size_t(p.k) * p.n);
    bus.WriteMem(base + L::kA, a.data(), a.size());
    bus.WriteMem(base + L::kB, b.data(), b.size());
    comm.Barrier();  // every rank's operands are in place
    gemm(at(up, L::kA), at(down, L::kB), at(up, L::kR1), true, 0x100 + round);
    comm.Barrier();  // every R1 has landed
    gemm(at(me, L::kR1), at(up, L::kB), at(me, L::kC2), false, 0x200 + round);
    comm.Barrier();  // nobody overwrites an operand another rank still reads

    // R1 here was written by `down` from A@me and B@(down's down).
    const auto r1_want = spmd_gemm::R1Reference(p, me, topo.Neighbour(down, 1), round);
    std::vector<int8_t> r1(r1_want.size());
    bus.ReadMem(base + L::kR1, r1.data(), r1.size());
    if (r1 != r1_want) throw std::runtime_error("R1 differs from the reference");
    const auto c2_want =
        spmd_gemm::MatMul(r1_want, Operand(p.seed, up, round, 1, size_t(p.k) * p.n), p.m, p.n, p.k);
    std::vector<int32_t> c2(c2_want.size());
    bus.ReadMem(base + L::kC2, c2.data(), c2.size() * 4);
    if (c2 != c2_want) throw std::runtime_error("C2 differs from the reference");
  }
}

}  // namespace luoshu::tb
