// A window check's verdict as the transfer engines' pre-pass controllers take it: at once
// (Pipe = 0), or from a register (Pipe = 1, their CtrlPipe), so that the check's adds and
// compares and the state logic acting on the verdict are in different cycles. decide_o says
// when pass_o belongs to the check the controller is in: always at once; with the register,
// in the second of the two cycles the controller stays in a check state (checking_i).
module window_verdict #(
  parameter int Pipe = 0
) (
  input  logic clk_i,
  input  logic rst_ni,
  input  logic ok_i,        // the window check of the current state's range
  input  logic checking_i,  // the controller is in a check state
  output logic pass_o,
  output logic decide_o
);
  if (Pipe != 0) begin : g_reg
    logic ok_q, wait_q;
    always_ff @(posedge clk_i) begin
      ok_q <= ok_i;
      if (!rst_ni) wait_q <= 1'b0;
      else wait_q <= !wait_q && checking_i;
    end
    assign pass_o   = ok_q;
    assign decide_o = wait_q;
  end else begin : g_now
    logic unused_ctl;
    assign unused_ctl = ^{clk_i, rst_ni, checking_i};
    assign pass_o     = ok_i;
    assign decide_o   = 1'b1;
  end
endmodule
