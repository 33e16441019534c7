// The Luoshu board (docs/board.md): the small SoC (one core, one memory channel), its device
// memory in block RAM (board_mem), and the host bridge (host_bridge) behind a UART, so a host
// reaches the registers and memory over a serial line with the bridge protocol.
//
//   uart_rx_i -> uart_rx -> host_bridge -> uart_tx -> uart_tx_o
//                              |     \__ byte port __
//                      AXI4-Lite                     \
//                              v                      v
//                         luoshu_soc --- AXI4 ---> board_mem
//                              |
//                             irq --> host_bridge (STATUS flags), led_o[0]
//
// LEDs (1 = on): 0 the SoC's interrupt line; 1 heartbeat (toggles every 2^(HeartbeatBits-1)
// cycles); 2 receive activity; 3 transmit activity; 4 the bridge rejected a frame since reset
// (framing error or BAD_SEQ); 5 a received byte was lost (overrun) since reset; 6 a core
// started a command; 7 memory traffic from the SoC. Activity LEDs stay on for 2^StretchBits
// cycles after the event so it can be seen.
module board_top #(
  parameter int          ClkPerBit     = 25,      // 1 Mbaud at 25 MHz
  parameter int          TimeoutCycles = 2500,    // 10 characters of silence end a frame
  parameter int          MaxData       = 256,
  parameter int          MemBytes      = 131072,
  parameter logic [31:0] MemBase       = 32'h0,
  parameter int          Dim           = 8,
  parameter int          L0aBytes      = 4096,
  parameter int          L0bBytes      = 4096,
  parameter int          L0cBytes      = 8192,
  parameter int          HeartbeatBits = 24,
  parameter int          StretchBits   = 20,
  // The SoC's FPGA pipelining (docs/fpga.md): on by default, as the board builds it.
  parameter int          CubePipeMul   = 3,
  parameter int          EpiloguePipe  = 5,
  parameter int          MteCtrlPipe   = 1,
  parameter int          DecodePipe    = 1,
  parameter int          L0cReadPipe   = 1,
  parameter int          MemSlice      = 1,
  parameter int          UnitSlice     = 2,
  parameter int          VecStepSlice  = 1,
  parameter int          NocPipeAlloc  = 1
) (
  input  logic       clk_i,
  input  logic       rst_ni,
  input  logic       uart_rx_i,
  output logic       uart_tx_o,
  output logic [7:0] led_o
);
  localparam int IdW = 2;  // luoshu_soc's AXI id width
  localparam int MemAddrW = $clog2(MemBytes);

  // ---------------------------------------------------------------- UART and bridge
  logic       rx_valid, rx_ready, rx_active, rx_overrun, tx_valid, tx_ready, tx_busy;
  logic [7:0] rx_data, tx_data;
  logic       reject, irq;

  uart_rx #(.ClkPerBit(ClkPerBit)) u_uart_rx (
    .clk_i, .rst_ni, .rx_i(uart_rx_i), .valid_o(rx_valid), .ready_i(rx_ready),
    .data_o(rx_data), .active_o(rx_active), .overrun_o(rx_overrun)
  );
  uart_tx #(.ClkPerBit(ClkPerBit)) u_uart_tx (
    .clk_i, .rst_ni, .valid_i(tx_valid), .ready_o(tx_ready), .data_i(tx_data),
    .tx_o(uart_tx_o), .busy_o(tx_busy)
  );

  logic                axil_awvalid, axil_awready, axil_wvalid, axil_wready, axil_bvalid;
  logic                axil_bready, axil_arvalid, axil_arready, axil_rvalid, axil_rready;
  logic [10:0]         axil_awaddr, axil_araddr;
  logic [31:0]         axil_wdata, axil_rdata;
  logic [3:0]          axil_wstrb;
  logic [1:0]          axil_bresp, axil_rresp;
  logic                mem_req, mem_gnt, mem_we, mem_rvalid;
  logic [MemAddrW-1:0] mem_addr;
  logic [127:0]        mem_wdata, mem_rdata;
  logic [15:0]         mem_be;

  host_bridge #(
    .ClkPerBit(ClkPerBit), .TimeoutCycles(TimeoutCycles), .MaxData(MaxData),
    .MemBase(MemBase), .MemBytes(MemBytes)
  ) u_bridge (
    .clk_i, .rst_ni,
    .rx_valid_i(rx_valid), .rx_ready_o(rx_ready), .rx_data_i(rx_data), .rx_active_i(rx_active),
    .tx_valid_o(tx_valid), .tx_ready_i(tx_ready), .tx_data_o(tx_data),
    .m_axil_awvalid_o(axil_awvalid), .m_axil_awready_i(axil_awready),
    .m_axil_awaddr_o(axil_awaddr), .m_axil_wvalid_o(axil_wvalid),
    .m_axil_wready_i(axil_wready), .m_axil_wdata_o(axil_wdata), .m_axil_wstrb_o(axil_wstrb),
    .m_axil_bvalid_i(axil_bvalid), .m_axil_bready_o(axil_bready),
    .m_axil_bresp_i(axil_bresp), .m_axil_arvalid_o(axil_arvalid),
    .m_axil_arready_i(axil_arready), .m_axil_araddr_o(axil_araddr),
    .m_axil_rvalid_i(axil_rvalid), .m_axil_rready_o(axil_rready),
    .m_axil_rdata_i(axil_rdata), .m_axil_rresp_i(axil_rresp),
    .mem_req_o(mem_req), .mem_gnt_i(mem_gnt), .mem_we_o(mem_we), .mem_addr_o(mem_addr),
    .mem_wdata_o(mem_wdata), .mem_be_o(mem_be), .mem_rvalid_i(mem_rvalid),
    .mem_rdata_i(mem_rdata), .irq_i(irq), .reject_o(reject)
  );

  // ---------------------------------------------------------------- SoC and memory
  logic [IdW-1:0] arid, rid, awid, bid;
  logic [31:0]    araddr, awaddr;
  logic [7:0]     arlen, awlen;
  logic [2:0]     arsize, awsize;
  logic [1:0]     arburst, awburst, rresp, bresp;
  logic           arvalid, arready, rlast, rvalid, rready, awvalid, awready;
  logic           wlast, wvalid, wready, bvalid, bready;
  logic [127:0]   rdata, wdata;
  logic [15:0]    wstrb;
  logic [3:0]     cmd_start, unused_cmd_done;
  logic           unused_link_valid;  // one chip: no link ports (NumLinks = 0)
  logic [15:0]    unused_link_lane;

  luoshu_soc #(
    .NumCores(1), .NumChannels(1), .Dim(Dim), .L0aBytes(L0aBytes), .L0bBytes(L0bBytes),
    .L0cBytes(L0cBytes), .CubePipeMul(CubePipeMul), .EpiloguePipe(EpiloguePipe),
    .MteCtrlPipe(MteCtrlPipe), .DecodePipe(DecodePipe), .L0cReadPipe(L0cReadPipe),
    .MemSlice(MemSlice), .UnitSlice(UnitSlice), .VecStepSlice(VecStepSlice),
    .NocPipeAlloc(NocPipeAlloc)
  ) u_soc (
    .clk_i, .rst_ni,
    .chip_id_i(3'd0), .dim_x_i(4'd1), .dim_y_i(4'd1),
    .link_tx_valid_o(unused_link_valid), .link_tx_lane_o(unused_link_lane),
    .link_rx_valid_i(1'b0), .link_rx_lane_i(16'd0),
    .s_axil_awvalid_i(axil_awvalid), .s_axil_awready_o(axil_awready),
    .s_axil_awaddr_i(axil_awaddr), .s_axil_wvalid_i(axil_wvalid),
    .s_axil_wready_o(axil_wready), .s_axil_wdata_i(axil_wdata), .s_axil_wstrb_i(axil_wstrb),
    .s_axil_bvalid_o(axil_bvalid), .s_axil_bready_i(axil_bready),
    .s_axil_bresp_o(axil_bresp), .s_axil_arvalid_i(axil_arvalid),
    .s_axil_arready_o(axil_arready), .s_axil_araddr_i(axil_araddr),
    .s_axil_rvalid_o(axil_rvalid), .s_axil_rready_i(axil_rready),
    .s_axil_rdata_o(axil_rdata), .s_axil_rresp_o(axil_rresp), .irq_o(irq),
    .core_cmd_start_o(cmd_start), .core_cmd_done_o(unused_cmd_done),
    .m_axi_arid_o(arid), .m_axi_araddr_o(araddr), .m_axi_arlen_o(arlen),
    .m_axi_arsize_o(arsize), .m_axi_arburst_o(arburst), .m_axi_arvalid_o(arvalid),
    .m_axi_arready_i(arready), .m_axi_rid_i(rid), .m_axi_rdata_i(rdata),
    .m_axi_rresp_i(rresp), .m_axi_rlast_i(rlast), .m_axi_rvalid_i(rvalid),
    .m_axi_rready_o(rready), .m_axi_awid_o(awid), .m_axi_awaddr_o(awaddr),
    .m_axi_awlen_o(awlen), .m_axi_awsize_o(awsize), .m_axi_awburst_o(awburst),
    .m_axi_awvalid_o(awvalid), .m_axi_awready_i(awready), .m_axi_wdata_o(wdata),
    .m_axi_wstrb_o(wstrb), .m_axi_wlast_o(wlast), .m_axi_wvalid_o(wvalid),
    .m_axi_wready_i(wready), .m_axi_bid_i(bid), .m_axi_bresp_i(bresp),
    .m_axi_bvalid_i(bvalid), .m_axi_bready_o(bready)
  );

  board_mem #(.MemBytes(MemBytes), .MemBase(MemBase), .IdW(IdW)) u_mem (
    .clk_i, .rst_ni,
    .s_axi_arid_i(arid), .s_axi_araddr_i(araddr), .s_axi_arlen_i(arlen),
    .s_axi_arsize_i(arsize), .s_axi_arburst_i(arburst), .s_axi_arvalid_i(arvalid),
    .s_axi_arready_o(arready), .s_axi_rid_o(rid), .s_axi_rdata_o(rdata),
    .s_axi_rresp_o(rresp), .s_axi_rlast_o(rlast), .s_axi_rvalid_o(rvalid),
    .s_axi_rready_i(rready), .s_axi_awid_i(awid), .s_axi_awaddr_i(awaddr),
    .s_axi_awlen_i(awlen), .s_axi_awsize_i(awsize), .s_axi_awburst_i(awburst),
    .s_axi_awvalid_i(awvalid), .s_axi_awready_o(awready), .s_axi_wdata_i(wdata),
    .s_axi_wstrb_i(wstrb), .s_axi_wlast_i(wlast), .s_axi_wvalid_i(wvalid),
    .s_axi_wready_o(wready), .s_axi_bid_o(bid), .s_axi_bresp_o(bresp),
    .s_axi_bvalid_o(bvalid), .s_axi_bready_i(bready),
    .mem_req_i(mem_req), .mem_gnt_o(mem_gnt), .mem_we_i(mem_we), .mem_addr_i(mem_addr),
    .mem_wdata_i(mem_wdata), .mem_be_i(mem_be), .mem_rvalid_o(mem_rvalid),
    .mem_rdata_o(mem_rdata)
  );

  // ---------------------------------------------------------------- LEDs
  // Events that light an LED for 2^StretchBits cycles: rx, tx, core command, SoC memory.
  logic [3:0] event_now, event_led;
  assign event_now = {(arvalid && arready) || (awvalid && awready), |cmd_start, tx_busy,
                      rx_active};
  for (genvar i = 0; i < 4; i++) begin : g_stretch
    logic [StretchBits-1:0] left_q;
    always_ff @(posedge clk_i) begin
      if (!rst_ni) left_q <= '0;
      else if (event_now[i]) left_q <= '1;
      else if (left_q != '0) left_q <= left_q - 1'b1;
    end
    assign event_led[i] = left_q != '0;
  end

  logic [HeartbeatBits-1:0] beat_q;
  logic                     rejected_q, overrun_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      beat_q     <= '0;
      rejected_q <= 1'b0;
      overrun_q  <= 1'b0;
    end else begin
      beat_q <= beat_q + 1'b1;
      if (reject) rejected_q <= 1'b1;
      if (rx_overrun) overrun_q <= 1'b1;
    end
  end

  assign led_o = {event_led[3], event_led[2], overrun_q, rejected_q, event_led[1],
                  event_led[0], beat_q[HeartbeatBits-1], irq};
endmodule
