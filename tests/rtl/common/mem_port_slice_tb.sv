// Test top for mem_port_slice: the master side as in_* pins, the slave side as the usual flat
// memory pins (mem_*), BeatBytes=16, IdW=2.
`include "luoshu_mem.svh"

module mem_port_slice_tb (
  input  logic                             clk_i,
  input  logic                             rst_ni,
  input  logic                             in_ar_valid_i,
  output logic                             in_ar_ready_o,
  input  logic [luoshu_mem_pkg::AddrW-1:0] in_ar_addr_i,
  input  logic [luoshu_mem_pkg::LenW-1:0]  in_ar_len_i,
  input  logic [1:0]                       in_ar_id_i,
  input  logic                             in_aw_valid_i,
  output logic                             in_aw_ready_o,
  input  logic [luoshu_mem_pkg::AddrW-1:0] in_aw_addr_i,
  input  logic [luoshu_mem_pkg::LenW-1:0]  in_aw_len_i,
  input  logic [1:0]                       in_aw_id_i,
  input  logic                             in_w_valid_i,
  output logic                             in_w_ready_o,
  input  logic [127:0]                     in_w_data_i,
  input  logic [15:0]                      in_w_strb_i,
  input  logic                             in_w_last_i,
  input  logic                             in_r_ready_i,
  input  logic                             in_b_ready_i,
  output logic                             in_r_valid_o,
  output logic [127:0]                     in_r_data_o,
  output logic                             in_r_last_o,
  output logic                             in_r_err_o,
  output logic [1:0]                       in_r_id_o,
  output logic                             in_b_valid_o,
  output logic                             in_b_err_o,
  output logic [1:0]                       in_b_id_o,
  output logic [3:0]                       in_r_valids_o,  // in_r_valid_o per id
  output logic [3:0]                       in_b_valids_o,
  `LUOSHU_MEM_FLAT_PORTS(16, 2)
);
  `LUOSHU_MEM_REQ_T(16, 2) in_req, out_req;
  `LUOSHU_MEM_RSP_T(16, 2) in_rsp, out_rsp;
  luoshu_mem_pkg::rsp_ready_t in_rsp_ready, out_rsp_ready;

  assign in_req = '{ar_valid: in_ar_valid_i, ar_addr: in_ar_addr_i, ar_len: in_ar_len_i,
                    ar_id: in_ar_id_i, aw_valid: in_aw_valid_i, aw_addr: in_aw_addr_i,
                    aw_len: in_aw_len_i, aw_id: in_aw_id_i, w_valid: in_w_valid_i,
                    w_strb: in_w_strb_i, w_last: in_w_last_i, w_data: in_w_data_i};
  assign in_ar_ready_o = in_rsp.ar_ready;
  assign in_aw_ready_o = in_rsp.aw_ready;
  assign in_w_ready_o  = in_rsp.w_ready;
  assign in_r_valid_o  = in_rsp.r_valid;
  assign in_r_data_o   = in_rsp.r_data;
  assign in_r_last_o   = in_rsp.r_last;
  assign in_r_err_o    = in_rsp.r_err;
  assign in_r_id_o     = in_rsp.r_id;
  assign in_b_valid_o  = in_rsp.b_valid;
  assign in_b_err_o    = in_rsp.b_err;
  assign in_b_id_o     = in_rsp.b_id;
  assign in_rsp_ready  = '{r_ready: in_r_ready_i, b_ready: in_b_ready_i};

  mem_port_slice #(.BeatBytes(16), .IdW(2)) u_dut (
    .clk_i, .rst_ni,
    .in_req_i(in_req), .in_rsp_o(in_rsp), .in_rsp_ready_i(in_rsp_ready),
    .in_r_valids_o, .in_b_valids_o,
    .out_req_o(out_req), .out_rsp_i(out_rsp), .out_rsp_ready_o(out_rsp_ready)
  );

  `LUOSHU_MEM_FLATTEN(out_req, out_rsp, out_rsp_ready)
endmodule
