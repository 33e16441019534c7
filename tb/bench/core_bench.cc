// AI-core benchmark: a double-buffered GEMM command stream on one Dim=16 core with memory at
// 16 bytes/cycle (each direction) and 100 cycles latency, checked against the command-level
// model. Prints cube utilization (MACs / (Dim^2 x cycles), from the first doorbell to the
// SYNC), per-unit busy shares and simulated cycles per second. Then the cost of the FPGA
// build's pipelining parameters (docs/fpga.md): a 96 x 96 x 128 GEMM (the board figures'
// shape) on the Dim=8 core with 4/4/8 KiB L0, without and with them, side by side.
//   luoshu_bench_core [--m M --n N --k K --tile-m T --tile-n T --tile-k T --latency L]
#include <algorithm>
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <vector>

#include "Vai_core_d16.h"
#include "Vai_core_d8.h"
#include "Vai_core_d8_fpga.h"
#include "Vai_core_d8_fpga_params.h"
#include "sw/isa/builder.h"
#include "sw/model/core_model.h"
#include "tb/agents/core_harness.h"
#include "tb/random.h"

namespace po = boost::program_options;

namespace luoshu {
namespace {

constexpr uint32_t kMemBytes = 4 << 20;
constexpr uint32_t kA = 0x000000, kB = 0x100000, kC = 0x200000, kRing = 0x3f0000, kSync = 0x3fff00;

struct Options {
  int m = 256, n = 256, k = 256;
  int tile_m = 64, tile_n = 64, tile_k = 0;
  int latency = 100;
  bool shared = false;  // one 16 B/cycle budget for reads and writes together
};

struct Result {
  uint64_t cycles = 0, macs = 0;
  double rate = 0;  // simulated cycles per second, median of the runs
};

// Runs the GEMM of `o` on core Model (`cfg` its configuration) `reps` times, checks C against
// the model, prints the details when `verbose`.
template <class Model>
int RunOn(const Options& o, model::CoreConfig cfg, int reps, bool verbose, Result* out) {
  cfg.windows = {{0, kMemBytes, true}};
  model::DeviceMemory rtl_mem(0, kMemBytes), model_mem(0, kMemBytes);
  tb::Rng rng(7);
  std::vector<uint8_t> bytes(kC);
  for (auto& b : bytes) b = static_cast<uint8_t>(rng.Bits64());
  rtl_mem.Write(0, bytes.data(), bytes.size());
  model_mem.Write(0, bytes.data(), bytes.size());

  isa::GemmProgram g;
  g.m = o.m;
  g.n = o.n;
  g.k = o.k;
  g.a_addr = kA;
  g.b_addr = kB;
  g.c_addr = kC;
  g.tile_m = o.tile_m;
  g.tile_n = o.tile_n;
  g.tile_k = o.tile_k;
  g.sync_addr = kSync;
  g.dim = cfg.dim;
  g.l0a_bytes = cfg.l0a_bytes;
  g.l0b_bytes = cfg.l0b_bytes;
  g.l0c_bytes = cfg.l0c_bytes;
  const auto program = isa::BuildGemmProgram(g);

  model::CoreModel ref(cfg, &model_mem);
  ref.SetRing(kRing, 4096);
  ref.Submit(program);
  if (ref.Run() != model::CoreState::kIdle) {
    std::fprintf(stderr, "error: the model did not finish: %s\n", ref.fault().message.c_str());
    return 1;
  }

  tb::MemSlaveConfig mc;
  mc.latency = o.latency;
  mc.read_bytes_per_cycle = mc.write_bytes_per_cycle = 16;
  mc.shared_budget = o.shared;
  // Three identical runs: the figures come from the last, the rate is the median.
  std::vector<double> rates;
  std::unique_ptr<tb::Simulation<Model>> sim;
  std::unique_ptr<tb::CoreHarness<Model>> run;
  uint64_t cycles = 0;
  for (int rep = 0; rep < reps; ++rep) {
    run.reset();
    sim = std::make_unique<tb::Simulation<Model>>("bench_core", "", tb::TraceOptions{});
    rtl_mem.Write(0, bytes.data(), bytes.size());
    run = std::make_unique<tb::CoreHarness<Model>>(sim.get(), &rtl_mem, mc, 1);
    run->SetWindows(cfg.windows);
    sim->Reset();
    run->SetRing(kRing, 4096);
    const auto t0 = std::chrono::steady_clock::now();
    run->Submit(program);
    cycles = run->RunToStop(50'000'000, "the GEMM program to finish");
    rates.push_back(cycles /
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(rates.begin(), rates.end());
  auto& core = *run;
  const auto st = core.Status();
  if (st.state != model::CoreState::kIdle || st.fault != isa::Fault::kNone) {
    std::fprintf(stderr, "error: the core stopped in state %d with fault %d at index %u\n",
                 int(st.state), int(st.fault), st.fault_index);
    return 1;
  }
  std::vector<uint8_t> got(uint64_t(o.m) * o.n * 4), want(got.size());
  rtl_mem.Read(kC, got.data(), got.size());
  model_mem.Read(kC, want.data(), want.size());
  if (got != want) {
    std::fprintf(stderr, "error: the core's C differs from the model's\n");
    return 1;
  }
  out->cycles = cycles;
  out->macs = core.Counter(tb::CoreCounter::kMacs);
  out->rate = rates[rates.size() / 2];
  if (!verbose) return 0;
  std::printf("# GEMM %dx%dx%d on one Dim=%d core, tiles %dx%d (tile_k %d), %zu commands;\n", o.m,
              o.n, o.k, cfg.dim, o.tile_m, o.tile_n, o.tile_k, program.size());
  std::printf(
      "# memory: %d cycles latency, %s; result == model\n", o.latency,
      o.shared ? "16 B/cycle shared by reads and writes" : "16 B/cycle read + 16 B/cycle write");
  std::printf("  cycles %llu, MACs %llu, bytes read %llu, written %llu\n",
              (unsigned long long)cycles, (unsigned long long)out->macs,
              (unsigned long long)core.Counter(tb::CoreCounter::kBytesRead),
              (unsigned long long)core.Counter(tb::CoreCounter::kBytesWritten));
  for (auto c : {tb::CoreCounter::kBusyLd, tb::CoreCounter::kBusyEx, tb::CoreCounter::kBusySt,
                 tb::CoreCounter::kStallLd, tb::CoreCounter::kStallEx, tb::CoreCounter::kStallSt}) {
    std::printf("  %-8s %5.1f %%\n", tb::CounterName(c), 100.0 * core.Counter(c) / cycles);
  }
  return 0;
}

double Util(const Result& r, int dim) { return 100.0 * r.macs / (double(dim) * dim * r.cycles); }

int Run(const Options& o) {
  Result r;
  if (int rc = RunOn<Vai_core_d16>(o, model::CoreConfig{}, 3, true, &r)) return rc;
  std::printf("core_util_dim16_gemm%d: %.2f %%\n", o.m, Util(r, 16));
  std::printf("core_sim_rate_dim16: %.0f cycles/s (median of 3)\n", r.rate);

  // The FPGA build's core (tests/rtl/core/CMakeLists.txt) against the same core without its
  // pipelining parameters.
  Options small;
  small.m = small.n = 96;
  small.k = 128;
  small.tile_m = small.tile_n = 32;
  small.latency = o.latency;
  small.shared = o.shared;
  model::CoreConfig c8;
  c8.dim = 8;
  c8.l0a_bytes = c8.l0b_bytes = 4096;
  c8.l0c_bytes = 8192;
  c8.queue_depth = 4;
  Result plain, fpga;
  if (int rc = RunOn<Vai_core_d8>(small, c8, 1, false, &plain)) return rc;
  if (int rc = RunOn<Vai_core_d8_fpga>(small, c8, 1, false, &fpga)) return rc;
  std::printf("# GEMM 96x96x128 on the Dim=8 core (4/4/8 KiB L0), tiles 32x32; result == model\n");
  std::printf("core_cycles_dim8_gemm96: %llu\n", (unsigned long long)plain.cycles);
  std::printf("core_util_dim8_gemm96: %.2f %%\n", Util(plain, 8));
  using FpgaParams = VerilatedParams<Vai_core_d8_fpga>;
  std::printf(
      "core_cycles_dim8_fpga_gemm96: %llu (CubePipeMul=%lld EpiloguePipe=%lld MteCtrlPipe=%lld "
      "DecodePipe=%lld L0cReadPipe=%lld MemSlice=%lld UnitSlice=%lld VecStepSlice=%lld, %+lld "
      "cycles)\n",
      (unsigned long long)fpga.cycles, FpgaParams::CubePipeMul, FpgaParams::EpiloguePipe,
      FpgaParams::MteCtrlPipe, FpgaParams::DecodePipe, FpgaParams::L0cReadPipe,
      FpgaParams::MemSlice, FpgaParams::UnitSlice, FpgaParams::VecStepSlice,
      (long long)fpga.cycles - (long long)plain.cycles);
  std::printf("core_util_dim8_fpga_gemm96: %.2f %%\n", Util(fpga, 8));
  return 0;
}

}  // namespace
}  // namespace luoshu

int main(int argc, char** argv) {
  luoshu::Options o;
  po::options_description desc("luoshu_bench_core options");
  desc.add_options()("help,h", "this help")("m", po::value(&o.m)->default_value(o.m), "M")(
      "n", po::value(&o.n)->default_value(o.n), "N")("k", po::value(&o.k)->default_value(o.k), "K")(
      "tile-m", po::value(&o.tile_m)->default_value(o.tile_m), "output tile rows (multiple of 16)")(
      "tile-n", po::value(&o.tile_n)->default_value(o.tile_n), "output tile cols (multiple of 16)")(
      "tile-k", po::value(&o.tile_k)->default_value(o.tile_k), "K step (0: as large as fits)")(
      "latency", po::value(&o.latency)->default_value(o.latency), "memory latency in cycles")(
      "shared", po::bool_switch(&o.shared), "one 16 B/cycle budget for reads and writes");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, desc), vm);
    po::notify(vm);
  } catch (const std::exception& e) {
    std::cerr << "luoshu_bench_core: " << e.what() << "\n" << desc;
    return 2;
  }
  if (vm.count("help")) {
    std::cout << desc;
    return 0;
  }
  try {
    return luoshu::Run(o);
  } catch (const std::exception& e) {
    std::cerr << "luoshu_bench_core: " << e.what() << "\n";
    return 1;
  }
}
