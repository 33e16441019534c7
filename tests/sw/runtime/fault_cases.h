// A device fault on one core while the others work, for the runtime tests on any backend
// (tests/sw/runtime on the model, tests/system on the RTL). Header-only; tests only.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "sw/hal/reg_map.h"
#include "sw/isa/luoshu_isa.h"
#include "sw/model/gemm.h"
#include "sw/ops/gemm.h"
#include "sw/runtime/device.h"
#include "sw/runtime/errors.h"
#include "tb/gtest_util.h"
#include "tb/random.h"
#include "tb/workloads/matrices.h"

namespace luoshu::fault_test {

// Every core idle with its ring drained as the driver reads it, and nothing pending.
inline ::testing::AssertionResult AllCoresIdle(Device& dev) {
  for (int c = 0; c < dev.cores(); ++c) {
    const driver::CoreStatus st = dev.driver().Status(c);
    if (st.state != hal::CoreState::kIdle || st.head != st.tail) {
      return ::testing::AssertionFailure() << st.ToString();
    }
    if (dev.stream(c).pending() != 0) {
      return ::testing::AssertionFailure()
             << "core " << c << " has " << dev.stream(c).pending() << " command(s) pending";
    }
  }
  return ::testing::AssertionSuccess();
}

// A GEMM C = A x B (int32) with its operands on the device.
struct GemmJob {
  Matrix<int8_t> a, b;
  Buffer da, db, dc;
  GemmJob(Device& dev, tb::Rng* rng, int m, int n, int k)
      : a(tb::RandomInt8Matrix(rng, m, k)), b(tb::RandomInt8Matrix(rng, k, n)) {
    da = dev.Upload(a);
    db = dev.Upload(b);
    dc = dev.Alloc({m, n}, DType::kInt32);
  }
  // On cores 0 .. cores-1 (0 = all), row bands.
  ops::GemmLaunch Enqueue(Device& dev, int cores) {
    ops::GemmOptions o;
    o.cores = cores;
    o.split = ops::Split::kRows;
    o.label = "gemm job";
    return ops::Gemm(dev, da, db, &dc, {}, o);
  }
  Matrix<int32_t> Want() const { return model::LinearInt32(a, b, {}, false); }
};

// Device memory no window covers (the runtime allocates from the bottom).
inline uint32_t OutsideAddress(const Device& dev) {
  return static_cast<uint32_t>(dev.bus().mem_base() + dev.memory_bytes() - 0x100000);
}

inline isa::Descriptor LoadFrom(uint32_t addr) {
  isa::LoadDesc d;
  d.dst_buffer = 0;
  d.src_addr = addr;
  d.src_stride = 16;
  d.rows = d.valid_rows = 16;
  d.row_bytes = d.valid_cols = 16;
  return d.Pack();
}

inline std::string Hex(uint64_t v) {
  char s[24];
  std::snprintf(s, sizeof s, "0x%llx", static_cast<unsigned long long>(v));
  return s;
}

// `bad_core` (the last core, or any above 0) LOADs outside its windows while cores
// 0 .. bad_core-1 multiply: Synchronize raises one DeviceFault that names the core, the
// command with its operands, ACCESS, the range read and the windows; the GEMM is right; no
// core is left busy; afterwards every core, the faulted one included, runs a GEMM right.
inline void CheckAccessFaultIsContained(Device& dev, tb::Rng* rng, int bad_core) {
  using ::testing::AllOf;
  using ::testing::HasSubstr;
  ASSERT_GT(bad_core, 0);
  ASSERT_LT(bad_core, dev.cores());
  GemmJob x(dev, rng, 96, 80, 72);
  x.Enqueue(dev, /*cores=*/bad_core);
  const uint32_t outside = OutsideAddress(dev);
  dev.stream(bad_core).Enqueue({LoadFrom(outside)}, {}, "bad load");
  DeviceFault fault("", -1, 0, isa::Fault::kNone);
  try {
    dev.Synchronize();
    FAIL() << "no DeviceFault";
  } catch (const DeviceFault& e) {
    fault = e;
  }
  const std::string core = "core " + std::to_string(bad_core);
  EXPECT_EQ(fault.core(), bad_core);
  EXPECT_EQ(fault.fault(), isa::Fault::kAccess);
  EXPECT_THAT(std::string(fault.what()),
              AllOf(HasSubstr(core + " faulted with ACCESS"), HasSubstr("command 0 of bad load"),
                    HasSubstr("(LOAD wait_mask=0 signal_mask=0 dst_buffer=0 src_addr=" +
                              Hex(outside) + " src_stride=16"),
                    HasSubstr("reads [" + Hex(outside) + ", " + Hex(outside + 16) + ")"),
                    HasSubstr("outside the windows granted to " + core + " ([0x"),
                    HasSubstr("the device is usable")));
  EXPECT_TRUE(x.dc.Download<int32_t>() == x.Want())
      << "cores 0.." << bad_core - 1 << " finished their work";
  EXPECT_TRUE(AllCoresIdle(dev));
  EXPECT_NO_THROW(dev.Synchronize()) << "the fault is reported once";
  GemmJob y(dev, rng, 80, 48, 40);
  const ops::GemmLaunch l = y.Enqueue(dev, 0);
  ASSERT_EQ(static_cast<int>(l.parts.size()), dev.cores());
  dev.Synchronize();
  EXPECT_TRUE(y.dc.Download<int32_t>() == y.Want()) << "every core, " << core << " included";
  EXPECT_TRUE(AllCoresIdle(dev));
  for (int c = 0; c < dev.cores(); ++c) {
    EXPECT_EQ(dev.driver().InterruptStatus(c) & hal::reg::kIntFault, 0u) << "core " << c;
  }
}

inline isa::Descriptor MatmulWaitingForLd2Ex() {
  isa::MatmulDesc mm;
  mm.wait_mask = isa::kLd2Ex;  // no LOAD gives it
  mm.m = mm.n = mm.k = 16;
  return mm.Pack();
}

// `stuck_core` (above 0) gets a MATMUL that waits for a token no command gives while cores
// 0 .. stuck_core-1 multiply. Synchronize's SYNC behind it cannot dispatch: the core faults
// with DEADLOCK long before the no-progress limit, and the message names the MATMUL and what
// it waits for; the GEMM is right and the device usable.
inline void CheckTokenDeadlockIsReported(Device& dev, tb::Rng* rng, int stuck_core) {
  using ::testing::AllOf;
  using ::testing::HasSubstr;
  ASSERT_GT(stuck_core, 0);
  GemmJob x(dev, rng, 64, 64, 64);
  x.Enqueue(dev, /*cores=*/stuck_core);
  dev.stream(stuck_core).Enqueue({MatmulWaitingForLd2Ex()}, {}, "stuck");
  const uint64_t t0 = dev.Now();
  DeviceFault fault("", -1, 0, isa::Fault::kNone);
  try {
    dev.Synchronize();
    FAIL() << "no DeviceFault";
  } catch (const DeviceFault& e) {
    fault = e;
  }
  const std::string core = "core " + std::to_string(stuck_core);
  EXPECT_EQ(fault.core(), stuck_core);
  EXPECT_EQ(fault.fault(), isa::Fault::kDeadlock);
  EXPECT_THAT(std::string(fault.what()),
              AllOf(HasSubstr(core + " faulted with DEADLOCK"), HasSubstr("command 0 of stuck"),
                    HasSubstr("MATMUL wait_mask=1 ")));
  EXPECT_LT(dev.Now() - t0, dev.hang_cycles() / 10) << "found without the no-progress limit";
  EXPECT_TRUE(x.dc.Download<int32_t>() == x.Want());
  EXPECT_TRUE(AllCoresIdle(dev));
  x.Enqueue(dev, 0);
  dev.Synchronize();
  EXPECT_TRUE(x.dc.Download<int32_t>() == x.Want()) << "usable afterwards";
}

// The same MATMUL with nothing behind it leaves `stuck_core` blocked (the host could still
// give the token); a wait on core 0 finds it and gives up at once with a DeviceHang.
inline void CheckBlockedCoreIsAHang(Device& dev, int stuck_core) {
  using ::testing::AllOf;
  using ::testing::HasSubstr;
  ASSERT_GT(stuck_core, 0);
  dev.stream(stuck_core).Enqueue({MatmulWaitingForLd2Ex()}, {}, "stuck");
  const uint64_t t0 = dev.Now();
  // Let the core fetch it first (the RTL takes cycles; the model none).
  for (int i = 0; i < 100 && dev.driver().Status(stuck_core).head == 0; ++i) dev.bus().WaitIrq(64);
  EXPECT_THAT(tb::ErrorOf<DeviceHang>([&] { dev.stream(0).Synchronize(); }),
              AllOf(HasSubstr("core " + std::to_string(stuck_core) + " is blocked"),
                    HasSubstr("dependency tokens"), HasSubstr("cleared")));
  EXPECT_LT(dev.Now() - t0, dev.hang_cycles() / 10);
  dev.Synchronize();
  EXPECT_TRUE(AllCoresIdle(dev));
}

}  // namespace luoshu::fault_test
