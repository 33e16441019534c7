// Two-entry valid/ready skid buffer (after PULP spill_register). Full throughput: one item
// per cycle in and out. in_ready_o comes straight from a flop, so it cuts the combinational
// path from out_ready_i to in_ready_o; use it to break long ready chains between blocks.
//
// The output comes straight from a register too (entry O, the older item): an item goes into O
// when O is free next cycle (empty, or taken now), else into the skid entry S; when O is taken
// while S holds an item, S moves into O. So out_data_o has no multiplexer in front of it (the
// consumer's logic starts at flip-flops; PULP's shows entry B or A through one) and S loads
// whenever it is empty (its enable a flop). The handshakes are PULP's: ready while fewer than
// two items are held, valid while any is (formal.spill_register proves the FIFO behaviour).
// Bypass=1 (as in PULP's) makes it a wire, so a block can make its slice a parameter.
`include "luoshu_assert.svh"

module spill_register #(
  parameter int Width  = 8,
  parameter int Bypass = 0   // 1: a wire (no registers)
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             in_valid_i,
  output logic             in_ready_o,
  input  logic [Width-1:0] in_data_i,
  output logic             out_valid_o,
  input  logic             out_ready_i,
  output logic [Width-1:0] out_data_o
);
  if (Width < 1) begin : g_bad_width
    $error("spill_register: Width must be >= 1 (got %0d)", Width);
  end

  if (Bypass != 0 && Bypass != 1) begin : g_bad_bypass
    $error("spill_register: Bypass must be 0 or 1 (got %0d)", Bypass);
  end

  if (Bypass != 0) begin : g_bypass
    assign in_ready_o  = out_ready_i;
    assign out_valid_o = in_valid_i;
    assign out_data_o  = in_data_i;
  end else begin : g_slice
    logic             out_full_q, skid_full_q;  // skid_full_q implies out_full_q
    logic [Width-1:0] out_data_q, skid_data_q;
    logic             push, out_free;

    assign in_ready_o  = !skid_full_q;
    assign out_valid_o = out_full_q;
    assign out_data_o  = out_data_q;

    assign push     = in_valid_i && !skid_full_q;
    assign out_free = !out_full_q || out_ready_i;  // O can take an item this edge

    always_ff @(posedge clk_i) begin
      if (!rst_ni) begin
        out_full_q  <= 1'b0;
        skid_full_q <= 1'b0;
      end else if (out_free) begin
        out_full_q  <= skid_full_q || push;  // S moves on (no push while S is full), or the input
        skid_full_q <= 1'b0;
      end else if (push) begin
        skid_full_q <= 1'b1;
      end
    end

    // O loads whenever it is free (an item or, if none, a value nobody reads); S whenever it
    // is empty (what it takes counts only with skid_full_q).
    always_ff @(posedge clk_i) begin
      if (out_free) out_data_q <= skid_full_q ? skid_data_q : in_data_i;
      if (!skid_full_q) skid_data_q <= in_data_i;
    end
  end

  `ASSERT_STREAM_STABLE(a_in_stable, clk_i, rst_ni, in_valid_i, in_ready_o, in_data_i)
  `ASSERT_STREAM_STABLE(a_out_stable, clk_i, rst_ni, out_valid_o, out_ready_i, out_data_o)
endmodule
