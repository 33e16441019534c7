// The collectives and the tensor-parallel MLP on Verilated chips (tb/soc/supernode.h): each
// rank's program opens a luoshu::Device on its chip's bus and runs the cases of
// tests/sw/ops/collective_cases.h, which check every rank's result against the host
// reference. Used by supernode_collectives_test.cc (2 and 4 chips) and its long variant (8).
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "Vsoc_chip.h"
#include "Vsoc_chip_params.h"
#include "sw/runtime/device.h"
#include "tb/gtest_util.h"
#include "tb/random.h"
#include "tb/soc/borrowed_bus.h"
#include "tb/soc/supernode.h"
#include "tests/sw/ops/collective_cases.h"

namespace luoshu::collective_test {

using Chip = Vsoc_chip;
using tb::c2c::Topology;

// Ring slots per core: small, so a chip's memory holds big buffers.
constexpr uint32_t kRingSlots = 256;

inline Device DeviceOn(hal::HostBus& bus) {
  return Device(std::make_unique<tb::BorrowedBus>(&bus), kRingSlots);
}

inline tb::SupernodeOptions RtlOptions(const Topology& t, uint64_t seed, double fault_rate,
                                       const std::string& name) {
  tb::SupernodeOptions o;
  o.topology = t;
  o.latency = 16;
  o.mem_size = 1 << 20;
  o.memory.latency = 30;
  o.seed = seed;
  o.name = name;  // the wave files' (no effect on the run)
  o.faults.corrupt.fill(fault_rate);
  o.faults.drop.fill(fault_rate);
  return o;
}

// Runs `cases(comm, dev)` on every rank; each returns "" or what was wrong. Prints the
// per-rank cycles and link faults, fails the test on any rank's error, and returns every
// rank's end record (cycles, memory hash, link statistics). On the tests' chip, or another
// supernode chip model (`C`).
template <class C = Chip>
std::vector<tb::RankResult> RunOnRtl(
    const Topology& t, uint64_t seed, double fault_rate,
    const std::function<std::string(Communicator&, Device&)>& cases) {
  tb::Supernode<C> node(RtlOptions(t, seed, fault_rate, tb::CurrentTestName()));
  std::mutex mu;
  std::vector<std::string> errors(t.chips());
  const auto results = node.Run([&](Communicator& comm, hal::HostBus& bus) {
    Device dev = DeviceOn(bus);
    const std::string e = cases(comm, dev);
    std::lock_guard<std::mutex> l(mu);
    errors[comm.rank()] = e;
  });
  uint64_t faults = 0;
  for (const auto& r : results) faults += r.Faults();
  std::printf("[          ] %s: %llu chip cycles, %llu link faults injected, %.1f s\n",
              t.Name().c_str(), static_cast<unsigned long long>(results[0].cycles),
              static_cast<unsigned long long>(faults), node.seconds());
  for (int r = 0; r < t.chips(); ++r) EXPECT_EQ(errors[r], "") << t.Name() << " rank " << r;
  if (fault_rate > 0) {
    EXPECT_GT(faults, 0u) << "no link fault was injected: raise the rate";
  }
  return results;
}

// Every collective once, odd sizes: all-reduce pushing and pulling with the algorithm(s) the
// topology allows, all-gather pushing, broadcast pulling from the last rank.
inline std::string AllCollectives(Communicator& comm, Device& dev, uint64_t seed) {
  std::string err;
  ops::CollectiveOptions ring;
  ring.algorithm = ops::AllReduceAlgorithm::kRing;
  err += AllReduceCase(dev, comm, seed, 1001, ring).error;
  ring.push = false;
  err += AllReduceCase(dev, comm, seed + 4, 1001, ring).error;
  if (comm.dim_y() > 1) {
    ops::CollectiveOptions torus;
    torus.algorithm = ops::AllReduceAlgorithm::kTorus2d;
    err += AllReduceCase(dev, comm, seed + 1, 777, torus).error;
  }
  err += AllGatherCase(dev, comm, seed + 2, 60 * comm.size()).error;
  ops::CollectiveOptions pull;
  pull.push = false;
  err += BroadcastCase(dev, comm, seed + 3, 301, comm.size() - 1, pull).error;
  return err;
}

// The programs the MPI worker (supernode_collectives_mpi_worker.cc) runs by name, so a test
// can run the same one in one process: "all" (AllCollectives), "mlp" (the tensor-parallel MLP
// and a 20,011-value all-reduce).
inline std::function<std::string(Communicator&, Device&)> NamedCase(const std::string& name,
                                                                    uint64_t seed) {
  if (name == "all") {
    return [seed](Communicator& comm, Device& dev) { return AllCollectives(comm, dev, seed); };
  }
  if (name == "mlp") {
    return [seed](Communicator& comm, Device& dev) {
      return TensorParallelMlpCase(dev, comm, seed, {8, 16, 64, 12}, true).error +
             AllReduceCase(dev, comm, seed + 9, 20011).error;
    };
  }
  throw std::invalid_argument("no collective case called '" + name + "' (all, mlp)");
}

}  // namespace luoshu::collective_test
