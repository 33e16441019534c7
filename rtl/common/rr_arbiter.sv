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

  // Index of the highest-priority input.
  logic [IdxW-1:0]  prio_q, prio_d;
  logic [NumIn-1:0] upper_req;  // requests at or after the pointer
  logic             found_upper, found_any;

  always_comb begin
    for (int i = 0; i < NumIn; i++) upper_req[i] = req_i[i] && (IdxW'(i) >= prio_q);
  end

  // Lowest requester at or after the pointer; failing that, the lowest requester overall.
  always_comb begin
    gnt_o       = '0;
    gnt_idx_o   = '0;
    found_upper = 1'b0;
    found_any   = 1'b0;
    for (int i = 0; i < NumIn; i++) begin
      if (upper_req[i] && !found_upper) begin
        found_upper = 1'b1;
        gnt_idx_o   = IdxW'(i);
      end
    end
    if (!found_upper) begin
      for (int i = 0; i < NumIn; i++) begin
        if (req_i[i] && !found_any) begin
          found_any = 1'b1;
          gnt_idx_o = IdxW'(i);
        end
      end
    end
    if (found_upper || found_any) gnt_o[gnt_idx_o] = 1'b1;
  end

  always_comb begin
    prio_d = prio_q;
    if (advance_i && (req_i != '0)) begin
      prio_d = (gnt_idx_o == IdxW'(NumIn - 1)) ? '0 : gnt_idx_o + 1'b1;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) prio_q <= '0;
    else prio_q <= prio_d;
  end

  `ASSERT_ALWAYS(a_gnt_onehot, clk_i, rst_ni, $onehot0(gnt_o), "grant is not one-hot")
  `ASSERT_ALWAYS(a_gnt_requested, clk_i, rst_ni, (gnt_o & ~req_i) == '0,
                 "grant to an input that does not request")
  `ASSERT_ALWAYS(a_advance_granted, clk_i, rst_ni, !advance_i || (req_i != '0),
                 "advance_i without a request to consume")
endmodule
