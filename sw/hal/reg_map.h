// Byte offsets and bit fields of the host register map (docs/regs.md), derived from the
// generated header sw/hal/luoshu_regs.h so that the RDL stays the one source of truth.
// Shared by the driver and by the SoC model (sw/model/soc_model.h).
#pragma once

#include <cstddef>
#include <cstdint>

#include "sw/hal/luoshu_regs.h"
#include "sw/hal/luoshu_regs_table.h"

namespace luoshu::hal::reg {

using CoreBlock = luoshu_core_regs__stride100_t;
using WinBlock = luoshu_core_regs__WIN__stride10_t;
using LinkBlock = luoshu_link_regs__stride10_t;

inline constexpr int kMaxCores = sizeof(luoshu_regs_t::CORE) / sizeof(CoreBlock);
inline constexpr int kMaxWindows = sizeof(CoreBlock::WIN) / sizeof(WinBlock);
inline constexpr int kMaxLinks = sizeof(luoshu_regs_t::LINK) / sizeof(LinkBlock);

// Global registers.
inline constexpr uint32_t kId = offsetof(luoshu_regs_t, ID);
inline constexpr uint32_t kVersion = offsetof(luoshu_regs_t, VERSION);
inline constexpr uint32_t kConfig = offsetof(luoshu_regs_t, CONFIG);
inline constexpr uint32_t kConfigL0 = offsetof(luoshu_regs_t, CONFIG_L0);
inline constexpr uint32_t kCoreBase = offsetof(luoshu_regs_t, CORE);
inline constexpr uint32_t kCoreStride = sizeof(CoreBlock);
inline constexpr uint32_t kLinkBase = offsetof(luoshu_regs_t, LINK);  // after the core blocks
inline constexpr uint32_t kLinkStride = sizeof(LinkBlock);

// Offsets inside one core block.
inline constexpr uint32_t kRingBase = offsetof(CoreBlock, RING_BASE);
inline constexpr uint32_t kRingSize = offsetof(CoreBlock, RING_SIZE);
inline constexpr uint32_t kTail = offsetof(CoreBlock, TAIL);
inline constexpr uint32_t kCtrl = offsetof(CoreBlock, CTRL);
inline constexpr uint32_t kStatus = offsetof(CoreBlock, STATUS);
inline constexpr uint32_t kFaultIndex = offsetof(CoreBlock, FAULT_INDEX);
inline constexpr uint32_t kHead = offsetof(CoreBlock, HEAD);
inline constexpr uint32_t kIntStatus = offsetof(CoreBlock, INT_STATUS);
inline constexpr uint32_t kIntMask = offsetof(CoreBlock, INT_MASK);
inline constexpr uint32_t kCntSel = offsetof(CoreBlock, CNT_SEL);
inline constexpr uint32_t kCntLo = offsetof(CoreBlock, CNT_LO);
inline constexpr uint32_t kCntHi = offsetof(CoreBlock, CNT_HI);
inline constexpr uint32_t kWin = offsetof(CoreBlock, WIN);
inline constexpr uint32_t kWinStride = sizeof(WinBlock);
inline constexpr uint32_t kWinBase = offsetof(WinBlock, BASE);
inline constexpr uint32_t kWinSize = offsetof(WinBlock, SIZE);
inline constexpr uint32_t kWinFlags = offsetof(WinBlock, FLAGS);

// Offsets inside one link block (a chip-to-chip link port's counters).
inline constexpr uint32_t kLinkCntSel = offsetof(LinkBlock, CNT_SEL);
inline constexpr uint32_t kLinkCntLo = offsetof(LinkBlock, CNT_LO);
inline constexpr uint32_t kLinkCntHi = offsetof(LinkBlock, CNT_HI);

// Absolute offset of a core register (`field` one of the k* core offsets above).
constexpr uint32_t Core(int core, uint32_t field) {
  return kCoreBase + static_cast<uint32_t>(core) * kCoreStride + field;
}
// Absolute offset of a window register (`field` one of kWinBase / kWinSize / kWinFlags).
constexpr uint32_t Win(int core, int window, uint32_t field) {
  return Core(core, kWin + static_cast<uint32_t>(window) * kWinStride + field);
}

// Absolute offset of a link register (`field` one of the kLink* offsets above).
constexpr uint32_t Link(int port, uint32_t field) {
  return kLinkBase + static_cast<uint32_t>(port) * kLinkStride + field;
}
// The core block holding `offset`, or -1 (a global or a link register).
constexpr int CoreOf(uint32_t offset) {
  return offset < kCoreBase || offset >= kLinkBase
             ? -1
             : static_cast<int>((offset - kCoreBase) / kCoreStride);
}

constexpr uint32_t Get(uint32_t value, uint32_t mask, uint32_t lsb) {
  return (value & mask) >> lsb;
}
constexpr uint32_t Put(uint32_t field, uint32_t mask, uint32_t lsb) {
  return (field << lsb) & mask;
}

// Interrupt bits, the same in INT_STATUS and INT_MASK (one enable per status bit). Taken from
// the INT_MASK macros: PeakRDL names the INT_STATUS macros after a hash of its fields.
inline constexpr uint32_t kIntFault = LUOSHU_CORE_REGS__INT_MASK__FAULT_bm;
inline constexpr uint32_t kIntCtlError = LUOSHU_CORE_REGS__INT_MASK__CTL_ERROR_bm;
inline constexpr uint32_t kIntSync = LUOSHU_CORE_REGS__INT_MASK__SYNC_bm;
inline constexpr uint32_t kIntAll = kIntFault | kIntCtlError | kIntSync;

// The generated register table, looked up by offset (nullptr if `offset` is no register).
constexpr const regs::RegisterInfo* Find(uint32_t offset) {
  for (const auto& r : regs::kRegisters) {
    if (r.offset == offset) return &r;
  }
  return nullptr;
}

// Checks of this file against the generated table (by value: GCC warns on pointer tests).
constexpr bool Exists(uint32_t offset) { return Find(offset) != nullptr; }
constexpr uint32_t W1cBits(uint32_t offset) { return Exists(offset) ? Find(offset)->w1c : 0; }
static_assert(W1cBits(Core(0, kIntStatus)) == kIntAll,
              "INT_STATUS's write-1-to-clear bits must be the INT_MASK bits");
static_assert(Exists(Core(kMaxCores - 1, kCntHi)) && Exists(kConfigL0) &&
                  Exists(Link(kMaxLinks - 1, kLinkCntHi)),
              "the register table and luoshu_regs.h disagree");
static_assert(kLinkBase >= kCoreBase + kMaxCores * kCoreStride, "link blocks after the cores");

}  // namespace luoshu::hal::reg
