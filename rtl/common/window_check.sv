// Memory-window check: is the byte range [addr_i, addr_i + len_i) in_window ONE of the granted
// windows (a writable one if write_i)? Combinational. A window of size 0 is unused; len 0 is
// always allowed. 33-bit arithmetic, so a range or window that ends exactly at 2^32 is fine
// and one that would wrap past it is not. The compares are window_check_end.sv's.
//
// Used by the sequencer (descriptor fetch, SYNC write) and the transfer engines (every row of
// a LOAD or STORE, the bias vector) before they touch memory: ARCHITECTURE.md section 4.
module window_check #(
  parameter int NumWindows = 4
) (
  input  luoshu_mem_pkg::win_t [NumWindows-1:0] win_i,
  input  logic [31:0]                 addr_i,
  input  logic [32:0]                 len_i,
  input  logic                        write_i,
  output logic                        ok_o
);
  if (NumWindows < 1) begin : g_bad_num
    $error("window_check: NumWindows must be >= 1 (got %0d)", NumWindows);
  end

  logic [33:0] range_end;
  assign range_end = {2'b0, addr_i} + {1'b0, len_i};

  window_check_end #(.NumWindows(NumWindows)) u_check (
    .win_i,
    .addr_i,
    .end_i  (range_end),
    .empty_i(len_i == '0),
    .write_i,
    .ok_o
  );
endmodule
