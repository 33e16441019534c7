// Test top for the sequencer: the unit with its memory port (descriptor fetch, SYNC write) as
// the flat pins (mem_*) the C++ agents drive; its other ports are the unit's own.
`include "luoshu_mem.svh"
`include "luoshu_unit.svh"

module sequencer_tb
  import luoshu_isa_pkg::*, luoshu_unit_pkg::*;
#(
  parameter int Dim = 16,
  parameter int BeatBytes = 16,
  parameter int L0aBytes = 65536,
  parameter int L0bBytes = 65536,
  parameter int L0cBytes = 131072,
  parameter int QueueDepth = 8,
  parameter int NumWindows = 4,
  parameter int DecodePipe = 0
) (
  input  logic                        clk_i,
  input  logic                        rst_ni,
  // Control (the SoC's registers): one-cycle pulses with their arguments.
  input  logic                        ring_set_i,   // base/size; head = tail = 0
  input  logic [31:0]                 ring_base_i,
  input  logic [31:0]                 ring_size_i,
  input  logic                        doorbell_i,   // tail
  input  logic [31:0]                 tail_i,
  input  logic                        clear_i,
  input  logic                        irq_ack_i,
  output logic                        ctl_error_o,  // pulse: a ring_set / doorbell was refused
  `LUOSHU_WIN_FLAT_PORTS(NumWindows),
  // Status.
  output logic [StateW-1:0]           state_o,      // a core_state_e
  output logic [31:0]                 head_o,
  output logic [31:0]                 tail_o,
  output logic [FaultW-1:0]           fault_code_o,
  output logic [31:0]                 fault_index_o,
  output logic                        irq_o,
  output logic [3:0][3:0]             tokens_o,     // per channel (Chan*)
  // Counters (free-running, reset only), indexed like isa::Queue: LD, EX, ST (, SEQ).
  output logic [3:0][CntW-1:0]        cnt_retired_o,
  output logic [CntW-1:0]             cnt_fetched_o,
  output logic [2:0][CntW-1:0]        cnt_busy_o,   // cycles the unit reported busy
  output logic [2:0][CntW-1:0]        cnt_stall_o,  // cycles the queue head waited for tokens
  // Observation (timelines), indexed like isa::Queue: one-cycle pulses. start: the unit took
  // the queue's head command (LD, EX, ST), or SYNC began its write (SEQ); done: the command
  // retired (exactly the cnt_retired_o increments). Commands a clear abandons or that fault
  // have a start and no done.
  output logic [3:0]                  cmd_start_o,
  output logic [3:0]                  cmd_done_o,
  // Units (docs/core.md "Unit command interface").
  `LUOSHU_SEQ_UNIT_FLAT_PORTS(ld),
  `LUOSHU_SEQ_UNIT_FLAT_PORTS(ex),
  `LUOSHU_SEQ_UNIT_FLAT_PORTS(st),
  // Memory port: reads fetch descriptors, the write is SYNC's.
  `LUOSHU_MEM_RD_FLAT_PORTS(BeatBytes),
  `LUOSHU_MEM_WR_FLAT_PORTS(BeatBytes)
);
  `LUOSHU_MEM_RD_REQ_T            mem_rd_req;
  `LUOSHU_MEM_RD_RSP_T(BeatBytes) mem_rd_rsp;
  `LUOSHU_MEM_WR_REQ_T(BeatBytes) mem_wr_req;
  `LUOSHU_MEM_WR_RSP_T            mem_wr_rsp;
  luoshu_mem_pkg::win_t [NumWindows-1:0] win;
  cmd_t [NumUnits-1:0] unit_cmd;
  sts_t [NumUnits-1:0] unit_sts;
  logic [NumUnits-1:0] unit_bad;  // as ai_core makes it
  for (genvar u = 0; u < NumUnits; u++) begin : g_unit_bad
    assign unit_bad[u] = unit_sts[u].done && unit_sts[u].fault != luoshu_isa_pkg::FaultNone;
  end

  sequencer #(
    .Dim(Dim), .BeatBytes(BeatBytes), .L0aBytes(L0aBytes), .L0bBytes(L0bBytes),
    .L0cBytes(L0cBytes), .QueueDepth(QueueDepth), .NumWindows(NumWindows),
    .DecodePipe(DecodePipe)
  ) u_dut (
    .clk_i,
    .rst_ni,
    .ring_set_i,
    .ring_base_i,
    .ring_size_i,
    .doorbell_i,
    .tail_i,
    .clear_i,
    .irq_ack_i,
    .ctl_error_o,
    .win_i(win),
    .state_o,
    .head_o,
    .tail_o,
    .fault_code_o,
    .fault_index_o,
    .irq_o,
    .tokens_o,
    .cnt_retired_o,
    .cnt_fetched_o,
    .cnt_busy_o,
    .cnt_stall_o,
    .cmd_start_o,
    .cmd_done_o,
    .cmd_o          (unit_cmd),
    .sts_i          (unit_sts),
    .done_bad_i     (unit_bad),
    .done_bad_next_i('0),  // DoneBadAhead off
    .mem_rd_req_o (mem_rd_req),
    .mem_rd_rsp_i (mem_rd_rsp),
    .mem_r_ready_o,
    .mem_wr_req_o (mem_wr_req),
    .mem_wr_rsp_i (mem_wr_rsp),
    .mem_b_ready_o
  );
  `LUOSHU_MEM_RD_FLATTEN(mem_rd_req, mem_rd_rsp)
  `LUOSHU_MEM_WR_FLATTEN(mem_wr_req, mem_wr_rsp)
  `LUOSHU_WIN_FLATTEN(win, NumWindows)
  `LUOSHU_SEQ_UNIT_FLATTEN(ld, unit_cmd[UnitLd], unit_sts[UnitLd])
  `LUOSHU_SEQ_UNIT_FLATTEN(ex, unit_cmd[UnitEx], unit_sts[UnitEx])
  `LUOSHU_SEQ_UNIT_FLATTEN(st, unit_cmd[UnitSt], unit_sts[UnitSt])
endmodule
