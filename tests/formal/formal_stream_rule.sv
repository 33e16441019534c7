// Formal checker for the stream rule on one valid/ready port: once valid is high it stays
// high, with the same payload, until ready takes it. Assumed on the inputs of the block under
// proof (Assume = 1: the environment obeys it), asserted on its outputs (Assume = 0).
//
// Properties are named ok_* wires (scripts/formal.sh reports the ones a counterexample
// breaks) and checked with immediate assertions in always_comb: Yosys turns them into
// combinational $assert/$assume cells, which `sat -tempinduct` checks in every time step.
module formal_stream_rule #(
  parameter int Width  = 8,
  parameter bit Assume = 1'b0
) (
  input logic             clk_i,
  input logic             rst_ni,
  input logic             valid_i,
  input logic             ready_i,
  input logic [Width-1:0] data_i
);
  logic             wait_q;  // valid && !ready in the previous cycle
  logic [Width-1:0] held_q;  // the payload offered then

  always_ff @(posedge clk_i) begin
    if (!rst_ni) wait_q <= 1'b0;
    else         wait_q <= valid_i && !ready_i;
    held_q <= data_i;
  end

  logic ok_valid_held, ok_data_stable;
  assign ok_valid_held  = !wait_q || valid_i;
  assign ok_data_stable = !wait_q || data_i == held_q;

  // Nothing is checked or assumed in the reset cycle (the state before it is arbitrary).
  if (Assume) begin : g_assume
    always_comb begin
      if (rst_ni) begin
        assume (ok_valid_held);
        assume (ok_data_stable);
      end
    end
  end else begin : g_assert
    always_comb begin
      if (rst_ni) begin
        assert (ok_valid_held);
        assert (ok_data_stable);
      end
    end
  end
endmodule
