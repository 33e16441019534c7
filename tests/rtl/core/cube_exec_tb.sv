// Test top for cube_exec: the unit with its three L0 buffers, as the core top wires them,
// plus backdoor ports so the C++ test can fill L0A / L0B / L0C and read L0C back.
//   L0A, L0B write ports: the backdoor alone (cube_exec only reads them).
//   L0C write port: cube_exec, or the backdoor when cube_exec is not writing; in bank order,
//   as in the core (WriteBanked): the backdoor's lanes are rotated into it here.
//   L0C read port: shared as with mte_out: cube_exec has priority, the backdoor is served
//   when bd_c_gnt_o is high (data the next cycle).
`include "luoshu_assert.svh"
`include "luoshu_unit.svh"

module cube_exec_tb #(
  parameter int Dim      = 4,
  parameter int L0aBytes = 65536,
  parameter int L0bBytes = 65536,
  parameter int L0cBytes = 131072,
  parameter int AbLanes  = (Dim > 16) ? Dim : 16,
  parameter int CubePipeMul = 0,
  parameter int CubeLutMulRows = 0,
  parameter int L0cReadPipe = 0,
  parameter int AbReadPipe = 0
) (
  input  logic                                clk_i,
  input  logic                                rst_ni,
  `LUOSHU_UNIT_FLAT_PORTS,
  output logic                                beat_o,
  // Backdoor writes (all lanes) into L0A / L0B, byte addresses.
  input  logic                                bd_a_we_i,
  input  logic [$clog2(L0aBytes)-1:0]         bd_a_waddr_i,
  input  logic [AbLanes-1:0][7:0]             bd_a_wdata_i,
  input  logic                                bd_b_we_i,
  input  logic [$clog2(L0bBytes)-1:0]         bd_b_waddr_i,
  input  logic [AbLanes-1:0][7:0]             bd_b_wdata_i,
  // Backdoor L0C access, word addresses.
  input  logic                                bd_c_we_i,
  input  logic [$clog2(L0cBytes/4)-1:0]       bd_c_waddr_i,
  input  logic [Dim-1:0][31:0]                bd_c_wdata_i,
  input  logic                                bd_c_re_i,
  input  logic [$clog2(L0cBytes/4)-1:0]       bd_c_raddr_i,
  output logic                                bd_c_gnt_o,
  output logic [Dim-1:0][31:0]                bd_c_rdata_o
);
  localparam int AW      = $clog2(L0aBytes);
  localparam int BW      = $clog2(L0bBytes);
  localparam int CW      = $clog2(L0cBytes / 4);

  logic                     a_re, b_re, c_re, c_we, ex_c_re, ex_c_we;
  logic [AW-1:0]            a_raddr;
  logic [BW-1:0]            b_raddr;
  logic [CW-1:0]            c_raddr, c_waddr, ex_c_raddr, ex_c_waddr;
  logic [AbLanes-1:0][7:0]  a_rdata, b_rdata;
  logic [Dim-1:0][31:0]     c_rdata, c_rbank, c_wdata, ex_c_wdata, bd_c_wbank;
  logic [Dim-1:0]           c_wmask, ex_c_wmask;
  luoshu_unit_pkg::cmd_t unit_cmd;
  luoshu_unit_pkg::sts_t unit_sts;

  cube_exec #(
    .Dim(Dim), .L0aBytes(L0aBytes), .L0bBytes(L0bBytes), .L0cBytes(L0cBytes), .AbLanes(AbLanes),
    .CubePipeMul(CubePipeMul), .CubeLutMulRows(CubeLutMulRows), .L0cReadPipe(L0cReadPipe),
    .AbReadPipe(AbReadPipe)
  ) u_exec (
    .clk_i, .rst_ni,
    .cmd_i(unit_cmd), .sts_o(unit_sts), .beat_o,
    .l0a_re_o(a_re), .l0a_raddr_o(a_raddr), .l0a_rdata_i(a_rdata),
    .l0b_re_o(b_re), .l0b_raddr_o(b_raddr), .l0b_rdata_i(b_rdata),
    .l0c_re_o(ex_c_re), .l0c_raddr_o(ex_c_raddr), .l0c_rbank_i(c_rbank),
    .l0c_we_o(ex_c_we), .l0c_waddr_o(ex_c_waddr), .l0c_wmask_o(ex_c_wmask),
    .l0c_wdata_o(ex_c_wdata)
  );
  `LUOSHU_UNIT_FLATTEN(unit_cmd, unit_sts)

  l0_buffer #(.ElemW(8), .Lanes(AbLanes), .Elems(L0aBytes), .ReadPipe(AbReadPipe)) u_l0a (
    .clk_i, .rst_ni,
    .we_i(bd_a_we_i), .waddr_i(bd_a_waddr_i), .wmask_i('1), .wdata_i(bd_a_wdata_i),
    .re_i(a_re), .raddr_i(a_raddr), .rdata_o(a_rdata), .rbank_o()
  );

  l0_buffer #(.ElemW(8), .Lanes(AbLanes), .Elems(L0bBytes), .ReadPipe(AbReadPipe)) u_l0b (
    .clk_i, .rst_ni,
    .we_i(bd_b_we_i), .waddr_i(bd_b_waddr_i), .wmask_i('1), .wdata_i(bd_b_wdata_i),
    .re_i(b_re), .raddr_i(b_raddr), .rdata_o(b_rdata), .rbank_o()
  );

  assign bd_c_gnt_o   = !ex_c_re;
  assign c_re         = ex_c_re || bd_c_re_i;
  assign c_raddr      = ex_c_re ? ex_c_raddr : bd_c_raddr_i;
  assign bd_c_rdata_o = c_rdata;
  assign c_we         = ex_c_we || bd_c_we_i;
  assign c_waddr      = ex_c_we ? ex_c_waddr : bd_c_waddr_i;
  assign c_wmask      = ex_c_we ? ex_c_wmask : '1;
  assign c_wdata      = ex_c_we ? ex_c_wdata : bd_c_wbank;
  for (genvar b = 0; b < Dim; b++) begin : g_bd_bank
    assign bd_c_wbank[b] = bd_c_wdata_i[$clog2(Dim)'(b) - $clog2(Dim)'(bd_c_waddr_i)];
  end

  l0_buffer #(.ElemW(32), .Lanes(Dim), .Elems(L0cBytes / 4), .ReadPipe(L0cReadPipe),
              .WriteBanked(1)) u_l0c (
    .clk_i, .rst_ni,
    .we_i(c_we), .waddr_i(c_waddr), .wmask_i(c_wmask), .wdata_i(c_wdata),
    .re_i(c_re), .raddr_i(c_raddr), .rdata_o(c_rdata), .rbank_o(c_rbank)
  );

  `ASSERT_ALWAYS(a_backdoor_write_while_idle, clk_i, rst_ni, !(bd_c_we_i && ex_c_we),
                 "backdoor L0C write collided with cube_exec's write")
endmodule
