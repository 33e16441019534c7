// One Verilated supernode chip with its link lanes (docs/supernode.md, "Multi-chip
// simulation"): the soc_tb model built with link ports, its clock, its memory (chip c's at
// ChipBase(c)) behind a memory slave, its AXI4-Lite host master, and per link port an inbox of
// arriving lane words, an outbox of sent ones and the wire that injects faults into what it
// sends. The chip is a hal::HostBus (bus()), so the driver runs on it unchanged.
//
// Both multi-chip harnesses are built on it: MultiChip (tb/soc/multi_chip.h, one sequential
// host for all chips) and Supernode (tb/soc/supernode.h, one host program per chip, in threads
// or MPI ranks). What differs between them is when a chip may run and when its words move: a
// ChipScheduler says that.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "sw/hal/host_bus.h"
#include "sw/model/memory.h"
#include "sw/runtime/communicator.h"
#include "tb/agents/axil_master.h"
#include "tb/agents/c2c_channel.h"
#include "tb/agents/mem_slave.h"
#include "tb/bits.h"
#include "tb/c2c_topology.h"
#include "tb/sim.h"

// VerilatedParams<Model> (specialized in each model's V<name>_params.h, which the user of
// LinkedChip<Top> includes).
#ifndef LUOSHU_VERILATED_PARAMS_DECLARED
#define LUOSHU_VERILATED_PARAMS_DECLARED
template <class Model>
struct VerilatedParams;
#endif

namespace luoshu::tb {

// Chip c's memory starts at ChipBase(c) = c << kChipShift (byte address bits [31:29] are the
// chip id; sw/runtime/communicator.h).
constexpr int kChipShift = 29;
using ::luoshu::ChipBase;

// What every chip of a multi-chip run shares.
struct LinkedChipOptions {
  c2c::Topology topology = c2c::Topology::Ring(2);
  int latency = 16;             // L: lane cycles per link, each way; the lookahead
  uint64_t mem_size = 1 << 20;  // per chip, at ChipBase(chip)
  MemSlaveConfig memory;        // every chip's memory channel (one channel per chip)
  c2c::FaultRates faults;       // on every link direction
  uint64_t seed = 1;
  std::string name = "multi_chip";  // names the wave files (<name>_chip<c>)
};

// When a chip's host may access it and when its lane words move (the harness).
class ChipScheduler {
 public:
  virtual ~ChipScheduler() = default;
  // Around one host register access of `chip` (which steps that chip alone).
  virtual void BeforeAccess(int chip) = 0;
  virtual void AfterAccess(int chip) = 0;
  // hal::HostBus::WaitIrq of `chip`.
  virtual bool WaitIrq(int chip, uint64_t max_cycles) = 0;
  // After each lane cycle of `chip` (its sent words are in its outboxes).
  virtual void CycleDone(int chip) { (void)chip; }
};

// 64-bit FNV-1a: the memory image hash of run reports.
inline uint64_t Fnv1a(const uint8_t* p, size_t n, uint64_t h = 0xcbf29ce484222325ull) {
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

template <class Top>
class LinkedChip {
 public:
  static constexpr int kPorts = VerilatedParams<Top>::NumLinks;
  static constexpr int kLaneW = VerilatedParams<Top>::LinkLaneW;

  // Chip `id` of the run `o` describes. Its random streams (memory stalls, each wire's faults)
  // are drawn from o.seed in the order chip 0's, chip 1's, ..., so a chip built alone (one MPI
  // rank) gets the same ones as in a process that builds them all.
  LinkedChip(const LinkedChipOptions& o, int id, ChipScheduler* scheduler)
      : opt_(o), id_(id), links_(o.topology.Links()), scheduler_(scheduler) {
    if (o.latency < 1) throw std::invalid_argument("multi-chip run: latency must be >= 1 cycle");
    if (links_ > kPorts) {
      throw std::invalid_argument("multi-chip run: " + o.topology.Name() + " needs " +
                                  std::to_string(links_) + " link ports, the model has " +
                                  std::to_string(kPorts));
    }
    if (id < 0 || id >= o.topology.chips()) {
      throw std::invalid_argument("multi-chip run: no chip " + std::to_string(id) + " in a " +
                                  o.topology.Name());
    }
    Rng seeds(o.seed);
    for (int skip = 0; skip < id * (1 + links_); ++skip) seeds.Bits64();
    const std::string name = o.name + "_chip" + std::to_string(id);
    sim_ = std::make_unique<Simulation<Top>>(name);
    Top& top = sim_->dut();
    top.chip_id_i = id;
    top.dim_x_i = o.topology.dim_x;
    top.dim_y_i = o.topology.dim_y;
    host_ = std::make_unique<AxiLiteMaster<Top>>(sim_.get(), 1000);
    mem_ = std::make_unique<model::DeviceMemory>(ChipBase(id), o.mem_size);
    MemPins pins;
    LUOSHU_AXI4_PINS(pins, &top, ch0_m_axi_);
    MemSlaveConfig mc = o.memory;
    mc.name = name + " memory";
    channel_ = std::make_unique<MemSlave>(sim_.get(), pins, mem_.get(), mc, seeds.Bits64());
    for (int p = 0; p < links_; ++p) {
      inbox_[p].assign(o.latency, c2c::LaneWord{});
      // The wire only injects faults (latency 1: a word comes out as it goes in); the latency
      // is the inbox's L words.
      wire_[p] = std::make_unique<c2c::LinkChannel>(1, kLaneW, top.link_data_words_o,
                                                    top.link_ctrl_words_o, seeds.Bits64());
      wire_[p]->SetRates(o.faults);
    }
    drive_ = sim_->OnDrive([this] { DriveLanes(); });
    sample_ = sim_->OnSample([this] { SampleLanes(); });
    bus_ = std::make_unique<Bus>(this);
    sim_->Reset();
  }

  int id() const { return id_; }
  int links() const { return links_; }
  const LinkedChipOptions& options() const { return opt_; }
  hal::HostBus& bus() { return *bus_; }
  model::DeviceMemory& memory() { return *mem_; }
  Simulation<Top>& sim() { return *sim_; }
  uint64_t lane_cycles() const { return lane_cycles_; }
  bool irq() { return sim_->dut().irq_o != 0; }
  // The wire leaving on link port p (its statistics; faults are set from the options).
  c2c::LinkChannel& wire(int p) { return *wire_.at(p); }

  // Cycles this chip can run before an inbox runs dry.
  uint64_t Available() const {
    uint64_t n = UINT64_MAX;
    for (int p = 0; p < links_; ++p) n = std::min<uint64_t>(n, inbox_[p].size());
    return n;
  }
  // The words sent on port p since the last call, as they arrive at the far end (through the
  // wire, which injects the faults).
  std::vector<c2c::LaneWord> TakeSent(int p) {
    std::vector<c2c::LaneWord> out;
    out.reserve(outbox_[p].size());
    for (const c2c::LaneWord& w : outbox_[p]) {
      wire_[p]->Send(w);
      out.push_back(wire_[p]->Arriving());
    }
    outbox_[p].clear();
    return out;
  }
  // Words arriving on port p, in order, after those already there.
  void Deliver(int p, const c2c::LaneWord& w) { inbox_[p].push_back(w); }

  // FNV-1a of the chip's whole memory.
  uint64_t MemoryHash() {
    std::vector<uint8_t> bytes(opt_.mem_size);
    mem_->Read(ChipBase(id_), bytes.data(), bytes.size());
    return Fnv1a(bytes.data(), bytes.size());
  }

 private:
  class Bus : public hal::HostBus {
   public:
    explicit Bus(LinkedChip* chip) : c_(chip) {}
    uint32_t ReadReg(uint32_t offset) override {
      c_->scheduler_->BeforeAccess(c_->id_);
      unsigned resp = 0;
      const uint32_t v = c_->host_->Read(offset, &resp);
      c_->scheduler_->AfterAccess(c_->id_);
      if (resp != 0) Fail("read", offset, resp);
      return v;
    }
    void WriteReg(uint32_t offset, uint32_t value) override {
      c_->scheduler_->BeforeAccess(c_->id_);
      const unsigned resp = c_->host_->Write(offset, value);
      c_->scheduler_->AfterAccess(c_->id_);
      if (resp != 0) Fail("write", offset, resp);
    }
    void WriteMem(uint64_t addr, const void* src, uint64_t len) override {
      c_->mem_->Write(addr, src, len);
    }
    void ReadMem(uint64_t addr, void* dst, uint64_t len) override {
      c_->mem_->Read(addr, dst, len);
    }
    uint64_t mem_base() const override { return ChipBase(c_->id_); }
    uint64_t mem_size() const override { return c_->opt_.mem_size; }
    bool WaitIrq(uint64_t max_cycles) override {
      return c_->scheduler_->WaitIrq(c_->id_, max_cycles);
    }
    uint64_t Now() const override { return c_->sim_->cycle(); }
    std::string Describe() const override {
      return "chip " + std::to_string(c_->id_) + " of a Verilated " + c_->opt_.topology.Name();
    }

   private:
    void Fail(const char* what, uint32_t offset, unsigned resp) {
      throw hal::BusError("chip " + std::to_string(c_->id_) + ": register " + what + " at offset " +
                          std::to_string(offset) + " answered " + std::to_string(resp));
    }
    LinkedChip* c_;
  };

  void DriveLanes() {
    Top& top = sim_->dut();
    for (int p = 0; p < kPorts; ++p) {
      c2c::LaneWord w;
      if (!sim_->in_reset() && p < links_) {
        if (inbox_[p].empty()) {
          throw std::logic_error("multi-chip run: chip " + std::to_string(id_) +
                                 " ran past its lookahead on link port " + std::to_string(p) +
                                 " (a host access took longer than 2L - 1 cycles?)");
        }
        w = inbox_[p].front();
        inbox_[p].pop_front();
      }
      PutBits(top.link_rx_valid_i, p, 1, w.valid);
      PutBits(top.link_rx_lane_i, p * kLaneW, kLaneW, w.data);
    }
  }
  void SampleLanes() {
    if (sim_->in_reset()) return;
    Top& top = sim_->dut();
    ++lane_cycles_;
    for (int p = 0; p < kPorts; ++p) {
      const c2c::LaneWord w{GetBits(top.link_tx_valid_o, p, 1) != 0,
                            GetBits(top.link_tx_lane_o, p * kLaneW, kLaneW)};
      // A port the topology does not use is not wired: only its credit refreshes go out.
      if (p < links_) outbox_[p].push_back(w);
    }
    scheduler_->CycleDone(id_);
  }

  LinkedChipOptions opt_;
  int id_;
  int links_;
  ChipScheduler* scheduler_;
  std::unique_ptr<Simulation<Top>> sim_;
  std::unique_ptr<AxiLiteMaster<Top>> host_;
  std::unique_ptr<model::DeviceMemory> mem_;
  std::unique_ptr<MemSlave> channel_;
  std::array<std::deque<c2c::LaneWord>, c2c::kNumLinkPorts> inbox_;    // arriving, oldest first
  std::array<std::vector<c2c::LaneWord>, c2c::kNumLinkPorts> outbox_;  // sent, not delivered
  std::array<std::unique_ptr<c2c::LinkChannel>, c2c::kNumLinkPorts> wire_;
  HookHandle drive_, sample_;
  uint64_t lane_cycles_ = 0;
  std::unique_ptr<Bus> bus_;
};

}  // namespace luoshu::tb
