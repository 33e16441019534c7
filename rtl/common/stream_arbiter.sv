// Merges NumIn valid/ready streams into one, round-robin (rr_arbiter). out_idx_o names the
// input the current item came from. Stream rule on the output: once out_valid_o is high the
// grant is held in a register (and so out_data_o / out_idx_o stay put) until out_ready_i takes
// the item, even if a higher-priority input starts requesting meanwhile.
// in_ready_o depends combinationally on out_ready_i (put a spill_register after it to cut that
// path); out_valid_o never depends on out_ready_i.
`include "luoshu_assert.svh"

module stream_arbiter #(
  parameter int NumIn = 2,
  parameter int Width = 8
) (
  input  logic                                      clk_i,
  input  logic                                      rst_ni,
  input  logic [NumIn-1:0]                          in_valid_i,
  output logic [NumIn-1:0]                          in_ready_o,
  input  logic [NumIn-1:0][Width-1:0]               in_data_i,
  output logic                                      out_valid_o,
  input  logic                                      out_ready_i,
  output logic [Width-1:0]                          out_data_o,
  output logic [(NumIn > 1 ? $clog2(NumIn) : 1)-1:0] out_idx_o
);
  if (NumIn < 1) begin : g_bad_num_in
    $error("stream_arbiter: NumIn must be >= 1 (got %0d)", NumIn);
  end
  if (Width < 1) begin : g_bad_width
    $error("stream_arbiter: Width must be >= 1 (got %0d)", Width);
  end

  localparam int IdxW = NumIn > 1 ? $clog2(NumIn) : 1;

  logic             hold_q, hold_d;   // an item was offered and not taken: keep its grant
  logic [NumIn-1:0] held_gnt_q;
  logic [NumIn-1:0] arb_req, arb_gnt;
  logic [IdxW-1:0]  arb_idx;
  logic             transfer;

  // While holding, the arbiter sees only the held request, so it re-issues the same grant
  // (the held input keeps its valid by the stream rule) and rotates past it on the transfer.
  assign arb_req = hold_q ? held_gnt_q : in_valid_i;

  rr_arbiter #(
    .NumIn(NumIn)
  ) u_arb (
    .clk_i,
    .rst_ni,
    .req_i    (arb_req),
    .gnt_o    (arb_gnt),
    .gnt_idx_o(arb_idx),
    .advance_i(transfer)
  );

  assign out_valid_o = arb_gnt != '0;
  assign out_data_o  = in_data_i[arb_idx];
  assign out_idx_o   = arb_idx;
  assign in_ready_o  = out_ready_i ? arb_gnt : '0;
  assign transfer    = out_valid_o && out_ready_i;
  assign hold_d      = out_valid_o && !out_ready_i;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      hold_q     <= 1'b0;
      held_gnt_q <= '0;
    end else begin
      hold_q     <= hold_d;
      held_gnt_q <= arb_gnt;
    end
  end

  for (genvar i = 0; i < NumIn; i++) begin : g_in_assert
    `ASSERT_STREAM_STABLE(a_in_stable, clk_i, rst_ni, in_valid_i[i], in_ready_o[i], in_data_i[i])
  end
  `ASSERT_STREAM_STABLE(a_out_stable, clk_i, rst_ni, out_valid_o, out_ready_i,
                        {out_idx_o, out_data_o})
endmodule
