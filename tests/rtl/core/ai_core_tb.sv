// Test top for ai_core: the core with its memory port as the flat pins (mem_*) the C++
// agents drive; the other ports are the core's own.
`include "luoshu_mem.svh"

module ai_core_tb #(
  parameter int Dim = 16,
  parameter int BeatBytes = 16,
  parameter int L0aBytes = 65536,
  parameter int L0bBytes = 65536,
  parameter int L0cBytes = 131072,
  parameter int QueueDepth = 8,
  parameter int NumWindows = 4,
  parameter int CubePipeMul = 0,
  parameter int MteCtrlPipe = 0,
  parameter int EpiloguePipe = 0,
  parameter int DecodePipe = 0,
  parameter int L0cReadPipe = 0,
  parameter int MemSlice = 0,
  parameter int UnitSlice = 0,
  parameter int VecStepSlice = 0
) (
  input  logic                        clk_i,
  input  logic                        rst_ni,
  // Control (SoC registers).
  input  logic [31:0]                 ring_base_i,
  input  logic [31:0]                 ring_size_i,
  input  logic                        ring_set_i,
  input  logic [31:0]                 tail_i,
  input  logic                        doorbell_i,
  input  logic                        clear_i,
  input  logic                        irq_ack_i,
  `LUOSHU_WIN_FLAT_PORTS(NumWindows),
  // Status.
  output logic [luoshu_isa_pkg::StateW-1:0] state_o,  // luoshu_isa_pkg::core_state_e
  output logic [31:0]                 head_o,
  output logic [31:0]                 tail_o,
  output logic [3:0]                  fault_code_o,
  output logic [31:0]                 fault_index_o,
  output logic                        irq_o,
  output logic                        ctl_error_o,
  // Performance counters, read one at a time (luoshu_isa_pkg::counter_e).
  input  logic [luoshu_isa_pkg::CntSelW-1:0] cnt_sel_i,
  output logic [63:0]                 cnt_value_o,
  // Observation for timelines, bit = isa::Queue (LD, EX, ST, SEQ): one-cycle pulses when a
  // unit takes a command / a SYNC starts its write, and when the command retires (the
  // RETIRED counters' increments). See sequencer.sv.
  output logic [3:0]                  cmd_start_o,
  output logic [3:0]                  cmd_done_o,
  // Memory port (ids: luoshu_mem_pkg::Rd*, Wr*).
  `LUOSHU_MEM_FLAT_PORTS(BeatBytes, luoshu_mem_pkg::IdW)
);
  `LUOSHU_MEM_REQ_T(BeatBytes, luoshu_mem_pkg::IdW) mem_req;
  `LUOSHU_MEM_RSP_T(BeatBytes, luoshu_mem_pkg::IdW) mem_rsp;
  luoshu_mem_pkg::rsp_ready_t                        mem_rsp_ready;
  luoshu_mem_pkg::win_t [NumWindows-1:0] win;

  ai_core #(
    .Dim(Dim),
    .BeatBytes(BeatBytes),
    .L0aBytes(L0aBytes),
    .L0bBytes(L0bBytes),
    .L0cBytes(L0cBytes),
    .QueueDepth(QueueDepth),
    .NumWindows(NumWindows),
    .CubePipeMul(CubePipeMul),
    .EpiloguePipe(EpiloguePipe),
    .MteCtrlPipe(MteCtrlPipe),
    .DecodePipe(DecodePipe),
    .L0cReadPipe(L0cReadPipe),
    .MemSlice(MemSlice),
    .UnitSlice(UnitSlice),
    .VecStepSlice(VecStepSlice)
  ) u_core (
    .clk_i,
    .rst_ni,
    .ring_base_i,
    .ring_size_i,
    .ring_set_i,
    .tail_i,
    .doorbell_i,
    .clear_i,
    .irq_ack_i,
    .win_i(win),
    .state_o,
    .head_o,
    .tail_o,
    .fault_code_o,
    .fault_index_o,
    .irq_o,
    .ctl_error_o,
    .cnt_sel_i,
    .cnt_value_o,
    .cmd_start_o,
    .cmd_done_o,
    .mem_req_o(mem_req),
    .mem_rsp_i(mem_rsp),
    .mem_rsp_ready_o(mem_rsp_ready)
  );
  `LUOSHU_MEM_FLATTEN(mem_req, mem_rsp, mem_rsp_ready)
  `LUOSHU_WIN_FLATTEN(win, NumWindows)
endmodule
