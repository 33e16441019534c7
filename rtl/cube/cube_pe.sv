// One processing element of the output-stationary cube: C[i][j] += A[i][k] * B[k][j].
// A moves right, B moves down, one PE per cycle; valid/last come from the array's
// anti-diagonal control line (all PEs with the same i + j work on the same k step).
// The datatype lives only here (int8 x int8 -> int32, wrap-around), so a bf16/fp32 PE can
// replace it behind the same narrow interface.
//
// On the last k of a tile the finished sum goes to res_q and the accumulator restarts, so
// the next tile's first product is accumulated in the very next cycle (no drain bubble).
module cube_pe #(
  parameter int InW  = 8,
  parameter int AccW = 32
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic                   en_i,       // the whole array advances together
  input  logic                   valid_i,    // a_i/b_i carry a real k step
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
  logic [AccW-1:0] a_ext, b_ext;
  assign a_ext = AccW'(a_i);
  assign b_ext = AccW'(b_i);
  assign sum   = acc_q + (a_ext * b_ext);

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
