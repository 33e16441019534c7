// CRC-16/CCITT-FALSE (polynomial 0x1021, initial value 0xFFFF, no reflection, no final xor) of
// a Width-bit word, fed most significant bit first: data_i[Width-1] is the first bit. On the
// bytes "123456789" (first byte at the top) it gives 0x29B1, the catalogue check value.
//
// Combinational and parallel: a CRC without reflection or final xor is linear over GF(2) up to
// the initial value's constant, so crc bit i is the xor of the data bits one elaboration-time
// mask selects, xored with a constant. The masks come from stepping the shift register once
// per data bit at elaboration; synthesis gets 16 xor trees, simulation 16 masked parities.
module c2c_crc16 #(
  parameter int Width = 64
) (
  input  logic [Width-1:0] data_i,
  output logic [15:0]      crc_o
);
  if (Width < 1) begin : g_bad_width
    $error("c2c_crc16: Width must be >= 1 (got %0d)", Width);
  end

  // (W keeps the elaboration-time tables well formed while a bad Width is being refused.)
  localparam int W = Width > 0 ? Width : 1;
  localparam logic [15:0] Poly = 16'h1021;
  localparam logic [15:0] Init = 16'hFFFF;

  typedef logic [15:0][W-1:0] rows_t;

  // One step of the shift register with a zero data bit.
  function automatic logic [15:0] step0(logic [15:0] s);
    return s[15] ? {s[14:0], 1'b0} ^ Poly : {s[14:0], 1'b0};
  endfunction

  // Row i, bit j: whether data bit j flips crc bit i. Bit j is followed by j more steps, and a
  // one fed into a zero register leaves Poly there.
  function automatic rows_t data_rows();
    rows_t rows;
    logic [15:0] col;
    col = Poly;
    for (int j = 0; j < W; j++) begin
      for (int i = 0; i < 16; i++) rows[i][j] = col[i];
      col = step0(col);
    end
    return rows;
  endfunction

  // The initial value's share: the register after Width zero bits.
  function automatic logic [15:0] init_part();
    logic [15:0] s;
    s = Init;
    for (int j = 0; j < W; j++) s = step0(s);
    return s;
  endfunction

  localparam rows_t       Rows = data_rows();
  localparam logic [15:0] Base = init_part();

  for (genvar i = 0; i < 16; i++) begin : g_bit
    assign crc_o[i] = Base[i] ^ (^(W'(data_i) & Rows[i]));
  end
endmodule
