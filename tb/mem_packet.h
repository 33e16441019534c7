// The header of a memory packet on the network (rtl/noc/noc_pkg.sv mem_hdr_t), for tests that
// play one side of a network interface. LSB first: dst[5:0], src[11:6], kind[13:12],
// tag[21:14], len[29:22], addr[61:30], err[62]; coordinates are {y[2:0], x[2:0]}.
#pragma once

#include <cstdint>
#include <sstream>
#include <string>

namespace luoshu::tb {

constexpr uint32_t kMemRead = 0, kMemWrite = 1, kMemReadResp = 2, kMemWriteResp = 3;

struct MemHdr {
  uint32_t dst = 0, src = 0, kind = 0, tag = 0, len = 0, addr = 0;
  bool err = false;

  uint64_t Pack() const {
    return uint64_t(dst) | uint64_t(src) << 6 | uint64_t(kind) << 12 | uint64_t(tag) << 14 |
           uint64_t(len) << 22 | uint64_t(addr) << 30 | uint64_t(err) << 62;
  }
  static MemHdr Unpack(uint64_t v) {
    MemHdr h;
    h.dst = v & 63;
    h.src = v >> 6 & 63;
    h.kind = v >> 12 & 3;
    h.tag = v >> 14 & 255;
    h.len = v >> 22 & 255;
    h.addr = v >> 30 & 0xffffffffu;
    h.err = v >> 62 & 1;
    return h;
  }
  std::string Str() const {
    std::ostringstream s;
    s << "{kind " << kind << " addr 0x" << std::hex << addr << std::dec << " len " << len << " tag "
      << tag << " src " << src << " dst " << dst << " err " << err << "}";
    return s.str();
  }
};

}  // namespace luoshu::tb
