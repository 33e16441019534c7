// Test top for mte_out: the unit with an L0C (rtl/core/l0_buffer.sv, as in the core) whose
// read port it owns whenever the C++ test raises l0c_gnt_i (the test drops it at random to
// stand in for the cube's priority), plus a backdoor write port to load L0C, and the L0C
// request brought out so a test can prove that a faulting STORE reads nothing.
`include "luoshu_mem.svh"
`include "luoshu_unit.svh"

module mte_out_tb #(
  parameter int Dim = 16,
  parameter int BeatBytes = 16,
  parameter int L0cBytes = 131072,
  parameter int NumWindows = 4,
  parameter int BiasCols = 256,
  parameter int EpiloguePipe = 0,
  parameter int CtrlPipe = 0,
  parameter int L0cReadPipe = 0,
  localparam int CAddrW = $clog2(L0cBytes / 4),
  localparam int CntW = $clog2(BeatBytes + 1)
) (
  input  logic                                clk_i,
  input  logic                                rst_ni,
  `LUOSHU_UNIT_FLAT_PORTS,
  output logic [CntW-1:0]                     rd_bytes_o,
  output logic [CntW-1:0]                     wr_bytes_o,
  `LUOSHU_WIN_FLAT_PORTS(NumWindows),
  `LUOSHU_MEM_RD_FLAT_PORTS(BeatBytes),
  `LUOSHU_MEM_WR_FLAT_PORTS(BeatBytes),
  input  logic                                l0c_gnt_i,
  output logic                                l0c_rd_req_o,
  // Backdoor: write Dim elements of L0C at element address bd_waddr_i (all lanes).
  input  logic                                bd_we_i,
  input  logic [CAddrW-1:0]                   bd_waddr_i,
  input  logic [Dim-1:0][31:0]                bd_wdata_i
);
  logic [CAddrW-1:0]    l0c_raddr;
  logic [Dim-1:0][31:0] l0c_rdata;
  `LUOSHU_MEM_RD_REQ_T            mem_rd_req;
  `LUOSHU_MEM_RD_RSP_T(BeatBytes) mem_rd_rsp;
  `LUOSHU_MEM_WR_REQ_T(BeatBytes) mem_wr_req;
  `LUOSHU_MEM_WR_RSP_T            mem_wr_rsp;
  luoshu_mem_pkg::win_t [NumWindows-1:0] win;
  luoshu_unit_pkg::cmd_t unit_cmd;
  luoshu_unit_pkg::sts_t unit_sts;

  mte_out #(
    .Dim(Dim), .BeatBytes(BeatBytes), .L0cBytes(L0cBytes), .NumWindows(NumWindows),
    .BiasCols(BiasCols), .EpiloguePipe(EpiloguePipe), .CtrlPipe(CtrlPipe),
    .L0cReadPipe(L0cReadPipe)
  ) u_dut (
    .clk_i, .rst_ni,
    .cmd_i(unit_cmd), .sts_o(unit_sts),
    .rd_bytes_o, .wr_bytes_o,
    .win_i(win),
    .mem_rd_req_o(mem_rd_req), .mem_rd_rsp_i(mem_rd_rsp), .mem_r_ready_o,
    .mem_wr_req_o(mem_wr_req), .mem_wr_rsp_i(mem_wr_rsp), .mem_b_ready_o,
    .l0c_rd_req_o, .l0c_rd_gnt_i(l0c_gnt_i), .l0c_raddr_o(l0c_raddr), .l0c_rdata_i(l0c_rdata)
  );

  `LUOSHU_MEM_RD_FLATTEN(mem_rd_req, mem_rd_rsp)
  `LUOSHU_MEM_WR_FLATTEN(mem_wr_req, mem_wr_rsp)
  `LUOSHU_WIN_FLATTEN(win, NumWindows)
  `LUOSHU_UNIT_FLATTEN(unit_cmd, unit_sts)

  l0_buffer #(.ElemW(32), .Lanes(Dim), .Elems(L0cBytes / 4), .ReadPipe(L0cReadPipe)) u_l0c (
    .clk_i, .rst_ni,
    .we_i(bd_we_i), .waddr_i(bd_waddr_i), .wmask_i('1), .wdata_i(bd_wdata_i),
    .re_i(l0c_rd_req_o && l0c_gnt_i), .raddr_i(l0c_raddr), .rdata_o(l0c_rdata), .rbank_o()
  );
endmodule
