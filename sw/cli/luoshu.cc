// luoshu: the command-line front end.
//   luoshu gemm [--soc small|default --m M --n N --k K --cores C --tile-m T --tile-n T
//                --tile-k T --latency L --mem-stall P --seed S --trace --trace-window A:B]
//                [+verilator+... args]
//     C = A x B (random int8) through the host runtime on the Verilated SoC, checked
//     bit-exactly against the functional model, with a performance report (the main job).
//   luoshu cube-gemm [--m M --n N --k K --dim {4,8,16} --in-stall P --out-stall P ...]
//     the same on the bare cube tile, fed directly by the harness.
// Options this layer does not know are handed to Verilator when they start with '+'.
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "Vcube_d16.h"
#include "Vcube_d4.h"
#include "Vcube_d8.h"
#include "sw/driver/device.h"
#include "sw/model/gemm.h"
#include "tb/agents/cube_gemm.h"
#include "tb/matrices.h"
#include "tb/soc/soc.h"

namespace po = boost::program_options;

namespace luoshu {
namespace {

struct GemmOptions {
  int m = 128, n = 128, k = 512, dim = 16;
  uint64_t seed = 1;
  double in_stall = 0, out_stall = 0;
  tb::TraceOptions trace;
  std::vector<std::string> verilator_args;
};

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Options this layer does not know: Verilator's (+...) are handed on, anything else is refused.
std::vector<std::string> VerilatorArgs(const po::parsed_options& parsed, const std::string& cmd) {
  std::vector<std::string> out;
  for (const auto& extra : po::collect_unrecognized(parsed.options, po::include_positional)) {
    if (extra.rfind("+", 0) != 0) {
      throw UsageError("unknown option '" + extra + "' (see luoshu " + cmd +
                       " --help; Verilator arguments start with '+', e.g. +verilator+seed+7)");
    }
    out.push_back(extra);
  }
  return out;
}

void CheckShape(int m, int n, int k) {
  const int max = 4096;
  for (auto [name, v] : {std::pair<const char*, int>{"m", m}, {"n", n}, {"k", k}}) {
    if (v < 1 || v > max) {
      throw UsageError(std::string("--") + name + "=" + std::to_string(v) +
                       " is out of range: use 1.." + std::to_string(max));
    }
  }
}

void CheckProbability(const char* name, double p) {
  if (!(p >= 0 && p < 1)) {
    throw UsageError(std::string("--") + name + "=" + std::to_string(p) +
                     " must be a probability in [0, 1) (1 would stall forever)");
  }
}

tb::TraceOptions TraceFromFlags(bool trace, const std::string& window) {
  tb::TraceOptions t = tb::TraceOptionsFromEnv();
  if (trace) t.enabled = true;
  if (!window.empty()) tb::ParseTraceWindow(window, &t);
  return t;
}

template <class Model, int Dim>
int RunGemm(const GemmOptions& o) {
  tb::Rng rng(o.seed);
  const auto a = tb::RandomInt8Matrix(&rng, o.m, o.k);
  const auto b = tb::RandomInt8Matrix(&rng, o.k, o.n);

  const std::string name = "gemm_cube_d" + std::to_string(Dim);
  tb::Simulation<Model> sim(name, "cube", o.trace, o.verilator_args);
  tb::CubeAgent<Model, Dim> agent(&sim, &rng, o.in_stall, o.out_stall);
  sim.Reset();
  std::printf(
      "luoshu gemm: M=%d N=%d K=%d int8 -> int32 on the Verilated cube (DIM=%d), seed %llu\n", o.m,
      o.n, o.k, Dim, static_cast<unsigned long long>(o.seed));
  model::Matrix<int32_t> c(o.m, o.n), want(o.m, o.n);
  const auto t0 = std::chrono::steady_clock::now();
  const auto s = tb::RunGemmOnCube(&sim, &agent, a, b, &c, 1000 + 64ull * o.m * o.n * o.k);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  model::GemmInt8(a, b, &want);

  int mismatches = 0;
  for (int i = 0; i < o.m; ++i)
    for (int j = 0; j < o.n; ++j)
      if (c.at(i, j) != want.at(i, j) && ++mismatches <= 5)
        std::printf("  mismatch C[%d][%d]: cube %d, model %d\n", i, j, c.at(i, j), want.at(i, j));

  std::printf("  output tiles        %llu (%dx%d each, edges zero-padded)\n",
              static_cast<unsigned long long>(s.tiles), Dim, Dim);
  std::printf("  cycles              %llu\n", static_cast<unsigned long long>(s.cycles));
  std::printf("  useful MACs         %llu\n", static_cast<unsigned long long>(s.useful_macs));
  std::printf("  cube utilization    %.2f %% (useful MACs / (DIM^2 x cycles))\n",
              100 * s.utilization);
  std::printf("  simulation speed    %.0f cycles/s (%.2f s wall)\n", sim.cycle() / secs, secs);
  if (!sim.wave_path().empty()) std::printf("  wave                %s\n", sim.wave_path().c_str());
  if (mismatches) {
    std::printf("FAIL: %d of %d elements differ from the functional model\n", mismatches,
                o.m * o.n);
    return 1;
  }
  std::printf("PASS: bit-exact with the functional model (%d elements)\n", o.m * o.n);
  return 0;
}

int CubeGemm(const std::vector<std::string>& args) {
  GemmOptions o;
  bool trace = false;
  std::string window;
  po::options_description desc("luoshu cube-gemm options");
  desc.add_options()("help,h", "show this help")("m", po::value<int>(&o.m)->default_value(o.m),
                                                 "rows of A and C")(
      "n", po::value<int>(&o.n)->default_value(o.n), "columns of B and C")(
      "k", po::value<int>(&o.k)->default_value(o.k), "columns of A, rows of B")(
      "dim", po::value<int>(&o.dim)->default_value(o.dim), "cube size: 4, 8 or 16")(
      "seed", po::value<uint64_t>(&o.seed)->default_value(o.seed), "seed for the data and stalls")(
      "in-stall", po::value<double>(&o.in_stall)->default_value(0),
      "probability of an idle input cycle [0,1)")("out-stall",
                                                  po::value<double>(&o.out_stall)->default_value(0),
                                                  "probability of output backpressure [0,1)")(
      "trace", po::bool_switch(&trace), "write an FST wave to build/waves/ (or $LUOSHU_WAVE_DIR)")(
      "trace-window", po::value<std::string>(&window), "only trace cycles START:STOP");
  po::variables_map vm;
  auto parsed = po::command_line_parser(args).options(desc).allow_unregistered().run();
  po::store(parsed, vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << "usage: luoshu cube-gemm [options] [+verilator+args]\n" << desc;
    return 0;
  }
  o.verilator_args = VerilatorArgs(parsed, "cube-gemm");
  CheckShape(o.m, o.n, o.k);
  CheckProbability("in-stall", o.in_stall);
  CheckProbability("out-stall", o.out_stall);
  o.trace = TraceFromFlags(trace, window);
  switch (o.dim) {
    case 4:
      return RunGemm<Vcube_d4, 4>(o);
    case 8:
      return RunGemm<Vcube_d8, 8>(o);
    case 16:
      return RunGemm<Vcube_d16, 16>(o);
    default:
      throw UsageError("--dim=" + std::to_string(o.dim) + " is not built: use 4, 8 or 16");
  }
}

// The main job: a GEMM through the host runtime on the Verilated SoC.
int SocGemm(const std::vector<std::string>& args) {
  std::string soc_name = "default", window;
  int m = 512, n = 512, k = 512, cores = 0, tile_m = 128, tile_n = 80, tile_k = 0, latency = 100;
  double mem_stall = 0;
  uint64_t seed = 1;
  bool trace = false;
  po::options_description desc("luoshu gemm options");
  desc.add_options()("help,h", "show this help")(
      "soc", po::value(&soc_name)->default_value(soc_name), "SoC configuration: small or default")(
      "m", po::value(&m)->default_value(m), "rows of A and C")("n", po::value(&n)->default_value(n),
                                                               "columns of B and C")(
      "k", po::value(&k)->default_value(k), "columns of A, rows of B")(
      "cores", po::value(&cores)->default_value(cores), "cores to use (0: all)")(
      "tile-m", po::value(&tile_m)->default_value(tile_m), "output tile rows (multiple of Dim)")(
      "tile-n", po::value(&tile_n)->default_value(tile_n), "output tile columns")(
      "tile-k", po::value(&tile_k)->default_value(tile_k), "K step (0: as large as L0 allows)")(
      "latency", po::value(&latency)->default_value(latency), "AXI memory latency, cycles")(
      "mem-stall", po::value(&mem_stall)->default_value(mem_stall),
      "probability of a stall on each memory channel handshake [0,1)")(
      "seed", po::value(&seed)->default_value(seed), "seed for the data and the stalls")(
      "trace", po::bool_switch(&trace), "write an FST wave to build/waves/ (or $LUOSHU_WAVE_DIR)")(
      "trace-window", po::value(&window), "only trace cycles START:STOP");
  po::variables_map vm;
  auto parsed = po::command_line_parser(args).options(desc).allow_unregistered().run();
  po::store(parsed, vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << "usage: luoshu gemm [options] [+verilator+args]\n" << desc;
    return 0;
  }
  tb::SocOptions so;
  so.config = soc_name;
  so.verilator_args = VerilatorArgs(parsed, "gemm");
  CheckShape(m, n, k);
  CheckProbability("mem-stall", mem_stall);
  if (latency < 1 || latency > 10000) {
    throw UsageError("--latency=" + std::to_string(latency) + " is out of range: use 1..10000");
  }
  const tb::SocConfig& cfg = tb::FindSocConfig(soc_name);  // names the known ones if wrong
  if (cores < 0 || cores > cfg.cores) {
    throw UsageError("--cores=" + std::to_string(cores) + ": the " + cfg.name + " SoC has " +
                     std::to_string(cfg.cores) + " core(s) (0 = all)");
  }
  so.sim_name = "gemm_soc_" + soc_name;
  so.trace = TraceFromFlags(trace, window);
  so.seed = seed;
  so.memory.latency = latency;
  so.memory.ar_stall = so.memory.aw_stall = so.memory.w_stall = mem_stall;
  so.memory.r_stall = so.memory.b_stall = mem_stall;
  so.memory.out_of_order = mem_stall > 0;

  tb::Rng rng(seed);
  const auto a = tb::RandomInt8Matrix(&rng, m, k);
  const auto b = tb::RandomInt8Matrix(&rng, k, n);

  auto soc = tb::Soc::Create(so);
  driver::Device dev(soc.get());
  const auto& info = dev.info();
  std::printf(
      "luoshu gemm: M=%d N=%d K=%d int8 -> int32 on the Verilated %s SoC (%d core(s), DIM=%d, "
      "%d memory channel(s), %d cycles latency, 16 B/cycle each), seed %llu\n",
      m, n, k, soc_name.c_str(), info.cores, info.dim, info.channels, latency,
      static_cast<unsigned long long>(seed));
  driver::GemmOptions g;
  g.cores = cores;
  g.tile_m = tile_m;
  g.tile_n = tile_n;
  g.tile_k = tile_k;
  const auto run = tb::RunGemmOnSoc(soc.get(), &dev, a, b, g);

  int mismatches = 0;
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j)
      if (run.c.at(i, j) != run.want.at(i, j) && ++mismatches <= 5)
        std::printf("  mismatch C[%d][%d]: SoC %d, model %d\n", i, j, run.c.at(i, j),
                    run.want.at(i, j));
  std::printf("  core  rows        cycles    utilization\n");
  for (const auto& cr : run.report.cores) {
    std::printf("  %-4d  %4d..%-4d  %-8llu  %6.2f %%\n", cr.core, cr.row_begin,
                cr.row_begin + cr.rows - 1, static_cast<unsigned long long>(cr.cycles),
                100.0 * run.CoreUtilization(cr));
  }
  std::printf("  cycles              %llu (first doorbell to last completion)\n",
              static_cast<unsigned long long>(run.report.total_cycles));
  std::printf("  SoC utilization     %.2f %% (MACs / (cores used x DIM^2 x cycles))\n",
              100.0 * run.Utilization());
  std::printf("  simulation speed    %.0f cycles/s (%.2f s wall)\n", run.sim_rate,
              run.wall_seconds);
  if (!soc->sim().wave_path().empty()) {
    std::printf("  wave                %s\n", soc->sim().wave_path().c_str());
  }
  if (mismatches) {
    std::printf("FAIL: %d of %d elements differ from the functional model\n", mismatches, m * n);
    return 1;
  }
  std::printf("PASS: bit-exact with the functional model (%d elements)\n", m * n);
  return 0;
}

void Usage() {
  std::cout << "usage: luoshu <command> [options]\n"
               "commands:\n"
               "  gemm       C = A x B through the host runtime on the Verilated SoC, checked\n"
               "             against the model, with a performance report (the main job)\n"
               "  cube-gemm  the same on the bare Verilated cube tile\n"
               "run 'luoshu <command> --help' for its options\n";
}

}  // namespace
}  // namespace luoshu

int main(int argc, char** argv) {
  using namespace luoshu;
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    Usage();
    return argc < 2 ? 2 : 0;
  }
  const std::string cmd = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  try {
    if (cmd == "gemm") return SocGemm(args);
    if (cmd == "cube-gemm") return CubeGemm(args);
    std::cerr << "luoshu: unknown command '" << cmd << "'\n";
    Usage();
    return 2;
  } catch (const UsageError& e) {
    std::cerr << "luoshu " << cmd << ": " << e.what() << "\n";
    return 2;
  } catch (const po::error& e) {
    std::cerr << "luoshu " << cmd << ": " << e.what() << " (see luoshu " << cmd << " --help)\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "luoshu " << cmd << ": error: " << e.what() << "\n";
    return 1;
  }
}
