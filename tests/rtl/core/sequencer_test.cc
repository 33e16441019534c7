// The sequencer alone against CoreModel: C++ fake units (random accept delay and run time,
// faults computed the way the model computes them) and a MemSlave over a DeviceMemory that
// holds the ring. Each run is compared with the model running the same ring: the commands
// each unit received and their order, retire and fetch counts, tokens, state, head, the
// fault code and index, the SYNC words and the interrupt. The fake units also check the
// token rule on the wire: every wait a command takes at its start was given by a done that
// came strictly earlier.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "Vsequencer_d16.h"
#include "Vsequencer_d16_params.h"
#include "Vsequencer_small.h"
#include "Vsequencer_small_params.h"
#include "Vsequencer_small_pipe.h"
#include "Vsequencer_small_pipe_params.h"
#include "sw/isa/builder.h"
#include "sw/isa/luoshu_isa.h"
#include "sw/isa/vector.h"
#include "sw/model/core_model.h"
#include "sw/model/memory.h"
#include "tb/agents/core_ports.h"
#include "tb/agents/mem_slave.h"
#include "tb/bits.h"
#include "tb/gtest_util.h"
#include "tb/options.h"
#include "tb/random.h"
#include "tb/sim.h"

namespace luoshu {
namespace {

using hal::Window;
using isa::Descriptor;
using isa::Fault;
using isa::Opcode;
using model::CoreState;

constexpr uint64_t kMemBytes = 1 << 20;  // device memory [0, 1 MiB)
constexpr uint32_t kRing = 0x80000;      // ring base
constexpr uint32_t kData = 0x10000;      // LOAD / STORE operands
constexpr uint32_t kSync = 0x90000;      // SYNC words (STOREs never write here)
constexpr int kUnits = 3;                // LD, EX, ST
constexpr int kCounterW = isa::kCounterWidth;

// A Verilated configuration and the parameters it was built with (V<name>_params.h).
template <class M, class P = VerilatedParams<M>>
struct Config {
  using Model = M;
  static constexpr int kDim = P::Dim, kDepth = P::QueueDepth;
  // A ring set acts (and a refused one pulses ctl_error) this many cycles after its pulse;
  // so does a clear.
  static constexpr int kRingSetDelay = int(P::DecodePipe);
  static constexpr int kClearDelay = int(P::DecodePipe);
  static constexpr uint32_t kL0a = P::L0aBytes, kL0b = P::L0bBytes, kL0c = P::L0cBytes;
};
using D16 = Config<Vsequencer_d16>;
using Small = Config<Vsequencer_small>;
using SmallPipe = Config<Vsequencer_small_pipe>;  // DecodePipe = 1 (the FPGA build)

// The sequencer's state_o, in the generated state values.
template <class Dut>
CoreState RtlState(const Dut& d) {
  return static_cast<CoreState>(d.state_o);
}

std::vector<Window> AllMemory() { return {{0, kMemBytes, true}}; }

// ---- timing of the environment ----
struct Timing {
  int mem_latency = 2, mem_write_latency = 2;
  double mem_stall = 0;  // AR/AW/W ready low and R/B gaps, per cycle
  int accept_max = 0;    // a unit keeps cmd_ready low 0..accept_max cycles after going idle
  int run_min = 1, run_max = 3;
  // The LD unit takes a second command while busy, as MTE-in does (the sequencer's Overlap).
  bool ld_overlap = false;
  int ld_extra = 0;  // cycles added to every LD command's run time
};

Timing RandomTiming(tb::Rng& rng) {
  Timing t;
  t.mem_latency = static_cast<int>(rng.Uniform(1, 25));
  t.mem_write_latency = static_cast<int>(rng.Uniform(1, 15));
  t.mem_stall = rng.Chance(0.5) ? 0.4 : 0.0;
  t.accept_max = static_cast<int>(rng.Uniform(0, 6));
  t.run_min = static_cast<int>(rng.Uniform(1, 4));
  t.run_max = t.run_min + static_cast<int>(rng.Uniform(0, 30));
  t.ld_overlap = rng.Chance(0.5);
  return t;
}

// ---- the model's view of one access, for the fake units: model::AccessFault ----
using model::AccessFault;

// What a real unit would report for `d`: its rows (and bias) checked as the model does.
Fault UnitFault(const std::vector<Window>& windows, const model::DeviceMemory& mem,
                const Descriptor& d) {
  const auto op = static_cast<Opcode>(isa::RawOpcode(d));
  if (op == Opcode::kLoad) {
    const auto x = isa::LoadDesc::Unpack(d);
    for (uint64_t r = 0; r < x.valid_rows; ++r) {
      const Fault f = AccessFault(windows, mem, x.src_addr + r * x.src_stride, x.valid_cols, false);
      if (f != Fault::kNone) return f;
    }
  } else if (isa::IsVectorOpcode(op)) {
    // Every row's window first, then memory (ACCESS before MEM_ERROR, as the model).
    const auto v = isa::VectorCommandOf(d);
    for (bool memory : {false, true}) {
      for (uint32_t r = 0; r < v.rows; ++r) {
        for (int o = 0; o <= v.num_srcs; ++o) {
          const bool write = o == v.num_srcs;
          const uint64_t a = write ? v.dst.RowAddr(r) : v.src[o].RowAddr(r);
          const uint64_t len = write ? v.DstRowBytes() : v.SrcRowBytes();
          const Fault f = AccessFault(windows, mem, a, len, write);
          if (f == Fault::kAccess || (memory && f != Fault::kNone)) return f;
        }
      }
    }
  } else if (op == Opcode::kStore) {
    const auto x = isa::StoreDesc::Unpack(d);
    if (x.bias_en) {
      const Fault f = AccessFault(windows, mem, x.bias_addr, 4 * uint64_t{x.cols}, false);
      if (f != Fault::kNone) return f;
    }
    const uint64_t esize = x.int8_out ? 1 : 4;
    for (uint64_t r = 0; r < x.rows; ++r) {
      const Fault f =
          AccessFault(windows, mem, x.dst_addr + r * x.dst_stride, esize * x.cols, true);
      if (f != Fault::kNone) return f;
    }
  }
  return Fault::kNone;
}

int QueueOfDesc(const Descriptor& d) {
  return static_cast<int>(isa::QueueOf(static_cast<Opcode>(isa::RawOpcode(d))));
}
uint32_t WaitMask(const Descriptor& d) { return isa::SyncDesc::Unpack(d).wait_mask; }
uint32_t SignalMask(const Descriptor& d) { return isa::SyncDesc::Unpack(d).signal_mask; }

// ---- token rule, observed on the unit interfaces ----
// The k-th wait on a channel must start strictly after the k-th signal's done. Reset by a
// clear (the RTL zeroes its tokens); dropped commands take and give nothing.
class TokenChecker {
 public:
  void Reset() {
    for (auto& g : gives_) g.clear();
    takes_.fill(0);
  }
  void OnStart(const Descriptor& d, uint64_t cycle) {
    for (int c = 0; c < isa::kNumChannels; ++c) {
      if (!(WaitMask(d) >> c & 1)) continue;
      const size_t k = takes_[c]++;
      EXPECT_LT(k, gives_[c].size())
          << "cycle " << cycle << ": a " << isa::OpcodeName(static_cast<Opcode>(d[0] & 0xff))
          << " started waiting on " << isa::ChannelName(c) << " with no token given";
      if (k < gives_[c].size()) {
        EXPECT_LT(gives_[c][k], cycle)
            << "token " << isa::ChannelName(c) << " #" << k << " used in the cycle it was given";
      }
    }
  }
  void OnDone(const Descriptor& d, uint64_t cycle) {
    for (int c = 0; c < isa::kNumChannels; ++c) {
      if (SignalMask(d) >> c & 1) gives_[c].push_back(cycle);
    }
  }

 private:
  std::array<std::vector<uint64_t>, isa::kNumChannels> gives_;
  std::array<size_t, isa::kNumChannels> takes_{};
};

// ---- a fake execution unit ----
struct UnitPorts {
  std::function<bool()> valid;
  std::function<Descriptor()> desc;
  std::function<void(bool)> set_ready;
  std::function<void(bool, uint8_t)> set_done;
  std::function<void(bool)> set_busy;
};

struct Received {
  Descriptor desc;
  uint64_t cycle;
  bool dropped;
};

class FakeUnit {
 public:
  // `max_held`: commands the unit takes before the first is done (2: it accepts the next one
  // while busy; they run one after the other and finish in order).
  FakeUnit(tb::SimController* sim, UnitPorts ports, tb::Rng* rng, const Timing* timing,
           std::function<Fault(const Descriptor&)> oracle, TokenChecker* tokens,
           const bool* clear_now, size_t max_held, int extra)
      : sim_(sim),
        ports_(std::move(ports)),
        rng_(rng),
        timing_(timing),
        oracle_(std::move(oracle)),
        tokens_(tokens),
        clear_now_(clear_now),
        max_held_(max_held),
        extra_(extra) {
    drive_hook_ = sim->OnDrive([this] { Drive(); });
    sample_hook_ = sim->OnSample([this] { Sample(); });
  }

  bool idle() const { return held_.empty(); }
  uint64_t busy_cycles() const { return busy_cycles_; }
  uint64_t overlapped() const { return overlapped_; }
  // Commands received and not abandoned by a clear, in order.
  std::vector<Descriptor> live() const {
    std::vector<Descriptor> out;
    for (const auto& r : received_) {
      if (!r.dropped) out.push_back(r.desc);
    }
    return out;
  }
  const std::vector<Received>& received() const { return received_; }
  void ForgetHistory() { received_.clear(); }

 private:
  struct Job {
    Descriptor desc;
    bool dropped;
    Fault fault;
    int remaining;  // cycles left once it is the oldest
  };

  void Drive() {
    if (sim_->in_reset()) {
      ports_.set_ready(false);
      ports_.set_done(false, 0);
      ports_.set_busy(false);
      return;
    }
    done_now_ = !held_.empty() && held_.front().remaining == 0;
    ports_.set_done(done_now_, done_now_ ? static_cast<uint8_t>(held_.front().fault) : 0);
    // Not in the cycle of a done (a real unit's done and its next accept are apart).
    ready_ = held_.size() < max_held_ && delay_ == 0 && !done_now_;
    ports_.set_ready(ready_);
    ports_.set_busy(!held_.empty());
    if (!held_.empty()) ++busy_cycles_;
  }

  void Sample() {
    if (sim_->in_reset()) return;
    if (*clear_now_) {
      for (auto& j : held_) j.dropped = true;
      if (ports_.valid()) drop_next_ = true;  // offered at the clear: abandoned
    }
    if (done_now_) {
      const Job& j = held_.front();
      if (!j.dropped && j.fault == Fault::kNone) tokens_->OnDone(j.desc, sim_->cycle());
      held_.erase(held_.begin());
      delay_ = static_cast<int>(rng_->Uniform(0, timing_->accept_max));
      return;
    }
    if (!held_.empty()) --held_.front().remaining;
    if (ready_ && ports_.valid()) {
      const Descriptor d = ports_.desc();
      const bool dropped = drop_next_;
      drop_next_ = false;
      received_.push_back({d, sim_->cycle(), dropped});
      if (!dropped) tokens_->OnStart(d, sim_->cycle());
      if (!held_.empty()) ++overlapped_;
      held_.push_back(
          {d, dropped, oracle_(d),
           extra_ + static_cast<int>(rng_->Uniform(timing_->run_min - 1, timing_->run_max - 1))});
    } else if (delay_ > 0) {
      --delay_;
    }
  }

  tb::SimController* sim_;
  tb::HookHandle drive_hook_, sample_hook_;  // removed with this object
  UnitPorts ports_;
  tb::Rng* rng_;
  const Timing* timing_;
  std::function<Fault(const Descriptor&)> oracle_;
  TokenChecker* tokens_;
  const bool* clear_now_;
  size_t max_held_;
  int extra_;
  std::vector<Job> held_;
  bool ready_ = false, done_now_ = false, drop_next_ = false;
  int delay_ = 0;
  std::vector<Received> received_;
  uint64_t busy_cycles_ = 0, overlapped_ = 0;
};

#define SEQ_UNIT_PORTS(top, p)                                               \
  UnitPorts {                                                                \
    [top] { return top->p##cmd_valid_o != 0; },                              \
        [top] {                                                              \
          Descriptor d;                                                      \
          tb::GetBytes(top->p##cmd_desc_o, d.data(), isa::kDescriptorBytes); \
          return d;                                                          \
        },                                                                   \
        [top](bool r) { top->p##cmd_ready_i = r; },                          \
        [top](bool d, uint8_t f) {                                           \
          top->p##done_i = d;                                                \
          top->p##done_fault_i = f;                                          \
        },                                                                   \
        [top](bool b) { top->p##busy_i = b; }                                \
  }

// ---- the sequencer, its environment and the model, driven in step ----
template <class Cfg>
class Rig {
 public:
  using Top = typename Cfg::Model;

  Rig(const std::vector<Window>& windows, const Timing& timing, uint64_t seed)
      : windows_(windows),
        timing_(timing),
        rng_(seed),
        sim_(tb::CurrentTestName()),
        mem_(0, kMemBytes),
        model_mem_(0, kMemBytes),
        model_(ModelConfig(windows), &model_mem_) {
    Top* top = &sim_.dut();
    tb::MemPins pins;
    LUOSHU_MEM_READ_PINS(pins, top, mem_);
    LUOSHU_MEM_WRITE_PINS(pins, top, mem_);
    tb::MemSlaveConfig mc;
    mc.latency = timing.mem_latency;
    mc.write_latency = timing.mem_write_latency;
    mc.ar_stall = mc.aw_stall = mc.w_stall = mc.r_stall = mc.b_stall = timing.mem_stall;
    slave_ = std::make_unique<tb::MemSlave>(&sim_, pins, &mem_, mc, seed ^ 0x5eed);
    auto oracle = [this](const Descriptor& d) {
      for (const auto& [bad, fault] : injected_) {
        if (bad == d) return fault;
      }
      return UnitFault(windows_, mem_, d);
    };
    const std::array<UnitPorts, kUnits> ports = {SEQ_UNIT_PORTS(top, ld_), SEQ_UNIT_PORTS(top, ex_),
                                                 SEQ_UNIT_PORTS(top, st_)};
    for (int u = 0; u < kUnits; ++u) {
      units_[u] = std::make_unique<FakeUnit>(&sim_, ports[u], &rng_, &timing_, oracle, &tokens_,
                                             &clear_now_, u == 0 && timing.ld_overlap ? 2 : 1,
                                             u == 0 ? timing.ld_extra : 0);
    }
    drive_hook_ = sim_.OnDrive([this] { Drive(); });
    sample_hook_ = sim_.OnSample([this] {
      if (!sim_.in_reset() && sim_.dut().ctl_error_o) ++ctl_errors_;
    });
    sim_.Reset();
  }

  static model::CoreConfig ModelConfig(const std::vector<Window>& windows) {
    model::CoreConfig c;
    c.dim = Cfg::kDim;
    c.l0a_bytes = Cfg::kL0a;
    c.l0b_bytes = Cfg::kL0b;
    c.l0c_bytes = Cfg::kL0c;
    c.queue_depth = Cfg::kDepth;
    c.windows = windows;
    return c;
  }

  Top& dut() { return sim_.dut(); }
  tb::Simulation<Top>& sim() { return sim_; }
  model::CoreModel& model() { return model_; }
  model::DeviceMemory& mem() { return mem_; }
  model::DeviceMemory& model_mem() { return model_mem_; }
  tb::MemSlave& slave() { return *slave_; }
  FakeUnit& unit(int u) { return *units_[u]; }
  uint64_t ctl_errors() const { return ctl_errors_; }
  // The unit that runs `d` reports `f` (a fault the model cannot know about); replaces the
  // previous injection.
  void InjectUnitFault(const Descriptor& d, Fault f) { injected_.assign({{d, f}}); }
  tb::Rng& rng() { return rng_; }

  // ---- host side, on both the RTL and the model ----
  void SetRing(uint32_t base, uint32_t size) {
    RtlSetRing(base, size);
    model_.SetRing(base, size);
    ring_base_ = base;
    ring_size_ = size;
    tail_ = 0;
    submitted_.clear();
  }
  void RtlSetRing(uint32_t base, uint32_t size) {
    ring_base_i_ = base;
    ring_size_i_ = size;
    Pulse(&ring_set_);
  }
  void Doorbell(uint32_t tail) {
    tail_i_ = tail;
    Pulse(&doorbell_);
  }
  // Writes `program` at the tail of the ring in both memories and rings both doorbells.
  void Submit(const std::vector<Descriptor>& program) {
    for (const auto& d : program) {
      mem_.WriteWords(uint64_t{ring_base_} + uint64_t{tail_} * isa::kDescriptorBytes, d.data(),
                      isa::kDescriptorWords);
      submitted_.push_back({tail_, d});
      slots_[tail_] = d;
      tail_ = (tail_ + 1) % ring_size_;
    }
    model_.Submit(program);
    Doorbell(tail_);
  }
  // The token checker restarts when the clear acts (Drive), Cfg::kClearDelay cycles on.
  void Clear() {
    model_.Clear();
    Pulse(&clear_);
  }
  void AckIrq() {
    model_.AckIrq();
    Pulse(&irq_ack_);
  }

  // Runs the RTL until it stops (not busy, memory and units quiet) and the model to its end.
  void Run(uint64_t max_cycles = 200000) {
    sim_.Step(2);
    sim_.RunUntil(
        [this] {
          return RtlState(dut()) != CoreState::kBusy && slave_->Idle() && units_[0]->idle() &&
                 units_[1]->idle() && units_[2]->idle();
        },
        max_cycles, "sequencer to stop");
    sim_.Step(3);
    EXPECT_NE(RtlState(dut()), CoreState::kBusy) << "the sequencer did not stay stopped";
    model_.Run();
  }
  // Runs the RTL only until it is not busy (after a clear, a refused command...).
  void Settle(uint64_t max_cycles = 20000) {
    sim_.Step(2);
    sim_.RunUntil([this] { return RtlState(dut()) != CoreState::kBusy && slave_->Idle(); },
                  max_cycles, "sequencer to settle");
  }

  // ---- observations ----
  CoreState State() {
    switch (RtlState(dut())) {
      case CoreState::kIdle:
        return CoreState::kIdle;
      case CoreState::kBlocked:
        return CoreState::kBlocked;
      case CoreState::kFaulted:
        return CoreState::kFaulted;
      default:
        ADD_FAILURE() << "state_o is busy";
        return CoreState::kIdle;
    }
  }
  Fault RtlFault() { return static_cast<Fault>(dut().fault_code_o); }
  int Tokens(int c) { return static_cast<int>(tb::GetBits(dut().tokens_o, 4 * c, 4)); }
  uint64_t Retired(int q) { return tb::GetBits(dut().cnt_retired_o, kCounterW * q, kCounterW); }
  uint64_t Busy(int u) { return tb::GetBits(dut().cnt_busy_o, kCounterW * u, kCounterW); }
  uint64_t Stall(int u) { return tb::GetBits(dut().cnt_stall_o, kCounterW * u, kCounterW); }
  uint64_t Fetched() { return dut().cnt_fetched_o; }
  // The fetch count as the last clear acted (nothing is decoded from then on).
  uint64_t FetchedAtClear() const { return fetched_at_clear_; }

  // Counter and delivery baselines: comparisons count from here (after a clear, or before a
  // batch that reuses ring slots).
  void Mark() {
    for (int q = 0; q < 4; ++q) {
      rtl_retired_mark_[q] = Retired(q);
      model_retired_mark_[q] = model_.counters().retired[q];
    }
    rtl_fetched_mark_ = Fetched();
    model_fetched_mark_ = model_.counters().descriptors_fetched;
    model_events_mark_ = model_.retired().size();
    for (auto& u : units_) u->ForgetHistory();
  }

  // The full comparison with the model after Run(). A faulted run compares what is defined
  // (code, index, irq; deliveries in order), since commands before the faulting one may or
  // may not have run.
  void ExpectMatchesModel() {
    const CoreState want = model_.Run();
    ASSERT_EQ(State(), want) << "model: " << hal::CoreStateName(want) << " "
                             << model_.fault().message;
    EXPECT_EQ(RtlFault(), model_.fault().code) << model_.fault().message;
    EXPECT_EQ(dut().irq_o != 0, model_.irq_pending());
    if (want == CoreState::kFaulted) {
      EXPECT_EQ(dut().fault_index_o, model_.fault().index) << model_.fault().message;
      for (int u = 0; u < kUnits; ++u) ExpectPrefixOfProgram(u);
      return;
    }
    EXPECT_EQ(dut().head_o, model_.head());
    EXPECT_EQ(dut().tail_o, model_.tail());
    for (int c = 0; c < isa::kNumChannels; ++c) {
      EXPECT_EQ(Tokens(c), model_.tokens(c)) << isa::ChannelName(c);
    }
    for (int q = 0; q < 4; ++q) {
      EXPECT_EQ(Retired(q) - rtl_retired_mark_[q],
                model_.counters().retired[q] - model_retired_mark_[q])
          << "retired, queue " << q;
    }
    EXPECT_EQ(Fetched() - rtl_fetched_mark_,
              model_.counters().descriptors_fetched - model_fetched_mark_);
    // Each unit got exactly the commands the model retired from its queue, in that order
    // (the model's retire events name ring slots; a slot holds what was last written to it).
    std::array<std::vector<Descriptor>, kUnits> want_cmds;
    const auto& ev = model_.retired();
    for (size_t i = model_events_mark_; i < ev.size(); ++i) {
      const int q = static_cast<int>(isa::QueueOf(ev[i].op));
      if (q < kUnits) want_cmds[q].push_back(slots_.at(ev[i].index));
    }
    for (int u = 0; u < kUnits; ++u) {
      const auto got = units_[u]->live();
      ASSERT_EQ(got.size(), want_cmds[u].size()) << "unit " << u;
      for (size_t k = 0; k < got.size(); ++k) {
        EXPECT_EQ(got[k], want_cmds[u][k]) << "unit " << u << " command " << k;
      }
    }
    for (uint32_t a = kSync; a < kSync + 0x100; a += 4) {
      ASSERT_EQ(mem_.Read32(a), model_mem_.Read32(a)) << "SYNC word at " << a;
    }
    for (int u = 0; u < kUnits; ++u) EXPECT_EQ(Busy(u), units_[u]->busy_cycles());
  }

  // The unit's live commands are the first ones of its queue in the submitted program.
  void ExpectPrefixOfProgram(int u) {
    const auto want = QueueProgram(u);
    const auto got = units_[u]->live();
    ASSERT_LE(got.size(), want.size()) << "unit " << u;
    for (size_t k = 0; k < got.size(); ++k) EXPECT_EQ(got[k], want[k].second) << "unit " << u;
  }

  // After a clear the core fetches nothing until the host acts: idle, or blocked while the
  // ring still holds commands (CoreModel::state() after Clear()).
  void ExpectStoppedAfterClear() {
    EXPECT_EQ(RtlState(dut()),
              dut().head_o == dut().tail_o ? CoreState::kIdle : CoreState::kBlocked);
    sim_.Step(20);
    EXPECT_EQ(RtlState(dut()),
              dut().head_o == dut().tail_o ? CoreState::kIdle : CoreState::kBlocked);
    EXPECT_TRUE(slave_->Idle()) << "nothing is fetched after a clear";
  }

  // Clear, check the RTL recovered, and reprogram the ring at `base`.
  void ClearAndRestart(uint32_t base = kRing, uint32_t size = 64) {
    Clear();
    Settle();
    ExpectStoppedAfterClear();
    EXPECT_EQ(RtlFault(), Fault::kNone);
    EXPECT_EQ(dut().irq_o, 0);
    for (int c = 0; c < isa::kNumChannels; ++c) EXPECT_EQ(Tokens(c), 0);
    SetRing(base, size);
    Mark();
  }

 private:
  std::vector<std::pair<uint32_t, Descriptor>> QueueProgram(int u) const {
    std::vector<std::pair<uint32_t, Descriptor>> out;
    for (const auto& [slot, d] : submitted_) {
      if (isa::IsValidOpcode(isa::RawOpcode(d)) && QueueOfDesc(d) == u) out.push_back({slot, d});
    }
    return out;
  }

  void Pulse(bool* flag) {
    *flag = true;
    sim_.Step(1);
  }

  void Drive() {
    auto& d = dut();
    d.ring_base_i = ring_base_i_;
    d.ring_size_i = ring_size_i_;
    d.tail_i = tail_i_;
    d.ring_set_i = ring_set_;
    d.doorbell_i = doorbell_;
    d.clear_i = clear_;
    d.irq_ack_i = irq_ack_;
    // The cycle the clear acts: the fake units drop what they hold, the tokens restart.
    const bool clear_acts = Cfg::kClearDelay != 0 ? clear_pulsed_ : clear_;
    clear_pulsed_ = clear_ && !sim_.in_reset();
    clear_now_ = clear_acts && !sim_.in_reset();
    if (clear_now_) {
      tokens_.Reset();
      fetched_at_clear_ = Fetched();
    }
    ring_set_ = doorbell_ = clear_ = irq_ack_ = false;
    tb::DriveWindows(&d, windows_);
  }

  std::vector<Window> windows_;
  Timing timing_;
  tb::Rng rng_;
  tb::Simulation<Top> sim_;
  tb::HookHandle drive_hook_, sample_hook_;  // removed with this object
  model::DeviceMemory mem_, model_mem_;
  model::CoreModel model_;
  std::unique_ptr<tb::MemSlave> slave_;
  TokenChecker tokens_;
  std::array<std::unique_ptr<FakeUnit>, kUnits> units_;
  bool ring_set_ = false, doorbell_ = false, clear_ = false, irq_ack_ = false;
  bool clear_now_ = false, clear_pulsed_ = false;
  uint64_t fetched_at_clear_ = 0;
  uint32_t ring_base_i_ = 0, ring_size_i_ = 0, tail_i_ = 0;
  uint32_t ring_base_ = 0, ring_size_ = 0, tail_ = 0;
  std::vector<std::pair<uint32_t, Descriptor>> submitted_;
  std::map<uint32_t, Descriptor> slots_;  // ring slot -> the descriptor last written there
  std::vector<std::pair<Descriptor, Fault>> injected_;
  uint64_t ctl_errors_ = 0;
  std::array<uint64_t, 4> rtl_retired_mark_{}, model_retired_mark_{};
  uint64_t rtl_fetched_mark_ = 0, model_fetched_mark_ = 0;
  size_t model_events_mark_ = 0;
};

// ---- command helpers ----
isa::LoadDesc Load(uint32_t wait = 0, uint32_t signal = 0) {
  isa::LoadDesc d;
  d.wait_mask = wait;
  d.signal_mask = signal;
  d.src_addr = kData;
  d.src_stride = 64;
  d.rows = 4;
  d.row_bytes = 16;
  d.valid_rows = 4;
  d.valid_cols = 16;
  return d;
}
isa::MatmulDesc Matmul(int dim, uint32_t wait = 0, uint32_t signal = 0) {
  isa::MatmulDesc d;
  d.wait_mask = wait;
  d.signal_mask = signal;
  d.m = d.n = static_cast<uint32_t>(dim);
  d.k = 8;
  return d;
}
isa::StoreDesc Store(uint32_t wait = 0, uint32_t signal = 0) {
  isa::StoreDesc d;
  d.wait_mask = wait;
  d.signal_mask = signal;
  d.dst_addr = kData + 0x8000;
  d.dst_stride = 64;
  d.rows = 2;
  d.cols = 4;
  d.c_pitch = 4;
  return d;
}
Descriptor Sync(uint32_t addr, uint32_t value, bool irq) {
  isa::SyncDesc d;
  d.addr = addr;
  d.value = value;
  d.irq = irq;
  return d.Pack();
}

// A random command stream. Balanced: a wait only when an earlier command in the ring gave
// that channel a token not yet taken, and at most `cap` tokens outstanding per channel (so the
// program cannot deadlock at any queue depth). Otherwise any masks at all.
struct ProgramGen {
  int dim = 16;
  bool balanced = true;
  int cap = 6;
  double sync_prob = 0.05;
  double mask_prob = 0.5;  // chance of each allowed channel bit
  std::array<int, isa::kNumChannels> outstanding{};

  uint32_t Masks(tb::Rng& rng, uint32_t allowed, bool wait) {
    uint32_t m = 0;
    for (int c = 0; c < isa::kNumChannels; ++c) {
      if (!(allowed >> c & 1) || !rng.Chance(mask_prob)) continue;
      if (balanced && wait && outstanding[c] == 0) continue;
      if (balanced && !wait && outstanding[c] >= cap) continue;
      m |= 1u << c;
    }
    return m;
  }

  Descriptor Next(tb::Rng& rng) {
    if (rng.Chance(sync_prob)) {
      return Sync(kSync + 4 * static_cast<uint32_t>(rng.Uniform(0, 63)),
                  static_cast<uint32_t>(rng.Bits64()), rng.Chance(0.5));
    }
    const auto op = static_cast<Opcode>(rng.Uniform(1, 3));
    const uint32_t wait = Masks(rng, isa::WaitAllowedMask(op), true);
    const uint32_t signal = Masks(rng, isa::SignalAllowedMask(op), false);
    for (int c = 0; c < isa::kNumChannels; ++c) {
      outstanding[c] += (signal >> c & 1) - (wait >> c & 1);
    }
    switch (op) {
      case Opcode::kLoad: {
        auto d = Load(wait, signal);
        d.dst_buffer = static_cast<uint32_t>(rng.Uniform(0, 1));
        d.rows = static_cast<uint32_t>(rng.Uniform(1, 16));
        d.valid_rows = static_cast<uint32_t>(rng.Uniform(0, d.rows));
        d.dst_offset = static_cast<uint32_t>(rng.Uniform(0, 1024));
        return d.Pack();
      }
      case Opcode::kMatmul: {
        auto d = Matmul(dim, wait, signal);
        d.k = static_cast<uint32_t>(rng.Uniform(1, 32));
        d.accumulate = static_cast<uint32_t>(rng.Uniform(0, 1));
        return d.Pack();
      }
      default: {
        auto d = Store(wait, signal);
        d.int8_out = static_cast<uint32_t>(rng.Uniform(0, 1));
        d.relu = static_cast<uint32_t>(rng.Uniform(0, 1));
        d.rows = static_cast<uint32_t>(rng.Uniform(1, 8));
        return d.Pack();
      }
    }
  }

  std::vector<Descriptor> Program(tb::Rng& rng, int n) {
    std::vector<Descriptor> p;
    for (int i = 0; i < n; ++i) p.push_back(Next(rng));
    return p;
  }
};

// ---------------------------------------------------------------------------------------
// Programs that run to the end
// ---------------------------------------------------------------------------------------
template <class Cfg>
class SequencerTest : public ::testing::Test {};
using Configs = ::testing::Types<D16, Small, SmallPipe>;
TYPED_TEST_SUITE(SequencerTest, Configs);

// The builder's GEMM program, with quick and with slow, stalling units and memory.
TYPED_TEST(SequencerTest, DoubleBufferedGemmProgramMatchesModel) {
  tb::Rng rng(tb::SeedFromEnv(10));
  for (int run = 0; run < 3; ++run) {
    SCOPED_TRACE("run " + std::to_string(run));
    Rig<TypeParam> rig(AllMemory(), run == 0 ? Timing{} : RandomTiming(rng), rng.Bits64());
    rig.SetRing(kRing, 256);
    isa::GemmProgram p;
    p.m = 3 * TypeParam::kDim + 1;
    p.n = 2 * TypeParam::kDim;
    p.k = 40;
    p.a_addr = kData;
    p.b_addr = kData + 0x4000;
    p.c_addr = kData + 0x8000;
    p.dim = TypeParam::kDim;
    p.l0a_bytes = TypeParam::kL0a;
    p.l0b_bytes = TypeParam::kL0b;
    p.l0c_bytes = TypeParam::kL0c;
    p.tile_k = 16;
    p.sync_addr = kSync;
    p.sync_value = 0x600d;
    rig.Submit(isa::BuildGemmProgram(p));
    rig.Run();
    rig.ExpectMatchesModel();
    EXPECT_EQ(RtlState(rig.dut()), CoreState::kIdle);
    EXPECT_EQ(rig.mem().Read32(kSync), 0x600du);
    EXPECT_EQ(rig.dut().irq_o, 1);
    for (int c = 0; c < isa::kNumChannels; ++c) EXPECT_EQ(rig.Tokens(c), 0);
  }
}

TYPED_TEST(SequencerTest, RandomBalancedProgramsMatchModel) {
  for (tb::Round& r : tb::Rounds(tb::SeedFromEnv(11), 25)) {
    tb::Rng& rng = r.rng;
    Rig<TypeParam> rig(AllMemory(), RandomTiming(rng), rng.Bits64());
    rig.SetRing(kRing, 128);
    ProgramGen gen;
    gen.dim = TypeParam::kDim;
    rig.Submit(gen.Program(rig.rng(), static_cast<int>(rng.Uniform(1, 100))));
    rig.Run();
    rig.ExpectMatchesModel();
    EXPECT_EQ(RtlState(rig.dut()), CoreState::kIdle) << "a balanced program never blocks";
  }
}

// Any token masks at all: programs block, deadlock (with the model's index) or finish.
TYPED_TEST(SequencerTest, RandomTokenPatternsEndLikeModel) {
  std::array<int, 4> outcomes{};
  tb::Rounds rounds(tb::SeedFromEnv(12), 60);
  for (tb::Round& r : rounds) {
    tb::Rng& rng = r.rng;
    const int iter = r.index;
    Rig<TypeParam> rig(AllMemory(), RandomTiming(rng), rng.Bits64());
    rig.SetRing(kRing, 64);
    ProgramGen gen;
    gen.dim = TypeParam::kDim;
    gen.balanced = false;
    // A mix that ends every way: SYNCs and dense masks mostly deadlock, short sparse programs
    // mostly block or finish.
    gen.sync_prob = iter % 2 ? 0.1 : 0.0;
    gen.mask_prob = iter % 3 ? 0.2 : 0.5;
    const int length = static_cast<int>(iter % 4 ? rng.Uniform(1, 12) : rng.Uniform(1, 40));
    rig.Submit(gen.Program(rig.rng(), length));
    rig.Run();
    rig.ExpectMatchesModel();
    if (RtlState(rig.dut()) == CoreState::kFaulted) {
      EXPECT_EQ(rig.RtlFault(), Fault::kDeadlock);
    }
    ++outcomes[rig.dut().state_o];
  }
  if (!rounds.all()) return;  // LUOSHU_ROUND ran one round
  EXPECT_GT(outcomes[static_cast<int>(CoreState::kBlocked)], 0) << "no random program blocked";
  EXPECT_GT(outcomes[static_cast<int>(CoreState::kFaulted)], 0) << "no random program deadlocked";
  EXPECT_GT(outcomes[static_cast<int>(CoreState::kIdle)], 0) << "no random program finished";
}

// Several batches through a small ring: head and tail wrap, tokens carry over.
TYPED_TEST(SequencerTest, RingWrapsAcrossBatches) {
  tb::Rng rng(tb::SeedFromEnv(13));
  Rig<TypeParam> rig(AllMemory(), RandomTiming(rng), rng.Bits64());
  rig.SetRing(kRing, 8);
  ProgramGen gen;
  gen.dim = TypeParam::kDim;
  for (int batch = 0; batch < 10; ++batch) {
    SCOPED_TRACE("batch " + std::to_string(batch));
    rig.Mark();  // the slots are reused: compare this batch's deliveries
    rig.Submit(gen.Program(rig.rng(), static_cast<int>(rng.Uniform(1, 7))));
    rig.Run();
    rig.ExpectMatchesModel();
  }
}

TYPED_TEST(SequencerTest, DoorbellWhileRunningExtendsTheProgram) {
  Timing t;
  t.run_min = 10;
  t.run_max = 30;
  Rig<TypeParam> rig(AllMemory(), t, 14);
  rig.SetRing(kRing, 64);
  ProgramGen gen;
  gen.dim = TypeParam::kDim;
  for (int part = 0; part < 4; ++part) {
    rig.Submit(gen.Program(rig.rng(), 8));
    rig.sim().Step(40);  // still busy with the previous part
  }
  rig.Run();
  rig.ExpectMatchesModel();
}

// ---------------------------------------------------------------------------------------
// Token semantics
// ---------------------------------------------------------------------------------------
TYPED_TEST(SequencerTest, WaitsUntilTheProducerIsDone) {
  Timing t;
  t.run_min = t.run_max = 40;  // slow LOADs: EX and ST wait for them
  Rig<TypeParam> rig(AllMemory(), t, 21);
  rig.SetRing(kRing, 64);
  rig.Submit({Load(0, isa::kLd2Ex).Pack(),
              isa::MatmulDesc(Matmul(TypeParam::kDim, isa::kLd2Ex, isa::kEx2St)).Pack(),
              Store(isa::kEx2St, 0).Pack(), Sync(kSync, 7, false)});
  rig.Run();
  rig.ExpectMatchesModel();
  const auto& ld = rig.unit(0).received();
  const auto& ex = rig.unit(1).received();
  const auto& st = rig.unit(2).received();
  ASSERT_EQ(ld.size(), 1u);
  ASSERT_EQ(ex.size(), 1u);
  ASSERT_EQ(st.size(), 1u);
  EXPECT_GE(ex[0].cycle, ld[0].cycle + 40) << "MATMUL started before its LOAD finished";
  EXPECT_GE(st[0].cycle, ex[0].cycle + 40) << "STORE started before its MATMUL finished";
  EXPECT_GT(rig.Stall(1), 30u) << "EX waited for LD2EX";
  EXPECT_GT(rig.Stall(2), 60u) << "ST waited for EX2ST";
  EXPECT_EQ(rig.Stall(0), 0u);
}

// 17 LOADs signal LD2EX before any MATMUL takes one: the 16th waits until a MATMUL has taken
// a token (a signal never exceeds TokenMax).
TYPED_TEST(SequencerTest, SignalAtTokenMaxWaits) {
  Rig<TypeParam> rig(AllMemory(), Timing{}, 22);
  rig.SetRing(kRing, 64);
  std::vector<Descriptor> p;
  for (int i = 0; i < 17; ++i) p.push_back(Load(0, isa::kLd2Ex).Pack());
  rig.Submit(p);
  rig.Run();
  rig.ExpectMatchesModel();
  EXPECT_EQ(RtlState(rig.dut()), CoreState::kBlocked);
  EXPECT_EQ(rig.Tokens(0), isa::kTokenMax);
  EXPECT_EQ(rig.unit(0).live().size(), 15u);
  std::vector<Descriptor> q;
  for (int i = 0; i < 17; ++i) q.push_back(Matmul(TypeParam::kDim, isa::kLd2Ex).Pack());
  rig.Submit(q);
  rig.Run();
  rig.ExpectMatchesModel();
  EXPECT_EQ(RtlState(rig.dut()), CoreState::kIdle);
  EXPECT_EQ(rig.Tokens(0), 0);
}

// The other channels stop at TokenMax too: 16 commands of the channel's giver signal it and
// nobody takes a token; 15 run, the 16th waits (blocked), as in the model.
TYPED_TEST(SequencerTest, EveryChannelStopsAtTokenMax) {
  for (int c = 1; c < isa::kNumChannels; ++c) {  // channel 0: SignalAtTokenMaxWaits
    SCOPED_TRACE(isa::ChannelName(c));
    Rig<TypeParam> rig(AllMemory(), Timing{}, 40 + c);
    rig.SetRing(kRing, 64);
    const uint32_t signal = 1u << c;
    std::vector<Descriptor> p;
    for (int i = 0; i < 16; ++i) {
      // ST gives ST2EX; EX gives EX2LD and EX2ST.
      p.push_back(signal == isa::kSt2Ex
                      ? Store(0, signal).Pack()
                      : isa::MatmulDesc(Matmul(TypeParam::kDim, 0, signal)).Pack());
    }
    rig.Submit(p);
    rig.Run();
    rig.ExpectMatchesModel();
    EXPECT_EQ(RtlState(rig.dut()), CoreState::kBlocked);
    EXPECT_EQ(rig.Tokens(c), isa::kTokenMax);
  }
}

TYPED_TEST(SequencerTest, BlockedOnTokensUntilTheHostAddsTheGiver) {
  Rig<TypeParam> rig(AllMemory(), Timing{}, 23);
  rig.SetRing(kRing, 16);
  rig.Submit({Matmul(TypeParam::kDim, isa::kLd2Ex).Pack(), Store(isa::kEx2St).Pack()});
  rig.Run();
  rig.ExpectMatchesModel();
  EXPECT_EQ(RtlState(rig.dut()), CoreState::kBlocked);
  EXPECT_EQ(rig.RtlFault(), Fault::kNone);
  EXPECT_EQ(rig.dut().irq_o, 0);
  // SetRing is refused while commands are queued.
  const uint64_t errors = rig.ctl_errors();
  rig.RtlSetRing(kRing, 16);
  rig.sim().Step(2);
  EXPECT_EQ(rig.ctl_errors(), errors + 1);
  // The host appends the LOAD that gives the MATMUL its token and a second MATMUL that gives
  // the STORE its EX2ST.
  rig.Submit({Load(0, isa::kLd2Ex).Pack(), Matmul(TypeParam::kDim, 0, isa::kEx2St).Pack()});
  rig.Run();
  rig.ExpectMatchesModel();
  EXPECT_EQ(RtlState(rig.dut()), CoreState::kIdle);
}

// ---------------------------------------------------------------------------------------
// SYNC
// ---------------------------------------------------------------------------------------
TYPED_TEST(SequencerTest, SyncWritesOneWordAtAnyOffsetAndRaisesIrqOnRequest) {
  Rig<TypeParam> rig(AllMemory(), Timing{}, 31);
  rig.SetRing(kRing, 64);
  for (uint32_t a = kSync; a < kSync + 64; ++a) {
    rig.mem().Write8(a, 0xee);
    rig.model_mem().Write8(a, 0xee);
  }
  rig.Submit({Load().Pack(), Sync(kSync + 4, 0x11223344, false), Store().Pack(),
              Sync(kSync + 24, 0xa5a5a5a5, false), Sync(kSync + 44, 0xdeadbeef, false)});
  rig.Run();
  rig.ExpectMatchesModel();
  EXPECT_EQ(rig.dut().irq_o, 0) << "no SYNC asked for the interrupt";
  EXPECT_EQ(rig.mem().Read32(kSync + 4), 0x11223344u);
  EXPECT_EQ(rig.mem().Read32(kSync + 24), 0xa5a5a5a5u);
  EXPECT_EQ(rig.mem().Read32(kSync + 44), 0xdeadbeefu);
  EXPECT_EQ(rig.mem().Read32(kSync + 0), 0xeeeeeeeeu) << "bytes around the word are kept";
  EXPECT_EQ(rig.mem().Read32(kSync + 8), 0xeeeeeeeeu);
  EXPECT_EQ(rig.mem().Read32(kSync + 40), 0xeeeeeeeeu);
  EXPECT_EQ(rig.mem().Read32(kSync + 48), 0xeeeeeeeeu);
  EXPECT_EQ(rig.slave().bytes_written(), 12u);
  EXPECT_EQ(rig.Retired(3), 3u);

  rig.Submit({Sync(kSync + 12, 42, true)});
  rig.Run();
  rig.ExpectMatchesModel();
  EXPECT_EQ(rig.dut().irq_o, 1);
  rig.AckIrq();
  rig.sim().Step(1);
  EXPECT_EQ(rig.dut().irq_o, 0);
  EXPECT_EQ(RtlState(rig.dut()), CoreState::kIdle);
}

// SYNC waits until every earlier command has retired, even when the units are slow.
TYPED_TEST(SequencerTest, SyncWaitsForEveryEarlierCommand) {
  Timing t;
  t.run_min = t.run_max = 25;
  Rig<TypeParam> rig(AllMemory(), t, 32);
  rig.SetRing(kRing, 64);
  rig.Submit({Load().Pack(), Matmul(TypeParam::kDim).Pack(), Store().Pack(), Sync(kSync, 1, true),
              Load().Pack()});
  uint64_t sync_cycle = 0;
  rig.sim().RunUntil([&] { return rig.mem().Read32(kSync) == 1; }, 2000, "SYNC write");
  sync_cycle = rig.sim().cycle();
  for (int u = 0; u < kUnits; ++u) {
    ASSERT_GE(rig.unit(u).received().size(), 1u);
    EXPECT_LT(rig.unit(u).received()[0].cycle + 25, sync_cycle) << "unit " << u;
  }
  EXPECT_EQ(rig.unit(0).received().size(), 1u) << "the LOAD after the SYNC started early";
  rig.Run();
  rig.ExpectMatchesModel();
}

// ---------------------------------------------------------------------------------------
// Faults: each one against the model, then Clear and a restart
// ---------------------------------------------------------------------------------------
// Runs `program` on a fresh ring at `base` and expects the model's fault, `want` at `index`;
// the faulted core refuses a new ring and stays still.
template <class Cfg>
void RunExpectingFault(Rig<Cfg>& rig, const std::vector<Descriptor>& program, Fault want,
                       uint32_t index, uint32_t base = kRing) {
  rig.SetRing(base, 64);
  rig.Mark();
  rig.Submit(program);
  rig.Run();
  rig.ExpectMatchesModel();
  EXPECT_EQ(RtlState(rig.dut()), CoreState::kFaulted);
  EXPECT_EQ(rig.RtlFault(), want) << rig.model().fault().message;
  EXPECT_EQ(rig.dut().fault_index_o, index);
  EXPECT_EQ(rig.dut().irq_o, 1) << "a fault raises the interrupt";
  const uint64_t errors = rig.ctl_errors();
  rig.RtlSetRing(base, 64);
  rig.sim().Step(20);
  EXPECT_EQ(rig.ctl_errors(), errors + 1) << "SetRing while faulted";
  EXPECT_EQ(RtlState(rig.dut()), CoreState::kFaulted);
}

// Clear, reprogram the ring at `base` and run a small legal program to the end.
template <class Cfg>
void RecoverAndRunLegal(Rig<Cfg>& rig, uint32_t base) {
  rig.ClearAndRestart(base, 64);
  rig.Submit({Load(0, isa::kLd2Ex).Pack(), Matmul(Cfg::kDim, isa::kLd2Ex, isa::kEx2St).Pack(),
              Store(isa::kEx2St).Pack(), Sync(kSync, 0x5a, true)});
  rig.Run();
  rig.ExpectMatchesModel();
  EXPECT_EQ(RtlState(rig.dut()), CoreState::kIdle);
  EXPECT_EQ(rig.mem().Read32(kSync), 0x5au);
}

template <class Cfg>
void ExpectFaultAndRecover(Rig<Cfg>& rig, const std::vector<Descriptor>& program, Fault want,
                           uint32_t index) {
  RunExpectingFault(rig, program, want, index);
  RecoverAndRunLegal(rig, kRing);
}

TYPED_TEST(SequencerTest, IllegalOpcodeFaults) {
  Rig<TypeParam> rig(AllMemory(), Timing{}, 41);
  for (uint32_t opcode : {0u, 9u, 0x81u, 0xffu}) {
    SCOPED_TRACE("opcode " + std::to_string(opcode));
    Descriptor bad{};
    bad[0] = opcode;
    ExpectFaultAndRecover(rig, {Load().Pack(), Store().Pack(), bad, Load().Pack()},
                          Fault::kIllegalOpcode, 2);
  }
}

// One broken field at a time, each as the model decodes it (the code is read from
// ValidateDescriptor, and must be the one named here).
struct Mutation {
  const char* what;
  std::function<Descriptor(int dim)> make;
  Fault want;
};

std::vector<Mutation> FieldMutations() {
  auto load = [](auto f) {
    return [f](int) {
      auto d = Load();
      f(d);
      return d.Pack();
    };
  };
  auto mm = [](auto f) {
    return [f](int dim) {
      auto d = Matmul(dim);
      f(d, dim);
      return d.Pack();
    };
  };
  auto store = [](auto f) {
    return [f](int) {
      auto d = Store();
      f(d);
      return d.Pack();
    };
  };
  auto raw = [](Descriptor base, int word, uint32_t bits) {
    return [base, word, bits](int) {
      Descriptor d = base;
      d[word] |= bits;
      return d;
    };
  };
  const Fault kF = Fault::kIllegalField;
  std::vector<Mutation> m = {
      {"LOAD reserved bit 17", raw(Load().Pack(), 0, 1u << 17), kF},
      {"LOAD reserved word 3 top", raw(Load().Pack(), 3, 0x80000000u), kF},
      {"LOAD reserved word 6", raw(Load().Pack(), 6, 1u), kF},
      {"LOAD reserved word 7", raw(Load().Pack(), 7, 0x10000u), kF},
      {"MATMUL reserved word 1 top", raw(Matmul(16).Pack(), 1, 1u << 24), kF},
      {"MATMUL reserved word 5 top", raw(Matmul(16).Pack(), 5, 1u << 16), kF},
      {"MATMUL reserved word 7", raw(Matmul(16).Pack(), 7, 1u << 31), kF},
      {"STORE reserved bit 19", raw(Store().Pack(), 0, 1u << 19), kF},
      {"STORE reserved word 7 bit 21", raw(Store().Pack(), 7, 1u << 21), kF},
      {"SYNC reserved word 3", raw(Sync(kSync, 1, false), 3, 4u), kF},
      {"SYNC reserved bit 17", raw(Sync(kSync, 1, false), 0, 1u << 17), kF},
      {"LOAD waits on LD2EX", raw(Load().Pack(), 0, isa::kLd2Ex << 8), kF},
      {"LOAD signals EX2ST", raw(Load().Pack(), 0, isa::kEx2St << 12), kF},
      {"MATMUL waits on EX2ST", raw(Matmul(16).Pack(), 0, isa::kEx2St << 8), kF},
      {"MATMUL signals ST2EX", raw(Matmul(16).Pack(), 0, isa::kSt2Ex << 12), kF},
      {"STORE waits on ST2EX", raw(Store().Pack(), 0, isa::kSt2Ex << 8), kF},
      {"STORE signals EX2LD", raw(Store().Pack(), 0, isa::kEx2Ld << 12), kF},
      {"SYNC waits", raw(Sync(kSync, 1, false), 0, isa::kEx2Ld << 8), kF},
      {"SYNC signals", raw(Sync(kSync, 1, false), 0, isa::kLd2Ex << 12), kF},
      {"LOAD rows 0", load([](auto& d) { d.rows = d.valid_rows = 0; }), kF},
      {"LOAD row_bytes 0", load([](auto& d) { d.row_bytes = d.valid_cols = 0; }), kF},
      {"LOAD valid_rows > rows", load([](auto& d) { d.valid_rows = d.rows + 1; }), kF},
      {"LOAD valid_cols > row_bytes", load([](auto& d) { d.valid_cols = d.row_bytes + 1; }), kF},
      {"MATMUL m 0", mm([](auto& d, int) { d.m = 0; }), kF},
      {"MATMUL m not a multiple", mm([](auto& d, int dim) { d.m = dim + dim / 2; }), kF},
      {"MATMUL n 0", mm([](auto& d, int) { d.n = 0; }), kF},
      {"MATMUL n not a multiple", mm([](auto& d, int dim) { d.n = 3 * dim - 1; }), kF},
      {"MATMUL k 0", mm([](auto& d, int) { d.k = 0; }), kF},
      {"MATMUL c_offset 2", mm([](auto& d, int) { d.c_offset = 2; }), kF},
      {"STORE rows 0", store([](auto& d) { d.rows = 0; }), kF},
      {"STORE cols 0", store([](auto& d) { d.cols = 0; }), kF},
      {"STORE c_pitch < cols", store([](auto& d) { d.c_pitch = d.cols - 1; }), kF},
      {"STORE c_offset 6", store([](auto& d) { d.c_offset = 6; }), kF},
      {"STORE int32 dst_addr", store([](auto& d) { d.dst_addr += 2; }), kF},
      {"STORE int32 dst_stride", store([](auto& d) { d.dst_stride = 66; }), kF},
      {"STORE bias_addr", store([](auto& d) {
         d.bias_en = 1;
         d.bias_addr = kData + 1;
       }),
       kF},
      {"SYNC addr", [](int) { return Sync(kSync + 2, 1, false); }, kF},
      // A bad field wins over an L0 overflow in the same descriptor.
      {"LOAD rows 0 and overflow", load([](auto& d) {
         d.rows = 0;
         d.dst_offset = 0xffffff;
       }),
       kF},
      {"MATMUL k 0 and overflow", mm([](auto& d, int) {
         d.k = 0;
         d.c_offset = 0xfffffc;
       }),
       kF},
      {"STORE c_pitch < cols and overflow", store([](auto& d) {
         d.c_pitch = 1;
         d.c_offset = 0xfffffc;
       }),
       kF},
  };
  return m;
}

TYPED_TEST(SequencerTest, IllegalFieldsFaultLikeTheModel) {
  Rig<TypeParam> rig(AllMemory(), Timing{}, 42);
  const auto cfg = Rig<TypeParam>::ModelConfig(AllMemory());
  for (const auto& m : FieldMutations()) {
    SCOPED_TRACE(m.what);
    const Descriptor bad = m.make(TypeParam::kDim);
    ASSERT_EQ(model::ValidateDescriptor(bad, cfg, nullptr), m.want);
    ExpectFaultAndRecover(rig, {Load(0, isa::kLd2Ex).Pack(), Matmul(TypeParam::kDim).Pack(), bad},
                          m.want, 2);
  }
}

// Each L0 bound: one byte past the end faults, ending exactly at the end does not.
TYPED_TEST(SequencerTest, L0BoundsFaultOnePastTheEnd) {
  Rig<TypeParam> rig(AllMemory(), Timing{}, 43);
  const int dim = TypeParam::kDim;
  const uint32_t la = TypeParam::kL0a, lb = TypeParam::kL0b, lc = TypeParam::kL0c;
  struct Bound {
    const char* what;
    std::function<Descriptor(uint32_t extra)> make;  // extra = 0: ends exactly at the end
  };
  const std::vector<Bound> bounds = {{"LOAD L0A",
                                      [&](uint32_t e) {
                                        auto d = Load();
                                        d.dst_offset = la - d.rows * d.row_bytes + e;
                                        return d.Pack();
                                      }},
                                     {"LOAD L0B",
                                      [&](uint32_t e) {
                                        auto d = Load();
                                        d.dst_buffer = 1;
                                        d.rows = 3;
                                        d.valid_rows = 3;
                                        d.row_bytes = 5;
                                        d.valid_cols = 5;
                                        d.dst_offset = lb - 15 + e;
                                        return d.Pack();
                                      }},
                                     {"MATMUL A",
                                      [&](uint32_t e) {
                                        auto d = Matmul(dim);
                                        d.k = 3;
                                        d.a_offset = la - dim * 3 + e;
                                        return d.Pack();
                                      }},
                                     {"MATMUL B",
                                      [&](uint32_t e) {
                                        auto d = Matmul(dim);
                                        d.n = 2 * dim;
                                        d.k = 5;
                                        d.b_offset = lb - 5 * 2 * dim + e;
                                        return d.Pack();
                                      }},
                                     {"MATMUL C",
                                      [&](uint32_t e) {
                                        auto d = Matmul(dim);
                                        d.c_offset = lc - 4 * dim * dim + 4 * e;
                                        return d.Pack();
                                      }},
                                     {"STORE", [&](uint32_t e) {
                                        auto d = Store();
                                        d.rows = 3;
                                        d.cols = 5;
                                        d.c_pitch = 7;
                                        d.c_offset = lc - 4 * (2 * 7 + 5) + 4 * e;
                                        return d.Pack();
                                      }}};
  const auto cfg = Rig<TypeParam>::ModelConfig(AllMemory());
  for (const auto& b : bounds) {
    SCOPED_TRACE(b.what);
    const Descriptor fits = b.make(0), over = b.make(1);
    const Fault fits_fault = model::ValidateDescriptor(fits, cfg, nullptr);
    ASSERT_EQ(model::ValidateDescriptor(over, cfg, nullptr), Fault::kL0Overflow);
    if (fits_fault == Fault::kNone) {
      rig.SetRing(kRing, 64);
      rig.Mark();
      rig.Submit({fits});
      rig.Run();
      rig.ExpectMatchesModel();
      ASSERT_EQ(RtlState(rig.dut()), CoreState::kIdle)
          << "a block ending exactly at the end is legal";
    }
    ExpectFaultAndRecover(rig, {Load().Pack(), over}, Fault::kL0Overflow, 1);
  }
}

// Random descriptors near every boundary, decoded by the RTL and by ValidateDescriptor, then
// run (legal ones reach their unit unchanged, or fault like the model on execution).
TYPED_TEST(SequencerTest, RandomDescriptorsDecodeLikeTheModel) {
  tb::Rng rng(tb::SeedFromEnv(44));
  // Everything readable, the upper half of the address space read-only; memory is 1 MiB.
  const std::vector<Window> windows = {{0, 1ull << 31, true}, {1ull << 31, 1ull << 31, false}};
  Rig<TypeParam> rig(windows, Timing{}, rng.Bits64());
  const auto cfg = Rig<TypeParam>::ModelConfig(windows);
  auto pick16 = [&]() -> uint32_t {
    switch (rng.Uniform(0, 5)) {
      case 0:
        return 0;
      case 1:
        return static_cast<uint32_t>(rng.Uniform(1, 4)) * TypeParam::kDim;
      case 2:
        return static_cast<uint32_t>(rng.Uniform(1, 70));
      case 3:
        return 0xffff - static_cast<uint32_t>(rng.Uniform(0, 2));
      default:
        return static_cast<uint32_t>(rng.Uniform(0, 0xffff));
    }
  };
  auto pick_offset = [&](uint32_t size) -> uint32_t {
    switch (rng.Uniform(0, 3)) {
      case 0:
        return 0;
      case 1:
        return static_cast<uint32_t>(rng.Uniform(0, size)) & ~3u;
      case 2:
        return size - static_cast<uint32_t>(rng.Uniform(0, 256));
      default:
        return static_cast<uint32_t>(rng.Uniform(0, 0xffffff));
    }
  };
  std::array<int, 8> seen{};
  for (int trial : tb::Steps(500)) {
    Descriptor d{};
    const uint32_t op = rng.Chance(0.1) ? static_cast<uint32_t>(rng.Uniform(0, 255))
                                        : static_cast<uint32_t>(rng.Uniform(1, 8));
    const uint32_t masks = rng.Chance(0.8) ? 0 : static_cast<uint32_t>(rng.Uniform(0, 255));
    d[0] = op | masks << 8;
    for (int w = 1; w < isa::kDescriptorWords; ++w) d[w] = static_cast<uint32_t>(rng.Bits64());
    switch (op) {
      case 1: {  // LOAD
        auto x = isa::LoadDesc::Unpack(d);
        x.dst_buffer = static_cast<uint32_t>(rng.Uniform(0, 1));
        x.rows = pick16();
        x.row_bytes = pick16() % 300;
        x.valid_rows = rng.Chance(0.9) ? std::min(x.rows, 4u) : pick16();
        x.valid_cols = rng.Chance(0.9) ? x.row_bytes : pick16();
        x.src_addr = static_cast<uint32_t>(rng.Uniform(0, kMemBytes));
        x.src_stride = 256;
        x.dst_offset = pick_offset(x.dst_buffer ? TypeParam::kL0b : TypeParam::kL0a);
        d = x.Pack();
        break;
      }
      case 2: {  // MATMUL
        auto x = isa::MatmulDesc::Unpack(d);
        x.m = pick16();
        x.n = pick16();
        x.k = pick16() % 200;
        x.a_offset = pick_offset(TypeParam::kL0a);
        x.b_offset = pick_offset(TypeParam::kL0b);
        x.c_offset = pick_offset(TypeParam::kL0c);
        d = x.Pack();
        break;
      }
      case 3: {  // STORE
        auto x = isa::StoreDesc::Unpack(d);
        x.rows = pick16() % 40;
        x.cols = pick16() % 40;
        x.c_pitch = rng.Chance(0.8) ? x.cols + static_cast<uint32_t>(rng.Uniform(0, 3)) : pick16();
        x.c_offset = pick_offset(TypeParam::kL0c);
        x.dst_addr = kData + static_cast<uint32_t>(rng.Uniform(0, 64)) * (rng.Chance(0.9) ? 4 : 1);
        x.dst_stride = static_cast<uint32_t>(rng.Uniform(0, 64)) * (rng.Chance(0.9) ? 4 : 1);
        x.int8_out = static_cast<uint32_t>(rng.Uniform(0, 1));
        x.bias_en = static_cast<uint32_t>(rng.Uniform(0, 1));
        x.bias_addr = kData + static_cast<uint32_t>(rng.Uniform(0, 64)) * (rng.Chance(0.9) ? 4 : 1);
        x.shift = static_cast<uint32_t>(rng.Uniform(0, 31));
        d = x.Pack();
        break;
      }
      case 4:  // SYNC: anywhere in the first 1 MiB, sometimes misaligned
        d = Sync(kSync + static_cast<uint32_t>(rng.Uniform(0, 63)) * (rng.Chance(0.9) ? 4 : 1),
                 static_cast<uint32_t>(rng.Bits64()), rng.Chance(0.5));
        break;
      case 5:  // VADD, VMAX, VREQUANT, VCOPY: one layout; sometimes misaligned int32 operands
      case 6:
      case 7:
      case 8: {
        auto x = isa::VaddDesc::Unpack(d);
        auto word = [&] { return rng.Chance(0.9) ? 4u : 1u; };
        x.rows = pick16() % 6;
        x.cols = pick16() % 40;
        x.dst_addr = kData + static_cast<uint32_t>(rng.Uniform(0, 64)) * word();
        x.dst_stride = static_cast<uint32_t>(rng.Uniform(0, 64)) * word();
        x.src0_addr = static_cast<uint32_t>(rng.Uniform(0, kMemBytes / 4 + 64)) * word();
        x.src0_stride = static_cast<uint32_t>(rng.Uniform(0, 64)) * word();
        x.src1_addr = static_cast<uint32_t>(rng.Uniform(0, kMemBytes / 4)) * word();
        x.src1_stride = static_cast<uint32_t>(rng.Uniform(0, 64)) * word();
        d = x.Pack();
        d[0] = (d[0] & ~0xffu) | op;
        if (op == 6) d[0] |= static_cast<uint32_t>(rng.Uniform(0, 1)) << 16;  // VMAX int8
        if (op == 7) d[7] = static_cast<uint32_t>(rng.Bits64()) & 0x1fffff;   // scale, shift
        if (op == 7 || op == 8) d[3] = rng.Chance(0.9) ? 0 : d[3];            // reserved word
        if (op == 8) d[7] = rng.Chance(0.9) ? 0 : d[7];
        break;
      }
      default:
        break;
    }
    // Maybe a reserved bit. Not in a STORE's or vector command's destination: the model would
    // then write the SYNC words the comparison reads.
    const int flip_word = static_cast<int>(rng.Uniform(0, 7));
    const bool dst_word = (op == 3 && (flip_word == 1 || flip_word == 2 || flip_word == 6)) ||
                          (op >= 5 && op <= 8 && (flip_word == 1 || flip_word == 5));
    if (rng.Chance(0.1) && !dst_word) {
      d[flip_word] ^= 1u << rng.Uniform(0, 31);
    }
    const Fault want = model::ValidateDescriptor(d, cfg, nullptr);
    ++seen[static_cast<int>(want)];
    SCOPED_TRACE("trial " + std::to_string(trial) + " want " + isa::FaultName(want));
    rig.SetRing(kRing, 4);
    rig.Mark();
    rig.Submit({d});
    rig.Run();
    rig.ExpectMatchesModel();
    if (want == Fault::kNone && RtlState(rig.dut()) == CoreState::kIdle && op != 4) {
      const auto got = rig.unit(QueueOfDesc(d)).live();
      ASSERT_EQ(got.size(), 1u);
      EXPECT_EQ(got[0], d);
    }
    rig.Clear();  // a fault, a command blocked on its tokens, or tokens left over
    rig.Settle();
  }
  for (Fault f : {Fault::kNone, Fault::kIllegalOpcode, Fault::kIllegalField, Fault::kL0Overflow}) {
    EXPECT_GT(seen[static_cast<int>(f)], 5)
        << "too few random descriptors with " << isa::FaultName(f);
  }
}

// A fetch outside the windows faults ACCESS at that slot (head stays on it); the slots before
// it run.
TYPED_TEST(SequencerTest, FetchOutsideTheWindowsFaultsAccess) {
  tb::Rng rng(tb::SeedFromEnv(51));
  // The ring's first three slots are granted, the fourth is not (the SYNC words are).
  const std::vector<Window> windows = {{0, kRing + 3 * 32, true}, {kSync, 0x1000, true}};
  Rig<TypeParam> rig(windows, RandomTiming(rng), rng.Bits64());
  RunExpectingFault(rig,
                    {Load().Pack(), Store().Pack(), Load().Pack(), Load().Pack(), Load().Pack()},
                    Fault::kAccess, 3);
  EXPECT_EQ(rig.dut().head_o, 3u) << "the slot that faulted is not consumed";
  EXPECT_EQ(rig.dut().head_o, rig.model().head());
  EXPECT_EQ(rig.Fetched(), 3u);
  RecoverAndRunLegal(rig, kRing - 0x1000);
}

// A slot partly inside a window faults ACCESS as one wholly outside: the window ends a byte
// into slot 3, a byte short of its end, or exactly at it (then slot 4 faults). The fetch's
// window check compares the slot's last byte with the window's end (no add), off by one
// neither way.
TYPED_TEST(SequencerTest, FetchOfASlotPartlyInsideAWindowFaultsAccess) {
  tb::Rng rng(tb::SeedFromEnv(56));
  const struct {
    uint64_t ring_bytes;  // granted from the ring's base
    uint32_t index;       // the slot that faults
  } cases[] = {{3 * 32 + 1, 3}, {4 * 32 - 1, 3}, {4 * 32, 4}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.ring_bytes);
    const std::vector<Window> windows = {{0, kRing + c.ring_bytes, true}, {kSync, 0x1000, true}};
    Rig<TypeParam> rig(windows, RandomTiming(rng), rng.Bits64());
    RunExpectingFault(
        rig,
        {Load().Pack(), Store().Pack(), Load().Pack(), Load().Pack(), Load().Pack(), Load().Pack()},
        Fault::kAccess, c.index);
    EXPECT_EQ(rig.dut().head_o, c.index) << "the slot that faulted is not consumed";
    EXPECT_EQ(rig.Fetched(), c.index);
  }
}

// An error response on a fetch faults MEM_ERROR at that slot.
TYPED_TEST(SequencerTest, FetchErrorResponseFaultsMemError) {
  tb::Rng rng(tb::SeedFromEnv(52));
  Rig<TypeParam> rig({{0, 2 * kMemBytes, true}}, RandomTiming(rng), rng.Bits64());
  // Slots 0 and 1 are the last 64 bytes of device memory; slot 2 is past its end.
  rig.SetRing(kMemBytes - 64, 4);
  rig.Mark();
  rig.Submit({Load().Pack(), Matmul(TypeParam::kDim).Pack()});
  rig.model().SetTail(3);
  rig.Doorbell(3);
  rig.Run();
  rig.ExpectMatchesModel();
  EXPECT_EQ(rig.RtlFault(), Fault::kMemError);
  EXPECT_EQ(rig.dut().fault_index_o, 2u);
  EXPECT_EQ(rig.dut().head_o, 2u);
  EXPECT_EQ(rig.dut().irq_o, 1);
  RecoverAndRunLegal(rig, kRing);
}

// Windows with a hole [0xa0000, 0xb0000), a read-only window above it and a writable window
// past the end of device memory (accesses there answer errors).
std::vector<Window> HoleyWindows() {
  return {{0, 0xa0000, true}, {0xb0000, 0x50000, false}, {kMemBytes, kMemBytes, true}};
}

TYPED_TEST(SequencerTest, SyncOutsideTheWritableWindowsFaultsAccess) {
  tb::Rng rng(tb::SeedFromEnv(53));
  Rig<TypeParam> rig(HoleyWindows(), RandomTiming(rng), rng.Bits64());
  for (uint32_t addr : {0xb0000u + 8, 0xa0000u + 4, 0x9fffcu + 0x10000}) {
    SCOPED_TRACE("SYNC at " + std::to_string(addr));
    RunExpectingFault(rig,
                      {Load().Pack(), Sync(kSync, 1, false), Store().Pack(), Sync(addr, 2, true)},
                      Fault::kAccess, 3);
    EXPECT_EQ(rig.mem().Read32(kSync), 1u);
    RecoverAndRunLegal(rig, kRing);
  }
}

TYPED_TEST(SequencerTest, SyncErrorResponseFaultsMemError) {
  tb::Rng rng(tb::SeedFromEnv(54));
  Rig<TypeParam> rig(HoleyWindows(), RandomTiming(rng), rng.Bits64());
  RunExpectingFault(rig, {Load().Pack(), Sync(kMemBytes + 64, 2, true), Load().Pack()},
                    Fault::kMemError, 1);
  EXPECT_EQ(rig.Retired(3), 0u) << "a failed SYNC does not retire";
  RecoverAndRunLegal(rig, kRing);
}

// The units report ACCESS / MEM_ERROR for the command they run (computed as the model does);
// the sequencer latches it with that command's ring index.
TYPED_TEST(SequencerTest, UnitFaultsCarryTheCommandIndex) {
  tb::Rng rng(tb::SeedFromEnv(55));
  Rig<TypeParam> rig(HoleyWindows(), RandomTiming(rng), rng.Bits64());
  struct Case {
    const char* what;
    Descriptor bad;
    Fault want;
  };
  auto load_at = [](uint32_t addr) {
    auto d = Load();
    d.src_addr = addr;
    return d.Pack();
  };
  auto store_at = [](uint32_t addr, uint32_t bias) {
    auto d = Store();
    d.dst_addr = addr;
    d.bias_en = bias != 0;
    d.bias_addr = bias;
    return d.Pack();
  };
  const Case cases[] = {
      {"LOAD row into the hole", load_at(0xa0000 - 3 * 64 - 8), Fault::kAccess},
      {"LOAD past device memory", load_at(kMemBytes + 256), Fault::kMemError},
      {"STORE into a read-only window", store_at(0xb0000 + 64, 0), Fault::kAccess},
      {"STORE bias in the hole", store_at(kData, 0xa0000 + 16), Fault::kAccess},
      {"STORE past device memory", store_at(kMemBytes, 0), Fault::kMemError},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    ASSERT_EQ(UnitFault(HoleyWindows(), rig.mem(), c.bad), c.want);
    RunExpectingFault(
        rig,
        {Load(0, isa::kLd2Ex).Pack(), Matmul(TypeParam::kDim, isa::kLd2Ex, isa::kEx2St).Pack(),
         Store(isa::kEx2St).Pack(), c.bad, Sync(kSync, 3, false)},
        c.want, 3);
    RecoverAndRunLegal(rig, kRing);
  }
}

// Any unit's fault stops the core with that command's index; its signals are not given.
TYPED_TEST(SequencerTest, InjectedUnitFaultsStopTheCore) {
  tb::Rng rng(tb::SeedFromEnv(56));
  Rig<TypeParam> rig(AllMemory(), RandomTiming(rng), rng.Bits64());
  auto load = Load(0, isa::kLd2Ex);
  load.src_addr = kData + 0x100;
  auto mm = Matmul(TypeParam::kDim, isa::kLd2Ex, isa::kEx2St);
  mm.k = 13;
  auto st = Store(isa::kEx2St);
  st.rows = 3;
  const Descriptor bad[kUnits] = {load.Pack(), mm.Pack(), st.Pack()};
  for (int u = 0; u < kUnits; ++u) {
    SCOPED_TRACE("unit " + std::to_string(u));
    const Fault f = u == 1 ? Fault::kMemError : Fault::kAccess;
    rig.InjectUnitFault(bad[u], f);
    rig.SetRing(kRing, 64);
    rig.Mark();
    const uint64_t retired_before = rig.Retired(u);
    // Slots 0-2 are clean, slots 3-5 are the marked LOAD, MATMUL and STORE.
    rig.Submit({Load(0, isa::kLd2Ex).Pack(),
                Matmul(TypeParam::kDim, isa::kLd2Ex, isa::kEx2St).Pack(), Store(isa::kEx2St).Pack(),
                bad[0], bad[1], bad[2], Sync(kSync + 0x200, 1, true)});
    rig.Run();
    EXPECT_EQ(RtlState(rig.dut()), CoreState::kFaulted);
    EXPECT_EQ(rig.RtlFault(), f);
    EXPECT_EQ(rig.dut().fault_index_o, static_cast<uint32_t>(3 + u));
    EXPECT_EQ(rig.dut().irq_o, 1);
    EXPECT_EQ(rig.Retired(u) - retired_before, rig.unit(u).live().size() - 1)
        << "the faulting command does not retire";
    for (int v = u + 1; v < kUnits; ++v) {
      EXPECT_LE(rig.unit(v).live().size(), 1u) << "unit " << v << " ran past the missing token";
    }
    EXPECT_EQ(rig.mem().Read32(kSync + 0x200), 0u) << "the SYNC after the fault ran";
    RecoverAndRunLegal(rig, kRing);
  }
}

// A unit's fault in the cycle decode offers its command to a queue: the offer (a register
// loaded a cycle ahead, with the unit faults in it) must not push the command after the fault.
// The LOAD's run time is swept so its faulting done meets each phase of the MATMULs' dispatch.
TYPED_TEST(SequencerTest, UnitFaultWhileDecodeDispatchesStopsTheDispatch) {
  auto bad = Load();
  bad.src_addr = kData + 0x100;
  std::vector<Descriptor> program = {bad.Pack()};
  for (int i = 0; i < 12; ++i) program.push_back(Matmul(TypeParam::kDim).Pack());
  for (int run = 1; run <= 24; ++run) {
    SCOPED_TRACE("run time " + std::to_string(run));
    Timing t;
    t.mem_latency = 1 + run % 3;
    t.run_min = t.run_max = run;
    Rig<TypeParam> rig(AllMemory(), t, 0x600d + run);
    rig.InjectUnitFault(bad.Pack(), Fault::kAccess);
    rig.SetRing(kRing, 64);
    rig.Submit(program);
    rig.Run();
    EXPECT_EQ(RtlState(rig.dut()), CoreState::kFaulted);
    EXPECT_EQ(rig.RtlFault(), Fault::kAccess);
    EXPECT_EQ(rig.dut().fault_index_o, 0u);
    RecoverAndRunLegal(rig, kRing);
  }
}

// A LD unit that takes a second command while busy: the second starts (takes its waits)
// while the first runs; when the first faults, the second is abandoned as the model never
// starts it: its waits are given back, its done is ignored, nothing retires.
TYPED_TEST(SequencerTest, SecondLoadBehindAFaultingOneGivesItsWaitsBack) {
  tb::Rng rng(tb::SeedFromEnv(57));
  Timing t;
  t.ld_overlap = true;
  t.run_min = t.run_max = 3;
  t.ld_extra = 100;  // the second LOAD is handed over long before the first's done
  Rig<TypeParam> rig(AllMemory(), t, rng.Bits64());
  auto bad = Load(0, 0);
  bad.src_addr = kData + 0x200;
  rig.InjectUnitFault(bad.Pack(), Fault::kMemError);
  rig.SetRing(kRing, 64);
  const uint64_t retired_ld = rig.Retired(0);
  // The MATMUL gives Ex2Ld; the second LOAD waits on it.
  rig.Submit({Matmul(TypeParam::kDim, 0, isa::kEx2Ld).Pack(), bad.Pack(),
              Load(isa::kEx2Ld, 0).Pack(), Sync(kSync, 1, false)});
  rig.Run();
  EXPECT_EQ(RtlState(rig.dut()), CoreState::kFaulted);
  EXPECT_EQ(rig.RtlFault(), Fault::kMemError);
  EXPECT_EQ(rig.dut().fault_index_o, 1u);
  ASSERT_EQ(rig.unit(0).live().size(), 2u) << "the second LOAD was not handed over early";
  EXPECT_EQ(rig.unit(0).overlapped(), 1u);
  EXPECT_EQ(rig.Retired(0), retired_ld) << "a LOAD retired";
  EXPECT_EQ(rig.Tokens(1), 1) << "the second LOAD kept the Ex2Ld token it took";
  RecoverAndRunLegal(rig, kRing);
}

// ---------------------------------------------------------------------------------------
// Deadlock
// ---------------------------------------------------------------------------------------
TYPED_TEST(SequencerTest, DeadlockNamesTheOldestBlockedHead) {
  tb::Rng rng(tb::SeedFromEnv(61));
  Rig<TypeParam> rig(AllMemory(), RandomTiming(rng), rng.Bits64());
  const int dim = TypeParam::kDim;
  // A SYNC waits for a MATMUL that waits for a LOAD that never signals.
  RunExpectingFault(rig,
                    {Load().Pack(), Matmul(dim, isa::kLd2Ex).Pack(), Store(isa::kEx2St).Pack(),
                     Sync(kSync, 1, true)},
                    Fault::kDeadlock, 1);
  RecoverAndRunLegal(rig, kRing);
  // The oldest blocked head is the STORE, ahead of the MATMUL in the ring.
  RunExpectingFault(rig,
                    {Store(isa::kEx2St).Pack(), Load().Pack(), Matmul(dim, isa::kLd2Ex).Pack(),
                     Sync(kSync, 1, false)},
                    Fault::kDeadlock, 0);
  RecoverAndRunLegal(rig, kRing);
  EXPECT_EQ(rig.mem().Read32(kSync), 0x5au) << "no SYNC of a deadlocked program ran";
}

// The EX queue fills with MATMULs waiting for tokens and decode holds one more.
TYPED_TEST(SequencerTest, DeadlockOnAFullQueue) {
  tb::Rng rng(tb::SeedFromEnv(62));
  Rig<TypeParam> rig(AllMemory(), RandomTiming(rng), rng.Bits64());
  std::vector<Descriptor> p = {Load().Pack(), Load().Pack()};
  for (int i = 0; i <= TypeParam::kDepth; ++i)
    p.push_back(Matmul(TypeParam::kDim, isa::kSt2Ex).Pack());
  p.push_back(Store().Pack());
  RunExpectingFault(rig, p, Fault::kDeadlock, 2);
  EXPECT_EQ(rig.unit(2).live().size(), 0u) << "the STORE behind decode was never dispatched";
  RecoverAndRunLegal(rig, kRing);
}

// LOADs that signal a channel nobody takes: 15 run, the 16th waits at TokenMax, the LD queue
// fills behind it and decode holds one more LOAD.
TYPED_TEST(SequencerTest, DeadlockBehindASignalAtTokenMax) {
  tb::Rng rng(tb::SeedFromEnv(63));
  Rig<TypeParam> rig(AllMemory(), RandomTiming(rng), rng.Bits64());
  std::vector<Descriptor> p;
  for (int i = 0; i < isa::kTokenMax + TypeParam::kDepth + 1; ++i) {
    p.push_back(Load(0, isa::kLd2Ex).Pack());
  }
  RunExpectingFault(rig, p, Fault::kDeadlock, isa::kTokenMax);
  EXPECT_EQ(rig.Tokens(0), isa::kTokenMax);
  EXPECT_EQ(rig.unit(0).live().size(), static_cast<size_t>(isa::kTokenMax));
  RecoverAndRunLegal(rig, kRing);
}

// ---------------------------------------------------------------------------------------
// Clear
// ---------------------------------------------------------------------------------------
// Clear in the middle of a long program: commands at the units finish unseen, the tokens are
// zero, and the next program runs as if the first had never been.
TYPED_TEST(SequencerTest, ClearWhileBusyDropsTheRestAndRestarts) {
  for (tb::Round& r : tb::Rounds(tb::SeedFromEnv(71), 15)) {
    tb::Rng& rng = r.rng;
    Timing t = RandomTiming(rng);
    t.run_min = 10;
    t.run_max = 60;
    Rig<TypeParam> rig(AllMemory(), t, rng.Bits64());
    rig.SetRing(kRing, 64);
    ProgramGen gen;
    gen.dim = TypeParam::kDim;
    gen.sync_prob = 0;
    rig.Submit(gen.Program(rig.rng(), 40));
    rig.sim().Step(static_cast<uint64_t>(rng.Uniform(5, 400)));
    const uint64_t fetched = rig.Fetched();
    rig.Clear();
    rig.Settle();
    rig.ExpectStoppedAfterClear();
    EXPECT_EQ(rig.Fetched(), rig.FetchedAtClear()) << "nothing is decoded after a clear";
    EXPECT_LE(rig.FetchedAtClear() - fetched, uint64_t{TypeParam::kClearDelay})
        << "a decode in each cycle before the clear acts, at most";
    for (int c = 0; c < isa::kNumChannels; ++c) EXPECT_EQ(rig.Tokens(c), 0);
    for (int u = 0; u < kUnits; ++u) EXPECT_TRUE(rig.unit(u).idle());
    rig.SetRing(kRing + 0x1000, 64);
    rig.Mark();
    ProgramGen gen2;
    gen2.dim = TypeParam::kDim;
    rig.Submit(gen2.Program(rig.rng(), 30));
    rig.Run();
    rig.ExpectMatchesModel();
    EXPECT_EQ(RtlState(rig.dut()), CoreState::kIdle);
  }
}

// Clear while descriptor reads are in flight: their data is dropped.
TYPED_TEST(SequencerTest, ClearDuringFetchDropsTheData) {
  Timing t;
  t.mem_latency = 40;
  Rig<TypeParam> rig(AllMemory(), t, 72);
  rig.SetRing(kRing, 64);
  rig.Submit({Load().Pack(), Load().Pack(), Load().Pack()});
  rig.sim().Step(3);
  rig.Clear();
  rig.sim().Step(5);
  EXPECT_EQ(RtlState(rig.dut()), CoreState::kBusy) << "busy until the reads have returned";
  rig.Settle();
  EXPECT_EQ(RtlState(rig.dut()), CoreState::kBlocked) << "stopped with the ring not empty";
  EXPECT_EQ(rig.dut().head_o, 0u);
  EXPECT_EQ(rig.Fetched(), 0u);
  EXPECT_EQ(rig.unit(0).received().size(), 0u);
  rig.SetRing(kRing + 0x1000, 64);
  rig.Mark();
  rig.Submit({Load(0, isa::kLd2Ex).Pack(), Matmul(TypeParam::kDim, isa::kLd2Ex).Pack()});
  rig.Run();
  rig.ExpectMatchesModel();
}

// A clear acting while a fetched slot is on its way to decode (each cycle after its last
// beat, DecodePipe's registers included) drops it, and the next ring runs as the model.
TYPED_TEST(SequencerTest, ClearAsAFetchedSlotNearsDecodeDropsIt) {
  for (int delay = 0; delay < 5; ++delay) {
    SCOPED_TRACE(delay);
    Timing t;
    t.mem_latency = 20;
    Rig<TypeParam> rig(AllMemory(), t, 81 + delay);
    rig.SetRing(kRing, 64);
    rig.Submit({Load().Pack(), Load().Pack(), Load().Pack()});
    rig.sim().RunUntil([&] { return rig.dut().mem_r_valid_i && rig.dut().mem_r_last_i; }, 200,
                       "a fetched slot's last beat");
    rig.sim().Step(delay);
    rig.Clear();
    rig.Settle();
    rig.SetRing(kRing + 0x1000, 64);
    rig.Mark();
    rig.Submit({Load(0, isa::kLd2Ex).Pack(), Matmul(TypeParam::kDim, isa::kLd2Ex).Pack()});
    rig.Run();
    rig.ExpectMatchesModel();
    EXPECT_EQ(RtlState(rig.dut()), CoreState::kIdle);
  }
}

// A doorbell right after a clear lifts the stop while the clear's reads are still out: the
// fetch waits for them to be dropped, then refetches from the head.
TYPED_TEST(SequencerTest, DoorbellRightAfterAClearWaitsForTheDroppedReads) {
  Timing t;
  t.mem_latency = 40;
  Rig<TypeParam> rig(AllMemory(), t, 80);
  rig.SetRing(kRing, 64);
  rig.Submit({Load().Pack(), Load().Pack(), Load().Pack()});
  rig.sim().Step(3);
  rig.Clear();
  rig.sim().Step(2);
  rig.Mark();
  rig.Submit({Load(0, isa::kLd2Ex).Pack(), Matmul(TypeParam::kDim, isa::kLd2Ex).Pack()});
  rig.Run();
  rig.ExpectMatchesModel();
  EXPECT_EQ(RtlState(rig.dut()), CoreState::kIdle);
  EXPECT_EQ(rig.dut().head_o, 5u);
}

// Clear while the SYNC write waits for its response: no irq, no retire.
TYPED_TEST(SequencerTest, ClearDuringSyncWriteDropsItsCompletion) {
  Timing t;
  t.mem_write_latency = 60;
  Rig<TypeParam> rig(AllMemory(), t, 73);
  rig.SetRing(kRing, 64);
  rig.Submit({Sync(kSync + 0x200, 9, true)});
  rig.sim().RunUntil([&] { return rig.dut().mem_aw_valid_o != 0; }, 200, "SYNC write");
  rig.sim().Step(3);
  rig.Clear();
  rig.Settle();
  EXPECT_EQ(RtlState(rig.dut()), CoreState::kIdle);
  EXPECT_EQ(rig.dut().irq_o, 0);
  EXPECT_EQ(rig.Retired(3), 0u);
  rig.SetRing(kRing, 64);
  rig.Mark();
  rig.Submit({Sync(kSync, 10, true)});
  rig.Run();
  rig.ExpectMatchesModel();
  EXPECT_EQ(rig.dut().irq_o, 1);
}

TYPED_TEST(SequencerTest, ClearAbandonsABlockedProgram) {
  Rig<TypeParam> rig(AllMemory(), Timing{}, 74);
  rig.SetRing(kRing, 64);
  rig.Submit({Load().Pack(), Matmul(TypeParam::kDim, isa::kLd2Ex).Pack()});
  rig.Run();
  rig.ExpectMatchesModel();
  ASSERT_EQ(RtlState(rig.dut()), CoreState::kBlocked);
  rig.ClearAndRestart(kRing, 64);
  rig.Submit({Load(0, isa::kLd2Ex).Pack(), Matmul(TypeParam::kDim, isa::kLd2Ex).Pack()});
  rig.Run();
  rig.ExpectMatchesModel();
  EXPECT_EQ(RtlState(rig.dut()), CoreState::kIdle);
}

// After a clear the core waits; a doorbell resumes it at head, where the model's Run() would.
TYPED_TEST(SequencerTest, DoorbellAfterClearResumesAtHead) {
  Rig<TypeParam> rig(AllMemory(), Timing{}, 75);
  Descriptor bad{};
  bad[0] = 9;
  RunExpectingFault(rig, {Load().Pack(), Load().Pack(), bad, Load(0, isa::kLd2Ex).Pack()},
                    Fault::kIllegalOpcode, 2);
  EXPECT_EQ(rig.dut().head_o, 3u) << "a decode fault consumes its slot";
  rig.Clear();
  rig.Settle();
  rig.ExpectStoppedAfterClear();
  EXPECT_EQ(RtlState(rig.dut()), CoreState::kBlocked) << "slot 3 is still in the ring";
  rig.Mark();
  rig.Submit({Matmul(TypeParam::kDim, isa::kLd2Ex).Pack()});
  rig.Run();
  rig.ExpectMatchesModel();
  EXPECT_EQ(RtlState(rig.dut()), CoreState::kIdle);
  EXPECT_EQ(rig.unit(0).live().size(), 1u) << "the LOAD of slot 3 ran";
}

// As above with the head on the ring's last slot: the refetch after the clear starts there
// and wraps to slot 0 (the fetch pointer's registered wrap is loaded from the head's).
TYPED_TEST(SequencerTest, DoorbellAfterClearResumesOnTheLastSlotAndWraps) {
  Rig<TypeParam> rig(AllMemory(), Timing{}, 79);
  Descriptor bad{};
  bad[0] = 9;
  rig.SetRing(kRing, 4);
  rig.Mark();
  rig.Submit({Load().Pack(), Load().Pack(), bad});
  rig.Run();
  rig.ExpectMatchesModel();
  ASSERT_EQ(rig.RtlFault(), Fault::kIllegalOpcode);
  EXPECT_EQ(rig.dut().head_o, 3u) << "the head is on the last slot";
  rig.Clear();
  rig.Settle();
  rig.ExpectStoppedAfterClear();
  rig.Mark();
  rig.Submit({Load(0, isa::kLd2Ex).Pack(), Matmul(TypeParam::kDim, isa::kLd2Ex).Pack()});
  rig.Run();
  rig.ExpectMatchesModel();
  EXPECT_EQ(RtlState(rig.dut()), CoreState::kIdle);
  EXPECT_EQ(rig.dut().head_o, 1u) << "slots 3 and 0 ran";
}

// A decode fault while an earlier command runs: the later unit fault does not replace it, and
// the core reports faulted (and raises irq) only once the unit has finished.
TYPED_TEST(SequencerTest, FirstFaultWinsAndFaultedWaitsForTheUnits) {
  Timing t;
  t.run_min = t.run_max = 60;
  Rig<TypeParam> rig(HoleyWindows(), t, 76);
  auto load = Load();
  load.src_addr = 0xa0000;  // in the hole: the unit reports ACCESS when it finishes
  Descriptor bad{};
  rig.SetRing(kRing, 64);
  rig.Mark();
  rig.Submit({load.Pack(), bad});
  rig.sim().RunUntil([&] { return rig.dut().fault_code_o != 0; }, 200, "decode fault");
  EXPECT_EQ(rig.RtlFault(), Fault::kIllegalOpcode);
  EXPECT_EQ(RtlState(rig.dut()), CoreState::kBusy) << "the LOAD is still running";
  EXPECT_EQ(rig.dut().irq_o, 0);
  rig.Run();
  rig.ExpectMatchesModel();
  EXPECT_EQ(rig.RtlFault(), Fault::kIllegalOpcode);
  EXPECT_EQ(rig.dut().fault_index_o, 1u);
  EXPECT_EQ(rig.dut().irq_o, 1);
  RecoverAndRunLegal(rig, kRing);
}

// ---------------------------------------------------------------------------------------
// Control errors
// ---------------------------------------------------------------------------------------
// A ring set in the cycle after a doorbell: nothing has been fetched yet, so the set is
// taken and the submitted commands never run (with DecodePipe the set acts a cycle later,
// and the fetch must not start in between).
TYPED_TEST(SequencerTest, RingSetRightAfterADoorbellDropsTheUnfetchedCommands) {
  Rig<TypeParam> rig(AllMemory(), Timing{}, 84);
  rig.SetRing(kRing, 16);
  rig.sim().Step(8);  // the fetch is ready to issue on the doorbell's next cycle
  ProgramGen gen;
  gen.dim = TypeParam::kDim;
  rig.Submit(gen.Program(rig.rng(), 6));
  rig.SetRing(kRing + 0x400, 16);
  const uint64_t errors = rig.ctl_errors();
  rig.Run();
  rig.ExpectMatchesModel();
  EXPECT_EQ(RtlState(rig.dut()), CoreState::kIdle);
  EXPECT_EQ(rig.ctl_errors(), errors) << "the ring set was refused";
  for (int q = 0; q < 4; ++q) EXPECT_EQ(rig.Retired(q), 0u) << "queue " << q;
}

TYPED_TEST(SequencerTest, RefusedControlWritesPulseCtlErrorAndChangeNothing) {
  Timing t;
  t.run_min = t.run_max = 30;
  Rig<TypeParam> rig(AllMemory(), t, 81);
  rig.SetRing(kRing, 16);
  uint64_t errors = rig.ctl_errors();
  auto expect_refused = [&](const char* what, int delay) {
    rig.sim().Step(1 + delay);
    EXPECT_EQ(rig.ctl_errors(), ++errors) << what;
  };
  constexpr int kSet = TypeParam::kRingSetDelay;
  rig.Doorbell(16);
  expect_refused("tail == ring size", 0);
  EXPECT_EQ(rig.dut().tail_o, 0u);
  rig.RtlSetRing(kRing + 16, 16);
  expect_refused("base not 32-byte aligned", kSet);
  rig.RtlSetRing(kRing, 1);
  expect_refused("one slot", kSet);
  rig.RtlSetRing(0xfffff000u, 200);
  expect_refused("ring past the address space", kSet);
  // The ring is still (kRing, 16): a program there runs.
  ProgramGen gen;
  gen.dim = TypeParam::kDim;
  rig.Submit(gen.Program(rig.rng(), 10));
  rig.sim().Step(20);
  rig.RtlSetRing(kRing + 0x1000, 16);
  expect_refused("commands in flight", kSet);
  rig.Run();
  rig.ExpectMatchesModel();
  EXPECT_EQ(RtlState(rig.dut()), CoreState::kIdle);
  EXPECT_EQ(rig.ctl_errors(), errors) << "no error for legal writes";
}

// A ring may end exactly at the end of the address space, not a slot past it; the bound is
// checked in slots (the base's slot plus the size), so sizes of 2^27 slots and more count too.
TYPED_TEST(SequencerTest, RingEndingAtTheAddressSpaceEndIsTheLastAccepted) {
  Rig<TypeParam> rig(AllMemory(), Timing{}, 83);
  rig.SetRing(kRing, 16);
  rig.sim().Step(1 + TypeParam::kRingSetDelay);
  const struct {
    uint32_t base, size;
    bool ok;
  } cases[] = {{0xfffff000u, 128, true}, {0xfffff000u, 129, false},  {0, 0x08000000u, true},
               {0, 0x08000001u, false},  {0x20, 0x08000000u, false}, {0xffffffc0u, 2, true},
               {0xffffffe0u, 2, false},  {0x20, 0xffffffffu, false}};
  for (const auto& c : cases) {
    const uint64_t errors = rig.ctl_errors();
    rig.RtlSetRing(c.base, c.size);
    rig.sim().Step(1 + TypeParam::kRingSetDelay);
    EXPECT_EQ(rig.ctl_errors(), errors + (c.ok ? 0 : 1)) << std::hex << c.base << " " << c.size;
  }
  rig.SetRing(kRing, 16);
  rig.Submit({Load(0, isa::kLd2Ex).Pack(), Matmul(TypeParam::kDim, isa::kLd2Ex).Pack()});
  rig.Run();
  rig.ExpectMatchesModel();
  EXPECT_EQ(RtlState(rig.dut()), CoreState::kIdle);
}

// The busy and stall counters count what the units and queues did.
TYPED_TEST(SequencerTest, CountersCountRetiresFetchesAndBusyCycles) {
  tb::Rng rng(tb::SeedFromEnv(82));
  Rig<TypeParam> rig(AllMemory(), RandomTiming(rng), rng.Bits64());
  rig.SetRing(kRing, 64);
  ProgramGen gen;
  gen.dim = TypeParam::kDim;
  const auto p = gen.Program(rig.rng(), 50);
  rig.Submit(p);
  rig.Run();
  rig.ExpectMatchesModel();
  uint64_t per_queue[4] = {};
  for (const auto& d : p) ++per_queue[QueueOfDesc(d)];
  for (int q = 0; q < 4; ++q) EXPECT_EQ(rig.Retired(q), per_queue[q]) << "queue " << q;
  EXPECT_EQ(rig.Fetched(), p.size());
  for (int u = 0; u < kUnits; ++u) {
    EXPECT_EQ(rig.Busy(u), rig.unit(u).busy_cycles());
    EXPECT_GT(rig.Busy(u), 0u);
  }
}

}  // namespace
}  // namespace luoshu
