// SPMD supernode runs (tb/soc/supernode.h, docs/supernode.md "MPI synchronization"): one host
// program per chip. In one process (a thread per chip) and under mpirun (a process per chip),
// the same program must end every chip at the same cycle with the same memory image; barriers
// leave at the same cycle on every chip whatever the arrival order; a failing rank, a rank that
// ends while the others wait, and an interrupt stop the run with the rank's message, not a hang.
#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "tb/gtest_util.h"
#include "tests/system/supernode_cases.h"

namespace luoshu::supernode_test {
namespace {

using tb::RankResult;
using tb::Supernode;
using tb::SupernodeError;

std::vector<RankResult> RunGemms(tb::SupernodeOptions o, int rounds, int running = 1) {
  o.running = running;
  Supernode<Chip> node(o);
  return node.Run(NeighbourGemmProgram(GemmParams(o.seed, rounds)));
}

// Every chip stops at the same cycle (the end is a barrier); faults were injected.
void ExpectCommonEnd(const std::vector<RankResult>& rs, int chips) {
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

void ExpectSame(const std::vector<RankResult>& a, const std::vector<RankResult>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_TRUE(a[i].SameEnd(b[i])) << a[i].ToString() << "\n vs " << b[i].ToString();
    EXPECT_EQ(a[i].Encode(), b[i].Encode()) << "rank " << i << ": link statistics differ";
  }
}

TEST(SupernodeTest, RingOfTwoNeighbourGemmsAreBitExactAndIndependentOfScheduling) {
  const uint64_t seed = tb::SeedFromEnv(71);
  const auto o = Options(2, seed, 0.01, tb::CurrentTestName());
  const auto one = RunGemms(o, 1, 1);  // a baton: one model at a time
  ExpectCommonEnd(one, 2);
  ExpectSame(one, RunGemms(o, 1, 2));  // both models at once
}

TEST(SupernodeTest, RingOfFourTwoRounds) {
  const auto o = Options(4, tb::SeedFromEnv(72), 0.01, tb::CurrentTestName());
  const auto one = RunGemms(o, 2, 1);
  ExpectCommonEnd(one, 4);
  ExpectSame(one, RunGemms(o, 2, 3));
}

TEST(SupernodeTest, BarrierLeavesAtTheSameCycleOnEveryChip) {
  // Ranks arrive far apart (rank r after 700 r + 5 idle cycles); everyone leaves at boundary
  // max(arrival) + diameter - 1 (ring of 4: diameter 2), i.e. the same lane cycle.
  auto o = Options(4, 3, 0, tb::CurrentTestName());
  std::vector<uint64_t> arrive(4), leave(4), start(4);
  Supernode<Chip> node(o);
  node.Run([&](Communicator& comm, hal::HostBus& bus) {
    const int r = comm.rank();
    start[r] = bus.Now();
    EXPECT_FALSE(bus.WaitIrq(700 * r + 5));  // nothing raises it: just time
    arrive[r] = bus.Now() - start[r];
    comm.Barrier();
    leave[r] = bus.Now() - start[r];
    comm.Barrier();  // a second one at once: leaves diameter - 1 windows later
    EXPECT_EQ(bus.Now() - start[r], leave[r] + 16 * 2) << "rank " << r;
  });
  uint64_t last = 0;
  for (uint64_t a : arrive) last = std::max(last, a / 16 + 1);  // the boundary after arrival
  for (int r = 0; r < 4; ++r) EXPECT_EQ(leave[r], (last + 1) * 16) << "rank " << r;
}

TEST(SupernodeTest, ARankExceptionStopsTheRunWithItsMessage) {
  auto o = Options(4, 4, 0.01, tb::CurrentTestName());
  Supernode<Chip> node(o);
  try {
    node.Run([](Communicator& comm, hal::HostBus& bus) {
      if (comm.rank() == 2) {
        bus.WaitIrq(1000);
        throw std::runtime_error("boom");
      }
      comm.Barrier();  // the others wait here for rank 2, which never comes
    });
    FAIL() << "the run did not fail";
  } catch (const SupernodeError& e) {
    EXPECT_STREQ(e.what(), "rank 2: boom");
  }
}

TEST(SupernodeTest, EndingWhileAnotherRankWaitsInBarrierIsAnError) {
  Supernode<Chip> node(Options(2, 5, 0, tb::CurrentTestName()));
  try {
    node.Run([](Communicator& comm, hal::HostBus&) {
      if (comm.rank() == 0) comm.Barrier();
    });
    FAIL() << "the run did not fail";
  } catch (const SupernodeError& e) {
    EXPECT_NE(std::string(e.what()).find("rank 1 ended its program while rank 0 waits in "
                                         "Barrier() #1"),
              std::string::npos)
        << e.what();
  }
}

TEST(SupernodeTest, BarrierTimesOut) {
  auto o = Options(2, 6, 0, tb::CurrentTestName());
  o.barrier_timeout = 2000;
  Supernode<Chip> node(o);
  try {
    node.Run([](Communicator& comm, hal::HostBus& bus) {
      if (comm.rank() == 1) bus.WaitIrq(100000);
      comm.Barrier();
    });
    FAIL() << "the run did not fail";
  } catch (const SupernodeError& e) {
    EXPECT_NE(std::string(e.what()).find("rank 0: Barrier() #1: waited"), std::string::npos)
        << e.what();
  }
}

TEST(SupernodeTest, AnInterruptStopsEveryRank) {
  Supernode<Chip> node(Options(2, 7, 0, tb::CurrentTestName()));
  try {
    node.Run([](Communicator& comm, hal::HostBus& bus) {
      if (comm.rank() == 0) std::raise(SIGINT);
      bus.WaitIrq(100000);
    });
    FAIL() << "the run did not fail";
  } catch (const SupernodeError& e) {
    EXPECT_NE(std::string(e.what()).find("interrupted (signal 2)"), std::string::npos) << e.what();
  }
}

// The MPI run of RunGemms(Options(chips, seed, fault_rate), rounds), via mpirun.
std::vector<RankResult> RunUnderMpi(int chips, uint64_t seed, double fault_rate, int rounds) {
  const std::string cmd =
      tb::spmd::MpirunCommand(chips, std::string(LUOSHU_SUPERNODE_WORKER) + " " +
                                         std::to_string(chips) + " " + std::to_string(seed) + " " +
                                         std::to_string(fault_rate) + " " + std::to_string(rounds));
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot start: " + cmd);
  std::string out;
  char buf[4096];
  while (fgets(buf, sizeof buf, pipe)) out += buf;
  const int status = pclose(pipe);
  if (status != 0) {
    ADD_FAILURE() << cmd << " exited with " << status << "; its output:\n" << out;
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

void ExpectMpiMatchesOneProcess(int chips, uint64_t seed, int rounds) {
  if (!tb::spmd::MpiBuilt()) GTEST_SKIP() << "this build has no MPI (Open MPI not found by CMake)";
  if (tb::spmd::MpirunPath().empty()) GTEST_SKIP() << "no mpirun was found by CMake";
  const double rate = 0.01;
  const auto one = RunGemms(Options(chips, seed, rate, "supernode_mpi"), rounds);
  ExpectCommonEnd(one, chips);
  const auto mpi = RunUnderMpi(chips, seed, rate, rounds);
  ExpectSame(one, mpi);
}

TEST(SupernodeMpiTest, TwoRanksMatchOneProcess) {
  ExpectMpiMatchesOneProcess(2, tb::SeedFromEnv(73), 1);
}

}  // namespace
}  // namespace luoshu::supernode_test
