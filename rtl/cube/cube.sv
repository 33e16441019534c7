// The cube: a Dim x Dim output-stationary systolic array of int8 MACs (see docs/cube.md).
//
// Input stream, one k step per beat: in_a_i = column k of the A tile (A[i][k], i = row),
// in_b_i = row k of the B tile (B[k][j]), in_last_i marks the tile's final k. A tile may be
// any K >= 1 long; results accumulate across all its beats.
// Output stream: the Dim x Dim int32 C tile, one row per beat (row 0 first), out_last_o on
// the last row. Rows leave through a Dim x 32-bit port (not one Dim^2-wide port: narrow
// ports simulate much faster).
//
// Tiles stream back to back: the next tile's beats enter right behind the previous one, so
// with K >= Dim every PE does a MAC every cycle. A tile shorter than Dim is padded with
// bubble cycles so its results never overwrite rows not yet read out.
`include "luoshu_assert.svh"

module cube #(
  parameter int Dim      = 4,
  parameter int InW      = 8,
  parameter int AccW     = 32,
  // Output FIFO depth; 0: no FIFO and no output back-pressure: the consumer takes every row
  // the cycle it comes (out_ready_i must be high then, a_out_taken), so the array never
  // stops for the output and its clock enable (advance) is a constant, not a net from the
  // FIFO's count to every PE (cube_exec: L0C's write port takes every row).
  parameter int OutDepth = 2,
  // FPGA timing (cube_pe.sv): 1 registers every PE's product, 2 its multiplier's operands as
  // well, 3 the product once more before the adder; each register adds one cycle of latency.
  parameter int PipeMul  = 0,
  // The last LutMulRows rows of PEs multiply in logic instead of with `*` (cube_pe.sv LutMul):
  // an FPGA with fewer DSP blocks than Dim^2 keeps the rest on DSPs (docs/fpga.md).
  parameter int LutMulRows = 0
) (
  input  logic                       clk_i,
  input  logic                       rst_ni,
  input  logic                       in_valid_i,
  output logic                       in_ready_o,
  input  logic [Dim-1:0][InW-1:0]    in_a_i,
  input  logic [Dim-1:0][InW-1:0]    in_b_i,
  input  logic                       in_last_i,
  output logic                       out_valid_o,
  // OutDepth = 0: out_valid_o's next state (a row comes out next cycle), so a consumer can
  // register what it does with the row a cycle early; with a FIFO always 0.
  output logic                       out_valid_next_o,
  input  logic                       out_ready_i,
  output logic [Dim-1:0][AccW-1:0]   out_row_o,
  output logic                       out_last_o
);
  if (Dim < 2 || Dim > 64) begin : g_bad_dim
    $error("cube: Dim must be in 2..64 (got %0d)", Dim);
  end
  if (LutMulRows < 0 || LutMulRows > Dim) begin : g_bad_lut_rows
    $error("cube: LutMulRows must be in 0..Dim (got %0d)", LutMulRows);
  end
  if (PipeMul < 0 || PipeMul > 3) begin : g_bad_pipe
    $error("cube: PipeMul must be 0, 1, 2 or 3 (got %0d)", PipeMul);
  end
  if (OutDepth == 1 || OutDepth < 0) begin : g_bad_depth
    $error("cube: OutDepth must be 0 or >= 2 for full throughput (got %0d)", OutDepth);
  end

  localparam int CntW = $clog2(Dim + 1);
  localparam int RowW = $clog2(Dim);

  // ---------------------------------------------------------------- flow control
  // The array moves as one: it advances whenever the output FIFO can take a row (at most
  // one row finishes per step; always with OutDepth = 0). The FIFO's ready is registered, so
  // no combinational path runs from out_ready_i to in_ready_o.
  logic advance, fifo_ready, accept, too_soon;
  logic [CntW-1:0] since_last_q;  // steps since the last accepted last-beat, saturating at Dim

  // A tile's rows are read out Dim steps after its last beat: the next last-beat must be
  // at least Dim steps later, or it would overwrite res_q of rows still waiting.
  assign too_soon   = in_last_i && (since_last_q < CntW'(Dim));
  assign advance    = fifo_ready;
  assign in_ready_o = advance && !too_soon;
  assign accept     = in_valid_i && in_ready_o;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      since_last_q <= CntW'(Dim);
    end else if (advance) begin
      if (accept && in_last_i)              since_last_q <= CntW'(1);
      else if (since_last_q != CntW'(Dim))  since_last_q <= since_last_q + 1'b1;
    end
  end

  // ---------------------------------------------------------------- PE grid
  // h_* run along rows (index [i][j] is the input of PE(i,j); column Dim is the row's exit),
  // v_b runs down columns. split_var makes Verilator keep one variable per element, so the
  // wiring between PEs costs nothing in simulation (only constant indices may be used).
  // Control travels on anti-diagonals: every PE with i + j = d works on the same k step, so
  // one {valid, last} delay line serves the whole array (PE(i,j) taps stage i + j + 1)
  // instead of a flag pair in each of the Dim^2 PEs.
  localparam int Pipe = PipeMul;  // stages between a PE's operands and its accumulator
  logic [1:0]            ctrl_q  [2*Dim+1+Pipe] /* verilator split_var */;
  logic [InW-1:0]        h_a     [Dim][Dim+1] /* verilator split_var */;
  logic [InW-1:0]        v_b     [Dim+1][Dim] /* verilator split_var */;
  logic [AccW-1:0]       res     [Dim][Dim];

  // Skew: lane i of A carries {valid, last, a}, lane i of B carries b; both are delayed by
  // i + 1 steps: one register at the boundary (nothing in the grid is combinational from
  // the input ports, which Verilator would re-evaluate on every input change) plus the
  // triangular skew. Timing is relative, so the extra stage only adds one cycle of latency.
  assign ctrl_q[0] = {accept, in_last_i};
  for (genvar d = 1; d <= 2 * Dim + Pipe; d++) begin : g_ctrl
    always_ff @(posedge clk_i) begin
      if (!rst_ni)      ctrl_q[d] <= '0;
      else if (advance) ctrl_q[d] <= ctrl_q[d-1];
    end
  end
  for (genvar i = 0; i < Dim; i++) begin : g_lane
    cube_skew #(.Depth(i + 1), .Width(InW)) u_skew_a (
      .clk_i, .rst_ni, .en_i(advance), .in_i(in_a_i[i]), .out_o(h_a[i][0])
    );
    cube_skew #(.Depth(i + 1), .Width(InW)) u_skew_b (
      .clk_i, .rst_ni, .en_i(advance), .in_i(in_b_i[i]), .out_o(v_b[0][i])
    );
  end

  for (genvar i = 0; i < Dim; i++) begin : g_row
    for (genvar j = 0; j < Dim; j++) begin : g_col
      // With PipeMul the PE accumulates PipeMul steps after its operands arrive: control that
      // many stages later.
      cube_pe #(
        .InW(InW), .AccW(AccW), .PipeMul(PipeMul), .LutMul((i >= Dim - LutMulRows) ? 1 : 0)
      ) u_pe (
        .clk_i, .rst_ni, .en_i(advance),
        .valid_i(ctrl_q[i+j+1+Pipe][1]), .last_i(ctrl_q[i+j+1+Pipe][0]),
        .a_i(h_a[i][j]), .b_i(v_b[i][j]),
        .a_o(h_a[i][j+1]),
        .b_o(v_b[i+1][j]), .res_o(res[i][j])
      );
    end
  end

  // ---------------------------------------------------------------- row read-out
  // Row i is complete when the tile's last beat has left its last PE: that PE's registered
  // valid&last is high exactly while the row's results sit in res_q, and rows of a tile
  // finish on consecutive steps, so at most one row_done bit is set.
  logic [Dim-1:0]            row_done, row_due;
  logic [RowW-1:0]           row_sel_q;
  logic [Dim-1:0][AccW-1:0]  row_data;

  for (genvar i = 0; i < Dim; i++) begin : g_row_done
    assign row_done[i] = ctrl_q[i+Dim+1+Pipe][1] && ctrl_q[i+Dim+1+Pipe][0];
    assign row_due[i]  = ctrl_q[i+Dim+Pipe][1] && ctrl_q[i+Dim+Pipe][0];  // done after the step
  end

  // The finished row's index and whether one finishes at all are encoded a step ahead, from
  // the control stage before, on the same advance that moves the line: the read mux's select
  // and the output register's load enable (Dim x AccW loads) come straight from registers
  // instead of through the encoder or a Dim-wide OR in the same cycle (FPGA timing).
  logic row_fin_q;  // row_done != '0 (a_row_fin)
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      row_sel_q <= '0;
      row_fin_q <= 1'b0;
    end else if (advance) begin
      row_sel_q <= '0;
      row_fin_q <= row_due != '0;
      for (int i = 0; i < Dim; i++) begin
        if (row_due[i]) row_sel_q <= RowW'(i);
      end
    end
  end

  // Read the finished row by index: a narrow mux per column, not a Dim-wide one-hot OR.
  always_comb begin
    for (int j = 0; j < Dim; j++) row_data[j] = res[row_sel_q][j];
  end

  if (OutDepth != 0) begin : g_out_fifo
    stream_fifo #(.Depth(OutDepth), .Width(Dim * AccW + 1)) u_out_fifo (
      .clk_i, .rst_ni,
      .in_valid_i(advance && row_fin_q),
      .in_ready_o(fifo_ready),
      .in_data_i({row_done[Dim-1], row_data}),
      .out_valid_o,
      .out_ready_i,
      .out_data_o({out_last_o, out_row_o}),
      .count_o()
    );
    assign out_valid_next_o = 1'b0;
  end else begin : g_out_reg
    // The row a FIFO would show the next cycle, in a register: the same cycles.
    logic out_valid_q;
    always_ff @(posedge clk_i) begin
      if (!rst_ni) out_valid_q <= 1'b0;
      else out_valid_q <= row_fin_q;
    end
    always_ff @(posedge clk_i) begin
      if (row_fin_q) {out_last_o, out_row_o} <= {row_done[Dim-1], row_data};
    end
    assign out_valid_o      = out_valid_q;
    assign out_valid_next_o = row_fin_q;
    assign fifo_ready       = 1'b1;
    `ASSERT_ALWAYS(a_out_taken, clk_i, rst_ni, !out_valid_o || out_ready_i,
                   "OutDepth = 0: a cube row was not taken the cycle it came out")
  end

  `ASSERT_STREAM_STABLE(a_in_stable, clk_i, rst_ni, in_valid_i, in_ready_o,
                        {in_a_i, in_b_i, in_last_i})
  `ASSERT_STREAM_STABLE(a_out_stable, clk_i, rst_ni, out_valid_o, out_ready_i,
                        {out_row_o, out_last_o})
  `ASSERT_ALWAYS(a_one_row_done, clk_i, rst_ni, $onehot0(row_done),
                 "two cube rows finished in the same step")
  `ASSERT_ALWAYS(a_row_fin, clk_i, rst_ni, row_fin_q == (row_done != '0),
                 "the registered row-finished flag disagrees with the control line")
  `ASSERT_ALWAYS(a_row_sel, clk_i, rst_ni, row_done == '0 || row_done[row_sel_q],
                 "the registered row select does not name the finished row")
endmodule
