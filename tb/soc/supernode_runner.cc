#include "tb/soc/supernode_runner.h"

#include <memory>
#include <stdexcept>
#include <string>

#include "Vsoc_chip.h"
#include "Vsoc_chip_params.h"
#include "Vsoc_chip_w64.h"
#include "Vsoc_chip_w64_params.h"
#include "sw/runtime/errors.h"
#include "sw/runtime/supernode.h"
#include "tb/soc/borrowed_bus.h"
#include "tb/soc/supernode.h"

namespace luoshu::tb {
namespace {

// Command ring slots per core: small, so a chip's memory holds big buffers.
constexpr uint32_t kRingSlots = 256;

template <class Chip>
SupernodeRun RunOn(const SupernodeConfig& c, const SupernodeProgram& program) {
  SupernodeOptions o;
  o.topology = c.dim_y == 1 ? c2c::Topology::Ring(c.dim_x) : c2c::Topology::Torus(c.dim_x, c.dim_y);
  o.latency = c.link_latency;
  o.mem_size = c.mem_bytes;
  o.faults.corrupt.fill(c.link_error_rate);
  o.faults.drop.fill(c.link_error_rate);
  o.seed = c.seed;
  o.name = c.run_name;
  o.transport = c.mpi ? SpmdTransport::kMpi : SpmdTransport::kInProcess;
  std::unique_ptr<Supernode<Chip>> node;
  try {
    node = std::make_unique<Supernode<Chip>>(o);
  } catch (const std::invalid_argument& e) {
    throw InvalidArgument(e.what());
  }
  std::vector<RankResult> results;
  try {
    results = node->RunWithValues([&](Communicator& comm, hal::HostBus& bus) {
      Device dev(std::make_unique<BorrowedBus>(&bus), kRingSlots);
      return program(comm, dev);
    });
  } catch (const SupernodeError& e) {
    // SIGINT / SIGTERM: the harness stops every rank and names the signal.
    if (std::string(e.what()).find("interrupted") != std::string::npos) throw Interrupted(e.what());
    throw RankFailed(e.what());
  }
  SupernodeRun run;
  run.seconds = node->seconds();
  run.root = !c.mpi || (!results.empty() && results[0].rank == 0 &&
                        static_cast<int>(results.size()) == c.chips());
  for (const RankResult& r : results) {
    SupernodeRankEnd e;
    e.rank = r.rank;
    e.cycles = r.cycles;
    e.memory_hash = r.memory_hash;
    e.link_frames = r.Frames();
    e.link_faults_injected = r.Faults();
    e.values = r.values;
    run.ranks.push_back(e);
  }
  return run;
}

}  // namespace

void RegisterSupernodeRunner() {
  static_assert(VerilatedParams<Vsoc_chip>::LinkLaneW != VerilatedParams<Vsoc_chip_w64>::LinkLaneW,
                "one chip model per lane width");
  luoshu::RegisterSupernodeRunner(
      {VerilatedParams<Vsoc_chip>::LinkLaneW, VerilatedParams<Vsoc_chip_w64>::LinkLaneW},
      [](const SupernodeConfig& c, const SupernodeProgram& p) {
        if (c.link_width == VerilatedParams<Vsoc_chip_w64>::LinkLaneW)
          return RunOn<Vsoc_chip_w64>(c, p);
        if (c.link_width == VerilatedParams<Vsoc_chip>::LinkLaneW) return RunOn<Vsoc_chip>(c, p);
        throw InvalidArgument("no chip model with " + std::to_string(c.link_width) + "-bit lanes");
      });
}

}  // namespace luoshu::tb
