// Backends by name: the model backend (SocModel, sw/model), the RTL backend (the Verilated
// SoC, tb/soc) and the board backend (sw/hal/board_backend.h) each register a factory here; the
// runtime and the tools open one by name and see only the HostBus it returns. Registration is
// explicit (RegisterModelBackend(), RegisterRtlBackend(), RegisterBoardBackend()), done once by the
// program that links the backend.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sw/hal/host_bus.h"
#include "sw/hal/types.h"

namespace luoshu::hal {

struct BackendOptions {
  std::string soc = "default";  // a SocConfigs() name
  uint64_t mem_bytes = 0;       // device memory; 0 = the configuration's mem_size
  uint64_t seed = 1;            // the backend's own randomness (memory stalls, orderings)
  // The simulated platform (RTL backend; the model backend has no memory timing and refuses
  // non-default values rather than ignoring them).
  int mem_latency = 100;            // AXI memory latency, cycles
  double mem_stall = 0;             // probability of a stall on each memory handshake, [0, 1)
  uint64_t mem_error_cycle = 0;     // every memory access fails from this cycle on (0: never)
  bool trace = false;               // write an FST wave
  std::string trace_window;         // "START:STOP" cycles, either side may be empty
  std::string wave_dir;             // "" = $LUOSHU_WAVE_DIR or build/waves
  std::string run_name = "luoshu";  // names the wave file
  std::vector<std::string> simulator_args;  // "+verilator+seed+7" ...
  // The board backend: the board's serial device (or the simulator's pty), how long to wait
  // for a reply before sending a frame again, how often to resend, the baud rate.
  std::string device;
  int link_timeout_ms = 1000;
  int link_retries = 5;
  int baud = 3000000;
};

using BackendFactory = std::function<std::unique_ptr<HostBus>(const BackendOptions&)>;

struct BackendInfo {
  std::string name;     // "model", "rtl"
  std::string summary;  // one line for --help and `luoshu info`
};

// Registers (or replaces) the backend `name`.
void RegisterBackend(const std::string& name, const std::string& summary, BackendFactory factory);
// The registered backends, in registration order.
std::vector<BackendInfo> Backends();
// Opens backend `name` with `options`. ConfigError names the registered backends when `name`
// is unknown; the factory's own errors (an unknown SoC, bad options) pass through.
std::unique_ptr<HostBus> OpenBackend(const std::string& name, const BackendOptions& options);

// The backends that come with Luoshu, each defined in its own library (link it to call this):
// "model", the functional model (luoshu_model_backend, sw/model/soc_model.cc), "rtl", the
// Verilated SoC (luoshu_soc_tb, tb/soc/soc.cc), and "board", a board or the board simulator
// over a serial link (luoshu_board_backend, sw/hal/board_backend.cc). Idempotent.
void RegisterModelBackend();
void RegisterRtlBackend();
void RegisterBoardBackend();

}  // namespace luoshu::hal
