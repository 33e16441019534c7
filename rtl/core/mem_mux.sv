// Shares the core's one memory port (docs/core.md "Memory port") among its clients: NumRd
// read clients (AR, R) and NumWr write clients (AW, W, B). The client index becomes the
// transaction id; responses (R, B) return to the client their id names.
//
// AR and AW are merged round-robin (stream_arbiter). AXI4 W has no id, so W beats must follow
// AW order: each accepted AW pushes its client index into a small FIFO, and the W channel
// serves the client at its head until that burst's last beat. AW waits while the FIFO is full
// (it only fills by our own pushes, so valid never drops without a transfer).
`include "luoshu_assert.svh"

module mem_mux #(
  parameter int NumRd = 3,
  parameter int NumWr = 2,
  parameter int BeatBytes = 16,
  parameter int IdW = 2,          // id width on the shared port
  parameter int WOrderDepth = 4   // AW bursts whose W beats may still be pending
) (
  input  logic                              clk_i,
  input  logic                              rst_ni,
  // Clients (index = id).
  input  logic [NumRd-1:0]                  rd_ar_valid_i,
  output logic [NumRd-1:0]                  rd_ar_ready_o,
  input  logic [NumRd-1:0][31:0]            rd_ar_addr_i,
  input  logic [NumRd-1:0][7:0]             rd_ar_len_i,
  output logic [NumRd-1:0]                  rd_r_valid_o,
  input  logic [NumRd-1:0]                  rd_r_ready_i,
  input  logic [NumWr-1:0]                  wr_aw_valid_i,
  output logic [NumWr-1:0]                  wr_aw_ready_o,
  input  logic [NumWr-1:0][31:0]            wr_aw_addr_i,
  input  logic [NumWr-1:0][7:0]             wr_aw_len_i,
  input  logic [NumWr-1:0]                  wr_w_valid_i,
  output logic [NumWr-1:0]                  wr_w_ready_o,
  input  logic [NumWr-1:0][BeatBytes*8-1:0] wr_w_data_i,
  input  logic [NumWr-1:0][BeatBytes-1:0]   wr_w_strb_i,
  input  logic [NumWr-1:0]                  wr_w_last_i,
  output logic [NumWr-1:0]                  wr_b_valid_o,
  input  logic [NumWr-1:0]                  wr_b_ready_i,
  // R data/last/err and B err are shared by every client (only valid is per client).
  output logic [BeatBytes*8-1:0]            r_data_o,
  output logic                              r_last_o,
  output logic                              r_err_o,
  output logic                              b_err_o,
  // The shared port.
  output logic                              mem_ar_valid_o,
  input  logic                              mem_ar_ready_i,
  output logic [31:0]                       mem_ar_addr_o,
  output logic [7:0]                        mem_ar_len_o,
  output logic [IdW-1:0]                    mem_ar_id_o,
  input  logic                              mem_r_valid_i,
  output logic                              mem_r_ready_o,
  input  logic [BeatBytes*8-1:0]            mem_r_data_i,
  input  logic                              mem_r_last_i,
  input  logic                              mem_r_err_i,
  input  logic [IdW-1:0]                    mem_r_id_i,
  output logic                              mem_aw_valid_o,
  input  logic                              mem_aw_ready_i,
  output logic [31:0]                       mem_aw_addr_o,
  output logic [7:0]                        mem_aw_len_o,
  output logic [IdW-1:0]                    mem_aw_id_o,
  output logic                              mem_w_valid_o,
  input  logic                              mem_w_ready_i,
  output logic [BeatBytes*8-1:0]            mem_w_data_o,
  output logic [BeatBytes-1:0]              mem_w_strb_o,
  output logic                              mem_w_last_o,
  input  logic                              mem_b_valid_i,
  output logic                              mem_b_ready_o,
  input  logic                              mem_b_err_i,
  input  logic [IdW-1:0]                    mem_b_id_i
);
  if (NumRd < 1 || NumWr < 1) begin : g_bad_num
    $error("mem_mux: NumRd and NumWr must be >= 1 (got %0d, %0d)", NumRd, NumWr);
  end
  if ((NumRd > (1 << IdW)) || (NumWr > (1 << IdW))) begin : g_bad_idw
    $error("mem_mux: IdW=%0d cannot name %0d read / %0d write clients", IdW, NumRd, NumWr);
  end

  localparam int RdIdxW = NumRd > 1 ? $clog2(NumRd) : 1;
  localparam int WrIdxW = NumWr > 1 ? $clog2(NumWr) : 1;

  // ---- Read: AR merged, R routed by id ----
  logic [NumRd-1:0][39:0] ar_payload;
  logic [39:0]            ar_out;
  logic [RdIdxW-1:0]      ar_idx;
  for (genvar c = 0; c < NumRd; c++) begin : g_rd
    assign ar_payload[c] = {rd_ar_len_i[c], rd_ar_addr_i[c]};
    assign rd_r_valid_o[c] = mem_r_valid_i && (32'(mem_r_id_i) == c);
  end
  stream_arbiter #(.NumIn(NumRd), .Width(40)) u_ar_arb (
    .clk_i,
    .rst_ni,
    .in_valid_i (rd_ar_valid_i),
    .in_ready_o (rd_ar_ready_o),
    .in_data_i  (ar_payload),
    .out_valid_o(mem_ar_valid_o),
    .out_ready_i(mem_ar_ready_i),
    .out_data_o (ar_out),
    .out_idx_o  (ar_idx)
  );
  assign {mem_ar_len_o, mem_ar_addr_o} = ar_out;
  assign mem_ar_id_o   = IdW'(ar_idx);
  assign mem_r_ready_o = (32'(mem_r_id_i) < NumRd) && rd_r_ready_i[RdIdxW'(mem_r_id_i)];
  assign r_data_o      = mem_r_data_i;
  assign r_last_o      = mem_r_last_i;
  assign r_err_o       = mem_r_err_i;

  // ---- Write: AW merged, W in AW order, B routed by id ----
  logic [NumWr-1:0][39:0] aw_payload;
  logic [39:0]            aw_out;
  logic [WrIdxW-1:0]      aw_idx;
  logic                   aw_valid, aw_ready, order_in_ready, order_valid;
  logic [WrIdxW-1:0]      w_owner;
  logic [$clog2(WOrderDepth+1)-1:0] unused_order_count;
  for (genvar c = 0; c < NumWr; c++) begin : g_wr
    assign aw_payload[c]   = {wr_aw_len_i[c], wr_aw_addr_i[c]};
    assign wr_w_ready_o[c] = order_valid && (32'(w_owner) == c) && mem_w_ready_i;
    assign wr_b_valid_o[c] = mem_b_valid_i && (32'(mem_b_id_i) == c);
  end
  stream_arbiter #(.NumIn(NumWr), .Width(40)) u_aw_arb (
    .clk_i,
    .rst_ni,
    .in_valid_i (wr_aw_valid_i),
    .in_ready_o (wr_aw_ready_o),
    .in_data_i  (aw_payload),
    .out_valid_o(aw_valid),
    .out_ready_i(aw_ready),
    .out_data_o (aw_out),
    .out_idx_o  (aw_idx)
  );
  assign mem_aw_valid_o = aw_valid && order_in_ready;
  assign aw_ready       = mem_aw_ready_i && order_in_ready;
  assign {mem_aw_len_o, mem_aw_addr_o} = aw_out;
  assign mem_aw_id_o    = IdW'(aw_idx);

  stream_fifo #(.Depth(WOrderDepth), .Width(WrIdxW)) u_w_order (
    .clk_i,
    .rst_ni,
    .in_valid_i (mem_aw_valid_o && mem_aw_ready_i),
    .in_ready_o (order_in_ready),
    .in_data_i  (aw_idx),
    .out_valid_o(order_valid),
    .out_ready_i(mem_w_valid_o && mem_w_ready_i && mem_w_last_o),
    .out_data_o (w_owner),
    .count_o    (unused_order_count)
  );
  assign mem_w_valid_o = order_valid && wr_w_valid_i[w_owner];
  assign mem_w_data_o  = wr_w_data_i[w_owner];
  assign mem_w_strb_o  = wr_w_strb_i[w_owner];
  assign mem_w_last_o  = wr_w_last_i[w_owner];
  assign mem_b_ready_o = (32'(mem_b_id_i) < NumWr) && wr_b_ready_i[WrIdxW'(mem_b_id_i)];
  assign b_err_o       = mem_b_err_i;

  `ASSERT_STREAM_STABLE(a_w_stable, clk_i, rst_ni, mem_w_valid_o, mem_w_ready_i,
                        {mem_w_data_o, mem_w_strb_o, mem_w_last_o})
  `ASSERT_ALWAYS(a_r_id_known, clk_i, rst_ni, !mem_r_valid_i || (32'(mem_r_id_i) < NumRd),
                 "R beat with an id that names no read client")
  `ASSERT_ALWAYS(a_b_id_known, clk_i, rst_ni, !mem_b_valid_i || (32'(mem_b_id_i) < NumWr),
                 "B response with an id that names no write client")
endmodule
