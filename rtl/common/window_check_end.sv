// Memory-window check of a range given by its end: is [addr_i, end_i) inside ONE of the
// granted windows (a writable one if write_i)? Combinational. empty_i says the range has no
// byte (always allowed; end_i is then not looked at). end_i is 34 bits, so a range that ends
// exactly at 2^32 is fine and one past it fits no window that ends by 2^32.
//
// window_check.sv computes the end from a length; a caller that keeps the end in a register
// (the transfer engines' pre-passes, docs/fpga.md) uses this directly, so the add is not in
// front of the compares.
module window_check_end #(
  parameter int NumWindows = 4
) (
  input  luoshu_mem_pkg::win_t [NumWindows-1:0] win_i,
  input  logic [31:0]                 addr_i,
  input  logic [33:0]                 end_i,
  input  logic                        empty_i,
  input  logic                        write_i,
  output logic                        ok_o
);
  if (NumWindows < 1) begin : g_bad_num
    $error("window_check_end: NumWindows must be >= 1 (got %0d)", NumWindows);
  end

  // The window's end and used flag come with it (luoshu_mem_pkg::win_make): two compares here,
  // both written as >= (Yosys maps >= and < to a carry chain alone; <= and > get a LUT tree
  // besides, three levels deeper on ECP5).
  logic [NumWindows-1:0] in_window;
  for (genvar w = 0; w < NumWindows; w++) begin : g_win
    assign in_window[w] = win_i[w].used && (addr_i >= win_i[w].base) &&
                          (win_i[w].limit >= end_i) && (!write_i || win_i[w].writable);
    logic unused_size;  // in limit and used
    assign unused_size = ^win_i[w].size;
  end

  assign ok_o = empty_i || (|in_window);
endmodule
