// The luoshu tool's subcommands. They see the runtime, the ops library and the model's
// reference only; backends are opened by name (registered by main.cc, the composition root).
#pragma once

#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "sw/common/matrix.h"
#include "sw/ops/mlp.h"

namespace luoshu::cli {

// Bad input on the command line or in a file: exit code 2, the message says what to do.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using Args = std::vector<std::string>;

// Refuses --NAME=v outside lo..hi (UsageError; `why` is appended to the message).
void CheckRange(const char* name, int64_t v, int64_t lo, int64_t hi, const std::string& why = "");
// "SCALE,SHIFT" of a requantization (UsageError when malformed or out of range).
void ParseRequant(const std::string& text, int32_t* scale, int* shift);
// Layer 1's requantization into `w`, then ops::CheckMlp (its InvalidArgument as UsageError).
void SetRequantAndCheck(const Matrix<int8_t>& x, int32_t scale, int shift, ops::MlpWeights* w);
// Random X (batch x in) and weights of `luoshu mlp` (one and several chips draw the same).
void RandomMlp(std::mt19937_64* rng, int batch, int in, int hidden, int out, Matrix<int8_t>* x,
               ops::MlpWeights* w);

int Info(const Args& args);
int Gemm(const Args& args);
int Mlp(const Args& args);
// On a simulated supernode (sw/cli/supernode_commands.cc): an all-reduce, and the
// tensor-parallel MLP (`luoshu mlp --chips N` comes here).
int AllReduce(const Args& args);
int MlpChips(const Args& args);
// Re-runs a checkpointed gemm / mlp run from its checkpoint (sw/hal/replay.h).
int Replay(const Args& args);
// After a failed run that wrote checkpoints: prints (stderr) the `luoshu replay` command that
// re-runs the window from the last checkpoint to the failure with a wave.
void PrintReplayHint();

}  // namespace luoshu::cli
