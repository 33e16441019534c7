// Checkpoint and replay of a long run, as record/replay of the host thread.
//
// The host program (runtime + ops) is deterministic for given arguments, so a checkpoint does
// not serialize it: it stores the tool's arguments, the log of the host-bus operations done so
// far (register reads and their values, memory reads and their data, waits and their
// outcomes, the cycle after each) and the backend's whole state (HostBus::SaveState: for the
// RTL backend the Verilated model, device memory, the memory channel models with their random
// streams and bursts in flight, the interrupt monitor, the register master).
//
// Recording, ReplayBus wraps the backend: it forwards every operation, logs it, and every
// `every` cycles, at an operation boundary or inside a long wait (split at the due cycle), it
// writes a checkpoint file, keeping the last `keep`. Replaying, the same host program runs
// again over a new backend: its first K operations are served from the log without simulating
// (and checked against it: a program that does something else is refused), then the backend
// state is restored and the rest runs live, optionally stopping at cycle `until`.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "sw/hal/host_bus.h"
#include "sw/hal/state.h"

namespace luoshu::hal {

// One logged host-bus operation: its inputs a, b, c (checked when it is served again), its
// result r and its data (see replay.cc for each kind).
struct BusOp {
  enum Kind : uint8_t {
    kReadReg = 1,
    kWriteReg,
    kWriteMem,
    kReadMem,
    kWaitIrq,
    kRecordUnitEvents,
    kTakeUnitEvents,
  };
  Kind kind = kReadReg;
  uint64_t a = 0, b = 0, c = 0;
  uint64_t r = 0;
  uint64_t cycle = 0;  // Now() after the operation
  std::string data;    // memory read data, unit events
  std::string error;   // the BusError it threw, if it did
};

// What a checkpoint file holds.
struct Checkpoint {
  std::string path;      // where it was loaded from
  std::string tool;      // the luoshu version that wrote it
  std::string state_id;  // HostBus::StateId() of the backend that saved it
  std::string command;   // "gemm", "mlp"
  std::vector<std::string> args;
  uint64_t cycle = 0;     // the backend's cycle at the checkpoint
  uint64_t interval = 0;  // cycles between checkpoints
  // A checkpoint inside WaitIrq(wait_max) that began at cycle wait_start (wait_max 0: none).
  uint64_t wait_start = 0, wait_max = 0;
  std::vector<BusOp> ops;  // the operations before it
  std::string state;       // HostBus::SaveState()
};

// Reads and checks a checkpoint; StateError saying what is wrong (missing, not a checkpoint,
// another format version, truncated, corrupt).
Checkpoint LoadCheckpoint(const std::string& path);

// The run stopped at the cycle the replay was asked to stop at.
class ReplayStop : public std::runtime_error {
 public:
  ReplayStop(const std::string& what, uint64_t cycle) : std::runtime_error(what), cycle_(cycle) {}
  uint64_t cycle() const { return cycle_; }

 private:
  uint64_t cycle_;
};

// What a recording or a replay has done so far, for the tool's messages (it outlives the bus).
struct ReplayStatus {
  std::string last_checkpoint;  // path of the newest checkpoint written ("" = none)
  uint64_t last_checkpoint_cycle = 0;
  std::vector<std::string> kept;  // the checkpoints on disk, oldest first
  uint64_t checkpoints = 0;       // written by this run
  double save_seconds = 0;        // wall time spent writing them
  uint64_t cycle = 0;             // after the last operation, or where one failed
  bool restored = false;          // replay: the checkpoint's state is in the backend
};

struct RecordOptions {
  uint64_t every = 0;  // cycles between checkpoints (the first is taken at the first operation)
  std::string dir;     // created if missing
  std::string name;    // files <dir>/<name>.c<cycle>.ckpt
  int keep = 3;        // older checkpoints of the run are deleted
  std::string tool, command;
  std::vector<std::string> args;
};

class ReplayBus : public HostBus {
 public:
  // Recording over `inner` (its StateId() must not be empty). Deletes the checkpoints a
  // previous run of the same name left in the folder. ConfigError if the folder cannot be made.
  ReplayBus(std::unique_ptr<HostBus> inner, RecordOptions options,
            std::shared_ptr<ReplayStatus> status);
  // Replaying `checkpoint` over `inner`, a backend opened with the recorded options; stops
  // (ReplayStop) at the first operation boundary at or after `until`. StateError if the
  // checkpoint belongs to another build or configuration.
  ReplayBus(std::unique_ptr<HostBus> inner, Checkpoint checkpoint, uint64_t until,
            std::shared_ptr<ReplayStatus> status);

  uint32_t ReadReg(uint32_t offset) override;
  void WriteReg(uint32_t offset, uint32_t value) override;
  void WriteMem(uint64_t addr, const void* src, uint64_t len) override;
  void ReadMem(uint64_t addr, void* dst, uint64_t len) override;
  uint64_t mem_base() const override { return inner_->mem_base(); }
  uint64_t mem_size() const override { return inner_->mem_size(); }
  bool WaitIrq(uint64_t max_cycles) override;
  uint64_t Now() const override { return live_ ? inner_->Now() : cycle_; }
  std::string Describe() const override { return inner_->Describe(); }
  std::string WavePath() const override { return inner_->WavePath(); }
  bool RecordUnitEvents(bool on) override;
  std::vector<UnitEvent> TakeUnitEvents() override;
  bool UnitEventsExact() const override { return inner_->UnitEventsExact(); }
  std::string StateId() const override { return inner_->StateId(); }

 private:
  // Before an operation: replaying, serve it from the log (returns the logged op) or restore
  // the state once the log is used up; live, stop at `until` or take a due checkpoint.
  const BusOp* Enter(BusOp::Kind kind, uint64_t a, uint64_t b = 0, uint64_t c = 0);
  // Runs a live operation `fn`, then logs `op` (recording) with the BusError it threw, if any.
  template <class Fn>
  void Live(BusOp* op, Fn fn);
  void Done(BusOp* op);
  void Restore();
  void TakeCheckpoint(uint64_t wait_start, uint64_t wait_max);
  // Lets up to `max_cycles` pass from `start`, in pieces that end at due checkpoints and at
  // `until`.
  bool Wait(uint64_t start, uint64_t max_cycles);
  [[noreturn]] void Diverged(const BusOp& want, BusOp::Kind kind, uint64_t a, uint64_t b) const;

  std::unique_ptr<HostBus> inner_;
  std::shared_ptr<ReplayStatus> status_;
  bool recording_ = false;
  bool live_ = true;  // operations go to the backend (false: served from the log)
  // Recording.
  RecordOptions rec_;
  StateWriter log_;  // the operations so far, as a checkpoint stores them
  uint64_t logged_ = 0;
  uint64_t due_ = 0;
  // Replaying.
  Checkpoint ckpt_;
  size_t pos_ = 0;
  uint64_t until_ = UINT64_MAX;
  uint64_t cycle_ = 0;  // Now() while serving from the log
};

}  // namespace luoshu::hal
