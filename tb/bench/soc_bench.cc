// SoC benchmark (docs/soc.md, names as in BENCHMARKS.md): GEMMs through the host runtime on
// the Verilated SoC, memory at 16 bytes/cycle per channel and direction with a fixed AXI
// latency, every result checked against the model.
//   soc_small_util_256       cube utilization of the small SoC, M=N=K=256
//   soc_default_speedup_512  cycles(1 core) / cycles(4 cores) on the default SoC, M=N=K=512
//   soc_small_sim_rate, soc_default_sim_rate   simulated cycles per second of those runs
//   luoshu_bench_soc [--only util|speedup] [--latency L] [--tile-m T --tile-n T --tile-k T]
//                    [--small-tile-m T --small-tile-n T --small-tile-k T]
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <string>

#include "sw/driver/driver.h"
#include "tb/matrices.h"
#include "tb/random.h"
#include "tb/soc/soc.h"

namespace po = boost::program_options;

namespace luoshu {
namespace {

struct Tiles {
  int m = 0, n = 0, k = 0;
};

struct Options {
  std::string only;
  int latency = 100;
  // One core on 256^3 needs bandwidth less than it needs short fill and drain. Four cores
  // sharing two channels need tiles that reload little (128 rows), and a narrow last column
  // of tiles (512 = 6 x 80 + 32) so that the final STOREs, which all cores issue at once,
  // are short.
  Tiles small{64, 64, 0};
  Tiles speedup{128, 80, 0};
};

// One GEMM on a fresh SoC; prints a line per core (utilization, busy shares).
tb::SocGemmRun RunGemm(const Options& o, const Tiles& t, const std::string& config, int size,
                       int cores) {
  tb::SocOptions so;
  so.config = config;
  so.sim_name = "bench_soc_" + config;
  so.trace = tb::TraceOptions{};
  so.memory.latency = o.latency;
  so.memory.read_bytes_per_cycle = so.memory.write_bytes_per_cycle = 16;
  auto soc = tb::Soc::Create(so);
  driver::Device dev(soc.get());
  tb::Rng rng(11);
  const auto a = tb::RandomInt8Matrix(&rng, size, size);
  const auto b = tb::RandomInt8Matrix(&rng, size, size);
  driver::GemmOptions g;
  g.cores = cores;
  g.tile_m = t.m;
  g.tile_n = t.n;
  g.tile_k = t.k;
  const auto run = tb::RunGemmOnSoc(soc.get(), &dev, a, b, g);

  std::printf(
      "# %s SoC, GEMM %d^3 on %zu core(s), tiles %dx%d (tile_k %d), AXI latency %d: "
      "%llu cycles, %s\n",
      config.c_str(), size, run.report.cores.size(), t.m, t.n, t.k, o.latency,
      (unsigned long long)run.report.total_cycles,
      run.exact() ? "C == model" : "C DIFFERS FROM THE MODEL");
  for (const auto& cr : run.report.cores) {
    const auto share = [&](driver::CounterSel s) {
      return 100.0 * dev.Counter(cr.core, s) / cr.cycles;
    };
    std::printf(
        "#   core %d: rows %d..%d, %llu cycles, utilization %.2f %%, busy LD %.1f %% EX %.1f %% "
        "ST %.1f %%, EX waiting for tokens %.1f %%\n",
        cr.core, cr.row_begin, cr.row_begin + cr.rows - 1, (unsigned long long)cr.cycles,
        100.0 * run.CoreUtilization(cr), share(driver::CounterSel::kBusyLd),
        share(driver::CounterSel::kBusyEx), share(driver::CounterSel::kBusySt),
        share(driver::CounterSel::kStallEx));
  }
  return run;
}

int Run(const Options& o) {
  bool ok = true;
  if (o.only.empty() || o.only == "util") {
    const auto r = RunGemm(o, o.small, "small", 256, 1);
    ok &= r.exact();
    std::printf("soc_small_util_256: %.2f %%\n", 100.0 * r.Utilization());
    std::printf("soc_small_sim_rate: %.0f cycles/s\n", r.sim_rate);
  }
  if (o.only.empty() || o.only == "speedup") {
    const auto one = RunGemm(o, o.speedup, "default", 512, 1);
    const auto four = RunGemm(o, o.speedup, "default", 512, 4);
    ok &= one.exact() && four.exact();
    const uint64_t c1 = one.report.total_cycles, c4 = four.report.total_cycles;
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
      "latency", po::value(&o.latency)->default_value(o.latency), "AXI memory latency, cycles")(
      "small-tile-m", po::value(&o.small.m)->default_value(o.small.m), "util run: tile rows")(
      "small-tile-n", po::value(&o.small.n)->default_value(o.small.n), "util run: tile cols")(
      "small-tile-k", po::value(&o.small.k)->default_value(o.small.k), "util run: K step")(
      "tile-m", po::value(&o.speedup.m)->default_value(o.speedup.m), "speed-up runs: tile rows")(
      "tile-n", po::value(&o.speedup.n)->default_value(o.speedup.n), "speed-up runs: tile cols")(
      "tile-k", po::value(&o.speedup.k)->default_value(o.speedup.k),
      "speed-up runs: K step (0: as large as fits)");
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
