// The generated host register block (rtl/soc/luoshu_regs.sv from luoshu_regs.rdl), driven
// over AXI4-Lite with addresses and reset values taken from the generated C header
// (sw/driver/luoshu_regs.h), so the RTL and the header are checked against each other:
// identity and configuration, reset values, read/write round trips with byte strobes on every
// core's registers and windows, the doorbell and control pulses, read-only status from the
// core, and interrupt status (set by hardware, write-1-to-clear, masked onto the line).
#include "sw/driver/luoshu_regs.h"

#include <gtest/gtest.h>

#include <cstddef>

#include "Vluoshu_regs.h"
#include "tb/agents/axil_master.h"
#include "tb/bits.h"
#include "tb/gtest_util.h"
#include "tb/random.h"
#include "tb/sim.h"

namespace luoshu {
namespace {

using Core = luoshu_core_regs__stride100_t;
using Win = luoshu_core_regs__WIN__stride10_t;

constexpr uint32_t CoreAddr(int c, size_t field) {
  return offsetof(luoshu_regs_t, CORE) + c * sizeof(Core) + field;
}
constexpr uint32_t WinAddr(int c, int w, size_t field) {
  return CoreAddr(c, offsetof(Core, WIN) + w * sizeof(Win) + field);
}

struct Rig {
  Rig() : sim(tb::CurrentTestName()), host(&sim) {
    auto& d = sim.dut();
    d.config_dim_i = 16;
    d.config_cores_i = 4;
    d.config_channels_i = 2;
    d.config_l0_l0a_kib_i = 64;
    d.config_l0_l0b_kib_i = 64;
    d.config_l0_l0c_kib_i = 128;
    sim.Reset();
  }
  tb::Simulation<Vluoshu_regs> sim;
  tb::AxiLiteMaster<Vluoshu_regs> host;
};

TEST(LuoshuRegsTest, IdentityConfigurationAndResetValues) {
  Rig r;
  EXPECT_EQ(r.host.Read(offsetof(luoshu_regs_t, ID)), uint32_t(LUOSHU_REGS__ID__ID_reset));
  EXPECT_EQ(r.host.Read(offsetof(luoshu_regs_t, VERSION)) >> LUOSHU_REGS__VERSION__MAJOR_bp,
            uint32_t(LUOSHU_REGS__VERSION__MAJOR_reset));
  const uint32_t cfg = r.host.Read(offsetof(luoshu_regs_t, CONFIG));
  EXPECT_EQ((cfg & LUOSHU_REGS__CONFIG__DIM_bm) >> LUOSHU_REGS__CONFIG__DIM_bp, 16u);
  EXPECT_EQ((cfg & LUOSHU_REGS__CONFIG__CORES_bm) >> LUOSHU_REGS__CONFIG__CORES_bp, 4u);
  EXPECT_EQ((cfg & LUOSHU_REGS__CONFIG__CHANNELS_bm) >> LUOSHU_REGS__CONFIG__CHANNELS_bp, 2u);
  const uint32_t l0 = r.host.Read(offsetof(luoshu_regs_t, CONFIG_L0));
  EXPECT_EQ((l0 & LUOSHU_REGS__CONFIG_L0__L0C_KIB_bm) >> LUOSHU_REGS__CONFIG_L0__L0C_KIB_bp, 128u);
  for (int c = 0; c < 4; ++c) {
    EXPECT_EQ(r.host.Read(CoreAddr(c, offsetof(Core, RING_BASE))),
              uint32_t(LUOSHU_CORE_REGS__RING_BASE__BASE_reset));
    EXPECT_EQ(r.host.Read(CoreAddr(c, offsetof(Core, INT_MASK))), 0u);
    EXPECT_EQ(r.host.Read(WinAddr(c, 3, offsetof(Win, SIZE))), 0u);
  }
}

TEST(LuoshuRegsTest, ReadWriteRoundTripsWithByteStrobes) {
  Rig r;
  tb::Rng rng(tb::SeedFromEnv(61));
  SCOPED_TRACE(tb::SeedNote(rng));
  auto& d = r.sim.dut();
  for (int c = 0; c < 4; ++c) {
    const uint32_t base = static_cast<uint32_t>(rng.Bits64()) & ~31u;
    r.host.Write(CoreAddr(c, offsetof(Core, RING_BASE)), base);
    EXPECT_EQ(r.host.Read(CoreAddr(c, offsetof(Core, RING_BASE))), base);
    EXPECT_EQ(tb::GetBits(d.core_ring_base_o, 32 * c, 32), base) << "core " << c;
    for (int w = 0; w < 4; ++w) {
      const uint32_t wb = static_cast<uint32_t>(rng.Bits64());
      const uint32_t ws = static_cast<uint32_t>(rng.Bits64());
      r.host.Write(WinAddr(c, w, offsetof(Win, BASE)), wb);
      r.host.Write(WinAddr(c, w, offsetof(Win, SIZE)), ws);
      r.host.Write(WinAddr(c, w, offsetof(Win, FLAGS)), w & 1);
      EXPECT_EQ(tb::GetBits(d.core_win_base_o, 32 * (4 * c + w), 32), wb);
      EXPECT_EQ(tb::GetBits(d.core_win_size_o, 32 * (4 * c + w), 32), ws);
      EXPECT_EQ(tb::GetBits(d.core_win_flags_o, 4 * c + w, 1), uint64_t(w & 1));
      EXPECT_EQ(r.host.Read(WinAddr(c, w, offsetof(Win, SIZE))), ws);
    }
  }
  // Byte strobes: only lanes 1 and 3 change.
  const uint32_t a = CoreAddr(2, offsetof(Core, RING_BASE));
  r.host.Write(a, 0x11223344);
  r.host.Write(a, 0xaabbccdd, 0b1010);
  EXPECT_EQ(r.host.Read(a), 0xaa22cc44u);
}

TEST(LuoshuRegsTest, DoorbellAndControlArePulses) {
  Rig r;
  auto& d = r.sim.dut();
  int doorbells = 0, clears = 0;
  r.sim.OnSample([&] {
    doorbells += static_cast<int>(tb::GetBits(d.core_tail_swmod_o, 1, 1));
    clears += static_cast<int>(tb::GetBits(d.core_ctrl_clear_o, 3, 1));
    EXPECT_EQ(tb::GetBits(d.core_tail_swmod_o, 0, 1), 0u) << "only core 1 was rung";
  });
  r.host.Write(CoreAddr(1, offsetof(Core, TAIL)), 7);
  r.host.Write(CoreAddr(3, offsetof(Core, CTRL)), LUOSHU_CORE_REGS__CTRL__CLEAR_bm);
  r.sim.Step(5);
  EXPECT_EQ(doorbells, 1) << "one write, one doorbell pulse";
  EXPECT_EQ(clears, 1);
  EXPECT_EQ(tb::GetBits(d.core_tail_o, 32, 32), 7u);
}

TEST(LuoshuRegsTest, StatusIsReadOnlyFromTheCore) {
  Rig r;
  auto& d = r.sim.dut();
  tb::PutBits(d.core_head_i, 32 * 2, 32, 0x1234);
  tb::PutBits(d.core_status_fault_code_i, 4 * 2, 4, 5);
  tb::PutBits(d.core_status_state_i, 2 * 2, 2, 3);
  EXPECT_EQ(r.host.Read(CoreAddr(2, offsetof(Core, HEAD))), 0x1234u);
  const uint32_t st = r.host.Read(CoreAddr(2, offsetof(Core, STATUS)));
  EXPECT_EQ(
      (st & LUOSHU_CORE_REGS__STATUS__FAULT_CODE_bm) >> LUOSHU_CORE_REGS__STATUS__FAULT_CODE_bp,
      5u);
  EXPECT_EQ(st & LUOSHU_CORE_REGS__STATUS__STATE_bm, 3u);
  r.host.Write(CoreAddr(2, offsetof(Core, HEAD)), 0);  // ignored
  EXPECT_EQ(r.host.Read(CoreAddr(2, offsetof(Core, HEAD))), 0x1234u);
}

TEST(LuoshuRegsTest, InterruptStatusIsStickyMaskedAndWriteOneToClear) {
  Rig r;
  auto& d = r.sim.dut();
  const uint32_t status = CoreAddr(0, offsetof(Core, INT_STATUS));
  const uint32_t fault = LUOSHU_CORE_REGS__INT_STATUS_CTL_ERROR_F0285834_FAULT_FC194C80__FAULT_bm;
  tb::PutBits(d.core_int_status_fault_i, 0, 1, 1);  // a one-cycle event from the core
  r.sim.Step(1);
  tb::PutBits(d.core_int_status_fault_i, 0, 1, 0);
  r.sim.Step(2);
  EXPECT_EQ(r.host.Read(status) & fault, fault) << "sticky after the event";
  EXPECT_EQ(tb::GetBits(d.core_int_status_intr_o, 0, 1), 0u) << "masked";
  r.host.Write(CoreAddr(0, offsetof(Core, INT_MASK)), LUOSHU_CORE_REGS__INT_MASK__FAULT_bm);
  r.sim.Step(1);
  EXPECT_EQ(tb::GetBits(d.core_int_status_intr_o, 0, 1), 1u) << "enabled";
  EXPECT_EQ(tb::GetBits(d.core_int_status_intr_o, 1, 3), 0u) << "other cores quiet";
  r.host.Write(status, fault);  // write 1 to clear
  r.sim.Step(1);
  EXPECT_EQ(r.host.Read(status) & fault, 0u);
  EXPECT_EQ(tb::GetBits(d.core_int_status_intr_o, 0, 1), 0u);
}

}  // namespace
}  // namespace luoshu
