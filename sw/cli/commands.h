// The luoshu tool's subcommands. They see the runtime, the ops library and the model's
// reference only; backends are opened by name (registered by main.cc, the composition root).
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace luoshu::cli {

// Bad input on the command line or in a file: exit code 2, the message says what to do.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using Args = std::vector<std::string>;

int Info(const Args& args);
int Gemm(const Args& args);
int Mlp(const Args& args);
// Re-runs a checkpointed gemm / mlp run from its checkpoint (sw/hal/replay.h).
int Replay(const Args& args);
// After a failed run that wrote checkpoints: prints (stderr) the `luoshu replay` command that
// re-runs the window from the last checkpoint to the failure with a wave.
void PrintReplayHint();

}  // namespace luoshu::cli
