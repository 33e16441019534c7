// Two chip-to-chip link endpoints (tests/rtl/c2c/c2c_link_tb.sv: A = 0, B = 1) joined by two
// LinkChannels, with a stream source and a stream sink on every chip-side port. Used by the
// link's tests and its benchmark. `Model` is a Verilated c2c_link_tb.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "tb/agents/c2c_channel.h"
#include "tb/agents/stream.h"
#include "tb/bits.h"
#include "tb/random.h"
#include "tb/sim.h"

namespace luoshu::tb::c2c {

// A flit of up to 192 bits, word i = bits [64i +: 64].
struct Flit {
  std::array<uint64_t, 3> w{};
  bool operator==(const Flit& o) const { return w == o.w; }
  bool operator!=(const Flit& o) const { return w != o.w; }
};
inline std::ostream& operator<<(std::ostream& os, const Flit& f) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%016llx_%016llx_%016llx", static_cast<unsigned long long>(f.w[2]),
                static_cast<unsigned long long>(f.w[1]), static_cast<unsigned long long>(f.w[0]));
  return os << buf;
}

template <class Model>
class LinkPair {
 public:
  // VCs per link (c2c_link NumVc): vc = class * 2 + network (0 requests, 1 responses).
  static constexpr int kNumVc = VerilatedParams<Model>::NumVc;
  static constexpr unsigned kFlitW = VerilatedParams<Model>::FlitW;
  static constexpr unsigned kLaneW = VerilatedParams<Model>::LaneW;
  static_assert(kFlitW <= 192, "Flit holds up to 192 bits");

  // `latency`: lane cycles each way. `stall`: probability that a chip-side port stalls in a
  // cycle (sources insert idle cycles, sinks drop ready).
  LinkPair(const std::string& name, int latency, uint64_t seed, double stall = 0)
      : rng_(seed), sim_(name) {
    Model& d = sim_.dut();
    data_words_ = d.data_words_o;
    ctrl_words_ = d.ctrl_words_o;
    for (int e = 0; e < 2; ++e) {
      ch_[e] =
          std::make_unique<LinkChannel>(latency, kLaneW, data_words_, ctrl_words_, rng_.Bits64());
    }
    lane_drive_ = sim_.OnDrive([this] {
      Model& m = sim_.dut();
      for (int e = 0; e < 2; ++e) {
        const LaneWord w = ch_[1 - e]->Arriving();  // what the other end sent
        PutBits(m.rx_lane_valid_i, e, 1, w.valid);
        PutBits(m.rx_lane_i, e * kLaneW, kLaneW, w.data);
      }
    });
    lane_sample_ = sim_.OnSample([this] {
      Model& m = sim_.dut();
      for (int e = 0; e < 2; ++e) {
        ch_[e]->Send(
            {GetBits(m.tx_lane_valid_o, e, 1) != 0, GetBits(m.tx_lane_o, e * kLaneW, kLaneW)});
      }
    });
    for (int e = 0; e < 2; ++e) {
      for (int v = 0; v < kNumVc; ++v) {
        const unsigned i = e * kNumVc + v;
        src_[i] = std::make_unique<StreamSource<Flit>>(
            &sim_,
            typename StreamSource<Flit>::Ports{
                [this, i](bool x) { PutBits(sim_.dut().in_valid_i, i, 1, x); },
                [this, i](const Flit& f) { PutFlit(sim_.dut().in_flit_i, i, f); },
                [this, i] { return GetBits(sim_.dut().in_ready_o, i, 1) != 0; }},
            StallInjector(stall, &rng_));
        sink_[i] = std::make_unique<StreamSink<Flit>>(
            &sim_,
            typename StreamSink<Flit>::Ports{
                [this, i](bool x) { PutBits(sim_.dut().out_ready_i, i, 1, x); },
                [this, i] { return GetBits(sim_.dut().out_valid_o, i, 1) != 0; },
                [this, i] { return GetFlit(sim_.dut().out_flit_o, i); }},
            StallInjector(stall, &rng_));
      }
    }
    sim_.Reset();
  }

  Simulation<Model>& sim() { return sim_; }
  Rng& rng() { return rng_; }
  int data_words() const { return data_words_; }
  int ctrl_words() const { return ctrl_words_; }
  // The channel carrying endpoint e's lane to the other endpoint.
  LinkChannel& channel(int e) { return *ch_[e]; }
  // Endpoint e's chip-side ports of VC v: flits it sends, flits it received.
  StreamSource<Flit>& source(int e, int v) { return *src_[e * kNumVc + v]; }
  StreamSink<Flit>& sink(int e, int v) { return *sink_[e * kNumVc + v]; }

  // Endpoint e's counter c (counters_o).
  uint64_t Count(int e, Counter c) {
    return GetBits(sim_.dut().counters_o, (e * kNumCounters + c) * kCounterWidth, kCounterWidth);
  }

  // A random flit; its low 32 bits name the stream (e, v) and the flit's number in it, so a
  // failure message says which flit went wrong.
  Flit MakeFlit(int e, int v, uint32_t n) {
    Flit f;
    for (auto& x : f.w) x = rng_.Bits64();
    f.w[0] = (f.w[0] & ~uint64_t(0xFFFFFFFF)) | (uint64_t(e) << 31) | (uint64_t(v) << 30) |
             (n & 0x3FFFFFFF);
    Trim(&f);
    return f;
  }
  // Queues `n` random flits on endpoint e's VC v and remembers them as expected at the far end.
  void Offer(int e, int v, int n) {
    for (int k = 0; k < n; ++k) {
      const Flit f = MakeFlit(e, v, static_cast<uint32_t>(sent_[e * kNumVc + v].size()));
      sent_[e * kNumVc + v].push_back(f);
      source(e, v).Push(f);
    }
  }
  const std::vector<Flit>& offered(int e, int v) const { return sent_[e * kNumVc + v]; }
  // Every offered flit has arrived at the far end (more than offered counts as arrived too,
  // so that a duplicate shows up in the check rather than as a hang).
  bool AllDelivered() {
    for (int e = 0; e < 2; ++e) {
      for (int v = 0; v < kNumVc; ++v) {
        if (sink(1 - e, v).received().size() < sent_[e * kNumVc + v].size()) return false;
      }
    }
    return true;
  }
  // "" if every stream arrived complete, once, in order and bit-exact; else what went wrong.
  std::string CheckDelivery() {
    std::string err;
    for (int e = 0; e < 2; ++e) {
      for (int v = 0; v < kNumVc; ++v) {
        const auto& want = sent_[e * kNumVc + v];
        const auto& got = sink(1 - e, v).received();
        const std::string stream =
            std::string(e ? "B" : "A") + "->" + (e ? "A" : "B") + " vc" + std::to_string(v) + ": ";
        for (size_t k = 0; k < want.size() && k < got.size(); ++k) {
          if (want[k] != got[k]) {
            std::ostringstream s;
            s << stream << "flit " << k << " is " << got[k] << ", expected " << want[k] << "\n";
            err += s.str();
            break;
          }
        }
        if (want.size() != got.size()) {
          err += stream + std::to_string(got.size()) + " flits arrived, " +
                 std::to_string(want.size()) + " were sent\n";
        }
      }
    }
    return err;
  }

 private:
  static void Trim(Flit* f) {
    for (unsigned i = 0; i < 3; ++i) {
      const unsigned lo = 64 * i;
      if (lo >= kFlitW)
        f->w[i] = 0;
      else if (kFlitW - lo < 64)
        f->w[i] &= (uint64_t(1) << (kFlitW - lo)) - 1;
    }
  }
  template <class Port>
  static void PutFlit(Port& port, unsigned i, const Flit& f) {
    for (unsigned k = 0; 64 * k < kFlitW; ++k) {
      PutBits(port, i * kFlitW + 64 * k, std::min(64u, kFlitW - 64 * k), f.w[k]);
    }
  }
  template <class Port>
  static Flit GetFlit(const Port& port, unsigned i) {
    Flit f;
    for (unsigned k = 0; 64 * k < kFlitW; ++k) {
      f.w[k] = GetBits(port, i * kFlitW + 64 * k, std::min(64u, kFlitW - 64 * k));
    }
    return f;
  }

  Rng rng_;
  Simulation<Model> sim_;
  int data_words_ = 0, ctrl_words_ = 0;
  std::array<std::unique_ptr<LinkChannel>, 2> ch_;
  HookHandle lane_drive_, lane_sample_;
  std::array<std::unique_ptr<StreamSource<Flit>>, 2 * kNumVc> src_;
  std::array<std::unique_ptr<StreamSink<Flit>>, 2 * kNumVc> sink_;
  std::array<std::vector<Flit>, 2 * kNumVc> sent_;
};

}  // namespace luoshu::tb::c2c
