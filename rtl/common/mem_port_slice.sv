// A register slice on all five channels of the core memory port (docs/fpga.md): AR, AW, W,
// R and B each pass a spill_register, so every valid and payload and every ready ends at a
// flip-flop on this boundary, and no combinational path runs from one side's handshake logic
// into the other's (R: the slave's reorder-buffer read -> a client's accept -> R ready back
// into the reorder buffer). One cycle more per request and per response; one item per cycle
// per channel still.
`include "luoshu_mem.svh"

module mem_port_slice #(
  parameter int BeatBytes = 16,
  parameter int IdW = 2
) (
  input  logic                                 clk_i,
  input  logic                                 rst_ni,
  // From the master (the core's memory mux).
  input  `LUOSHU_MEM_REQ_T(BeatBytes, IdW)     in_req_i,
  output `LUOSHU_MEM_RSP_T(BeatBytes, IdW)     in_rsp_o,
  input  luoshu_mem_pkg::rsp_ready_t           in_rsp_ready_i,
  // To the slave (the NoC bridge).
  output `LUOSHU_MEM_REQ_T(BeatBytes, IdW)     out_req_o,
  input  `LUOSHU_MEM_RSP_T(BeatBytes, IdW)     out_rsp_i,
  output luoshu_mem_pkg::rsp_ready_t           out_rsp_ready_o
);
  localparam int AxW = luoshu_mem_pkg::AddrW + luoshu_mem_pkg::LenW + IdW;
  localparam int WW  = BeatBytes * 8 + BeatBytes + 1;
  localparam int RW  = BeatBytes * 8 + 2 + IdW;

  logic ar_ready, aw_ready, w_ready;

  spill_register #(.Width(AxW)) u_ar (
    .clk_i,
    .rst_ni,
    .in_valid_i (in_req_i.ar_valid),
    .in_ready_o (ar_ready),
    .in_data_i  ({in_req_i.ar_addr, in_req_i.ar_len, in_req_i.ar_id}),
    .out_valid_o(out_req_o.ar_valid),
    .out_ready_i(out_rsp_i.ar_ready),
    .out_data_o ({out_req_o.ar_addr, out_req_o.ar_len, out_req_o.ar_id})
  );

  spill_register #(.Width(AxW)) u_aw (
    .clk_i,
    .rst_ni,
    .in_valid_i (in_req_i.aw_valid),
    .in_ready_o (aw_ready),
    .in_data_i  ({in_req_i.aw_addr, in_req_i.aw_len, in_req_i.aw_id}),
    .out_valid_o(out_req_o.aw_valid),
    .out_ready_i(out_rsp_i.aw_ready),
    .out_data_o ({out_req_o.aw_addr, out_req_o.aw_len, out_req_o.aw_id})
  );

  spill_register #(.Width(WW)) u_w (
    .clk_i,
    .rst_ni,
    .in_valid_i (in_req_i.w_valid),
    .in_ready_o (w_ready),
    .in_data_i  ({in_req_i.w_data, in_req_i.w_strb, in_req_i.w_last}),
    .out_valid_o(out_req_o.w_valid),
    .out_ready_i(out_rsp_i.w_ready),
    .out_data_o ({out_req_o.w_data, out_req_o.w_strb, out_req_o.w_last})
  );

  spill_register #(.Width(RW)) u_r (
    .clk_i,
    .rst_ni,
    .in_valid_i (out_rsp_i.r_valid),
    .in_ready_o (out_rsp_ready_o.r_ready),
    .in_data_i  ({out_rsp_i.r_data, out_rsp_i.r_last, out_rsp_i.r_err, out_rsp_i.r_id}),
    .out_valid_o(in_rsp_o.r_valid),
    .out_ready_i(in_rsp_ready_i.r_ready),
    .out_data_o ({in_rsp_o.r_data, in_rsp_o.r_last, in_rsp_o.r_err, in_rsp_o.r_id})
  );

  spill_register #(.Width(1 + IdW)) u_b (
    .clk_i,
    .rst_ni,
    .in_valid_i (out_rsp_i.b_valid),
    .in_ready_o (out_rsp_ready_o.b_ready),
    .in_data_i  ({out_rsp_i.b_err, out_rsp_i.b_id}),
    .out_valid_o(in_rsp_o.b_valid),
    .out_ready_i(in_rsp_ready_i.b_ready),
    .out_data_o ({in_rsp_o.b_err, in_rsp_o.b_id})
  );

  assign in_rsp_o.ar_ready = ar_ready;
  assign in_rsp_o.aw_ready = aw_ready;
  assign in_rsp_o.w_ready  = w_ready;
endmodule
