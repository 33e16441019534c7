// The MPI side of the supernode tests (supernode_test.cc): started by them as
//   mpirun -np N supernode_mpi_worker <chips> <seed> <fault rate> <rounds> [<failing rank>]
// every rank runs the neighbour-GEMM program on its chip (tb/soc/spmd_gemm_program.h, which
// checks its results bit-exact), except that the failing rank, if given, throws "boom" after
// 1000 cycles while the others wait in a barrier; rank 0 prints every rank's end record as one
// line
//   result <encoded words...>
// for the test to compare with the same run in one process. A failing rank prints
// "rank R: message" and aborts the job (non-zero exit).
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <stdexcept>

#include "tests/system/mpi_worker.h"
#include "tests/system/supernode_cases.h"

int main(int argc, char** argv) {
  using namespace luoshu;
  if (argc != 5 && argc != 6) {
    std::fprintf(stderr, "usage: %s <chips> <seed> <fault rate> <rounds> [<failing rank>]\n",
                 argv[0]);
    return 2;
  }
  const int chips = std::atoi(argv[1]);
  const uint64_t seed = std::strtoull(argv[2], nullptr, 0);
  const double fault_rate = std::atof(argv[3]);
  const int rounds = std::atoi(argv[4]);
  const int failing = argc == 6 ? std::atoi(argv[5]) : -1;
  return tb::ReportMpiRun([&](double* seconds) {
    tb::SupernodeOptions o = supernode_test::Options(chips, seed, fault_rate, "supernode_mpi");
    o.transport = tb::SpmdTransport::kMpi;
    tb::Supernode<supernode_test::Chip> node(o);
    const auto gemms =
        supernode_test::NeighbourGemmProgram(supernode_test::GemmParams(seed, rounds));
    const auto results = node.Run([&](Communicator& comm, hal::HostBus& bus) {
      if (comm.rank() == failing) {
        bus.WaitIrq(1000);
        throw std::runtime_error("boom");
      }
      if (failing >= 0) comm.Barrier();  // waits for the failing rank, which never comes
      gemms(comm, bus);
    });
    *seconds = node.seconds();
    return results;
  });
}
