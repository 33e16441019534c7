// c2c_switch: packets of 1..5 flits on every input (the gateway and both classes of each link
// port in use) to random chips, with stalls on every input and output. Each packet must come
// out whole (no interleaving on an output), on the output the C++ route reference
// (tb/c2c_topology.h) names, in order per input and output, bit-exact; plus the zero-load
// cost of a packet (one cycle of registered allocation) and the round robin between inputs.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "Vc2c_switch_l2.h"
#include "Vc2c_switch_l2_params.h"
#include "Vc2c_switch_l2_rsp.h"
#include "Vc2c_switch_l2_rsp_params.h"
#include "Vc2c_switch_l4.h"
#include "Vc2c_switch_l4_params.h"
#include "tb/agents/stream.h"
#include "tb/bits.h"
#include "tb/c2c_topology.h"
#include "tb/gtest_util.h"
#include "tb/options.h"
#include "tb/random.h"
#include "tb/sim.h"

namespace luoshu {
namespace {

using tb::c2c::Hop;
using tb::c2c::Topology;

// A 66-bit flit: w[0] = bits [63:0] (the payload), w[1] = {tail, head}.
struct Flit {
  std::array<uint64_t, 2> w{};
  bool operator==(const Flit& o) const { return w == o.w; }
  bool head() const { return (w[1] & 1) != 0; }
  bool tail() const { return (w[1] & 2) != 0; }
};
using Packet = std::vector<Flit>;

// The destination chip's bits in a head flit's payload: mem_hdr_t's addr starts at bit 30;
// a request names the chip at beat-address bit 25, a response at bit 28.
constexpr unsigned kAddrLsb = 30;

template <class Model>
class Harness {
 public:
  static constexpr int kFlitW = VerilatedParams<Model>::FlitW;
  static constexpr int kLinks = VerilatedParams<Model>::NumLinks;
  static constexpr bool kResponse = VerilatedParams<Model>::Response != 0;
  static constexpr int kPorts = 1 + 2 * kLinks;
  static_assert(kFlitW == 66, "the harness packs 66-bit flits");

  Harness(const std::string& name, Topology t, int chip, uint64_t seed, double stall)
      : topo_(t), chip_(chip), rng_(seed), sim_(name) {
    Model& m = sim_.dut();
    m.chip_id_i = chip;
    m.dim_x_i = t.dim_x;
    m.dim_y_i = t.dim_y;
    for (int i = 0; i < kPorts; ++i) {
      src_[i] = std::make_unique<tb::StreamSource<Flit>>(
          &sim_,
          typename tb::StreamSource<Flit>::Ports{
              [this, i](bool v) { tb::PutBits(sim_.dut().in_valid_i, i, 1, v); },
              [this, i](const Flit& f) {
                tb::PutBits(sim_.dut().in_flit_i, i * kFlitW, 64, f.w[0]);
                tb::PutBits(sim_.dut().in_flit_i, i * kFlitW + 64, 2, f.w[1]);
              },
              [this, i] { return tb::GetBits(sim_.dut().in_ready_o, i, 1) != 0; }},
          tb::StallInjector(stall, &rng_));
      sink_[i] = std::make_unique<tb::StreamSink<Flit>>(
          &sim_,
          typename tb::StreamSink<Flit>::Ports{
              [this, i](bool r) { tb::PutBits(sim_.dut().out_ready_i, i, 1, r); },
              [this, i] { return tb::GetBits(sim_.dut().out_valid_o, i, 1) != 0; },
              [this, i] {
                Flit f;
                f.w[0] = tb::GetBits(sim_.dut().out_flit_o, i * kFlitW, 64);
                f.w[1] = tb::GetBits(sim_.dut().out_flit_o, i * kFlitW + 64, 2);
                return f;
              }},
          tb::StallInjector(stall, &rng_));
    }
    sim_.Reset();
  }

  tb::Simulation<Model>& sim() { return sim_; }
  tb::StreamSink<Flit>& sink(int o) { return *sink_[o]; }

  // The output port a packet for `dst` that arrived on input `in` leaves by.
  int OutputFor(int in, int dst) const {
    const bool from_link = in != 0;
    const int link = (in - 1) / 2, cls = (in - 1) % 2;
    const Hop h = topo_.Route(chip_, dst, from_link, link / 2, cls);
    return h.local ? 0 : 1 + 2 * h.link + h.cls;
  }
  // Whether a packet for `dst` can arrive on input `in`: a link in use, and not a U-turn or a
  // packet from the gateway back to its own chip.
  bool Legal(int in, int dst) const {
    if (in == 0) return dst != chip_;
    const int link = (in - 1) / 2;
    if (link >= topo_.Links()) return false;
    const int out = OutputFor(in, dst);
    return out == 0 || (out - 1) / 2 != link;
  }
  // Queues a packet of `len` flits for `dst` on input `in`; returns its output.
  int Offer(int in, int dst, int len) {
    Packet p(len);
    for (int k = 0; k < len; ++k) {
      p[k].w[0] = rng_.Bits64();
      p[k].w[1] = (k == 0 ? 1 : 0) | (k == len - 1 ? 2 : 0);
    }
    const unsigned lsb = kAddrLsb + (kResponse ? 28 : 25);
    p[0].w[0] = (p[0].w[0] & ~(uint64_t(7) << lsb)) | (uint64_t(dst) << lsb);
    const int out = OutputFor(in, dst);
    for (const Flit& f : p) src_[in]->Push(f);
    owner_[p[0].w[0]] = in;
    expected_[out][in].push_back(p);
    ++offered_;
    return out;
  }
  // Offers `n` random legal packets spread over the inputs.
  void OfferRandom(int n) {
    while (n > 0) {
      const int in = static_cast<int>(rng_.Uniform(0, kPorts - 1));
      const int dst = static_cast<int>(rng_.Uniform(0, topo_.chips() - 1));
      if (!Legal(in, dst)) continue;
      Offer(in, dst, static_cast<int>(rng_.Uniform(1, 5)));
      --n;
    }
  }
  uint64_t Delivered() const {
    uint64_t n = 0;
    for (int o = 0; o < kPorts; ++o) {
      for (const Flit& f : sink_[o]->received()) n += f.tail();
    }
    return n;
  }
  // "" if every output carried exactly its packets, whole, in order per input; else why not.
  std::string Check() {
    std::ostringstream err;
    for (int o = 0; o < kPorts; ++o) {
      auto& want = expected_[o];
      const auto& got = sink_[o]->received();
      size_t k = 0;
      int packets = 0;
      while (k < got.size()) {
        Packet p;
        do p.push_back(got[k]);
        while (!got[k++].tail() && k < got.size());
        bool found = false;
        for (auto& [in, q] : want) {
          if (!q.empty() && q.front() == p) {
            q.pop_front();
            found = true;
            break;
          }
        }
        if (!found) {
          err << "output " << o << ": packet " << packets
              << " is no packet expected next there (misrouted, reordered or interleaved)\n";
          return err.str();
        }
        ++packets;
      }
      for (const auto& [in, q] : want) {
        if (!q.empty())
          err << "output " << o << ": " << q.size() << " packets of input " << in << " missing\n";
      }
    }
    return err.str();
  }
  uint64_t offered() const { return offered_; }
  // The input that offered the packet with this head payload.
  int Owner(uint64_t head_payload) const { return owner_.at(head_payload); }

 private:
  Topology topo_;
  int chip_;
  tb::Rng rng_;
  tb::Simulation<Model> sim_;
  std::array<std::unique_ptr<tb::StreamSource<Flit>>, kPorts> src_;
  std::array<std::unique_ptr<tb::StreamSink<Flit>>, kPorts> sink_;
  std::map<int, std::map<int, std::deque<Packet>>> expected_;  // [output][input]
  std::map<uint64_t, int> owner_;
  uint64_t offered_ = 0;
};

template <class Model>
class C2cSwitchTest : public ::testing::Test {};
using Models = ::testing::Types<Vc2c_switch_l2, Vc2c_switch_l2_rsp, Vc2c_switch_l4>;
TYPED_TEST_SUITE(C2cSwitchTest, Models);

// The topologies a model can serve: rings on two links; rings and tori on four.
template <class Model>
std::vector<Topology> Topologies() {
  std::vector<Topology> all;
  for (const Topology& t : tb::c2c::AllTopologies()) {
    if (t.Links() <= VerilatedParams<Model>::NumLinks) all.push_back(t);
  }
  return all;
}

TYPED_TEST(C2cSwitchTest, ForwardsALonePacketWithOneCycleOfAllocation) {
  // Ring of 4, chip 1: a 3-flit packet from the gateway to chip 2 leaves on X+ in class 0.
  Harness<TypeParam> h(tb::CurrentTestName(), Topology::Ring(4), 1, 1, 0);
  EXPECT_EQ(h.Offer(0, 2, 3), 1);
  const uint64_t start = h.sim().cycle();
  h.sim().RunUntil([&] { return h.Delivered() == 1; }, 100, "one packet");
  // Cycle 1: allocation; then one flit per cycle.
  EXPECT_EQ(h.sim().cycle() - start, 4u);
  EXPECT_EQ(h.Check(), "");
}

TYPED_TEST(C2cSwitchTest, SharesAnOutputRoundRobinBetweenInputs) {
  // Ring of 8, chip 0: packets from the gateway and from the X- link, class 0 (traveling
  // plus), all for chip 2: both on X+ class 0 (chip 0 is no dateline going plus).
  Harness<TypeParam> h(tb::CurrentTestName(), Topology::Ring(8), 0, 2, 0);
  for (int k = 0; k < 4; ++k) {
    EXPECT_EQ(h.Offer(0, 2, 2), 1);
    EXPECT_EQ(h.Offer(3, 2, 2), 1);
  }
  h.sim().RunUntil([&] { return h.Delivered() == 8; }, 200, "eight packets");
  EXPECT_EQ(h.Check(), "");
  // They alternate: the packet heads on X+ come from the two inputs in turn.
  std::vector<int> from;
  for (const Flit& f : h.sink(1).received()) {
    if (f.head()) from.push_back(h.Owner(f.w[0]));
  }
  ASSERT_EQ(from.size(), 8u);
  for (size_t k = 1; k < from.size(); ++k) EXPECT_NE(from[k], from[k - 1]) << "packet " << k;
}

TYPED_TEST(C2cSwitchTest, RandomPacketsWithStallsOnEveryPort) {
  const auto topologies = Topologies<TypeParam>();
  for (tb::Round& r : tb::Rounds(tb::SeedFromEnv(53), 6)) {
    const Topology t = topologies[r.rng.Uniform(0, topologies.size() - 1)];
    const int chip = static_cast<int>(r.rng.Uniform(0, t.chips() - 1));
    const double stall = static_cast<double>(r.rng.Uniform(0, 6)) / 10;
    SCOPED_TRACE(t.Name() + " chip " + std::to_string(chip));
    Harness<TypeParam> h(tb::CurrentTestName(), t, chip, r.seed, stall);
    h.OfferRandom(300);
    h.sim().RunUntil([&] { return h.Delivered() == h.offered(); }, 200000, "random packets");
    h.sim().Step(20);
    EXPECT_EQ(h.Delivered(), h.offered());
    EXPECT_EQ(h.Check(), "");
  }
}

}  // namespace
}  // namespace luoshu
