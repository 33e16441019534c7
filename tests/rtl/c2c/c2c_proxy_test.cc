// c2c_proxy: request packets from other chips (reads and writes, random requesting chip, core
// and tag) go into the mesh to the channel of their address with a table entry as tag; a C++
// memory answers them in random order; every response packet must carry back the requester's
// core, tag and chip, with the memory's data. Stalls on every port; the table (4 entries)
// bounds the requests in flight. Every test runs on both builds: c2c_proxy (write data cut
// through) and c2c_proxy_wbuf (WriteBufBeats 2: a write's header waits for min(len, 2) of its
// data flits; writes are 1..4 flits, so some are longer than the buffer).
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "Vc2c_proxy.h"
#include "Vc2c_proxy_params.h"
#include "Vc2c_proxy_wbuf.h"
#include "Vc2c_proxy_wbuf_params.h"
#include "tb/agents/stream.h"
#include "tb/bits.h"
#include "tb/gtest_util.h"
#include "tb/mem_packet.h"
#include "tb/options.h"
#include "tb/random.h"
#include "tb/sim.h"

namespace luoshu {
namespace {

constexpr int kFlitW = 146, kDataW = 144;

// A 146-bit flit or a 144-bit data word: w[i] = bits [64i +: 64].
struct Wide {
  std::array<uint64_t, 3> w{};
  bool operator==(const Wide& o) const { return w == o.w; }
};

template <class Port>
void PutWide(Port& port, const Wide& v, int bits) {
  for (int k = 0; 64 * k < bits; ++k)
    tb::PutBits(port, 64 * k, std::min(64, bits - 64 * k), v.w[k]);
}
template <class Port>
Wide GetWide(const Port& port, int bits) {
  Wide v;
  for (int k = 0; 64 * k < bits; ++k)
    v.w[k] = tb::GetBits(port, 64 * k, std::min(64, bits - 64 * k));
  return v;
}
Wide HeadFlit(uint64_t hdr, bool tail) {
  Wide f;
  f.w[0] = hdr;
  f.w[2] = uint64_t(1) << (kFlitW - 2 - 128) | uint64_t(tail) << (kFlitW - 1 - 128);
  return f;
}
Wide DataFlit(const Wide& d, bool tail) {
  Wide f = d;
  f.w[2] |= uint64_t(tail) << (kFlitW - 1 - 128);
  return f;
}

struct Request {
  tb::MemHdr hdr;          // as it arrives from the switch
  std::vector<Wide> data;  // write data
};

template <class Model>
class Harness {
 public:
  static constexpr int kEntries = VerilatedParams<Model>::Entries;

  Harness(const std::string& name, uint64_t seed, double stall) : rng_(seed), sim_(name) {
    using Src = tb::StreamSource<Wide>;
    using Sink = tb::StreamSink<Wide>;
    Model* m = &sim_.dut();
    req_ = std::make_unique<Src>(
        &sim_,
        Src::Ports{[m](bool v) { m->req_in_valid_i = v; },
                   [m](const Wide& f) { PutWide(m->req_in_flit_i, f, kFlitW); },
                   [m] { return m->req_in_ready_o != 0; }},
        tb::StallInjector(stall, &rng_));
    rsp_ = std::make_unique<Sink>(&sim_,
                                  Sink::Ports{[m](bool r) { m->rsp_out_ready_i = r; },
                                              [m] { return m->rsp_out_valid_o != 0; },
                                              [m] { return GetWide(m->rsp_out_flit_o, kFlitW); }},
                                  tb::StallInjector(stall, &rng_));
    tx_hdr_ = std::make_unique<Sink>(
        &sim_,
        Sink::Ports{[m](bool r) { m->tx_hdr_ready_i = r; }, [m] { return m->tx_hdr_valid_o != 0; },
                    [m] {
                      Wide h;
                      h.w[0] = m->tx_hdr_o;
                      return h;
                    }},
        tb::StallInjector(stall, &rng_));
    tx_data_ = std::make_unique<Sink>(&sim_,
                                      Sink::Ports{[m](bool r) { m->tx_data_ready_i = r; },
                                                  [m] { return m->tx_data_valid_o != 0; },
                                                  [m] { return GetWide(m->tx_data_o, kDataW); }},
                                      tb::StallInjector(stall, &rng_));
    rx_hdr_ = std::make_unique<Src>(&sim_,
                                    Src::Ports{[m](bool v) { m->rx_hdr_valid_i = v; },
                                               [m](const Wide& h) { m->rx_hdr_i = h.w[0]; },
                                               [m] { return m->rx_hdr_ready_o != 0; }},
                                    tb::StallInjector(stall, &rng_));
    rx_data_ =
        std::make_unique<Src>(&sim_,
                              Src::Ports{[m](bool v) { m->rx_data_valid_i = v; },
                                         [m](const Wide& d) { PutWide(m->rx_data_i, d, kDataW); },
                                         [m] { return m->rx_data_ready_o != 0; }},
                              tb::StallInjector(stall, &rng_));
    memory_ = sim_.OnSample([this] { Memory(); });
    sim_.Reset();
  }

  tb::Simulation<Model>& sim() { return sim_; }
  tb::Rng& rng() { return rng_; }

  // The flits of a request one by one (Offer's bookkeeping at the head flit).
  void OfferHead(const Request& r) {
    req_->Push(HeadFlit(r.hdr.Pack(), r.data.empty()));
    offered_.push_back(r);
  }
  void OfferData(const Request& r, size_t k) {
    req_->Push(DataFlit(r.data.at(k), k + 1 == r.data.size()));
  }
  void Offer(const Request& r) {
    const bool data = r.hdr.kind == tb::kMemWrite;
    req_->Push(HeadFlit(r.hdr.Pack(), !data));
    for (size_t k = 0; k < r.data.size(); ++k)
      req_->Push(DataFlit(r.data[k], k + 1 == r.data.size()));
    offered_.push_back(r);
  }
  Request RandomRequest() {
    Request r;
    r.hdr.kind = rng_.Chance(0.5) ? tb::kMemRead : tb::kMemWrite;
    r.hdr.len = static_cast<uint32_t>(rng_.Uniform(1, 4));
    r.hdr.tag = static_cast<uint32_t>(rng_.Uniform(0, 255));
    r.hdr.src = static_cast<uint32_t>(rng_.Uniform(0, 63));           // the requesting core
    r.hdr.dst = static_cast<uint32_t>(rng_.Uniform(0, 63));           // unused on the way in
    const uint32_t chip = static_cast<uint32_t>(rng_.Uniform(0, 7));  // the requesting chip
    r.hdr.addr = (chip << 28) | static_cast<uint32_t>(rng_.Uniform(0, (1 << 28) - 1));
    if (r.hdr.kind == tb::kMemWrite) {
      for (uint32_t k = 0; k < r.hdr.len; ++k) r.data.push_back(RandomWord());
    }
    return r;
  }
  size_t responses() const {
    size_t n = 0;
    for (const Wide& f : rsp_->received()) n += (f.w[2] >> (kFlitW - 1 - 128)) & 1;
    return n;
  }
  size_t offered() const { return offered_.size(); }
  int max_in_flight() const { return max_in_flight_; }
  // While held, the memory answers nothing.
  void Hold(bool on) { hold_ = on; }
  size_t requests_at_mesh() const { return tx_hdr_->received().size(); }
  tb::MemHdr request_at_mesh(size_t i) const {
    return tb::MemHdr::Unpack(tx_hdr_->received().at(i).w[0]);
  }
  // The header of the i-th response packet.
  tb::MemHdr response(size_t i) const {
    size_t n = 0;
    for (const Wide& f : rsp_->received()) {
      if (!((f.w[2] >> (kFlitW - 2 - 128)) & 1)) continue;  // not a head flit
      if (n++ == i) return tb::MemHdr::Unpack(f.w[0] & ((uint64_t(1) << 63) - 1));
    }
    throw std::out_of_range("no response " + std::to_string(i));
  }

  // Checks what went into the mesh against what was offered; returns "" or the first problem.
  std::string CheckRequests() {
    auto& hdrs = tx_hdr_->received();
    if (hdrs.size() != offered_.size()) {
      return std::to_string(hdrs.size()) + " requests reached the mesh, " +
             std::to_string(offered_.size()) + " were offered";
    }
    size_t word = 0;
    for (size_t i = 0; i < offered_.size(); ++i) {
      const tb::MemHdr want = offered_[i].hdr, got = tb::MemHdr::Unpack(hdrs[i].w[0]);
      const uint32_t ch = (want.addr >> 8) & 1;  // byte address bit 12, two channels
      const uint32_t chan_node = ch << 3 | 2;    // channel c at (2, c)
      if (got.kind != want.kind || got.len != want.len || got.addr != (want.addr & 0x0fffffffu) ||
          got.dst != chan_node || got.tag >= static_cast<uint32_t>(kEntries)) {
        return "request " + std::to_string(i) + " went out as " + got.Str() + ", offered " +
               want.Str();
      }
      for (const Wide& d : offered_[i].data) {
        if (word >= tx_data_->received().size() || !(tx_data_->received()[word++] == d)) {
          return "write data of request " + std::to_string(i) + " differs";
        }
      }
    }
    return word == tx_data_->received().size() ? "" : "more write data than offered";
  }
  // Checks the response packets: each answers one offered request, with its core, tag, chip.
  std::string CheckResponses() {
    const auto& flits = rsp_->received();
    size_t k = 0;
    int n = 0;
    while (k < flits.size()) {
      const tb::MemHdr got = tb::MemHdr::Unpack(flits[k++].w[0] & ((uint64_t(1) << 63) - 1));
      auto it = answered_.find(got.addr & 0x0fffffffu);
      if (it == answered_.end())
        return "response " + std::to_string(n) + " answers nothing: " + got.Str();
      const Answer& a = it->second;
      const uint32_t chip = (a.req.addr >> 28) & 7;
      if (got.dst != a.req.src || got.tag != a.req.tag || ((got.addr >> 28) & 15) != chip ||
          got.kind != a.kind || got.len != a.req.len || got.err != a.err) {
        return "response " + std::to_string(n) + " is " + got.Str() + " for request " + a.req.Str();
      }
      for (const Wide& d : a.data) {
        if (k >= flits.size()) return "response " + std::to_string(n) + " ends early";
        Wide f = flits[k++];
        f.w[2] &= (uint64_t(1) << (kDataW - 128)) - 1;
        if (!(f == d)) return "data of response " + std::to_string(n) + " differs";
      }
      answered_.erase(it);
      ++n;
    }
    return answered_.empty() ? "" : std::to_string(answered_.size()) + " responses missing";
  }

 private:
  struct Pending {
    tb::MemHdr out;  // the header as it went into the mesh
    uint64_t ready_at;
  };
  struct Answer {
    tb::MemHdr req;  // as offered
    uint32_t kind;
    bool err;
    std::vector<Wide> data;
  };
  Wide RandomWord() {
    Wide w;
    w.w[0] = rng_.Bits64();
    w.w[1] = rng_.Bits64();
    w.w[2] = rng_.Bits64() & 0xffff;
    return w;
  }
  // The memory: takes each request header once it has reached the mesh, answers it after a
  // random delay, in random order among the ones that are due.
  void Memory() {
    auto& hdrs = tx_hdr_->received();
    while (seen_ < hdrs.size()) {
      pending_.push_back({tb::MemHdr::Unpack(hdrs[seen_].w[0]),
                          sim_.cycle() + static_cast<uint64_t>(rng_.Uniform(1, 40))});
      // The request it came from: requests reach the mesh in the order offered.
      origin_[pending_.back().out.tag] = offered_[seen_].hdr;
      ++seen_;
    }
    // Entries taken: requests that reached the mesh minus responses the proxy has taken.
    max_in_flight_ = std::max(max_in_flight_, static_cast<int>(seen_ - rx_hdr_->sent()));
    if (hold_ || pending_.empty() || !rx_hdr_->Idle() || !rx_data_->Idle()) return;
    const size_t i = static_cast<size_t>(rng_.Uniform(0, pending_.size() - 1));
    if (pending_[i].ready_at > sim_.cycle()) return;
    const tb::MemHdr out = pending_[i].out;
    pending_.erase(pending_.begin() + static_cast<long>(i));
    tb::MemHdr rsp;
    rsp.kind = out.kind == tb::kMemRead ? tb::kMemReadResp : tb::kMemWriteResp;
    rsp.tag = out.tag;
    rsp.len = out.len;
    rsp.addr = out.addr;
    rsp.src = 2;  // the channel
    rsp.dst = static_cast<uint32_t>(rng_.Uniform(0, 63));
    rsp.err = rng_.Chance(0.1);
    Answer a{origin_.at(out.tag), rsp.kind, rsp.err, {}};
    rx_hdr_->Push(Wide{{rsp.Pack(), 0, 0}});
    if (rsp.kind == tb::kMemReadResp) {
      for (uint32_t k = 0; k < rsp.len; ++k) {
        a.data.push_back(RandomWord());
        rx_data_->Push(a.data.back());
      }
    }
    answered_[out.addr] = a;
  }

  tb::Rng rng_;
  tb::Simulation<Model> sim_;
  std::unique_ptr<tb::StreamSource<Wide>> req_, rx_hdr_, rx_data_;
  std::unique_ptr<tb::StreamSink<Wide>> rsp_, tx_hdr_, tx_data_;
  tb::HookHandle memory_;
  std::vector<Request> offered_;
  size_t seen_ = 0;
  std::vector<Pending> pending_;
  std::map<uint32_t, tb::MemHdr> origin_;  // entry -> the request it stands for
  std::map<uint32_t, Answer> answered_;    // addr -> answer (addresses are unique)
  int max_in_flight_ = 0;
  bool hold_ = false;
};

template <class Model>
class C2cProxyTest : public ::testing::Test {};
using Builds = ::testing::Types<Vc2c_proxy, Vc2c_proxy_wbuf>;
TYPED_TEST_SUITE(C2cProxyTest, Builds);

// One read from core (3, 1) of chip 5, tag 0x42, at a byte address of channel 1 (bit 12 set):
// it enters the mesh for channel 1's node (2, 1) with the first table entry as tag and the chip
// bits cleared; the response goes back to core (3, 1) with tag 0x42 and chip 5.
TYPED_TEST(C2cProxyTest, OneReadGoesToItsChannelAndBackToItsRequester) {
  Harness<TypeParam> h(tb::CurrentTestName(), 1, 0);
  Request q;
  q.hdr.kind = tb::kMemRead;
  q.hdr.len = 2;
  q.hdr.tag = 0x42;
  q.hdr.src = 1 << 3 | 3;
  q.hdr.addr = 5u << 28 | (0x2000123u & ~0xffu) | 0x100;  // beat address bit 8: channel 1
  h.Offer(q);
  h.sim().RunUntil([&] { return h.responses() == 1; }, 1000, "one response");
  const tb::MemHdr out = h.request_at_mesh(0);
  EXPECT_EQ(out.dst, (1u << 3) | 2u);  // channel 1 at (2, 1)
  EXPECT_EQ(out.tag, 0u);
  EXPECT_EQ(out.addr, q.hdr.addr & 0x0fffffffu);
  const tb::MemHdr back = h.response(0);
  EXPECT_EQ(back.dst, q.hdr.src);
  EXPECT_EQ(back.tag, 0x42u);
  EXPECT_EQ(back.addr >> 28, 5u);
  EXPECT_EQ(back.kind, tb::kMemReadResp);
  EXPECT_EQ(h.CheckResponses(), "");
}

// With the memory silent, exactly Entries requests enter the mesh; the next waits until a
// response frees an entry, and then takes that entry.
TYPED_TEST(C2cProxyTest, AFullTableHoldsTheNextRequest) {
  Harness<TypeParam> h(tb::CurrentTestName(), 2, 0);
  h.Hold(true);
  for (int i = 0; i <= Harness<TypeParam>::kEntries; ++i) {
    Request q = h.RandomRequest();
    q.hdr.addr = (q.hdr.addr & ~0xfffu) | static_cast<uint32_t>(i);  // unique
    h.Offer(q);
  }
  h.sim().Step(200);
  EXPECT_EQ(h.requests_at_mesh(), static_cast<size_t>(Harness<TypeParam>::kEntries));
  h.Hold(false);
  h.sim().RunUntil([&] { return h.responses() == h.offered(); }, 2000, "all responses");
  EXPECT_EQ(h.requests_at_mesh(), static_cast<size_t>(Harness<TypeParam>::kEntries + 1));
  EXPECT_LT(h.request_at_mesh(Harness<TypeParam>::kEntries).tag,
            static_cast<uint32_t>(Harness<TypeParam>::kEntries));
  EXPECT_EQ(h.CheckRequests(), "");
  EXPECT_EQ(h.CheckResponses(), "");
}

TYPED_TEST(C2cProxyTest, RandomRequestsComeBackToTheirRequesters) {
  for (tb::Round& r : tb::Rounds(tb::SeedFromEnv(71), 6)) {
    const double stall = static_cast<double>(r.rng.Uniform(0, 5)) / 10;
    Harness<TypeParam> h(tb::CurrentTestName(), r.seed, stall);
    std::map<uint32_t, bool> used;
    for (int i = 0; i < 60; ++i) {
      Request q = h.RandomRequest();
      while (used[q.hdr.addr & 0x0fffffffu]) q = h.RandomRequest();
      used[q.hdr.addr & 0x0fffffffu] = true;
      h.Offer(q);
    }
    h.sim().RunUntil([&] { return h.responses() == h.offered(); }, 200000, "all responses");
    h.sim().Step(10);
    EXPECT_EQ(h.CheckRequests(), "");
    EXPECT_EQ(h.CheckResponses(), "");
    EXPECT_LE(h.max_in_flight(), Harness<TypeParam>::kEntries)
        << "more requests in flight than table entries";
    EXPECT_EQ(h.max_in_flight(), Harness<TypeParam>::kEntries)
        << "the table never filled: the test is too gentle";
  }
}

// WriteBufBeats 2: a 3-flit write's header stays in the proxy until two of its data flits are
// there (its first alone is not enough), then the three leave; a read behind it is not held
// by anything but the write's header. Cut through, the header leaves before any data.
TEST(C2cProxyWriteBufTest, AWriteHeaderWaitsForItsFirstFlits) {
  static_assert(VerilatedParams<Vc2c_proxy_wbuf>::WriteBufBeats == 2);
  Harness<Vc2c_proxy_wbuf> h(tb::CurrentTestName(), 3, 0);
  Request w;
  w.hdr.kind = tb::kMemWrite;
  w.hdr.len = 3;
  w.hdr.src = 1;
  w.hdr.addr = 2u << 28 | 0x10;
  for (uint32_t k = 0; k < w.hdr.len; ++k) w.data.push_back(Wide{{k + 1, 2 * k, 0}});
  h.OfferHead(w);
  h.sim().Step(30);
  EXPECT_EQ(h.requests_at_mesh(), 0u) << "the header left without its data";
  h.OfferData(w, 0);
  h.sim().Step(30);
  EXPECT_EQ(h.requests_at_mesh(), 0u) << "the header left with one of min(3, 2) flits";
  h.OfferData(w, 1);
  h.sim().RunUntil([&] { return h.requests_at_mesh() == 1; }, 30, "the header");
  h.OfferData(w, 2);
  Request r = w;
  r.hdr.kind = tb::kMemRead;
  r.hdr.addr = 2u << 28 | 0x20;
  r.data.clear();
  h.Offer(r);
  h.sim().RunUntil([&] { return h.responses() == 2; }, 1000, "both responses");
  EXPECT_EQ(h.CheckRequests(), "");
  EXPECT_EQ(h.CheckResponses(), "");
}

TEST(C2cProxyWriteBufTest, CutThroughSendsTheHeaderAtOnce) {
  Harness<Vc2c_proxy> h(tb::CurrentTestName(), 3, 0);
  Request w;
  w.hdr.kind = tb::kMemWrite;
  w.hdr.len = 2;
  w.hdr.addr = 1u << 28;
  w.data = {Wide{{1, 0, 0}}, Wide{{2, 0, 0}}};
  h.OfferHead(w);
  h.sim().RunUntil([&] { return h.requests_at_mesh() == 1; }, 30, "the header");
  h.OfferData(w, 0);
  h.OfferData(w, 1);
  h.sim().RunUntil([&] { return h.responses() == 1; }, 1000, "the response");
  EXPECT_EQ(h.CheckRequests(), "");
}

}  // namespace
}  // namespace luoshu
