// One lane of the cube's input skew: a delay line of Depth enabled cycles. The cube gives
// lane i of A and of B i+1 stages, so every input is registered once at the boundary (no
// combinational path from the ports into the PE grid) and lane i reaches its PE row/column
// in step with the systolic wavefront. One narrow instance per lane: no wide vector is
// built across the hierarchy.
module cube_skew #(
  parameter int Depth = 1,
  parameter int Width = 8
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             en_i,
  input  logic [Width-1:0] in_i,
  output logic [Width-1:0] out_o
);
  if (Depth < 1) begin : g_bad_depth
    $error("cube_skew: Depth must be >= 1 (got %0d)", Depth);
  end

  // Stages are reset so sidebands (valid/last) travelling in a lane never come out as X
  // after reset. One flop per generate block and split_var: Verilator then keeps each stage
  // as its own variable instead of an array with delayed-assignment bookkeeping.
  logic [Width-1:0] stage_d [Depth] /* verilator split_var */;
  logic [Width-1:0] stage_q [Depth] /* verilator split_var */;
  assign stage_d[0] = in_i;
  for (genvar s = 0; s < Depth; s++) begin : g_stage
    if (s > 0) begin : g_chain
      assign stage_d[s] = stage_q[s-1];
    end
    always_ff @(posedge clk_i) begin
      if (!rst_ni)    stage_q[s] <= '0;
      else if (en_i)  stage_q[s] <= stage_d[s];
    end
  end
  assign out_o = stage_q[Depth-1];
endmodule
