// The STORE epilogue (docs/isa.md, bit-exact with sw/model/epilogue.h), Lanes elements in
// parallel. Per lane, in order:
//   x = c + bias              if bias_en_i (int32 wrap-around)
//   x = max(x, 0)             if relu_i
//   x_o = x                   (int32 out)
//   q_o = saturate(round(x * scale / 2^shift)) to [-128, 127], ties away from zero (int8 out):
//         p = x * scale (48-bit signed), q = (p + 2^(shift-1) - (p < 0)) >>> shift for shift > 0.
// Both results are produced; the caller picks by the descriptor's int8_out.
//
// Fixed latency of one cycle, no backpressure: inputs sampled while valid_i is high come out
// with valid_o on the next cycle (outputs hold until the next valid input). The register
// sits right after the multiplier: besides timing, it keeps the multiplier out of the
// rounding and saturation cone, which otherwise takes Yosys/ABC minutes per lane.
module epilogue #(
  parameter int Lanes = 4
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic                   valid_i,
  input  logic [Lanes-1:0][31:0] c_i,
  input  logic [Lanes-1:0][31:0] bias_i,
  input  logic                   bias_en_i,
  input  logic                   relu_i,
  input  logic [15:0]            scale_i,  // signed
  input  logic [4:0]             shift_i,
  output logic                   valid_o,
  output logic [Lanes-1:0][31:0] x_o,
  output logic [Lanes-1:0][7:0]  q_o
);
  if (Lanes < 1) begin : g_bad_lanes
    $error("epilogue: Lanes must be >= 1 (got %0d)", Lanes);
  end

  logic       valid_q;
  logic [4:0] shift_q;
  logic [47:0] half;  // 2^(shift-1), shared by every lane; 0 when shift is 0

  always_ff @(posedge clk_i) begin
    if (!rst_ni) valid_q <= 1'b0;
    else valid_q <= valid_i;
  end
  always_ff @(posedge clk_i) begin
    if (valid_i) shift_q <= shift_i;
  end
  assign valid_o = valid_q;
  assign half    = (shift_q == '0) ? '0 : (48'd1 << (shift_q - 5'd1));

  for (genvar l = 0; l < Lanes; l++) begin : g_lane
    logic        [31:0] sum, x, x_q;
    logic signed [47:0] p, p_q, r;
    logic               neg;

    assign sum = bias_en_i ? c_i[l] + bias_i[l] : c_i[l];
    assign x   = (relu_i && sum[31]) ? '0 : sum;
    // |x * scale| <= 2^46, so the product and the rounding add both fit 48 bits signed.
    assign p   = 48'(signed'(x)) * 48'(signed'(scale_i));

    // Datapath registers: no reset (valid_o says when they mean something).
    always_ff @(posedge clk_i) begin
      if (valid_i) begin
        x_q <= x;
        p_q <= p;
      end
    end

    // Ties away from zero: a negative product rounds its tie down (the -1), never at shift 0.
    assign neg = p_q[47] && (shift_q != '0);
    // The cast keeps the shift arithmetic (the unsigned operands make the sum unsigned).
    assign r   = signed'(p_q + half - 48'(neg)) >>> shift_q;

    assign x_o[l] = x_q;
    // Saturate: r fits int8 iff bits [47:7] are all copies of the sign.
    always_comb begin
      if (!r[47] && (r[46:7] != '0))      q_o[l] = 8'h7f;
      else if (r[47] && (r[46:7] != '1))  q_o[l] = 8'h80;
      else                                q_o[l] = r[7:0];
    end
  end
endmodule
