// AXI4-Lite host driver for a Verilated slave with s_axil_* ports (rtl/soc/luoshu_regs.sv):
// blocking Write() / Read() that run the simulation until the response arrives (watchdog
// after `timeout` cycles). AW and W are offered together; the response channels are always
// ready. Responses other than OKAY are returned to the caller.
#pragma once

#include <cstdint>
#include <string>

#include "sw/hal/state.h"
#include "tb/sim.h"

namespace luoshu::tb {

template <class Top>
class AxiLiteMaster {
 public:
  explicit AxiLiteMaster(Simulation<Top>* sim, uint64_t timeout = 100)
      : sim_(sim), timeout_(timeout) {
    drive_hook_ = sim->OnDrive([this] { Drive(); });
    sample_hook_ = sim->OnSample([this] { Sample(); });
  }

  // Returns the BRESP.
  unsigned Write(uint32_t addr, uint32_t data, unsigned strb = 0xf) {
    aw_ = w_ = true;
    addr_ = addr;
    data_ = data;
    strb_ = strb;
    b_done_ = false;
    sim_->RunUntil([this] { return b_done_; }, timeout_, "AXI4-Lite write response");
    return resp_;
  }
  uint32_t Read(uint32_t addr, unsigned* resp = nullptr) {
    ar_ = true;
    addr_ = addr;
    r_done_ = false;
    sim_->RunUntil([this] { return r_done_; }, timeout_, "AXI4-Lite read data");
    if (resp) *resp = resp_;
    return rdata_;
  }

  // Checkpoints, taken between accesses: what it drives and what it last saw.
  void Save(hal::StateWriter* w) const {
    for (bool b : {aw_, w_, ar_, b_done_, r_done_}) w->U8(b);
    for (uint32_t v : {addr_, data_, rdata_, uint32_t(strb_), uint32_t(resp_)}) w->U32(v);
  }
  void Restore(hal::StateReader* r) {
    for (bool* b : {&aw_, &w_, &ar_, &b_done_, &r_done_}) *b = r->U8() != 0;
    for (uint32_t* v : {&addr_, &data_, &rdata_}) *v = r->U32();
    strb_ = r->U32();
    resp_ = r->U32();
  }

 private:
  void Drive() {
    auto& d = sim_->dut();
    d.s_axil_awvalid_i = aw_;
    d.s_axil_wvalid_i = w_;
    d.s_axil_arvalid_i = ar_;
    d.s_axil_awaddr_i = addr_;
    d.s_axil_araddr_i = addr_;
    d.s_axil_wdata_i = data_;
    d.s_axil_wstrb_i = strb_;
    d.s_axil_bready_i = 1;
    d.s_axil_rready_i = 1;
  }
  void Sample() {
    if (sim_->in_reset()) return;
    auto& d = sim_->dut();
    if (aw_ && d.s_axil_awready_o) aw_ = false;
    if (w_ && d.s_axil_wready_o) w_ = false;
    if (ar_ && d.s_axil_arready_o) ar_ = false;
    if (d.s_axil_bvalid_o) {
      b_done_ = true;
      resp_ = d.s_axil_bresp_o;
    }
    if (d.s_axil_rvalid_o) {
      r_done_ = true;
      rdata_ = d.s_axil_rdata_o;
      resp_ = d.s_axil_rresp_o;
    }
  }

  Simulation<Top>* sim_;
  HookHandle drive_hook_, sample_hook_;  // removed with this object
  uint64_t timeout_;
  bool aw_ = false, w_ = false, ar_ = false, b_done_ = false, r_done_ = false;
  uint32_t addr_ = 0, data_ = 0, rdata_ = 0;
  unsigned strb_ = 0xf, resp_ = 0;
};

}  // namespace luoshu::tb
