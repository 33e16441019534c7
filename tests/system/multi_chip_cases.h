// The fixture of the supernode system tests (multi_chip_test.cc, and the longer runs in
// multi_chip_long_test.cc): jobs (one GEMM per core whose operands and result live on chosen
// chips), the windows they get, and a run on the RTL (tb/soc/multi_chip.h) and on the model
// that compares every chip's memory. See docs/supernode.md.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "Vsoc_chip.h"
#include "Vsoc_chip_params.h"
#include "sw/driver/driver.h"
#include "sw/isa/builder.h"
#include "sw/model/core_model.h"
#include "tb/c2c_topology.h"
#include "tb/gtest_util.h"
#include "tb/random.h"
#include "tb/soc/multi_chip.h"

namespace luoshu::multi_chip_test {

using Chip = Vsoc_chip;
using P = VerilatedParams<Chip>;
using tb::ChipBase;
using tb::c2c::Topology;

constexpr uint64_t kMemSize = 64 << 10;  // per chip
// Per chip: the SYNC word, operands A and B, one result slot per writing chip, the ring.
constexpr uint32_t kRing = 0xC000, kRingSlots = 512, kSync = 0x0800, kA = 0x1000, kB = 0x2000;
inline uint32_t ResultSlot(int writer) { return 0x4000 + 0x1000 * writer; }

// One core's GEMM: C (on chip c_chip) = A (a_chip) x B (b_chip), int32 out.
struct Job {
  int chip;
  int a_chip, b_chip, c_chip;
  int m = 8, n = 8, k = 16;
};

inline model::CoreConfig ModelConfig() {
  model::CoreConfig c;
  c.dim = P::Dim;
  c.l0a_bytes = P::L0aBytes;
  c.l0b_bytes = P::L0bBytes;
  c.l0c_bytes = P::L0cBytes;
  c.queue_depth = P::QueueDepth;
  return c;
}

inline std::vector<isa::Descriptor> Program(const Job& j) {
  isa::GemmProgram g;
  g.m = j.m, g.n = j.n, g.k = j.k;
  g.a_addr = static_cast<uint32_t>(ChipBase(j.a_chip) + kA);
  g.b_addr = static_cast<uint32_t>(ChipBase(j.b_chip) + kB);
  g.c_addr = static_cast<uint32_t>(ChipBase(j.c_chip) + ResultSlot(j.chip));
  g.dim = P::Dim;
  g.l0a_bytes = P::L0aBytes, g.l0b_bytes = P::L0bBytes, g.l0c_bytes = P::L0cBytes;
  g.sync_addr = static_cast<uint32_t>(ChipBase(j.chip) + kSync);
  g.sync_value = 0x5a00 + j.chip;
  g.irq = true;
  return isa::BuildGemmProgram(g);
}

// The windows a job's core gets: its own chip (ring, SYNC), A and B to read, C to write.
inline std::vector<hal::Window> Windows(const Job& j) {
  return {{ChipBase(j.chip), kMemSize, true},
          {ChipBase(j.a_chip) + kA, 0x1000, false},
          {ChipBase(j.b_chip) + kB, 0x1000, false},
          {ChipBase(j.c_chip) + ResultSlot(j.chip), 0x1000, true}};
}

class MultiChipTest : public ::testing::Test {
 protected:
  // Runs `jobs` on the chips of `topo` (RTL, faults at `fault_rate` per frame on every link)
  // and on the model, and compares every chip's memory. Returns the chips' final statuses.
  std::vector<driver::CoreStatus> Run(const Topology& topo, const std::vector<Job>& jobs,
                                      double fault_rate, uint64_t seed,
                                      const std::vector<std::vector<hal::Window>>& windows = {}) {
    tb::MultiChipOptions o;
    o.topology = topo;
    o.latency = 16;
    o.mem_size = kMemSize;
    o.memory.latency = 30;
    o.memory.ar_stall = o.memory.aw_stall = o.memory.w_stall = 0.1;  // backpressure too
    o.memory.r_stall = o.memory.b_stall = 0.1;
    o.seed = seed;
    o.name = tb::CurrentTestName();
    o.faults.corrupt.fill(fault_rate);
    o.faults.drop.fill(fault_rate);
    tb::MultiChip<Chip> mc(o);

    // The model's image of all chips' memories; the same random operands in both.
    model::DeviceMemory global(ChipBase(0), kMemSize);
    for (int c = 1; c < topo.chips(); ++c) global.AddRegion(ChipBase(c), kMemSize);
    tb::Rng rng(seed);
    for (int c = 0; c < topo.chips(); ++c) {
      std::vector<uint8_t> bytes(0x2000);
      for (auto& b : bytes) b = static_cast<uint8_t>(rng.Bits64());
      mc.memory(c).Write(ChipBase(c) + kA, bytes.data(), bytes.size());
      global.Write(ChipBase(c) + kA, bytes.data(), bytes.size());
    }

    std::vector<std::unique_ptr<driver::Driver>> drivers;
    std::vector<std::unique_ptr<model::CoreModel>> models;
    for (size_t i = 0; i < jobs.size(); ++i) {
      const Job& j = jobs[i];
      const auto win = windows.empty() ? Windows(j) : windows[i];
      const auto program = Program(j);
      drivers.push_back(std::make_unique<driver::Driver>(&mc.bus(j.chip)));
      driver::Driver& d = *drivers.back();
      d.SetWindows(0, win);
      d.SetRing(0, static_cast<uint32_t>(ChipBase(j.chip) + kRing), kRingSlots);
      d.SetInterruptMask(0, driver::kIntFault | driver::kIntSync);
      d.Submit(0, program);

      model::CoreConfig cfg = ModelConfig();
      cfg.windows = win;
      models.push_back(std::make_unique<model::CoreModel>(cfg, &global));
      models.back()->SetRing(static_cast<uint32_t>(ChipBase(j.chip) + kRing), kRingSlots);
      models.back()->Submit(program);
    }
    for (auto& m : models) m->Run();

    std::vector<driver::CoreStatus> status;
    uint64_t done_at = 0;  // lane cycle (of chip 0) by which every core had finished
    for (size_t i = 0; i < jobs.size(); ++i) {
      status.push_back(drivers[i]->Wait(0, 2000000));
      done_at = std::max(done_at, mc.lane_cycles(0));
      const model::CoreModel& m = *models[i];
      EXPECT_EQ(static_cast<int>(status.back().fault), static_cast<int>(m.fault().code))
          << "chip " << jobs[i].chip << ": " << status.back().ToString()
          << "; model: " << m.fault().message;
      EXPECT_EQ(status.back().state, m.state()) << "chip " << jobs[i].chip;
    }
    // Let every write land (a core is idle once its SYNC is written; other chips' stores may
    // still be on the links for a faulted core's drain), then compare.
    mc.Step(3000);
    for (int c = 0; c < topo.chips(); ++c) {
      std::vector<uint8_t> rtl(kMemSize), want(kMemSize);
      mc.memory(c).Read(ChipBase(c), rtl.data(), kMemSize);
      global.Read(ChipBase(c), want.data(), kMemSize);
      size_t diff = 0;
      while (diff < kMemSize && rtl[diff] == want[diff]) ++diff;
      EXPECT_EQ(diff, kMemSize) << "chip " << c << ": memory differs from the model at offset 0x"
                                << std::hex << diff;
    }
    uint64_t faults = 0, frames = 0;
    for (int c = 0; c < topo.chips(); ++c) {
      for (int p = 0; p < topo.Links(); ++p) {
        faults += mc.wire(c, p).stats().Faults();
        for (uint64_t f : mc.wire(c, p).stats().frames) frames += f;
      }
    }
    std::printf(
        "[          ] %s: cores done by lane cycle %llu, %llu frames, %llu faults injected\n",
        topo.Name().c_str(), static_cast<unsigned long long>(done_at),
        static_cast<unsigned long long>(frames), static_cast<unsigned long long>(faults));
    if (fault_rate > 0) {
      EXPECT_GT(faults, 0u) << "no fault was injected: raise the rate";
    }
    if (after_run) after_run(mc);
    return status;
  }

  // Called at the end of Run with the chips, still running (to read their link counters).
  std::function<void(tb::MultiChip<Chip>&)> after_run;
};

}  // namespace luoshu::multi_chip_test
