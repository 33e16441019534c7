// Realigner (MTE-out, docs/core.md): places chunks of bytes at their destination offset
// within the beat and merges them into whole beats with byte strobes. A chunk is in_nbytes_i
// bytes (from lane 0) whose first byte goes to offset in_off_i of its beat; the chunks of a
// row are consecutive in the destination, and in_last_i ends the row. A beat leaves when a
// chunk reaches its end or the row ends; a row whose last chunk spills into a new beat takes
// one extra cycle for that beat. One chunk in and one beat out per cycle otherwise.
// OutSkid = 1 (MTE-out's FPGA build) puts a skid register behind the beat on offer: the beat
// moves on whenever the skid is empty, taken or not, so out_ready_i reaches only the skid's
// full flag, not the enables of the beat and chunk registers (FPGA timing). The same cycles
// while out_ready_i stays high; under backpressure one more beat may wait inside.
`include "luoshu_assert.svh"

module realigner #(
  parameter int BeatBytes = 16,
  parameter int OutSkid = 0,
  localparam int OffW = $clog2(BeatBytes),
  localparam int CntW = $clog2(BeatBytes + 1)
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,
  // Chunks.
  input  logic                      in_valid_i,
  output logic                      in_ready_o,
  input  logic [BeatBytes-1:0][7:0] in_data_i,
  input  logic [CntW-1:0]           in_nbytes_i,  // 1..BeatBytes
  input  logic [OffW-1:0]           in_off_i,
  input  logic                      in_last_i,
  // in_off_i + in_nbytes_i >= BeatBytes (the chunk reaches its beat's end), > BeatBytes (it
  // spills into the next beat): given, not computed here, so a caller can make them before
  // its FIFO and the beat registers' enables do not wait for an add (FPGA timing).
  input  logic                      in_fills_i,
  input  logic                      in_spills_i,
  // The chunk's byte strobes at its offset, over its beat (low half) and the next (high half):
  // ((1 << in_nbytes_i) - 1) << in_off_i. Also given, for the same reason: the beat registers'
  // byte selects then start at a flip-flop, not at a compare and a shift behind the FIFO.
  input  logic [2*BeatBytes-1:0]    in_strb_i,
  // Beats.
  output logic                      out_valid_o,
  input  logic                      out_ready_i,
  output logic [BeatBytes-1:0][7:0] out_data_o,
  output logic [BeatBytes-1:0]      out_strb_o,
  // Bytes taken that have not left yet (false between rows once a row's last beat is out).
  output logic                      busy_o
);
  if (BeatBytes < 2 || (BeatBytes & (BeatBytes - 1)) != 0) begin : g_bad_beat
    $error("realigner: BeatBytes must be a power of two >= 2 (got %0d)", BeatBytes);
  end
  if (OutSkid != 0 && OutSkid != 1) begin : g_bad_out_skid
    $error("realigner: OutSkid must be 0 or 1 (got %0d)", OutSkid);
  end

  logic [BeatBytes-1:0][7:0]   cur_data_q;              // the beat being filled
  logic [BeatBytes-1:0]        cur_strb_q, cur_strb_d;
  logic [BeatBytes-1:0][7:0]   out_data_q;              // the beat on offer
  logic [BeatBytes-1:0]        out_strb_q, out_strb_d;
  logic                        out_valid_q, out_valid_d;
  logic                        flush_q, flush_d;        // the filled beat leaves next
  logic [2*BeatBytes-1:0]      sh_strb;                 // the chunk's bytes at its offset
  logic [BeatBytes-1:0]        merged_strb;
  logic                        out_free, take, ends_beat;
  logic                        beat_ready;              // the beat on offer may move on
  logic                        skid_busy;               // (OutSkid) a beat waits in the skid

  assign sh_strb = in_strb_i;  // made by the caller before its FIFO (a_strb)
  assign merged_strb = cur_strb_q | sh_strb[BeatBytes-1:0];

  // The data path as functions, called only in the always_ff branches that load a data
  // register: as continuous logic Verilator would shift and merge every cycle, chunk or not
  // (simulation speed). The chunk at its offset spans two beats: the first merges into the
  // beat being filled, the second (what spills) starts the next one.
  function automatic logic [BeatBytes-1:0][7:0] merged(input logic [BeatBytes-1:0][7:0] cur,
                                                       input logic [BeatBytes-1:0][7:0] data,
                                                       input logic [OffW-1:0] off,
                                                       input logic [BeatBytes-1:0] strb);
    logic [BeatBytes-1:0][7:0] sh;
    sh = data << {off, 3'b000};
    for (int i = 0; i < BeatBytes; i++) merged[i] = strb[i] ? sh[i] : cur[i];
  endfunction
  function automatic logic [BeatBytes-1:0][7:0] spilled(input logic [BeatBytes-1:0][7:0] data,
                                                        input logic [OffW-1:0] off);
    return (BeatBytes*8)'(((2*BeatBytes*8)'(data) << {off, 3'b000}) >> (BeatBytes*8));
  endfunction

  assign ends_beat   = in_fills_i || in_last_i;
  assign out_free    = !out_valid_q || beat_ready;
  assign in_ready_o  = out_free && !flush_q;
  assign take        = in_valid_i && in_ready_o;
  always_comb begin
    cur_strb_d  = cur_strb_q;
    out_strb_d  = out_strb_q;
    out_valid_d = out_valid_q && !beat_ready;
    flush_d     = flush_q;
    if (out_free && flush_q) begin
      out_valid_d = 1'b1;
      out_strb_d  = cur_strb_q;
      cur_strb_d  = '0;
      flush_d     = 1'b0;
    end else if (take) begin
      if (ends_beat) begin
        out_valid_d = 1'b1;
        out_strb_d  = merged_strb;
        cur_strb_d  = sh_strb[2*BeatBytes-1:BeatBytes];
        flush_d     = in_last_i && in_spills_i;
      end else begin
        cur_strb_d = merged_strb;
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      cur_strb_q  <= '0;
      out_valid_q <= 1'b0;
      flush_q     <= 1'b0;
    end else begin
      cur_strb_q  <= cur_strb_d;
      out_valid_q <= out_valid_d;
      flush_q     <= flush_d;
    end
  end
  // Beat data: only shown with its valid and strobes (no reset). Loaded only in the cycles
  // the control logic above moves a chunk or a beat, with the same choices.
  always_ff @(posedge clk_i) begin
    out_strb_q <= out_strb_d;
    if (out_free && flush_q) begin
      out_data_q <= cur_data_q;
    end else if (take) begin
      if (ends_beat) begin
        out_data_q <= merged(cur_data_q, in_data_i, in_off_i, sh_strb[BeatBytes-1:0]);
        cur_data_q <= spilled(in_data_i, in_off_i);
      end else begin
        cur_data_q <= merged(cur_data_q, in_data_i, in_off_i, sh_strb[BeatBytes-1:0]);
      end
    end
  end

  if (OutSkid != 0) begin : g_out_skid
    logic                      skid_full_q;
    logic [BeatBytes-1:0][7:0] skid_data_q;
    logic [BeatBytes-1:0]      skid_strb_q;
    // Full when a beat on offer (the skid's or the one behind it) is not taken.
    always_ff @(posedge clk_i) begin
      if (!rst_ni) skid_full_q <= 1'b0;
      else         skid_full_q <= (skid_full_q || out_valid_q) && !out_ready_i;
    end
    // Loaded with the beat on offer in every cycle the skid is empty, taken or not: the
    // enable is the full flag, not the ready.
    always_ff @(posedge clk_i) begin
      if (!skid_full_q) begin
        skid_data_q <= out_data_q;
        skid_strb_q <= out_strb_q;
      end
    end
    assign beat_ready  = !skid_full_q;
    assign skid_busy   = skid_full_q;
    assign out_valid_o = out_valid_q || skid_full_q;
    assign out_data_o  = skid_full_q ? skid_data_q : out_data_q;
    assign out_strb_o  = skid_full_q ? skid_strb_q : out_strb_q;
  end else begin : g_out_direct
    assign beat_ready  = out_ready_i;
    assign skid_busy   = 1'b0;
    assign out_valid_o = out_valid_q;
    assign out_data_o  = out_data_q;
    assign out_strb_o  = out_strb_q;
  end
  assign busy_o = out_valid_q || skid_busy || flush_q || (cur_strb_q != '0);

  `ASSERT_ALWAYS(a_nbytes, clk_i, rst_ni,
                 !in_valid_i || (in_nbytes_i != '0 && 32'(in_nbytes_i) <= BeatBytes),
                 "chunk of 0 or more than BeatBytes bytes")
  `ASSERT_STREAM_STABLE(a_in_stable, clk_i, rst_ni, in_valid_i, in_ready_o,
                        {in_data_i, in_nbytes_i, in_off_i, in_last_i, in_fills_i, in_spills_i,
                         in_strb_i})
`ifndef SYNTHESIS
  logic [CntW:0] in_end;  // the chunk's end within its beat (exclusive)
  assign in_end = (CntW + 1)'(in_off_i) + (CntW + 1)'(in_nbytes_i);
  `ASSERT_ALWAYS(a_fills, clk_i, rst_ni,
                 !in_valid_i || (in_fills_i == (in_end >= (CntW + 1)'(BeatBytes)) &&
                                 in_spills_i == (in_end > (CntW + 1)'(BeatBytes))),
                 "in_fills_i / in_spills_i do not match in_off_i + in_nbytes_i")
  // The chunk's bytes from lane 0 (compares), at its offset: what in_strb_i stands for.
  function automatic logic [2*BeatBytes-1:0] chunk_strb(input logic [CntW-1:0] nbytes,
                                                        input logic [OffW-1:0] off);
    logic [BeatBytes-1:0] len;
    for (int i = 0; i < BeatBytes; i++) len[i] = (CntW'(i) < nbytes);
    return (2*BeatBytes)'(len) << off;
  endfunction
  `ASSERT_ALWAYS(a_strb, clk_i, rst_ni,
                 !in_valid_i || in_strb_i == chunk_strb(in_nbytes_i, in_off_i),
                 "in_strb_i does not match in_nbytes_i bytes at offset in_off_i")
`endif
  `ASSERT_STREAM_STABLE(a_out_stable, clk_i, rst_ni, out_valid_o, out_ready_i,
                        {out_data_o, out_strb_o})
endmodule
