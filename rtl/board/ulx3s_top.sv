// The board top on a ULX3S (ECP5-85F) pin out (docs/board.md, pins in ulx3s.lpf): board_top on
// the 25 MHz oscillator (no PLL: the SoC runs at 25 MHz), the FT231X USB serial port as the
// host link at 1 Mbaud, the eight LEDs. btn[0] (PWR, low when pressed) resets: it is
// synchronized to the clock, and the reset is also held for the first cycles after
// configuration (flops start at zero on the ECP5).
module ulx3s_top #(
  parameter int ClkPerBit     = 25,      // 1 Mbaud
  // 20 ms: a USB serial adapter delivers a frame's bytes in USB packets, with gaps of a few
  // milliseconds between them, which must not end the frame.
  parameter int TimeoutCycles = 500000,
  parameter int MemBytes      = 131072
) (
  input  logic       clk_25mhz,
  input  logic       ftdi_txd,   // the FT231X transmits, the FPGA receives
  output logic       ftdi_rxd,   // the FPGA transmits
  input  logic [0:0] btn,
  output logic [7:0] led
);
  logic [1:0] btn_sync_q = 2'b00;
  logic [3:0] por_q = 4'd0;  // counts up to 15 after configuration and after each press
  logic       rst_n;

  always_ff @(posedge clk_25mhz) begin
    btn_sync_q <= {btn_sync_q[0], btn[0]};
    if (!btn_sync_q[1]) por_q <= 4'd0;
    else if (por_q != 4'd15) por_q <= por_q + 4'd1;
  end
  assign rst_n = por_q == 4'd15;

  board_top #(
    .ClkPerBit(ClkPerBit), .TimeoutCycles(TimeoutCycles), .MemBytes(MemBytes)
  ) u_board (
    .clk_i(clk_25mhz),
    .rst_ni(rst_n),
    .uart_rx_i(ftdi_txd),
    .uart_tx_o(ftdi_rxd),
    .led_o(led)
  );
endmodule
