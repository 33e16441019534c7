// SPMD supernode runs (tb/soc/supernode.h, docs/supernode.md "MPI synchronization"): one host
// program per chip. In one process (a thread per chip) and under mpirun (a process per chip),
// the same program must end every chip at the same cycle with the same memory image; barriers
// leave at the same cycle on every chip whatever the arrival order; a failing rank, a rank that
// ends while the others wait, and an interrupt stop the run with the rank's message, not a hang.
#include <gtest/gtest.h>

#include <csignal>
#include <string>
#include <vector>

#include "sw/common/shell.h"
#include "tb/gtest_util.h"
#include "tests/system/supernode_checks.h"

namespace luoshu::supernode_test {
namespace {

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

TEST(SupernodeMpiTest, TwoRanksMatchOneProcess) {
  ExpectMpiMatchesOneProcess(2, tb::SeedFromEnv(73), 1);
}

TEST(SupernodeMpiTest, ARankExceptionEndsTheJobWithItsMessage) {
  // Rank 1 throws while rank 0 waits for it in a barrier: the job ends, not hangs, and says
  // which rank failed and why.
  LUOSHU_SKIP_WITHOUT_MPI();
  std::string out;
  EXPECT_NE(RunMpi(2, ShellWord(LUOSHU_SUPERNODE_WORKER) + " 2 1 0 1 1", &out, true), 0) << out;
  EXPECT_NE(out.find("rank 1: boom"), std::string::npos) << out;
}

}  // namespace
}  // namespace luoshu::supernode_test
