// Test top for mte_out: the unit with an L0C (rtl/core/l0_buffer.sv, as in the core) whose
// read port it owns whenever the C++ test raises l0c_gnt_i (the test drops it at random to
// stand in for the cube's priority), plus a backdoor write port to load L0C, and the L0C
// request brought out so a test can prove that a faulting STORE reads nothing.
module mte_out_tb #(
  parameter int Dim = 16,
  parameter int BeatBytes = 16,
  parameter int L0cBytes = 131072,
  parameter int NumWindows = 4,
  parameter int BiasCols = 256,
  localparam int CAddrW = $clog2(L0cBytes / 4),
  localparam int CntW = $clog2(BeatBytes + 1)
) (
  input  logic                                clk_i,
  input  logic                                rst_ni,
  input  logic                                cmd_valid_i,
  output logic                                cmd_ready_o,
  input  logic [luoshu_isa_pkg::DescBits-1:0] cmd_desc_i,
  output logic                                done_o,
  output logic [luoshu_isa_pkg::FaultW-1:0]   done_fault_o,
  output logic                                busy_o,
  output logic [CntW-1:0]                     rd_bytes_o,
  output logic [CntW-1:0]                     wr_bytes_o,
  input  logic [NumWindows-1:0][31:0]         win_base_i,
  input  logic [NumWindows-1:0][32:0]         win_size_i,
  input  logic [NumWindows-1:0]               win_writable_i,
  output logic                                mem_ar_valid_o,
  input  logic                                mem_ar_ready_i,
  output logic [31:0]                         mem_ar_addr_o,
  output logic [7:0]                          mem_ar_len_o,
  input  logic                                mem_r_valid_i,
  output logic                                mem_r_ready_o,
  input  logic [BeatBytes*8-1:0]              mem_r_data_i,
  input  logic                                mem_r_last_i,
  input  logic                                mem_r_err_i,
  output logic                                mem_aw_valid_o,
  input  logic                                mem_aw_ready_i,
  output logic [31:0]                         mem_aw_addr_o,
  output logic [7:0]                          mem_aw_len_o,
  output logic                                mem_w_valid_o,
  input  logic                                mem_w_ready_i,
  output logic [BeatBytes*8-1:0]              mem_w_data_o,
  output logic [BeatBytes-1:0]                mem_w_strb_o,
  output logic                                mem_w_last_o,
  input  logic                                mem_b_valid_i,
  output logic                                mem_b_ready_o,
  input  logic                                mem_b_err_i,
  input  logic                                l0c_gnt_i,
  output logic                                l0c_rd_req_o,
  // Backdoor: write Dim elements of L0C at element address bd_waddr_i (all lanes).
  input  logic                                bd_we_i,
  input  logic [CAddrW-1:0]                   bd_waddr_i,
  input  logic [Dim-1:0][31:0]                bd_wdata_i
);
  logic [CAddrW-1:0]    l0c_raddr;
  logic [Dim-1:0][31:0] l0c_rdata;

  mte_out #(
    .Dim(Dim), .BeatBytes(BeatBytes), .L0cBytes(L0cBytes), .NumWindows(NumWindows),
    .BiasCols(BiasCols)
  ) u_dut (
    .clk_i, .rst_ni,
    .cmd_valid_i, .cmd_ready_o, .cmd_desc_i, .done_o, .done_fault_o, .busy_o,
    .rd_bytes_o, .wr_bytes_o,
    .win_base_i, .win_size_i, .win_writable_i,
    .mem_ar_valid_o, .mem_ar_ready_i, .mem_ar_addr_o, .mem_ar_len_o,
    .mem_r_valid_i, .mem_r_ready_o, .mem_r_data_i, .mem_r_last_i, .mem_r_err_i,
    .mem_aw_valid_o, .mem_aw_ready_i, .mem_aw_addr_o, .mem_aw_len_o,
    .mem_w_valid_o, .mem_w_ready_i, .mem_w_data_o, .mem_w_strb_o, .mem_w_last_o,
    .mem_b_valid_i, .mem_b_ready_o, .mem_b_err_i,
    .l0c_rd_req_o, .l0c_rd_gnt_i(l0c_gnt_i), .l0c_raddr_o(l0c_raddr), .l0c_rdata_i(l0c_rdata)
  );

  l0_buffer #(.ElemW(32), .Lanes(Dim), .Elems(L0cBytes / 4)) u_l0c (
    .clk_i, .rst_ni,
    .we_i(bd_we_i), .waddr_i(bd_waddr_i), .wmask_i('1), .wdata_i(bd_wdata_i),
    .re_i(l0c_rd_req_o && l0c_gnt_i), .raddr_i(l0c_raddr), .rdata_o(l0c_rdata)
  );
endmodule
