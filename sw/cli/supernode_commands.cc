// `luoshu allreduce` and `luoshu mlp --chips N`: SPMD programs on a simulated supernode
// (docs/supernode.md). Every rank (chip) runs the same program on its own Device; in one
// process by default, one chip per MPI rank with --mpi (`mpirun -np N luoshu ... --mpi`). The
// results are the same either way: cycle counts and memory images (the hashes printed).
// The simulator is reached through sw/runtime/supernode.h (registered by main.cc).
#include <algorithm>
#include <boost/program_options.hpp>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <random>
#include <sstream>

#include "sw/cli/commands.h"
#include "sw/cli/progress.h"
#include "sw/model/gemm.h"
#include "sw/ops/collectives.h"
#include "sw/ops/tensor_parallel_mlp.h"
#include "sw/runtime/device.h"
#include "sw/runtime/supernode.h"

namespace po = boost::program_options;

namespace luoshu::cli {
namespace {

// Options every supernode command shares.
struct SupernodeFlags {
  int64_t chips = 2;
  std::string topology = "ring";
  int64_t link_width = 16;
  int64_t link_latency = 16;
  double link_errors = 0;
  int64_t mem_mib = 16;
  int64_t seed = 1;
  bool mpi = false;
};

void AddSupernodeOptions(po::options_description* d, SupernodeFlags* f) {
  d->add_options()("chips", po::value(&f->chips)->default_value(f->chips),
                   "chips (2..8), each a Verilated SoC with chip-to-chip links")(
      "topology", po::value(&f->topology)->default_value(f->topology),
      "ring (2..8 chips) or torus (4 chips: 2 x 2, 8 chips: 2 x 4)")(
      "link-width", po::value(&f->link_width)->default_value(f->link_width),
      "lane bits per cycle of every link (the chips built: see the error for others)")(
      "link-latency", po::value(&f->link_latency)->default_value(f->link_latency),
      "lane cycles each way on every link (1..4096); also the co-simulation's lookahead: "
      "larger simulates faster")(
      "inject-link-errors", po::value(&f->link_errors)->default_value(f->link_errors),
      "probability per frame of a corrupted and, separately, of a dropped frame on every "
      "link, [0, 0.2]: the links retransmit, the result must not change")(
      "mem-mib", po::value(&f->mem_mib)->default_value(f->mem_mib),
      "device memory per chip in MiB (1..512)")("seed", po::value(&f->seed)->default_value(f->seed),
                                                "seed for data and link errors (>= 0)")(
      "mpi", po::bool_switch(&f->mpi),
      "one chip per MPI rank: start as mpirun -np CHIPS luoshu ... --mpi");
}

bool ParseArgs(const Args& args, const po::options_description& desc, const std::string& cmd,
               po::variables_map* vm) {
  po::options_description all = desc;
  all.add_options()("help,h", "show this help");
  const auto parsed = po::command_line_parser(args).options(all).run();
  po::store(parsed, *vm);
  po::notify(*vm);
  if (vm->count("help")) {
    std::cout << "usage: luoshu " << cmd << " [options]\n" << all;
    return false;
  }
  return true;
}

int EnvInt(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::atoi(v) : 0;
}

SupernodeConfig ConfigOf(const SupernodeFlags& f, const std::string& run_name) {
  CheckRange("chips", f.chips, 2, 8, " (a ring of 2..8 chips, or a torus of 4 or 8)");
  SupernodeConfig c;
  if (f.topology == "ring") {
    c.dim_x = static_cast<int>(f.chips);
    c.dim_y = 1;
  } else if (f.topology == "torus") {
    if (f.chips != 4 && f.chips != 8) {
      throw UsageError("--topology torus needs --chips 4 (2 x 2) or --chips 8 (2 x 4), not " +
                       std::to_string(f.chips) + "; use --topology ring for other counts");
    }
    c.dim_x = 2;
    c.dim_y = static_cast<int>(f.chips / 2);
  } else {
    throw UsageError("--topology=" + f.topology + ": use ring or torus");
  }
  const std::vector<int> widths = SupernodeLinkWidths();
  if (std::find(widths.begin(), widths.end(), f.link_width) == widths.end()) {
    std::string list;
    for (int w : widths) list += (list.empty() ? "" : ", ") + std::to_string(w);
    throw UsageError("--link-width=" + std::to_string(f.link_width) +
                     ": the lane width is a hardware parameter and the chips built have " +
                     (list.empty() ? std::string("none") : list) +
                     " bits (another width needs its own Verilated chip, tb/soc/CMakeLists.txt)");
  }
  CheckRange("link-latency", f.link_latency, 1, 4096, " lane cycles");
  if (!(f.link_errors >= 0 && f.link_errors <= 0.2)) {
    std::ostringstream v;
    v << f.link_errors;
    throw UsageError("--inject-link-errors=" + v.str() +
                     " must be a probability per frame in [0, 0.2] (beyond that the links spend "
                     "their time retransmitting)");
  }
  CheckRange("mem-mib", f.mem_mib, 1, 512, " (a chip's share of the 32-bit global address space)");
  CheckRange("seed", f.seed, 0, INT64_MAX);
  const int world = EnvInt("OMPI_COMM_WORLD_SIZE");
  if (f.mpi && world == 0) {
    throw UsageError("--mpi runs one chip per MPI rank: start it as mpirun -np " +
                     std::to_string(f.chips) +
                     " luoshu ... --mpi (as root also "
                     "--allow-run-as-root), or drop --mpi to run every chip in this process");
  }
  if (f.mpi && world != f.chips) {
    throw UsageError("mpirun started " + std::to_string(world) + " ranks for --chips " +
                     std::to_string(f.chips) + ": use mpirun -np " + std::to_string(f.chips));
  }
  if (!f.mpi && world > 1) {
    throw UsageError("this is one of " + std::to_string(world) +
                     " MPI ranks but --mpi is not given: add --mpi (each rank then simulates "
                     "one chip), or run without mpirun");
  }
  c.link_width = static_cast<int>(f.link_width);
  c.link_latency = static_cast<int>(f.link_latency);
  c.link_error_rate = f.link_errors;
  c.mem_bytes = uint64_t(f.mem_mib) << 20;
  c.seed = static_cast<uint64_t>(f.seed);
  c.mpi = f.mpi;
  c.run_name = run_name;
  return c;
}

void PrintLinks(const SupernodeConfig& c) {
  std::printf(" links               %d-bit lanes, %d cycles each way, %g errors per frame\n",
              c.link_width, c.link_latency, c.link_error_rate);
  std::fflush(stdout);
}

std::string TopologyName(const SupernodeConfig& c) {
  if (c.dim_y == 1) return "ring of " + std::to_string(c.dim_x);
  return std::to_string(c.dim_x) + " x " + std::to_string(c.dim_y) + " torus";
}

// The link counters a rank reads from its chip's host registers (summed over its ports), as
// the first words of its values.
constexpr int kLinkWords = 5;
void AppendLinkCounters(Device& dev, RankValues* v) {
  uint64_t words = 0, frames = 0, resent = 0, crc = 0, timeouts = 0;
  driver::Driver& d = dev.driver();
  for (int p = 0; p < d.links(); ++p) {
    const driver::LinkCounters c = d.AllLinkCounters(p);
    words += c[driver::LinkCounterSel::kLaneWords];
    frames += c[driver::LinkCounterSel::kDataFrames];
    resent += c[driver::LinkCounterSel::kRetransmits];
    crc += c[driver::LinkCounterSel::kCrcErrors];
    timeouts += c[driver::LinkCounterSel::kTimeouts];
  }
  v->insert(v->end(), {words, frames, resent, crc, timeouts});
}

void PrintRun(const SupernodeConfig& c, const SupernodeRun& run) {
  uint64_t frames = 0, resent = 0, crc = 0, timeouts = 0, injected = 0, chip_cycles = 0;
  for (const SupernodeRankEnd& r : run.ranks) {
    frames += r.values.at(1);
    resent += r.values.at(2);
    crc += r.values.at(3);
    timeouts += r.values.at(4);
    injected += r.link_faults_injected;
    chip_cycles += r.cycles;
  }
  std::printf(" links (host registers, every chip)\n");
  std::printf("  data frames         %" PRIu64 "\n", frames);
  std::printf("  retransmitted       %" PRIu64 " (CRC errors seen %" PRIu64
              ", ack timeouts %" PRIu64 "; frames corrupted or dropped by the injector %" PRIu64
              ")\n",
              resent, crc, timeouts, injected);
  std::printf(" simulation\n");
  std::printf("  mode                %s\n",
              c.mpi ? ("MPI, " + std::to_string(c.chips()) + " ranks").c_str() : "one process");
  std::printf("  chip cycles         %" PRIu64 " in %.2f s (%.0f chip-cycles/s)\n", chip_cycles,
              run.seconds, run.seconds > 0 ? chip_cycles / run.seconds : 0.0);
  for (const SupernodeRankEnd& r : run.ranks) {
    std::printf("  chip %d              cycles %" PRIu64 ", memory hash %016" PRIx64 "\n", r.rank,
                r.cycles, r.memory_hash);
  }
}

// The verdict: every rank's mismatch count is its values[at]. Prints NOT CHECKED, a FAIL line
// per chip that differs (what(rank, count) says how), or PASS: `pass`. Returns the exit code.
int ReportChecks(const SupernodeRun& run, bool no_check, int at,
                 const std::function<std::string(const SupernodeRankEnd&, uint64_t)>& what,
                 const std::string& pass) {
  if (no_check) {
    std::printf("NOT CHECKED (--no-check)\n");
    return 0;
  }
  int failed = 0;
  for (const SupernodeRankEnd& r : run.ranks) {
    if (const uint64_t bad = r.values.at(at)) {
      std::printf("FAIL: chip %d: %s\n", r.rank, what(r, bad).c_str());
      ++failed;
    }
  }
  if (failed) return 1;
  std::printf("PASS: %s\n", pass.c_str());
  return 0;
}

// Rank r's input of the all-reduce: reproducible from the seed on every rank.
std::vector<int32_t> RankInput(uint64_t seed, int rank, uint64_t elements) {
  std::mt19937_64 rng(seed * 1000003 + static_cast<uint64_t>(rank));
  std::vector<int32_t> v(elements);
  for (auto& x : v) x = static_cast<int32_t>(rng());
  return v;
}

// Rank 0's device shows the run's progress (only the process that reports: one process, or
// MPI rank 0).
void ShowProgress(Communicator& comm, Device& dev, Progress* p, const char* what) {
  if (comm.rank() == 0) dev.set_progress([p, what](uint64_t cycle) { p->Update(cycle, what); });
}

}  // namespace

int AllReduce(const Args& args) {
  SupernodeFlags f;
  int64_t bytes = 65536;
  std::string algorithm = "auto";
  bool pull = false, no_check = false;
  po::options_description desc("luoshu allreduce options");
  desc.add_options()("bytes", po::value(&bytes)->default_value(bytes),
                     "bytes of int32 values on every chip (a multiple of 4)")(
      "algorithm", po::value(&algorithm)->default_value(algorithm),
      "auto (torus2d on a torus, else ring), ring (reduce-scatter + all-gather) or torus2d")(
      "pull", po::bool_switch(&pull),
      "read the previous chip's data (default: write partial sums to the next chip's scratch)")(
      "no-check", po::bool_switch(&no_check), "do not compare with the host reference");
  AddSupernodeOptions(&desc, &f);
  po::variables_map vm;
  if (!ParseArgs(args, desc, "allreduce", &vm)) return 0;
  const SupernodeConfig c = ConfigOf(f, "allreduce");
  CheckRange("bytes", bytes, 4, int64_t(c.mem_bytes), " and a multiple of 4 (int32 values)");
  if (bytes % 4 != 0) {
    throw UsageError("--bytes=" + std::to_string(bytes) +
                     " is not a multiple of 4: the values are int32");
  }
  ops::CollectiveOptions o;
  if (algorithm == "auto") {
    o.algorithm = ops::AllReduceAlgorithm::kAuto;
  } else if (algorithm == "ring") {
    o.algorithm = ops::AllReduceAlgorithm::kRing;
  } else if (algorithm == "torus2d") {
    if (c.dim_y == 1) throw UsageError("--algorithm torus2d needs --topology torus");
    o.algorithm = ops::AllReduceAlgorithm::kTorus2d;
  } else {
    throw UsageError("--algorithm=" + algorithm + ": use auto, ring or torus2d");
  }
  o.push = !pull;
  const uint64_t elements = uint64_t(bytes) / 4;
  const ops::CollectiveTopology topo{c.chips(), c.dim_x, c.dim_y};
  const uint64_t need = uint64_t(bytes) + ops::AllReduceScratchBytes(topo, elements, o);
  if (need + (1 << 20) > c.mem_bytes) {
    throw UsageError("--bytes=" + std::to_string(bytes) + " needs " + std::to_string(need >> 20) +
                     " MiB per chip with its scratch (+1 MiB for command rings): raise --mem-mib");
  }
  const bool root = !c.mpi || EnvInt("OMPI_COMM_WORLD_RANK") == 0;
  if (root) {
    const ops::AllReduceAlgorithm shown = o.algorithm != ops::AllReduceAlgorithm::kAuto
                                              ? o.algorithm
                                          : c.dim_y > 1 ? ops::AllReduceAlgorithm::kTorus2d
                                                        : ops::AllReduceAlgorithm::kRing;
    std::printf("luoshu allreduce: int32 sum of %" PRId64 " bytes on every chip, %s, %s, %s\n",
                bytes, TopologyName(c).c_str(), ops::AllReduceAlgorithmName(shown),
                o.push ? "push" : "pull");
    PrintLinks(c);
  }

  Progress progress;
  const SupernodeRun run = RunSupernode(c, [&](Communicator& comm, Device& dev) {
    ShowProgress(comm, dev, &progress, "all-reduce");
    Buffer buf = dev.Upload(RankInput(c.seed, comm.rank(), elements));
    const ops::CollectiveResult r = ops::AllReduce(dev, comm, &buf, o);
    uint64_t bad = 0, first_bad = UINT64_MAX;
    if (!no_check) {
      std::vector<int32_t> want(elements, 0);
      for (int k = 0; k < comm.size(); ++k) {
        const std::vector<int32_t> in = RankInput(c.seed, k, elements);
        for (uint64_t i = 0; i < elements; ++i) {
          want[i] =
              static_cast<int32_t>(static_cast<uint32_t>(want[i]) + static_cast<uint32_t>(in[i]));
        }
      }
      const std::vector<int32_t> got = buf.DownloadVector<int32_t>();
      for (uint64_t i = 0; i < elements; ++i) {
        if (got[i] != want[i]) {
          if (!bad) first_bad = i;
          ++bad;
        }
      }
    }
    RankValues v;
    AppendLinkCounters(dev, &v);
    v.insert(v.end(), {r.cycles(), uint64_t(r.steps), bad, first_bad});
    return v;
  });
  progress.Done();
  if (!run.root) return 0;

  const SupernodeRankEnd& r0 = run.ranks.at(0);
  const uint64_t cycles = r0.values.at(kLinkWords), steps = r0.values.at(kLinkWords + 1);
  const double busbw = ops::AllReduceBusBandwidth(uint64_t(bytes), c.chips(), cycles);
  const double lane = c.link_width / 8.0;
  std::printf(" all-reduce\n");
  std::printf("  cycles              %" PRIu64 " (%" PRIu64 " steps, a barrier after each)\n",
              cycles, steps);
  std::printf(
      "  bus bandwidth       %.3f bytes/cycle (bytes x 2(n-1)/n / cycles), %.1f %% of "
      "the %.0f-byte lane\n",
      busbw, 100 * busbw / lane, lane);
  PrintRun(c, run);
  return ReportChecks(
      run, no_check, kLinkWords + 2,
      [&](const SupernodeRankEnd& r, uint64_t bad) {
        return std::to_string(bad) + " of " + std::to_string(elements) +
               " values differ from the host reference, the first at index " +
               std::to_string(r.values.at(kLinkWords + 3));
      },
      "every chip holds the host reference sum (" + std::to_string(elements) + " int32 values)");
}

int MlpChips(const Args& args) {
  SupernodeFlags f;
  f.chips = 4;
  int64_t batch = 64, in = 64, hidden = 128, out = 64;
  std::string requant = "1,8";
  bool no_check = false;
  po::options_description desc("luoshu mlp --chips N options (tensor-parallel on a supernode)");
  desc.add_options()("batch", po::value(&batch)->default_value(batch), "rows of X (random data)")(
      "in", po::value(&in)->default_value(in), "input features")(
      "hidden", po::value(&hidden)->default_value(hidden),
      "hidden features (split across the chips; padded with zero units to a multiple)")(
      "out-features", po::value(&out)->default_value(out), "output features")(
      "requant", po::value(&requant)->default_value(requant),
      "SCALE,SHIFT of layer 1's requantization")("no-check", po::bool_switch(&no_check),
                                                 "do not compare with the host reference");
  AddSupernodeOptions(&desc, &f);
  po::variables_map vm;
  if (!ParseArgs(args, desc, "mlp --chips N", &vm)) return 0;
  const SupernodeConfig c = ConfigOf(f, "mlp");
  CheckRange("batch", batch, 1, 4096);
  CheckRange("in", in, 1, 4096);
  CheckRange("hidden", hidden, 1, 16384);
  CheckRange("out-features", out, 1, 4096);
  int32_t scale = 1;
  int shift = 0;
  ParseRequant(requant, &scale, &shift);

  std::mt19937_64 rng(static_cast<uint64_t>(f.seed));
  Matrix<int8_t> x;
  ops::MlpWeights w;
  RandomMlp(&rng, int(batch), int(in), int(hidden), int(out), &x, &w);
  SetRequantAndCheck(x, scale, shift, &w);
  Matrix<int32_t> want;
  if (!no_check) {
    const Matrix<int8_t> h = model::LinearInt8(x, w.w1, w.b1, true, w.scale1, w.shift1);
    want = model::LinearInt32(h, w.w2, w.b2, false);
  }
  const bool root = !c.mpi || EnvInt("OMPI_COMM_WORLD_RANK") == 0;
  if (root) {
    std::printf(
        "luoshu mlp: Y = (requant(relu(X W1 + b1)) W2 + b2), X %dx%d, W1 %dx%d, W2 %dx%d, "
        "tensor-parallel on %s (W1 by columns, W2 by rows, one all-reduce), seed %" PRId64 "\n",
        x.rows(), x.cols(), w.w1.rows(), w.w1.cols(), w.w2.rows(), w.w2.cols(),
        TopologyName(c).c_str(), f.seed);
    PrintLinks(c);
  }
  Progress progress;
  const SupernodeRun run = RunSupernode(c, [&](Communicator& comm, Device& dev) {
    ShowProgress(comm, dev, &progress, "tensor-parallel MLP");
    ops::TensorParallelMlp net(dev, comm, w);
    Buffer dx = dev.Upload(x);
    const ops::TensorParallelMlpRun r = net.Run(dx);
    uint64_t bad = 0;
    if (!no_check) {
      const Matrix<int32_t> y = r.output.Download<int32_t>();
      for (int i = 0; i < y.rows(); ++i)
        for (int j = 0; j < y.cols(); ++j) bad += y.at(i, j) != want.at(i, j);
    }
    RankValues v;
    AppendLinkCounters(dev, &v);
    v.insert(v.end(), {r.cycles(), r.allreduce.cycles(), uint64_t(net.slice()), bad});
    return v;
  });
  progress.Done();
  if (!run.root) return 0;
  const SupernodeRankEnd& r0 = run.ranks.at(0);
  std::printf(" network\n");
  std::printf("  cycles              %" PRIu64 " (both layers and the all-reduce, chip 0)\n",
              r0.values.at(kLinkWords));
  std::printf("  all-reduce          %" PRIu64 " cycles\n", r0.values.at(kLinkWords + 1));
  std::printf("  hidden units        %" PRIu64 " per chip\n", r0.values.at(kLinkWords + 2));
  PrintRun(c, run);
  return ReportChecks(
      run, no_check, kLinkWords + 3,
      [&](const SupernodeRankEnd&, uint64_t bad) {
        return std::to_string(bad) + " of " + std::to_string(batch * out) +
               " values of Y differ from the host reference";
      },
      "Y on every chip is bit-exact with the one-chip host reference (" +
          std::to_string(batch * out) + " values)");
}

}  // namespace luoshu::cli
