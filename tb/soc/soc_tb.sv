// Test top for the SoC: luoshu_soc with each memory channel's AXI4 master on its own named
// ports (ch0_m_axi_*, ch1_m_axi_*), so the C++ harness binds one MemSlave per channel with
// the same port types in every configuration. Channels the configuration lacks are tied
// off (their outputs read 0). Up to two channels. The timeline pulses of up to four cores
// come out as two 16-bit pins (core c at [4c +: 4], bit = isa::Queue; absent cores read 0).
// A supernode chip (NumLinks > 0) has its chip id, topology and link lanes as pins.
module soc_tb #(
  parameter int NumCores = 4,
  parameter int NumChannels = 2,
  parameter int Dim = 16,
  parameter int L0aBytes = 65536,
  parameter int L0bBytes = 65536,
  parameter int L0cBytes = 131072,
  parameter int QueueDepth = 8,
  parameter int NumLinks = 0,      // supernode chip: link ports (luoshu_soc); 0: one chip
  parameter int LinkLaneW = 16,
  parameter int LinkReplayDepth = 16,
  parameter int LinkRxDepth = 8,
  parameter int VecBufBeats = 16,  // the vector unit's beat buffer per source (collectives)
  parameter int ProxyWriteBufBeats = 0,  // luoshu_soc: remote writes buffered in the proxy
  localparam int LinkPorts = NumLinks > 0 ? NumLinks : 1
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic [2:0]  chip_id_i,
  input  logic [3:0]  dim_x_i,
  input  logic [3:0]  dim_y_i,
  output logic [LinkPorts-1:0]            link_tx_valid_o,
  output logic [LinkPorts-1:0][LinkLaneW-1:0] link_tx_lane_o,
  input  logic [LinkPorts-1:0]            link_rx_valid_i,
  input  logic [LinkPorts-1:0][LinkLaneW-1:0] link_rx_lane_i,
  // The links' frame lengths in lane words, for the C++ wire's fault injector.
  output logic [7:0]  link_data_words_o,
  output logic [7:0]  link_ctrl_words_o,
  input  logic        s_axil_awvalid_i,
  output logic        s_axil_awready_o,
  input  logic [10:0] s_axil_awaddr_i,
  input  logic        s_axil_wvalid_i,
  output logic        s_axil_wready_o,
  input  logic [31:0] s_axil_wdata_i,
  input  logic [3:0]  s_axil_wstrb_i,
  output logic        s_axil_bvalid_o,
  input  logic        s_axil_bready_i,
  output logic [1:0]  s_axil_bresp_o,
  input  logic        s_axil_arvalid_i,
  output logic        s_axil_arready_o,
  input  logic [10:0] s_axil_araddr_i,
  output logic        s_axil_rvalid_o,
  input  logic        s_axil_rready_i,
  output logic [31:0] s_axil_rdata_o,
  output logic [1:0]  s_axil_rresp_o,
  output logic        irq_o,
  output logic [15:0] cmd_start_o,
  output logic [15:0] cmd_done_o,
`define SOC_TB_CHANNEL_PORTS(p) \
  output logic [1:0]   p``_m_axi_arid_o, \
  output logic [31:0]  p``_m_axi_araddr_o, \
  output logic [7:0]   p``_m_axi_arlen_o, \
  output logic [2:0]   p``_m_axi_arsize_o, \
  output logic [1:0]   p``_m_axi_arburst_o, \
  output logic         p``_m_axi_arvalid_o, \
  input  logic         p``_m_axi_arready_i, \
  input  logic [1:0]   p``_m_axi_rid_i, \
  input  logic [127:0] p``_m_axi_rdata_i, \
  input  logic [1:0]   p``_m_axi_rresp_i, \
  input  logic         p``_m_axi_rlast_i, \
  input  logic         p``_m_axi_rvalid_i, \
  output logic         p``_m_axi_rready_o, \
  output logic [1:0]   p``_m_axi_awid_o, \
  output logic [31:0]  p``_m_axi_awaddr_o, \
  output logic [7:0]   p``_m_axi_awlen_o, \
  output logic [2:0]   p``_m_axi_awsize_o, \
  output logic [1:0]   p``_m_axi_awburst_o, \
  output logic         p``_m_axi_awvalid_o, \
  input  logic         p``_m_axi_awready_i, \
  output logic [127:0] p``_m_axi_wdata_o, \
  output logic [15:0]  p``_m_axi_wstrb_o, \
  output logic         p``_m_axi_wlast_o, \
  output logic         p``_m_axi_wvalid_o, \
  input  logic         p``_m_axi_wready_i, \
  input  logic [1:0]   p``_m_axi_bid_i, \
  input  logic [1:0]   p``_m_axi_bresp_i, \
  input  logic         p``_m_axi_bvalid_i, \
  output logic         p``_m_axi_bready_o
  `SOC_TB_CHANNEL_PORTS(ch0),
  `SOC_TB_CHANNEL_PORTS(ch1)
);
  localparam int M = NumChannels;
  logic [M-1:0][1:0]   arid, rid, awid, bid, arburst, awburst, rresp, bresp;
  logic [M-1:0][31:0]  araddr, awaddr;
  logic [M-1:0][7:0]   arlen, awlen;
  logic [M-1:0][2:0]   arsize, awsize;
  logic [M-1:0][127:0] rdata, wdata;
  logic [M-1:0][15:0]  wstrb;
  logic [M-1:0]        arvalid, arready, rlast, rvalid, rready, awvalid, awready;
  logic [M-1:0]        wlast, wvalid, wready, bvalid, bready;
  logic [NumCores*4-1:0] cmd_start, cmd_done;

  assign link_data_words_o = 8'(c2c_pkg::data_words(LinkLaneW, 146, LinkReplayDepth, 4));
  assign link_ctrl_words_o = 8'(c2c_pkg::ctrl_words(LinkLaneW, LinkReplayDepth, LinkRxDepth, 4));
  assign cmd_start_o = 16'(cmd_start);
  assign cmd_done_o  = 16'(cmd_done);

  luoshu_soc #(
    .NumCores(NumCores), .NumChannels(NumChannels), .Dim(Dim), .L0aBytes(L0aBytes),
    .L0bBytes(L0bBytes), .L0cBytes(L0cBytes), .QueueDepth(QueueDepth), .NumLinks(NumLinks),
    .LinkLaneW(LinkLaneW), .LinkReplayDepth(LinkReplayDepth), .LinkRxDepth(LinkRxDepth),
    .VecBufBeats(VecBufBeats), .ProxyWriteBufBeats(ProxyWriteBufBeats)
  ) u_soc (
    .clk_i,
    .rst_ni,
    .chip_id_i,
    .dim_x_i,
    .dim_y_i,
    .link_tx_valid_o,
    .link_tx_lane_o,
    .link_rx_valid_i,
    .link_rx_lane_i,
    .s_axil_awvalid_i,
    .s_axil_awready_o,
    .s_axil_awaddr_i,
    .s_axil_wvalid_i,
    .s_axil_wready_o,
    .s_axil_wdata_i,
    .s_axil_wstrb_i,
    .s_axil_bvalid_o,
    .s_axil_bready_i,
    .s_axil_bresp_o,
    .s_axil_arvalid_i,
    .s_axil_arready_o,
    .s_axil_araddr_i,
    .s_axil_rvalid_o,
    .s_axil_rready_i,
    .s_axil_rdata_o,
    .s_axil_rresp_o,
    .irq_o,
    .core_cmd_start_o(cmd_start),
    .core_cmd_done_o (cmd_done),
    .m_axi_arid_o   (arid),
    .m_axi_araddr_o (araddr),
    .m_axi_arlen_o  (arlen),
    .m_axi_arsize_o (arsize),
    .m_axi_arburst_o(arburst),
    .m_axi_arvalid_o(arvalid),
    .m_axi_arready_i(arready),
    .m_axi_rid_i    (rid),
    .m_axi_rdata_i  (rdata),
    .m_axi_rresp_i  (rresp),
    .m_axi_rlast_i  (rlast),
    .m_axi_rvalid_i (rvalid),
    .m_axi_rready_o (rready),
    .m_axi_awid_o   (awid),
    .m_axi_awaddr_o (awaddr),
    .m_axi_awlen_o  (awlen),
    .m_axi_awsize_o (awsize),
    .m_axi_awburst_o(awburst),
    .m_axi_awvalid_o(awvalid),
    .m_axi_awready_i(awready),
    .m_axi_wdata_o  (wdata),
    .m_axi_wstrb_o  (wstrb),
    .m_axi_wlast_o  (wlast),
    .m_axi_wvalid_o (wvalid),
    .m_axi_wready_i (wready),
    .m_axi_bid_i    (bid),
    .m_axi_bresp_i  (bresp),
    .m_axi_bvalid_i (bvalid),
    .m_axi_bready_o (bready)
  );

  // Channel c of the SoC <-> the p``_ ports (tie-off when the SoC has no channel c).
`define SOC_TB_CHANNEL_WIRE(p, c) \
  if (c < M) begin : g_``p \
    assign p``_m_axi_arid_o    = arid[c]; \
    assign p``_m_axi_araddr_o  = araddr[c]; \
    assign p``_m_axi_arlen_o   = arlen[c]; \
    assign p``_m_axi_arsize_o  = arsize[c]; \
    assign p``_m_axi_arburst_o = arburst[c]; \
    assign p``_m_axi_arvalid_o = arvalid[c]; \
    assign arready[c]          = p``_m_axi_arready_i; \
    assign rid[c]              = p``_m_axi_rid_i; \
    assign rdata[c]            = p``_m_axi_rdata_i; \
    assign rresp[c]            = p``_m_axi_rresp_i; \
    assign rlast[c]            = p``_m_axi_rlast_i; \
    assign rvalid[c]           = p``_m_axi_rvalid_i; \
    assign p``_m_axi_rready_o  = rready[c]; \
    assign p``_m_axi_awid_o    = awid[c]; \
    assign p``_m_axi_awaddr_o  = awaddr[c]; \
    assign p``_m_axi_awlen_o   = awlen[c]; \
    assign p``_m_axi_awsize_o  = awsize[c]; \
    assign p``_m_axi_awburst_o = awburst[c]; \
    assign p``_m_axi_awvalid_o = awvalid[c]; \
    assign awready[c]          = p``_m_axi_awready_i; \
    assign p``_m_axi_wdata_o   = wdata[c]; \
    assign p``_m_axi_wstrb_o   = wstrb[c]; \
    assign p``_m_axi_wlast_o   = wlast[c]; \
    assign p``_m_axi_wvalid_o  = wvalid[c]; \
    assign wready[c]           = p``_m_axi_wready_i; \
    assign bid[c]              = p``_m_axi_bid_i; \
    assign bresp[c]            = p``_m_axi_bresp_i; \
    assign bvalid[c]           = p``_m_axi_bvalid_i; \
    assign p``_m_axi_bready_o  = bready[c]; \
  end else begin : g_``p``_absent \
    assign {p``_m_axi_arid_o, p``_m_axi_araddr_o, p``_m_axi_arlen_o, p``_m_axi_arsize_o, \
            p``_m_axi_arburst_o, p``_m_axi_arvalid_o, p``_m_axi_rready_o, p``_m_axi_awid_o, \
            p``_m_axi_awaddr_o, p``_m_axi_awlen_o, p``_m_axi_awsize_o, p``_m_axi_awburst_o, \
            p``_m_axi_awvalid_o, p``_m_axi_wdata_o, p``_m_axi_wstrb_o, p``_m_axi_wlast_o, \
            p``_m_axi_wvalid_o, p``_m_axi_bready_o} = '0; \
    logic unused_inputs; \
    assign unused_inputs = ^{p``_m_axi_arready_i, p``_m_axi_rid_i, p``_m_axi_rdata_i, \
                             p``_m_axi_rresp_i, p``_m_axi_rlast_i, p``_m_axi_rvalid_i, \
                             p``_m_axi_awready_i, p``_m_axi_wready_i, p``_m_axi_bid_i, \
                             p``_m_axi_bresp_i, p``_m_axi_bvalid_i}; \
  end

  `SOC_TB_CHANNEL_WIRE(ch0, 0)
  `SOC_TB_CHANNEL_WIRE(ch1, 1)
endmodule
