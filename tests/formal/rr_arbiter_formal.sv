// Formal wrapper of rr_arbiter (scripts/formal.sh rr_arbiter). Proven by temporal induction,
// for every request pattern of any length from reset, assuming only what rr_arbiter asks of
// its user (advance_i only while someone requests):
//   - the grant is one-hot or zero, only to a requester, and never zero while someone
//     requests; gnt_idx_o names the granted input;
//   - round-robin fairness: while an input keeps requesting, at most NumIn - 1 consumed
//     grants (advance_i) go to other inputs, so it is granted within NumIn grants.
// Proven for NumIn = 1, 3 (the pointer wraps by comparison) and 4 (a power of two); the
// pointer logic is the same for larger NumIn.
module rr_arbiter_formal #(
  parameter int NumIn = 3
) (
  input logic             clk_i,
  input logic [NumIn-1:0] req_i,
  input logic             advance_i
);
  localparam int IdxW  = NumIn > 1 ? $clog2(NumIn) : 1;
  localparam int WaitW = $clog2(NumIn) + 2;  // counts past NumIn - 1 without wrapping

  // Reset in the first cycle only. Every other register starts at an arbitrary value.
  logic rst_nq = 1'b0;
  always_ff @(posedge clk_i) rst_nq <= 1'b1;

  logic [NumIn-1:0] gnt;
  logic [IdxW-1:0]  gnt_idx;

  rr_arbiter #(.NumIn(NumIn)) u_dut (
    .clk_i,
    .rst_ni   (rst_nq),
    .req_i,
    .gnt_o    (gnt),
    .gnt_idx_o(gnt_idx),
    .advance_i
  );

  // The user's side of the contract: a grant is consumed only while someone requests.
  always_comb begin
    if (rst_nq) assume (!advance_i || req_i != '0);
  end

  logic ok_onehot, ok_to_requester, ok_work_conserving, ok_idx;
  assign ok_onehot          = (gnt & (gnt - 1'b1)) == '0;
  assign ok_to_requester    = (gnt & ~req_i) == '0;
  assign ok_work_conserving = req_i == '0 || gnt != '0;
  assign ok_idx             = gnt == '0 || gnt == (NumIn'(1) << gnt_idx);
  always_comb begin
    if (rst_nq) begin
      assert (ok_onehot);
      assert (ok_to_requester);
      assert (ok_work_conserving);
      assert (ok_idx);
    end
  end

  // ---- Fairness: waited_q[i] = grants consumed by others while input i kept requesting ----
  logic [NumIn-1:0][WaitW-1:0] waited_q;
  logic [NumIn-1:0] ok_fair;
  for (genvar i = 0; i < NumIn; i++) begin : g_fair
    always_ff @(posedge clk_i) begin
      if (!rst_nq || !req_i[i] || (advance_i && gnt[i])) waited_q[i] <= '0;
      else if (advance_i) waited_q[i] <= waited_q[i] + 1'b1;
    end
    // Input i, requesting now, has seen at most NumIn - 1 grants go elsewhere.
    assign ok_fair[i] = !req_i[i] || waited_q[i] <= WaitW'(NumIn - 1);
  end
  always_comb begin
    if (rst_nq) assert (ok_fair == '1);
  end

  // ---- Induction strengthening: the pointer is in range and closes in on a waiting input ----
  // (Names the DUT's priority pointer, only so that the induction step closes; asserted like
  // the properties, so it is proven too.) Each grant to another input moves the pointer just
  // past that input, which lies between the pointer and input i: so grants waited plus the
  // pointer's distance to i never exceed NumIn - 1, and at distance 0 input i wins.
  logic [IdxW-1:0]  prio;
  logic             inv_prio_range;
  logic [NumIn-1:0] inv_closing;
  assign prio           = u_dut.prio_q;
  assign inv_prio_range = 32'(prio) < NumIn;
  for (genvar i = 0; i < NumIn; i++) begin : g_closing
    logic [WaitW-1:0] turns;  // grants before input i's turn: (i - prio) modulo NumIn
    assign turns = 32'(prio) <= i ? WaitW'(i - 32'(prio)) : WaitW'(i + NumIn - 32'(prio));
    assign inv_closing[i] = waited_q[i] + turns <= WaitW'(NumIn - 1);
  end
  always_comb begin
    if (rst_nq) begin
      assert (inv_prio_range);
      assert (inv_closing == '1);
    end
  end

  // ---- Reachable from reset (scripts/formal.sh checks each cov_*): not vacuous ----
  // The worst case: an input granted after NumIn - 1 grants went to others.
  (* keep *) logic cov_longest_wait;
  always_comb begin
    cov_longest_wait = 1'b0;
    for (int i = 0; i < NumIn; i++) begin
      if (rst_nq && advance_i && gnt[i] && waited_q[i] == WaitW'(NumIn - 1)) begin
        cov_longest_wait = 1'b1;
      end
    end
  end
endmodule
