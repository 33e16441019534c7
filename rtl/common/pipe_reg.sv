// A register stage on a stream without back-pressure (a pipeline the consumer always keeps up
// with): valid_o is valid_i a cycle later, data_o the data of the last valid input (held while
// none comes; the data flip-flops load only with valid_i and have no reset). Bypass = 1: wires,
// no register, so an optional stage is one parameter (the FPGA build's pipelining).
`include "luoshu_assert.svh"

module pipe_reg #(
  parameter int Width  = 1,
  parameter int Bypass = 0
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             valid_i,
  input  logic [Width-1:0] data_i,
  output logic             valid_o,
  output logic [Width-1:0] data_o
);
  if (Width < 1) begin : g_bad_width
    $error("pipe_reg: Width must be >= 1 (got %0d)", Width);
  end
  if (Bypass != 0 && Bypass != 1) begin : g_bad_bypass
    $error("pipe_reg: Bypass must be 0 or 1 (got %0d)", Bypass);
  end

  if (Bypass != 0) begin : g_bypass
    logic unused_clk;
    assign unused_clk = ^{clk_i, rst_ni};
    assign valid_o = valid_i;
    assign data_o  = data_i;
  end else begin : g_reg
    logic             valid_q;
    logic [Width-1:0] data_q;
    always_ff @(posedge clk_i) begin
      if (!rst_ni) valid_q <= 1'b0;
      else valid_q <= valid_i;
    end
    always_ff @(posedge clk_i) begin
      if (valid_i) data_q <= data_i;
    end
    assign valid_o = valid_q;
    assign data_o  = data_q;
  end
endmodule
