// Test top for c2c_link: two endpoints, A (index 0) and B (index 1), with every port as flat
// pins. The lanes are not joined here: the C++ channel (tb/agents/c2c_channel.h) carries each
// tx lane to the other endpoint's rx lane with a latency and injected faults. The frame
// lengths come out as constants, so the channel's frame tracker reads them from the RTL.
module c2c_link_tb import c2c_pkg::*; #(
  parameter int FlitW = 66,
  parameter int LaneW = 16,
  parameter int ReplayDepth = 8,
  parameter int RxDepth = 4,
  parameter int TimeoutCycles = 512,
  parameter int NumVc = 2
) (
  input  logic                                       clk_i,
  input  logic                                       rst_ni,
  input  logic [1:0][NumVc-1:0]                      in_valid_i,
  output logic [1:0][NumVc-1:0]                      in_ready_o,
  input  logic [1:0][NumVc-1:0][FlitW-1:0]           in_flit_i,
  output logic [1:0][NumVc-1:0]                      out_valid_o,
  input  logic [1:0][NumVc-1:0]                      out_ready_i,
  output logic [1:0][NumVc-1:0][FlitW-1:0]           out_flit_o,
  output logic [1:0]                                 tx_lane_valid_o,
  output logic [1:0][LaneW-1:0]                      tx_lane_o,
  input  logic [1:0]                                 rx_lane_valid_i,
  input  logic [1:0][LaneW-1:0]                      rx_lane_i,
  output logic [1:0][NumCounters-1:0][CounterW-1:0]  counters_o,
  output logic [7:0]                                 data_words_o,
  output logic [7:0]                                 ctrl_words_o
);
  assign data_words_o = 8'(data_words(LaneW, FlitW, ReplayDepth, NumVc));
  assign ctrl_words_o = 8'(ctrl_words(LaneW, ReplayDepth, RxDepth, NumVc));

  for (genvar e = 0; e < 2; e++) begin : g_end
    c2c_link #(
      .FlitW(FlitW),
      .LaneW(LaneW),
      .ReplayDepth(ReplayDepth),
      .RxDepth(RxDepth),
      .TimeoutCycles(TimeoutCycles),
      .NumVc(NumVc)
    ) u_link (
      .clk_i,
      .rst_ni,
      .in_valid_i     (in_valid_i[e]),
      .in_ready_o     (in_ready_o[e]),
      .in_flit_i      (in_flit_i[e]),
      .out_valid_o    (out_valid_o[e]),
      .out_ready_i    (out_ready_i[e]),
      .out_flit_o     (out_flit_o[e]),
      .tx_lane_valid_o(tx_lane_valid_o[e]),
      .tx_lane_o      (tx_lane_o[e]),
      .rx_lane_valid_i(rx_lane_valid_i[e]),
      .rx_lane_i      (rx_lane_i[e]),
      .counters_o     (counters_o[e])
    );
  end
endmodule
