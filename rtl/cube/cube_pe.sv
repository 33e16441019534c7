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
// multiply and carry chain no longer share a cycle); PipeMul = 2 also registers the
// multiplier's operands, so the multiplier runs from registers of its own to the product
// register. PipeMul = 3 registers the product once more, in slices beside the adder: on an
// FPGA the DSP's clock-to-out and its route to the slices then no longer share a cycle with
// the 32-bit carry chain. valid_i / last_i belong to the accumulate stage, PipeMul steps
// behind a_i / b_i, and the array taps its control line PipeMul stages later (cube.sv).
module cube_pe #(
  parameter int InW     = 8,
  parameter int AccW    = 32,
  parameter int PipeMul = 0,  // 0..3 registers between the operands and the accumulator
  // 1: the product in logic (radix-4 Booth, no `*`), not in a DSP block, for arrays with
  // more products than the FPGA has multipliers (cube.sv LutMulRows).
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
  if (PipeMul < 0 || PipeMul > 3) begin : g_bad_pipe
    $error("cube_pe: PipeMul must be 0, 1, 2 or 3 (got %0d)", PipeMul);
  end

  logic signed [InW-1:0]  a_q, b_q;
  logic signed [AccW-1:0] acc_q, res_q, sum;

  // Multiply unsigned on sign-extended operands: the low AccW bits equal the signed product,
  // and Verilator emits a plain multiply instead of a call per PE (~20% faster simulation).
  logic signed [InW-1:0] mul_a, mul_b;  // the multiplier's operands
  logic [AccW-1:0] a_ext, mul, mul_out, prod;  // mul_out: after the multiplier's registers
  // ECP5 synthesis (LUOSHU_ECP5, rtl/fpga/ecp5_cells.sv): with PipeMul >= 2 a `*` product is a
  // MULT18X18D with its own operand and product registers on, the same two stages as the
  // registers below. Registers in slices end up apart from the DSP sites, the routes to and
  // from the DSP then dominate the cycle, and no tool moves them into the DSP (docs/fpga.md).
`ifdef LUOSHU_ECP5
  localparam bit DspRegs = PipeMul >= 2 && LutMul == 0 && InW <= 18;
`else
  localparam bit DspRegs = 1'b0;
`endif
  if (PipeMul >= 2 && !DspRegs) begin : g_pipe_ops
    // The multiplier's own copies of a_q / b_q (which also feed the neighbours): a register
    // that drives only the multiplier can sit beside it. Their reset keeps synthesis from
    // merging them into a_q / b_q, which hold the same values.
    logic signed [InW-1:0] op_a_q, op_b_q;
    always_ff @(posedge clk_i) begin
      if (!rst_ni) begin
        op_a_q <= '0;
        op_b_q <= '0;
      end else if (en_i) begin
        op_a_q <= a_i;
        op_b_q <= b_i;
      end
    end
    assign mul_a = op_a_q;
    assign mul_b = op_b_q;
  end else begin : g_comb_ops
    assign mul_a = a_i;
    assign mul_b = b_i;
  end
  assign a_ext = AccW'(mul_a);
  if (LutMul != 0) begin : g_lut_mul
    // Radix-4 Booth: b = sum_j d_j 4^j with digits d_j = -2 b[2j+1] + b[2j] + b[2j-1] in
    // -2..2, so a x b is ceil(InW/2) partial products d_j a 4^j instead of InW, each a choice
    // of 0, a or 2a, inverted when d_j < 0 (the +1 that completes each negation is one more
    // term). Synthesis sums the terms as a tree; all wraps like the product.
    localparam int NDig = (InW + 1) / 2;
    logic [AccW-1:0] pp[NDig];
    logic [AccW-1:0] neg_ones;
    always_comb begin
      neg_ones = '0;
      for (int j = 0; j < NDig; j++) begin
        logic hi, mid, lo, two, one, neg;
        hi  = (2 * j + 1 < InW) ? mul_b[2*j+1] : mul_b[InW-1];
        mid = mul_b[2*j];
        lo  = (j > 0) ? mul_b[2*j-1] : 1'b0;
        one = mid ^ lo;
        two = (hi & ~mid & ~lo) | (~hi & mid & lo);
        neg = hi & ~(mid & lo);
        pp[j] = (one ? a_ext : '0) | (two ? a_ext << 1 : '0);
        pp[j] = (neg ? ~pp[j] : pp[j]) << (2 * j);
        neg_ones[2*j] = neg;
      end
      mul = neg_ones;
      for (int j = 0; j < NDig; j++) mul = mul + pp[j];
    end
  end else if (DspRegs) begin : g_dsp_mul
`ifdef LUOSHU_ECP5
    logic signed [2*InW-1:0] p;  // registered twice inside the DSP: no g_pipe_mul below
    ecp5_mul_regs #(.W(InW)) u_mul (.clk_i, .en_i, .a_i(mul_a), .b_i(mul_b), .p_o(p));
    assign mul = AccW'(p);
`endif
  end else begin : g_op_mul
    logic [AccW-1:0] b_ext;
    assign b_ext = AccW'(mul_b);
    assign mul   = a_ext * b_ext;
  end
  if (PipeMul != 0 && !DspRegs) begin : g_pipe_mul
    // 2*InW bits hold the whole signed product; sign-extended at the adder.
    logic signed [2*InW-1:0] prod_q;
    always_ff @(posedge clk_i) begin
      if (en_i) prod_q <= (2 * InW)'(mul);
    end
    assign mul_out = AccW'(prod_q);
    if (AccW > 2 * InW) begin : g_unused_high
      logic unused_high;  // the product fits 2*InW bits; the register keeps only those
      assign unused_high = ^mul[AccW-1:2*InW];
    end
  end else begin : g_comb_mul
    assign mul_out = mul;
  end
  if (PipeMul == 3) begin : g_pipe_prod
    // The product again, in flip-flops of the fabric (the DSP's own registers are full): the
    // DSP's output feeds only this register, which placement puts beside the adder.
    logic signed [2*InW-1:0] prod_fab_q;
    always_ff @(posedge clk_i) begin
      if (en_i) prod_fab_q <= (2 * InW)'(mul_out);
    end
    assign prod = AccW'(prod_fab_q);
    if (AccW > 2 * InW) begin : g_unused_high
      logic unused_high;  // sign copies of the product's top bit
      assign unused_high = ^mul_out[AccW-1:2*InW];
    end
  end else begin : g_prod_now
    assign prod = mul_out;
  end
  assign sum = acc_q + prod;

  // The restart after a tile's last k is a clear beside the reset, not a mux on the sum: the
  // sum's carry chain then drives the accumulator's inputs directly and the clear takes the
  // flip-flops' synchronous reset (FPGA timing: the DSP's product -> the 32-bit add -> acc_q).
  always_ff @(posedge clk_i) begin
    if (!rst_ni || (en_i && valid_i && last_i)) acc_q <= '0;
    else if (en_i && valid_i)                   acc_q <= sum;
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
