// The burst-splitting rule of the transfer engines (rtl/mte/burst_gen.sv), as the reference
// the tests check against: a byte range is covered by beat-aligned bursts from the beat of its
// first byte to the beat of its last, cut at every 4 KiB boundary and after max_beats beats
// (burst_gen's MaxBeats, 256 by default).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace luoshu::tb {

struct Burst {
  uint64_t addr = 0;   // beat-aligned
  uint32_t beats = 0;  // 1..256
  bool operator==(const Burst& o) const { return addr == o.addr && beats == o.beats; }
};

// The bursts that cover [start, start + len) with beats of beat_bytes (a power of two up to
// 4096); none when len is 0.
inline std::vector<Burst> SplitBursts(uint64_t start, uint64_t len, uint64_t beat_bytes,
                                      uint64_t max_beats = 256) {
  std::vector<Burst> out;
  const uint64_t end = start + len;
  for (uint64_t a = start & ~(beat_bytes - 1); a < end;) {
    const uint64_t to_end = (end - a + beat_bytes - 1) / beat_bytes;
    const uint64_t to_page = (4096 - a % 4096) / beat_bytes;
    const auto beats = static_cast<uint32_t>(std::min<uint64_t>({max_beats, to_end, to_page}));
    out.push_back({a, beats});
    a += uint64_t(beats) * beat_bytes;
  }
  return out;
}

}  // namespace luoshu::tb
