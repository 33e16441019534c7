// Simple dual-port memory of Words x Width bits, written so FPGA tools infer block RAM: one
// write port, one read port with a registered output (1-cycle read latency). rdata_o holds its
// value while re_i is low. Read-during-write to the same address returns the OLD data (the
// read samples the array before the write lands), which is what block RAM in read-first mode
// and the non-transparent port Yosys infers both do. Storage is not reset.
//
// RdwOld = 0 drops that promise for FPGA builds whose users never read a word in the cycle it
// is written (asserted, a_no_rdw): the memory carries Yosys's no_rw_check, so ECP5 gets a bare
// DP16KD. With the promise, a 256 x 32 memory maps to the DP16KD plus 74 flip-flops and 44
// LUT4 that emulate old data (synth_ecp5, Yosys 0.70), and those sit on the write address path.
//
// Inference (Words=100 Width=8): `synth -run :fine` leaves one $mem_v2 cell and 3 muxes, not
// Words*Width flops (Yosys 0.70). FPGA flows (Yosys 0.70, Words=512 Width=32):
// synth_xilinx maps it to one RAMB18E1 and nothing else; synth_ice40 to 4 SB_RAM40_4K plus ~75
// flops of bypass logic, because iCE40 block RAM leaves read-during-write undefined and Yosys
// emulates the old-data result. The generic synth gate (scripts/synth.sh) has no RAM library,
// so its memory_map step turns the array into flops: that cell count is not the FPGA cost.
`include "luoshu_assert.svh"

module sram #(
  parameter int Words = 64,
  parameter int Width = 32,
  parameter bit RdwOld = 1  // 1: old data on read-during-write; 0: never happens (asserted)
) (
  input  logic                                      clk_i,
  input  logic                                      rst_ni,
  input  logic                                      we_i,
  input  logic [(Words > 1 ? $clog2(Words) : 1)-1:0] waddr_i,
  input  logic [Width-1:0]                          wdata_i,
  input  logic                                      re_i,
  input  logic [(Words > 1 ? $clog2(Words) : 1)-1:0] raddr_i,
  output logic [Width-1:0]                          rdata_o
);
  if (Words < 1) begin : g_bad_words
    $error("sram: Words must be >= 1 (got %0d)", Words);
  end
  if (Width < 1) begin : g_bad_width
    $error("sram: Width must be >= 1 (got %0d)", Width);
  end

  // No toggle coverage of the contents: they are data, not design state, and would be two
  // points per bit of every memory (the coverage build, scripts/coverage.sh).
  logic [Width-1:0] rdata_q;
  // verilator coverage_off
  (* no_rw_check = !RdwOld *) logic [Width-1:0] mem_q [Words];
  // verilator coverage_on
  always_ff @(posedge clk_i) begin
    if (we_i) mem_q[waddr_i] <= wdata_i;
  end
  always_ff @(posedge clk_i) begin
    if (re_i) rdata_q <= mem_q[raddr_i];
  end

  assign rdata_o = rdata_q;

  `ASSERT_ALWAYS(a_waddr_in_range, clk_i, rst_ni, !we_i || (32'(waddr_i) < Words),
                 "write address beyond Words")
  `ASSERT_ALWAYS(a_no_rdw, clk_i, rst_ni, RdwOld || !(we_i && re_i && waddr_i == raddr_i),
                 "read and write of one word in one cycle with RdwOld = 0 (undefined data on FPGA)")
  `ASSERT_ALWAYS(a_raddr_in_range, clk_i, rst_ni, !re_i || (32'(raddr_i) < Words),
                 "read address beyond Words")
endmodule
