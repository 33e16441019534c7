// luoshu: the command-line tool, and the composition root of the host stack: the one place
// that links every backend. It registers them (the model backend from sw/model, the RTL
// backend, the Verilated SoC, from tb/soc, the board backend from sw/hal), installs the Ctrl-C /
// SIGTERM handling and maps errors to exit codes:
//   0 success, 1 result differs from the model, 2 bad input (options, files, sizes),
//   3 device fault or hang, or a board that stopped answering, 130 interrupted.
// The subcommands (sw/cli/commands.cc) see only the runtime, the ops and the model reference;
// the backends are linked (sw/cli/CMakeLists.txt) and reached through sw/hal/backend.h.
#include <boost/program_options/errors.hpp>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "sw/cli/commands.h"
#include "sw/common/npy.h"
#include "sw/hal/backend.h"
#include "sw/hal/byte_link.h"
#include "sw/hal/state.h"
#include "sw/hal/stop.h"
#include "sw/runtime/errors.h"
#include "tb/soc/supernode_runner.h"

namespace {

void Usage(std::FILE* to) {
  std::fprintf(to,
               "usage: luoshu <command> [options]\n"
               "commands:\n"
               "  info   the device: backend, configuration, DIM, cores, channels, L0, memory\n"
               "  gemm   C = epilogue(A x B) through the runtime, random or .npy operands,\n"
               "         checked against the functional model, with a performance report\n"
               "  mlp    a two-layer int8 MLP (linear+bias+ReLU+requant, then linear); with\n"
               "         --chips N tensor-parallel across N simulated chips\n"
               "  allreduce  an int32 all-reduce across N simulated chips joined by links\n"
               "         (one process, or one chip per MPI rank with mpirun ... --mpi)\n"
               "  replay re-run a checkpointed gemm / mlp run from a checkpoint, with a wave\n"
               "backends: --backend model (bit-exact functional model), rtl (Verilated SoC) or\n"
               "  board --device PATH (a board or the board simulator over a serial link)\n"
               "run 'luoshu <command> --help' for its options\n");
}

extern "C" void OnSignal(int) { luoshu::hal::RequestStop(); }

}  // namespace

int main(int argc, char** argv) {
  using namespace luoshu;
  // Line-buffered: a killed run still leaves its log up to the last full line.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  if (argc < 2) {
    Usage(stderr);
    return 2;
  }
  const std::string cmd = argv[1];
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    Usage(stdout);
    return 0;
  }
  const std::vector<std::string> args(argv + 2, argv + argc);
  hal::RegisterModelBackend();
  hal::RegisterRtlBackend();
  hal::RegisterBoardBackend();
  tb::RegisterSupernodeRunner();
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  const std::string who = "luoshu " + cmd + ": ";
  try {
    if (cmd == "info") return cli::Info(args);
    if (cmd == "gemm") return cli::Gemm(args);
    if (cmd == "mlp") return cli::Mlp(args);
    if (cmd == "allreduce") return cli::AllReduce(args);
    if (cmd == "replay") return cli::Replay(args);
    std::fprintf(stderr, "luoshu: unknown command '%s'\n", cmd.c_str());
    Usage(stderr);
    return 2;
  } catch (const cli::UsageError& e) {
    std::cerr << who << e.what() << "\n";
    return 2;
  } catch (const boost::program_options::error& e) {
    std::cerr << who << e.what() << " (see luoshu " << cmd << " --help)\n";
    return 2;
  } catch (const InvalidArgument& e) {  // OutOfMemory included
    std::cerr << who << e.what() << "\n";
    return 2;
  } catch (const npy::NpyError& e) {  // an output file that could not be written
    std::cerr << who << e.what() << "\n";
    return 2;
  } catch (const hal::ConfigError& e) {
    std::cerr << who << e.what() << "\n";
    return 2;
  } catch (const hal::StateError& e) {  // a checkpoint that does not fit this run
    std::cerr << who << e.what() << "\n";
    return 2;
  } catch (const Interrupted& e) {
    std::cerr << who << e.what() << "; stopped (waves closed, no output written)\n";
    return 130;
  } catch (const DeviceFault& e) {
    std::cerr << who << "device fault: " << e.what() << "\n";
    cli::PrintReplayHint();
    return 3;
  } catch (const DeviceHang& e) {
    std::cerr << who << "device hang: " << e.what() << "\n";
    cli::PrintReplayHint();
    return 3;
  } catch (const RankFailed& e) {  // a chip of a supernode run faulted, hung or threw
    std::cerr << who << e.what() << "\n";
    return 3;
  } catch (const hal::LinkError& e) {  // the board stopped answering
    std::cerr << who << e.what() << "\n";
    return 3;
  } catch (const std::exception& e) {  // RTL assertions, harness watchdogs
    std::cerr << who << "error: " << e.what() << "\n";
    cli::PrintReplayHint();
    return 1;
  }
}
