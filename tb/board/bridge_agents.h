// C++ models of what host_bridge talks to, for Verilated tops that bring its ports out as
// pins (tests/rtl/board/host_bridge_tb.sv): an AXI4-Lite register slave and the board memory
// port, both with random ready stalls and response delays, and the UART link with a reply
// parser. Per-cycle agents on SimController hooks (tb/sim.h).
#pragma once

#include <cstdint>
#include <cstring>
#include <deque>
#include <stdexcept>
#include <string>
#include <vector>

#include "sw/hal/bridge_protocol.h"
#include "tb/agents/uart.h"
#include "tb/random.h"
#include "tb/sim.h"

namespace luoshu::tb {

// AXI4-Lite slave with 0x800 bytes of 32-bit registers. Offsets at and above error_from answer
// SLVERR (and are not written). Ready signals stall with probability `stall`; responses come
// 0..3 cycles after the request.
template <class Top>
class AxilSlaveModel {
 public:
  static constexpr uint32_t kWords = 0x800 / 4;
  AxilSlaveModel(Simulation<Top>* sim, Rng* rng, double stall, uint32_t error_from)
      : sim_(sim), rng_(rng), stall_(stall), error_from_(error_from), regs_(kWords) {
    for (uint32_t i = 0; i < kWords; ++i) regs_[i] = 0x5EED0000u ^ (i * 0x01010101u);
    drive_ = sim->OnDrive([this] { Drive(); });
    sample_ = sim->OnSample([this] { Sample(); });
  }
  std::vector<uint32_t>& regs() { return regs_; }
  uint64_t reads() const { return reads_; }
  uint64_t writes() const { return writes_; }

 private:
  void Drive() {
    auto& d = sim_->dut();
    d.m_axil_awready_i = !aw_ && !rng_->Chance(stall_);
    d.m_axil_wready_i = !w_ && !rng_->Chance(stall_);
    d.m_axil_arready_i = !ar_ && !rng_->Chance(stall_);
    d.m_axil_bvalid_i = b_pending_ && b_delay_ == 0;
    d.m_axil_bresp_i = b_resp_;
    d.m_axil_rvalid_i = r_pending_ && r_delay_ == 0;
    d.m_axil_rdata_i = r_data_;
    d.m_axil_rresp_i = r_resp_;
  }
  void Sample() {
    if (sim_->in_reset()) return;
    auto& d = sim_->dut();
    if (d.m_axil_awvalid_o && d.m_axil_awready_i) {
      aw_ = true;
      aw_addr_ = d.m_axil_awaddr_o;
    }
    if (d.m_axil_wvalid_o && d.m_axil_wready_i) {
      w_ = true;
      w_data_ = d.m_axil_wdata_o;
      if (d.m_axil_wstrb_o != 0xF) ADD_FAILURE() << "WRITE_REG strobe " << d.m_axil_wstrb_o;
    }
    if (d.m_axil_bvalid_i && d.m_axil_bready_o) b_pending_ = false;
    if (d.m_axil_rvalid_i && d.m_axil_rready_o) r_pending_ = false;
    if (b_pending_ && b_delay_ > 0) --b_delay_;
    if (r_pending_ && r_delay_ > 0) --r_delay_;
    if (aw_ && w_ && !b_pending_) {
      aw_ = w_ = false;
      ++writes_;
      b_resp_ = Allowed(aw_addr_) ? 0 : 2;
      if (b_resp_ == 0) regs_[aw_addr_ / 4] = w_data_;
      b_pending_ = true;
      b_delay_ = static_cast<int>(rng_->Uniform(0, 3));
    }
    if (d.m_axil_arvalid_o && d.m_axil_arready_i) {
      ++reads_;
      const uint32_t a = d.m_axil_araddr_o;
      r_resp_ = Allowed(a) ? 0 : 2;
      r_data_ = r_resp_ == 0 ? regs_[a / 4] : 0xDEADBEEF;
      ar_ = true;  // ready stays low until the data has gone
      r_pending_ = true;
      r_delay_ = static_cast<int>(rng_->Uniform(0, 3));
    }
    if (ar_ && !r_pending_) ar_ = false;
  }
  bool Allowed(uint32_t a) const {
    if (a % 4 != 0) ADD_FAILURE() << "unaligned register access at 0x" << std::hex << a;
    return a < error_from_;
  }

  Simulation<Top>* sim_;
  Rng* rng_;
  double stall_;
  uint32_t error_from_;
  std::vector<uint32_t> regs_;
  HookHandle drive_, sample_;
  bool aw_ = false, w_ = false, ar_ = false, b_pending_ = false, r_pending_ = false;
  uint32_t aw_addr_ = 0, w_data_ = 0, r_data_ = 0;
  unsigned b_resp_ = 0, r_resp_ = 0;
  int b_delay_ = 0, r_delay_ = 0;
  uint64_t reads_ = 0, writes_ = 0;
};

// The board memory port: byte offsets into `bytes` bytes, 128-bit lines with byte strobes.
// Grants stall with probability `stall`; read data comes 1..4 cycles after the grant.
template <class Top>
class BridgeMemModel {
 public:
  BridgeMemModel(Simulation<Top>* sim, Rng* rng, double stall, size_t bytes)
      : sim_(sim), rng_(rng), stall_(stall), mem_(bytes) {
    for (size_t i = 0; i < bytes; ++i) mem_[i] = static_cast<uint8_t>(i * 7 + 3);
    drive_ = sim->OnDrive([this] { Drive(); });
    sample_ = sim->OnSample([this] { Sample(); });
  }
  std::vector<uint8_t>& bytes() { return mem_; }
  uint64_t writes() const { return writes_; }
  uint64_t reads() const { return reads_; }

 private:
  void Drive() {
    auto& d = sim_->dut();
    d.mem_gnt_i = !rd_pending_ && !rng_->Chance(stall_);
    d.mem_rvalid_i = rd_pending_ && rd_delay_ == 0;
    for (int w = 0; w < 4; ++w) {
      uint32_t v = 0;
      for (int b = 0; b < 4; ++b) v |= uint32_t(Byte(rd_line_ * 16 + w * 4 + b)) << (8 * b);
      d.mem_rdata_i[w] = v;
    }
  }
  void Sample() {
    if (sim_->in_reset()) return;
    auto& d = sim_->dut();
    if (d.mem_rvalid_i) rd_pending_ = false;
    if (rd_pending_ && rd_delay_ > 0) --rd_delay_;
    if (!(d.mem_req_o && d.mem_gnt_i)) return;
    const uint32_t addr = d.mem_addr_o;
    if (addr >= mem_.size()) {
      ADD_FAILURE() << "memory access at offset " << addr << ", beyond " << mem_.size();
      return;
    }
    if (d.mem_we_o) {
      ++writes_;
      if (d.mem_be_o != (1u << (addr % 16)))
        ADD_FAILURE() << "write strobes 0x" << std::hex << d.mem_be_o << " for offset " << addr;
      for (int lane = 0; lane < 16; ++lane) {
        if (!((d.mem_be_o >> lane) & 1)) continue;
        const size_t a = (addr & ~15u) + lane;
        if (a < mem_.size())
          mem_[a] = static_cast<uint8_t>(d.mem_wdata_o[lane / 4] >> (8 * (lane % 4)));
      }
    } else {
      ++reads_;
      rd_pending_ = true;
      rd_line_ = addr / 16;
      rd_delay_ = static_cast<int>(rng_->Uniform(0, 3));
    }
  }
  uint8_t Byte(size_t a) const { return a < mem_.size() ? mem_[a] : 0xEE; }

  Simulation<Top>* sim_;
  Rng* rng_;
  double stall_;
  std::vector<uint8_t> mem_;
  HookHandle drive_, sample_;
  bool rd_pending_ = false;
  size_t rd_line_ = 0;
  int rd_delay_ = 0;
  uint64_t writes_ = 0, reads_ = 0;
};

// The host end of the UART: queues request bytes (with optional idle gaps, in bit times) on the
// top's uart_rx_i and parses replies from uart_tx_o.
template <class Top>
class BridgeLink {
 public:
  BridgeLink(Simulation<Top>* sim, int clk_per_bit, size_t max_reply_payload)
      : sim_(sim),
        driver_(clk_per_bit),
        monitor_(clk_per_bit),
        parser_(hal::bridge::kReplyStart, hal::bridge::kReplyHeader, max_reply_payload) {
    drive_ = sim->OnDrive([this] {
      sim_->dut().uart_rx_i = force_low_ > 0 ? 0 : (sim_->in_reset() ? 1 : driver_.Tick());
      if (force_low_ > 0) --force_low_;
    });
    sample_ = sim->OnSample([this] {
      const uint8_t level = sim_->dut().uart_tx_o;
      monitor_.Tick(level);
      quiet_ = level ? quiet_ + 1 : 0;
      uint8_t b;
      while (monitor_.Pop(&b)) {
        size_t pos = 0;
        const auto r = parser_.Feed(&b, 1, &pos);
        if (r == hal::bridge::FrameParser::Result::kFrame) {
          replies_.push_back(hal::bridge::DecodeReply(parser_.frame()));
        } else if (r != hal::bridge::FrameParser::Result::kNeedMore) {
          ++bad_replies_;
        }
      }
    });
  }
  UartDriver& driver() { return driver_; }
  // Holds the receive line low for `cycles` cycles (a glitch), ahead of the driver.
  void Glitch(int cycles) { force_low_ = cycles; }
  void Send(const std::vector<uint8_t>& bytes) {
    for (uint8_t b : bytes) driver_.Push(b);
  }
  // Runs until the driver has sent everything, then until `want` replies have come (or, with
  // want < 0, none is expected) and the transmit line has been quiet for `quiet` cycles.
  std::vector<hal::bridge::Reply> Collect(int want, uint64_t quiet, uint64_t max_cycles) {
    sim_->RunUntil([this] { return driver_.idle(); }, max_cycles, "UART driver to send a frame");
    if (want > 0) {
      sim_->RunUntil([&] { return replies_.size() >= static_cast<size_t>(want); }, max_cycles,
                     std::to_string(want) + " replies from the bridge");
    }
    quiet_ = 0;
    sim_->RunUntil([&] { return quiet_ >= quiet && !parser_.in_frame(); }, max_cycles,
                   "the bridge's transmit line to go quiet");
    std::vector<hal::bridge::Reply> out(replies_.begin(), replies_.end());
    replies_.clear();
    return out;
  }
  uint64_t bad_replies() const { return bad_replies_; }
  uint64_t framing_errors() const { return monitor_.framing_errors(); }

 private:
  Simulation<Top>* sim_;
  UartDriver driver_;
  UartMonitor monitor_;
  hal::bridge::FrameParser parser_;
  HookHandle drive_, sample_;
  std::deque<hal::bridge::Reply> replies_;
  uint64_t quiet_ = 0, bad_replies_ = 0;
  int force_low_ = 0;
};

}  // namespace luoshu::tb
