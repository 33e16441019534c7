// Two-entry valid/ready skid buffer (after PULP spill_register). Full throughput: one item
// per cycle in and out. in_ready_o comes straight from a flop, so it cuts the combinational
// path from out_ready_i to in_ready_o; use it to break long ready chains between blocks.
//
// Entry A takes every accepted input. While the output is free, A moves on each cycle: to the
// output if out_ready_i takes it, else into entry B (the skid slot). When both are full,
// B holds the older item and is shown first, and in_ready_o is low until B drains.
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
    logic             a_full_q, a_full_d, b_full_q, b_full_d;
    logic [Width-1:0] a_data_q, b_data_q;
    logic             a_fill, a_drain, b_fill, b_drain;

    assign in_ready_o  = !a_full_q || !b_full_q;
    assign out_valid_o = a_full_q || b_full_q;
    assign out_data_o  = b_full_q ? b_data_q : a_data_q;

    assign a_fill  = in_valid_i && in_ready_o;
    // A empties whenever B is free: to the output if it is taken, else into B.
    assign a_drain = a_full_q && !b_full_q;
    assign b_fill  = a_drain && !out_ready_i;
    assign b_drain = b_full_q && out_ready_i;

    always_comb begin
      a_full_d = a_full_q;
      b_full_d = b_full_q;
      if (a_fill) a_full_d = 1'b1;
      else if (a_drain) a_full_d = 1'b0;
      if (b_fill) b_full_d = 1'b1;
      else if (b_drain) b_full_d = 1'b0;
    end

    always_ff @(posedge clk_i) begin
      if (!rst_ni) begin
        a_full_q <= 1'b0;
        b_full_q <= 1'b0;
      end else begin
        a_full_q <= a_full_d;
        b_full_q <= b_full_d;
      end
    end

    // Data registers are not reset: they are only shown while their full flag is set.
    always_ff @(posedge clk_i) begin
      if (a_fill) a_data_q <= in_data_i;
      if (b_fill) b_data_q <= a_data_q;
    end
  end

  `ASSERT_STREAM_STABLE(a_in_stable, clk_i, rst_ni, in_valid_i, in_ready_o, in_data_i)
  `ASSERT_STREAM_STABLE(a_out_stable, clk_i, rst_ni, out_valid_o, out_ready_i, out_data_o)
endmodule
