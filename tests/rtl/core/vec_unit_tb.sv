// Test top for vec_unit: the unit's command interface, windows and its read and write client
// ports as the flat pins the C++ agents drive.
`include "luoshu_mem.svh"
`include "luoshu_unit.svh"

module vec_unit_tb #(
  parameter int BeatBytes = 16,
  parameter int NumWindows = 4,
  parameter int BufBeats = 16,
  parameter int EpiloguePipe = 0,
  parameter int StepSlice = 0,
  parameter int CtrlPipe = 0,
  localparam int NbW = $clog2(BeatBytes + 1)
) (
  input  logic       clk_i,
  input  logic       rst_ni,
  `LUOSHU_UNIT_FLAT_PORTS,
  output logic [NbW:0] rd_bytes_o,
  `LUOSHU_WIN_FLAT_PORTS(NumWindows),
  `LUOSHU_MEM_RD_FLAT_PORTS(BeatBytes),
  `LUOSHU_MEM_WR_FLAT_PORTS(BeatBytes)
);
  `LUOSHU_MEM_RD_REQ_T            mem_rd_req;
  `LUOSHU_MEM_RD_RSP_T(BeatBytes) mem_rd_rsp;
  `LUOSHU_MEM_WR_REQ_T(BeatBytes) mem_wr_req;
  `LUOSHU_MEM_WR_RSP_T            mem_wr_rsp;
  luoshu_mem_pkg::win_t [NumWindows-1:0] win;
  luoshu_unit_pkg::cmd_t unit_cmd;
  luoshu_unit_pkg::sts_t unit_sts;

  vec_unit #(
    .BeatBytes(BeatBytes), .NumWindows(NumWindows), .BufBeats(BufBeats),
    .EpiloguePipe(EpiloguePipe), .StepSlice(StepSlice),
    .CtrlPipe(CtrlPipe)
  ) u_dut (
    .clk_i, .rst_ni,
    .cmd_i(unit_cmd), .sts_o(unit_sts),
    .rd_bytes_o,
    .win_i(win),
    .mem_rd_req_o(mem_rd_req), .mem_rd_rsp_i(mem_rd_rsp), .mem_r_ready_o,
    .mem_wr_req_o(mem_wr_req), .mem_wr_rsp_i(mem_wr_rsp), .mem_b_ready_o
  );

  `LUOSHU_MEM_RD_FLATTEN(mem_rd_req, mem_rd_rsp)
  `LUOSHU_MEM_WR_FLATTEN(mem_wr_req, mem_wr_rsp)
  `LUOSHU_WIN_FLATTEN(win, NumWindows)
  `LUOSHU_UNIT_FLATTEN(unit_cmd, unit_sts)
endmodule
