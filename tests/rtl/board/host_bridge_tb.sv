// Test top for host_bridge: the bridge between its own uart_rx and uart_tx (as board_top
// wires them), with the register and memory ports brought out as pins for C++ models.
module host_bridge_tb #(
  parameter int          ClkPerBit     = 4,
  parameter int          TimeoutCycles = 60,
  parameter int          MaxData       = 32,
  parameter logic [31:0] MemBase       = 32'h1000,
  parameter int          MemBytes      = 200,
  localparam int         MemAddrW      = $clog2(MemBytes)
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic                uart_rx_i,
  output logic                uart_tx_o,
  output logic                m_axil_awvalid_o,
  input  logic                m_axil_awready_i,
  output logic [10:0]         m_axil_awaddr_o,
  output logic                m_axil_wvalid_o,
  input  logic                m_axil_wready_i,
  output logic [31:0]         m_axil_wdata_o,
  output logic [3:0]          m_axil_wstrb_o,
  input  logic                m_axil_bvalid_i,
  output logic                m_axil_bready_o,
  input  logic [1:0]          m_axil_bresp_i,
  output logic                m_axil_arvalid_o,
  input  logic                m_axil_arready_i,
  output logic [10:0]         m_axil_araddr_o,
  input  logic                m_axil_rvalid_i,
  output logic                m_axil_rready_o,
  input  logic [31:0]         m_axil_rdata_i,
  input  logic [1:0]          m_axil_rresp_i,
  output logic                mem_req_o,
  input  logic                mem_gnt_i,
  output logic                mem_we_o,
  output logic [MemAddrW-1:0] mem_addr_o,
  output logic [127:0]        mem_wdata_o,
  output logic [15:0]         mem_be_o,
  input  logic                mem_rvalid_i,
  input  logic [127:0]        mem_rdata_i,
  input  logic                irq_i,
  output logic                reject_o,
  output logic                overrun_o
);
  logic       rx_valid, rx_ready, rx_active, tx_valid, tx_ready;
  logic [7:0] rx_data, tx_data;
  logic       unused_tx_busy;

  uart_rx #(.ClkPerBit(ClkPerBit)) u_rx (
    .clk_i, .rst_ni, .rx_i(uart_rx_i), .valid_o(rx_valid), .ready_i(rx_ready),
    .data_o(rx_data), .active_o(rx_active), .overrun_o
  );
  uart_tx #(.ClkPerBit(ClkPerBit)) u_tx (
    .clk_i, .rst_ni, .valid_i(tx_valid), .ready_o(tx_ready), .data_i(tx_data),
    .tx_o(uart_tx_o), .busy_o(unused_tx_busy)
  );
  host_bridge #(
    .ClkPerBit(ClkPerBit), .TimeoutCycles(TimeoutCycles), .MaxData(MaxData),
    .MemBase(MemBase), .MemBytes(MemBytes)
  ) u_bridge (
    .clk_i, .rst_ni,
    .rx_valid_i(rx_valid), .rx_ready_o(rx_ready), .rx_data_i(rx_data), .rx_active_i(rx_active),
    .tx_valid_o(tx_valid), .tx_ready_i(tx_ready), .tx_data_o(tx_data),
    .m_axil_awvalid_o, .m_axil_awready_i, .m_axil_awaddr_o, .m_axil_wvalid_o, .m_axil_wready_i,
    .m_axil_wdata_o, .m_axil_wstrb_o, .m_axil_bvalid_i, .m_axil_bready_o, .m_axil_bresp_i,
    .m_axil_arvalid_o, .m_axil_arready_i, .m_axil_araddr_o, .m_axil_rvalid_i,
    .m_axil_rready_o, .m_axil_rdata_i, .m_axil_rresp_i,
    .mem_req_o, .mem_gnt_i, .mem_we_o, .mem_addr_o, .mem_wdata_o, .mem_be_o, .mem_rvalid_i,
    .mem_rdata_i, .irq_i, .reject_o
  );
endmodule
