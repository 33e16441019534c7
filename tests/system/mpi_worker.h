// The end of an MPI worker of the supernode tests (started by them under mpirun): rank 0
// prints every rank's end record as one line
//   result <encoded words...>
// for the test to compare with the same run in one process; a rank's error prints
// "rank R: message" and the worker exits 1 (the harness aborts the job).
#pragma once

#include <cstdio>
#include <exception>
#include <functional>
#include <vector>

#include "tb/soc/spmd_transport.h"
#include "tb/soc/supernode.h"

namespace luoshu::tb {

// `run` runs the supernode and returns its results; `seconds` its wall time, for stderr.
inline int ReportMpiRun(const std::function<std::vector<RankResult>(double* seconds)>& run) {
  try {
    double seconds = 0;
    const std::vector<RankResult> results = run(&seconds);
    if (spmd::MpiWorldRank() == 0) {
      for (const auto& r : results) {
        std::printf("result");
        for (uint64_t v : r.Encode()) std::printf(" %llu", static_cast<unsigned long long>(v));
        std::printf("\n");
      }
      std::fprintf(stderr, "MPI run: %.2f s\n", seconds);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rank %d: %s\n", spmd::MpiWorldRank(), e.what());
    return 1;
  }
  return 0;
}

}  // namespace luoshu::tb
