// A register slice on the core memory port's request channels (docs/fpga.md): AR, AW and W
// each pass a spill_register, so the master's valid and payload and the slave's ready each
// end at a flip-flop on this boundary, and no combinational path runs from one side's
// handshake logic into the other's. One cycle more per request; one request per cycle per
// channel still. R and B (and their readies) pass straight through.
`include "luoshu_mem.svh"

module mem_req_slice #(
  parameter int BeatBytes = 16,
  parameter int IdW = 2
) (
  input  logic                                 clk_i,
  input  logic                                 rst_ni,
  // From the master (the core's memory mux).
  input  `LUOSHU_MEM_REQ_T(BeatBytes, IdW)     in_req_i,
  output `LUOSHU_MEM_RSP_T(BeatBytes, IdW)     in_rsp_o,
  // To the slave (the NoC bridge).
  output `LUOSHU_MEM_REQ_T(BeatBytes, IdW)     out_req_o,
  input  `LUOSHU_MEM_RSP_T(BeatBytes, IdW)     out_rsp_i
);
  localparam int AxW = luoshu_mem_pkg::AddrW + luoshu_mem_pkg::LenW + IdW;
  localparam int WW  = BeatBytes * 8 + BeatBytes + 1;

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

  always_comb begin
    in_rsp_o          = out_rsp_i;
    in_rsp_o.ar_ready = ar_ready;
    in_rsp_o.aw_ready = aw_ready;
    in_rsp_o.w_ready  = w_ready;
  end
endmodule
