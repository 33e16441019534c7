// One processing element of the output-stationary cube: C[i][j] += A[i][k] * B[k][j].
// A moves right, B moves down, one PE per cycle; valid/last come from the array's
// anti-diagonal control line (all PEs with the same i + j work on the same k step).
// The datatype lives only here (int8 x int8 -> int32, wrap-around), so a bf16/fp32 PE can
// replace it behind the same narrow interface.
//
// On the last k of a tile the finished sum goes to res_q and the accumulator restarts, so
// the next tile's first product is accumulated in the very next cycle (no drain bubble).
//
// PipeMul = 1 registers the product before the accumulator (an FPGA DSP's output register:
// multiply and carry chain no longer share a cycle); valid_i / last_i then belong to the
// accumulate stage, one step behind a_i / b_i, and the array taps its control line one stage
// later (cube.sv).
module cube_pe #(
  parameter int InW     = 8,
  parameter int AccW    = 32,
  parameter int PipeMul = 0,
  // 1: the product as shifts and adds, no `*`: synthesis builds it in logic, not in a DSP
  // block, for arrays with more products than the FPGA has multipliers (cube.sv LutMulRows).
  parameter int LutMul  = 0
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic                   en_i,       // the whole array advances together
  input  logic                   valid_i,    // the product being accumulated is a real k step
  input  logic                   last_i,     // ... and it is the tile's last k
  input  logic signed [InW-1:0]  a_i,
  input  logic signed [InW-1:0]  b_i,
  output logic signed [InW-1:0]  a_o,
  output logic signed [InW-1:0]  b_o,
  output logic signed [AccW-1:0] res_o       // finished C element of the latest tile
);
  if (AccW < 2 * InW) begin : g_bad_acc
    $error("cube_pe: AccW (%0d) must hold a full product (2*InW = %0d)", AccW, 2 * InW);
  end

  logic signed [InW-1:0]  a_q, b_q;
  logic signed [AccW-1:0] acc_q, res_q, sum;

  // Multiply unsigned on sign-extended operands: the low AccW bits equal the signed product,
  // and Verilator emits a plain multiply instead of a call per PE (~20% faster simulation).
  logic [AccW-1:0] a_ext, mul, prod;
  assign a_ext = AccW'(a_i);
  if (LutMul != 0) begin : g_lut_mul
    // Two's complement b = -b[InW-1] 2^(InW-1) + sum b[i] 2^i; wraps like the product.
    always_comb begin
      mul = '0;
      for (int i = 0; i < InW - 1; i++) begin
        if (b_i[i]) mul = mul + (a_ext << i);
      end
      if (b_i[InW-1]) mul = mul - (a_ext << (InW - 1));
    end
  end else begin : g_op_mul
    logic [AccW-1:0] b_ext;
    assign b_ext = AccW'(b_i);
    assign mul   = a_ext * b_ext;
  end
  if (PipeMul != 0) begin : g_pipe_mul
    // 2*InW bits hold the whole signed product; sign-extended at the adder.
    logic signed [2*InW-1:0] prod_q;
    always_ff @(posedge clk_i) begin
      if (en_i) prod_q <= (2 * InW)'(mul);
    end
    assign prod = AccW'(prod_q);
    if (AccW > 2 * InW) begin : g_unused_high
      logic unused_high;  // the product fits 2*InW bits; the register keeps only those
      assign unused_high = ^mul[AccW-1:2*InW];
    end
  end else begin : g_comb_mul
    assign prod = mul;
  end
  assign sum = acc_q + prod;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      acc_q   <= '0;
    end else if (en_i) begin
      if (valid_i) acc_q <= last_i ? '0 : sum;
    end
  end

  // Datapath registers without reset: only read when the valid/last pipeline says so.
  always_ff @(posedge clk_i) begin
    if (en_i) begin
      a_q <= a_i;
      b_q <= b_i;
      if (valid_i && last_i) res_q <= sum;
    end
  end

  assign a_o     = a_q;
  assign b_o     = b_q;
  assign res_o   = res_q;
endmodule
