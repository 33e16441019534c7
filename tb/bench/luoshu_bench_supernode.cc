// Supernode collectives benchmark (scripts/bench.sh supernode; docs/supernode.md,
// "Collectives"): all-reduce bus bandwidth on rings of 2, 4 and 8 Verilated chips, SPMD through
// the runtime (tb/soc/supernode.h, one thread per chip), against
//   (a) the raw lane rate: LaneW / 8 bytes per cycle one way, and
//   (b) the link-limited ring bound: the payload rate a link sustains for this traffic (vector
//       commands pushing a buffer to the next chip) streamed one way, measured here in two ways:
//       "lone": one chip pushes to its neighbour while nothing else runs (and the same pulled);
//       "ring": on a ring of 4 every chip pushes to its successor at once (an all-gather's
//       steps), which is what every step of a ring all-reduce does. A ring all-reduce moves
//       2 (n - 1) / n of the buffer over every link, all links at once, so its bus bandwidth
//       cannot beat the ring rate; the headline ratio is against it, the lone rate is printed
//       beside it (every chip then also receives while it sends: with the proxy's write buffer
//       the two are within 1 %, cut through the ring ran at 80 %; docs/supernode.md, "Ring
//       rate").
// busbw = bytes x 2 (n - 1) / n / cycles (cycles: rank 0's, from the barrier all ranks leave
// together to the end of the last step). Every run is checked bit-exact against the host sum.
// Also the tensor-parallel MLP's speed-up from 1 to 4 chips (device cycles).
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "Vsoc_chip_w64.h"
#include "Vsoc_chip_w64_params.h"
#include "sw/ops/collectives.h"
#include "sw/ops/mlp.h"
#include "sw/ops/tensor_parallel_mlp.h"
#include "tb/random.h"
#include "tb/soc/borrowed_bus.h"
#include "tb/soc/supernode.h"
#include "tb/workloads/matrices.h"

namespace luoshu {
namespace {

namespace po = boost::program_options;
using Chip = Vsoc_chip_w64;
using P = VerilatedParams<Chip>;

struct Config {
  int latency = 16;
  int running = 1;
  uint64_t bound_bytes = 1 << 20;
  uint64_t seed = 1;
  bool push = true;
};

tb::SupernodeOptions Options(const Config& c, const tb::c2c::Topology& t, uint64_t bytes) {
  tb::SupernodeOptions o;
  o.topology = t;
  o.latency = c.latency;
  o.mem_size = (2 * bytes + (2 << 20)) / (1 << 20) * (1 << 20);  // buffer, scratch, rings
  o.memory.latency = 30;
  o.seed = c.seed;
  o.name = "bench_supernode";
  o.running = c.running;
  o.barrier_timeout = ~uint64_t{0} >> 2;
  return o;
}

Device DeviceOn(hal::HostBus& bus) {
  Device dev(std::make_unique<tb::BorrowedBus>(&bus), 256);
  dev.set_hang_cycles(20'000'000);
  return dev;
}

int32_t Value(int rank, uint64_t i) {
  uint64_t x = (uint64_t(rank) + 1) * 0x9e3779b97f4a7c15ull ^ i * 0xbf58476d1ce4e5b9ull;
  x ^= x >> 31;
  return static_cast<int32_t>(x * 0x94d049bb133111ebull >> 32);
}

struct Run {
  uint64_t cycles = 0;
  std::vector<uint64_t> steps;
  double seconds = 0;
  bool exact = true;
};

// Rank 0's cycles of `collective` on every rank's buffer of `bytes`; `check` verifies a rank's
// result (false = wrong).
Run RunCollective(const Config& c, const tb::c2c::Topology& t, uint64_t bytes,
                  const std::function<ops::CollectiveResult(Communicator&, Device&, Buffer*)>& op,
                  const std::function<bool(int, const std::vector<int32_t>&)>& check) {
  tb::Supernode<Chip> node(Options(c, t, bytes));
  Run run;
  std::mutex mu;
  node.Run([&](Communicator& comm, hal::HostBus& bus) {
    Device dev = DeviceOn(bus);
    const uint64_t n = bytes / 4;
    std::vector<int32_t> v(n);
    for (uint64_t i = 0; i < n; ++i) v[i] = Value(comm.rank(), i);
    Buffer buf = dev.Upload(v);
    const ops::CollectiveResult r = op(comm, dev, &buf);
    const bool ok = check(comm.rank(), buf.DownloadVector<int32_t>());
    std::lock_guard<std::mutex> l(mu);
    if (comm.rank() == 0) run.cycles = r.cycles(), run.steps = r.step_cycles;
    run.exact = run.exact && ok;
  });
  run.seconds = node.seconds();
  return run;
}

Run AllReduce(const Config& c, int chips, uint64_t bytes) {
  const uint64_t n = bytes / 4;
  std::vector<uint32_t> sum(n, 0);
  for (int r = 0; r < chips; ++r) {
    for (uint64_t i = 0; i < n; ++i) sum[i] += static_cast<uint32_t>(Value(r, i));
  }
  return RunCollective(
      c, tb::c2c::Topology::Ring(chips), bytes,
      [&](Communicator& comm, Device& dev, Buffer* b) {
        ops::CollectiveOptions o;
        o.push = c.push;
        return ops::AllReduce(dev, comm, b, o);
      },
      [&](int, const std::vector<int32_t>& got) {
        for (uint64_t i = 0; i < n; ++i) {
          if (static_cast<uint32_t>(got[i]) != sum[i]) return false;
        }
        return true;
      });
}

// Chip 1's buffer to chip 0 in one step (a broadcast from root 1 in one piece): chip 0 pulls
// it (push = false) or chip 1 pushes it: the link's payload rate one way for vector-command
// traffic.
Run LinkBound(const Config& c, bool push) {
  return RunCollective(
      c, tb::c2c::Topology::Ring(2), c.bound_bytes,
      [push](Communicator& comm, Device& dev, Buffer* b) {
        ops::CollectiveOptions o;
        o.pieces = 1;
        o.push = push;
        return ops::Broadcast(dev, comm, b, 1, o);
      },
      [&](int, const std::vector<int32_t>& got) {
        for (uint64_t i = 0; i < got.size(); ++i) {
          if (got[i] != Value(1, i)) return false;
        }
        return true;
      });
}

// Device cycles of the MLP on rank 0: the one-chip ops::Mlp (chips == 1, on a ring of 2 whose
// other chip idles) or the tensor-parallel one on a ring of `chips`.
uint64_t MlpCycles(const Config& c, int chips, bool* exact) {
  tb::Rng rng(c.seed);
  ops::MlpWeights w;
  const int batch = 16, in = 64, hidden = 256, out = 64;
  w.w1 = tb::RandomInt8Matrix(&rng, in, hidden);
  w.w2 = tb::RandomInt8Matrix(&rng, hidden, out);
  w.scale1 = 60, w.shift1 = 16;
  const Matrix<int8_t> x = tb::RandomInt8Matrix(&rng, batch, in);
  tb::Supernode<Chip> node(Options(c, tb::c2c::Topology::Ring(std::max(chips, 2)), 0));
  uint64_t cycles = 0;
  Matrix<int32_t> y;
  node.Run([&](Communicator& comm, hal::HostBus& bus) {
    Device dev = DeviceOn(bus);
    if (chips == 1) {
      if (comm.rank() != 0) return;
      ops::Mlp mlp(dev, w);
      Buffer dx = dev.Upload(x);
      dev.Synchronize();
      const uint64_t t0 = dev.Now();
      ops::MlpRun run = mlp.Enqueue(dx);
      dev.Synchronize();
      cycles = dev.Now() - t0;
      y = run.output.Download<int32_t>();
      return;
    }
    ops::TensorParallelMlp mlp(dev, comm, w);
    Buffer dx = dev.Upload(x);
    ops::TensorParallelMlpRun run = mlp.Run(dx);
    if (comm.rank() == 0) {
      cycles = run.cycles();
      y = run.output.Download<int32_t>();
    }
  });
  static Matrix<int32_t> first;
  if (chips == 1) first = y;
  *exact = chips == 1 || y == first;
  return cycles;
}

std::vector<uint64_t> ParseSizes(const std::string& s) {
  std::vector<uint64_t> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    uint64_t mult = 1;
    if (!item.empty() && (item.back() == 'K' || item.back() == 'k')) mult = 1 << 10;
    if (!item.empty() && (item.back() == 'M' || item.back() == 'm')) mult = 1 << 20;
    out.push_back(std::stoull(item) * mult);
  }
  return out;
}

std::string SizeText(uint64_t b) {
  return b >= (1 << 20) ? std::to_string(b >> 20) + " MiB" : std::to_string(b >> 10) + " KiB";
}

}  // namespace
}  // namespace luoshu

int main(int argc, char** argv) {
  using namespace luoshu;
  Config c;
  std::string chips_text, sizes_text;
  bool mlp = true;
  po::options_description opts("luoshu_bench_supernode options");
  opts.add_options()("help", "this text")(
      "chips", po::value<std::string>(&chips_text)->default_value("2,4,8"), "ring sizes")(
      "sizes", po::value<std::string>(&sizes_text)->default_value("64K,256K,1M,4M,16M"),
      "all-reduce buffer sizes (K, M suffixes), multiples of 4 bytes")(
      "latency", po::value<int>(&c.latency)->default_value(16), "link latency each way, cycles")(
      "running", po::value<int>(&c.running)->default_value(1),
      "chip models simulated at once (threads; results do not depend on it)")(
      "bound-bytes", po::value<uint64_t>(&c.bound_bytes)->default_value(1 << 20),
      "bytes of the link-bound measurement")("mlp", po::value<bool>(&mlp)->default_value(true),
                                             "measure the MLP speed-up")(
      "push", po::value<bool>(&c.push)->default_value(true),
      "the all-gather phase pushes (else pulls)")(
      "seed", po::value<uint64_t>(&c.seed)->default_value(1), "data seed");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, opts), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::fprintf(stderr, "luoshu_bench_supernode: %s\n", e.what());
    return 2;
  }
  if (vm.count("help")) {
    std::cout << opts;
    return 0;
  }
  std::vector<int> chips;
  for (uint64_t n : ParseSizes(chips_text)) chips.push_back(static_cast<int>(n));
  const std::vector<uint64_t> sizes = ParseSizes(sizes_text);

  const double raw = P::LinkLaneW / 8.0;
  std::printf(
      "# chips: soc_chip_w64 (1 core, Dim %d, 4 link ports, %d-bit lanes, RxDepth %d, "
      "VecBufBeats %d, ProxyWriteBufBeats %d), link latency %d, memory latency 30; "
      "all-reduce %s\n",
      static_cast<int>(P::Dim), static_cast<int>(P::LinkLaneW), static_cast<int>(P::LinkRxDepth),
      static_cast<int>(P::VecBufBeats), static_cast<int>(P::ProxyWriteBufBeats), c.latency,
      c.push ? "pushing (partial sums to the next chip's scratch)" : "pulling");
  // The bound: the better of pulling and pushing a buffer over one link.
  const Run pull = LinkBound(c, false), push = LinkBound(c, true);
  const double pull_rate = double(c.bound_bytes) / pull.cycles;
  const double push_rate = double(c.bound_bytes) / push.cycles;
  const double lone_rate = std::max(pull_rate, push_rate);
  // Every chip of a ring of 4 pushes bound_bytes to its successor at once, 3 steps.
  const Run ring = RunCollective(
      c, tb::c2c::Topology::Ring(4), 4 * c.bound_bytes,
      [](Communicator& comm, Device& dev, Buffer* b) { return ops::AllGather(dev, comm, b); },
      [&](int, const std::vector<int32_t>& got) {
        const uint64_t part = c.bound_bytes / 4;
        for (uint64_t i = 0; i < got.size(); ++i) {
          if (got[i] != Value(static_cast<int>(i / part), i)) return false;
        }
        return true;
      });
  const double bound_rate = 3.0 * c.bound_bytes / ring.cycles;
  std::printf("link_raw_lane_rate: %.3f B/cycle\n", raw);
  for (const auto& [name, run, rate] :
       {std::make_tuple("pull", pull, pull_rate), std::make_tuple("push", push, push_rate)}) {
    std::printf(
        "link_%s_rate: %.3f B/cycle (%s over one link in %llu cycles, %.1f s, %s; "
        "%.1f %% of the raw lane)\n",
        name, rate, SizeText(c.bound_bytes).c_str(), static_cast<unsigned long long>(run.cycles),
        run.seconds, run.exact ? "bit-exact" : "WRONG", 100 * rate / raw);
  }
  std::printf("link_lone_rate: %.3f B/cycle (the better of the two)\n", lone_rate);
  std::printf(
      "link_ring_rate: %.3f B/cycle (%s pushed over every link of a ring of 4 at once, "
      "3 steps in %llu cycles, %.1f s, %s; %.1f %% of the lone rate)\n",
      bound_rate, SizeText(c.bound_bytes).c_str(), static_cast<unsigned long long>(ring.cycles),
      ring.seconds, ring.exact ? "bit-exact" : "WRONG", 100 * bound_rate / lone_rate);
  std::printf("link_bound: %.3f B/cycle (the ring rate)\n", bound_rate);
  bool all_exact = pull.exact && push.exact && ring.exact;
  std::printf("%6s %9s %11s %12s %9s %9s %9s %8s %s\n", "chips", "bytes", "cycles", "busbw B/cyc",
              "vs raw", "vs lone", "vs bound", "wall s", "check");
  double last_ratio = 0;
  for (int n : chips) {
    for (uint64_t b : sizes) {
      const Run r = AllReduce(c, n, b);
      const double busbw = ops::AllReduceBusBandwidth(b, n, r.cycles);
      std::printf("%6d %9s %11llu %12.3f %8.1f%% %8.1f%% %8.1f%% %8.1f %s\n", n,
                  SizeText(b).c_str(), static_cast<unsigned long long>(r.cycles), busbw,
                  100 * busbw / raw, 100 * busbw / lone_rate, 100 * busbw / bound_rate, r.seconds,
                  r.exact ? "bit-exact" : "WRONG");
      if (getenv("LUOSHU_BENCH_STEPS")) {
        std::printf("#   steps:");
        for (uint64_t x : r.steps) std::printf(" %llu", static_cast<unsigned long long>(x));
        std::printf("\n");
      }
      std::fflush(stdout);
      all_exact = all_exact && r.exact;
      if (n == 8) last_ratio = busbw / bound_rate;
    }
  }
  if (last_ratio > 0) {
    std::printf("allreduce_busbw_ratio_8chip: %.3f\n", last_ratio);
    std::printf("allreduce_busbw_ratio_8chip_vs_lone_link: %.3f\n",
                last_ratio * bound_rate / lone_rate);
  }
  if (mlp) {
    bool e1 = true, e4 = true;
    const uint64_t one = MlpCycles(c, 1, &e1), four = MlpCycles(c, 4, &e4);
    std::printf(
        "# MLP batch 16, 64 -> 256 -> 64: 1 chip %llu cycles, 4 chips (tensor-parallel, "
        "ring) %llu cycles%s\n",
        static_cast<unsigned long long>(one), static_cast<unsigned long long>(four),
        e4 ? ", Y bit-exact with the one-chip MLP" : ", Y DIFFERS");
    std::printf("tp_mlp_speedup_1_to_4: %.2f\n", double(one) / four);
    all_exact = all_exact && e4;
  }
  return all_exact ? 0 : 1;
}
