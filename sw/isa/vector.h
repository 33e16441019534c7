// The vector commands (VADD, VMAX, VREQUANT, VCOPY; docs/isa.md) seen uniformly: one operand
// list and element sizes per opcode, so the model, the runtime's window planning and the
// tests walk the same rows without a switch over four descriptor structs each.
#pragma once

#include <cstdint>

#include "sw/isa/luoshu_isa.h"

namespace luoshu::isa {

inline bool IsVectorOpcode(Opcode op) {
  return op == Opcode::kVadd || op == Opcode::kVmax || op == Opcode::kVrequant ||
         op == Opcode::kVcopy;
}

// One 2D operand: element (r, c) at addr + r * stride + c * esize.
struct VectorOperand {
  uint32_t addr = 0;
  uint32_t stride = 0;
  uint32_t esize = 1;  // bytes per element
  uint64_t RowAddr(uint32_t r) const { return uint64_t{addr} + uint64_t{r} * stride; }
};

struct VectorCommand {
  Opcode op = Opcode::kVcopy;
  uint32_t rows = 0, cols = 0;
  int num_srcs = 1;  // 2 for VADD and VMAX
  VectorOperand src[2], dst;
  bool int8 = false;   // VMAX element type
  int32_t scale = 1;   // VREQUANT
  uint32_t shift = 0;  // VREQUANT
  uint64_t SrcRowBytes() const { return uint64_t{cols} * src[0].esize; }
  uint64_t DstRowBytes() const { return uint64_t{cols} * dst.esize; }
};

// The uniform view of a vector descriptor. `d` must hold a vector opcode (IsVectorOpcode):
// throws std::invalid_argument otherwise.
inline VectorCommand VectorCommandOf(const Descriptor& d) {
  VectorCommand v;
  v.op = static_cast<Opcode>(RawOpcode(d));
  switch (v.op) {
    case Opcode::kVadd: {
      const auto x = VaddDesc::Unpack(d);
      v.rows = x.rows, v.cols = x.cols, v.num_srcs = 2;
      v.src[0] = {x.src0_addr, x.src0_stride, 4};
      v.src[1] = {x.src1_addr, x.src1_stride, 4};
      v.dst = {x.dst_addr, x.dst_stride, 4};
      break;
    }
    case Opcode::kVmax: {
      const auto x = VmaxDesc::Unpack(d);
      const uint32_t esize = x.int8 ? 1 : 4;
      v.rows = x.rows, v.cols = x.cols, v.num_srcs = 2, v.int8 = x.int8 != 0;
      v.src[0] = {x.src0_addr, x.src0_stride, esize};
      v.src[1] = {x.src1_addr, x.src1_stride, esize};
      v.dst = {x.dst_addr, x.dst_stride, esize};
      break;
    }
    case Opcode::kVrequant: {
      const auto x = VrequantDesc::Unpack(d);
      v.rows = x.rows, v.cols = x.cols, v.scale = x.scale, v.shift = x.shift;
      v.src[0] = {x.src0_addr, x.src0_stride, 4};
      v.dst = {x.dst_addr, x.dst_stride, 1};
      break;
    }
    case Opcode::kVcopy: {
      const auto x = VcopyDesc::Unpack(d);
      v.rows = x.rows, v.cols = x.cols;
      v.src[0] = {x.src0_addr, x.src0_stride, 1};
      v.dst = {x.dst_addr, x.dst_stride, 1};
      break;
    }
    default:
      throw std::invalid_argument("VectorCommandOf: opcode " + std::to_string(RawOpcode(d)) +
                                  " is not a vector command");
  }
  return v;
}

}  // namespace luoshu::isa
