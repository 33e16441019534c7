// Formal scoreboard for a block that passes items through in order (a FIFO, a skid buffer):
// counts items in and out and follows one tracked item, the one pushed in a cycle where the
// free input track_i is high (the solver picks the cycle and the payload, so proving it for
// the tracked item proves it for every item). Asserts that the tracked item stays inside
// until it leaves, and that it leaves as the n-th item out if it was the n-th in, with its
// payload: no loss, no duplication, no reordering, no corruption. Occupancy bounds are the
// wrapper's (occ_o), as are the invariants that tie track_off_o to the block's storage.
// Item numbers count modulo 2^SeqW, which must exceed the block's capacity.
module formal_scoreboard #(
  parameter int Width = 8,
  parameter int SeqW  = 4
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             push_i,      // an item enters (valid && ready on the input)
  input  logic [Width-1:0] in_data_i,
  input  logic             pop_i,       // an item leaves (valid && ready on the output)
  input  logic [Width-1:0] out_data_i,
  input  logic             track_i,     // free: track the item pushed now (if none is tracked)
  output logic [SeqW-1:0]  occ_o,       // items in minus items out
  output logic             tracking_o,
  output logic [SeqW-1:0]  track_off_o,  // items ahead of the tracked one
  output logic [Width-1:0] track_data_o
);
  logic [SeqW-1:0] in_cnt_q, out_cnt_q, track_seq_q;
  logic            tracking_q, track_pop;
  logic [Width-1:0] track_data_q;

  assign occ_o        = in_cnt_q - out_cnt_q;
  assign tracking_o   = tracking_q;
  assign track_off_o  = track_seq_q - out_cnt_q;
  assign track_data_o = track_data_q;
  assign track_pop    = tracking_q && pop_i && out_cnt_q == track_seq_q;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      in_cnt_q   <= '0;
      out_cnt_q  <= '0;
      tracking_q <= 1'b0;
    end else begin
      if (push_i) in_cnt_q <= in_cnt_q + 1'b1;
      if (pop_i)  out_cnt_q <= out_cnt_q + 1'b1;
      if (track_pop) tracking_q <= 1'b0;
      if (push_i && track_i && !tracking_q) begin
        tracking_q   <= 1'b1;
        track_seq_q  <= in_cnt_q;
        track_data_q <= in_data_i;
      end
    end
  end

  logic ok_tracked_inside, ok_tracked_data;
  // Not out yet: its number is at or after out_cnt_q and before in_cnt_q.
  assign ok_tracked_inside = !tracking_q || track_off_o < occ_o;
  assign ok_tracked_data   = !track_pop || out_data_i == track_data_q;
  always_comb begin
    if (rst_ni) begin
      assert (ok_tracked_inside);
      assert (ok_tracked_data);
    end
  end

  // Reachable (scripts/formal.sh checks it): a tracked item that had others ahead leaves.
  (* keep *) logic cov_tracked_out;
  assign cov_tracked_out = rst_ni && track_pop && track_seq_q != '0;
endmodule
