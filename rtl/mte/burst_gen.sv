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
  // row needs one compare, not a subtract and then a compare; so are the next row's beats and
  // beats to its page boundary, for its first burst. The offered bursts and their timing are
  // those of the plain rule.
  logic            busy_q;
  logic [15:0]     rows_q;           // rows left, the current one included
  logic [31:0]     next_row_q;       // the next row's first byte
  logic [LenW-1:0] row_bytes_q;
  logic [32:0]     addr_q;           // the burst's address (beat-aligned)
  logic [RbW-1:0]  row_rem_q;        // beats left in the row after this burst (if not its last)
  logic [12:0]     page_rem_q;       // beats from there to the next 4 KiB boundary (ditto)
  logic [RbW-1:0]  r_row_beats_q;    // the next row's beats
  logic [12:0]     r_page_beats_q;   // ... and from its first to the next 4 KiB boundary
  logic [8:0]      beats_q;          // this burst
  logic            row_last_q;       // it ends the row
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
  function automatic logic [BurstW-1:0] burst_of(input logic [RbW-1:0] row_beats,
                                                 input logic [12:0] page_beats);
    logic [8:0]  cap;
    logic        last;
    logic [12:0] page_rem;
    cap  = ((page_beats >> MaxLog) == '0) ? page_beats[8:0] : 9'(MaxBeats);  // no carry chain
    // cap >= row_beats with a 10-bit carry chain (window_check_end's >=): cap is at most 256,
    // so row beats above bit 8 are a plain OR beside it
    last = ((row_beats >> 9) == '0) && (10'(cap) >= 10'(row_beats));
    // page_beats <= MaxBeats as constant compares (no carry chain); page_beats is never 0
    page_rem = ((page_beats >> MaxLog) == '0 || page_beats == 13'(MaxBeats))
                 ? 13'(4096 / BeatBytes) : page_beats - 13'(MaxBeats);
    burst_of = {last ? 9'(row_beats) : cap, last, row_beats - RbW'(cap), page_rem};
  endfunction

  // The candidates: first burst of a new transfer (s), next burst of this row (n), first
  // burst of the next row (r).
  logic [RbW-1:0]    s_row_beats;
  logic [12:0]       s_page_beats;
  // next_row_q's bits [11:0] as a start or a row change loads them: two adds, chosen behind,
  // so start_i (a consumer's accept) is not in front of them
  logic [11:0]       s_next_lo, r_next_lo;
  logic [BurstW-1:0] s_burst, n_burst, r_burst;  // {beats, row last, row left, page left}
  logic [32:0]       n_addr;

  assign s_row_beats  = row_beats_of(addr_i[OffW-1:0], row_bytes_i);
  assign s_page_beats = page_beats_of(addr_i[11:0]);
  assign s_burst      = burst_of(s_row_beats, s_page_beats);

  assign n_addr       = addr_q + 33'({beats_q, OffW'(0)});
  assign n_burst      = burst_of(row_rem_q, page_rem_q);

  assign s_next_lo    = addr_i[11:0] + stride_i[11:0];
  assign r_next_lo    = next_row_q[11:0] + stride_i[11:0];
  assign r_burst      = burst_of(r_row_beats_q, r_page_beats_q);

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
      r_row_beats_q  <= row_beats_of(s_next_lo[OffW-1:0], row_bytes_i);
      r_page_beats_q <= page_beats_of(s_next_lo);
      addr_q       <= {1'b0, addr_i[31:OffW], OffW'(0)};
      {beats_q, row_last_q, row_rem_q, page_rem_q} <= s_burst;
    end else if (fire) begin
      if (row_last_q) begin
        rows_q       <= rows_q - 16'd1;
        next_row_q   <= next_row_q + stride_i;
        r_row_beats_q  <= row_beats_of(r_next_lo[OffW-1:0], row_bytes_q);
        r_page_beats_q <= page_beats_of(r_next_lo);
        addr_q       <= {1'b0, next_row_q[31:OffW], OffW'(0)};
        {beats_q, row_last_q, row_rem_q, page_rem_q} <= r_burst;
      end else begin
        addr_q       <= n_addr;
        {beats_q, row_last_q, row_rem_q, page_rem_q} <= n_burst;
      end
    end
  end

`ifndef SYNTHESIS
  // The plain rule's registers (the row's beats left with this burst, the beats to the page
  // boundary), for the check that the look-ahead ones equal what they replace.
  logic [RbW-1:0] ref_row_beats_q;
  logic [12:0]    ref_page_beats_q;
  always_ff @(posedge clk_i) begin
    if (start_i) begin
      ref_row_beats_q  <= s_row_beats;
      ref_page_beats_q <= s_page_beats;
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
                 !busy_q || (r_row_beats_q == row_beats_of(next_row_q[OffW-1:0], row_bytes_q) &&
                             r_page_beats_q == page_beats_of(next_row_q[11:0])),
                 "the next row's registered beats disagree with its start and length")
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
