// Port helpers shared by every test of a core unit (rtl/core, rtl/mte) and by CoreHarness:
// the granted-window ports and the unit command stream have the same names everywhere
// (docs/core.md), so one piece of code drives them for any Verilated top.
#pragma once

#include <memory>
#include <vector>

#include "sw/isa/luoshu_isa.h"
#include "sw/model/core_model.h"
#include "tb/bits.h"
#include "tb/errors.h"
#include "tb/sim.h"
#include "tb/stream.h"

namespace luoshu::tb {

inline constexpr size_t kCoreWindows = 4;  // NumWindows of every core unit we build

// Drives win_base_i / win_size_i / win_writable_i; unused windows get size 0.
template <class Top>
void DriveWindows(Top* d, const std::vector<model::MemoryWindow>& windows) {
  if (windows.size() > kCoreWindows) {
    throw ConfigError("DriveWindows: the core has 4 windows, got " +
                      std::to_string(windows.size()));
  }
  for (size_t w = 0; w < kCoreWindows; ++w) {
    const bool on = w < windows.size();
    PutBits(d->win_base_i, 32 * w, 32, on ? windows[w].base : 0);
    PutBits(d->win_size_i, 33 * w, 33, on ? windows[w].size : 0);
    PutBits(d->win_writable_i, w, 1, on && windows[w].writable);
  }
}

// A descriptor source on a unit's command port (cmd_valid_i, cmd_ready_o, cmd_desc_i).
template <class Top>
std::unique_ptr<StreamSource<isa::Descriptor>> MakeCommandSource(Simulation<Top>* sim,
                                                                 StallInjector stall) {
  Top* d = &sim->dut();
  return std::make_unique<StreamSource<isa::Descriptor>>(
      sim,
      typename StreamSource<isa::Descriptor>::Ports{[d](bool v) { d->cmd_valid_i = v; },
                                                    [d](const isa::Descriptor& desc) {
                                                      PutBytes(d->cmd_desc_i, desc.data(),
                                                               isa::kDescriptorBytes);
                                                    },
                                                    [d] { return d->cmd_ready_o != 0; }},
      stall);
}

}  // namespace luoshu::tb
