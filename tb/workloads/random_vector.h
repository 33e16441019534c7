// Random legal vector commands (VADD, VMAX int32 / int8, VREQUANT, VCOPY; docs/isa.md) for the
// model, vec_unit and core tests. Sources are read from [src, src + src_span) (or, in place,
// the destination itself), the destination is written inside [dst, dst + dst_span), and the
// two areas must not overlap, so every command obeys the ISA's overlap rule (disjoint, or
// exactly in place) and its result is defined.
#pragma once

#include <algorithm>
#include <cstdint>

#include "sw/isa/builder.h"
#include "sw/isa/vector.h"
#include "tb/random.h"

namespace luoshu::tb {

struct VectorArea {
  uint32_t src = 0, src_span = 0;
  uint32_t dst = 0, dst_span = 0;
  uint32_t max_rows = 6;
  uint32_t max_cols = 40;  // a fifth of the commands take up to 10x this (long rows, bursts)
};

// Appends one random vector command to `b` (its checks apply).
inline void AddRandomVectorCommand(isa::ProgramBuilder* b, const VectorArea& at, Rng* rng,
                                   uint32_t wait_mask = 0, uint32_t signal_mask = 0) {
  auto pick = [rng](uint64_t lo, uint64_t hi) {
    return static_cast<uint32_t>(rng->Uniform(static_cast<int64_t>(lo), static_cast<int64_t>(hi)));
  };
  const int kind = static_cast<int>(rng->Uniform(0, 4));  // VADD, VMAX32, VMAX8, VREQUANT, VCOPY
  const isa::Opcode op = kind == 0   ? isa::Opcode::kVadd
                         : kind <= 2 ? isa::Opcode::kVmax
                         : kind == 3 ? isa::Opcode::kVrequant
                                     : isa::Opcode::kVcopy;
  const uint32_t src_esize = (kind == 2 || kind == 4) ? 1 : 4;
  const uint32_t dst_esize = (kind >= 2) ? 1 : 4;
  const int num_srcs = kind <= 2 ? 2 : 1;
  const uint32_t rows = pick(1, at.max_rows);
  const uint32_t cols = pick(1, rng->Chance(0.2) ? 10 * at.max_cols : at.max_cols);
  // A stride for a row of `bytes` (sometimes 0 for a source: every row reads the same bytes),
  // and a start that keeps all rows inside [base, base + span).
  auto place = [&](uint32_t base, uint32_t span, uint32_t esize, bool may_repeat, uint32_t* addr,
                   uint32_t* stride) {
    const uint64_t bytes = uint64_t{cols} * esize;
    *stride =
        (may_repeat && rng->Chance(0.1)) ? 0 : static_cast<uint32_t>(bytes + esize * pick(0, 9));
    const uint64_t extent = uint64_t{rows - 1} * *stride + bytes;
    const uint64_t slack = span > extent ? span - extent : 0;
    *addr = base + esize * pick(0, slack / esize);
  };
  uint32_t dst, dst_stride, src[2], src_stride[2];
  place(at.dst, at.dst_span, dst_esize, false, &dst, &dst_stride);
  for (int s = 0; s < num_srcs; ++s)
    place(at.src, at.src_span, src_esize, true, &src[s], &src_stride[s]);
  if (src_esize == dst_esize && rng->Chance(0.2))
    src[0] = dst, src_stride[0] = dst_stride;  // in place

  switch (op) {
    case isa::Opcode::kVadd:
    case isa::Opcode::kVmax: {
      isa::VaddDesc x;
      x.wait_mask = wait_mask, x.signal_mask = signal_mask;
      x.rows = rows, x.cols = cols, x.dst_addr = dst, x.dst_stride = dst_stride;
      x.src0_addr = src[0], x.src0_stride = src_stride[0];
      x.src1_addr = src[1], x.src1_stride = src_stride[1];
      if (op == isa::Opcode::kVadd) {
        b->Vadd(x);
      } else {
        isa::VmaxDesc m;
        m.wait_mask = wait_mask, m.signal_mask = signal_mask, m.int8 = kind == 2;
        m.rows = rows, m.cols = cols, m.dst_addr = dst, m.dst_stride = dst_stride;
        m.src0_addr = src[0], m.src0_stride = src_stride[0];
        m.src1_addr = src[1], m.src1_stride = src_stride[1];
        b->Vmax(m);
      }
      break;
    }
    case isa::Opcode::kVrequant: {
      isa::VrequantDesc x;
      x.wait_mask = wait_mask, x.signal_mask = signal_mask;
      x.rows = rows, x.cols = cols, x.dst_addr = dst, x.dst_stride = dst_stride;
      x.src0_addr = src[0], x.src0_stride = src_stride[0];
      x.scale = static_cast<int32_t>(pick(0, 600)) - 300;
      x.shift = pick(0, 31);
      b->Vrequant(x);
      break;
    }
    default: {
      isa::VcopyDesc x;
      x.wait_mask = wait_mask, x.signal_mask = signal_mask;
      x.rows = rows, x.cols = cols, x.dst_addr = dst, x.dst_stride = dst_stride;
      x.src0_addr = src[0], x.src0_stride = src_stride[0];
      b->Vcopy(x);
      break;
    }
  }
}

inline isa::Descriptor RandomVectorCommand(const VectorArea& at, Rng* rng, uint32_t wait_mask = 0,
                                           uint32_t signal_mask = 0) {
  isa::ProgramBuilder b;
  AddRandomVectorCommand(&b, at, rng, wait_mask, signal_mask);
  return b.program().front();
}

}  // namespace luoshu::tb
