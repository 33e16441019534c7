// Ops-library benchmark (scripts/bench.sh ops; names as in BENCHMARKS.md): GEMMs through the
// runtime and the ops library with the tiler's own choices, on the Verilated default SoC
// (4 cores, 2 AXI channels at 16 bytes/cycle per direction, 100 cycles latency), every result
// checked against the model; and the model backend's speed.
//   ops_util_512_1core, ops_util_512_4core   512^3, int32 output, cube utilization
//   ops_util_transformer_4core               mean over 128x768x3072, 512x1024x1024,
//                                            1024x64x1024 (M x K x N), int8 output (requant)
//   model_backend_rate                       512^3 with bias, ReLU and requantization on the
//                                            model backend, one thread, GMAC/s (median of 3)
// Writes the sweep as CSV (--csv) for scripts/plot_ops.py.
//   luoshu_bench_ops [--csv FILE] [--quick]
#include <algorithm>
#include <boost/program_options.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "sw/model/soc_model.h"
#include "tb/bench/gemm_run.h"
#include "tb/soc/soc.h"

namespace po = boost::program_options;

namespace luoshu {
namespace {

struct Shape3 {
  int m, k, n;
};

Device OpenSoc() {
  tb::SocOptions so;
  so.config = "default";
  so.sim_name = "bench_ops";
  so.trace = tb::TraceOptions{};
  so.mem_size = 64ull << 20;
  return Device(tb::Soc::Create(so));
}

struct Row {
  std::string kind;
  Shape3 s;
  int cores;
  bool int8_out;
  tb::GemmRun run;
};

Row Measure(const std::string& kind, Shape3 s, int cores, bool int8_out, bool* ok) {
  Device dev = OpenSoc();
  ops::GemmOptions g;
  g.cores = cores;
  Row r{kind, s, cores, int8_out, tb::RunGemm(dev, s.m, s.n, s.k, g, int8_out)};
  *ok &= r.run.exact;
  const auto& p0 = r.run.launch.parts.front();
  std::printf(
      "# %-11s %5dx%-5dx%-5d %s, %d core(s): %9llu cycles, %6.2f %% (%s split, tiles "
      "%dx%dx%d)%s\n",
      kind.c_str(), s.m, s.k, s.n, int8_out ? "int8 " : "int32", cores,
      (unsigned long long)r.run.cycles(), 100 * r.run.utilization(),
      ops::SplitName(r.run.launch.split), p0.tiling.tile_m, p0.tiling.tile_n, p0.tiling.tile_k,
      r.run.exact ? "" : "  C DIFFERS FROM THE MODEL");
  std::fflush(stdout);
  return r;
}

int Run(const std::string& csv, bool quick) {
  bool ok = true;
  std::vector<Row> rows;
  const std::vector<int> sizes =
      quick ? std::vector<int>{64, 256} : std::vector<int>{64, 128, 256, 512, 1024};
  for (int cores : {1, 4}) {
    for (int n : sizes) rows.push_back(Measure("square", {n, n, n}, cores, false, &ok));
  }
  const std::vector<Shape3> transformer = {{128, 768, 3072}, {512, 1024, 1024}, {1024, 64, 1024}};
  double sum4 = 0, sum4_int32 = 0;
  for (const auto& s : transformer) {
    if (quick) break;
    rows.push_back(Measure("transformer", s, 1, true, &ok));
    rows.push_back(Measure("transformer", s, 4, true, &ok));
    sum4 += rows.back().run.utilization();
    rows.push_back(Measure("transformer", s, 4, false, &ok));
    sum4_int32 += rows.back().run.utilization();
  }
  auto util = [&](int n, int cores) {
    for (const auto& r : rows) {
      if (r.kind == "square" && r.s.m == n && r.cores == cores) return 100 * r.run.utilization();
    }
    return 0.0;
  };
  // The model backend: wall time of the GEMM alone (median of 3).
  std::vector<double> rates;
  hal::RegisterModelBackend();
  for (int i = 0; i < 3; ++i) {
    hal::BackendOptions mo;
    mo.mem_bytes = 64ull << 20;
    Device dev = Device::Open("model", mo);
    const auto run = tb::RunGemm(dev, 512, 512, 512, {}, true, true);
    ok &= run.exact;
    rates.push_back(512.0 * 512 * 512 / run.wall_seconds / 1e9);
  }
  std::sort(rates.begin(), rates.end());

  if (!csv.empty()) {
    std::ofstream f(csv);
    f << "kind,m,k,n,cores,out,cycles,utilization\n";
    for (const auto& r : rows) {
      f << r.kind << "," << r.s.m << "," << r.s.k << "," << r.s.n << "," << r.cores << ","
        << (r.int8_out ? "int8" : "int32") << "," << r.run.cycles() << ","
        << 100 * r.run.utilization() << "\n";
    }
  }
  if (!quick) {
    std::printf("ops_util_512_1core: %.2f %%\n", util(512, 1));
    std::printf("ops_util_512_4core: %.2f %%\n", util(512, 4));
    std::printf("ops_util_transformer_4core: %.2f %% (int8 output; %.2f %% with int32 output)\n",
                100 * sum4 / 3, 100 * sum4_int32 / 3);
  }
  std::printf("model_backend_rate: %.2f GMAC/s\n", rates[1]);
  if (!ok) std::fprintf(stderr, "error: a result differs from the model\n");
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace luoshu

int main(int argc, char** argv) {
  std::string csv;
  bool quick = false;
  po::options_description desc("luoshu_bench_ops options");
  desc.add_options()("help,h", "this help")("csv", po::value(&csv), "write the sweep as CSV")(
      "quick", po::bool_switch(&quick), "two sizes only (a smoke run)");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, desc), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "luoshu_bench_ops: " << e.what() << "\n" << desc;
    return 2;
  }
  if (vm.count("help")) {
    std::cout << desc;
    return 0;
  }
  try {
    return luoshu::Run(csv, quick);
  } catch (const std::exception& e) {
    std::cerr << "luoshu_bench_ops: " << e.what() << "\n";
    return 1;
  }
}
