// Table-driven register checks from the generated register table
// (sw/hal/luoshu_regs_table.h, written by scripts/gen_regs.py from luoshu_regs.rdl).
// The checker knows the design only through two functions, so the same checks run on the
// bare register block and on the whole SoC:
//   RegRead:  unsigned(uint32_t offset, uint32_t* data)         returns the AXI RRESP
//   RegWrite: unsigned(uint32_t offset, uint32_t data, unsigned strb)  returns the BRESP
// Offsets are relative to the block. For every register it checks, from the table alone:
//   - reset: bits with a defined reset hold it, pulse and reserved bits read 0 (registers are
//     read first, before anything is written);
//   - writes of all-ones, all-zeros, random values and a random byte strobe: rw bits store
//     (honouring the strobe), read-only bits ignore writes (constants keep their reset value,
//     hardware inputs keep what they were), pulses and reserved bits read 0, w1c bits only
//     clear when written 1 (set through hooks.set_w1c when the caller can);
//   - every access answers OKAY; afterwards the register is written back as found (rw
//     storage restored, w1c bits set again through the hook);
//   - unmapped (and unaligned) offsets in [0, span) answer SLVERR, reads return 0, and writes
//     there change no register.
// Returns one message per mismatch: register, offset, step, expected, got.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "sw/hal/luoshu_regs_table.h"

namespace luoshu::tb {

using RegRead = std::function<unsigned(uint32_t offset, uint32_t* data)>;
using RegWrite = std::function<unsigned(uint32_t offset, uint32_t data, unsigned strb)>;

struct RegCheckHooks {
  // Makes hardware set `bits` (w1c bits of `reg`) and returns true, or returns false when it
  // cannot; without it the w1c clear checks are skipped and set w1c bits are never written 1.
  std::function<bool(const regs::RegisterInfo& reg, uint32_t bits)> set_w1c;
  // Leave a register out (e.g. one whose writes would start a core in the SoC).
  std::function<bool(const regs::RegisterInfo& reg)> skip;
  // Registers whose hardware-driven bits change by themselves (live counters): their
  // read-only hardware bits are not compared.
  std::function<bool(const regs::RegisterInfo& reg)> is_volatile;
  bool check_reset = true;     // the block has not been written since reset
  bool check_unmapped = true;  // SLVERR on unmapped and unaligned offsets
  bool write_pulses = true;    // write 1 to single-pulse bits (their effect happens)
  uint32_t span_bytes = regs::kRegsSpanBytes;
  int random_patterns = 3;
  uint64_t seed = 1;
};

namespace reg_check_detail {

constexpr unsigned kOkay = 0, kSlvErr = 2;

inline std::string Hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

inline uint32_t StrobeMask(unsigned strb) {
  uint32_t m = 0;
  for (int b = 0; b < 4; ++b) {
    if (strb >> b & 1) m |= 0xffu << (8 * b);
  }
  return m;
}

class Checker {
 public:
  Checker(const RegRead& read, const RegWrite& write, const RegCheckHooks& hooks)
      : read_(read), write_(write), hooks_(hooks), rng_(hooks.seed) {}

  std::vector<std::string> Run(const std::vector<regs::RegisterInfo>& table) {
    std::vector<const regs::RegisterInfo*> regs;
    for (const auto& r : table) {
      if (!hooks_.skip || !hooks_.skip(r)) regs.push_back(&r);
    }
    if (hooks_.check_reset) {
      for (const auto* r : regs) CheckReset(*r);
    }
    for (const auto* r : regs) CheckWrites(*r);
    if (hooks_.check_unmapped) CheckUnmapped(table, regs);
    return std::move(errors_);
  }

 private:
  static uint32_t Reserved(const regs::RegisterInfo& r) { return ~(r.rw | r.ro | r.w1c | r.pulse); }
  bool Volatile(const regs::RegisterInfo& r) const {
    return hooks_.is_volatile && hooks_.is_volatile(r);
  }
  // Bits whose value the checker can predict (all but volatile hardware inputs).
  uint32_t Known(const regs::RegisterInfo& r) const {
    return Volatile(r) ? ~(r.ro & ~r.reset_mask) : ~0u;
  }

  void Error(const regs::RegisterInfo& r, const std::string& step, const std::string& what,
             uint32_t expected, uint32_t got, uint32_t mask) {
    errors_.push_back(std::string(r.name) + " @" + Hex(r.offset) + ": " + step + ": " + what +
                      " expected " + Hex(expected & mask) + " got " + Hex(got & mask) + " (bits " +
                      Hex(mask) + ")");
  }
  void Compare(const regs::RegisterInfo& r, const std::string& step, const std::string& what,
               uint32_t expected, uint32_t got, uint32_t mask) {
    if ((expected ^ got) & mask) Error(r, step, what, expected, got, mask);
  }

  uint32_t Read(const regs::RegisterInfo& r, const std::string& step) {
    uint32_t v = 0;
    const unsigned resp = read_(r.offset, &v);
    if (resp != kOkay) Error(r, step, "read RRESP", kOkay, resp, ~0u);
    return v;
  }
  void Write(const regs::RegisterInfo& r, uint32_t data, unsigned strb, const std::string& step) {
    const unsigned resp = write_(r.offset, data, strb);
    if (resp != kOkay) Error(r, step, "write BRESP", kOkay, resp, ~0u);
  }

  void CheckReset(const regs::RegisterInfo& r) {
    const uint32_t v = Read(r, "reset");
    Compare(r, "reset", "reset value", r.reset, v, r.reset_mask & ~r.pulse);
    Compare(r, "reset", "pulse bits", 0, v, r.pulse);
    Compare(r, "reset", "reserved bits", 0, v, Reserved(r));
  }

  // Writes `data` with `strb` and checks every class of bit against what it held before.
  void WriteAndCheck(const regs::RegisterInfo& r, uint32_t data, unsigned strb) {
    const std::string step = "write " + Hex(data) + " strb 0x" + "0123456789abcdef"[strb & 15];
    const uint32_t before = Read(r, step + " (before)");
    Write(r, data, strb, step);
    const uint32_t after = Read(r, step);
    const uint32_t m = StrobeMask(strb);
    Compare(r, step, "rw bits", (before & ~m) | (data & m), after, r.rw);
    Compare(r, step, "read-only constant bits", r.reset, after, r.ro & r.reset_mask);
    Compare(r, step, "read-only hardware bits", before, after, r.ro & ~r.reset_mask & Known(r));
    Compare(r, step, "w1c bits", before & ~(data & m), after, r.w1c);
    Compare(r, step, "pulse bits", 0, after, r.pulse);
    Compare(r, step, "reserved bits", 0, after, Reserved(r));
  }

  void CheckWrites(const regs::RegisterInfo& r) {
    const uint32_t found = Read(r, "initial");
    // w1c bits are set by hardware first (when the caller can) so the writes have bits to clear.
    const bool can_set = r.w1c && hooks_.set_w1c && hooks_.set_w1c(r, r.w1c);
    // Without a way to set them again, w1c bits that were set are never written 1.
    uint32_t keep = can_set ? 0 : (found & r.w1c);
    if (!hooks_.write_pulses) keep |= r.pulse;
    std::vector<std::pair<uint32_t, unsigned>> patterns = {{~0u, 0xf}, {0u, 0xf}};
    for (int i = 0; i < hooks_.random_patterns; ++i) patterns.push_back({Random(), 0xf});
    patterns.push_back({Random(), static_cast<unsigned>(Random() & 0xf)});
    patterns.push_back({~0u, static_cast<unsigned>(Random() & 0xf)});
    for (const auto& [data, strb] : patterns) WriteAndCheck(r, data & ~keep, strb);

    if (can_set) CheckW1c(r);
    // Leave it as found: rw storage written back, w1c bits set again.
    Write(r, found & r.rw, 0xf, "restore");
    if (found & r.w1c && can_set) hooks_.set_w1c(r, found & r.w1c);
    const uint32_t now = Read(r, "restore");
    Compare(r, "restore", "value", found, now, r.rw | (found & r.w1c));
  }

  // w1c bits: set by hardware, kept by writes of 0, cleared bit by bit by writes of 1.
  void CheckW1c(const regs::RegisterInfo& r) {
    const uint32_t some = Random() & r.w1c;
    hooks_.set_w1c(r, r.w1c);
    Compare(r, "w1c set by hardware", "w1c bits", r.w1c, Read(r, "w1c set"), r.w1c);
    Write(r, 0, 0xf, "w1c write 0");
    Compare(r, "w1c write 0", "w1c bits", r.w1c, Read(r, "w1c write 0"), r.w1c);
    WriteAndCheck(r, some, 0xf);
    WriteAndCheck(r, ~0u & (hooks_.write_pulses ? ~0u : ~r.pulse), 0xf);
    Compare(r, "w1c write 1", "w1c bits", 0, Read(r, "w1c cleared"), r.w1c);
  }

  void CheckUnmapped(const std::vector<regs::RegisterInfo>& table,
                     const std::vector<const regs::RegisterInfo*>& checked) {
    // Every unmapped word, and one unaligned offset inside each register.
    std::vector<bool> mapped(hooks_.span_bytes / 4, false);
    std::vector<uint32_t> probes;
    for (const auto& r : table) {
      if (r.offset / 4 < mapped.size()) mapped[r.offset / 4] = true;
      probes.push_back(r.offset + 1 + (r.offset / 4) % 3);
    }
    for (uint32_t w = 0; w < mapped.size(); ++w) {
      if (!mapped[w]) probes.push_back(4 * w);
    }
    std::vector<uint32_t> snapshot;
    for (const auto* r : checked) snapshot.push_back(Read(*r, "before unmapped writes"));
    for (const uint32_t a : probes) {
      uint32_t data = 0xdeadbeef;
      const unsigned rresp = read_(a, &data);
      const unsigned bresp = write_(a, ~0u, 0xf);
      if (rresp != kSlvErr || data != 0 || bresp != kSlvErr) {
        errors_.push_back("unmapped @" + Hex(a) + ": expected RRESP 2, BRESP 2, data " + Hex(0) +
                          "; got RRESP " + std::to_string(rresp) + ", BRESP " +
                          std::to_string(bresp) + ", data " + Hex(data));
      }
    }
    for (size_t i = 0; i < checked.size(); ++i) {
      const auto& r = *checked[i];
      Compare(r, "after writing all-ones to unmapped offsets", "value", snapshot[i],
              Read(r, "after unmapped writes"), Known(r) & ~r.pulse);
    }
  }

  uint32_t Random() { return static_cast<uint32_t>(rng_()); }

  const RegRead& read_;
  const RegWrite& write_;
  const RegCheckHooks& hooks_;
  std::mt19937_64 rng_;
  std::vector<std::string> errors_;
};

}  // namespace reg_check_detail

// Runs the checks over `table` (any range of regs::RegisterInfo, e.g. regs::kRegisters) and
// returns the mismatches (empty when the design matches the description).
template <class Table>
std::vector<std::string> CheckRegisterAccess(const RegRead& read, const RegWrite& write,
                                             const Table& table, const RegCheckHooks& hooks = {}) {
  const std::vector<regs::RegisterInfo> regs(std::begin(table), std::end(table));
  return reg_check_detail::Checker(read, write, hooks).Run(regs);
}

}  // namespace luoshu::tb
