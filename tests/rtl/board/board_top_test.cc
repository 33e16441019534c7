// board_top with the real small SoC behind its UART: the bridge reaches the SoC's registers
// (ID, CONFIG) and the block-RAM device memory (byte-exact writes and reads at odd addresses
// and lengths), and the LEDs show activity and a rejected frame.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "Vboard_top_fast.h"
#include "Vboard_top_fast_params.h"
#include "sw/hal/bridge_protocol.h"
#include "sw/hal/reg_map.h"
#include "tb/board/bridge_agents.h"
#include "tb/gtest_util.h"
#include "tb/sim.h"

namespace luoshu {
namespace {

namespace bp = hal::bridge;
using P = VerilatedParams<Vboard_top_fast>;
using Top = Vboard_top_fast;

constexpr uint64_t kMaxCycles = 400000;

class BoardBench {
 public:
  BoardBench() : sim_(tb::CurrentTestName(), "board_top"), link_(&sim_, P::ClkPerBit, 512) {
    sim_.Reset();
  }
  bp::Reply Call(bp::Cmd cmd, std::vector<uint8_t> payload = {}) {
    link_.Send(bp::EncodeRequest({static_cast<uint8_t>(cmd), seq_, std::move(payload)}));
    const auto got = link_.Collect(1, 2 * P::TimeoutCycles, kMaxCycles);
    if (got.size() != 1)
      throw std::runtime_error("expected one reply, got " + std::to_string(got.size()));
    EXPECT_EQ(got[0].seq, seq_);
    ++seq_;
    return got[0];
  }
  uint32_t ReadReg(uint32_t off) {
    std::vector<uint8_t> p;
    bp::Put32(&p, off);
    const auto r = Call(bp::Cmd::kReadReg, p);
    EXPECT_EQ(r.status, 0) << bp::StatusName(r.status) << " reading register 0x" << std::hex << off;
    return r.payload.size() == 4 ? bp::Get32(r.payload.data()) : 0xFFFFFFFF;
  }

  tb::Simulation<Top> sim_;
  tb::BridgeLink<Top> link_;
  uint8_t seq_ = 0x30;
};

TEST(BoardTopTest, HelloAndTheSocRegisters) {
  BoardBench b;
  const auto hello = b.Call(bp::Cmd::kHello);
  ASSERT_EQ(hello.status, 0);
  ASSERT_EQ(hello.payload.size(), 11u);
  EXPECT_EQ(hello.payload[0], bp::kVersion);
  EXPECT_EQ(bp::Get16(&hello.payload[1]), P::MaxData);
  EXPECT_EQ(bp::Get32(&hello.payload[3]), 0u) << "mem_base";
  EXPECT_EQ(bp::Get32(&hello.payload[7]), uint32_t(P::MemBytes));

  EXPECT_EQ(b.ReadReg(hal::reg::kId), uint32_t(LUOSHU_REGS__ID__ID_reset));
  const uint32_t config = b.ReadReg(hal::reg::kConfig);
  EXPECT_EQ((config & LUOSHU_REGS__CONFIG__DIM_bm) >> LUOSHU_REGS__CONFIG__DIM_bp,
            uint32_t(P::Dim));
  EXPECT_EQ((config & LUOSHU_REGS__CONFIG__CORES_bm) >> LUOSHU_REGS__CONFIG__CORES_bp, 1u);
  EXPECT_EQ((config & LUOSHU_REGS__CONFIG__CHANNELS_bm) >> LUOSHU_REGS__CONFIG__CHANNELS_bp, 1u);
  const uint32_t l0 = b.ReadReg(hal::reg::kConfigL0);
  EXPECT_EQ(l0 & LUOSHU_REGS__CONFIG_L0__L0A_KIB_bm, 4u);

  // A writable register round trip (core 0's ring base).
  std::vector<uint8_t> p;
  bp::Put32(&p, hal::reg::kCoreBase + hal::reg::kRingBase);
  bp::Put32(&p, 0x00012340);
  EXPECT_EQ(b.Call(bp::Cmd::kWriteReg, p).status, 0);
  EXPECT_EQ(b.ReadReg(hal::reg::kCoreBase + hal::reg::kRingBase), 0x00012340u);

  const auto status = b.Call(bp::Cmd::kStatus);
  ASSERT_EQ(status.payload.size(), 11u);
  EXPECT_EQ(status.payload[8] & 1, 0) << "no interrupt";
  EXPECT_GT(bp::Get64(status.payload.data()), 0u);
}

// Writes at random odd addresses and lengths into a mirror, then reads back ranges that
// cross the writes' edges: only the written bytes change.
TEST(BoardTopTest, MemoryRoundTripAtOddAddresses) {
  for (tb::Round& round : tb::Rounds(tb::SeedFromEnv(808), 1)) {
    BoardBench b;
    ASSERT_EQ(b.Call(bp::Cmd::kHello).status, 0);
    const uint32_t span = 2048;  // the part of memory the test uses
    std::vector<uint8_t> mirror(span);
    for (uint32_t at = 0; at < span; at += P::MaxData) {  // start from known contents
      std::vector<uint8_t> p;
      bp::Put32(&p, at);
      for (int i = 0; i < P::MaxData; ++i) {
        mirror[at + i] = static_cast<uint8_t>(round.rng.Bits64());
        p.push_back(mirror[at + i]);
      }
      ASSERT_EQ(b.Call(bp::Cmd::kWriteMem, p).status, 0);
    }
    for (int step : tb::Steps(12)) {
      (void)step;
      const uint32_t len = uint32_t(round.rng.Uniform(1, P::MaxData));
      const uint32_t addr = uint32_t(round.rng.Uniform(0, span - len)) | 1u;
      const uint32_t n = std::min(len, span - addr);
      std::vector<uint8_t> p;
      bp::Put32(&p, addr);
      for (uint32_t i = 0; i < n; ++i) {
        mirror[addr + i] = static_cast<uint8_t>(round.rng.Bits64());
        p.push_back(mirror[addr + i]);
      }
      ASSERT_EQ(b.Call(bp::Cmd::kWriteMem, p).status, 0);
      const uint32_t from = addr > 3 ? addr - 3 : 0;
      const uint32_t count = std::min<uint32_t>(n + 7, std::min<uint32_t>(P::MaxData, span - from));
      std::vector<uint8_t> q;
      bp::Put32(&q, from);
      bp::Put16(&q, static_cast<uint16_t>(count));
      const auto r = b.Call(bp::Cmd::kReadMem, q);
      ASSERT_EQ(r.status, 0);
      EXPECT_EQ(r.payload,
                std::vector<uint8_t>(mirror.begin() + from, mirror.begin() + from + count))
          << "read " << count << " bytes at " << from << " after writing " << n << " at " << addr;
    }
    // The last bytes of memory, and one past them.
    std::vector<uint8_t> q;
    bp::Put32(&q, uint32_t(P::MemBytes) - 5);
    bp::Put16(&q, 5);
    EXPECT_EQ(b.Call(bp::Cmd::kReadMem, q).status, 0);
    q.clear();
    bp::Put32(&q, uint32_t(P::MemBytes) - 5);
    bp::Put16(&q, 6);
    EXPECT_EQ(b.Call(bp::Cmd::kReadMem, q).status, static_cast<uint8_t>(bp::Status::kBadAddr));
  }
}

TEST(BoardTopTest, LedsShowActivityAndARejectedFrame) {
  BoardBench b;
  auto& d = b.sim_.dut();
  EXPECT_EQ(d.led_o & 0x10, 0) << "nothing rejected yet";
  // The heartbeat toggles every 2^(HeartbeatBits-1) cycles.
  const int beat = (d.led_o >> 1) & 1;
  b.sim_.Step(uint64_t(1) << (P::HeartbeatBits - 1));
  EXPECT_NE((d.led_o >> 1) & 1, beat);
  // A frame with a bad CRC: BAD_CRC, and the "rejected" LED stays on.
  auto frame = bp::EncodeRequest({0, 1, {}});
  frame.back() ^= 0x01;
  b.link_.Send(frame);
  bool rx_led = false, tx_led = false;
  auto watch = b.sim_.OnSample([&] {
    rx_led |= (d.led_o >> 2) & 1;
    tx_led |= (d.led_o >> 3) & 1;
  });
  const auto got = b.link_.Collect(1, 2 * P::TimeoutCycles, kMaxCycles);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].status, static_cast<uint8_t>(bp::Status::kBadCrc));
  EXPECT_TRUE(rx_led);
  EXPECT_TRUE(tx_led);
  EXPECT_EQ(d.led_o & 0x10, 0x10) << "rejected-frame LED";
  EXPECT_EQ(d.led_o & 0x01, 0) << "irq LED";
}

}  // namespace
}  // namespace luoshu
