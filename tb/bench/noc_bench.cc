// NoC benchmark: latency against offered load on Verilated meshes (noc_mesh, 32-bit flits).
//
// For each mesh, traffic pattern and offered load (flits/node/cycle), every node creates
// packets by a Bernoulli process into an unbounded source queue; the run warms up, then
// packets created in the measurement window are followed to their tail flit. Reported per
// point: accepted throughput (flits ejected per node per cycle in the window), network
// latency (head accepted by the network -> tail ejected) and source queueing (packet created
// -> head accepted), mean and 99th percentile. Ends with the headline figures
// (docs/noc.md; names from BENCHMARKS.md), one per line: `metric_name: value unit`.
// Each mesh runs with the default routers and then with PipeAlloc=1 (registered allocation,
// the FPGA build's routers: mesh tag <k>x<k>_pipe), so the cost of that setting shows beside
// the default; --routers default|pipe picks one.
//
//   luoshu_bench_noc [--mesh 4x4 --mesh 2x2 ...] [--routers both|default|pipe] [--csv out.csv]
//                    [--quick] [--sim-rate-only]
#include <algorithm>
#include <boost/program_options.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "Vnoc_mesh_2x2.h"
#include "Vnoc_mesh_2x2_pipe.h"
#include "Vnoc_mesh_4x4.h"
#include "Vnoc_mesh_4x4_pipe.h"
#include "Vnoc_mesh_8x8.h"
#include "Vnoc_mesh_8x8_pipe.h"
#include "tb/agents/mesh_driver.h"
#include "tb/random.h"
#include "tb/sim.h"

namespace luoshu {
namespace {

namespace noc = tb::noc;
namespace po = boost::program_options;

enum class Pattern { kUniform, kTranspose, kHotspot };
const char* Name(Pattern p) {
  switch (p) {
    case Pattern::kUniform:
      return "uniform";
    case Pattern::kTranspose:
      return "transpose";
    case Pattern::kHotspot:
      return "hotspot";
  }
  return "?";
}
constexpr double kHotFraction = 0.2;  // hotspot: this share of packets go to the hot node

struct Traffic {
  Pattern pattern;
  int k;  // k x k mesh
  int hot;
  int nodes() const { return k * k; }
  // Transpose: (x, y) -> (y, x); nodes on the diagonal do not inject.
  bool Injects(int n) const { return pattern != Pattern::kTranspose || n % k != n / k; }
  int Dest(int src, tb::Rng* rng) const {
    switch (pattern) {
      case Pattern::kUniform:
        return static_cast<int>(rng->Uniform(0, nodes() - 1));
      case Pattern::kTranspose:
        return (src % k) * k + src / k;
      case Pattern::kHotspot:
        if (rng->Chance(kHotFraction)) return hot;
        return static_cast<int>(rng->Uniform(0, nodes() - 1));
    }
    return 0;
  }
  // Rate of packets src -> dst per packet injected at src.
  double Prob(int src, int dst) const {
    switch (pattern) {
      case Pattern::kUniform:
        return 1.0 / nodes();
      case Pattern::kTranspose:
        return dst == (src % k) * k + src / k ? 1.0 : 0.0;
      case Pattern::kHotspot:
        return (1 - kHotFraction) / nodes() + (dst == hot ? kHotFraction : 0.0);
    }
    return 0;
  }
};

// Bound on the accepted throughput (flits/node/cycle, per injecting node) from the most
// loaded channel under XY routing, counting mesh links and the ejection/injection ports.
double XyChannelBound(const Traffic& t) {
  const int k = t.k, n = t.nodes();
  // Link loads: [node][dir 1..4], plus ejection per node; injection load is 1 per source.
  std::vector<double> link(n * 5, 0.0), eject(n, 0.0);
  for (int s = 0; s < n; ++s) {
    if (!t.Injects(s)) continue;
    for (int d = 0; d < n; ++d) {
      const double r = t.Prob(s, d);
      if (r == 0) continue;
      int x = s % k, y = s / k;
      const int dx = d % k, dy = d / k;
      while (x != dx) {
        const int dir = dx > x ? 2 : 4;
        link[(y * k + x) * 5 + dir] += r;
        x += dx > x ? 1 : -1;
      }
      while (y != dy) {
        const int dir = dy > y ? 1 : 3;
        link[(y * k + x) * 5 + dir] += r;
        y += dy > y ? 1 : -1;
      }
      eject[d] += r;
    }
  }
  double worst = 1.0;  // the injection port
  for (double l : link) worst = std::max(worst, l);
  for (double e : eject) worst = std::max(worst, e);
  return 1.0 / worst;
}

struct Point {
  double offered = 0, accepted = 0;
  double net_mean = 0, net_p99 = 0, queue_mean = 0, queue_p99 = 0, total_mean = 0, total_p99 = 0;
  double hops_mean = 0;  // routers on the path minus one, averaged over measured packets
  uint64_t packets = 0;
  bool drained = true;
};

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(std::ceil(p * v.size())) - 1);
  return v[i];
}

struct RunConfig {
  uint64_t warmup = 1000;
  uint64_t measure = 5000;
  uint64_t drain_limit = 20000;
  int len = 1;  // flits per packet
  uint64_t seed = 1;
};

template <class Model>
Point RunPoint(const Traffic& t, double offered, const RunConfig& cfg, double* sim_rate) {
  const int k = t.k, n = t.nodes();
  tb::Rng rng(cfg.seed);
  tb::TraceOptions no_trace;
  tb::Simulation<Model> sim("noc_bench", "", no_trace);
  struct Pkt {
    uint64_t created, injected = 0;
    int hops;
  };
  std::vector<std::vector<Pkt>> pkts(n);  // per source, by sequence number
  const double p_packet = offered / cfg.len;
  const uint64_t m_begin = cfg.warmup, m_end = cfg.warmup + cfg.measure;
  uint64_t outstanding = 0;  // measured packets not yet delivered
  uint64_t flits_in_window = 0;
  std::vector<double> net, queue, total, hops;
  // Room for the expected packets up front, so that no vector grows while the clock runs.
  const size_t per_node = static_cast<size_t>(1.2 * p_packet * m_end) + 64;
  for (auto& v : pkts) v.reserve(per_node);
  for (auto* v : {&net, &queue, &total, &hops}) v->reserve(per_node * n);
  // Packet creation runs before the driver's hook, so a packet made in cycle c can go in c.
  noc::MeshDriver<Model>* drv_ptr = nullptr;
  const tb::HookHandle offered_load = sim.OnDrive([&] {
    if (sim.in_reset()) return;
    const uint64_t c = sim.cycle();
    for (int s = 0; s < n; ++s) {
      if (!t.Injects(s) || !rng.Chance(p_packet)) continue;
      const int d = t.Dest(s, &rng);
      const uint32_t seq = static_cast<uint32_t>(pkts[s].size());
      const int h = std::abs(s % k - d % k) + std::abs(s / k - d / k);
      pkts[s].push_back({c, 0, h});
      if (c >= m_begin && c < m_end) ++outstanding;
      if (cfg.len == 1) {
        drv_ptr->Send(s, noc::HeadFlit(s, d, k, seq, true));  // no vector per packet
      } else {
        drv_ptr->Send(s, noc::MakePacket(s, d, k, seq, cfg.len, &rng));
      }
    }
  });
  noc::MeshDriver<Model> drv(&sim, k, k, &rng, 0, 0);
  drv_ptr = &drv;
  const uint32_t seq_mask = (1u << noc::kSeqBits) - 1;
  std::vector<int> cur_src(n, -1);
  std::vector<uint32_t> cur_seq(n, 0);
  drv.OnInject([&](int s, uint32_t f, uint64_t c) {
    if (noc::IsHead(f)) pkts[s][(f >> 12) & seq_mask].injected = c;
  });
  drv.OnEject([&](int d, uint32_t f, uint64_t c) {
    if (c >= m_begin && c < m_end) ++flits_in_window;
    if (noc::IsHead(f)) {
      cur_src[d] = noc::SrcOf(f, k);
      cur_seq[d] = (f >> 12) & seq_mask;
    }
    if (noc::IsTail(f)) {
      const Pkt& p = pkts[cur_src[d]][cur_seq[d]];
      if (p.created >= m_begin && p.created < m_end) {
        net.push_back(double(c - p.injected));
        queue.push_back(double(p.injected - p.created));
        total.push_back(double(c - p.created));
        hops.push_back(p.hops);
        --outstanding;
      }
    }
  });
  const auto t0 = std::chrono::steady_clock::now();
  sim.Reset();
  sim.Step(m_end);
  Point pt;
  try {
    sim.RunUntil([&] { return outstanding == 0; }, cfg.drain_limit, "measured packets drained");
  } catch (const tb::WatchdogError&) {
    pt.drained = false;  // saturated: the source queues grow without bound
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (sim_rate) *sim_rate = sim.cycle() / secs;
  int injecting = 0;
  for (int s = 0; s < n; ++s) injecting += t.Injects(s);
  pt.offered = offered;
  pt.accepted = double(flits_in_window) / (injecting * double(cfg.measure));
  auto mean = [](const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return v.empty() ? 0.0 : s / v.size();
  };
  pt.net_mean = mean(net);
  pt.net_p99 = Percentile(net, 0.99);
  pt.queue_mean = mean(queue);
  pt.queue_p99 = Percentile(queue, 0.99);
  pt.total_mean = mean(total);
  pt.total_p99 = Percentile(total, 0.99);
  pt.hops_mean = mean(hops);
  pt.packets = net.size();
  return pt;
}

struct MeshRunner {
  int k;
  int cycles_per_router;  // zero-load: 1, or 2 with PipeAlloc=1
  std::string tag;        // in figure names and the CSV: 4x4, 4x4_pipe
  std::function<Point(const Traffic&, double, const RunConfig&, double*)> run;
};

// Saturation: the accepted throughput of the highest offered load whose mean latency
// (source queueing included) stays within 3x the zero-load latency and that drained.
double Saturation(const std::vector<Point>& pts, double zero_load) {
  double sat = 0;
  for (const Point& p : pts) {
    if (!p.drained || p.total_mean > 3 * zero_load) break;
    sat = p.accepted;
  }
  return sat;
}

int Main(int argc, char** argv) {
  po::options_description desc("luoshu_bench_noc options");
  std::vector<std::string> meshes;
  std::string csv;
  RunConfig cfg;
  bool quick = false;
  bool rate_only = false;
  std::string routers = "both";
  desc.add_options()("help,h", "this help")("mesh", po::value(&meshes)->multitoken(),
                                            "2x2, 4x4 and/or 8x8 (default: 4x4)")(
      "csv", po::value(&csv), "write every point to this CSV file")(
      "routers", po::value(&routers)->default_value("both"),
      "both, default or pipe (PipeAlloc=1, the FPGA build's routers)")(
      "len", po::value(&cfg.len)->default_value(1), "flits per packet")(
      "measure", po::value(&cfg.measure)->default_value(5000), "measured cycles per point")(
      "seed", po::value(&cfg.seed)->default_value(1), "traffic seed")(
      "quick", po::bool_switch(&quick), "coarse load steps")(
      "sim-rate-only", po::bool_switch(&rate_only),
      "only the simulation-speed figure of the 4x4 (no latency curves)");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, desc), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "luoshu_bench_noc: " << e.what() << "\n" << desc;
    return 2;
  }
  if (vm.count("help")) {
    std::cout << desc;
    return 0;
  }
  if (cfg.len < 1 || cfg.len > 64) {
    std::cerr << "luoshu_bench_noc: --len must be 1..64\n";
    return 2;
  }
  if (routers != "both" && routers != "default" && routers != "pipe") {
    std::cerr << "luoshu_bench_noc: --routers must be both, default or pipe (got " << routers
              << ")\n";
    return 2;
  }
  const bool plain = routers != "pipe", pipe = routers != "default";
  if (meshes.empty()) meshes = {"4x4"};
  std::vector<MeshRunner> runners;
  for (const auto& m : meshes) {
    const std::string pm = m + "_pipe";
    if (m == "2x2") {
      if (plain) runners.push_back({2, 1, m, RunPoint<Vnoc_mesh_2x2>});
      if (pipe) runners.push_back({2, 2, pm, RunPoint<Vnoc_mesh_2x2_pipe>});
    } else if (m == "4x4") {
      if (plain) runners.push_back({4, 1, m, RunPoint<Vnoc_mesh_4x4>});
      if (pipe) runners.push_back({4, 2, pm, RunPoint<Vnoc_mesh_4x4_pipe>});
    } else if (m == "8x8") {
      if (plain) runners.push_back({8, 1, m, RunPoint<Vnoc_mesh_8x8>});
      if (pipe) runners.push_back({8, 2, pm, RunPoint<Vnoc_mesh_8x8_pipe>});
    } else {
      std::cerr << "luoshu_bench_noc: unknown --mesh " << m << " (built: 2x2, 4x4, 8x8)\n";
      return 2;
    }
  }
  std::ofstream out;
  if (!csv.empty()) {
    out.open(csv);
    if (!out) {
      std::cerr << "luoshu_bench_noc: cannot write " << csv << "\n";
      return 1;
    }
    out << "mesh,pattern,len,offered,accepted,net_mean,net_p99,queue_mean,queue_p99,"
           "total_mean,total_p99,packets,drained\n";
  }
  std::vector<std::string> figures;
  auto fig = [&](const std::string& name, double v, const char* unit, int prec = 3) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "%s: %.*f %s", name.c_str(), prec, v, unit);
    figures.push_back(buf);
  };
  const double step = quick ? 0.1 : 0.05;
  for (const MeshRunner& r : runners) {
    const std::string& tag = r.tag;
    double zero_load = 0;
    for (Pattern p : {Pattern::kUniform, Pattern::kTranspose, Pattern::kHotspot}) {
      if (rate_only) break;
      const Traffic t{p, r.k, r.k * r.k / 2 + r.k / 2};  // hot node near the centre
      std::vector<Point> pts;
      std::vector<double> loads = {0.01};
      for (double l = step; l < 1.0 + 1e-9; l += step) loads.push_back(l);
      std::printf("# %s %s, %d-flit packets\n", tag.c_str(), Name(p), cfg.len);
      std::printf("# %8s %8s | %8s %8s | %8s %8s | %8s %8s\n", "offered", "accepted", "net_mean",
                  "net_p99", "q_mean", "q_p99", "tot_mean", "tot_p99");
      for (double l : loads) {
        const Point pt = r.run(t, l, cfg, nullptr);
        pts.push_back(pt);
        std::printf("  %8.3f %8.3f | %8.2f %8.0f | %8.2f %8.0f | %8.2f %8.0f%s\n", pt.offered,
                    pt.accepted, pt.net_mean, pt.net_p99, pt.queue_mean, pt.queue_p99,
                    pt.total_mean, pt.total_p99, pt.drained ? "" : "  (not drained)");
        if (out) {
          out << tag << "," << Name(p) << "," << cfg.len << "," << pt.offered << "," << pt.accepted
              << "," << pt.net_mean << "," << pt.net_p99 << "," << pt.queue_mean << ","
              << pt.queue_p99 << "," << pt.total_mean << "," << pt.total_p99 << "," << pt.packets
              << "," << pt.drained << "\n";
        }
        if (!pt.drained && pt.offered > 0.2 && pts.size() > 3 &&
            pts[pts.size() - 2].drained == false) {
          break;  // two saturated points in a row: the rest of the curve adds nothing
        }
      }
      if (p == Pattern::kUniform) {
        zero_load = pts[0].net_mean;
        // Formula: t_router cycles per router (hops + 1 routers) plus serialization (len - 1).
        const double formula = (pts[0].hops_mean + 1) * r.cycles_per_router + (cfg.len - 1);
        fig("noc_zero_load_latency_" + tag, zero_load, "cycles", 2);
        fig("noc_zero_load_latency_formula_" + tag, formula, "cycles", 2);
      }
      const double sat = Saturation(pts, zero_load);
      fig("noc_saturation_" + std::string(Name(p)) + "_" + tag, sat, "flits/node/cycle");
      fig("noc_xy_bound_" + std::string(Name(p)) + "_" + tag, XyChannelBound(t),
          "flits/node/cycle");
      double max_acc = 0;
      for (const Point& pt : pts) max_acc = std::max(max_acc, pt.accepted);
      fig("noc_max_accepted_" + std::string(Name(p)) + "_" + tag, max_acc, "flits/node/cycle");
    }
    if (r.k == 4 && r.cycles_per_router == 1) {
      // Simulation speed, loaded 4x4 (uniform, offered 0.5), median of 3 runs.
      RunConfig c = cfg;
      c.warmup = 0;
      c.measure = 30000;
      const Traffic t{Pattern::kUniform, 4, 0};
      std::vector<double> rates;
      for (int i = 0; i < 3; ++i) {
        double rate = 0;
        r.run(t, 0.5, c, &rate);
        rates.push_back(rate);
      }
      std::sort(rates.begin(), rates.end());
      fig("noc_sim_rate_4x4", rates[1], "cycles/s", 0);
    }
  }
  std::printf(
      "# zero_load_latency: mean network latency (head in -> tail out) at 0.01 flits/node/cycle,"
      " uniform\n"
      "# zero_load_latency_formula: H x t_router + serialization = mean(hops + 1) x t_router +"
      " (len - 1); t_router = 1 cycle, 2 with PipeAlloc=1 (_pipe)\n"
      "# saturation: accepted throughput at the highest offered load whose mean latency (source"
      " queueing included) stays <= 3x zero-load and which drained\n"
      "# xy_bound: 1 / (load of the busiest channel under XY routing, injection/ejection"
      " included), per injecting node\n"
      "# max_accepted: highest accepted throughput at any offered load (unfair beyond"
      " saturation)\n"
      "# sim_rate: simulated cycles per wall-clock second, 4x4 uniform at 0.5 flits/node/cycle,"
      " median of 3 (noisy on a shared machine)\n");
  for (const auto& f : figures) std::printf("%s\n", f.c_str());
  return 0;
}

}  // namespace
}  // namespace luoshu

int main(int argc, char** argv) { return luoshu::Main(argc, argv); }
