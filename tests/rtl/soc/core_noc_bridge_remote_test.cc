// core_noc_bridge with Remote = 1 (a supernode chip, docs/supernode.md "Address map"): a burst
// whose chip id (byte address [31:29]) is another chip's goes to the gateway node with this
// chip's id in the header's addr[30:28]; one for this chip goes to its channel as before; the
// gateway's responses (read data, write acknowledgements with their error) reach the core.
// Directed, with random stalls on the network side (seeded).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <deque>
#include <stdexcept>
#include <string>
#include <vector>

#include "Vcore_noc_bridge_remote.h"
#include "Vcore_noc_bridge_remote_params.h"
#include "tb/bits.h"
#include "tb/gtest_util.h"
#include "tb/mem_packet.h"
#include "tb/options.h"
#include "tb/random.h"
#include "tb/sim.h"

namespace luoshu {
namespace {

using Model = Vcore_noc_bridge_remote;
using tb::MemHdr;
constexpr uint32_t kOwnChip = 2;
constexpr uint32_t kGateway = 0 << 3 | 2;  // (2, 0)
constexpr uint32_t kChannel = 0 << 3 | 1;  // channel 0 at (1, 0)

class Bench {
 public:
  Bench(uint64_t seed, double stall) : rng_(seed), stall_(stall), sim_(tb::CurrentTestName()) {
    sim_.dut().chip_id_i = kOwnChip;
    sim_.Reset();
  }
  tb::Simulation<Model>& sim() { return sim_; }

  // The core issues a read of `beats` at `addr`; returns the request header the bridge sent.
  MemHdr Read(uint32_t addr, int beats) {
    Model& d = sim_.dut();
    d.core_ar_addr_i = addr;
    d.core_ar_len_i = static_cast<uint8_t>(beats - 1);
    d.core_ar_id_i = 1;
    d.core_ar_valid_i = 1;
    Until([&] { return Cycle([&] { return d.core_ar_ready_o != 0; }); }, 100, "AR taken");
    d.core_ar_valid_i = 0;
    return TakeHeader();
  }
  // The core issues a one-beat write at `addr`; returns the header.
  MemHdr Write(uint32_t addr) {
    Model& d = sim_.dut();
    d.core_aw_addr_i = addr;
    d.core_aw_len_i = 0;
    d.core_aw_id_i = 1;
    d.core_aw_valid_i = 1;
    Until([&] { return Cycle([&] { return d.core_aw_ready_o != 0; }); }, 100, "AW taken");
    d.core_aw_valid_i = 0;
    const MemHdr h = TakeHeader();
    d.core_w_valid_i = 1;
    d.core_w_last_i = 1;
    d.core_w_strb_i = 0xffff;
    d.tx_data_ready_i = 1;
    Until([&] { return Cycle([&] { return d.core_w_ready_o != 0; }); }, 100, "W taken");
    d.core_w_valid_i = 0;
    d.tx_data_ready_i = 0;
    return h;
  }
  // The network answers: a response header from node `src` (and `data` beats for a read).
  void Respond(const MemHdr& req, uint32_t src, bool err, const std::vector<uint64_t>& data) {
    Model& d = sim_.dut();
    MemHdr r;
    r.kind = req.kind == tb::kMemRead ? tb::kMemReadResp : tb::kMemWriteResp;
    r.tag = req.tag;
    r.len = req.len;
    r.src = src;
    r.dst = 0;
    r.err = err;
    r.addr = req.addr;
    d.rx_hdr_i = r.Pack();
    d.rx_hdr_valid_i = 1;
    Until([&] { return Cycle([&] { return d.rx_hdr_ready_o != 0; }); }, 100, "rx header");
    d.rx_hdr_valid_i = 0;
    for (size_t k = 0; k < data.size(); ++k) {
      tb::PutBits(d.rx_data_i, 0, 64, data[k]);
      tb::PutBits(d.rx_data_i, 64, 64, ~data[k]);
      d.rx_data_last_i = k + 1 == data.size();
      d.rx_data_valid_i = 1;
      Until([&] { return Cycle([&] { return d.rx_data_ready_o != 0; }); }, 100, "rx data");
      d.rx_data_valid_i = 0;
    }
  }
  // The R beats' low 64 bits (and whether the high 64 are their complement), until `n` came.
  std::vector<uint64_t> TakeReadBeats(size_t n) {
    Model& d = sim_.dut();
    std::vector<uint64_t> got;
    Until(
        [&] {
          d.core_r_ready_i = !rng_.Chance(stall_);
          Cycle([&] {
            if (d.core_r_valid_o && d.core_r_ready_i) {  // the beat taken at this edge
              const uint64_t lo = tb::GetBits(d.core_r_data_o, 0, 64);
              EXPECT_EQ(tb::GetBits(d.core_r_data_o, 64, 64), ~lo);
              got.push_back(lo);
            }
            return true;
          });
          return got.size() == n;
        },
        1000, "R beats");
    d.core_r_ready_i = 0;
    return got;
  }
  // The B response: its error bit.
  bool TakeWriteResponse() {
    Model& d = sim_.dut();
    d.core_b_ready_i = 1;
    bool err = false;
    Until(
        [&] {
          return Cycle([&] {
            err = d.core_b_err_o;
            return d.core_b_valid_o != 0;
          });
        },
        1000, "B");
    d.core_b_ready_i = 0;
    return err;
  }

 private:
  // Runs `cycle` (which steps one clock cycle and says whether it is done) until it is.
  template <class F>
  void Until(F cycle, int limit, const char* what) {
    for (int i = 0; i < limit; ++i) {
      if (cycle()) return;
    }
    throw std::runtime_error(std::string("no ") + what + " within " + std::to_string(limit) +
                             " cycles");
  }
  // One clock cycle; `fired` is evaluated before the edge (the handshake of this cycle).
  template <class F>
  bool Cycle(F fired) {
    sim_.dut().eval();
    const bool f = fired();
    sim_.Step();
    return f;
  }
  MemHdr TakeHeader() {
    Model& d = sim_.dut();
    MemHdr h;
    Until(
        [&] {
          d.tx_hdr_ready_i = !rng_.Chance(stall_);
          return Cycle([&] {
            if (d.tx_hdr_valid_o && d.tx_hdr_ready_i) {
              h = MemHdr::Unpack(d.tx_hdr_o);
              return true;
            }
            return false;
          });
        },
        1000, "request header");
    d.tx_hdr_ready_i = 0;
    return h;
  }

  tb::Rng rng_;
  double stall_;
  tb::Simulation<Model> sim_;
};

TEST(CoreNocBridgeRemoteTest, OtherChipsGoToTheGatewayOwnToTheChannel) {
  for (tb::Round& r : tb::Rounds(tb::SeedFromEnv(81), 3)) {
    Bench b(r.seed, 0.3 * r.index);
    // Chip 5's memory: the gateway, with this chip's id above the beat address.
    const uint32_t remote = 5u << 29 | 0x3000;
    const MemHdr h = b.Read(remote, 4);
    EXPECT_EQ(h.dst, kGateway);
    EXPECT_EQ(h.kind, tb::kMemRead);
    EXPECT_EQ(h.len, 4u);
    EXPECT_EQ(h.addr, kOwnChip << 28 | remote >> 4);
    const std::vector<uint64_t> data = {r.rng.Bits64(), r.rng.Bits64(), r.rng.Bits64(),
                                        r.rng.Bits64()};
    b.Respond(h, kGateway, false, data);
    EXPECT_EQ(b.TakeReadBeats(4), data);
    // This chip's memory: its channel, nothing above the beat address.
    const uint32_t local = kOwnChip << 29 | 0x5000;
    const MemHdr l = b.Read(local, 1);
    EXPECT_EQ(l.dst, kChannel);
    EXPECT_EQ(l.addr, local >> 4);
    b.Respond(l, kChannel, false, {7});
    EXPECT_EQ(b.TakeReadBeats(1), std::vector<uint64_t>{7});
  }
}

TEST(CoreNocBridgeRemoteTest, WriteAcknowledgementsFromTheGatewayKeepTheirError) {
  Bench b(1, 0);
  for (bool err : {false, true}) {
    const uint32_t remote = 0u << 29 | 0x1000;  // chip 0
    const MemHdr h = b.Write(remote);
    EXPECT_EQ(h.dst, kGateway);
    EXPECT_EQ(h.kind, tb::kMemWrite);
    EXPECT_EQ(h.addr, kOwnChip << 28 | remote >> 4);
    b.Respond(h, kGateway, err, {});
    EXPECT_EQ(b.TakeWriteResponse(), err);
  }
}

}  // namespace
}  // namespace luoshu
