#include "sw/isa/builder.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

#include "sw/isa/vector.h"

namespace luoshu::isa {
namespace {

void Require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument(what);
}

uint32_t RoundUp(uint32_t v, uint32_t m) { return (v + m - 1) / m * m; }

}  // namespace

void ProgramBuilder::CheckTokens(Opcode op, uint32_t wait, uint32_t signal) {
  const std::string name = OpcodeName(op);
  Require((wait & ~WaitAllowedMask(op)) == 0, name + ": wait_mask " + std::to_string(wait) +
                                                  " names a channel that does not feed the " +
                                                  name + " queue");
  Require((signal & ~SignalAllowedMask(op)) == 0, name + ": signal_mask " + std::to_string(signal) +
                                                      " names a channel that does not leave the " +
                                                      name + " queue");
}

ProgramBuilder& ProgramBuilder::Load(const LoadDesc& d) {
  CheckTokens(Opcode::kLoad, d.wait_mask, d.signal_mask);
  Require(d.rows >= 1 && d.row_bytes >= 1, "LOAD: rows and row_bytes must be >= 1");
  Require(d.valid_rows <= d.rows,
          "LOAD: valid_rows " + std::to_string(d.valid_rows) + " > rows " + std::to_string(d.rows));
  Require(d.valid_cols <= d.row_bytes, "LOAD: valid_cols " + std::to_string(d.valid_cols) +
                                           " > row_bytes " + std::to_string(d.row_bytes));
  program_.push_back(d.Pack());
  return *this;
}

ProgramBuilder& ProgramBuilder::Matmul(const MatmulDesc& d) {
  CheckTokens(Opcode::kMatmul, d.wait_mask, d.signal_mask);
  Require(d.m >= 1 && d.n >= 1 && d.k >= 1, "MATMUL: m, n and k must be >= 1");
  Require(d.c_offset % 4 == 0, "MATMUL: c_offset must be a multiple of 4");
  program_.push_back(d.Pack());
  return *this;
}

ProgramBuilder& ProgramBuilder::Store(const StoreDesc& d) {
  CheckTokens(Opcode::kStore, d.wait_mask, d.signal_mask);
  Require(d.rows >= 1 && d.cols >= 1, "STORE: rows and cols must be >= 1");
  Require(d.c_pitch >= d.cols,
          "STORE: c_pitch " + std::to_string(d.c_pitch) + " < cols " + std::to_string(d.cols));
  Require(d.c_offset % 4 == 0, "STORE: c_offset must be a multiple of 4");
  program_.push_back(d.Pack());
  return *this;
}

ProgramBuilder& ProgramBuilder::Sync(uint32_t addr, uint32_t value, bool irq) {
  Require(addr % 4 == 0, "SYNC: addr must be a multiple of 4");
  SyncDesc d;
  d.addr = addr;
  d.value = value;
  d.irq = irq;
  program_.push_back(d.Pack());
  return *this;
}

ProgramBuilder& ProgramBuilder::Vector(const Descriptor& d, uint32_t wait, uint32_t signal) {
  const VectorCommand v = VectorCommandOf(d);
  const std::string name = OpcodeName(v.op);
  CheckTokens(v.op, wait, signal);
  Require(v.rows >= 1 && v.cols >= 1, name + ": rows and cols must be >= 1");
  for (int i = 0; i <= v.num_srcs; ++i) {
    const VectorOperand& o = i < v.num_srcs ? v.src[i] : v.dst;
    Require(o.esize == 1 || (o.addr % 4 == 0 && o.stride % 4 == 0),
            name + ": an int32 operand needs its address and stride multiples of 4");
  }
  program_.push_back(d);
  return *this;
}

ProgramBuilder& ProgramBuilder::Vadd(const VaddDesc& d) {
  return Vector(d.Pack(), d.wait_mask, d.signal_mask);
}
ProgramBuilder& ProgramBuilder::Vmax(const VmaxDesc& d) {
  return Vector(d.Pack(), d.wait_mask, d.signal_mask);
}
ProgramBuilder& ProgramBuilder::Vrequant(const VrequantDesc& d) {
  return Vector(d.Pack(), d.wait_mask, d.signal_mask);
}
ProgramBuilder& ProgramBuilder::Vcopy(const VcopyDesc& d) {
  return Vector(d.Pack(), d.wait_mask, d.signal_mask);
}

std::vector<Descriptor> BuildGemmProgram(const GemmProgram& p) {
  Require(p.m >= 1 && p.n >= 1 && p.k >= 1, "BuildGemmProgram: M, N, K must be >= 1, got " +
                                                std::to_string(p.m) + ", " + std::to_string(p.n) +
                                                ", " + std::to_string(p.k));
  Require(p.dim >= 2 && p.dim <= 64, "BuildGemmProgram: dim must be in 2..64");
  const uint32_t dim = p.dim;
  const uint32_t esize = p.int8_out ? 1 : 4;
  const uint32_t lda = p.lda ? p.lda : p.k, ldb = p.ldb ? p.ldb : p.n;
  const uint32_t ldc = p.ldc ? p.ldc : p.n * esize;
  Require(
      lda >= static_cast<uint32_t>(p.k) && ldb >= static_cast<uint32_t>(p.n) && ldc >= p.n * esize,
      "BuildGemmProgram: a row pitch (lda/ldb/ldc) is smaller than a row");
  // Each buffer is split in two halves; the L0C half is kept 4-byte aligned.
  const uint32_t a_half = p.l0a_bytes / 2, b_half = p.l0b_bytes / 2;
  const uint32_t c_half = p.l0c_bytes / 2 / 4 * 4;
  const uint32_t tm = p.tile_m ? p.tile_m : dim;
  const uint32_t tn = p.tile_n ? p.tile_n : dim;
  Require(tm % dim == 0 && tn % dim == 0 && tm <= 65535 && tn <= 65535,
          "BuildGemmProgram: tile_m and tile_n must be positive multiples of dim (" +
              std::to_string(dim) + ")");
  Require(4ull * tm * tn <= c_half,
          "BuildGemmProgram: a " + std::to_string(tm) + "x" + std::to_string(tn) +
              " int32 tile needs " + std::to_string(4ull * tm * tn) +
              " bytes, more than half of L0C (" + std::to_string(c_half) + ")");
  uint32_t tk = p.tile_k;
  if (tk == 0) {
    tk = std::min<uint32_t>({static_cast<uint32_t>(p.k), a_half / tm, b_half / tn, 65535});
  }
  Require(tk >= 1 && tk <= 65535 && uint64_t{tm} * tk <= a_half && uint64_t{tk} * tn <= b_half,
          "BuildGemmProgram: tile_k " + std::to_string(tk) + " does not fit half of L0A (" +
              std::to_string(a_half) + " bytes) with tile_m " + std::to_string(tm) +
              " or half of L0B (" + std::to_string(b_half) + " bytes) with tile_n " +
              std::to_string(tn));

  const uint32_t mt = (p.m + tm - 1) / tm, nt = (p.n + tn - 1) / tn, kt = (p.k + tk - 1) / tk;
  Require(p.k_rotate >= 0, "BuildGemmProgram: k_rotate must be >= 0");
  const uint32_t rot = static_cast<uint32_t>(p.k_rotate) % kt;
  const uint64_t tiles = uint64_t{mt} * nt;
  // K ranges {k0, kk} of a tile's steps: tile_k each from the rotated start, or for the first
  // tile its own steps from K = 0.
  std::vector<std::pair<uint32_t, uint32_t>> uniform, first;
  for (uint32_t ks = 0; ks < kt; ++ks) {
    const uint32_t k0 = (ks + rot) % kt * tk;
    uniform.push_back({k0, std::min<uint32_t>(tk, p.k - k0)});
  }
  if (p.first_k_steps.empty()) {
    first = uniform;
  } else {
    uint64_t sum = 0;
    for (const int step : p.first_k_steps) {
      Require(step >= 1 && static_cast<uint32_t>(step) <= tk,
              "BuildGemmProgram: first_k_steps has a step of " + std::to_string(step) +
                  ", outside 1..tile_k (" + std::to_string(tk) + ")");
      sum += static_cast<uint32_t>(step);
    }
    Require(sum == static_cast<uint64_t>(p.k), "BuildGemmProgram: first_k_steps sum to " +
                                                   std::to_string(sum) +
                                                   ", not K = " + std::to_string(p.k));
    uint32_t k0 = 0;
    for (const int step : p.first_k_steps) {
      first.push_back({k0, static_cast<uint32_t>(step)});
      k0 += static_cast<uint32_t>(step);
    }
  }
  const uint64_t steps = first.size() + (tiles - 1) * uniform.size();
  ProgramBuilder b;
  uint64_t s = 0;  // global K step: picks the L0A/L0B half
  for (uint64_t t = 0; t < tiles; ++t) {
    const uint32_t i0 = static_cast<uint32_t>(t / nt) * tm, j0 = static_cast<uint32_t>(t % nt) * tn;
    const uint32_t vm = std::min<uint32_t>(tm, p.m - i0), vn = std::min<uint32_t>(tn, p.n - j0);
    const uint32_t pm = RoundUp(vm, dim), pn = RoundUp(vn, dim);
    const uint32_t c_off = static_cast<uint32_t>(t % 2) * c_half;
    const auto& ranges = t == 0 ? first : uniform;
    const uint32_t kn = static_cast<uint32_t>(ranges.size());
    for (uint32_t ks = 0; ks < kn; ++ks, ++s) {
      const uint32_t k0 = ranges[ks].first, kk = ranges[ks].second;
      const uint32_t h = static_cast<uint32_t>(s % 2);
      LoadDesc la;
      la.wait_mask = s >= 2 ? kEx2Ld : 0;
      la.dst_buffer = 0;
      la.src_addr = p.a_addr + i0 * lda + k0;
      la.src_stride = lda;
      la.dst_offset = h * a_half;
      la.rows = pm;
      la.row_bytes = kk;
      la.valid_rows = vm;
      la.valid_cols = kk;
      b.Load(la);
      LoadDesc lb;
      lb.signal_mask = kLd2Ex;
      lb.dst_buffer = 1;
      lb.src_addr = p.b_addr + k0 * ldb + j0;
      lb.src_stride = ldb;
      lb.dst_offset = h * b_half;
      lb.rows = kk;
      lb.row_bytes = pn;
      lb.valid_rows = kk;
      lb.valid_cols = vn;
      b.Load(lb);
      MatmulDesc mm;
      mm.wait_mask = kLd2Ex | (ks == 0 && t >= 2 ? kSt2Ex : 0);
      mm.signal_mask = (s + 2 < steps ? kEx2Ld : 0) | (ks + 1 == kn ? kEx2St : 0);
      mm.accumulate = ks > 0;
      mm.a_offset = h * a_half;
      mm.b_offset = h * b_half;
      mm.c_offset = c_off;
      mm.m = pm;
      mm.n = pn;
      mm.k = kk;
      b.Matmul(mm);
    }
    StoreDesc st;
    st.wait_mask = kEx2St;
    st.signal_mask = t + 2 < tiles ? kSt2Ex : 0;
    st.relu = p.relu;
    st.bias_en = p.bias_en;
    st.int8_out = p.int8_out;
    st.dst_addr = p.c_addr + i0 * ldc + j0 * esize;
    st.dst_stride = ldc;
    st.c_offset = c_off;
    st.rows = vm;
    st.cols = vn;
    st.c_pitch = pn;
    st.bias_addr = p.bias_en ? p.bias_addr + 4 * j0 : 0;
    st.scale = p.int8_out ? p.scale : 0;
    st.shift = p.int8_out ? p.shift : 0;
    b.Store(st);
  }
  if (p.sync) b.Sync(p.sync_addr, p.sync_value, p.irq);
  return b.program();
}

}  // namespace luoshu::isa
