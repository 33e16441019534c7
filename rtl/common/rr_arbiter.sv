// Round-robin request/grant arbiter. gnt_o is combinational from req_i and the priority
// state: the first requester at or after the priority pointer wins (one-hot, or zero when
// nobody requests). advance_i says the granted request was consumed this cycle; the pointer
// then moves just past the winner, so the winner becomes lowest priority. Without advance_i
// the priority does not move, so a grant that waits is re-issued to the same requester as
// long as no higher-priority request appears (stream_arbiter holds its grant itself).
// Fair: a requester that keeps requesting is granted within NumIn grants.
`include "luoshu_assert.svh"

module rr_arbiter #(
  parameter int NumIn = 2
) (
  input  logic                                      clk_i,
  input  logic                                      rst_ni,
  input  logic [NumIn-1:0]                          req_i,
  output logic [NumIn-1:0]                          gnt_o,
  output logic [(NumIn > 1 ? $clog2(NumIn) : 1)-1:0] gnt_idx_o,
  input  logic                                      advance_i
);
  if (NumIn < 1) begin : g_bad_num_in
    $error("rr_arbiter: NumIn must be >= 1 (got %0d)", NumIn);
  end

  localparam int IdxW = NumIn > 1 ? $clog2(NumIn) : 1;

  // Index of the highest-priority input (always < NumIn).
  logic [IdxW-1:0] prio_q;

  // The winner: the lowest requester at or after the pointer, failing that the lowest
  // requester overall (one mask and one priority encoder, and nothing at all without requests:
  // cheap to simulate).
  logic [NumIn-1:0] pick;
  always_comb begin
    pick      = '0;
    gnt_o     = '0;
    gnt_idx_o = '0;
    if (req_i != '0) begin
      pick  = req_i & ~((NumIn'(1) << prio_q) - 1'b1);  // requests at or after the pointer
      if (pick == '0) pick = req_i;
      gnt_o = pick & (~pick + 1'b1);  // its lowest set bit
      for (int k = NumIn - 1; k >= 0; k--) begin
        if (pick[k]) gnt_idx_o = IdxW'(k);
      end
    end
  end

  // The pointer moves just past a consumed winner. (An enable in the clocked block rather than
  // _d logic: advance_i is often a handshake, see stream_fifo.)
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      prio_q <= '0;
    end else if (advance_i && (req_i != '0)) begin
      prio_q <= (gnt_idx_o == IdxW'(NumIn - 1)) ? '0 : gnt_idx_o + 1'b1;
    end
  end

  `ASSERT_ALWAYS(a_gnt_onehot, clk_i, rst_ni, $onehot0(gnt_o), "grant is not one-hot")
  `ASSERT_ALWAYS(a_gnt_requested, clk_i, rst_ni, (gnt_o & ~req_i) == '0,
                 "grant to an input that does not request")
  `ASSERT_ALWAYS(a_advance_granted, clk_i, rst_ni, !advance_i || (req_i != '0),
                 "advance_i without a request to consume")
endmodule
