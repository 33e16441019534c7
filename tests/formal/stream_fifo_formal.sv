// Formal wrapper of stream_fifo (scripts/formal.sh stream_fifo). Proven by temporal induction,
// so for every input sequence of any length from reset, not only up to a bound:
//   - the stream rule on the output, assuming it on the input (formal_stream_rule);
//   - no loss, duplication, reordering or corruption of items (formal_scoreboard);
//   - occupancy (pushes - pops) never exceeds Depth and the input is not ready when full (no
//     overflow); the output is valid exactly when an item is held (no underflow, nothing
//     stuck); the input is ready whenever there is room (full throughput); count_o is the
//     occupancy.
// The FIFO never looks at its payload, so a narrow Width stands for every width; the pointer
// logic differs for power-of-two depths and the others, so the proofs run Depth = 1, 2 and 3,
// each with and without HeadReg (with it, the head register always equals the stored head
// entry, so both settings give the same output every cycle), and with a head register on a
// field of the entry only (HeadLsb, HeadW: the same output again).
module stream_fifo_formal #(
  parameter int Depth = 2,
  parameter int Width = 4,
  parameter int HeadReg = 0,
  parameter int HeadLsb = 0,
  parameter int HeadW = Width
) (
  input logic             clk_i,
  input logic             in_valid_i,
  input logic [Width-1:0] in_data_i,
  input logic             out_ready_i,
  input logic             track_i  // free: which item the scoreboard follows
);
  localparam int CntW = $clog2(Depth + 1);
  localparam int SeqW = CntW + 2;  // item numbers modulo 2^SeqW > Depth

  // Reset in the first cycle only. Every other register starts at an arbitrary value.
  logic rst_nq = 1'b0;
  always_ff @(posedge clk_i) rst_nq <= 1'b1;

  logic             in_ready, out_valid;
  logic [Width-1:0] out_data;
  logic [CntW-1:0]  count;

  stream_fifo #(.Depth(Depth), .Width(Width), .HeadReg(HeadReg), .HeadLsb(HeadLsb),
                .HeadW(HeadW)) u_dut (
    .clk_i,
    .rst_ni     (rst_nq),
    .in_valid_i,
    .in_ready_o (in_ready),
    .in_data_i,
    .out_valid_o(out_valid),
    .out_ready_i,
    .out_data_o (out_data),
    .count_o    (count)
  );

  logic             push, pop, tracking;
  logic [SeqW-1:0]  occ, track_off;
  logic [Width-1:0] track_data;
  formal_fifo_checker #(.Width(Width), .SeqW(SeqW)) u_check (
    .clk_i,
    .rst_ni      (rst_nq),
    .in_valid_i,
    .in_ready_i  (in_ready),
    .in_data_i,
    .out_valid_i (out_valid),
    .out_ready_i,
    .out_data_i  (out_data),
    .track_i,
    .occ_o       (occ),
    .tracking_o  (tracking),
    .track_off_o (track_off),
    .track_data_o(track_data)
  );
  assign push = in_valid_i && in_ready;  // for the cover points below
  assign pop  = out_valid && out_ready_i;

  logic ok_no_overflow, ok_full_not_ready, ok_ready_with_room, ok_valid_iff_held, ok_count;
  assign ok_no_overflow     = occ <= SeqW'(Depth);
  assign ok_full_not_ready  = occ != SeqW'(Depth) || !in_ready;
  assign ok_ready_with_room = occ == SeqW'(Depth) || in_ready;
  assign ok_valid_iff_held  = out_valid == (occ != '0);
  assign ok_count           = SeqW'(count) == occ;
  always_comb begin
    if (rst_nq) begin
      assert (ok_no_overflow);
      assert (ok_full_not_ready);
      assert (ok_ready_with_room);
      assert (ok_valid_iff_held);
      assert (ok_count);
    end
  end

  // ---- Induction strengthening: where the scoreboard's items sit in the FIFO ----
  // (Names the DUT's internals, only so that the induction step closes; asserted like the
  // properties, so each is proven too.) Slot arithmetic wraps by one subtraction, not with %:
  // a divider would triple the SAT problem.
  localparam int PtrW = Depth > 1 ? $clog2(Depth) : 1;
  localparam int SumW = SeqW + 1;
  function automatic logic [SumW-1:0] wrap(logic [SumW-1:0] slot);  // slot < 2 * Depth
    wrap = slot >= SumW'(Depth) ? slot - SumW'(Depth) : slot;
  endfunction
  logic [SumW-1:0] rd_ptr, wr_ptr, track_slot;
  assign rd_ptr     = SumW'(u_dut.rd_ptr_q);
  assign wr_ptr     = SumW'(u_dut.wr_ptr_q);
  assign track_slot = wrap(rd_ptr + SumW'(track_off));
  logic inv_ptrs, inv_tracked_slot;
  assign inv_ptrs = rd_ptr < SumW'(Depth) && wr_ptr < SumW'(Depth) &&
                    wr_ptr == wrap(rd_ptr + SumW'(occ));
  assign inv_tracked_slot = !tracking || u_dut.mem_q[PtrW'(track_slot)] == track_data;
  always_comb begin
    if (rst_nq) begin
      assert (inv_ptrs);
      assert (inv_tracked_slot);
    end
  end
  if (HeadReg != 0) begin : g_head_reg
    logic ok_head_is_stored_head;
    assign ok_head_is_stored_head = occ == '0 || out_data == u_dut.mem_q[u_dut.rd_ptr_q];
    always_comb if (rst_nq) assert (ok_head_is_stored_head);
  end

  // ---- Reachable from reset (scripts/formal.sh checks each cov_*): not vacuous ----
  (* keep *) logic cov_full;
  assign cov_full = rst_nq && occ == SeqW'(Depth);
  if (Depth > 1) begin : g_cov_push_pop  // Depth 1 holds one item: never in and out at once
    (* keep *) logic cov_push_pop;
    assign cov_push_pop = rst_nq && push && pop;
  end
endmodule
