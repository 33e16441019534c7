#include "sw/cli/commands.h"

#include <unistd.h>

#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <random>
#include <sstream>

#include "sw/cli/progress.h"
#include "sw/common/npy.h"
#include "sw/common/shell.h"
#include "sw/hal/replay.h"
#include "sw/model/gemm.h"
#include "sw/ops/gemm.h"
#include "sw/ops/mlp.h"
#include "sw/runtime/device.h"
#include "sw/runtime/timeline.h"

namespace po = boost::program_options;

#ifndef LUOSHU_VERSION
#define LUOSHU_VERSION "unknown"
#endif
#ifndef LUOSHU_DEFAULT_CHECKPOINT_DIR
#define LUOSHU_DEFAULT_CHECKPOINT_DIR "checkpoints"
#endif

namespace luoshu::cli {
namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

// Checkpoints: the interval when only --checkpoint-dir is given, and how many are kept.
constexpr int64_t kDefaultCheckpointEvery = 100000;
constexpr int kCheckpointsKept = 3;
// A replayed failure's window ends this many cycles after the cycle the host saw it at.
constexpr uint64_t kReplayMargin = 100;

// `luoshu replay`: the checkpoint and what the replayed run does differently (its wave, its
// outputs). Set while the recorded command runs again.
struct ReplayRequest {
  hal::Checkpoint checkpoint;
  uint64_t from = 0;  // the wave's first cycle (the checkpoint's by default)
  uint64_t until = UINT64_MAX;
  std::string trace, out, timeline;
};
ReplayRequest* g_replay = nullptr;
// The recording (or replay) of this invocation, for the report and the failure hint.
std::shared_ptr<hal::ReplayStatus> g_status;
bool g_recording = false;
std::string g_checkpoint_stem;  // <dir>/<run name>: the hint's wave goes next to it

// ---------------------------------------------------------------------------------------
// Options every device command shares (named the same in every subcommand).

struct DeviceFlags {
  std::string backend = "rtl";
  std::string soc = "default";
  int64_t mem_mib = 16;
  int64_t seed = 1;
  int64_t latency = 100;
  double mem_stall = 0;
  bool trace = false;
  std::string trace_window;
  int64_t hang_cycles = 2000000;
  int64_t mem_error = 0;
  int64_t checkpoint_every = 0;
  std::string checkpoint_dir;
  std::vector<std::string> simulator_args;
  std::string device;
  int64_t baud = 3000000;
  int64_t link_timeout_ms = 1000;
  int64_t link_retries = 5;
};

bool IsBoard(const DeviceFlags& f) { return f.backend == "board"; }

void AddDeviceOptions(po::options_description* d, DeviceFlags* f, bool with_sim) {
  d->add_options()("backend", po::value(&f->backend)->default_value(f->backend),
                   "model (bit-exact functional model, fast), rtl (the Verilated SoC) or board "
                   "(a board or the board simulator over a serial link, with --device)")(
      "soc", po::value(&f->soc)->default_value(f->soc),
      "SoC configuration: small or default (model, rtl; a board reports its own)")(
      "mem-mib", po::value(&f->mem_mib)->default_value(f->mem_mib),
      "device memory in MiB (1..4095; model, rtl)")(
      "device", po::value(&f->device),
      "board: the serial device (/dev/ttyUSB0) or the board simulator's link path")(
      "baud", po::value(&f->baud)->default_value(f->baud),
      "board: serial rate, as the board's bridge is built for (a pty ignores it)")(
      "link-timeout-ms", po::value(&f->link_timeout_ms)->default_value(f->link_timeout_ms),
      "board: wait this long for a reply before sending a frame again (1..600000)")(
      "link-retries", po::value(&f->link_retries)->default_value(f->link_retries),
      "board: resends of one frame before giving up (0..1000)");
  if (!with_sim) return;
  d->add_options()("seed", po::value(&f->seed)->default_value(f->seed),
                   "seed for random data and memory stalls (>= 0)")(
      "latency", po::value(&f->latency)->default_value(f->latency),
      "rtl: AXI memory latency in cycles (1..100000)")(
      "mem-stall", po::value(&f->mem_stall)->default_value(f->mem_stall),
      "rtl: probability of a stall on each memory handshake, [0, 1)")(
      "trace", po::bool_switch(&f->trace),
      "rtl: write an FST wave to build/waves/ (or $LUOSHU_WAVE_DIR)")(
      "trace-window", po::value(&f->trace_window), "rtl: with --trace, only cycles START:STOP")(
      "hang-cycles", po::value(&f->hang_cycles)->default_value(f->hang_cycles),
      "give up when the device makes no progress for this many cycles")(
      "checkpoint-every", po::value(&f->checkpoint_every),
      ("rtl: save the whole simulation every N cycles (default " +
       std::to_string(kDefaultCheckpointEvery) + " with --checkpoint-dir); a failed run prints " +
       "the 'luoshu replay' command that re-runs its last window with a wave")
          .c_str())("checkpoint-dir", po::value(&f->checkpoint_dir),
                    (std::string("rtl: folder for the checkpoints (default "
                                 "$LUOSHU_CHECKPOINT_DIR or build/checkpoints); the newest ") +
                     std::to_string(kCheckpointsKept) + " of a run are kept")
                        .c_str())(
      "mem-error", po::value(&f->mem_error),
      "rtl, diagnostics: every device memory access fails (SLVERR) from cycle N on");
}

// Parses `args` against `desc`; '+...' arguments go to the simulator, anything else unknown
// is refused. Returns false after printing --help.
bool Parse(const Args& args, const po::options_description& desc, const std::string& cmd,
           const std::string& usage, po::variables_map* vm, DeviceFlags* flags) {
  po::options_description all = desc;
  all.add_options()("help,h", "show this help");
  const auto parsed = po::command_line_parser(args).options(all).allow_unregistered().run();
  for (const auto& extra : po::collect_unrecognized(parsed.options, po::include_positional)) {
    if (extra.rfind("+", 0) != 0 || !flags) {
      throw UsageError(
          "unknown option '" + extra + "' (see luoshu " + cmd + " --help" +
          (flags ? "; simulator arguments start with '+', e.g. +verilator+seed+7)" : ")"));
    }
    flags->simulator_args.push_back(extra);
  }
  po::store(parsed, *vm);
  po::notify(*vm);
  if (vm->count("help")) {
    std::cout << "usage: luoshu " << cmd << " " << usage << "\n" << all;
    return false;
  }
  return true;
}

}  // namespace

void CheckRange(const char* name, int64_t v, int64_t lo, int64_t hi, const std::string& why) {
  if (v < lo || v > hi) {
    throw UsageError(std::string("--") + name + "=" + std::to_string(v) + " is out of range: use " +
                     std::to_string(lo) + ".." + std::to_string(hi) + why);
  }
}

namespace {

hal::BackendOptions BackendOptionsOf(const DeviceFlags& f, const po::variables_map& vm,
                                     const std::string& run_name) {
  CheckRange("mem-mib", f.mem_mib, 1, 4095, " (device addresses are 32-bit)");
  if (vm.count("seed")) CheckRange("seed", f.seed, 0, INT64_MAX);
  if (vm.count("latency")) CheckRange("latency", f.latency, 1, 100000);
  if (vm.count("hang-cycles")) CheckRange("hang-cycles", f.hang_cycles, 1, INT64_MAX);
  if (vm.count("mem-error")) CheckRange("mem-error", f.mem_error, 1, INT64_MAX);
  if (vm.count("checkpoint-every")) {
    CheckRange("checkpoint-every", f.checkpoint_every, 1, INT64_MAX, " cycles");
  }
  if (vm.count("mem-stall") && !(f.mem_stall >= 0 && f.mem_stall < 1)) {
    std::ostringstream v;
    v << f.mem_stall;
    throw UsageError("--mem-stall=" + v.str() +
                     " must be a probability in [0, 1) (1 would stall forever)");
  }
  if (!f.trace_window.empty() && !f.trace) {
    throw UsageError("--trace-window needs --trace (it limits the wave that --trace writes)");
  }
  auto given = [&](const char* opt) { return vm.count(opt) && !vm[opt].defaulted(); };
  if (IsBoard(f)) {
    if (f.device.empty()) {
      throw UsageError(
          "--backend board needs --device PATH: the board's serial port (e.g. /dev/ttyUSB0) or "
          "the link path of the board simulator (e.g. /tmp/luoshu-board)");
    }
    for (const char* opt : {"soc", "mem-mib"}) {
      if (given(opt)) {
        throw UsageError(std::string("--") + opt +
                         " does not apply to a board: it reports its own configuration and "
                         "device memory (see luoshu info --backend board --device PATH); drop it");
      }
    }
    CheckRange("baud", f.baud, 1, INT32_MAX);
    CheckRange("link-timeout-ms", f.link_timeout_ms, 1, 600000);
    CheckRange("link-retries", f.link_retries, 0, 1000);
  } else {
    for (const char* opt : {"device", "baud", "link-timeout-ms", "link-retries"}) {
      if (given(opt)) {
        throw UsageError(std::string("--") + opt +
                         " applies to the board backend only; add --backend board (with "
                         "--device PATH) or drop it");
      }
    }
  }
  hal::BackendOptions o;
  o.soc = f.soc;
  o.mem_bytes = uint64_t(f.mem_mib) << 20;
  o.seed = static_cast<uint64_t>(f.seed);
  o.mem_latency = static_cast<int>(f.latency);
  o.mem_stall = f.mem_stall;
  o.trace = f.trace;
  o.trace_window = f.trace_window;
  o.run_name = run_name;
  o.mem_error_cycle = static_cast<uint64_t>(f.mem_error);
  o.simulator_args = f.simulator_args;
  if (IsBoard(f)) {
    o.mem_bytes = 0;  // the board's own
    o.device = f.device;
    o.baud = static_cast<int>(f.baud);
    o.link_timeout_ms = static_cast<int>(f.link_timeout_ms);
    o.link_retries = static_cast<int>(f.link_retries);
  }
  if (f.backend == "model" || IsBoard(f)) {
    // Say which option the model or the board has no use for, by its name on the command line.
    for (const char* opt : {"latency", "mem-stall", "trace", "trace-window", "mem-error",
                            "checkpoint-every", "checkpoint-dir"}) {
      if (given(opt) && !(std::string(opt) == "trace" && !f.trace)) {
        throw UsageError(std::string("--") + opt + " applies to the rtl backend only (the " +
                         (IsBoard(f) ? "board backend" : "model") +
                         " has no simulated memory timing, waves or checkpoints); drop it or use "
                         "--backend rtl");
      }
    }
    if (!f.simulator_args.empty()) {
      throw UsageError("simulator argument '" + f.simulator_args[0] +
                       "' applies to the rtl backend only");
    }
  }
  return o;
}

// The device for a command. With checkpoints, its bus is recorded (sw/hal/replay.h); under
// `luoshu replay`, the recorded operations are served again and the saved state restored.
Device OpenDevice(const DeviceFlags& f, const po::variables_map& vm, const std::string& run,
                  const std::string& command, const Args& args) {
  hal::BackendOptions o = BackendOptionsOf(f, vm, run);
  const bool record = !g_replay && (vm.count("checkpoint-every") || vm.count("checkpoint-dir"));
  hal::RecordOptions rec;
  if (g_replay) {
    // The wave covers the replayed cycles only: from the checkpoint (or --from) to --until.
    const ReplayRequest& r = *g_replay;
    o.trace = !r.trace.empty();
    o.trace_window =
        std::to_string(r.from) + ":" + (r.until == UINT64_MAX ? "" : std::to_string(r.until));
    if (o.trace) {
      const fs::path p(r.trace);
      o.wave_dir = p.parent_path().empty() ? "." : p.parent_path().string();
      o.run_name = p.stem().string();
    }
  } else if (record) {
    const char* env = std::getenv("LUOSHU_CHECKPOINT_DIR");
    rec.dir = !f.checkpoint_dir.empty() ? f.checkpoint_dir
              : env && *env             ? env
                                        : LUOSHU_DEFAULT_CHECKPOINT_DIR;
    rec.dir = fs::absolute(rec.dir).string();  // printed replay commands work from anywhere
    rec.every =
        static_cast<uint64_t>(f.checkpoint_every ? f.checkpoint_every : kDefaultCheckpointEvery);
    rec.name = run;
    rec.keep = kCheckpointsKept;
    rec.tool = LUOSHU_VERSION;
    rec.command = command;
    rec.args = args;
  }
  try {
    std::unique_ptr<hal::HostBus> bus = hal::OpenBackend(f.backend, o);
    g_status = std::make_shared<hal::ReplayStatus>();
    if (g_replay) {
      bus = std::make_unique<hal::ReplayBus>(std::move(bus), std::move(g_replay->checkpoint),
                                             g_replay->until, g_status);
    } else if (record) {
      bus = std::make_unique<hal::ReplayBus>(std::move(bus), rec, g_status);
      g_recording = true;
      g_checkpoint_stem = (fs::path(rec.dir) / run).string();
    }
    Device dev(std::move(bus));
    if (vm.count("hang-cycles")) dev.set_hang_cycles(static_cast<uint64_t>(f.hang_cycles));
    return dev;
  } catch (const hal::ConfigError& e) {
    throw UsageError(e.what());
  } catch (const InvalidArgument& e) {
    throw UsageError(e.what());
  }
}

// Under `luoshu replay`, the recorded run's output files are not written again: its --out and
// --timeline become the replay's own (or none).
void ReplayOutputs(std::string* out, std::string* timeline, bool* drop_timeline) {
  *drop_timeline = false;
  if (!g_replay) return;
  *out = g_replay->out;
  if (!timeline->empty() && g_replay->timeline.empty()) {
    // The recorded run collected a timeline: collect it the same way (the same bus
    // operations, which the replay checks) into a scratch file, then drop it.
    *timeline = (fs::temp_directory_path() /
                 ("luoshu-replay-" + std::to_string(getpid()) + "-timeline.json"))
                    .string();
    *drop_timeline = true;
  } else {
    *timeline = g_replay->timeline;
  }
}

// The SoC a message talks about: the named configuration, or the board's own.
std::string SocName(const DeviceFlags& f) { return IsBoard(f) ? "board's" : f.soc; }

// The link counters of a backend that has them (the board's), one report line.
void PrintLinkStats(const Device& dev, bool indented) {
  const auto stats = dev.bus().Statistics();
  if (stats.empty()) return;
  std::string line;
  for (const auto& [name, value] : stats) {
    line += (line.empty() ? "" : ", ") + name + " " + std::to_string(value);
  }
  std::printf("%s%s\n", indented ? "  link                " : "link               ", line.c_str());
}

// The chip-to-chip link ports and their counters (LINK[p], docs/supernode.md), a line per port;
// the lane's utilization is its busy cycles (LANE_WORDS) over core 0's CYCLES.
void PrintChipLinks(const Device& dev) {
  driver::Driver& d = dev.driver();
  if (d.links() == 0) {
    std::printf("chip-to-chip links none (one chip: CONFIG.LINKS = 0)\n");
    return;
  }
  const uint64_t cycles = d.Counter(0, driver::CounterSel::kCycles);
  std::printf("chip-to-chip links %d ports\n", d.links());
  for (int p = 0; p < d.links(); ++p) {
    const driver::LinkCounters c = d.AllLinkCounters(p);
    const uint64_t words = c[driver::LinkCounterSel::kLaneWords];
    std::printf("  port %d            lane busy %.1f %%", p,
                cycles ? 100.0 * static_cast<double>(words) / static_cast<double>(cycles) : 0.0);
    for (int s = 0; s < driver::kNumLinkCounters; ++s) {
      const auto sel = static_cast<driver::LinkCounterSel>(s);
      std::printf(", %s %llu", driver::LinkCounterName(sel),
                  static_cast<unsigned long long>(c[sel]));
    }
    std::printf("\n");
  }
}

// "12.3 MiB"; "96.0 KiB" below a MiB (a board's memory).
std::string Mib(uint64_t bytes) {
  char b[32];
  if (bytes < (1 << 20)) {
    std::snprintf(b, sizeof b, "%.1f KiB", bytes / 1024.0);
  } else {
    std::snprintf(b, sizeof b, "%.1f MiB", bytes / 1048576.0);
  }
  return b;
}

// Refuses, before anything is allocated, buffers that cannot fit device memory.
void CheckFits(const DeviceFlags& f, const Device& dev, uint64_t bytes, const std::string& what) {
  const uint64_t free = dev.allocator().bytes_free();
  if (bytes > free) {
    const uint64_t need_mib = (dev.memory_bytes() - free + bytes + (1 << 20) - 1) >> 20;
    throw UsageError(
        what + " need " + Mib(bytes) + " of device memory, " + Mib(free) + " of the device's " +
        Mib(dev.memory_bytes()) + " are free; use smaller sizes" +
        (IsBoard(f) ? " (a board's device memory is fixed by its bitstream)"
                    : " or --mem-mib " + std::to_string(need_mib) + " (at most 4095)"));
  }
}

uint64_t Padded(uint64_t bytes) { return (bytes + 63) / 64 * 64; }

// An output path must be writable before the run starts (the file is written at the end).
void CheckOutputPath(const std::string& flag, const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    throw UsageError(flag + " " + path + ": is a folder; give a file name");
  }
  const fs::path parent =
      fs::path(path).parent_path().empty() ? fs::path(".") : fs::path(path).parent_path();
  if (!fs::is_directory(parent, ec)) {
    throw UsageError(flag + " " + path + ": the folder " + parent.string() + " does not exist");
  }
  if (access(parent.c_str(), W_OK) != 0) {
    throw UsageError(flag + " " + path + ": the folder " + parent.string() + " is not writable");
  }
}

template <class T>
Matrix<T> RandomMatrix(std::mt19937_64* rng, int rows, int cols) {
  std::uniform_int_distribution<int> u(-128, 127);
  Matrix<T> m(rows, cols);
  for (size_t i = 0; i < m.size(); ++i) m.data()[i] = static_cast<T>(u(*rng));
  return m;
}

// ---------------------------------------------------------------------------------------
// Progress on a terminal (sw/cli/progress.h).

// Counts commands for the progress line.
struct WorkTracker {
  Device* dev;
  uint64_t total = 0;
  uint64_t pending() const {
    uint64_t n = 0;
    for (int c = 0; c < dev->cores(); ++c) n += dev->stream(c).pending();
    return n;
  }
};

// ---------------------------------------------------------------------------------------
// The report of one or more GEMM launches.

struct RunReport {
  std::vector<CoreCounters> before, after;
  double wall = 0;
  uint64_t cycle0 = 0, cycle1 = 0;
};

// One report line about the checkpoints a recorded run wrote.
void PrintCheckpoints(const RunReport& r) {
  if (!g_recording || !g_status) return;
  const hal::ReplayStatus& s = *g_status;
  std::printf(
      "  checkpoints         %llu written (%.2f s, %.1f %% of the run's wall time), last "
      "at cycle %llu: %s\n",
      static_cast<unsigned long long>(s.checkpoints), s.save_seconds,
      r.wall > 0 ? 100 * s.save_seconds / r.wall : 0.0,
      static_cast<unsigned long long>(s.last_checkpoint_cycle), s.last_checkpoint.c_str());
}

void PrintDeviceLine(const Device& dev) {
  const auto& i = dev.info();
  std::printf("  device              %s: %d core(s), DIM=%d, %d memory channel(s), %s\n",
              dev.Describe().c_str(), i.cores, i.dim, i.channels, Mib(dev.memory_bytes()).c_str());
}

// One launch's table. `r` gives the busy shares per unit when the run was this launch alone
// (nullptr: the run had several launches, whose counters cannot be told apart).
void PrintLaunch(const ops::GemmLaunch& l, const RunReport* r, double clock_mhz) {
  std::printf("  split               %s over %zu core(s)\n", ops::SplitName(l.split),
              l.parts.size());
  std::printf(
      "  core  block (rows x cols)        tile (m x n x k)   cycles     util     load  "
      " cube   store\n");
  for (const auto& p : l.parts) {
    const uint64_t cyc = p.end.ElapsedSince(p.start);
    const CoreCounters d = r ? r->after[p.core] - r->before[p.core] : CoreCounters{};
    auto share = [&](uint64_t busy) { return cyc ? 100.0 * double(busy) / double(cyc) : 0.0; };
    char block[64], tile[48];
    std::snprintf(block, sizeof block, "%d..%d x %d..%d", p.row0, p.row0 + p.rows - 1, p.col0,
                  p.col0 + p.cols - 1);
    std::snprintf(tile, sizeof tile, "%dx%dx%d", p.tiling.tile_m, p.tiling.tile_n, p.tiling.tile_k);
    std::printf("  %-4d  %-27s  %-17s  %-9llu  %6.2f%%", p.core, block, tile,
                static_cast<unsigned long long>(cyc), 100 * l.part_utilization(p));
    if (r) {
      std::printf("  %5.1f%%  %5.1f%%  %5.1f%%", share(d.busy_ld), share(d.busy_ex),
                  share(d.busy_st));
    }
    std::printf("\n");
  }
  const uint64_t cycles = l.cycles();
  std::printf("  cycles              %llu (first doorbell to last completion)\n",
              static_cast<unsigned long long>(cycles));
  std::printf("  cube utilization    %.2f %% (useful MACs / (cores used x DIM^2 x cycles))\n",
              100 * l.utilization());
  const double secs = cycles / (clock_mhz * 1e6);
  std::printf("  effective TOPS      %.3f at %.0f MHz (2 x %llu MACs in %.3f us)\n",
              secs > 0 ? 2.0 * l.useful_macs() / secs / 1e12 : 0.0, clock_mhz,
              static_cast<unsigned long long>(l.useful_macs()), secs * 1e6);
}

void PrintTotals(const DeviceFlags& f, const Device& dev, const RunReport& r) {
  uint64_t rd = 0, wr = 0;
  for (int c = 0; c < dev.cores(); ++c) {
    const CoreCounters d = r.after[c] - r.before[c];
    rd += d.bytes_read;
    wr += d.bytes_written;
  }
  std::printf("  bytes moved         %llu read, %llu written (device memory, all cores)\n",
              static_cast<unsigned long long>(rd), static_cast<unsigned long long>(wr));
  const uint64_t sim = r.cycle1 - r.cycle0;
  std::printf("  wall time           %.2f s (%llu device cycles %s, %.0f cycles/s)\n", r.wall,
              static_cast<unsigned long long>(sim), IsBoard(f) ? "on the board" : "simulated",
              r.wall > 0 ? sim / r.wall : 0.0);
}

std::vector<CoreCounters> Snapshot(const Device& dev) {
  std::vector<CoreCounters> v;
  for (int c = 0; c < dev.cores(); ++c) v.push_back(dev.Counters(c));
  return v;
}

// Runs `enqueue` (which enqueues work), then synchronizes with a progress line.
template <class Enqueue>
RunReport Run(Device& dev, Enqueue enqueue) {
  RunReport r;
  r.before = Snapshot(dev);
  r.cycle0 = dev.Now();
  const auto t0 = Clock::now();
  enqueue();
  Progress progress;
  WorkTracker work{&dev};
  work.total = work.pending();
  dev.set_progress([&](uint64_t cycle) {
    const uint64_t left = work.pending();
    progress.Update(cycle, work.total - std::min(work.total, left), work.total);
  });
  try {
    dev.Synchronize();
  } catch (...) {
    dev.set_progress(nullptr);
    progress.Done();
    throw;
  }
  dev.set_progress(nullptr);
  progress.Done();
  r.wall = std::chrono::duration<double>(Clock::now() - t0).count();
  r.cycle1 = dev.Now();
  r.after = Snapshot(dev);
  return r;
}

template <class T>
int Compare(const Matrix<T>& got, const Matrix<T>& want) {
  int bad = 0;
  for (int i = 0; i < got.rows(); ++i) {
    for (int j = 0; j < got.cols(); ++j) {
      if (got.at(i, j) != want.at(i, j) && ++bad <= 5) {
        std::printf("  mismatch C[%d][%d]: device %d, model %d\n", i, j, int(got.at(i, j)),
                    int(want.at(i, j)));
      }
    }
  }
  return bad;
}

}  // namespace

void ParseRequant(const std::string& text, int32_t* scale, int* shift) {
  const auto comma = text.find(',');
  auto num = [&](const std::string& s, long lo, long hi, const char* what) {
    size_t used = 0;
    long v = 0;
    try {
      v = std::stol(s, &used);
    } catch (...) {
      used = 0;
    }
    if (s.empty() || used != s.size() || v < lo || v > hi) {
      throw UsageError("--requant " + text + ": " + what + " '" + s + "' must be an integer in " +
                       std::to_string(lo) + ".." + std::to_string(hi) +
                       " (e.g. --requant 3,8: x * 3 / 2^8, rounded, saturated to int8)");
    }
    return v;
  };
  if (comma == std::string::npos) {
    throw UsageError("--requant " + text + ": expected SCALE,SHIFT (e.g. --requant 3,8)");
  }
  *scale = static_cast<int32_t>(num(text.substr(0, comma), -32768, 32767, "SCALE"));
  *shift = static_cast<int>(num(text.substr(comma + 1), 0, 31, "SHIFT"));
}

void SetRequantAndCheck(const Matrix<int8_t>& x, int32_t scale, int shift, ops::MlpWeights* w) {
  w->scale1 = scale;
  w->shift1 = shift;
  try {
    ops::CheckMlp(x, *w);
  } catch (const InvalidArgument& e) {
    throw UsageError(e.what());
  }
}

void RandomMlp(std::mt19937_64* rng, int batch, int in, int hidden, int out, Matrix<int8_t>* x,
               ops::MlpWeights* w) {
  *x = RandomMatrix<int8_t>(rng, batch, in);
  w->w1 = RandomMatrix<int8_t>(rng, in, hidden);
  w->w2 = RandomMatrix<int8_t>(rng, hidden, out);
  std::uniform_int_distribution<int32_t> u(-4096, 4096);
  w->b1.resize(hidden);
  w->b2.resize(out);
  for (auto& v : w->b1) v = u(*rng);
  for (auto& v : w->b2) v = u(*rng);
}

namespace {

// Loads a .npy operand; a problem with the file is bad input (exit 2).
template <class T>
Matrix<T> LoadMatrixFile(const std::string& flag, const std::string& path) {
  try {
    return npy::LoadMatrix<T>(path);
  } catch (const npy::NpyError& e) {
    throw UsageError(flag + " " + e.what());
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------

int Info(const Args& args) {
  DeviceFlags f;
  po::options_description desc("luoshu info options");
  AddDeviceOptions(&desc, &f, false);
  po::variables_map vm;
  if (!Parse(args, desc, "info",
             "[--backend model|rtl] [--soc small|default] | --backend board --device PATH", &vm,
             nullptr)) {
    return 0;
  }
  Device dev = OpenDevice(f, vm, "info", "info", args);
  const auto& i = dev.info();
  std::printf("backend            %s (%s)\n", f.backend.c_str(), dev.Describe().c_str());
  std::printf("configuration      %s\n",
              IsBoard(f) ? "as the board reports it (CONFIG registers)" : f.soc.c_str());
  std::printf("register map       version %u.%u\n", i.version_major, i.version_minor);
  std::printf("cores              %d\n", i.cores);
  std::printf("cube               %d x %d int8 MACs (DIM=%d)\n", i.dim, i.dim, i.dim);
  std::printf("peak               %d MACs/cycle per core, %d for the SoC\n", i.dim * i.dim,
              i.dim * i.dim * i.cores);
  std::printf("memory channels    %d\n", i.channels);
  std::printf("L0A / L0B / L0C    %u / %u / %u KiB per core\n", i.l0a_bytes >> 10,
              i.l0b_bytes >> 10, i.l0c_bytes >> 10);
  std::printf("device memory      %s at 0x%llx (%s free after the command rings)\n",
              Mib(dev.memory_bytes()).c_str(),
              static_cast<unsigned long long>(dev.bus().mem_base()),
              Mib(dev.allocator().bytes_free()).c_str());
  PrintChipLinks(dev);
  PrintLinkStats(dev, false);
  return 0;
}

int Gemm(const Args& args) {
  DeviceFlags f;
  int64_t m = 512, n = 512, k = 512, cores = 0, tile_m = 0, tile_n = 0, tile_k = 0,
          inject_fault = -1;
  std::string a_path, b_path, bias_path, out_path, requant, timeline, split = "auto";
  bool relu = false, no_check = false;
  double clock_mhz = 1000;
  po::options_description desc("luoshu gemm options");
  AddDeviceOptions(&desc, &f, true);
  desc.add_options()("m", po::value(&m)->default_value(m),
                     "rows of A and C (random data; M, N, K >= 1 and A, B, C must fit --mem-mib)")(
      "n", po::value(&n)->default_value(n), "columns of B and C (random data)")(
      "k", po::value(&k)->default_value(k), "columns of A, rows of B (random data)")(
      "a", po::value(&a_path), "A from a .npy file: int8, M x K, C order")(
      "b", po::value(&b_path), "B from a .npy file: int8, K x N, C order")(
      "bias", po::value(&bias_path), "bias from a .npy file: int32, N values (one per column)")(
      "relu", po::bool_switch(&relu), "ReLU after the bias")(
      "requant", po::value(&requant),
      "SCALE,SHIFT: int8 output round(x * SCALE / 2^SHIFT), saturated (SCALE int16, SHIFT "
      "0..31)")("out", po::value(&out_path),
                "write C to a .npy file (int32, or int8 with --requant)")(
      "no-check", po::bool_switch(&no_check), "do not compare with the functional model")(
      "cores", po::value(&cores)->default_value(cores), "cores to use (0: all)")(
      "tile-m", po::value(&tile_m)->default_value(tile_m),
      "tile rows, a multiple of DIM (0: auto)")("tile-n", po::value(&tile_n)->default_value(tile_n),
                                                "tile columns, a multiple of DIM (0: auto)")(
      "tile-k", po::value(&tile_k)->default_value(tile_k), "K step (0: auto)")(
      "inject-fault", po::value(&inject_fault),
      "diagnostics: before its part, core N loads from outside its windows (an ACCESS fault)")(
      "split", po::value(&split)->default_value(split),
      "work split across cores: auto, rows, cols or grid")(
      "clock-mhz", po::value(&clock_mhz)->default_value(clock_mhz),
      "clock for the effective TOPS figure")(
      "timeline", po::value(&timeline),
      "write a Chrome trace-event JSON (open in Perfetto): one track per unit per core");
  po::variables_map vm;
  if (!Parse(args, desc, "gemm", "[options] [+verilator+args]", &vm, &f)) return 0;

  // ---- validate everything before opening the device
  const bool files = !a_path.empty() || !b_path.empty();
  if (files && (a_path.empty() || b_path.empty())) {
    throw UsageError("--a and --b go together (A is M x K int8, B is K x N int8)");
  }
  for (const char* o : {"m", "n", "k"}) {
    if (files && !vm[o].defaulted()) {
      throw UsageError(std::string("--") + o +
                       " sets the size of random data; with --a/--b the files give the sizes");
    }
  }
  if (!files) {
    CheckRange("m", m, 1, 1 << 20, " (and the buffers must fit --mem-mib)");
    CheckRange("n", n, 1, 1 << 20, " (and the buffers must fit --mem-mib)");
    CheckRange("k", k, 1, 1 << 20, " (and the buffers must fit --mem-mib)");
  }
  CheckRange("cores", cores, 0, 64);
  for (auto [name, v] : {std::pair<const char*, int64_t>{"tile-m", tile_m},
                         {"tile-n", tile_n},
                         {"tile-k", tile_k}}) {
    CheckRange(name, v, 0, 65535);
  }
  if (!(clock_mhz > 0 && clock_mhz <= 100000)) {
    throw UsageError("--clock-mhz must be in (0, 100000]");
  }
  ops::Split split_kind = ops::Split::kAuto;
  if (split == "rows") {
    split_kind = ops::Split::kRows;
  } else if (split == "cols") {
    split_kind = ops::Split::kCols;
  } else if (split == "grid") {
    split_kind = ops::Split::kGrid;
  } else if (split != "auto") {
    throw UsageError("--split=" + split + ": use auto, rows, cols or grid");
  }
  ops::Epilogue ep;
  ep.relu = relu;
  if (!requant.empty()) {
    ep.requant = true;
    ParseRequant(requant, &ep.scale, &ep.shift);
  }
  bool drop_timeline = false;
  ReplayOutputs(&out_path, &timeline, &drop_timeline);
  if (!out_path.empty()) CheckOutputPath("--out", out_path);
  if (!timeline.empty()) CheckOutputPath("--timeline", timeline);

  std::mt19937_64 rng(static_cast<uint64_t>(f.seed));
  Matrix<int8_t> a, b;
  std::vector<int32_t> bias;
  if (files) {
    a = LoadMatrixFile<int8_t>("--a", a_path);
    b = LoadMatrixFile<int8_t>("--b", b_path);
    if (a.cols() != b.rows()) {
      throw UsageError("--a " + a_path + " is " + std::to_string(a.rows()) + " x " +
                       std::to_string(a.cols()) + " and --b " + b_path + " is " +
                       std::to_string(b.rows()) + " x " + std::to_string(b.cols()) +
                       ": A's columns must equal B's rows (K)");
    }
  } else {
    a = RandomMatrix<int8_t>(&rng, static_cast<int>(m), static_cast<int>(k));
    b = RandomMatrix<int8_t>(&rng, static_cast<int>(k), static_cast<int>(n));
  }
  m = a.rows();
  k = a.cols();
  n = b.cols();
  if (!bias_path.empty()) {
    try {
      bias = npy::LoadVector<int32_t>(bias_path);
    } catch (const npy::NpyError& e) {
      throw UsageError(std::string("--bias ") + e.what());
    }
    if (static_cast<int64_t>(bias.size()) != n) {
      throw UsageError("--bias " + bias_path + " has " + std::to_string(bias.size()) +
                       " values, C has N = " + std::to_string(n) + " columns");
    }
  }
  const int out_bytes = ep.requant ? 1 : 4;

  Device dev = OpenDevice(f, vm, "gemm_" + f.backend + "_" + f.soc, "gemm", args);
  if (cores > dev.cores()) {
    throw UsageError("--cores=" + std::to_string(cores) + ": the " + SocName(f) + " SoC has " +
                     std::to_string(dev.cores()) + " core(s) (0 = all)");
  }
  CheckFits(f, dev,
            Padded(uint64_t(m) * k) + Padded(uint64_t(k) * n) +
                Padded(uint64_t(m) * n * out_bytes) + (bias.empty() ? 0 : Padded(4ull * n)),
            "A (" + std::to_string(m) + "x" + std::to_string(k) + " int8), B (" +
                std::to_string(k) + "x" + std::to_string(n) + " int8) and C (" + std::to_string(m) +
                "x" + std::to_string(n) + (ep.requant ? " int8)" : " int32)"));
  std::printf("luoshu gemm: M=%lld N=%lld K=%lld int8 -> %s%s%s%s, %s, seed %lld\n",
              static_cast<long long>(m), static_cast<long long>(n), static_cast<long long>(k),
              ep.requant ? "int8" : "int32", bias.empty() ? "" : " +bias", relu ? " relu" : "",
              ep.requant ? (" requant " + requant).c_str() : "",
              files ? "operands from files" : "random operands", static_cast<long long>(f.seed));
  PrintDeviceLine(dev);
  std::fflush(stdout);

  std::unique_ptr<TimelineRecorder> rec;
  if (!timeline.empty()) rec = std::make_unique<TimelineRecorder>(&dev);

  Buffer da = dev.Upload(a), db = dev.Upload(b);
  Buffer dbias;
  if (!bias.empty()) {
    dbias = dev.Upload(bias);
    ep.bias = &dbias;
  }
  Buffer dc = dev.Alloc({static_cast<int>(m), static_cast<int>(n)},
                        ep.requant ? DType::kInt8 : DType::kInt32);
  ops::GemmOptions go;
  go.cores = static_cast<int>(cores);
  go.tile_m = static_cast<int>(tile_m);
  go.tile_n = static_cast<int>(tile_n);
  go.tile_k = static_cast<int>(tile_k);
  go.split = split_kind;
  ops::GemmLaunch launch;
  if (vm.count("inject-fault")) {
    CheckRange("inject-fault", inject_fault, 0, dev.cores() - 1, " (a core of this SoC)");
  }
  const RunReport r = Run(dev, [&] {
    if (inject_fault >= 0) {
      // A LOAD from the last bytes of device memory: outside every window the runtime grants.
      isa::LoadDesc bad;
      bad.src_addr = static_cast<uint32_t>(dev.bus().mem_base() + dev.memory_bytes() - 64);
      bad.src_stride = 64;
      bad.rows = bad.valid_rows = 1;
      bad.row_bytes = bad.valid_cols = 64;
      dev.stream(static_cast<int>(inject_fault)).Enqueue({bad.Pack()}, {}, "injected fault");
    }
    try {
      launch = ops::Gemm(dev, da, db, &dc, ep, go);
    } catch (const InvalidArgument& e) {
      throw UsageError(e.what());
    }
  });
  PrintLaunch(launch, &r, clock_mhz);
  PrintTotals(f, dev, r);
  PrintCheckpoints(r);
  if (!dev.bus().WavePath().empty())
    std::printf("  wave                %s\n", dev.bus().WavePath().c_str());
  if (rec) {
    rec->Write(timeline);
    if (drop_timeline) {
      fs::remove(timeline);
    } else {
      std::printf("  timeline            %s (open in https://ui.perfetto.dev)\n", timeline.c_str());
    }
  }

  int bad = 0;
  if (ep.requant) {
    const Matrix<int8_t> got = dc.Download<int8_t>();
    if (!no_check) {
      bad = Compare(got, model::LinearInt8(a, b, bias, relu, ep.scale, ep.shift));
    }
    if (!bad && !out_path.empty()) npy::Save(out_path, got);
  } else {
    const Matrix<int32_t> got = dc.Download<int32_t>();
    if (!no_check) bad = Compare(got, model::LinearInt32(a, b, bias, relu));
    if (!bad && !out_path.empty()) npy::Save(out_path, got);
  }
  // After the download, so a board's link counters include reading C back.
  PrintLinkStats(dev, true);
  if (!out_path.empty() && !bad) std::printf("  output              %s\n", out_path.c_str());
  if (bad) {
    std::printf("FAIL: %d of %lld elements differ from the functional model%s\n", bad,
                static_cast<long long>(m * n), out_path.empty() ? "" : " (no output written)");
    std::fflush(stdout);
    PrintReplayHint();
    return 1;
  }
  if (no_check) {
    std::printf("done: not checked against the model (--no-check)\n");
  } else {
    std::printf("PASS: bit-exact with the functional model (%lld elements)\n",
                static_cast<long long>(m * n));
  }
  return 0;
}

int Mlp(const Args& args) {
  // Across several simulated chips: its own options (sw/cli/supernode_commands.cc).
  for (const std::string& a : args) {
    if (a == "--chips" || a.rfind("--chips=", 0) == 0) return MlpChips(args);
  }
  DeviceFlags f;
  int64_t batch = 256, in = 256, hidden = 512, out = 128;
  std::string w1_path, b1_path, w2_path, b2_path, x_path, out_path, requant = "1,8", timeline;
  bool no_check = false;
  double clock_mhz = 1000;
  po::options_description desc("luoshu mlp options");
  AddDeviceOptions(&desc, &f, true);
  desc.add_options()("batch", po::value(&batch)->default_value(batch), "rows of X (random data)")(
      "in", po::value(&in)->default_value(in), "input features (random weights)")(
      "hidden", po::value(&hidden)->default_value(hidden), "hidden features (random weights)")(
      "out-features", po::value(&out)->default_value(out), "output features (random weights)")(
      "x", po::value(&x_path), "X from a .npy file: int8, batch x in")(
      "w1", po::value(&w1_path), "W1 from a .npy file: int8, in x hidden")(
      "b1", po::value(&b1_path), "b1 from a .npy file: int32, hidden values")(
      "w2", po::value(&w2_path), "W2 from a .npy file: int8, hidden x out")(
      "b2", po::value(&b2_path), "b2 from a .npy file: int32, out values")(
      "requant", po::value(&requant)->default_value(requant),
      "SCALE,SHIFT of layer 1's requantization")("out", po::value(&out_path),
                                                 "write Y (int32, batch x out) to a .npy file")(
      "no-check", po::bool_switch(&no_check), "do not compare with the reference")(
      "cores", po::value<int64_t>()->default_value(0), "cores to use (0: all)")(
      "chips", po::value<int64_t>(),
      "tensor-parallel across N (2..8) simulated chips joined by links: see "
      "luoshu mlp --chips N --help for its options")(
      "clock-mhz", po::value(&clock_mhz)->default_value(clock_mhz),
      "clock for the effective TOPS figure")("timeline", po::value(&timeline),
                                             "write a Chrome trace-event JSON (Perfetto)");
  po::variables_map vm;
  if (!Parse(args, desc, "mlp", "[options] [+verilator+args]", &vm, &f)) return 0;
  const bool files = !x_path.empty() || !w1_path.empty() || !w2_path.empty();
  if (files && (x_path.empty() || w1_path.empty() || w2_path.empty())) {
    throw UsageError("--x, --w1 and --w2 go together (--b1, --b2 optional)");
  }
  if (!files) {
    CheckRange("batch", batch, 1, 1 << 20);
    CheckRange("in", in, 1, 1 << 20);
    CheckRange("hidden", hidden, 1, 1 << 20);
    CheckRange("out-features", out, 1, 1 << 20);
  }
  const int64_t cores = vm["cores"].as<int64_t>();
  CheckRange("cores", cores, 0, 64);
  if (!(clock_mhz > 0 && clock_mhz <= 100000))
    throw UsageError("--clock-mhz must be in (0, 100000]");
  int32_t scale = 1;
  int shift = 0;
  ParseRequant(requant, &scale, &shift);
  bool drop_timeline = false;
  ReplayOutputs(&out_path, &timeline, &drop_timeline);
  if (!out_path.empty()) CheckOutputPath("--out", out_path);
  if (!timeline.empty()) CheckOutputPath("--timeline", timeline);

  std::mt19937_64 rng(static_cast<uint64_t>(f.seed));
  ops::MlpWeights w;
  Matrix<int8_t> x;
  if (files) {
    x = LoadMatrixFile<int8_t>("--x", x_path);
    w.w1 = LoadMatrixFile<int8_t>("--w1", w1_path);
    w.w2 = LoadMatrixFile<int8_t>("--w2", w2_path);
    try {
      if (!b1_path.empty()) w.b1 = npy::LoadVector<int32_t>(b1_path);
      if (!b2_path.empty()) w.b2 = npy::LoadVector<int32_t>(b2_path);
    } catch (const npy::NpyError& e) {
      throw UsageError(e.what());
    }
  } else {
    RandomMlp(&rng, int(batch), int(in), int(hidden), int(out), &x, &w);
  }
  SetRequantAndCheck(x, scale, shift, &w);

  Device dev = OpenDevice(f, vm, "mlp_" + f.backend + "_" + f.soc, "mlp", args);
  if (cores > dev.cores()) {
    throw UsageError("--cores=" + std::to_string(cores) + ": the " + SocName(f) + " SoC has " +
                     std::to_string(dev.cores()) + " core(s) (0 = all)");
  }
  const uint64_t bytes = Padded(x.size()) + Padded(w.w1.size()) + Padded(w.w2.size()) +
                         Padded(4 * w.b1.size()) + Padded(4 * w.b2.size()) +
                         Padded(uint64_t(x.rows()) * w.w1.cols()) +
                         Padded(4ull * x.rows() * w.w2.cols());
  CheckFits(f, dev, bytes, "X, W1, b1, W2, b2, H and Y");
  std::printf(
      "luoshu mlp: Y = (requant(relu(X W1 + b1)) W2 + b2), X %dx%d, W1 %dx%d, W2 %dx%d, "
      "seed %lld\n",
      x.rows(), x.cols(), w.w1.rows(), w.w1.cols(), w.w2.rows(), w.w2.cols(),
      static_cast<long long>(f.seed));
  PrintDeviceLine(dev);
  std::fflush(stdout);
  std::unique_ptr<TimelineRecorder> rec;
  if (!timeline.empty()) rec = std::make_unique<TimelineRecorder>(&dev);

  ops::Mlp net(dev, w);
  Buffer dx = dev.Upload(x);
  std::optional<ops::MlpRun> run;
  const RunReport r = Run(dev, [&] { run.emplace(net.Enqueue(dx, static_cast<int>(cores))); });
  for (size_t i = 0; i < run->layers.size(); ++i) {
    std::printf(" layer %zu (%d x %d x %d)\n", i + 1, run->layers[i].m, run->layers[i].k,
                run->layers[i].n);
    PrintLaunch(run->layers[i], nullptr, clock_mhz);
  }
  uint64_t first = UINT64_MAX, last = 0, macs = 0;
  for (const auto& l : run->layers) {
    for (const auto& p : l.parts) {
      first = std::min(first, p.start.cycle());
      last = std::max(last, p.end.cycle());
    }
    macs += l.useful_macs();
  }
  const int used = static_cast<int>(run->layers[0].parts.size());
  std::printf(" network\n  cycles              %llu (both layers, no host round trip)\n",
              static_cast<unsigned long long>(last - first));
  std::printf("  cube utilization    %.2f %%\n",
              100.0 * macs / (double(dev.info().dim) * dev.info().dim * used * (last - first)));
  std::printf("  busy share          (load / cube / store, over both layers)\n");
  for (int c = 0; c < used; ++c) {
    const CoreCounters d = r.after[c] - r.before[c];
    const double cyc = double(last - first);
    std::printf("    core %d            %5.1f%% / %5.1f%% / %5.1f%%\n", c, 100 * d.busy_ld / cyc,
                100 * d.busy_ex / cyc, 100 * d.busy_st / cyc);
  }
  PrintTotals(f, dev, r);
  PrintCheckpoints(r);
  if (!dev.bus().WavePath().empty())
    std::printf("  wave                %s\n", dev.bus().WavePath().c_str());
  if (rec) {
    rec->Write(timeline);
    if (drop_timeline) {
      fs::remove(timeline);
    } else {
      std::printf("  timeline            %s\n", timeline.c_str());
    }
  }
  const Matrix<int32_t> y = run->output.Download<int32_t>();
  int bad = 0;
  if (!no_check) {
    const Matrix<int8_t> h = model::LinearInt8(x, w.w1, w.b1, true, w.scale1, w.shift1);
    bad = Compare(y, model::LinearInt32(h, w.w2, w.b2, false));
  }
  if (!bad && !out_path.empty()) {
    npy::Save(out_path, y);
    std::printf("  output              %s\n", out_path.c_str());
  }
  if (bad) {
    std::printf("FAIL: %d of %d elements differ from the reference\n", bad, y.rows() * y.cols());
    std::fflush(stdout);
    PrintReplayHint();
    return 1;
  }
  std::printf(no_check ? "done: not checked (--no-check)\n"
                       : "PASS: bit-exact with the reference (%d elements)\n",
              y.rows() * y.cols());
  return 0;
}

void PrintReplayHint() {
  if (!g_recording || !g_status || g_status->last_checkpoint.empty()) return;
  const hal::ReplayStatus& s = *g_status;
  std::fprintf(stderr,
               "checkpoint: the run failed at cycle %llu; re-run it from its last checkpoint "
               "(cycle %llu) with a wave of that window:\n  luoshu replay %s --trace %s "
               "--until %llu\n",
               static_cast<unsigned long long>(s.cycle),
               static_cast<unsigned long long>(s.last_checkpoint_cycle),
               ShellWord(s.last_checkpoint).c_str(),
               ShellWord(g_checkpoint_stem + ".replay.fst").c_str(),
               static_cast<unsigned long long>(s.cycle + kReplayMargin));
  // The device may have gone wrong before the host saw it (a fault is reported once its
  // command ends, a hang after --hang-cycles): the older windows are still on disk.
  for (size_t i = 0; i + 1 < s.kept.size(); ++i) {
    std::fprintf(stderr, "  (a cause before that: replay the earlier %s)\n",
                 ShellWord(s.kept[i]).c_str());
  }
}

int Replay(const Args& args) {
  ReplayRequest req;
  std::string path;
  int64_t until = 0, from = 0;
  po::options_description desc("luoshu replay options");
  desc.add_options()("checkpoint", po::value(&path),
                     "the checkpoint file (runs with --checkpoint-every write them)")(
      "trace", po::value(&req.trace),
      "write an FST wave of the replayed cycles (checkpoint to --until) to FILE.fst")(
      "until", po::value(&until), "stop once the simulation reaches this cycle")(
      "from", po::value(&from),
      "with --trace: start the wave at this cycle instead of the checkpoint's (a shorter wave)")(
      "out", po::value(&req.out), "write the run's result (.npy) here (default: none)")(
      "timeline", po::value(&req.timeline), "write the run's timeline JSON here (default: none)")(
      "help,h", "show this help");
  po::positional_options_description pos;
  pos.add("checkpoint", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(desc).positional(pos).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout
        << "usage: luoshu replay CHECKPOINT [--trace FILE.fst [--from CYCLE]] [--until CYCLE] "
           "[--out FILE]\n"
        << desc;
    return 0;
  }
  if (path.empty()) {
    throw UsageError(
        "give the checkpoint to replay: luoshu replay CHECKPOINT [--trace FILE.fst] "
        "[--until CYCLE] (a run with --checkpoint-every prints its path)");
  }
  try {
    req.checkpoint = hal::LoadCheckpoint(path);
  } catch (const hal::StateError& e) {
    throw UsageError(e.what());
  }
  const hal::Checkpoint& c = req.checkpoint;
  if (c.tool != LUOSHU_VERSION) {
    throw UsageError("checkpoint " + path + " was written by luoshu " + c.tool + ", this is " +
                     LUOSHU_VERSION + ": replay it with the luoshu that wrote it");
  }
  if (c.command != "gemm" && c.command != "mlp") {
    throw UsageError("checkpoint " + path + " is of a '" + c.command +
                     "' run, which this luoshu cannot replay (gemm, mlp)");
  }
  if (vm.count("until")) {
    if (until < 0 || static_cast<uint64_t>(until) <= c.cycle) {
      throw UsageError("--until=" + std::to_string(until) +
                       " is not after the checkpoint's cycle " + std::to_string(c.cycle) +
                       "; give a later cycle or an earlier checkpoint");
    }
    req.until = static_cast<uint64_t>(until);
  }
  req.from = c.cycle;
  if (vm.count("from")) {
    if (req.trace.empty()) throw UsageError("--from sets where the wave starts: it needs --trace");
    if (from < 0 || static_cast<uint64_t>(from) < c.cycle ||
        static_cast<uint64_t>(from) >= req.until) {
      throw UsageError("--from=" + std::to_string(from) + " must lie in the replayed cycles: " +
                       std::to_string(c.cycle) + " (the checkpoint's) up to --until");
    }
    req.from = static_cast<uint64_t>(from);
  }
  if (!req.trace.empty()) {
    const fs::path p(req.trace);
    const std::string stem = p.stem().string();
    if (p.extension() != ".fst" || stem.empty() ||
        stem.find_first_not_of(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") !=
            std::string::npos) {
      throw UsageError("--trace " + req.trace +
                       ": give a wave file named NAME.fst (letters, digits, '.', '-', '_')");
    }
    CheckOutputPath("--trace", req.trace);
  }
  std::string cmdline = "luoshu " + c.command;
  for (const auto& a : c.args) cmdline += " " + a;
  std::printf(
      "luoshu replay: %s: `%s` from cycle %llu (%zu host operations served from the "
      "log, then the saved state)%s%s\n",
      path.c_str(), cmdline.c_str(), static_cast<unsigned long long>(c.cycle), c.ops.size(),
      req.trace.empty() ? "" : ", wave ", req.trace.c_str());
  std::fflush(stdout);
  const std::string command = c.command;
  const Args recorded = c.args;
  g_replay = &req;
  struct Reset {
    ~Reset() { g_replay = nullptr; }
  } reset;
  int rc = 0;
  try {
    rc = command == "gemm" ? Gemm(recorded) : Mlp(recorded);
  } catch (const hal::ReplayStop& e) {
    std::printf("replay: stopped at cycle %llu (--until %llu)%s%s\n",
                static_cast<unsigned long long>(e.cycle()),
                static_cast<unsigned long long>(req.until), req.trace.empty() ? "" : "; wave ",
                req.trace.c_str());
    return 0;
  }
  if (!g_status || !g_status->restored) {
    throw UsageError(
        "the replayed run ended before it reached the checkpoint's state; the "
        "inputs (operand files) or the luoshu build differ from the recording's");
  }
  std::printf("replay: the run ended at cycle %llu%s%s\n",
              static_cast<unsigned long long>(g_status->cycle), req.trace.empty() ? "" : "; wave ",
              req.trace.c_str());
  return rc;
}

}  // namespace luoshu::cli
