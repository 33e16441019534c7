// The wire between two chip-to-chip link endpoints (rtl/c2c/c2c_link.sv, docs/supernode.md):
// carries one endpoint's lane words to the other with a fixed latency of L cycles and injects
// faults, seeded. Plain C++, no simulator: call Arriving() for the word the receiver sees this
// cycle and Send() with the word the sender drives this cycle, once each per cycle. A later
// slice runs each chip in its own MPI rank and uses L as the lookahead: a word sent at cycle c
// is needed only at c + L.
//
// Faults are frame-aware: the channel follows the sender's framing (every frame's first word
// holds its kind in bits [1:0]; data frames are data_words long, the others ctrl_words) and so
// can hit a given kind of frame:
//   corrupt  flip a run of 1..max_burst_bits adjacent bits of a frame (within 16 bits: the
//            CRC-16 detects every such burst)
//   drop     the whole frame vanishes (its words arrive with valid low: the lane keeps time)
//   word drop  a run of 1..max_drop_words words vanishes wherever it falls, cutting frames
// A fault is drawn per frame at a rate per kind, or targeted at the n-th next frame of a kind.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <stdexcept>
#include <string>
#include <vector>

#include "sw/isa/luoshu_isa.h"
#include "tb/random.h"

namespace luoshu::tb::c2c {

// c2c_pkg::kind_e.
enum class FrameKind { kData = 0, kAck = 1, kNak = 2, kCredit = 3 };
constexpr int kNumKinds = 4;
inline const char* KindName(FrameKind k) {
  static const char* const kNames[kNumKinds] = {"data", "ack", "nak", "credit"};
  return kNames[static_cast<int>(k)];
}

// The endpoint's counters_o, kCounterWidth bits each: isa::LinkCounter (sw/isa/isa.toml, which
// the RTL's luoshu_isa_pkg::LinkCnt* and the host's LINK[p].CNT_SEL use too), unscoped here.
enum Counter {
  kLaneWords = static_cast<int>(isa::LinkCounter::kLaneWords),
  kDataFrames = static_cast<int>(isa::LinkCounter::kDataFrames),
  kRetransmits = static_cast<int>(isa::LinkCounter::kRetransmits),
  kCrcErrors = static_cast<int>(isa::LinkCounter::kCrcErrors),
  kSeqDrops = static_cast<int>(isa::LinkCounter::kSeqDrops),
  kNaksSent = static_cast<int>(isa::LinkCounter::kNaksSent),
  kNaksReceived = static_cast<int>(isa::LinkCounter::kNaksReceived),
  kTimeouts = static_cast<int>(isa::LinkCounter::kTimeouts),
  kFlitsIn = static_cast<int>(isa::LinkCounter::kFlitsIn),
  kNumCounters = isa::kNumLinkCounters
};
constexpr int kCounterWidth = isa::kCounterWidth;

struct LaneWord {
  bool valid = false;
  uint64_t data = 0;
};

enum class Fault { kCorrupt, kDrop };

struct FaultRates {
  std::array<double, kNumKinds> corrupt{};  // per frame of each kind
  std::array<double, kNumKinds> drop{};
  double word_drop = 0;  // per valid word: a run of words vanishes from here
  int max_burst_bits = 1;
  int max_drop_words = 1;
};

// What the channel did, per frame kind where it applies.
struct ChannelStats {
  std::array<uint64_t, kNumKinds> frames{}, corrupted{}, dropped{};
  uint64_t words = 0;           // valid words the sender put on the lane
  uint64_t word_drop_runs = 0;  // runs of words dropped regardless of framing
  uint64_t words_dropped = 0;   // by either kind of drop
  uint64_t longest_busy = 0;    // the longest run of valid words the sender sent
  uint64_t Faults() const {
    uint64_t n = word_drop_runs;
    for (int k = 0; k < kNumKinds; ++k) n += corrupted[k] + dropped[k];
    return n;
  }
};

class LinkChannel {
 public:
  // `data_words` / `ctrl_words`: the frame lengths in lane words (the test top's data_words_o
  // and ctrl_words_o). `latency` >= 1 cycles.
  LinkChannel(int latency, unsigned lane_w, int data_words, int ctrl_words, uint64_t seed)
      : lane_w_(lane_w), data_words_(data_words), ctrl_words_(ctrl_words), rng_(seed) {
    if (latency < 1) throw std::invalid_argument("LinkChannel: latency must be >= 1 cycle");
    if (lane_w < 1 || lane_w > 64) throw std::invalid_argument("LinkChannel: lane_w must be 1..64");
    pipe_.assign(static_cast<size_t>(latency), LaneWord{});
  }

  void SetRates(const FaultRates& rates) { rates_ = rates; }
  const FaultRates& rates() const { return rates_; }
  // Applies `fault` to the frame of kind `kind` that comes after `skip` more of that kind.
  void Target(FrameKind kind, Fault fault, int skip = 0) {
    targets_.push_back({kind, fault, skip});
  }
  bool TargetsPending() const { return !targets_.empty(); }

  int latency() const { return static_cast<int>(pipe_.size()); }
  const ChannelStats& stats() const { return stats_; }

  // The word the receiver sees this cycle: what was sent latency() cycles ago, after faults.
  LaneWord Arriving() const { return pipe_[head_]; }

  // The word the sender drives this cycle. Throws std::logic_error if the sender leaves a
  // hole inside a frame (the link sends a frame's words back to back).
  void Send(LaneWord w) {
    LaneWord out = w;
    busy_ = w.valid ? busy_ + 1 : 0;
    stats_.longest_busy = std::max(stats_.longest_busy, busy_);
    if (!w.valid) {
      if (left_ != 0) {
        throw std::logic_error("LinkChannel: the sender's lane went idle " + std::to_string(left_) +
                               " words before the end of a " + KindName(kind_) + " frame");
      }
    } else {
      ++stats_.words;
      if (left_ == 0) StartFrame(w.data);
      const int word = len_ - left_;
      --left_;
      if (drop_frame_) out.valid = false;
      for (int b = flip_lo_; b < flip_hi_; ++b) {
        const int in_word = b - word * static_cast<int>(lane_w_);
        if (in_word >= 0 && in_word < static_cast<int>(lane_w_)) out.data ^= uint64_t(1) << in_word;
      }
      if (run_left_ == 0 && rng_.Chance(rates_.word_drop)) {
        run_left_ = static_cast<int>(rng_.Uniform(1, rates_.max_drop_words));
        ++stats_.word_drop_runs;
      }
      if (run_left_ > 0) {
        --run_left_;
        out.valid = false;
      }
      if (!out.valid) ++stats_.words_dropped;
    }
    if (!out.valid) out.data = 0;
    pipe_[head_] = out;
    head_ = (head_ + 1) % pipe_.size();
  }

 private:
  struct Targeted {
    FrameKind kind;
    Fault fault;
    int skip;
  };

  void StartFrame(uint64_t first_word) {
    kind_ = static_cast<FrameKind>(first_word & 3);
    const int k = static_cast<int>(kind_);
    len_ = left_ = kind_ == FrameKind::kData ? data_words_ : ctrl_words_;
    ++stats_.frames[k];
    bool corrupt = rng_.Chance(rates_.corrupt[k]);
    drop_frame_ = rng_.Chance(rates_.drop[k]);
    for (auto it = targets_.begin(); it != targets_.end(); ++it) {
      if (it->kind != kind_) continue;
      if (it->skip-- > 0) continue;
      (it->fault == Fault::kDrop ? drop_frame_ : corrupt) = true;
      targets_.erase(it);
      break;
    }
    if (drop_frame_) corrupt = false;  // a dropped frame counts once, as dropped
    flip_lo_ = flip_hi_ = 0;
    if (corrupt) {
      const int bits = len_ * static_cast<int>(lane_w_);
      const int burst = static_cast<int>(rng_.Uniform(1, rates_.max_burst_bits));
      flip_lo_ = static_cast<int>(rng_.Uniform(0, bits - 1));
      flip_hi_ = std::min(bits, flip_lo_ + burst);
      ++stats_.corrupted[k];
    }
    if (drop_frame_) ++stats_.dropped[k];
  }

  unsigned lane_w_;
  int data_words_, ctrl_words_;
  Rng rng_;
  FaultRates rates_;
  std::deque<Targeted> targets_;
  std::vector<LaneWord> pipe_;
  size_t head_ = 0;
  ChannelStats stats_;
  // The sender's frame in progress.
  FrameKind kind_ = FrameKind::kData;
  int len_ = 0, left_ = 0;
  bool drop_frame_ = false;
  int flip_lo_ = 0, flip_hi_ = 0;  // frame bits [lo, hi) are flipped
  int run_left_ = 0;               // words left in a word-drop run
  uint64_t busy_ = 0;              // valid words in a row, to now
};

}  // namespace luoshu::tb::c2c
