// Chip-to-chip link benchmark (docs/supernode.md): link efficiency, the useful flit bits
// delivered over the lane bits that passed in the same time, with both endpoints sending as
// fast as they can on both VCs both ways (146-bit flits, the SoC's), the receiving chips always
// ready. Measured at no faults and at a frame error rate of 1e-3 (every frame, of any kind, is
// corrupted with that probability), on a 16- and a 32-bit lane. Both directions are counted.
// Prints `c2c_link_efficiency_w<LaneW>[_fer1e-3]: N %` and the frame format's own bound.
//
//   luoshu_bench_c2c [--cycles N] [--latency L] [--seed S]
#include <boost/program_options.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "Vc2c_link_tb_w16.h"
#include "Vc2c_link_tb_w16_params.h"
#include "Vc2c_link_tb_w32.h"
#include "Vc2c_link_tb_w32_params.h"
#include "tb/agents/c2c_channel.h"
#include "tb/agents/c2c_pair.h"

namespace luoshu {
namespace {

namespace po = boost::program_options;

struct Result {
  double efficiency;  // useful flit bits / lane bits, both directions
  double bound;       // FlitW / data frame bits
  uint64_t resends;
  double control;  // share of the lane's cycles carrying control frames (acks, naks, credits)
  double idle;     // share of the lane's cycles with valid low
};

template <class Model>
Result Measure(uint64_t cycles, int latency, uint64_t seed, double fer) {
  using Pair = tb::c2c::LinkPair<Model>;
  constexpr unsigned kFlitW = Pair::kFlitW, kLaneW = Pair::kLaneW;
  constexpr int kNumVc = Pair::kNumVc;
  Pair p("c2c_bench_w" + std::to_string(kLaneW), latency, seed);
  tb::c2c::FaultRates f;
  f.corrupt.fill(fer);
  // Enough flits to keep every source busy for the whole run.
  const int per_stream = static_cast<int>(cycles / p.data_words() / kNumVc) + 64;
  for (int e = 0; e < 2; ++e) {
    p.channel(e).SetRates(f);
    for (int v = 0; v < kNumVc; ++v) p.Offer(e, v, per_stream);
  }
  const uint64_t warmup = 2000;
  p.sim().Step(warmup);
  auto delivered = [&] {
    uint64_t n = 0;
    for (int e = 0; e < 2; ++e) {
      for (int v = 0; v < kNumVc; ++v) n += p.sink(e, v).received().size();
    }
    return n;
  };
  const uint64_t before = delivered();
  uint64_t words0 = 0, data0 = 0;
  for (int e = 0; e < 2; ++e) {
    words0 += p.Count(e, tb::c2c::kLaneWords);
    data0 += p.Count(e, tb::c2c::kDataFrames);
  }
  p.sim().Step(cycles);
  uint64_t words = 0, data = 0;
  for (int e = 0; e < 2; ++e) {
    words += p.Count(e, tb::c2c::kLaneWords);
    data += p.Count(e, tb::c2c::kDataFrames);
  }
  words -= words0;
  data -= data0;
  const uint64_t flits = delivered() - before;
  Result r;
  r.efficiency = static_cast<double>(flits) * kFlitW / (2.0 * cycles * kLaneW);
  r.bound = static_cast<double>(kFlitW) / (p.data_words() * kLaneW);
  r.resends = p.Count(0, tb::c2c::kRetransmits) + p.Count(1, tb::c2c::kRetransmits);
  r.control = static_cast<double>(words - data * p.data_words()) / (2.0 * cycles);
  r.idle = 1 - static_cast<double>(words) / (2.0 * cycles);
  // The bench is no test, but a link that lost or reordered a flit would make it meaningless.
  for (int e = 0; e < 2; ++e) {
    for (int v = 0; v < kNumVc; ++v) {
      const auto& got = p.sink(1 - e, v).received();
      const auto& want = p.offered(e, v);
      for (size_t k = 0; k < got.size(); ++k) {
        if (got[k] != want[k]) {
          std::cerr << "c2c_bench: flit " << k << " of stream " << e << "/" << v << " is wrong\n";
          std::exit(1);
        }
      }
    }
  }
  return r;
}

template <class Model>
void Report(uint64_t cycles, int latency, uint64_t seed) {
  constexpr unsigned kLaneW = tb::c2c::LinkPair<Model>::kLaneW;
  const Result clean = Measure<Model>(cycles, latency, seed, 0);
  const Result noisy = Measure<Model>(cycles, latency, seed, 1e-3);
  std::printf(
      "# w%u: frame format bound %.1f %%; lane cycles with control frames %.1f %%, idle "
      "%.1f %%; %llu resends at FER 1e-3\n",
      kLaneW, 100 * clean.bound, 100 * clean.control, 100 * clean.idle,
      static_cast<unsigned long long>(noisy.resends));
  std::printf("c2c_link_efficiency_w%u: %.1f %%\n", kLaneW, 100 * clean.efficiency);
  std::printf("c2c_link_efficiency_w%u_fer1e-3: %.1f %%\n", kLaneW, 100 * noisy.efficiency);
}

}  // namespace
}  // namespace luoshu

int main(int argc, char** argv) {
  namespace po = boost::program_options;
  uint64_t cycles = 0, seed = 0;
  int latency = 0;
  po::options_description opts("luoshu_bench_c2c options");
  opts.add_options()("help", "this text")(
      "cycles", po::value<uint64_t>(&cycles)->default_value(400000), "measured cycles per point")(
      "latency", po::value<int>(&latency)->default_value(16), "lane latency each way, cycles")(
      "seed", po::value<uint64_t>(&seed)->default_value(1), "fault and traffic seed");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, opts), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "luoshu_bench_c2c: " << e.what() << "\n" << opts;
    return 2;
  }
  if (vm.count("help")) {
    std::cout << opts;
    return 0;
  }
  if (latency < 1 || cycles < 1) {
    std::cerr << "luoshu_bench_c2c: --latency and --cycles must be >= 1\n";
    return 2;
  }
  luoshu::Report<Vc2c_link_tb_w16>(cycles, latency, seed);
  luoshu::Report<Vc2c_link_tb_w32>(cycles, latency, seed);
  return 0;
}
