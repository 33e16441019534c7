// Command-level functional model of one Luoshu AI core (docs/isa.md). It executes a command
// ring in device memory exactly as the hardware does: the sequencer fetches and decodes one
// descriptor at a time from the ring (base, size, head, tail; the host bumps tail as a
// doorbell), dispatches it to the in-order LD / EX / ST queue of its unit (or executes a SYNC
// itself once the queues drain), and each queue starts its head command when the command's
// wait tokens are available. Arithmetic is bit-exact: MATMUL is GemmInt8, STORE applies the
// epilogue of sw/model/epilogue.h. A fault stops the core with a code and the ring index of
// the faulting descriptor until Clear().
//
// The model is the golden reference for the RTL and the fast backend of the host runtime.
// For a race-free program (every cross-queue dependency expressed by tokens) every legal
// interleaving of the queues gives the same memory image; `schedule_seed` picks a random
// legal interleaving to prove that a program is race-free.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "sw/hal/types.h"
#include "sw/isa/luoshu_isa.h"
#include "sw/model/memory.h"

namespace luoshu::model {

// True if [addr, addr + len) lies inside ONE of `windows` (a writable one if `write`); len 0
// always does. What the RTL's window_check compares.
bool InsideOneWindow(const std::vector<hal::Window>& windows, uint64_t addr, uint64_t len,
                     bool write);

// The fault a device access of this core raises: kAccess if it is not inside one granted
// window, else kMemError if it leaves the memory image (an error response), else kNone.
isa::Fault AccessFault(const std::vector<hal::Window>& windows, const DeviceMemory& mem,
                       uint64_t addr, uint64_t len, bool write);

struct CoreConfig {
  int dim = 16;                   // cube is dim x dim (2..64)
  uint32_t l0a_bytes = 64 << 10;  // L0A, L0B, L0C sizes in bytes (multiples of 64)
  uint32_t l0b_bytes = 64 << 10;
  uint32_t l0c_bytes = 128 << 10;
  int queue_depth = 8;               // entries per LD / EX / ST queue (>= 1)
  std::vector<hal::Window> windows;  // granted windows; empty = the core may touch nothing
  // 0: deterministic (the sequencer runs ahead as far as the queues allow, then the oldest
  // runnable queue head goes first). Non-zero: a random legal interleaving from this seed.
  uint64_t schedule_seed = 0;
};

using hal::CoreState;  // a model core is never kBusy: Run() goes to completion

struct FaultRecord {
  isa::Fault code = isa::Fault::kNone;
  uint32_t index = 0;   // ring slot of the faulting descriptor
  std::string message;  // what was wrong, for people
};

struct RetireEvent {
  uint32_t index;  // ring slot
  isa::Opcode op;
};

struct CoreCounters {
  std::array<uint64_t, 4> retired{};  // per isa::Queue
  uint64_t macs = 0;                  // m * n * k of every MATMUL (padding included)
  uint64_t bytes_read = 0;            // device memory, descriptors excluded
  uint64_t bytes_written = 0;
  uint64_t descriptors_fetched = 0;
  uint64_t irqs = 0;
};

// Checks a descriptor against the ISA and this core's configuration (opcode, reserved bits,
// token masks, field ranges, L0 bounds): what the decoder does. Returns kNone if legal, else
// the fault code with the reason in *why.
isa::Fault ValidateDescriptor(const isa::Descriptor& d, const CoreConfig& config, std::string* why);

class CoreModel {
 public:
  // Throws std::invalid_argument for a bad configuration or a null memory.
  CoreModel(const CoreConfig& config, DeviceMemory* memory);

  const CoreConfig& config() const { return config_; }
  // The host may re-grant windows between submissions (the SoC's WIN registers).
  void SetWindows(const std::vector<hal::Window>& windows) { config_.windows = windows; }

  // Program the ring: `size` descriptor slots at `base` (32-byte aligned, size >= 2); head =
  // tail = 0. Only while no command is in flight (idle, or after Clear()); throws otherwise.
  void SetRing(uint32_t base, uint32_t size);
  // Doorbell: commands in slots [head, tail) are ready. Throws if tail >= ring size.
  void SetTail(uint32_t tail);
  // Host convenience: write `program` into the ring at tail (through device memory) and ring
  // the doorbell. Throws if the ring has no room (one slot always stays empty).
  void Submit(const std::vector<isa::Descriptor>& program);
  uint32_t ring_base() const { return ring_base_; }
  uint32_t ring_size() const { return ring_size_; }
  uint32_t head() const { return head_; }
  uint32_t tail() const { return tail_; }

  // Runs until nothing can make progress; returns the state then. Never hangs: a token
  // deadlock becomes fault DEADLOCK.
  CoreState Run();
  // One action (fetch+decode, dispatch, or one queue command). False if none was possible.
  bool Step();
  CoreState state() const;

  const FaultRecord& fault() const { return fault_; }
  // Recover from a fault (or abandon a blocked program): drops every fetched but unretired
  // command, zeroes the tokens, clears the fault and the interrupt. Ring base/size, head and
  // tail, L0 contents and device memory are kept; software then reprograms the ring.
  void Clear();

  bool irq_pending() const { return irq_; }
  void AckIrq() { irq_ = false; }
  int tokens(int channel_bit) const;
  const std::vector<RetireEvent>& retired() const { return retired_; }
  const CoreCounters& counters() const { return counters_; }
  const std::vector<uint8_t>& l0a() const { return l0a_; }
  const std::vector<uint8_t>& l0b() const { return l0b_; }
  const std::vector<int32_t>& l0c() const { return l0c_; }

 private:
  struct Command {
    uint32_t index;
    uint64_t seq;
    isa::Opcode op;
    isa::Descriptor desc;
    uint32_t wait;
    uint32_t signal;
  };
  enum class Action { kNone, kFetch, kDispatch, kExecLd, kExecEx, kExecSt };

  bool Runnable(const Command& c) const;
  bool CanDispatch() const;
  bool QueuesEmpty() const;
  void Perform(Action a);
  void Fetch();
  void Dispatch();
  void Execute(int queue);
  bool ExecLoad(const Command& c);
  bool ExecMatmul(const Command& c);
  bool ExecStore(const Command& c);
  bool ExecVector(const Command& c);  // VADD, VMAX, VREQUANT, VCOPY
  bool ExecSync(const Command& c);
  // Window + memory checks for a device access; on failure raises the fault and returns false.
  bool CheckAccess(const Command& c, uint64_t addr, uint64_t len, bool write, const char* what);
  void RaiseFault(isa::Fault code, uint32_t index, const std::string& message);
  void RaiseDeadlock();

  CoreConfig config_;
  DeviceMemory* mem_;
  std::vector<uint8_t> l0a_, l0b_;
  std::vector<int32_t> l0c_;
  uint32_t ring_base_ = 0, ring_size_ = 0, head_ = 0, tail_ = 0;
  std::optional<Command> fetched_;             // the decode register: fetched, waiting for dispatch
  std::array<std::deque<Command>, 3> queues_;  // LD, EX, ST
  std::array<int, isa::kNumChannels> tokens_{};
  uint64_t seq_ = 0;
  bool faulted_ = false;
  FaultRecord fault_;
  bool irq_ = false;
  std::vector<RetireEvent> retired_;
  CoreCounters counters_;
  std::mt19937_64 rng_;
};

}  // namespace luoshu::model
