// The board top on a ULX3S (ECP5-85F) pin out (docs/board.md, pins in ulx3s.lpf): board_top on
// a clock of ClkMhz made from the 25 MHz oscillator by the ECP5's PLL (none at 25 MHz), the
// FT231X USB serial port as the host link at 1 Mbaud, the eight LEDs. btn[0] (PWR, low when
// pressed) resets: it is synchronized to the clock, and the reset is also held for the first
// cycles after configuration (flops start at zero on the ECP5) and while the PLL is unlocked.
module ulx3s_top #(
  parameter int ClkMhz        = 25,            // 25, 50, 75 or 100 (ecp5_pll_25mhz)
  parameter int ClkPerBit     = ClkMhz,        // 1 Mbaud
  // 20 ms: a USB serial adapter delivers a frame's bytes in USB packets, with gaps of a few
  // milliseconds between them, which must not end the frame.
  parameter int TimeoutCycles = ClkMhz * 20000,
  parameter int MemBytes      = 131072
) (
  input  logic       clk_25mhz,
  input  logic       ftdi_txd,   // the FT231X transmits, the FPGA receives
  output logic       ftdi_rxd,   // the FPGA transmits
  input  logic [0:0] btn,
  output logic [7:0] led
);
  logic       clk, pll_locked;
  logic [1:0] btn_sync_q = 2'b00;
  logic [1:0] lock_sync_q = 2'b00;
  logic [3:0] por_q = 4'd0;  // counts up to 15 after configuration and after each press
  logic       rst_n;

  if (ClkMhz != 25 && ClkMhz != 50 && ClkMhz != 75 && ClkMhz != 100) begin : g_bad_clk
    $error("ulx3s_top: ClkMhz must be 25, 50, 75 or 100 (the PLL's settings), got %0d", ClkMhz);
  end
`ifdef LUOSHU_ECP5
  if (ClkMhz != 25) begin : g_pll
    ecp5_pll_25mhz #(.OutMhz(ClkMhz)) u_pll (
      .clk_25mhz_i(clk_25mhz), .clk_o(clk), .locked_o(pll_locked)
    );
  end else begin : g_no_pll
    assign clk = clk_25mhz;
    assign pll_locked = 1'b1;
  end
`else
  // Simulation and lint: the testbench's clock stands for the PLL's output.
  assign clk = clk_25mhz;
  assign pll_locked = 1'b1;
`endif

  always_ff @(posedge clk) begin
    btn_sync_q <= {btn_sync_q[0], btn[0]};
    lock_sync_q <= {lock_sync_q[0], pll_locked};
    if (!btn_sync_q[1] || !lock_sync_q[1]) por_q <= 4'd0;
    else if (por_q != 4'd15) por_q <= por_q + 4'd1;
  end
  assign rst_n = por_q == 4'd15;

  board_top #(
    .ClkPerBit(ClkPerBit), .TimeoutCycles(TimeoutCycles), .MemBytes(MemBytes)
  ) u_board (
    .clk_i(clk),
    .rst_ni(rst_n),
    .uart_rx_i(ftdi_txd),
    .uart_tx_o(ftdi_rxd),
    .led_o(led)
  );
endmodule
