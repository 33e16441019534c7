// Triangular skew buffer: lane i is delayed by i enabled cycles, so lane i of a vector
// entering the cube reaches its PE row/column in step with the systolic wavefront.
module cube_skew #(
  parameter int Lanes = 4,
  parameter int Width = 8
) (
  input  logic                         clk_i,
  input  logic                         rst_ni,
  input  logic                         en_i,
  input  logic [Lanes-1:0][Width-1:0]  in_i,
  output logic [Lanes-1:0][Width-1:0]  out_o
);
  if (Lanes < 1) begin : g_bad_lanes
    $error("cube_skew: Lanes must be >= 1 (got %0d)", Lanes);
  end

  // Lane 0 passes straight through; lane i > 0 has i stages. Stages are reset so sidebands
  // (valid/last) travelling in a lane never come out as X after reset.
  assign out_o[0] = in_i[0];
  for (genvar i = 1; i < Lanes; i++) begin : g_lane
    logic [Width-1:0] stage_q [i];
    always_ff @(posedge clk_i) begin
      if (!rst_ni) begin
        for (int s = 0; s < i; s++) stage_q[s] <= '0;
      end else if (en_i) begin
        stage_q[0] <= in_i[i];
        for (int s = 1; s < i; s++) stage_q[s] <= stage_q[s-1];
      end
    end
    assign out_o[i] = stage_q[i-1];
  end
endmodule
