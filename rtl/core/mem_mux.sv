// Shares the core's one memory port (docs/core.md "Memory port") among its clients: NumRd
// read clients (AR, R) and NumWr write clients (AW, W, B). The client index becomes the
// transaction id; responses (R, B) return to the client their id names.
//
// AR and AW are merged round-robin (stream_arbiter). AXI4 W has no id, so W beats must follow
// AW order: each accepted AW pushes its client index into a small FIFO, and the W channel
// serves the client at its head until that burst's last beat. AW waits while the FIFO is full
// (it only fills by our own pushes, so valid never drops without a transfer).
//
// ClientSlice=1 puts a spill_register on each client's AR and AW in the arbiters (their
// InSlice) and makes the grants registers: one client's valid no longer reaches another
// client's ready (and its address counters) through the grant in the same cycle, which on
// the FPGA was the core's longest route, and no slice's valid reaches the slices' readies
// either. A request takes one cycle more to reach the port; W beats still wait for their AW's
// grant. W has a slice per client too (a beat a cycle later, at full rate).
//
// The port's R and B valids come in decoded per client as well (mem_r_valids_i,
// mem_b_valids_i: valid && id == client, asserted): a register slice in front of the port
// (mem_port_slice) supplies them from a flip-flop per client, so a response's valid reaches
// its client without a decode behind the one valid flip-flop that fans out to all of them.
`include "luoshu_assert.svh"
`include "luoshu_mem.svh"

module mem_mux #(
  parameter int NumRd = 3,
  parameter int NumWr = 2,
  parameter int BeatBytes = 16,
  parameter int IdW = 2,          // id width on the shared port
  parameter int WOrderDepth = 4,  // AW bursts whose W beats may still be pending
  parameter int ClientSlice = 0   // 1: a register slice on each client's AR, AW and W (FPGA)
) (
  input  logic                              clk_i,
  input  logic                              rst_ni,
  // Clients (index = id). R data/last/err and B err in every client's response are the
  // shared port's (only the valids are per client).
  input  `LUOSHU_MEM_RD_REQ_T [NumRd-1:0]            rd_req_i,
  output `LUOSHU_MEM_RD_RSP_T(BeatBytes) [NumRd-1:0] rd_rsp_o,
  input  logic [NumRd-1:0]                            rd_r_ready_i,
  input  `LUOSHU_MEM_WR_REQ_T(BeatBytes) [NumWr-1:0] wr_req_i,
  output `LUOSHU_MEM_WR_RSP_T [NumWr-1:0]            wr_rsp_o,
  input  logic [NumWr-1:0]                            wr_b_ready_i,
  // The shared port.
  output `LUOSHU_MEM_REQ_T(BeatBytes, IdW) mem_req_o,
  input  `LUOSHU_MEM_RSP_T(BeatBytes, IdW) mem_rsp_i,
  input  logic [NumRd-1:0]                  mem_r_valids_i,  // mem_rsp_i.r_valid per r_id
  input  logic [NumWr-1:0]                  mem_b_valids_i,  // mem_rsp_i.b_valid per b_id
  output luoshu_mem_pkg::rsp_ready_t        mem_rsp_ready_o
);
  if (NumRd < 1 || NumWr < 1) begin : g_bad_num
    $error("mem_mux: NumRd and NumWr must be >= 1 (got %0d, %0d)", NumRd, NumWr);
  end
  if ((NumRd > (1 << IdW)) || (NumWr > (1 << IdW))) begin : g_bad_idw
    $error("mem_mux: IdW=%0d cannot name %0d read / %0d write clients", IdW, NumRd, NumWr);
  end
  if (ClientSlice != 0 && ClientSlice != 1) begin : g_bad_client_slice
    $error("mem_mux: ClientSlice must be 0 or 1 (got %0d)", ClientSlice);
  end

  localparam int RdIdxW = NumRd > 1 ? $clog2(NumRd) : 1;
  localparam int WrIdxW = NumWr > 1 ? $clog2(NumWr) : 1;

  // ---- Read: AR merged, R routed by id ----
  logic [NumRd-1:0]       rd_ar_valid, rd_ar_ready;
  logic [NumRd-1:0][39:0] ar_payload;
  logic [39:0]            ar_out;
  logic [RdIdxW-1:0]      ar_idx;
  for (genvar c = 0; c < NumRd; c++) begin : g_rd
    assign rd_ar_valid[c] = rd_req_i[c].ar_valid;
    assign ar_payload[c]  = {rd_req_i[c].ar_len, rd_req_i[c].ar_addr};
    assign rd_rsp_o[c]    = '{ar_ready: rd_ar_ready[c],
                              r_valid: mem_r_valids_i[c],
                              r_data: mem_rsp_i.r_data, r_last: mem_rsp_i.r_last,
                              r_err: mem_rsp_i.r_err};
  end
  stream_arbiter #(.NumIn(NumRd), .Width(40), .InSlice(ClientSlice)) u_ar_arb (
    .clk_i,
    .rst_ni,
    .in_valid_i (rd_ar_valid),
    .in_ready_o (rd_ar_ready),
    .in_data_i  (ar_payload),
    .out_valid_o(mem_req_o.ar_valid),
    .out_ready_i(mem_rsp_i.ar_ready),
    .out_data_o (ar_out),
    .out_idx_o  (ar_idx)
  );
  assign {mem_req_o.ar_len, mem_req_o.ar_addr} = ar_out;
  assign mem_req_o.ar_id         = IdW'(ar_idx);
  assign mem_rsp_ready_o.r_ready = (32'(mem_rsp_i.r_id) < NumRd) &&
                                   rd_r_ready_i[RdIdxW'(mem_rsp_i.r_id)];

  // ---- Write: AW merged, W in AW order, B routed by id ----
  logic [NumWr-1:0]       wr_aw_valid, wr_aw_ready;
  logic [NumWr-1:0][39:0] aw_payload;
  logic [39:0]            aw_out;
  logic [WrIdxW-1:0]      aw_idx;
  logic                   aw_valid, aw_ready, order_in_ready, order_valid;
  logic [WrIdxW-1:0]      w_owner;
  logic [$clog2(WOrderDepth+1)-1:0] unused_order_count;
  localparam int WBits = BeatBytes * 9 + 1;  // data, strobes, last
  logic [NumWr-1:0]            w_valid, w_ready_in;
  logic [NumWr-1:0][WBits-1:0] w_payload;
  for (genvar c = 0; c < NumWr; c++) begin : g_wr
    assign wr_aw_valid[c] = wr_req_i[c].aw_valid;
    assign aw_payload[c]  = {wr_req_i[c].aw_len, wr_req_i[c].aw_addr};
    // W as well: the client's W ready is its slice's (a flop), not the order FIFO's head and
    // the port's ready through the owner's select (which ran into MTE-out's realigner pops).
    spill_register #(.Width(WBits), .Bypass(1 - ClientSlice)) u_w_slice (
      .clk_i,
      .rst_ni,
      .in_valid_i (wr_req_i[c].w_valid),
      .in_ready_o (w_ready_in[c]),
      .in_data_i  ({wr_req_i[c].w_last, wr_req_i[c].w_strb, wr_req_i[c].w_data}),
      .out_valid_o(w_valid[c]),
      .out_ready_i(order_valid && (32'(w_owner) == c) && mem_rsp_i.w_ready),
      .out_data_o (w_payload[c])
    );
    assign wr_rsp_o[c]    = '{aw_ready: wr_aw_ready[c],
                              w_ready: w_ready_in[c],
                              b_valid: mem_b_valids_i[c],
                              b_err: mem_rsp_i.b_err};
  end
  stream_arbiter #(.NumIn(NumWr), .Width(40), .InSlice(ClientSlice)) u_aw_arb (
    .clk_i,
    .rst_ni,
    .in_valid_i (wr_aw_valid),
    .in_ready_o (wr_aw_ready),
    .in_data_i  (aw_payload),
    .out_valid_o(aw_valid),
    .out_ready_i(aw_ready),
    .out_data_o (aw_out),
    .out_idx_o  (aw_idx)
  );
  assign mem_req_o.aw_valid = aw_valid && order_in_ready;
  assign aw_ready           = mem_rsp_i.aw_ready && order_in_ready;
  assign {mem_req_o.aw_len, mem_req_o.aw_addr} = aw_out;
  assign mem_req_o.aw_id    = IdW'(aw_idx);

  stream_fifo #(.Depth(WOrderDepth), .Width(WrIdxW), .HeadReg(ClientSlice)) u_w_order (
    .clk_i,
    .rst_ni,
    .in_valid_i (mem_req_o.aw_valid && mem_rsp_i.aw_ready),
    .in_ready_o (order_in_ready),
    .in_data_i  (aw_idx),
    .out_valid_o(order_valid),
    .out_ready_i(mem_req_o.w_valid && mem_rsp_i.w_ready && mem_req_o.w_last),
    .out_data_o (w_owner),
    .count_o    (unused_order_count)
  );
  assign mem_req_o.w_valid = order_valid && w_valid[w_owner];
  assign {mem_req_o.w_last, mem_req_o.w_strb, mem_req_o.w_data} = w_payload[w_owner];
  assign mem_rsp_ready_o.b_ready = (32'(mem_rsp_i.b_id) < NumWr) &&
                                   wr_b_ready_i[WrIdxW'(mem_rsp_i.b_id)];

  `ASSERT_STREAM_STABLE(a_w_stable, clk_i, rst_ni, mem_req_o.w_valid, mem_rsp_i.w_ready,
                        {mem_req_o.w_data, mem_req_o.w_strb, mem_req_o.w_last})
  for (genvar c = 0; c < NumRd; c++) begin : g_r_valids_check
    `ASSERT_ALWAYS(a_r_valid_decoded, clk_i, rst_ni,
                   mem_r_valids_i[c] == (mem_rsp_i.r_valid && 32'(mem_rsp_i.r_id) == c),
                   "a client's R valid is not the port's valid decoded by r_id")
  end
  for (genvar c = 0; c < NumWr; c++) begin : g_b_valids_check
    `ASSERT_ALWAYS(a_b_valid_decoded, clk_i, rst_ni,
                   mem_b_valids_i[c] == (mem_rsp_i.b_valid && 32'(mem_rsp_i.b_id) == c),
                   "a client's B valid is not the port's valid decoded by b_id")
  end
  `ASSERT_ALWAYS(a_r_id_known, clk_i, rst_ni, !mem_rsp_i.r_valid || (32'(mem_rsp_i.r_id) < NumRd),
                 "R beat with an id that names no read client")
  `ASSERT_ALWAYS(a_b_id_known, clk_i, rst_ni, !mem_rsp_i.b_valid || (32'(mem_rsp_i.b_id) < NumWr),
                 "B response with an id that names no write client")
endmodule
