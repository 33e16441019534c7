// Test top for core_noc_bridge: the bridge with its core side as the flat pins (core_*) the
// C++ agents drive; the network side is the bridge's own.
`include "luoshu_mem.svh"

module core_noc_bridge_tb #(
  parameter int         NumChannels = 2,
  // Channel c's node is (ChanX[c], ChanY[c]); one octal digit per channel, so a
  // command-line value reads 12'o3210 (Verilator -G, synth.sh --param).
  parameter logic [3:0][2:0] ChanX = 12'o2222,
  parameter logic [3:0][2:0] ChanY = 12'o3210,
  parameter int         RobBeats = 256,   // read reorder buffer, power of two 16..256
  parameter int         MaxWrites = 8,    // write bursts in flight
  parameter bit         Remote = 0,       // supernode: other chips' addresses to the gateway
  parameter logic [2:0] GwX = 3'd0,
  parameter logic [2:0] GwY = 3'd0,
  parameter int         RxPipe = 0        // the FPGA build's response register
) (
  input  logic                        clk_i,
  input  logic                        rst_ni,
  input  logic [2:0]                  chip_id_i,  // Remote = 1
  // Core side: ai_core's memory port, flat.
  input  logic                        core_ar_valid_i,
  output logic                        core_ar_ready_o,
  input  logic [31:0]                 core_ar_addr_i,
  input  logic [7:0]                  core_ar_len_i,
  input  logic [1:0]                  core_ar_id_i,
  output logic                        core_r_valid_o,
  input  logic                        core_r_ready_i,
  output logic [127:0]                core_r_data_o,
  output logic                        core_r_last_o,
  output logic                        core_r_err_o,
  output logic [1:0]                  core_r_id_o,
  input  logic                        core_aw_valid_i,
  output logic                        core_aw_ready_o,
  input  logic [31:0]                 core_aw_addr_i,
  input  logic [7:0]                  core_aw_len_i,
  input  logic [1:0]                  core_aw_id_i,
  input  logic                        core_w_valid_i,
  output logic                        core_w_ready_o,
  input  logic [127:0]                core_w_data_i,
  input  logic [15:0]                 core_w_strb_i,
  input  logic                        core_w_last_i,
  output logic                        core_b_valid_o,
  input  logic                        core_b_ready_i,
  output logic                        core_b_err_o,
  output logic [1:0]                  core_b_id_o,
  // Network side: a client NI's message ports (requests out, responses in).
  output logic                        tx_hdr_valid_o,
  input  logic                        tx_hdr_ready_i,
  output logic [noc_pkg::MemHdrW-1:0] tx_hdr_o,
  output logic                        tx_data_valid_o,
  input  logic                        tx_data_ready_i,
  output logic [143:0]                tx_data_o,
  input  logic                        rx_hdr_valid_i,
  output logic                        rx_hdr_ready_o,
  input  logic [noc_pkg::MemHdrW-1:0] rx_hdr_i,
  input  logic                        rx_data_valid_i,
  output logic                        rx_data_ready_o,
  input  logic [143:0]                rx_data_i,
  input  logic                        rx_data_last_i
);
  `LUOSHU_MEM_REQ_T(16, luoshu_mem_pkg::IdW) core_req;
  `LUOSHU_MEM_RSP_T(16, luoshu_mem_pkg::IdW) core_rsp;
  luoshu_mem_pkg::rsp_ready_t                core_rsp_ready;

  core_noc_bridge #(
    .NumChannels(NumChannels),
    .ChanX(ChanX),
    .ChanY(ChanY),
    .RobBeats(RobBeats),
    .MaxWrites(MaxWrites),
    .Remote(Remote),
    .GwX(GwX),
    .GwY(GwY),
    .RxPipe(RxPipe)
  ) u_bridge (
    .clk_i,
    .rst_ni,
    .chip_id_i,
    .core_req_i(core_req),
    .core_rsp_o(core_rsp),
    .core_rsp_ready_i(core_rsp_ready),
    .tx_hdr_valid_o,
    .tx_hdr_ready_i,
    .tx_hdr_o,
    .tx_data_valid_o,
    .tx_data_ready_i,
    .tx_data_o,
    .rx_hdr_valid_i,
    .rx_hdr_ready_o,
    .rx_hdr_i,
    .rx_data_valid_i,
    .rx_data_ready_o,
    .rx_data_i,
    .rx_data_last_i
  );
  assign core_req = '{ar_valid: core_ar_valid_i, ar_addr: core_ar_addr_i, ar_len: core_ar_len_i,
                     ar_id: core_ar_id_i, aw_valid: core_aw_valid_i,
                     aw_addr: core_aw_addr_i, aw_len: core_aw_len_i, aw_id: core_aw_id_i,
                     w_valid: core_w_valid_i, w_data: core_w_data_i, w_strb: core_w_strb_i,
                     w_last: core_w_last_i};
  assign core_rsp_ready = '{r_ready: core_r_ready_i, b_ready: core_b_ready_i};
  assign core_ar_ready_o  = core_rsp.ar_ready;
  assign core_r_valid_o   = core_rsp.r_valid;
  assign core_r_data_o    = core_rsp.r_data;
  assign core_r_last_o    = core_rsp.r_last;
  assign core_r_err_o     = core_rsp.r_err;
  assign core_r_id_o      = core_rsp.r_id;
  assign core_aw_ready_o  = core_rsp.aw_ready;
  assign core_w_ready_o   = core_rsp.w_ready;
  assign core_b_valid_o   = core_rsp.b_valid;
  assign core_b_err_o     = core_rsp.b_err;
  assign core_b_id_o      = core_rsp.b_id;
endmodule
