// What every FIFO-like block's proof shares (stream_fifo, spill_register): the stream rule
// assumed on the input and asserted on the output (formal_stream_rule), and the scoreboard
// (formal_scoreboard) fed by the two handshakes. The wrapper adds its block's own properties
// over occ_o and the tracked item.
module formal_fifo_checker #(
  parameter int Width = 4,
  parameter int SeqW = 4
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             in_valid_i,
  input  logic             in_ready_i,
  input  logic [Width-1:0] in_data_i,
  input  logic             out_valid_i,
  input  logic             out_ready_i,
  input  logic [Width-1:0] out_data_i,
  input  logic             track_i,
  output logic [SeqW-1:0]  occ_o,
  output logic             tracking_o,
  output logic [SeqW-1:0]  track_off_o,
  output logic [Width-1:0] track_data_o
);
  formal_stream_rule #(.Width(Width), .Assume(1'b1)) u_in_rule (
    .clk_i, .rst_ni, .valid_i(in_valid_i), .ready_i(in_ready_i), .data_i(in_data_i));
  formal_stream_rule #(.Width(Width), .Assume(1'b0)) u_out_rule (
    .clk_i, .rst_ni, .valid_i(out_valid_i), .ready_i(out_ready_i), .data_i(out_data_i));

  formal_scoreboard #(.Width(Width), .SeqW(SeqW)) u_sb (
    .clk_i,
    .rst_ni,
    .push_i      (in_valid_i && in_ready_i),
    .in_data_i,
    .pop_i       (out_valid_i && out_ready_i),
    .out_data_i,
    .track_i,
    .occ_o,
    .tracking_o,
    .track_off_o,
    .track_data_o
  );
endmodule
