// GoogleTest helpers of the supernode SPMD tests (supernode_test.cc, supernode_long_test.cc):
// the neighbour-GEMM run in one process, the same run under mpirun (the worker,
// supernode_mpi_worker.cc, started through tb::spmd::MpirunCommand) and their comparison.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "sw/common/shell.h"
#include "tb/gtest_util.h"
#include "tests/system/supernode_cases.h"

namespace luoshu::supernode_test {

using tb::RankResult;
using tb::Supernode;
using tb::SupernodeError;

inline std::vector<RankResult> RunGemms(tb::SupernodeOptions o, int rounds, int running = 1) {
  o.running = running;
  Supernode<Chip> node(o);
  return node.Run(NeighbourGemmProgram(GemmParams(o.seed, rounds)));
}

// Every chip stops at the same cycle (the end is a barrier); faults were injected.
inline void ExpectCommonEnd(const std::vector<RankResult>& rs, int chips) {
  ASSERT_EQ(rs.size(), static_cast<size_t>(chips));
  uint64_t faults = 0;
  for (const auto& r : rs) {
    EXPECT_EQ(r.cycles, rs[0].cycles) << r.ToString();
    EXPECT_EQ(r.lane_cycles % 16, 0u) << r.ToString();
    faults += r.Faults();
    std::printf("[          ] %s\n", r.ToString().c_str());
  }
  EXPECT_GT(faults, 0u) << "no fault was injected: raise the rate";
}

inline void ExpectSame(const std::vector<RankResult>& a, const std::vector<RankResult>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_TRUE(a[i].SameEnd(b[i])) << a[i].ToString() << "\n vs " << b[i].ToString();
    EXPECT_EQ(a[i].Encode(), b[i].Encode()) << "rank " << i << ": link statistics differ";
  }
}

// Runs `worker_and_args` (a worker binary and its arguments) under `mpirun -np ranks`; returns
// its exit status and its output in *out (standard output, and standard error too if
// `with_errors`: then lines of the two may interleave).
inline int RunMpi(int ranks, const std::string& worker_and_args, std::string* out,
                  bool with_errors = false) {
  const std::string cmd =
      tb::spmd::MpirunCommand(ranks, worker_and_args + (with_errors ? " 2>&1" : ""));
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot start: " + cmd);
  char buf[4096];
  while (fgets(buf, sizeof buf, pipe)) *out += buf;
  return pclose(pipe);
}

// Runs `worker_and_args` under `mpirun -np ranks` and returns the end records rank 0 printed
// ("result <encoded words...>" lines); a non-zero exit is a test failure (and no records).
inline std::vector<RankResult> RunWorkerUnderMpi(int ranks, const std::string& worker_and_args) {
  std::string out;
  const int status = RunMpi(ranks, worker_and_args, &out);
  if (status != 0) {
    ADD_FAILURE() << worker_and_args << " on " << ranks << " ranks exited with " << status
                  << "; its output:\n"
                  << out;
    return {};
  }
  std::vector<RankResult> rs;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream in(line);
    std::string word;
    if (!(in >> word) || word != "result") continue;
    std::vector<uint64_t> v;
    for (unsigned long long x; in >> x;) v.push_back(x);
    rs.push_back(RankResult::Decode(v));
  }
  return rs;
}

// Skips the test (with the reason) where mpirun cannot be used.
#define LUOSHU_SKIP_WITHOUT_MPI()                                                       \
  do {                                                                                  \
    if (!tb::spmd::MpiBuilt()) {                                                        \
      GTEST_SKIP() << "this build has no MPI (Open MPI not found by CMake)";            \
    }                                                                                   \
    if (tb::spmd::MpirunPath().empty()) GTEST_SKIP() << "no mpirun was found by CMake"; \
  } while (0)

#ifdef LUOSHU_SUPERNODE_WORKER
// The MPI run of RunGemms(Options(chips, seed, fault_rate), rounds), via mpirun.
inline std::vector<RankResult> RunUnderMpi(int chips, uint64_t seed, double fault_rate,
                                           int rounds) {
  return RunWorkerUnderMpi(chips, ShellWord(LUOSHU_SUPERNODE_WORKER) + " " + std::to_string(chips) +
                                      " " + std::to_string(seed) + " " +
                                      std::to_string(fault_rate) + " " + std::to_string(rounds));
}

inline void ExpectMpiMatchesOneProcess(int chips, uint64_t seed, int rounds) {
  LUOSHU_SKIP_WITHOUT_MPI();
  const double rate = 0.01;
  const auto one = RunGemms(Options(chips, seed, rate, "supernode_mpi"), rounds);
  ExpectCommonEnd(one, chips);
  const auto mpi = RunUnderMpi(chips, seed, rate, rounds);
  ExpectSame(one, mpi);
}

#endif  // LUOSHU_SUPERNODE_WORKER

}  // namespace luoshu::supernode_test
