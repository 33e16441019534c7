// Test top for mte_in: the unit with its two L0 buffers (rtl/core/l0_buffer.sv, as in the
// core), plus a backdoor read port so the C++ test can compare L0A / L0B with the model.
// The write enables are brought out so a test can prove that a faulting LOAD writes nothing.
`include "luoshu_mem.svh"
`include "luoshu_unit.svh"

module mte_in_tb #(
  parameter int Dim = 16,
  parameter int BeatBytes = 16,
  parameter int L0aBytes = 65536,
  parameter int L0bBytes = 65536,
  parameter int NumWindows = 4,
  parameter int CtrlPipe = 0,
  localparam int AbLanes = Dim > BeatBytes ? Dim : BeatBytes,
  localparam int AAddrW = $clog2(L0aBytes),
  localparam int BAddrW = $clog2(L0bBytes),
  localparam int BdAddrW = AAddrW > BAddrW ? AAddrW : BAddrW
) (
  input  logic                                clk_i,
  input  logic                                rst_ni,
  `LUOSHU_UNIT_FLAT_PORTS,
  output logic [$clog2(AbLanes+1)-1:0]        rd_bytes_o,
  `LUOSHU_WIN_FLAT_PORTS(NumWindows),
  `LUOSHU_MEM_RD_FLAT_PORTS(BeatBytes),
  output logic                                l0a_we_o,
  output logic                                l0b_we_o,
  // Backdoor: AbLanes bytes of L0A (sel 0) or L0B (sel 1) at raddr, one cycle later.
  input  logic                                bd_re_i,
  input  logic                                bd_sel_i,
  input  logic [BdAddrW-1:0]                  bd_raddr_i,
  output logic [AbLanes*8-1:0]                bd_rdata_o
);
  logic [AAddrW-1:0]            l0a_waddr;
  logic [BAddrW-1:0]            l0b_waddr;
  logic [AbLanes-1:0]           l0a_wmask, l0b_wmask;
  logic [AbLanes-1:0][7:0]      l0a_wdata, l0b_wdata, l0a_rdata, l0b_rdata;
  logic                         bd_sel_q;
  `LUOSHU_MEM_RD_REQ_T            mem_rd_req;
  `LUOSHU_MEM_RD_RSP_T(BeatBytes) mem_rd_rsp;
  luoshu_mem_pkg::win_t [NumWindows-1:0] win;
  luoshu_unit_pkg::cmd_t unit_cmd;
  luoshu_unit_pkg::sts_t unit_sts;

  mte_in #(
    .Dim(Dim), .BeatBytes(BeatBytes), .L0aBytes(L0aBytes), .L0bBytes(L0bBytes),
    .NumWindows(NumWindows), .CtrlPipe(CtrlPipe)
  ) u_dut (
    .clk_i, .rst_ni,
    .cmd_i(unit_cmd), .sts_o(unit_sts), .rd_bytes_o,
    .win_i(win),
    .mem_rd_req_o(mem_rd_req), .mem_rd_rsp_i(mem_rd_rsp), .mem_r_ready_o,
    .l0a_we_o, .l0a_waddr_o(l0a_waddr), .l0a_wmask_o(l0a_wmask), .l0a_wdata_o(l0a_wdata),
    .l0b_we_o, .l0b_waddr_o(l0b_waddr), .l0b_wmask_o(l0b_wmask), .l0b_wdata_o(l0b_wdata)
  );

  `LUOSHU_MEM_RD_FLATTEN(mem_rd_req, mem_rd_rsp)
  `LUOSHU_WIN_FLATTEN(win, NumWindows)
  `LUOSHU_UNIT_FLATTEN(unit_cmd, unit_sts)

  l0_buffer #(.ElemW(8), .Lanes(AbLanes), .Elems(L0aBytes)) u_l0a (
    .clk_i, .rst_ni,
    .we_i(l0a_we_o), .waddr_i(l0a_waddr), .wmask_i(l0a_wmask), .wdata_i(l0a_wdata),
    .re_i(bd_re_i && !bd_sel_i), .raddr_i(AAddrW'(bd_raddr_i)), .rdata_o(l0a_rdata),
    .rbank_o()
  );
  l0_buffer #(.ElemW(8), .Lanes(AbLanes), .Elems(L0bBytes)) u_l0b (
    .clk_i, .rst_ni,
    .we_i(l0b_we_o), .waddr_i(l0b_waddr), .wmask_i(l0b_wmask), .wdata_i(l0b_wdata),
    .re_i(bd_re_i && bd_sel_i), .raddr_i(BAddrW'(bd_raddr_i)), .rdata_o(l0b_rdata),
    .rbank_o()
  );

  always_ff @(posedge clk_i) begin
    if (bd_re_i) bd_sel_q <= bd_sel_i;
  end
  assign bd_rdata_o = bd_sel_q ? l0b_rdata : l0a_rdata;
endmodule
