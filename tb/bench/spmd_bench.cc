// Supernode co-simulation rate (docs/supernode.md, "MPI synchronization"): the aggregate
// simulated chip-cycles per second (every chip's lane cycles, summed, over the wall time of the
// run) of the same SPMD program on 2, 4 and 8 chips (rings of soc_chip, the supernode tests'
// chip: one core, Dim 4, four link ports), in one process (one thread per chip) and under MPI
// (one rank per chip, started here through mpirun), and the ratio MPI / one process. The
// program is the neighbour-GEMM exchange of the tests (tb/soc/spmd_gemm_program.h: remote loads
// and stores on both links of every chip, barriers), checked bit-exact by every rank.
//
// Prints
//   inproc_sim_rate_<n>chip: <chip-cycles/s>
//   mpi_sim_rate_<n>rank: <chip-cycles/s> (<ratio> x one process)
// and `#` lines with the runs' cycles and times (and the in-process rate with one model per
// core, for comparison with the default baton). Wall-clock figures: the best of --repeat runs.
//
//   luoshu_bench_spmd [--chips 2,4,8] [--rounds R] [--repeat N] [--running K] [--no-mpi]
//   luoshu_bench_spmd --worker --chips N ...     (one MPI run; what mpirun starts)
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "Vsoc_chip.h"
#include "Vsoc_chip_params.h"
#include "sw/common/shell.h"
#include "tb/soc/spmd_gemm_program.h"
#include "tb/soc/supernode.h"

namespace luoshu {
namespace {

namespace po = boost::program_options;
using Chip = Vsoc_chip;
using P = VerilatedParams<Chip>;

struct Run {
  uint64_t chip_cycles = 0;  // lane cycles summed over the chips
  double seconds = 0;
  double Rate() const { return seconds > 0 ? chip_cycles / seconds : 0; }
};

tb::SupernodeOptions Options(int chips, tb::SpmdTransport transport, int running) {
  tb::SupernodeOptions o;
  o.topology = tb::c2c::Topology::Ring(chips);
  o.latency = 16;
  o.mem_size = tb::NeighbourGemmLayout::kMinMemory;
  o.memory.latency = 30;
  o.seed = 1;
  o.name = "spmd_bench";
  o.transport = transport;
  o.running = running;
  return o;
}

tb::NeighbourGemmParams Params(int rounds) {
  tb::NeighbourGemmParams p;
  p.m = p.n = p.k = 32;
  p.rounds = rounds;
  p.dim = P::Dim;
  p.l0a_bytes = P::L0aBytes, p.l0b_bytes = P::L0bBytes, p.l0c_bytes = P::L0cBytes;
  return p;
}

// One run; under MPI the results are rank 0's view (every rank's record).
Run RunOnce(int chips, int rounds, tb::SpmdTransport transport, int running) {
  tb::Supernode<Chip> node(Options(chips, transport, running));
  const tb::NeighbourGemmParams p = Params(rounds);
  const auto results =
      node.Run([&p](Communicator& comm, hal::HostBus& bus) { tb::NeighbourGemms(comm, bus, p); });
  Run r;
  for (const auto& x : results) r.chip_cycles += x.lane_cycles;
  r.seconds = node.seconds();
  return r;
}

// The MPI runs, through mpirun on this program in --worker mode; the best of `repeat`.
Run RunMpi(const std::string& self, int chips, int rounds, int repeat) {
  const std::string cmd = tb::spmd::MpirunCommand(
      chips, ShellWord(self) + " --worker --chips " + std::to_string(chips) + " --rounds " +
                 std::to_string(rounds) + " --repeat " + std::to_string(repeat));
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot start " + cmd);
  std::string out;
  char buf[1024];
  while (fgets(buf, sizeof buf, pipe)) out += buf;
  if (pclose(pipe) != 0) throw std::runtime_error(cmd + " failed:\n" + out);
  std::istringstream in(out);
  for (std::string word; in >> word;) {
    if (word == "worker:") {
      Run r;
      in >> r.chip_cycles >> r.seconds;
      return r;
    }
  }
  throw std::runtime_error(cmd + " printed no result:\n" + out);
}

std::string SelfPath() {
  char buf[4096];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) throw std::runtime_error("cannot find this program's path");
  return std::string(buf, static_cast<size_t>(n));
}

int Main(int argc, char** argv) {
  std::string chips_list = "2,4,8";
  int rounds = 2, repeat = 3, running = 1;
  bool worker = false, no_mpi = false;
  po::options_description desc("luoshu_bench_spmd: supernode co-simulation rate");
  desc.add_options()("help,h", "this help")("chips",
                                            po::value(&chips_list)->default_value(chips_list),
                                            "chip counts (rings), comma-separated")(
      "rounds", po::value(&rounds)->default_value(rounds), "rounds of the neighbour-GEMM program")(
      "repeat", po::value(&repeat)->default_value(repeat), "runs per figure (the best is kept)")(
      "running", po::value(&running)->default_value(running),
      "in one process: models simulating at once (0: one per core; 1: a baton)")(
      "no-mpi", po::bool_switch(&no_mpi), "only the in-process runs")(
      "worker", po::bool_switch(&worker), "one MPI run (started by mpirun)");
  po::variables_map vm;
  po::store(po::parse_command_line(argc, argv, desc), vm);
  if (vm.count("help")) {
    std::cout << desc;
    return 0;
  }
  po::notify(vm);
  std::vector<int> chips;
  for (std::stringstream ss(chips_list); ss.good();) {
    std::string item;
    std::getline(ss, item, ',');
    chips.push_back(std::stoi(item));
  }

  if (worker) {
    Run best;
    for (int i = 0; i < repeat; ++i) {
      const Run r = RunOnce(chips.at(0), rounds, tb::SpmdTransport::kMpi, 1);
      if (best.seconds == 0 || r.seconds < best.seconds) best = r;
    }
    if (tb::spmd::MpiWorldRank() == 0) {
      std::printf("worker: %llu %.6f\n", static_cast<unsigned long long>(best.chip_cycles),
                  best.seconds);
    }
    return 0;
  }

  const bool mpi = !no_mpi && tb::spmd::MpiBuilt() && !tb::spmd::MpirunPath().empty();
  if (!no_mpi && !mpi) std::printf("# no MPI in this build: in-process figures only\n");
  const std::string self = SelfPath();
  auto best_in_process = [&](int n, int run) {
    Run best;
    for (int i = 0; i < repeat; ++i) {
      const Run r = RunOnce(n, rounds, tb::SpmdTransport::kInProcess, run);
      if (best.seconds == 0 || r.seconds < best.seconds) best = r;
    }
    return best;
  };
  for (int n : chips) {
    if (running == 1) {
      const Run cores = best_in_process(n, 0);
      std::printf(
          "# %d chips, one process, one model per core: %llu chip-cycles in %.3f s, %.0f/s\n", n,
          static_cast<unsigned long long>(cores.chip_cycles), cores.seconds, cores.Rate());
    }
    const Run one = best_in_process(n, running);
    std::printf(
        "# %d chips, one process (running %d, 0: one per core): %llu chip-cycles in %.3f s\n", n,
        running, static_cast<unsigned long long>(one.chip_cycles), one.seconds);
    std::printf("inproc_sim_rate_%dchip: %.0f\n", n, one.Rate());
    if (!mpi) continue;
    const Run m = RunMpi(self, n, rounds, repeat);
    std::printf("# %d ranks: %llu chip-cycles in %.3f s\n", n,
                static_cast<unsigned long long>(m.chip_cycles), m.seconds);
    if (m.chip_cycles != one.chip_cycles) {
      std::printf("# MPI and one process simulated different cycles: a bug\n");
      return 1;
    }
    std::printf("mpi_sim_rate_%drank: %.0f (%.2f x one process)\n", n, m.Rate(),
                m.Rate() / one.Rate());
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace
}  // namespace luoshu

int main(int argc, char** argv) {
  try {
    return luoshu::Main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "luoshu_bench_spmd: %s\n", e.what());
    return 1;
  }
}
