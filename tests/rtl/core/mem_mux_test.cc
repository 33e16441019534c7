// mem_mux: three read clients and two write clients share one memory port (MemSlave with
// ids, latency and backpressure). Each client streams seeded random bursts with random
// gaps and random ready drops; every read beat must return the client's own data in its
// request order, every write must land (W beats follow AW order across clients), and every
// B must reach the client that wrote. Both settings of ClientSlice (the FPGA build's register
// slice on each client's AR, AW and W) run every test.
#include <gtest/gtest.h>

#include <cstring>
#include <deque>
#include <string>
#include <vector>

#include "Vmem_mux.h"
#include "Vmem_mux_client_slice.h"
#include "Vmem_mux_client_slice_params.h"
#include "Vmem_mux_params.h"
#include "sw/model/memory.h"
#include "tb/agents/mem_slave.h"
#include "tb/bits.h"
#include "tb/gtest_util.h"
#include "tb/random.h"
#include "tb/sim.h"

namespace luoshu {
namespace {

using tb::GetBits;
using tb::PutBits;
using tb::Rng;

constexpr int kRd = 3, kWr = 2, kBeat = 16;
constexpr uint64_t kMemBytes = 64 << 10;
constexpr uint64_t kWriteBase = 32 << 10;  // reads below, each writer its own 8 KiB above

struct Burst {
  uint32_t addr;
  int beats;
};

Burst RandomBurst(Rng* rng, uint32_t lo, uint32_t hi) {
  const int beats = static_cast<int>(rng->Uniform(1, 20));
  while (true) {
    const uint32_t a = static_cast<uint32_t>(rng->Uniform(lo / kBeat, hi / kBeat - beats)) * kBeat;
    if ((a >> 12) == ((a + beats * kBeat - 1) >> 12)) return {a, beats};
  }
}

template <class M>
class MemMuxTest : public ::testing::Test {
 protected:
  using Model = M;
  static constexpr bool kClientSlice = VerilatedParams<M>::ClientSlice != 0;
};
using Models = ::testing::Types<Vmem_mux, Vmem_mux_client_slice>;
TYPED_TEST_SUITE(MemMuxTest, Models);

// With the shared port refusing every request, a client's AR, AW and W are taken only into its
// own slice (two each, from registered readies that the port's ready cannot reach in the same
// cycle); without the slice nothing is taken until the port takes it.
TYPED_TEST(MemMuxTest, ClientReadyComesFromTheClientsOwnSlice) {
  using Model = typename TestFixture::Model;
  tb::Simulation<Model> sim(tb::CurrentTestName());
  auto& d = sim.dut();
  sim.Reset();
  d.mem_ar_ready_i = 0;
  d.mem_aw_ready_i = 0;
  d.rd_ar_valid_i = (1u << kRd) - 1;
  d.wr_aw_valid_i = (1u << kWr) - 1;
  d.mem_w_ready_i = 0;
  d.wr_w_valid_i = (1u << kWr) - 1;
  int ar_taken[kRd] = {}, aw_taken[kWr] = {}, w_taken[kWr] = {};
  for (int cycle = 0; cycle < 8; ++cycle) {
    d.eval();
    for (int c = 0; c < kRd; ++c) ar_taken[c] += GetBits(d.rd_ar_ready_o, c, 1);
    for (int c = 0; c < kWr; ++c) aw_taken[c] += GetBits(d.wr_aw_ready_o, c, 1);
    for (int c = 0; c < kWr; ++c) w_taken[c] += GetBits(d.wr_w_ready_o, c, 1);
    sim.Step();
  }
  const int want = TestFixture::kClientSlice ? 2 : 0;
  for (int c = 0; c < kRd; ++c) EXPECT_EQ(ar_taken[c], want) << "read client " << c;
  for (int c = 0; c < kWr; ++c) EXPECT_EQ(aw_taken[c], want) << "write client " << c;
  for (int c = 0; c < kWr; ++c) EXPECT_EQ(w_taken[c], want) << "W of write client " << c;
  EXPECT_TRUE(d.mem_ar_valid_o);
  EXPECT_TRUE(d.mem_aw_valid_o);
  // The port's ready rising reaches a client's ready only through a clock edge (sliced).
  const uint32_t ar_ready = d.rd_ar_ready_o, aw_ready = d.wr_aw_ready_o, w_ready = d.wr_w_ready_o;
  d.mem_ar_ready_i = 1;
  d.mem_aw_ready_i = 1;
  d.mem_w_ready_i = 1;
  d.eval();
  if (TestFixture::kClientSlice) {
    EXPECT_EQ(d.rd_ar_ready_o, ar_ready);
    EXPECT_EQ(d.wr_aw_ready_o, aw_ready);
    EXPECT_EQ(d.wr_w_ready_o, w_ready);
  } else {
    EXPECT_NE(d.rd_ar_ready_o, 0u) << "the granted client sees the port's ready at once";
    EXPECT_NE(d.wr_aw_ready_o, 0u);
  }
}

TYPED_TEST(MemMuxTest, RandomTrafficFromEveryClient) {
  using Model = typename TestFixture::Model;
  Rng rng(tb::SeedFromEnv(11));
  tb::Simulation<Model> sim(tb::CurrentTestName());
  auto& d = sim.dut();
  model::DeviceMemory mem(0, kMemBytes);
  std::vector<uint8_t> init(kWriteBase);
  for (auto& b : init) b = static_cast<uint8_t>(rng.Bits64());
  mem.Write(0, init.data(), init.size());

  tb::MemPins pins;
  Model* top = &d;
  LUOSHU_MEM_READ_PINS(pins, top, mem_);
  LUOSHU_MEM_WRITE_PINS(pins, top, mem_);
  LUOSHU_MEM_ID_PINS(pins, top, mem_);
  tb::MemSlaveConfig cfg;
  cfg.latency = 7;
  cfg.ar_stall = cfg.aw_stall = cfg.w_stall = cfg.r_stall = cfg.b_stall = 0.2;
  tb::MemSlave slave(&sim, pins, &mem, cfg, rng.Bits64());

  constexpr int kBursts = 40;
  // Read clients: requests to issue, bursts awaiting data (expected beats in order).
  std::deque<Burst> rd_todo[kRd], rd_wait[kRd];
  int rd_beat[kRd] = {};
  uint64_t rd_beats_seen[kRd] = {};
  // Write clients: AWs to issue, W beats to send, Bs expected.
  std::deque<Burst> wr_todo[kWr];
  std::deque<std::pair<Burst, int>> w_todo[kWr];  // burst, beat index
  int b_owed[kWr] = {};
  std::vector<uint8_t> expect(kMemBytes - kWriteBase, 0);
  bool ar_on[kRd] = {}, aw_on[kWr] = {}, w_on[kWr] = {};
  for (int c = 0; c < kRd; ++c) {
    for (int i = 0; i < kBursts; ++i) rd_todo[c].push_back(RandomBurst(&rng, 0, kWriteBase));
  }
  for (int c = 0; c < kWr; ++c) {
    const uint32_t lo = kWriteBase + c * (8 << 10);
    for (int i = 0; i < kBursts; ++i) {
      Burst b = RandomBurst(&rng, lo, lo + (8 << 10));
      wr_todo[c].push_back(b);
      for (int k = 0; k < b.beats; ++k) w_todo[c].push_back({b, k});
    }
  }
  auto w_byte = [](int c, const Burst& b, int k, int i) {
    return static_cast<uint8_t>((b.addr + k * kBeat + i) * 7 + c * 101);
  };
  auto w_strb = [](const Burst& b, int k) {
    return static_cast<uint16_t>((b.addr / 16 + k) * 0x3c3b);
  };

  const tb::HookHandle driver = sim.OnDrive([&] {
    if (sim.in_reset()) return;
    for (int c = 0; c < kRd; ++c) {
      if (!ar_on[c] && !rd_todo[c].empty() && !rng.Chance(0.3)) ar_on[c] = true;
      PutBits(d.rd_ar_valid_i, c, 1, ar_on[c]);
      if (ar_on[c]) {
        PutBits(d.rd_ar_addr_i, 32 * c, 32, rd_todo[c].front().addr);
        PutBits(d.rd_ar_len_i, 8 * c, 8, rd_todo[c].front().beats - 1);
      }
      PutBits(d.rd_r_ready_i, c, 1, !rng.Chance(0.2));
    }
    for (int c = 0; c < kWr; ++c) {
      if (!aw_on[c] && !wr_todo[c].empty() && !rng.Chance(0.3)) aw_on[c] = true;
      PutBits(d.wr_aw_valid_i, c, 1, aw_on[c]);
      if (aw_on[c]) {
        PutBits(d.wr_aw_addr_i, 32 * c, 32, wr_todo[c].front().addr);
        PutBits(d.wr_aw_len_i, 8 * c, 8, wr_todo[c].front().beats - 1);
      }
      if (!w_on[c] && !w_todo[c].empty() && !rng.Chance(0.3)) w_on[c] = true;
      PutBits(d.wr_w_valid_i, c, 1, w_on[c]);
      if (w_on[c]) {
        const auto& [b, k] = w_todo[c].front();
        for (int i = 0; i < kBeat; ++i) {
          PutBits(d.wr_w_data_i, (c * kBeat + i) * 8, 8, w_byte(c, b, k, i));
        }
        PutBits(d.wr_w_strb_i, c * kBeat, kBeat, w_strb(b, k));
        PutBits(d.wr_w_last_i, c, 1, k + 1 == b.beats);
      }
      PutBits(d.wr_b_ready_i, c, 1, !rng.Chance(0.2));
    }
  });
  const tb::HookHandle monitor = sim.OnSample([&] {
    if (sim.in_reset()) return;
    for (int c = 0; c < kRd; ++c) {
      if (ar_on[c] && GetBits(d.rd_ar_ready_o, c, 1)) {
        rd_wait[c].push_back(rd_todo[c].front());
        rd_todo[c].pop_front();
        ar_on[c] = false;
      }
      if (GetBits(d.rd_r_valid_o, c, 1) && GetBits(d.rd_r_ready_i, c, 1)) {
        ASSERT_FALSE(rd_wait[c].empty()) << "client " << c << " got a beat it did not ask for";
        const Burst& b = rd_wait[c].front();
        uint8_t got[kBeat];
        std::memcpy(got, d.r_data_o.data(), kBeat);
        ASSERT_EQ(0, std::memcmp(got, &init[b.addr + rd_beat[c] * kBeat], kBeat))
            << "client " << c << " burst 0x" << std::hex << b.addr << " beat " << rd_beat[c];
        ASSERT_FALSE(d.r_err_o);
        ASSERT_EQ(bool(d.r_last_o), rd_beat[c] + 1 == b.beats);
        ++rd_beats_seen[c];
        if (++rd_beat[c] == b.beats) rd_beat[c] = 0, rd_wait[c].pop_front();
      }
    }
    for (int c = 0; c < kWr; ++c) {
      if (aw_on[c] && GetBits(d.wr_aw_ready_o, c, 1)) {
        wr_todo[c].pop_front();
        aw_on[c] = false;
        ++b_owed[c];
      }
      if (w_on[c] && GetBits(d.wr_w_ready_o, c, 1)) {
        const auto [b, k] = w_todo[c].front();
        for (int i = 0; i < kBeat; ++i) {
          if (w_strb(b, k) >> i & 1)
            expect[b.addr + k * kBeat + i - kWriteBase] = w_byte(c, b, k, i);
        }
        w_todo[c].pop_front();
        w_on[c] = false;
      }
      if (GetBits(d.wr_b_valid_o, c, 1) && GetBits(d.wr_b_ready_i, c, 1)) {
        ASSERT_GT(b_owed[c], 0) << "client " << c << " got a B it was not owed";
        ASSERT_FALSE(d.b_err_o);
        --b_owed[c];
      }
    }
  });
  sim.Reset();
  auto done = [&] {
    for (int c = 0; c < kRd; ++c)
      if (!rd_todo[c].empty() || !rd_wait[c].empty()) return false;
    for (int c = 0; c < kWr; ++c)
      if (!wr_todo[c].empty() || !w_todo[c].empty() || b_owed[c]) return false;
    return slave.Idle();
  };
  sim.RunUntil(done, 100000, "every client's bursts to complete");
  std::vector<uint8_t> got(expect.size());
  mem.Read(kWriteBase, got.data(), got.size());
  EXPECT_EQ(got, expect);
  for (int c = 0; c < kRd; ++c) EXPECT_GT(rd_beats_seen[c], uint64_t(kBursts));
  EXPECT_EQ(slave.write_bursts(), uint64_t(kWr * kBursts));
  EXPECT_EQ(slave.read_bursts(), uint64_t(kRd * kBursts));
  this->RecordProperty("cycles", std::to_string(sim.cycle()));
}

}  // namespace
}  // namespace luoshu
