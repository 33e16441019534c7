// SoC benchmark (docs/soc.md, names as in BENCHMARKS.md): GEMMs through the runtime and the
// ops library on the Verilated SoC, memory at 16 bytes/cycle per channel and direction with a
// fixed AXI latency, every result checked against the model.
//   soc_small_util_256       cube utilization of the small SoC, M=N=K=256
//   soc_default_speedup_512  cycles(1 core) / cycles(4 cores) on the default SoC, M=N=K=512
//   soc_small_sim_rate, soc_default_sim_rate   simulated cycles per second of those runs
//   luoshu_bench_soc [--only util|speedup] [--latency L]
// Tiles are the ops library's choice (its tiler), as a user gets them.
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <string>

#include "tb/bench/gemm_run.h"
#include "tb/soc/soc.h"

namespace po = boost::program_options;

namespace luoshu {
namespace {

struct Options {
  std::string only;
  int latency = 100;
};

Device OpenSoc(const Options& o, const std::string& config) {
  tb::SocOptions so;
  so.config = config;
  so.sim_name = "bench_soc_" + config;
  so.trace = tb::TraceOptions{};
  so.memory.latency = o.latency;
  so.memory.read_bytes_per_cycle = so.memory.write_bytes_per_cycle = 16;
  return Device(tb::Soc::Create(so));
}

tb::GemmRun Gemm(const Options& o, const std::string& config, int size, int cores) {
  Device dev = OpenSoc(o, config);
  ops::GemmOptions g;
  g.cores = cores;
  const tb::GemmRun run = tb::RunGemm(dev, size, size, size, g);
  std::printf("# %s SoC, GEMM %d^3 on %zu core(s) (%s split), AXI latency %d: %llu cycles, %s\n",
              config.c_str(), size, run.launch.parts.size(), ops::SplitName(run.launch.split),
              o.latency, (unsigned long long)run.cycles(),
              run.exact ? "C == model" : "C DIFFERS FROM THE MODEL");
  for (const auto& p : run.launch.parts) {
    std::printf("#   core %d: rows %d..%d cols %d..%d, tiles %dx%dx%d, %llu cycles, %.2f %%\n",
                p.core, p.row0, p.row0 + p.rows - 1, p.col0, p.col0 + p.cols - 1, p.tiling.tile_m,
                p.tiling.tile_n, p.tiling.tile_k, (unsigned long long)p.end.ElapsedSince(p.start),
                100 * run.launch.part_utilization(p));
  }
  return run;
}

int Run(const Options& o) {
  bool ok = true;
  if (o.only.empty() || o.only == "util") {
    const auto r = Gemm(o, "small", 256, 1);
    ok &= r.exact;
    std::printf("soc_small_util_256: %.2f %%\n", 100.0 * r.utilization());
    std::printf("soc_small_sim_rate: %.0f cycles/s\n", r.sim_rate);
  }
  if (o.only.empty() || o.only == "speedup") {
    const auto one = Gemm(o, "default", 512, 1);
    const auto four = Gemm(o, "default", 512, 4);
    ok &= one.exact && four.exact;
    const uint64_t c1 = one.cycles(), c4 = four.cycles();
    std::printf("soc_default_speedup_512: %.3f x (%llu / %llu cycles)\n", double(c1) / c4,
                (unsigned long long)c1, (unsigned long long)c4);
    std::printf("soc_default_sim_rate: %.0f cycles/s (4 cores busy)\n", four.sim_rate);
  }
  if (!ok) std::fprintf(stderr, "error: a result differs from the model\n");
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace luoshu

int main(int argc, char** argv) {
  luoshu::Options o;
  po::options_description desc("luoshu_bench_soc options");
  desc.add_options()("help,h", "this help")(
      "only", po::value(&o.only), "run one part: util (small SoC) or speedup (default SoC)")(
      "latency", po::value(&o.latency)->default_value(o.latency), "AXI memory latency, cycles");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, desc), vm);
    po::notify(vm);
    if (!o.only.empty() && o.only != "util" && o.only != "speedup") {
      throw po::error("--only must be util or speedup, got '" + o.only + "'");
    }
  } catch (const po::error& e) {
    std::cerr << "luoshu_bench_soc: " << e.what() << "\n" << desc;
    return 2;
  }
  if (vm.count("help")) {
    std::cout << desc;
    return 0;
  }
  try {
    return luoshu::Run(o);
  } catch (const std::exception& e) {
    std::cerr << "luoshu_bench_soc: " << e.what() << "\n";
    return 1;
  }
}
