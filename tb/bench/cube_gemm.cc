// luoshu_cube_gemm: C = A x B (random int8) on the bare Verilated cube tile, fed directly by
// the harness (no sequencer, no memory), checked against the model: the cube's own GEMM run,
// with optional input and output stalls. A benchmark program (scripts/bench.sh cube builds it).
//   luoshu_cube_gemm [--m M --n N --k K --dim {4,8,16} --in-stall P --out-stall P --seed S
//                     --trace --trace-window A:B] [+verilator+args]
#include "tb/workloads/cube_gemm.h"

#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "Vcube_d16.h"
#include "Vcube_d4.h"
#include "Vcube_d8.h"
#include "sw/model/gemm.h"
#include "tb/workloads/matrices.h"

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
      throw UsageError("unknown option '" + extra + "' (see " + cmd +
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
  std::printf("cube-gemm: M=%d N=%d K=%d int8 -> int32 on the Verilated cube (DIM=%d), seed %llu\n",
              o.m, o.n, o.k, Dim, static_cast<unsigned long long>(o.seed));
  Matrix<int32_t> c(o.m, o.n), want(o.m, o.n);
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
  po::options_description desc("luoshu_cube_gemm options");
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
    std::cout << "usage: luoshu_cube_gemm [options] [+verilator+args]\n" << desc;
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

}  // namespace
}  // namespace luoshu

int main(int argc, char** argv) {
  using namespace luoshu;
  const std::vector<std::string> args(argv + 1, argv + argc);
  try {
    return CubeGemm(args);
  } catch (const UsageError& e) {
    std::cerr << "luoshu_cube_gemm: " << e.what() << "\n";
    return 2;
  } catch (const po::error& e) {
    std::cerr << "luoshu_cube_gemm: " << e.what() << " (see --help)\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "luoshu_cube_gemm: error: " << e.what() << "\n";
    return 1;
  }
}
