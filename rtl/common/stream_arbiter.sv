// Merges NumIn valid/ready streams into one, round-robin (rr_arbiter). out_idx_o names the
// input the current item came from. Stream rule on the output: once out_valid_o is high the
// grant is held in a register (and so out_data_o / out_idx_o stay put) until out_ready_i takes
// the item, even if a higher-priority input starts requesting meanwhile.
// in_ready_o depends combinationally on out_ready_i (put a spill_register after it to cut that
// path); out_valid_o never depends on out_ready_i.
//
// InSlice=1 puts a spill_register on each input, and the grant becomes a register: it is
// chosen a cycle ahead from the slices' next-cycle valids (a slice holds an item next cycle
// if it holds two now, takes one now, or keeps the one it offers now). The choices are the
// same round-robin ones, cycle for cycle, as slices in front of InSlice=0 would see, but no
// path runs from a valid through the arbitration to a ready: in_ready_o is a flop, and the
// slices' readies are the grant and out_ready_i (FPGA timing: the core's AR arbitration,
// 10.7 ns from a slice's valid to the slices' skid registers).
`include "luoshu_assert.svh"

module stream_arbiter #(
  parameter int NumIn = 2,
  parameter int Width = 8,
  parameter int InSlice = 0   // 1: a spill_register on each input and a registered grant
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

  if (InSlice != 0 && InSlice != 1) begin : g_bad_in_slice
    $error("stream_arbiter: InSlice must be 0 or 1 (got %0d)", InSlice);
  end

  localparam int IdxW = NumIn > 1 ? $clog2(NumIn) : 1;

  // The arbitrated inputs: in_*_i themselves, or their slices' outputs.
  logic [NumIn-1:0]            valid, ready;
  logic [NumIn-1:0][Width-1:0] data;
  logic [NumIn-1:0]            arb_req, arb_gnt;
  logic [IdxW-1:0]             arb_idx, idx;
  logic                        arb_advance;

  rr_arbiter #(
    .NumIn(NumIn)
  ) u_arb (
    .clk_i,
    .rst_ni,
    .req_i    (arb_req),
    .gnt_o    (arb_gnt),
    .gnt_idx_o(arb_idx),
    .advance_i(arb_advance)
  );

  if (InSlice == 0) begin : g_direct
    logic             hold_q;   // an item was offered and not taken: keep its grant
    logic [NumIn-1:0] held_gnt_q;

    assign valid      = in_valid_i;
    assign data       = in_data_i;
    assign in_ready_o = ready;
    // While holding, the arbiter sees only the held request, so it re-issues the same grant
    // (the held input keeps its valid by the stream rule) and rotates past it on the transfer.
    assign arb_req     = hold_q ? held_gnt_q : valid;
    assign arb_advance = out_valid_o && out_ready_i;  // the transfer
    assign out_valid_o = arb_gnt != '0;
    assign idx         = arb_idx;
    assign ready       = out_ready_i ? arb_gnt : '0;

    always_ff @(posedge clk_i) begin
      if (!rst_ni) begin
        hold_q     <= 1'b0;
        held_gnt_q <= '0;
      end else begin
        hold_q     <= out_valid_o && !out_ready_i;
        held_gnt_q <= arb_gnt;
      end
    end
  end else begin : g_sliced
    logic [NumIn-1:0] valid_next;
    logic [NumIn-1:0] gnt_q;
    logic [IdxW-1:0]  idx_q;
    logic             hold;

    for (genvar i = 0; i < NumIn; i++) begin : g_slice
      spill_register #(.Width(Width)) u_slice (
        .clk_i,
        .rst_ni,
        .in_valid_i (in_valid_i[i]),
        .in_ready_o (in_ready_o[i]),
        .in_data_i  (in_data_i[i]),
        .out_valid_o(valid[i]),
        .out_ready_i(ready[i]),
        .out_data_o (data[i])
      );
      // Full (its ready low: two items), or taking one, or keeping the one it offers.
      assign valid_next[i] = !in_ready_o[i] || in_valid_i[i] || (valid[i] && !ready[i]);
    end

    // A held grant stays; otherwise next cycle's grant is chosen now, and the pointer moves
    // past it as it is given (it will be taken: a granted item waits only for out_ready_i).
    assign hold        = out_valid_o && !out_ready_i;
    assign arb_req     = hold ? '0 : valid_next;
    assign arb_advance = arb_req != '0;
    assign out_valid_o = gnt_q != '0;
    assign idx         = idx_q;
    assign ready       = out_ready_i ? gnt_q : '0;

    always_ff @(posedge clk_i) begin
      if (!rst_ni) begin
        gnt_q <= '0;
        idx_q <= '0;
      end else if (!hold) begin
        gnt_q <= arb_gnt;
        idx_q <= arb_idx;
      end
    end

    logic [NumIn-1:0] valid_next_q;  // for the check only (synthesis drops it)
    always_ff @(posedge clk_i) valid_next_q <= rst_ni ? valid_next : '0;
    `ASSERT_ALWAYS(a_valid_next, clk_i, rst_ni, valid == valid_next_q,
                   "a slice's valid differs from the next-cycle valid the grant was chosen by")
    `ASSERT_ALWAYS(a_gnt_valid, clk_i, rst_ni, (gnt_q & ~valid) == '0,
                   "the registered grant names an input whose slice holds no item")
  end

  assign out_data_o = data[idx];
  assign out_idx_o  = idx;

  for (genvar i = 0; i < NumIn; i++) begin : g_in_assert
    `ASSERT_STREAM_STABLE(a_in_stable, clk_i, rst_ni, in_valid_i[i], in_ready_o[i], in_data_i[i])
  end
  `ASSERT_STREAM_STABLE(a_out_stable, clk_i, rst_ni, out_valid_o, out_ready_i,
                        {out_idx_o, out_data_o})
endmodule
