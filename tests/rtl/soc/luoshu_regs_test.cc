// The generated host register block (rtl/soc/luoshu_regs.sv from luoshu_regs.rdl), driven
// over AXI4-Lite with addresses and reset values taken from the generated C header
// (sw/hal/luoshu_regs.h), so the RTL and the header are checked against each other:
// identity and configuration, reset values, read/write round trips with byte strobes on every
// core's registers and windows, the doorbell and control pulses, read-only status from the
// core, interrupt status (set by hardware, write-1-to-clear, masked onto the line), the
// counter-read strobes (core and link blocks) and SLVERR on unmapped addresses. Then the
// generated table (sw/hal/luoshu_regs_table.h) drives tb/checkers/reg_check.h over every register.
#include "sw/hal/luoshu_regs.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <vector>

#include "Vluoshu_regs.h"
#include "sw/hal/luoshu_regs_table.h"
#include "tb/agents/axil_master.h"
#include "tb/bits.h"
#include "tb/checkers/reg_check.h"
#include "tb/gtest_util.h"
#include "tb/random.h"
#include "tb/sim.h"

namespace luoshu {
namespace {

using Core = luoshu_core_regs__stride100_t;
using Win = luoshu_core_regs__WIN__stride10_t;
using Link = luoshu_link_regs__stride10_t;

constexpr uint32_t CoreAddr(int c, size_t field) {
  return offsetof(luoshu_regs_t, CORE) + c * sizeof(Core) + field;
}
constexpr uint32_t WinAddr(int c, int w, size_t field) {
  return CoreAddr(c, offsetof(Core, WIN) + w * sizeof(Win) + field);
}
constexpr uint32_t LinkAddr(int l, size_t field) {
  return offsetof(luoshu_regs_t, LINK) + l * sizeof(Link) + field;
}

struct Rig {
  Rig() : sim(tb::CurrentTestName()), host(&sim) {
    auto& d = sim.dut();
    d.config_dim_i = 16;
    d.config_cores_i = 4;
    d.config_channels_i = 2;
    d.config_links_i = 4;
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
  EXPECT_EQ((cfg & LUOSHU_REGS__CONFIG__LINKS_bm) >> LUOSHU_REGS__CONFIG__LINKS_bp, 4u);
  const uint32_t l0 = r.host.Read(offsetof(luoshu_regs_t, CONFIG_L0));
  EXPECT_EQ((l0 & LUOSHU_REGS__CONFIG_L0__L0C_KIB_bm) >> LUOSHU_REGS__CONFIG_L0__L0C_KIB_bp, 128u);
  for (int c = 0; c < 4; ++c) {
    EXPECT_EQ(r.host.Read(CoreAddr(c, offsetof(Core, RING_BASE))),
              uint32_t(LUOSHU_CORE_REGS__RING_BASE__BASE_reset));
    EXPECT_EQ(r.host.Read(CoreAddr(c, offsetof(Core, INT_MASK))), 0u);
    EXPECT_EQ(r.host.Read(WinAddr(c, 3, offsetof(Win, SIZE))), 0u);
    EXPECT_EQ(r.host.Read(LinkAddr(c, offsetof(Link, CNT_SEL))),
              uint32_t(LUOSHU_LINK_REGS__CNT_SEL__SEL_reset));
  }
}

TEST(LuoshuRegsTest, ReadWriteRoundTripsWithByteStrobes) {
  Rig r;
  tb::Rng rng(tb::SeedFromEnv(61));
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
  const tb::HookHandle monitor = r.sim.OnSample([&] {
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

// INT_STATUS bits as PeakRDL-cheader names them (its type name carries hashes of the enables).
#define LUOSHU_INT_STATUS(f) \
  LUOSHU_CORE_REGS__INT_STATUS_CTL_ERROR_F0285834_FAULT_FC194C80_SYNC_B19CE661__##f##_bm

// One interrupt source: its hardware set input, its status bit and its mask bit.
struct IrqSource {
  const char* name;
  CData& (*set_i)(Vluoshu_regs&);  // Verilated ports are references
  uint32_t status_bm, mask_bm;
};
const IrqSource kIrqSources[] = {
    {"FAULT", [](Vluoshu_regs& d) -> CData& { return d.core_int_status_fault_i; },
     LUOSHU_INT_STATUS(FAULT), LUOSHU_CORE_REGS__INT_MASK__FAULT_bm},
    {"CTL_ERROR", [](Vluoshu_regs& d) -> CData& { return d.core_int_status_ctl_error_i; },
     LUOSHU_INT_STATUS(CTL_ERROR), LUOSHU_CORE_REGS__INT_MASK__CTL_ERROR_bm},
    {"SYNC", [](Vluoshu_regs& d) -> CData& { return d.core_int_status_sync_i; },
     LUOSHU_INT_STATUS(SYNC), LUOSHU_CORE_REGS__INT_MASK__SYNC_bm},
};

TEST(LuoshuRegsTest, InterruptStatusIsStickyMaskedAndWriteOneToClear) {
  for (const IrqSource& src : kIrqSources) {
    SCOPED_TRACE(src.name);
    for (int c : {0, 3}) {
      Rig r;
      auto& d = r.sim.dut();
      const uint32_t status = CoreAddr(c, offsetof(Core, INT_STATUS));
      src.set_i(d) = static_cast<CData>(1u << c);  // a one-cycle event from core c
      r.sim.Step(1);
      src.set_i(d) = 0;
      r.sim.Step(2);
      EXPECT_EQ(r.host.Read(status), src.status_bm) << "sticky after the event, alone";
      EXPECT_EQ(d.core_int_status_intr_o, 0u) << "masked";
      // The other sources' enables do not pass this one.
      r.host.Write(CoreAddr(c, offsetof(Core, INT_MASK)), 7u & ~src.mask_bm);
      r.sim.Step(1);
      EXPECT_EQ(d.core_int_status_intr_o, 0u);
      r.host.Write(CoreAddr(c, offsetof(Core, INT_MASK)), src.mask_bm);
      r.sim.Step(1);
      EXPECT_EQ(d.core_int_status_intr_o, 1u << c) << "enabled, other cores quiet";
      r.host.Write(status, 7u & ~src.status_bm);  // writing 0 to the bit keeps it
      EXPECT_EQ(r.host.Read(status), src.status_bm);
      r.host.Write(status, src.status_bm);  // write 1 to clear (the acknowledge)
      r.sim.Step(1);
      EXPECT_EQ(r.host.Read(status), 0u);
      EXPECT_EQ(d.core_int_status_intr_o, 0u);
    }
  }
}

TEST(LuoshuRegsTest, HardwareSetWinsOverAClearInTheSameCycle) {
  Rig r;
  auto& d = r.sim.dut();
  const uint32_t status = CoreAddr(1, offsetof(Core, INT_STATUS));
  d.core_int_status_sync_i = 0b0010;  // held high while the host clears: stays set
  r.host.Write(status, LUOSHU_INT_STATUS(SYNC));
  EXPECT_EQ(r.host.Read(status), uint32_t(LUOSHU_INT_STATUS(SYNC)));
  d.core_int_status_sync_i = 0;
  r.host.Write(status, LUOSHU_INT_STATUS(SYNC));
  EXPECT_EQ(r.host.Read(status), 0u);
}

// CNT_LO's access strobe is high for exactly the cycle that samples the value the read
// returns, on the read block only; the SoC latches CNT_HI on it. CNT_HI reads and CNT_LO
// writes do not strobe. The same for a core block's counter and a link block's: `value` and
// `swacc` are the blocks' CNT_LO inputs and strobes, `addr(block, field)` a register's address.
template <class Value, class Swacc, class Addr>
void ExpectCounterLowStrobes(Rig& r, Value value, Swacc swacc, Addr addr, size_t cnt_lo,
                             size_t cnt_hi, size_t cnt_sel) {
  uint32_t counter = 0x1000;
  std::vector<uint32_t> strobed;  // counter values on strobe cycles
  int strobes = 0, wrong_block = 0;
  const tb::HookHandle driver = r.sim.OnDrive([&] {
    ++counter;  // a live counter: a different value every cycle
    for (int c = 0; c < 4; ++c) tb::PutBits(value(), 32 * c, 32, counter + c);
  });
  const tb::HookHandle monitor = r.sim.OnSample([&] {
    strobes += __builtin_popcount(swacc());
    wrong_block += __builtin_popcount(swacc() & ~0b0100u);
    if (swacc() & 0b0100) strobed.push_back(counter + 2);
  });
  const uint32_t v = r.host.Read(addr(2, cnt_lo));
  r.sim.Step(3);
  ASSERT_EQ(strobes, 1) << "one read, one strobe";
  EXPECT_EQ(wrong_block, 0);
  EXPECT_EQ(v, strobed.at(0)) << "the read returns the value of the strobe cycle";
  r.host.Read(addr(2, cnt_hi));
  r.host.Write(addr(2, cnt_lo), 0);
  r.host.Read(addr(2, cnt_sel));
  r.sim.Step(3);
  EXPECT_EQ(strobes, 1) << "only CNT_LO reads strobe";
  for (int i = 0; i < 3; ++i) r.host.Read(addr(2, cnt_lo));
  r.sim.Step(3);
  EXPECT_EQ(strobes, 4) << "every read strobes once";
}

TEST(LuoshuRegsTest, CounterLowReadStrobesSwaccOnTheSamplingCycle) {
  Rig r;
  auto& d = r.sim.dut();
  ExpectCounterLowStrobes(
      r, [&]() -> auto& { return d.core_cnt_lo_i; }, [&] { return d.core_cnt_lo_swacc_o; },
      CoreAddr, offsetof(Core, CNT_LO), offsetof(Core, CNT_HI), offsetof(Core, CNT_SEL));
}

TEST(LuoshuRegsTest, LinkCounterLowReadStrobesSwaccOnTheSamplingCycle) {
  Rig r;
  auto& d = r.sim.dut();
  ExpectCounterLowStrobes(
      r, [&]() -> auto& { return d.link_cnt_lo_i; }, [&] { return d.link_cnt_lo_swacc_o; },
      LinkAddr, offsetof(Link, CNT_LO), offsetof(Link, CNT_HI), offsetof(Link, CNT_SEL));
}

TEST(LuoshuRegsTest, UnmappedAddressesAnswerSlverr) {
  Rig r;
  unsigned resp = 0;
  EXPECT_EQ(r.host.Read(0x010, &resp), 0u);
  EXPECT_EQ(resp, 2u) << "hole after the global registers";
  EXPECT_EQ(r.host.Read(CoreAddr(1, 0x34), &resp), 0u);
  EXPECT_EQ(resp, 2u) << "hole in a core block";
  EXPECT_EQ(r.host.Read(LinkAddr(1, 0xc), &resp), 0u);
  EXPECT_EQ(resp, 2u) << "hole in a link block";
  EXPECT_EQ(r.host.Write(0x7fc, ~0u), 2u) << "beyond the last link block";
  EXPECT_EQ(r.host.Write(offsetof(luoshu_regs_t, ID) + 2, 0), 2u) << "unaligned";
  EXPECT_EQ(r.host.Read(offsetof(luoshu_regs_t, ID), &resp), uint32_t(LUOSHU_REGS__ID__ID_reset));
  EXPECT_EQ(resp, 0u) << "a mapped read after errors is OKAY again";
  EXPECT_EQ(r.host.Write(CoreAddr(0, offsetof(Core, CTRL)), 0), 0u) << "CTRL reads 0 but exists";
  EXPECT_EQ(r.host.Write(offsetof(luoshu_regs_t, ID), 0), 0u) << "read-only, mapped: OKAY";
}

// Every register from the generated table: reset values, access types under all-ones,
// all-zeros, random and strobed writes, w1c bits set through the core's status inputs,
// values restored, SLVERR on every unmapped word.
TEST(LuoshuRegsTest, TableDrivenAccessChecksOnEveryRegister) {
  Rig r;
  auto& d = r.sim.dut();
  tb::Rng rng(tb::SeedFromEnv(62));
  // Hardware-driven fields hold random values (the checker expects writes not to move them).
  for (int c = 0; c < 4; ++c) {
    tb::PutBits(d.core_head_i, 32 * c, 32, rng.Bits64());
    tb::PutBits(d.core_fault_index_i, 32 * c, 32, rng.Bits64());
    tb::PutBits(d.core_cnt_lo_i, 32 * c, 32, rng.Bits64());
    tb::PutBits(d.core_cnt_hi_i, 16 * c, 16, rng.Bits64());
    tb::PutBits(d.core_status_state_i, 2 * c, 2, rng.Bits64());
    tb::PutBits(d.core_status_fault_code_i, 4 * c, 4, rng.Bits64());
    tb::PutBits(d.link_cnt_lo_i, 32 * c, 32, rng.Bits64());
    tb::PutBits(d.link_cnt_hi_i, 16 * c, 16, rng.Bits64());
  }
  tb::RegCheckHooks hooks;
  hooks.seed = rng.Bits64();
  int w1c_sets = 0;
  // The w1c bits are the cores' interrupt status: a one-cycle pulse on the set inputs.
  hooks.set_w1c = [&](const regs::RegisterInfo& reg, uint32_t bits) {
    const uint32_t core = reg.offset / sizeof(Core) - 1;
    if (reg.offset % sizeof(Core) != offsetof(Core, INT_STATUS) || core >= 4) return false;
    for (const IrqSource& src : kIrqSources) {
      src.set_i(d) = (bits & src.status_bm) ? static_cast<CData>(1u << core) : 0;
    }
    r.sim.Step(1);
    for (const IrqSource& src : kIrqSources) src.set_i(d) = 0;
    ++w1c_sets;
    return true;
  };
  const auto errors = tb::CheckRegisterAccess(
      [&](uint32_t a, uint32_t* data) {
        unsigned resp = 0;
        *data = r.host.Read(a, &resp);
        return resp;
      },
      [&](uint32_t a, uint32_t data, unsigned strb) { return r.host.Write(a, data, strb); },
      regs::kRegisters, hooks);
  for (const std::string& e : errors) ADD_FAILURE() << e;
  EXPECT_GE(w1c_sets, 4) << "the w1c checks ran on every core's INT_STATUS";
  EXPECT_EQ(regs::kNumRegisters, 4u + 4 * (12 + 4 * 3) + 4 * 3) << "the table holds every register";
}

}  // namespace
}  // namespace luoshu
