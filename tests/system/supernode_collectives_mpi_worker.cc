// The MPI side of the collectives' MPI tests (supernode_collectives_test.cc, ..._long_test.cc):
//   mpirun -np N supernode_collectives_mpi_worker <dim_x> <dim_y> <seed> <fault rate> <case>
// every rank runs the named case (collective_rtl_cases.h: NamedCase) on its chip, which checks
// its results bit-exact; rank 0 prints every rank's end record as "result <words...>" lines
// for the test to compare with the same run in one process. A rank whose check fails, or
// that throws, prints "rank R: message" and aborts the job (non-zero exit).
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <stdexcept>
#include <string>

#include "tests/system/collective_rtl_cases.h"
#include "tests/system/mpi_worker.h"

int main(int argc, char** argv) {
  using namespace luoshu;
  using namespace luoshu::collective_test;
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s <dim_x> <dim_y> <seed> <fault rate> <case>\n", argv[0]);
    return 2;
  }
  const Topology t = Topology::Torus(std::atoi(argv[1]), std::atoi(argv[2]));
  const uint64_t seed = std::strtoull(argv[3], nullptr, 0);
  return tb::ReportMpiRun([&](double* seconds) {
    tb::SupernodeOptions o = RtlOptions(t, seed, std::atof(argv[4]), "collectives_mpi");
    o.transport = tb::SpmdTransport::kMpi;
    tb::Supernode<Chip> node(o);
    const auto program = NamedCase(argv[5], seed);
    const auto results = node.Run([&](Communicator& comm, hal::HostBus& bus) {
      Device dev = DeviceOn(bus);
      const std::string error = program(comm, dev);
      if (!error.empty()) throw std::runtime_error(error);
    });
    *seconds = node.seconds();
    return results;
  });
}
