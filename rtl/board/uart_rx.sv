// UART receiver, 8N1, LSB first, idle high (docs/board.md). The line goes through a two-flop
// synchronizer (it comes from a pin). A falling edge starts a character; the start bit is
// checked in its middle (a low pulse shorter than half a bit is ignored as a false start), then
// each data bit and the stop bit are sampled in their middles. A character whose stop bit is
// low (a framing error, or a break) is dropped. The received byte is held on a valid/ready
// stream; a byte that completes while the previous one is still waiting is dropped and counted
// by overrun_o (one-cycle pulse). active_o is high while a character is on the line, so a user
// can time how long the line has been idle.
module uart_rx #(
  parameter int ClkPerBit = 25
) (
  input  logic       clk_i,
  input  logic       rst_ni,
  input  logic       rx_i,
  output logic       valid_o,
  input  logic       ready_i,
  output logic [7:0] data_o,
  output logic       active_o,
  output logic       overrun_o
);
  if (ClkPerBit < 4) begin : g_bad_clk_per_bit
    $error("uart_rx: ClkPerBit must be >= 4 (got %0d)", ClkPerBit);
  end

  localparam int CntW = $clog2(ClkPerBit + 1);

  logic [1:0]      sync_q;
  logic            line;
  logic            busy_q;
  logic [3:0]      bit_q;   // 0 start, 1..8 data, 9 stop
  logic [CntW-1:0] cnt_q;   // cycles to the next sample
  logic [7:0]      shift_q;
  logic            valid_q;
  logic [7:0]      data_q;
  logic            overrun_q;

  assign line = sync_q[1];

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      sync_q    <= 2'b11;
      busy_q    <= 1'b0;
      bit_q     <= '0;
      cnt_q     <= '0;
      shift_q   <= '0;
      valid_q   <= 1'b0;
      data_q    <= '0;
      overrun_q <= 1'b0;
    end else begin
      sync_q    <= {sync_q[0], rx_i};
      overrun_q <= 1'b0;
      if (valid_q && ready_i) valid_q <= 1'b0;
      if (!busy_q) begin
        if (!line) begin  // start edge: the start bit's middle is half a bit away
          busy_q <= 1'b1;
          bit_q  <= '0;
          cnt_q  <= CntW'(ClkPerBit / 2 - 1);
        end
      end else if (cnt_q != '0) begin
        cnt_q <= cnt_q - 1'b1;
      end else begin
        cnt_q <= CntW'(ClkPerBit - 1);
        bit_q <= bit_q + 1'b1;
        if (bit_q == 4'd0) begin
          if (line) busy_q <= 1'b0;  // false start
        end else if (bit_q <= 4'd8) begin
          shift_q <= {line, shift_q[7:1]};
        end else begin
          busy_q <= 1'b0;
          if (line) begin
            if (valid_q && !ready_i) begin
              overrun_q <= 1'b1;
            end else begin
              valid_q <= 1'b1;
              data_q  <= shift_q;
            end
          end
        end
      end
    end
  end

  assign valid_o   = valid_q;
  assign data_o    = data_q;
  assign active_o  = busy_q || !line;
  assign overrun_o = overrun_q;
endmodule
