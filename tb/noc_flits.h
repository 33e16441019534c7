// 32-bit NoC flits for tests and benchmarks (noc_pkg: [31] tail, [30] head, [29:0] payload;
// a head payload starts with route_t {src, dst}, each coord_t {y[2:0], x[2:0]}), and access
// to one node's word of a flat flit port. Used by tb/agents/mesh_driver.h and
// tb/checkers/packet_checker.h.
#pragma once

#include <cstdint>
#include <type_traits>
#include <vector>

#include "tb/random.h"

namespace luoshu::tb::noc {

constexpr unsigned kFlitW = 32;
constexpr uint32_t kTail = 1u << 31;
constexpr uint32_t kHead = 1u << 30;
constexpr uint32_t kPayloadMask = (1u << 30) - 1;
constexpr unsigned kSeqBits = 18;  // head payload [29:12]

inline uint32_t Coord(int node, int x_dim) {
  return static_cast<uint32_t>((node / x_dim) << 3 | (node % x_dim));
}
inline int NodeOf(uint32_t coord, int x_dim) {
  return static_cast<int>((coord >> 3) & 7) * x_dim + static_cast<int>(coord & 7);
}
// Head flit: route {src, dst} in [11:0], a per-source sequence number in [29:12].
inline uint32_t HeadFlit(int src, int dst, int x_dim, uint32_t seq, bool tail) {
  return kHead | (tail ? kTail : 0) | ((seq & ((1u << kSeqBits) - 1)) << 12) |
         Coord(src, x_dim) << 6 | Coord(dst, x_dim);
}
inline uint32_t BodyFlit(uint32_t payload, bool tail) {
  return (tail ? kTail : 0) | (payload & kPayloadMask);
}
inline int SrcOf(uint32_t head, int x_dim) { return NodeOf((head >> 6) & 63, x_dim); }
inline int DstOf(uint32_t head, int x_dim) { return NodeOf(head & 63, x_dim); }
inline bool IsHead(uint32_t f) { return (f & kHead) != 0; }
inline bool IsTail(uint32_t f) { return (f & kTail) != 0; }

// A packet of `len` flits from src to dst; body payloads are random.
inline std::vector<uint32_t> MakePacket(int src, int dst, int x_dim, uint32_t seq, int len,
                                        Rng* rng) {
  std::vector<uint32_t> p;
  p.reserve(len);
  p.push_back(HeadFlit(src, dst, x_dim, seq, len == 1));
  for (int i = 1; i < len; ++i) {
    p.push_back(BodyFlit(static_cast<uint32_t>(rng->Bits64()), i == len - 1));
  }
  return p;
}

// Word `i` of a flat port (node i's 32-bit flit), for integer and VlWide ports alike.
template <class Port>
inline uint32_t GetWord(const Port& port, unsigned i) {
  if constexpr (std::is_integral_v<Port>) {
    return static_cast<uint32_t>(static_cast<uint64_t>(port) >> (32 * i));
  } else {
    return port[i];
  }
}
template <class Port>
inline void SetWord(Port& port, unsigned i, uint32_t v) {
  if constexpr (std::is_integral_v<Port>) {
    static_assert(sizeof(Port) == 8, "a 32-bit flit port of one node is a VlWide or QData");
    const uint64_t m = uint64_t(0xffffffffu) << (32 * i);
    port = static_cast<Port>((static_cast<uint64_t>(port) & ~m) | (uint64_t(v) << (32 * i)));
  } else {
    port[i] = v;
  }
}
template <class Port>
inline bool GetBit(const Port& port, unsigned i) {
  return (static_cast<uint64_t>(port) >> i) & 1u;
}

}  // namespace luoshu::tb::noc
