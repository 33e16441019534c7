// A register slice on all five channels of the core memory port (docs/fpga.md): AR, AW, W,
// R and B each pass a spill_register, so every valid and payload and every ready ends at a
// flip-flop on this boundary, and no combinational path runs from one side's handshake logic
// into the other's (R: the slave's reorder-buffer read -> a client's accept -> R ready back
// into the reorder buffer). One cycle more per request and per response; one item per cycle
// per channel still.
//
// R and B valid also leave decoded per id (in_r_valids_o, in_b_valids_o: valid && id == i),
// each from a flip-flop of its own, loaded with the item that enters the output register: the
// master's routing of a response to its client (mem_mux) is then no LUT behind one valid
// flip-flop that fans out to every client's accept logic (FPGA timing; asserted equal).
`include "luoshu_assert.svh"
`include "luoshu_mem.svh"

module mem_port_slice #(
  parameter int BeatBytes = 16,
  parameter int IdW = 2,
  parameter int NumRd = 2 ** IdW,  // R ids decoded into in_r_valids_o
  parameter int NumWr = 2 ** IdW   // B ids decoded into in_b_valids_o
) (
  input  logic                                 clk_i,
  input  logic                                 rst_ni,
  // From the master (the core's memory mux).
  input  `LUOSHU_MEM_REQ_T(BeatBytes, IdW)     in_req_i,
  output `LUOSHU_MEM_RSP_T(BeatBytes, IdW)     in_rsp_o,
  input  luoshu_mem_pkg::rsp_ready_t           in_rsp_ready_i,
  output logic [NumRd-1:0]                     in_r_valids_o,  // in_rsp_o.r_valid per r_id
  output logic [NumWr-1:0]                     in_b_valids_o,  // in_rsp_o.b_valid per b_id
  // To the slave (the NoC bridge).
  output `LUOSHU_MEM_REQ_T(BeatBytes, IdW)     out_req_o,
  input  `LUOSHU_MEM_RSP_T(BeatBytes, IdW)     out_rsp_i,
  output luoshu_mem_pkg::rsp_ready_t           out_rsp_ready_o
);
  localparam int AxW = luoshu_mem_pkg::AddrW + luoshu_mem_pkg::LenW + IdW;
  localparam int WW  = BeatBytes * 8 + BeatBytes + 1;
  localparam int RW  = BeatBytes * 8 + 2 + IdW;

  logic ar_ready, aw_ready, w_ready, r_in_ready, b_in_ready;

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
    .in_ready_o (r_in_ready),
    .in_data_i  ({out_rsp_i.r_data, out_rsp_i.r_last, out_rsp_i.r_err, out_rsp_i.r_id}),
    .out_valid_o(in_rsp_o.r_valid),
    .out_ready_i(in_rsp_ready_i.r_ready),
    .out_data_o ({in_rsp_o.r_data, in_rsp_o.r_last, in_rsp_o.r_err, in_rsp_o.r_id})
  );

  spill_register #(.Width(1 + IdW)) u_b (
    .clk_i,
    .rst_ni,
    .in_valid_i (out_rsp_i.b_valid),
    .in_ready_o (b_in_ready),
    .in_data_i  ({out_rsp_i.b_err, out_rsp_i.b_id}),
    .out_valid_o(in_rsp_o.b_valid),
    .out_ready_i(in_rsp_ready_i.b_ready),
    .out_data_o ({in_rsp_o.b_err, in_rsp_o.b_id})
  );

  assign out_rsp_ready_o.r_ready = r_in_ready;
  assign out_rsp_ready_o.b_ready = b_in_ready;

  // The decoded R and B valids (channel 0: R, 1: B), kept beside their spill registers: the id
  // of the item in the skid entry is copied here as that entry loads it, and the valids load
  // as the output register does (spill_register.sv's rules, from its ports: in ready is an
  // empty skid entry, the output register is free when not valid or taken).
  for (genvar ch = 0; ch < 2; ch++) begin : g_valids
    localparam int NumIds = ch == 0 ? NumRd : NumWr;
    function automatic logic [NumIds-1:0] decode(logic [IdW-1:0] id);
      for (int i = 0; i < NumIds; i++) decode[i] = 32'(id) == i;
    endfunction
    logic           in_valid, in_ready, out_valid, out_ready;
    logic [IdW-1:0] in_id, out_id, skid_id_q;
    logic [NumIds-1:0] valids_q;
    assign in_valid  = ch == 0 ? out_rsp_i.r_valid : out_rsp_i.b_valid;
    assign in_ready  = ch == 0 ? r_in_ready : b_in_ready;
    assign in_id     = ch == 0 ? out_rsp_i.r_id : out_rsp_i.b_id;
    assign out_valid = ch == 0 ? in_rsp_o.r_valid : in_rsp_o.b_valid;
    assign out_ready = ch == 0 ? in_rsp_ready_i.r_ready : in_rsp_ready_i.b_ready;
    assign out_id    = ch == 0 ? in_rsp_o.r_id : in_rsp_o.b_id;
    always_ff @(posedge clk_i) begin
      if (in_ready) skid_id_q <= in_id;
    end
    always_ff @(posedge clk_i) begin
      if (!rst_ni) valids_q <= '0;
      else if (!out_valid || out_ready) begin
        valids_q <= !in_ready ? decode(skid_id_q) : in_valid ? decode(in_id) : '0;
      end
    end
    if (ch == 0) begin : g_r
      assign in_r_valids_o = valids_q;
    end else begin : g_b
      assign in_b_valids_o = valids_q;
    end
    `ASSERT_ALWAYS(a_valids, clk_i, rst_ni, valids_q == (out_valid ? decode(out_id) : '0),
                   "the decoded valids disagree with the spill register's valid and id")
  end

  assign in_rsp_o.ar_ready = ar_ready;
  assign in_rsp_o.aw_ready = aw_ready;
  assign in_rsp_o.w_ready  = w_ready;
endmodule

