// Random legal programs for one core, for the core and SoC tests: random GEMMs for the
// program builder (RandomGemm) and random command streams (LOAD / MATMUL / STORE / SYNC with
// tokens, RandomCommandStream).
//
// RandomCommandStream: Block i loads A and B at random L0 offsets, multiplies into a random
// L0C block (accumulating when it reuses the previous block's C) and stores a random
// sub-block with a random epilogue. Tokens chain the blocks (RAW LD2EX / EX2ST; WAR EX2LD /
// ST2EX to the next block) so the program is race-free: every legal interleaving of the
// queues leaves the same memory image (prove it with CoreModel's schedule_seed).
//
// With vector_chance > 0, a block's STORE is followed (with that probability) by one to three
// random vector commands (tb/workloads/random_vector.h) in the same ST queue: their sources
// lie in [c, c + 0x8000) (where the STOREs write, so they read what the STOREs before them
// wrote, in queue order, with no token) or are their own destination (in place), their
// destinations in [c + 0x8000, c + kStreamCSpan); half the time the last of them gives the
// block's ST2EX token instead of the STORE.
//
// The stream touches only these ranges of device memory (StreamLayout gives their bases):
//   reads   [a, a + kStreamASpan), [b, b + kStreamBSpan), [bias, bias + kStreamBiasSpan)
//   writes  [c, c + kStreamCSpan), the SYNC word at sync (4 bytes)
// so a caller can grant exactly those windows.
#pragma once

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "sw/isa/builder.h"
#include "sw/model/core_model.h"
#include "tb/random.h"
#include "tb/workloads/random_vector.h"

namespace luoshu::tb {

struct StreamLayout {
  uint32_t a = 0, b = 0, c = 0, bias = 0, sync = 0;
  uint32_t sync_value = 0x5eed;
};

// Upper bounds of the ranges a stream touches (for Dim <= 16: rows and columns of at most
// 3 * Dim, k < 40, strides below 2 * row + 9).
inline constexpr uint32_t kStreamASpan = 0x1f000;
inline constexpr uint32_t kStreamBSpan = 0x1f000;
inline constexpr uint32_t kStreamCSpan = 0x10000;
inline constexpr uint32_t kStreamBiasSpan = 0x1000;

// A random GEMM for isa::BuildGemmProgram on a core with `cfg`: M and N in 1..3*Dim, K in
// 1..5*Dim, a random epilogue, and half the time a random tile_k in 1..2*Dim. Its program is
// never longer than `max_descriptors` (the room in the caller's ring): a tile_k so small that
// it would be is raised to the smallest that fits. Operands, bias and SYNC word at `at`.
inline isa::GemmProgram RandomGemm(const model::CoreConfig& cfg, const StreamLayout& at,
                                   size_t max_descriptors, Rng* rng) {
  const int d = cfg.dim;
  isa::GemmProgram g;
  g.dim = d;
  g.l0a_bytes = cfg.l0a_bytes;
  g.l0b_bytes = cfg.l0b_bytes;
  g.l0c_bytes = cfg.l0c_bytes;
  g.a_addr = at.a;
  g.b_addr = at.b;
  g.c_addr = at.c;
  g.bias_addr = at.bias;
  g.sync_addr = at.sync;
  g.sync_value = at.sync_value;
  g.m = static_cast<int>(rng->Uniform(1, 3 * d));
  g.n = static_cast<int>(rng->Uniform(1, 3 * d));
  g.k = static_cast<int>(rng->Uniform(1, 5 * d));
  g.int8_out = rng->Chance(0.5);
  g.relu = rng->Chance(0.5);
  g.bias_en = rng->Chance(0.5);
  g.scale = static_cast<int32_t>(rng->Uniform(-300, 300));
  g.shift = static_cast<uint32_t>(rng->Uniform(0, 12));
  g.tile_k = rng->Chance(0.5) ? static_cast<int>(rng->Uniform(1, 2 * d)) : 0;
  // Dim x Dim output tiles, each 3 descriptors per K step and a STORE, then one SYNC.
  const int64_t tiles = int64_t{(g.m + d - 1) / d} * ((g.n + d - 1) / d);
  const int64_t max_steps = (static_cast<int64_t>(max_descriptors) - 1 - tiles) / (3 * tiles);
  if (max_steps < 1) {
    throw std::invalid_argument("RandomGemm: a ring with room for " +
                                std::to_string(max_descriptors) + " descriptors is too small");
  }
  if (g.tile_k > 0 && (g.k + g.tile_k - 1) / g.tile_k > max_steps) {
    g.tile_k = static_cast<int>((g.k + max_steps - 1) / max_steps);
  }
  if (isa::BuildGemmProgram(g).size() > max_descriptors) {
    throw std::logic_error("RandomGemm: the program does not fit its ring (generator bug)");
  }
  return g;
}

// Block i of the stream is 4 descriptors (LOAD A, LOAD B, MATMUL, STORE), then one SYNC:
// 4 * blocks + 1 descriptors (up to 3 more per block with vector_chance > 0).
inline std::vector<isa::Descriptor> RandomCommandStream(const model::CoreConfig& cfg,
                                                        const StreamLayout& at, int blocks,
                                                        Rng* rng, double vector_chance = 0) {
  isa::ProgramBuilder b;
  const int d = cfg.dim;
  auto pick = [rng](int64_t lo, int64_t hi) { return static_cast<uint32_t>(rng->Uniform(lo, hi)); };
  isa::MatmulDesc prev{};
  for (int i = 0; i < blocks; ++i) {
    const bool first = i == 0, last = i + 1 == blocks;
    const uint32_t m = d * pick(1, 3), n = d * pick(1, 3), k = pick(1, 40);
    isa::LoadDesc la, lb;
    la.rows = m;
    la.row_bytes = k;
    la.valid_rows = pick(0, m);
    la.valid_cols = pick(0, k);
    la.src_stride = rng->Chance(0.1) ? 0 : pick(la.valid_cols, 2 * k + 7);
    la.src_addr = at.a + pick(0, 0x8000);
    la.dst_offset = pick(0, cfg.l0a_bytes - m * k);
    la.wait_mask = first ? 0 : isa::kEx2Ld;
    lb.dst_buffer = 1;
    lb.rows = k;
    lb.row_bytes = n;
    lb.valid_rows = pick(0, k);
    lb.valid_cols = pick(0, n);
    lb.src_stride = pick(lb.valid_cols, 2 * n + 5);
    lb.src_addr = at.b + pick(0, 0x8000);
    lb.dst_offset = pick(0, cfg.l0b_bytes - k * n);
    lb.signal_mask = isa::kLd2Ex;
    isa::MatmulDesc mm;
    mm.m = m;
    mm.n = n;
    mm.k = k;
    mm.a_offset = la.dst_offset;
    mm.b_offset = lb.dst_offset;
    const bool reuse = !first && prev.m == m && prev.n == n && rng->Chance(0.5);
    mm.c_offset = reuse ? prev.c_offset : 4 * pick(0, cfg.l0c_bytes / 4 - m * n);
    mm.accumulate = reuse;
    mm.wait_mask = isa::kLd2Ex | (first ? 0 : isa::kSt2Ex);
    mm.signal_mask = isa::kEx2St | (last ? 0 : isa::kEx2Ld);
    isa::StoreDesc st;
    st.rows = pick(1, m);
    st.cols = pick(1, n);
    st.c_pitch = n;
    st.c_offset = mm.c_offset + 4 * (pick(0, m - st.rows) * n + pick(0, n - st.cols));
    st.int8_out = rng->Chance(0.5);
    st.relu = rng->Chance(0.5);
    st.bias_en = rng->Chance(0.5);
    st.bias_addr = at.bias + 4 * pick(0, 64);
    st.scale = static_cast<int32_t>(pick(0, 600)) - 300;
    st.shift = pick(0, 14);
    const uint32_t esize = st.int8_out ? 1 : 4;
    st.dst_stride = esize * (st.cols + pick(0, 9));
    st.dst_addr = at.c + esize * pick(0, 0x1000);
    st.wait_mask = isa::kEx2St;
    st.signal_mask = last ? 0 : isa::kSt2Ex;
    const int vectors = rng->Chance(vector_chance) ? static_cast<int>(rng->Uniform(1, 3)) : 0;
    const bool vector_signals = vectors > 0 && st.signal_mask != 0 && rng->Chance(0.5);
    if (vector_signals) st.signal_mask = 0;
    b.Load(la).Load(lb).Matmul(mm).Store(st);
    const VectorArea area{at.c, 0x8000, at.c + 0x8000, kStreamCSpan - 0x8000, 4, 24};
    for (int v = 0; v < vectors; ++v) {
      const bool signals = vector_signals && v + 1 == vectors;
      AddRandomVectorCommand(&b, area, rng, 0, signals ? isa::kSt2Ex : 0);
    }
    prev = mm;
  }
  b.Sync(at.sync, at.sync_value, true);
  return b.program();
}

}  // namespace luoshu::tb
