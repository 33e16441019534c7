// Several Verilated supernode chips in one process (docs/supernode.md, "Multi-chip
// simulation"): N soc_tb models built with link ports, joined in a ring or a torus
// (tb/c2c_topology.h) by lanes of latency L, each chip with its own clock, memory and host
// port. Each chip is a hal::HostBus, so the driver runs on it unchanged.
//
// Conservative synchronization with L as the lookahead: a lane word a chip sends at its cycle
// t is needed by the neighbour at its cycle t + L. Every link direction is a queue of words
// (an inbox at the receiver, filled with L idle words at the start); a chip may run as many
// cycles as its fullest-starved inbox holds, collecting what it sends in an outbox, and then
// its outbox is delivered (Exchange: through a LinkChannel, which injects the faults, into the
// neighbours' inboxes). In lockstep every chip runs a window of L cycles and then exchanges,
// which is the step an MPI version performs with one chip per rank: swap Exchange's queue
// push for a message to the neighbour's rank, everything else stays.
//
// Host register accesses step one chip alone (AXI4-Lite); before one, the other chips are run
// L - 1 cycles ahead of it, which leaves it 2L - 1 cycles of inbox: an access that needs more
// throws. Device memory is written and read through a back door (no clock).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "sw/hal/host_bus.h"
#include "sw/model/memory.h"
#include "tb/agents/axil_master.h"
#include "tb/agents/c2c_channel.h"
#include "tb/agents/mem_slave.h"
#include "tb/bits.h"
#include "tb/c2c_topology.h"
#include "tb/sim.h"

// VerilatedParams<Model> (specialized in each model's V<name>_params.h, which the user of
// MultiChip<Top> includes).
#ifndef LUOSHU_VERILATED_PARAMS_DECLARED
#define LUOSHU_VERILATED_PARAMS_DECLARED
template <class Model>
struct VerilatedParams;
#endif

namespace luoshu::tb {

// Chip c's memory starts at c << kChipShift (byte address bits [31:29] are the chip id).
constexpr int kChipShift = 29;
inline uint64_t ChipBase(int chip) { return uint64_t(chip) << kChipShift; }

struct MultiChipOptions {
  c2c::Topology topology = c2c::Topology::Ring(2);
  int latency = 16;             // L: lane cycles per link, each way; the lookahead
  uint64_t mem_size = 1 << 20;  // per chip, at ChipBase(chip)
  MemSlaveConfig memory;        // every chip's memory channel (one channel per chip)
  c2c::FaultRates faults;       // on every link direction
  uint64_t seed = 1;
  std::string name = "multi_chip";  // names the wave files (<name>_chip<c>)
};

template <class Top>
class MultiChip {
 public:
  explicit MultiChip(const MultiChipOptions& o) : opt_(o), topo_(o.topology) {
    if (o.latency < 1) throw std::invalid_argument("MultiChip: latency must be >= 1 cycle");
    if (topo_.Links() > kPorts) {
      throw std::invalid_argument("MultiChip: " + topo_.Name() + " needs " +
                                  std::to_string(topo_.Links()) + " link ports, the model has " +
                                  std::to_string(kPorts));
    }
    Rng seeds(o.seed);
    for (int c = 0; c < topo_.chips(); ++c)
      chips_.push_back(std::make_unique<Chip>(this, c, &seeds));
  }

  int chips() const { return topo_.chips(); }
  const c2c::Topology& topology() const { return topo_; }
  hal::HostBus& bus(int c) { return *chips_.at(c)->bus; }
  model::DeviceMemory& memory(int c) { return *chips_.at(c)->mem; }
  Simulation<Top>& sim(int c) { return *chips_.at(c)->sim; }
  uint64_t lane_cycles(int c) const { return chips_.at(c)->lane_cycles; }
  // The wire leaving chip c on link port p (its statistics; faults are set from the options).
  c2c::LinkChannel& wire(int c, int p) { return *chips_.at(c)->wire.at(p); }
  bool irq(int c) { return chips_.at(c)->sim->dut().irq_o != 0; }

  // Runs every chip in windows of L cycles until done() holds (checked after each window) or
  // `max_cycles` more lane cycles of the slowest chip have passed; returns done().
  bool RunUntil(const std::function<bool()>& done, uint64_t max_cycles) {
    const uint64_t start = MinCycle();
    while (!done()) {
      if (MinCycle() - start >= max_cycles) return false;
      std::vector<uint64_t> target(chips(), MinCycle() + opt_.latency);
      StepTo(target);
    }
    return true;
  }
  // Runs every chip `n` more cycles past the slowest one.
  void Step(uint64_t n) { StepTo(std::vector<uint64_t>(chips(), MinCycle() + n)); }

 private:
  static constexpr int kPorts = VerilatedParams<Top>::NumLinks;
  static constexpr int kLaneW = VerilatedParams<Top>::LinkLaneW;

  class ChipBus;

  struct Chip {
    Chip(MultiChip* owner, int id, Rng* seeds) : owner(owner), id(id) {
      const std::string name = owner->opt_.name + "_chip" + std::to_string(id);
      sim = std::make_unique<Simulation<Top>>(name);
      Top& top = sim->dut();
      top.chip_id_i = id;
      top.dim_x_i = owner->topo_.dim_x;
      top.dim_y_i = owner->topo_.dim_y;
      host = std::make_unique<AxiLiteMaster<Top>>(sim.get(), 1000);
      mem = std::make_unique<model::DeviceMemory>(ChipBase(id), owner->opt_.mem_size);
      MemPins pins;
      LUOSHU_AXI4_PINS(pins, &top, ch0_m_axi_);
      MemSlaveConfig mc = owner->opt_.memory;
      mc.name = name + " memory";
      channel = std::make_unique<MemSlave>(sim.get(), pins, mem.get(), mc, seeds->Bits64());
      for (int p = 0; p < owner->topo_.Links(); ++p) {
        inbox[p].assign(owner->opt_.latency, c2c::LaneWord{});
        // The wire only injects faults (latency 1: a word comes out as it goes in); the
        // latency is the inbox's L words.
        wire[p] = std::make_unique<c2c::LinkChannel>(1, kLaneW, top.link_data_words_o,
                                                     top.link_ctrl_words_o, seeds->Bits64());
        wire[p]->SetRates(owner->opt_.faults);
      }
      drive = sim->OnDrive([this] { DriveLanes(); });
      sample = sim->OnSample([this] { SampleLanes(); });
      bus = std::make_unique<ChipBus>(owner, id);
      sim->Reset();
    }
    // Cycles this chip can run before an inbox runs dry.
    uint64_t Available() const {
      uint64_t n = UINT64_MAX;
      for (int p = 0; p < owner->topo_.Links(); ++p) n = std::min<uint64_t>(n, inbox[p].size());
      return n;
    }
    void DriveLanes() {
      Top& top = sim->dut();
      for (int p = 0; p < kPorts; ++p) {
        c2c::LaneWord w;
        if (!sim->in_reset() && p < owner->topo_.Links()) {
          if (inbox[p].empty()) {
            throw std::logic_error("MultiChip: chip " + std::to_string(id) +
                                   " ran past its lookahead on link port " + std::to_string(p) +
                                   " (a host access took longer than 2L - 1 cycles?)");
          }
          w = inbox[p].front();
          inbox[p].pop_front();
        }
        PutBits(top.link_rx_valid_i, p, 1, w.valid);
        PutBits(top.link_rx_lane_i, p * kLaneW, kLaneW, w.data);
      }
    }
    void SampleLanes() {
      if (sim->in_reset()) return;
      Top& top = sim->dut();
      ++lane_cycles;
      for (int p = 0; p < kPorts; ++p) {
        const c2c::LaneWord w{GetBits(top.link_tx_valid_o, p, 1) != 0,
                              GetBits(top.link_tx_lane_o, p * kLaneW, kLaneW)};
        // A port the topology does not use is not wired: only its credit refreshes go out.
        if (p < owner->topo_.Links()) outbox[p].push_back(w);
      }
    }

    MultiChip* owner;
    int id;
    std::unique_ptr<Simulation<Top>> sim;
    std::unique_ptr<AxiLiteMaster<Top>> host;
    std::unique_ptr<model::DeviceMemory> mem;
    std::unique_ptr<MemSlave> channel;
    std::array<std::deque<c2c::LaneWord>, c2c::kNumLinkPorts> inbox;    // arriving, oldest first
    std::array<std::vector<c2c::LaneWord>, c2c::kNumLinkPorts> outbox;  // sent, not delivered
    std::array<std::unique_ptr<c2c::LinkChannel>, c2c::kNumLinkPorts> wire;
    HookHandle drive, sample;
    uint64_t lane_cycles = 0;
    std::unique_ptr<ChipBus> bus;
  };

  // The exchange: chip c's outgoing words since the last one go through their wires into the
  // neighbours' inboxes.
  void Exchange(int c) {
    Chip& from = *chips_[c];
    for (int p = 0; p < topo_.Links(); ++p) {
      Chip& to = *chips_[topo_.Neighbour(c, p)];
      auto& in = to.inbox[c2c::Topology::Opposite(p)];
      for (const c2c::LaneWord& w : from.outbox[p]) {
        from.wire[p]->Send(w);
        in.push_back(from.wire[p]->Arriving());
      }
      from.outbox[p].clear();
    }
  }
  uint64_t MinCycle() const {
    uint64_t m = UINT64_MAX;
    for (const auto& c : chips_) m = std::min(m, c->lane_cycles);
    return m;
  }
  // Runs chip c towards target[c], each as far as its inboxes allow, exchanging after each run.
  void StepTo(const std::vector<uint64_t>& target) {
    for (;;) {
      bool done = true, progress = false;
      for (int c = 0; c < chips(); ++c) {
        Chip& ch = *chips_[c];
        if (ch.lane_cycles >= target[c]) continue;
        done = false;
        const uint64_t n = std::min(target[c] - ch.lane_cycles, ch.Available());
        if (n == 0) continue;
        ch.sim->Step(n);
        Exchange(c);
        progress = true;
      }
      if (done) return;
      if (!progress) throw std::logic_error("MultiChip: no chip can advance (lookahead deadlock)");
    }
  }
  // Before a host access on chip c: the others run L - 1 cycles ahead of it.
  void Reserve(int c) {
    std::vector<uint64_t> target(chips());
    for (int k = 0; k < chips(); ++k) {
      target[k] = k == c
                      ? chips_[c]->lane_cycles
                      : std::max(chips_[k]->lane_cycles, chips_[c]->lane_cycles + opt_.latency - 1);
    }
    StepTo(target);
  }

  class ChipBus : public hal::HostBus {
   public:
    ChipBus(MultiChip* owner, int id) : owner_(owner), id_(id) {}
    uint32_t ReadReg(uint32_t offset) override {
      owner_->Reserve(id_);
      unsigned resp = 0;
      const uint32_t v = Me().host->Read(offset, &resp);
      owner_->Exchange(id_);
      if (resp != 0) Fail("read", offset, resp);
      return v;
    }
    void WriteReg(uint32_t offset, uint32_t value) override {
      owner_->Reserve(id_);
      const unsigned resp = Me().host->Write(offset, value);
      owner_->Exchange(id_);
      if (resp != 0) Fail("write", offset, resp);
    }
    void WriteMem(uint64_t addr, const void* src, uint64_t len) override {
      Me().mem->Write(addr, src, len);
    }
    void ReadMem(uint64_t addr, void* dst, uint64_t len) override {
      Me().mem->Read(addr, dst, len);
    }
    uint64_t mem_base() const override { return ChipBase(id_); }
    uint64_t mem_size() const override { return owner_->opt_.mem_size; }
    bool WaitIrq(uint64_t max_cycles) override {
      return owner_->RunUntil([this] { return owner_->irq(id_); }, max_cycles);
    }
    uint64_t Now() const override { return owner_->chips_[id_]->sim->cycle(); }
    std::string Describe() const override {
      return "chip " + std::to_string(id_) + " of a Verilated " + owner_->topo_.Name();
    }

   private:
    Chip& Me() { return *owner_->chips_[id_]; }
    void Fail(const char* what, uint32_t offset, unsigned resp) {
      throw hal::BusError("chip " + std::to_string(id_) + ": register " + what + " at offset " +
                          std::to_string(offset) + " answered " + std::to_string(resp));
    }
    MultiChip* owner_;
    int id_;
  };

  MultiChipOptions opt_;
  c2c::Topology topo_;
  std::vector<std::unique_ptr<Chip>> chips_;
};

}  // namespace luoshu::tb
