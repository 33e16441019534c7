// The MPI transport where CMake found no MPI (tb/soc/spmd_transport.h): asking for it says how
// to get it.
#include "tb/soc/spmd_transport.h"

namespace luoshu::tb::spmd {

std::unique_ptr<Transport> MakeMpiTransport(const c2c::Topology& topology, size_t words) {
  (void)topology;
  (void)words;
  throw std::runtime_error(
      "this build has no MPI: Open MPI was not found when CMake ran; install it "
      "(scripts/install-deps.sh: openmpi-bin libopenmpi-dev) and reconfigure");
}
bool MpiBuilt() { return false; }
int MpiWorldRank() { return 0; }
int MpiWorldSize() { return 1; }

}  // namespace luoshu::tb::spmd
