// Burst generator: the transfer engines' one burst-splitting rule (docs/core.md). A transfer
// is rows_i rows of row_bytes_i bytes, row r starting at addr_i + r * stride_i. Each row is
// covered by beat-aligned bursts from the beat of its first byte to the beat of its last,
// cut at every 4 KiB boundary and after MaxBeats beats (256: the AXI burst rules), one burst
// per cycle. MTE-in's reads, MTE-out's writes and MTE-out's bias reads all come from here, and
// the vector unit's reads (with a smaller MaxBeats: its buffer must hold a whole burst).
//
// start_i loads a transfer; a transfer in progress is dropped (an engine that stopped early,
// on a fault, starts over). An empty transfer (no rows or no bytes) has no bursts. stride_i is
// read with start_i and at each row change, so it stays stable until the transfer is done.
// Taking a row's last burst moves to the next row in the same cycle: bursts leave back to back.
// Addresses are 32 bits; a row's end carries into bit 32, so a row that ends at 2^32 is
// issued. Rows past 2^32 are the caller's to refuse (the engines' window pre-passes do).
`include "luoshu_assert.svh"

module burst_gen #(
  parameter int BeatBytes = 16,
  parameter int LenW = 16,     // bits of row_bytes_i
  parameter int MaxBeats = 256 // longest burst: a power of two in 1..256
) (
  input  logic            clk_i,
  input  logic            rst_ni,
  // Transfer.
  input  logic            start_i,
  input  logic [31:0]     addr_i,
  input  logic [LenW-1:0] row_bytes_i,
  input  logic [15:0]     rows_i,
  input  logic [31:0]     stride_i,
  // Bursts: valid while the transfer has bursts left.
  output logic            burst_valid_o,
  input  logic            burst_ready_i,
  output logic [31:0]     burst_addr_o,
  output logic [7:0]      burst_len_o,       // beats - 1, as AXI counts
  output logic [8:0]      burst_beats_o,     // 1..MaxBeats
  output logic            burst_row_last_o   // the burst ends its row
);
  if (BeatBytes < 4 || BeatBytes > 4096 || (BeatBytes & (BeatBytes - 1)) != 0) begin : g_bad_beat
    $error("burst_gen: BeatBytes must be a power of two in 4..4096 (got %0d)", BeatBytes);
  end
  if (MaxBeats < 1 || MaxBeats > 256 || (MaxBeats & (MaxBeats - 1)) != 0) begin : g_bad_max
    $error("burst_gen: MaxBeats must be a power of two in 1..256 (got %0d)", MaxBeats);
  end
  if (LenW < 1 || LenW > 32) begin : g_bad_len
    $error("burst_gen: LenW must be in 1..32 (got %0d)", LenW);
  end

  localparam int OffW = $clog2(BeatBytes);
  localparam int SumW = (LenW > OffW ? LenW : OffW) + 2;  // a row's offset + bytes + round-up
  localparam int RbW = SumW - OffW;                        // beats of a row
  localparam int CmpW = RbW > 13 ? RbW : 13;
  localparam int LoW = OffW + 2;                           // a beat's offset + bytes + round-up

  // Timing (docs/fpga.md): each burst's length and row end are registers, computed in the
  // cycle before it is offered, for the three cases the next cycle can bring (a new
  // transfer, the next burst of the row, the next row's first burst), so a consumer's ready
  // only selects among them; the next row's start is a register too, one row ahead, and so
  // are what the row and the page have left after the burst on offer, so the next burst of a
  // row needs one compare, not a subtract and then a compare; so are which of the two beat
  // counts its length allows (pair_q) the next row has (r_up_q) and its beats to its page
  // boundary, for its first burst, and the burst caps of both pages; and, for the row after
  // that, its offset and its pick (nn_up_q), so a row change loads the pick from a flip-flop.
  // A new transfer's first burst comes straight from the inputs (start_of: one carry chain
  // behind one LUT level per value). The offered bursts and their timing are those of the plain rule.
  logic            busy_q;
  logic [15:0]     rows_q;           // rows left, the current one included
  logic [31:0]     next_row_q;       // the next row's first byte
  logic [LenW-1:0] row_bytes_q;
  logic [1:0][RbW-1:0] pair_q;     // row_beats_pair(row_bytes_q)
  logic [32:0]     addr_q;           // the burst's address (beat-aligned)
  logic [RbW-1:0]  row_rem_q;        // beats left in the row after this burst (if not its last)
  logic [12:0]     page_rem_q;       // beats from there to the next 4 KiB boundary (ditto)
  // The next row's beats are pair_q[r_up_q]: a start loads the one-bit pick (an add and a
  // compare of the offsets), not the beats (the pair's adds behind the pick were the start's
  // path into them; FPGA timing, the same values: a_next_row_regs), and r_burst works out
  // both candidates side by side, picked behind their carry chains.
  logic            r_up_q;
  logic [12:0]     r_page_beats_q;   // the next row's beats to the next 4 KiB boundary
  // the burst caps (cap_of) of page_rem_q and r_page_beats_q, so the compare that decides the
  // next burst has no LUT in front of its carry chain
  logic [8:0]      n_cap_q, r_cap_q;
  logic [8:0]      beats_q;          // this burst
  logic            row_last_q;       // it ends the row
  // Two rows ahead, for r_up_q's load at a row change (a_row_after_next): the offset in
  // its beat of the row after the next and which of pair_q its beats are (pair_up_of), so the
  // load is a 2:1 select from flip-flops, not the stride's add and the offset's carry behind
  // it (FPGA timing; the same values).
  logic [OffW-1:0] nn_off_q;
  logic            nn_up_q;
  logic [OffW-1:0] up_thr_q;         // pair_up_of's threshold: -row_bytes_q mod BeatBytes
  logic            fire;

  // Beats of a row of `bytes` bytes whose first byte is at offset `off` within its beat.
  // Timing: the beat's bytes (offset, low length bits, round-up) give a carry of 0..2 from a
  // few LUTs, so the whole-length part is one carry chain with a 2-bit addend, not two adds.
  function automatic logic [RbW-1:0] row_beats_of(input logic [OffW-1:0] off,
                                                  input logic [LenW-1:0] bytes);
    logic [1:0] carry;
    carry = 2'((LoW'(off) + LoW'(bytes & LenW'(BeatBytes - 1)) + LoW'(BeatBytes - 1)) >> OffW);
    row_beats_of = RbW'(bytes >> OffW) + RbW'(carry);
  endfunction
  // row_beats_of for a next row, whose offset is an add of the stride's low bits. Its beats
  // are the row's whole beats plus a carry of 0..2 from the offset and the partial beat; with
  // no partial beat the carry is 0 or 1, with one 1 or 2. So the length alone gives the two
  // candidates (`pair`, registered for the row changes), and the offset's add and carry only
  // pick one (row_beats_of would put the length's add behind them).
  function automatic logic [1:0][RbW-1:0] row_beats_pair(input logic [LenW-1:0] bytes);
    logic [RbW-1:0] whole;
    whole = RbW'(bytes >> OffW);
    // sums of the bytes, not of the whole beats, so Yosys does not fold them back into one add
    // behind the pick
    if ((bytes & LenW'(BeatBytes - 1)) == '0) begin
      row_beats_pair = {RbW'((SumW'(bytes) + SumW'(BeatBytes)) >> OffW), whole};
    end else begin
      row_beats_pair = {RbW'((SumW'(bytes) + SumW'(2 * BeatBytes)) >> OffW),
                        RbW'((SumW'(bytes) + SumW'(BeatBytes)) >> OffW)};
    end
  endfunction
  function automatic logic [RbW-1:0] row_beats_pick(input logic [OffW-1:0] off,
                                                    input logic [LenW-1:0] bytes,
                                                    input logic [1:0][RbW-1:0] pair);
    logic       partial, upper;
    logic [1:0] carry;
    partial = (bytes & LenW'(BeatBytes - 1)) != '0;
    carry   = 2'((LoW'(off) + LoW'(bytes & LenW'(BeatBytes - 1)) + LoW'(BeatBytes - 1)) >> OffW);
    upper   = partial ? carry[1] : carry[0];
    row_beats_pick = pair[upper];
  endfunction
  // row_beats_pick's choice as a compare: a row at offset off takes pair[1] iff its bytes
  // carry past one more beat than the length alone gives, i.e. iff off > thr, with thr =
  // -bytes mod BeatBytes (the partial beat's room; 0 without a partial beat).
  function automatic logic pair_up_of(input logic [OffW-1:0] off, input logic [OffW-1:0] thr);
    pair_up_of = off > thr;
  endfunction
  // Beats from the beat of address bits [11:0] to the next 4 KiB boundary.
  function automatic logic [12:0] page_beats_of(input logic [11:0] a);
    page_beats_of = (13'd4096 - {1'b0, a & ~12'(BeatBytes - 1)}) >> OffW;
  endfunction
  // A burst: up to MaxBeats beats, to the page boundary, to the row's end; whether it ends the
  // row; and, if it does not, the row's and the page's beats after it. A burst that does not
  // end its row is the cap: it reaches the page boundary (the next one has a whole page ahead)
  // or is MaxBeats long, so both are a subtract beside the compare, not behind it.
  localparam int MaxLog = $clog2(MaxBeats);
  localparam int BurstW = 9 + 1 + RbW + 13;
  // The cap of a burst that starts page_beats before a page boundary: min(page_beats, MaxBeats).
  function automatic logic [8:0] cap_of(input logic [12:0] page_beats);
    cap_of = ((page_beats >> MaxLog) == '0) ? page_beats[8:0] : 9'(MaxBeats);
  endfunction
  // cap_of the page's beats after a burst that did not end its row (ahead of that burst, from
  // page_beats): its compares are of page_beats, beside the subtract, not behind it.
  function automatic logic [8:0] cap_after(input logic [12:0] page_beats);
    if ((page_beats >> MaxLog) == '0 || page_beats == 13'(MaxBeats)) begin
      cap_after = cap_of(13'(4096 / BeatBytes));
    end else if ((page_beats >> (MaxLog + 1)) != '0) begin
      cap_after = 9'(MaxBeats);
    end else begin
      cap_after = 9'(page_beats - 13'(MaxBeats));
    end
  endfunction
  // cap_after(page_m1 + 1), for a transfer's first burst: its tests are of page_m1, the
  // inverted address bits (no carry chain).
  function automatic logic [8:0] cap_after_m1(input logic [12:0] page_m1);
    if ((page_m1 >> MaxLog) == '0) begin
      cap_after_m1 = cap_of(13'(4096 / BeatBytes));
    end else if ((page_m1 >> (MaxLog + 1)) != '0 ||
                 (page_m1 & 13'(2 * MaxBeats - 1)) == 13'(2 * MaxBeats - 1)) begin
      cap_after_m1 = 9'(MaxBeats);
    end else begin
      cap_after_m1 = 9'(page_m1 - 13'(MaxBeats - 1));
    end
  endfunction
  // cap_of(page_beats_of(a)): whether the page's beats fit under MaxBeats is a test of the
  // inverted address bits (page beats less one), beside page_beats_of's subtract.
  function automatic logic [8:0] cap_of_addr(input logic [11:0] a);
    logic [11:0] a_inv;
    a_inv = ~a;
    cap_of_addr = (({1'b0, a_inv} >> OffW) >> MaxLog) == '0 ? 9'(page_beats_of(a)) : 9'(MaxBeats);
  endfunction
  function automatic logic [BurstW-1:0] burst_of(input logic [RbW-1:0] row_beats,
                                                 input logic [12:0] page_beats,
                                                 input logic [8:0] cap);  // cap_of(page_beats)
    logic        last;
    logic [12:0] page_rem;
    // cap >= row_beats with a 10-bit carry chain (window_check_end's >=): cap is at most 256,
    // so row beats above bit 8 are a plain OR beside it
    last = ((row_beats >> 9) == '0) && (10'(cap) >= 10'(row_beats));
    // page_beats <= MaxBeats as constant compares (no carry chain); page_beats is never 0
    page_rem = ((page_beats >> MaxLog) == '0 || page_beats == 13'(MaxBeats))
                 ? 13'(4096 / BeatBytes) : page_beats - 13'(MaxBeats);
    burst_of = {last ? 9'(row_beats) : cap, last, row_beats - RbW'(cap), page_rem};
  endfunction

  // A transfer's first burst, straight from the inputs, and the first row's beats ahead of
  // the next row (start_i is a consumer's accept, behind its engine's own logic, so this is the
  // start path; docs/fpga.md). Timing: burst_of behind row_beats_of and page_beats_of is a
  // carry chain behind a carry chain (behind LUTs); here each value is one carry chain behind
  // one LUT level: the page's beats less one are the inverted address bits (no chain), and each
  // sum of three terms (row bytes, first byte's offset, page or MaxBeats cap) is carry-save
  // (sum3). The row's end against the cap is the byte difference Q = off + bytes - cap * beat:
  // the burst ends the row iff Q <= 0, and the row has ceil(Q / beat) beats after it.
  localparam int QW = (SumW > 13 ? SumW : 13) + 1;  // Q, signed: bytes, or down to -4096
  function automatic logic [QW-1:0] sum3(input logic [QW-1:0] x, input logic [QW-1:0] y,
                                         input logic [QW-1:0] z);
    sum3 = (x ^ y ^ z) + (((x & y) | (x & z) | (y & z)) << 1);
  endfunction
  // A row's end against a cap of cap_m1 + 1 beats: whether it is within the cap, and the
  // beats after the cap (if not).
  function automatic logic [RbW:0] end_vs_cap(input logic [QW-1:0] bytes,
                                              input logic [OffW-1:0] off,
                                              input logic [12:0] cap_m1);
    logic [QW-1:0] q_base, end_m1, rem_up;
    q_base = {~(QW - OffW)'(cap_m1), off};           // off - cap * beat
    end_m1 = sum3(bytes, q_base, '1);                // Q - 1: its sign is Q <= 0
    rem_up = sum3(bytes, q_base, QW'(BeatBytes - 1)); // Q rounded up to whole beats
    end_vs_cap = {end_m1[QW-1], RbW'(rem_up >> OffW)};
  endfunction
  // burst_of(row_beats_of(a, bytes), page_beats_of(a)). The
  // page and the MaxBeats cap are worked out side by side, and whichever is smaller picked
  // after (a few address bits say which), so no LUT sits in front of the carry chains.
  function automatic logic [BurstW-1:0] start_of(input logic [11:0] a,
                                                 input logic [LenW-1:0] bytes);
    logic [11:0]   a_inv;
    logic [12:0]   page_m1;
    logic          max_cut;  // MaxBeats, not the page's end, caps the burst
    logic [QW-1:0] b;
    logic [RbW:0]  page_end, max_end, cut;  // {within the cap, beats after it}
    logic [8:0]    row_beats, page_beats, cap, beats;
    logic [12:0]   page_rem;
    a_inv      = ~a;
    page_m1    = {1'b0, a_inv} >> OffW;
    max_cut    = (page_m1 >> MaxLog) != '0;
    b          = QW'(bytes);
    page_end   = end_vs_cap(b, a[OffW-1:0], page_m1);
    max_end    = end_vs_cap(b, a[OffW-1:0], 13'(MaxBeats - 1));
    row_beats  = 9'(sum3(b, QW'(a[OffW-1:0]), QW'(BeatBytes - 1)) >> OffW);
    page_beats = 9'(page_m1) + 9'd1;
    cut      = max_cut ? max_end : page_end;
    cap      = max_cut ? 9'(MaxBeats) : page_beats;
    beats    = cut[RbW] ? row_beats : cap;
    // after a MaxBeats burst the page has beats left; after the page's end, a whole page
    page_rem = max_cut ? page_m1 - 13'(MaxBeats - 1) : 13'(4096 / BeatBytes);
    start_of = {beats, cut, page_rem};
  endfunction

  // The candidates: first burst of a new transfer (s), next burst of this row (n), first
  // burst of the next row (r).
  // next_row_q's bits [11:0] as a start or a row change loads them: two adds, chosen behind,
  // so start_i (a consumer's accept) is not in front of them
  logic [11:0]       s_next_lo, r_next_lo;
  logic [OffW-1:0]   s_nn_off, r_nn_off, s_thr;  // nn_off_q's and up_thr_q's next values
  logic [BurstW-1:0] n_burst, r_burst;  // {beats, row last, row left, page left}
  logic [32:0]       n_addr;
  // The first burst (s) is made where start_i loads it, in the clocked block below: the same
  // logic, but Verilator then runs start_of only on a start, not on every edge (simulation
  // speed: as assigns, the start arithmetic of the SoC's 24 generators cost the default SoC's
  // GEMM 7-8 % of its cycles per second, stop 30).

  assign n_addr       = addr_q + 33'({beats_q, OffW'(0)});
  assign n_burst      = burst_of(row_rem_q, page_rem_q, n_cap_q);

  assign s_next_lo    = addr_i[11:0] + stride_i[11:0];
  assign r_next_lo    = next_row_q[11:0] + stride_i[11:0];
  assign r_burst      = r_up_q ? burst_of(pair_q[1], r_page_beats_q, r_cap_q)
                               : burst_of(pair_q[0], r_page_beats_q, r_cap_q);

  assign s_nn_off     = addr_i[OffW-1:0] + {stride_i[OffW-2:0], 1'b0};
  assign s_thr        = OffW'(~row_bytes_i) + OffW'(1);
  assign r_nn_off     = nn_off_q + stride_i[OffW-1:0];

  assign fire = burst_valid_o && burst_ready_i;

  assign burst_valid_o    = busy_q;
  assign burst_addr_o     = addr_q[31:0];
  assign burst_beats_o    = beats_q;
  assign burst_len_o      = 8'(beats_q - 9'd1);
  assign burst_row_last_o = row_last_q;

  // Clocked-enable style, for simulation speed (docs/core.md, "Register style"): the ready
  // input reaches this next-state logic, so as always_comb Verilator evaluates it again on
  // every input change; clocked, once per edge (1.3 % fewer instructions in the core bench).
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      busy_q <= 1'b0;
    end else if (start_i) begin
      busy_q <= (rows_i != '0) && (row_bytes_i != '0);
    end else if (fire && row_last_q) begin
      busy_q <= (rows_q != 16'd1);
    end
  end
  // Address registers: only read while busy.
  always_ff @(posedge clk_i) begin
    if (start_i) begin
      rows_q       <= rows_i;
      next_row_q   <= addr_i + stride_i;
      row_bytes_q  <= row_bytes_i;
      pair_q       <= row_beats_pair(row_bytes_i);
      r_page_beats_q <= page_beats_of(s_next_lo);
      r_cap_q        <= cap_of_addr(s_next_lo);
      addr_q       <= {1'b0, addr_i[31:OffW], OffW'(0)};
      {beats_q, row_last_q, row_rem_q, page_rem_q} <= start_of(addr_i[11:0], row_bytes_i);
      r_up_q       <= pair_up_of(s_next_lo[OffW-1:0], s_thr);
      n_cap_q      <= cap_after_m1({1'b0, ~addr_i[11:0]} >> OffW);
      nn_off_q     <= s_nn_off;
      nn_up_q      <= pair_up_of(s_nn_off, s_thr);
      up_thr_q     <= s_thr;
    end else if (fire) begin
      if (row_last_q) begin
        rows_q       <= rows_q - 16'd1;
        next_row_q   <= next_row_q + stride_i;
        r_up_q         <= nn_up_q;
        nn_off_q       <= r_nn_off;
        nn_up_q        <= pair_up_of(r_nn_off, up_thr_q);
        r_page_beats_q <= page_beats_of(r_next_lo);
        r_cap_q        <= cap_of_addr(r_next_lo);
        addr_q       <= {1'b0, next_row_q[31:OffW], OffW'(0)};
        {beats_q, row_last_q, row_rem_q, page_rem_q} <= r_burst;
        n_cap_q      <= cap_after(r_page_beats_q);
      end else begin
        addr_q       <= n_addr;
        {beats_q, row_last_q, row_rem_q, page_rem_q} <= n_burst;
        n_cap_q      <= cap_after(page_rem_q);
      end
    end
  end

`ifndef SYNTHESIS
  logic [RbW-1:0] r_row_beats;  // the next row's beats
  assign r_row_beats = pair_q[r_up_q];
  // The plain rule's registers (the row's beats left with this burst, the beats to the page
  // boundary), for the check that the look-ahead ones equal what they replace.
  logic [RbW-1:0] ref_row_beats_q;
  logic [12:0]    ref_page_beats_q;
  always_ff @(posedge clk_i) begin
    if (start_i) begin
      ref_row_beats_q  <= row_beats_of(addr_i[OffW-1:0], row_bytes_i);
      ref_page_beats_q <= page_beats_of(addr_i[11:0]);
    end else if (fire) begin
      if (row_last_q) begin
        ref_row_beats_q  <= row_beats_of(next_row_q[OffW-1:0], row_bytes_q);
        ref_page_beats_q <= page_beats_of(next_row_q[11:0]);
      end else begin
        ref_row_beats_q  <= ref_row_beats_q - RbW'(beats_q);
        ref_page_beats_q <= (ref_page_beats_q == 13'(beats_q)) ? 13'(4096 / BeatBytes)
                                                               : ref_page_beats_q - 13'(beats_q);
      end
    end
  end
  `ASSERT_ALWAYS(a_rem_regs, clk_i, rst_ni,
                 !busy_q || row_last_q ||
                 (row_rem_q == ref_row_beats_q - RbW'(beats_q) &&
                  page_rem_q == ((ref_page_beats_q == 13'(beats_q)) ? 13'(4096 / BeatBytes)
                                                                    : ref_page_beats_q - 13'(beats_q))),
                 "the row's or page's beats after the burst disagree with the plain rule")
  `ASSERT_ALWAYS(a_next_row_regs, clk_i, rst_ni,
                 !busy_q || (r_row_beats == row_beats_of(next_row_q[OffW-1:0], row_bytes_q) &&
                             r_page_beats_q == page_beats_of(next_row_q[11:0])),
                 "the next row's registered beats disagree with its start and length")
  `ASSERT_ALWAYS(a_cap_regs, clk_i, rst_ni,
                 !busy_q || (n_cap_q == cap_of(page_rem_q) && r_cap_q == cap_of(r_page_beats_q)),
                 "a registered burst cap disagrees with the page's beats it caps")
  // Checked where it is used (a row change): an engine may leave a dropped transfer busy and
  // move on to the next command's stride before its start.
  `ASSERT_ALWAYS(a_row_after_next, clk_i, rst_ni,
                 !(fire && row_last_q) ||
                 (nn_off_q == OffW'(r_next_lo) &&
                  pair_q[nn_up_q] == row_beats_pick(r_next_lo[OffW-1:0], row_bytes_q, pair_q)),
                 "the registered row after next disagrees with the next row's start and stride")
  `ASSERT_ALWAYS(a_pair_reg, clk_i, rst_ni, !busy_q || pair_q == row_beats_pair(row_bytes_q),
                 "the registered next-row beat candidates disagree with the row length")
  logic [12:0] ref_cap;  // min(page beats, MaxBeats)
  assign ref_cap = (ref_page_beats_q > 13'(MaxBeats)) ? 13'(MaxBeats) : ref_page_beats_q;
  `ASSERT_ALWAYS(a_burst_rule, clk_i, rst_ni,
                 !busy_q || (row_last_q == (CmpW'(ref_row_beats_q) <= CmpW'(ref_cap)) &&
                             CmpW'(beats_q) == (row_last_q ? CmpW'(ref_row_beats_q)
                                                           : CmpW'(ref_cap))),
                 "the burst on offer is not min(row, page, MaxBeats) beats")
`endif

  // A start drops the burst on offer, so the stream rule holds between starts.
  `ASSERT_STREAM_STABLE(a_burst_stable, clk_i, rst_ni && !start_i, burst_valid_o, burst_ready_i,
                        {burst_addr_o, burst_len_o, burst_row_last_o})
  `ASSERT_ALWAYS(a_burst_in_page, clk_i, rst_ni,
                 !burst_valid_o || 22'(addr_q[11:0]) + 22'({beats_q, OffW'(0)}) <= 22'd4096,
                 "burst crosses a 4 KiB boundary")
endmodule
