// L0 buffer (docs/core.md): Elems elements of ElemW bits in Lanes banks; element e lives in
// bank e % Lanes at word e / Lanes. One write port and one read port, each reaching Lanes
// consecutive elements at any element address: lane l is element addr + l, wrapping at Elems.
// Because Lanes consecutive elements always fall in Lanes different banks, every access is
// one word per bank: bank b serves lane (b - addr) mod Lanes, at word addr / Lanes, or the
// next word for the banks below the start offset (the access wrapped into the next row).
//
// Writes take a per-lane mask; with WriteBanked the writer gives its data and mask in bank
// order (bank b takes wdata_i[b] under wmask_i[b]), rotated by itself. Reads have
// 1 + ReadPipe cycles of latency (the banks' output registers, with ReadPipe = 1 a second
// register behind them (an FPGA block RAM's own output register), then the lane rotation by
// the registered start offset; RotateEarly puts the rotation before that second register
// instead); rdata_o holds while no read is under way. rbank_o is the same read in bank order,
// before the rotation (lane l of rdata_o is rbank_o[(l + addr) mod Lanes]).
// Read-during-write to the same element returns the old data, as the sram banks do; with
// RdwOld = 0 it must not happen (the banks assert it), so FPGA tools map each bank to a bare
// block RAM without the logic that emulates old data.
`include "luoshu_assert.svh"

module l0_buffer #(
  parameter int ElemW = 8,
  parameter int Lanes = 16,
  parameter int Elems = 4096,
  parameter int ReadPipe = 0,  // 1: one more cycle of read latency, for FPGA timing (docs/fpga.md)
  parameter bit RdwOld = 1,    // 0: no read meets a write to its element (sram's RdwOld)
  // ReadPipe: 1 rotates the lanes between the banks and the second register, so the reader
  // gets registered lane-ordered data; 0 (default) rotates behind it. Early, the rotation
  // follows the block RAM's slow clock-to-out and each lane's mux gathers all the banks' block
  // RAMs: on the SoC at Dim=8 (L0C, 8 lanes) that failed 100 MHz on about 170 endpoints,
  // late on 14 (docs/fpga.md, stop 31).
  parameter int RotateEarly = 0,
  // 1: wdata_i and wmask_i come in bank order. L0C's writer, the cube executor, adds the old
  // row read in bank order (rbank_o) to its own row rotated early, so neither the read's
  // rotation nor the write's sits between L0C's block RAMs and the accumulate add's register
  // and back (FPGA timing, docs/fpga.md).
  parameter int WriteBanked = 0
) (
  input  logic                                      clk_i,
  input  logic                                      rst_ni,
  input  logic                                      we_i,
  input  logic [(Elems > 1 ? $clog2(Elems) : 1)-1:0] waddr_i,
  input  logic [Lanes-1:0]                          wmask_i,
  input  logic [Lanes-1:0][ElemW-1:0]               wdata_i,
  input  logic                                      re_i,
  input  logic [(Elems > 1 ? $clog2(Elems) : 1)-1:0] raddr_i,
  output logic [Lanes-1:0][ElemW-1:0]               rdata_o,
  output logic [Lanes-1:0][ElemW-1:0]               rbank_o
);
  if (Lanes < 1 || (Lanes & (Lanes - 1)) != 0) begin : g_bad_lanes
    $error("l0_buffer: Lanes must be a power of two (got %0d)", Lanes);
  end
  if (Elems < Lanes || Elems % Lanes != 0) begin : g_bad_elems
    $error("l0_buffer: Elems must be a positive multiple of Lanes (got Elems=%0d, Lanes=%0d)",
           Elems, Lanes);
  end
  if (ElemW < 1) begin : g_bad_width
    $error("l0_buffer: ElemW must be >= 1 (got %0d)", ElemW);
  end
  if (ReadPipe != 0 && ReadPipe != 1) begin : g_bad_read_pipe
    $error("l0_buffer: ReadPipe must be 0 or 1 (got %0d)", ReadPipe);
  end
  if (RotateEarly != 0 && RotateEarly != 1) begin : g_bad_rotate_early
    $error("l0_buffer: RotateEarly must be 0 or 1 (got %0d)", RotateEarly);
  end
  if (WriteBanked != 0 && WriteBanked != 1) begin : g_bad_write_banked
    $error("l0_buffer: WriteBanked must be 0 or 1 (got %0d)", WriteBanked);
  end

  localparam int Words   = Elems / Lanes;
  localparam int WordW   = Words > 1 ? $clog2(Words) : 1;
  localparam int OffW    = Lanes > 1 ? $clog2(Lanes) : 1;
  localparam int OffBits = $clog2(Lanes);  // address bits below the word index (0 for 1 lane)

  // Splits an element address into its word and its lane offset; the word after the last
  // one is word 0 (the address wraps at Elems, which need not be a power of two).
  logic [OffW-1:0]  woff, roff, roff_q;
  logic [WordW-1:0] wword, wword_next, rword, rword_next;

  assign woff       = Lanes > 1 ? OffW'(waddr_i) : '0;
  assign roff       = Lanes > 1 ? OffW'(raddr_i) : '0;
  assign wword      = WordW'(waddr_i >> OffBits);
  assign rword      = WordW'(raddr_i >> OffBits);
  // A power-of-two count of words wraps by itself: no compare between the address and the
  // banks' (FPGA timing: L0C's read address comes through the port's arbitration).
  if (Words > 1 && (Words & (Words - 1)) == 0) begin : g_next_wraps
    assign wword_next = wword + 1'b1;
    assign rword_next = rword + 1'b1;
  end else begin : g_next_cmp
    assign wword_next = (wword == WordW'(Words - 1)) ? '0 : wword + 1'b1;
    assign rword_next = (rword == WordW'(Words - 1)) ? '0 : rword + 1'b1;
  end

  // Banks below the start offset hold the access's tail, in the next word: a thermometer of
  // the offset made by a shift, not by a subtraction (no carry chain before the banks).
  logic [Lanes-1:0] wnext, rnext;
  assign wnext = ~(Lanes'('1) << woff);
  assign rnext = ~(Lanes'('1) << roff);

  logic [Lanes-1:0][ElemW-1:0] bank_rdata;

  // The write's {mask, data} in bank order: bank b takes lane (b - offset) mod Lanes, a
  // rotation by the offset in log2(Lanes) steps of 2:1 selects, not a subtract per bank in
  // front of a Lanes:1 select (Yosys made each subtract a carry chain: FPGA timing, MTE-in's
  // write address -> L0A's write data). WriteBanked: the writer has rotated them.
  localparam int WLaneW = ElemW + 1;
  logic [Lanes-1:0][WLaneW-1:0] wlanes, wbanks;
  for (genvar l = 0; l < Lanes; l++) begin : g_wlane
    assign wlanes[l] = {wmask_i[l], wdata_i[l]};
  end
  if (WriteBanked != 0 || Lanes == 1) begin : g_wbanks_given
    assign wbanks = wlanes;
  end else begin : g_wbanks_rotate
    always_comb begin
      wbanks = wlanes;
      for (int s = 0; s < OffBits; s++) begin
        if (woff[s]) begin  // lanes move up by 2^s banks, the top ones wrapping to the bottom
          wbanks = (wbanks << ((1 << s) * WLaneW)) |
                   (wbanks >> ((Lanes - (1 << s)) * WLaneW));
        end
      end
    end
  end

  for (genvar b = 0; b < Lanes; b++) begin : g_bank
    logic [WordW-1:0] wword_b, rword_b;
    // With a power-of-two count of words, each bank's word is the address plus a constant,
    // Lanes - 1 - b, its low bits dropped: the carry out of the offset bits is the bank's
    // "below the start offset". The carry chain then takes the address bits themselves and
    // drives the block RAM's address, with neither a mux behind it between the shared
    // increment and each bank nor the offset's decode in front of it (FPGA timing: L0C's read
    // address comes through the port's arbitration; a_bank_word checks it against the select).
    if (Words > 1 && (Words & (Words - 1)) == 0) begin : g_word_add
      localparam int AddrW = $clog2(Elems);
      assign wword_b = WordW'((waddr_i + AddrW'(Lanes - 1 - b)) >> OffBits);
      assign rword_b = WordW'((raddr_i + AddrW'(Lanes - 1 - b)) >> OffBits);
    end else begin : g_word_sel
      assign wword_b = wnext[b] ? wword_next : wword;
      assign rword_b = rnext[b] ? rword_next : rword;
    end
    `ASSERT_ALWAYS(a_bank_word, clk_i, rst_ni,
                   wword_b == (wnext[b] ? wword_next : wword) &&
                   rword_b == (rnext[b] ? rword_next : rword),
                   "a bank's word address disagrees with the access's word or the next one")

`ifndef SYNTHESIS
    logic [OffW-1:0] wlane;  // OffW bits wide, so the subtraction wraps modulo Lanes
    assign wlane = OffW'(b) - woff;
    `ASSERT_ALWAYS(a_bank_lane, clk_i, rst_ni,
                   !we_i || (WriteBanked != 0) || wbanks[b] == {wmask_i[wlane], wdata_i[wlane]},
                   "a bank's write lane disagrees with the write's offset")
`endif
    sram #(.Words(Words), .Width(ElemW), .RdwOld(RdwOld)) u_bank (
      .clk_i,
      .rst_ni,
      .we_i   (we_i && wbanks[b][ElemW]),
      .waddr_i(wword_b),
      .wdata_i(wbanks[b][ElemW-1:0]),
      .re_i,
      .raddr_i(rword_b),
      .rdata_o(bank_rdata[b])
    );
  end

  // The banks hold their data while re_i is low; so do the lane selects that rotate it: lane
  // l takes bank (l + offset) mod Lanes, one select register per lane loaded with the read,
  // so the rotation's muxes start at flip-flops, not behind an add (FPGA timing: L0C's
  // rotation feeds the cube's accumulate add). roff_q is the offset they replace (a_lane_sel);
  // both are reset to offset 0, so they agree before the first read too.
  logic [Lanes-1:0][OffW-1:0] rsel, rsel_ident, rsel_q;
  for (genvar l = 0; l < Lanes; l++) begin : g_rsel
    assign rsel[l]       = OffW'(l) + roff;
    assign rsel_ident[l] = OffW'(l);
  end
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      roff_q <= '0;
      rsel_q <= rsel_ident;
    end else if (re_i) begin
      roff_q <= roff;
      rsel_q <= rsel;
    end
  end

  // The lane rotation: lane l of `rotated` is lane_src[lane_sel[l]].
  logic [Lanes-1:0][ElemW-1:0] lane_src, rotated;
  logic [Lanes-1:0][OffW-1:0]  lane_sel;
  logic [OffW-1:0]             lane_off;
  for (genvar l = 0; l < Lanes; l++) begin : g_lane
    assign rotated[l] = lane_src[lane_sel[l]];
    `ASSERT_ALWAYS(a_lane_sel, clk_i, rst_ni, lane_sel[l] == OffW'(l) + lane_off,
                   "a lane's registered select disagrees with the read's offset")
  end

  // ReadPipe: a second register loaded the cycle after a read, with the banks' data (and the
  // selects once more) or, RotateEarly, with the rotated lanes.
  if (ReadPipe != 0) begin : g_read_pipe
    logic re_q;
    always_ff @(posedge clk_i) begin
      if (!rst_ni) re_q <= 1'b0;
      else re_q <= re_i;
    end
    if (RotateEarly != 0) begin : g_rotate_early
      // The banks' data registered as well for rbank_o (trimmed where nothing reads it).
      logic [Lanes-1:0][ElemW-1:0] rdata_q, bank_rdata_q;
      always_ff @(posedge clk_i) begin
        if (re_q) rdata_q <= rotated;
        if (re_q) bank_rdata_q <= bank_rdata;
      end
      assign lane_src = bank_rdata;
      assign lane_sel = rsel_q;
      assign lane_off = roff_q;
      assign rdata_o  = rdata_q;
      assign rbank_o  = bank_rdata_q;
    end else begin : g_rotate_late
      logic [Lanes-1:0][ElemW-1:0] bank_rdata_q;
      logic [Lanes-1:0][OffW-1:0]  rsel_q2;
      logic [OffW-1:0]             roff_q2;
      always_ff @(posedge clk_i) begin
        if (re_q) bank_rdata_q <= bank_rdata;
      end
      always_ff @(posedge clk_i) begin
        if (!rst_ni) begin
          rsel_q2 <= rsel_ident;
          roff_q2 <= '0;
        end else if (re_q) begin
          rsel_q2 <= rsel_q;
          roff_q2 <= roff_q;
        end
      end
      assign lane_src = bank_rdata_q;
      assign lane_sel = rsel_q2;
      assign lane_off = roff_q2;
      assign rdata_o  = rotated;
      assign rbank_o  = bank_rdata_q;
    end
  end else begin : g_read_now
    assign lane_src = bank_rdata;
    assign lane_sel = rsel_q;
    assign lane_off = roff_q;
    assign rdata_o  = rotated;
    assign rbank_o  = bank_rdata;
  end

  `ASSERT_ALWAYS(a_waddr_in_range, clk_i, rst_ni, !we_i || (32'(waddr_i) < Elems),
                 "l0_buffer write address beyond Elems")
  `ASSERT_ALWAYS(a_raddr_in_range, clk_i, rst_ni, !re_i || (32'(raddr_i) < Elems),
                 "l0_buffer read address beyond Elems")
endmodule
