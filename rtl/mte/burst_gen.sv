// Burst generator: the transfer engines' one burst-splitting rule (docs/core.md). A transfer
// is rows_i rows of row_bytes_i bytes, row r starting at addr_i + r * stride_i. Each row is
// covered by beat-aligned bursts from the beat of its first byte to the beat of its last,
// cut at every 4 KiB boundary and after 256 beats (the AXI burst rules), one burst per cycle.
// MTE-in's reads, MTE-out's writes and MTE-out's bias reads all come from here.
//
// start_i loads a transfer; a transfer in progress is dropped (an engine that stopped early,
// on a fault, starts over). An empty transfer (no rows or no bytes) has no bursts. stride_i is
// read at each row change, so it stays stable until the transfer is done. Taking a row's
// last burst moves to the next row in the same cycle: bursts leave back to back.
// Addresses are 32 bits; a row's end carries into bit 32, so a row that ends at 2^32 is
// issued. Rows past 2^32 are the caller's to refuse (the engines' window pre-passes do).
`include "luoshu_assert.svh"

module burst_gen #(
  parameter int BeatBytes = 16,
  parameter int LenW = 16  // bits of row_bytes_i
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
  output logic [8:0]      burst_beats_o,     // 1..256
  output logic            burst_row_last_o   // the burst ends its row
);
  if (BeatBytes < 4 || BeatBytes > 4096 || (BeatBytes & (BeatBytes - 1)) != 0) begin : g_bad_beat
    $error("burst_gen: BeatBytes must be a power of two in 4..4096 (got %0d)", BeatBytes);
  end
  if (LenW < 1 || LenW > 32) begin : g_bad_len
    $error("burst_gen: LenW must be in 1..32 (got %0d)", LenW);
  end

  localparam int OffW = $clog2(BeatBytes);

  logic            busy_q;
  logic [15:0]     rows_q;           // rows left, the current one included
  logic [31:0]     row_q;            // current row's first byte
  logic [32:0]     end_q;            // current row's end (exclusive)
  logic [32:0]     addr_q;           // next beat (beat-aligned)
  logic [33-OffW:0] row_beats;       // beats left in the row
  logic [12:0]     page_beats;       // beats to the next 4 KiB boundary
  logic [8:0]      beats;
  logic [31:0]     row_next;
  logic            fire;

  // Rounded up: a row ending inside a beat still needs that beat.
  assign row_beats  = (34 - OffW)'(end_q[32:OffW]) + (34 - OffW)'(end_q[OffW-1:0] != '0) -
                      (34 - OffW)'(addr_q[32:OffW]);
  assign page_beats = (13'd4096 - {1'b0, addr_q[11:0]}) >> OffW;
  always_comb begin
    beats = 9'd256;
    if (page_beats < 13'(beats)) beats = page_beats[8:0];
    if (row_beats < (34 - OffW)'(beats)) beats = 9'(row_beats);
  end
  assign row_next = row_q + stride_i;
  assign fire     = burst_valid_o && burst_ready_i;

  assign burst_valid_o    = busy_q;
  assign burst_addr_o     = addr_q[31:0];
  assign burst_beats_o    = beats;
  assign burst_len_o      = 8'(beats - 9'd1);
  assign burst_row_last_o = ((34 - OffW)'(beats) == row_beats);

  // Clocked-enable style, for simulation speed (docs/core.md, "Register style"): the ready
  // input reaches this next-state logic, so as always_comb Verilator evaluates it again on
  // every input change; clocked, once per edge (1.3 % fewer instructions in the core bench).
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      busy_q <= 1'b0;
    end else if (start_i) begin
      busy_q <= (rows_i != '0) && (row_bytes_i != '0);
    end else if (fire && burst_row_last_o) begin
      busy_q <= (rows_q != 16'd1);
    end
  end
  // Address registers: only read while busy.
  always_ff @(posedge clk_i) begin
    if (start_i) begin
      rows_q <= rows_i;
      row_q  <= addr_i;
      end_q  <= {1'b0, addr_i} + 33'(row_bytes_i);
      addr_q <= {1'b0, addr_i[31:OffW], OffW'(0)};
    end else if (fire) begin
      if (burst_row_last_o) begin
        rows_q <= rows_q - 16'd1;
        row_q  <= row_next;
        end_q  <= end_q + {1'b0, stride_i};
        addr_q <= {1'b0, row_next[31:OffW], OffW'(0)};
      end else begin
        addr_q <= addr_q + 33'({beats, OffW'(0)});
      end
    end
  end

  // A start drops the burst on offer, so the stream rule holds between starts.
  `ASSERT_STREAM_STABLE(a_burst_stable, clk_i, rst_ni && !start_i, burst_valid_o, burst_ready_i,
                        {burst_addr_o, burst_len_o, burst_row_last_o})
  `ASSERT_ALWAYS(a_burst_in_page, clk_i, rst_ni,
                 !burst_valid_o || 22'(addr_q[11:0]) + 22'({beats, OffW'(0)}) <= 22'd4096,
                 "burst crosses a 4 KiB boundary")
endmodule
