// UART transmitter, 8N1, LSB first, idle high (docs/board.md). Takes a byte from a
// valid/ready stream whenever no character is being sent and shifts it out, ClkPerBit cycles
// per bit. busy_o is high while a character is on the line.
module uart_tx #(
  parameter int ClkPerBit = 25
) (
  input  logic       clk_i,
  input  logic       rst_ni,
  input  logic       valid_i,
  output logic       ready_o,
  input  logic [7:0] data_i,
  output logic       tx_o,
  output logic       busy_o
);
  if (ClkPerBit < 4) begin : g_bad_clk_per_bit
    $error("uart_tx: ClkPerBit must be >= 4 (got %0d)", ClkPerBit);
  end

  localparam int CntW = $clog2(ClkPerBit);

  logic            busy_q;
  logic [9:0]      shift_q;  // stop, data[7:0], start: bit 0 is on the line
  logic [3:0]      bit_q;
  logic [CntW-1:0] cnt_q;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      busy_q  <= 1'b0;
      shift_q <= '1;
      bit_q   <= '0;
      cnt_q   <= '0;
    end else if (!busy_q) begin
      if (valid_i) begin
        busy_q  <= 1'b1;
        shift_q <= {1'b1, data_i, 1'b0};
        bit_q   <= '0;
        cnt_q   <= CntW'(ClkPerBit - 1);
      end
    end else if (cnt_q != '0) begin
      cnt_q <= cnt_q - 1'b1;
    end else begin
      cnt_q   <= CntW'(ClkPerBit - 1);
      shift_q <= {1'b1, shift_q[9:1]};
      bit_q   <= bit_q + 1'b1;
      if (bit_q == 4'd9) busy_q <= 1'b0;
    end
  end

  assign ready_o = !busy_q;
  assign tx_o    = shift_q[0];
  assign busy_o  = busy_q;
endmodule
