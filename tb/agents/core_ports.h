// Port helpers shared by every test of a core unit (rtl/core, rtl/mte) and by CoreHarness:
// the granted-window ports and the unit command stream have the same names everywhere
// (docs/core.md), so one piece of code drives them for any Verilated top.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sw/isa/luoshu_isa.h"
#include "sw/model/core_model.h"
#include "tb/agents/stream.h"
#include "tb/bits.h"
#include "tb/errors.h"
#include "tb/sim.h"

namespace luoshu::tb {

inline constexpr size_t kCoreWindows = 4;  // NumWindows of every core unit we build

// Drives win_base_i / win_size_i / win_writable_i; unused windows get size 0.
template <class Top>
void DriveWindows(Top* d, const std::vector<hal::Window>& windows) {
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

// Checks the unit command protocol every cycle (docs/core.md): cmd_ready_o exactly when idle
// (a unit that holds up to max_in_flight commands: high whenever idle, never with that many
// held, busy_o exactly while it holds one), done_o a one-cycle pulse while busy for a held
// command; records the last accept and done cycles and the fault.
struct CommandMonitor {
  int max_in_flight = 1;
  uint64_t accept_cycle = 0, done_cycle = 0, dones = 0, accepts = 0;
  isa::Fault last_fault = isa::Fault::kNone;
  bool done_prev = false;

  // `fail(why)` records a protocol violation.
  template <class Top, class Fail>
  void Sample(const Top& d, uint64_t cycle, Fail&& fail) {
    const uint64_t held = accepts - dones;  // before this cycle's accept and done
    if (max_in_flight == 1) {
      if (bool(d.cmd_ready_o) == bool(d.busy_o)) fail("cmd_ready_o must be high exactly when idle");
    } else {
      if (!d.busy_o && !d.cmd_ready_o) fail("cmd_ready_o must be high while idle");
      if (d.cmd_ready_o && held >= uint64_t(max_in_flight)) {
        fail("cmd_ready_o high while holding " + std::to_string(held) + " commands");
      }
      if (bool(d.busy_o) != (held > 0)) fail("busy_o must be high exactly while a command is held");
    }
    if (d.cmd_valid_i && d.cmd_ready_o) {
      accept_cycle = cycle;
      ++accepts;
    }
    if (d.done_o) {
      if (done_prev) fail("done_o high for more than one cycle");
      if (!d.busy_o) fail("done_o while not busy");
      if (held == 0) fail("done_o with no command held");
      ++dones;
      last_fault = static_cast<isa::Fault>(d.done_fault_o);
      done_cycle = cycle;
    }
    done_prev = d.done_o;
  }
};

}  // namespace luoshu::tb
