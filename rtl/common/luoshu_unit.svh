// Flat pins for the unit command interface (luoshu_unit_pkg's cmd_t / sts_t), so a Verilated
// test top keeps the pin names its C++ drives: a unit's side (cmd_valid_i ... busy_o), and the
// sequencer's side for the unit with prefix p (p_cmd_valid_o ... p_busy_i).
`ifndef LUOSHU_UNIT_SVH
`define LUOSHU_UNIT_SVH

`define LUOSHU_UNIT_FLAT_PORTS \
  input  logic                                cmd_valid_i, \
  output logic                                cmd_ready_o, \
  input  logic [luoshu_isa_pkg::DescBits-1:0] cmd_desc_i, \
  output logic                                done_o, \
  output logic [luoshu_isa_pkg::FaultW-1:0]   done_fault_o, \
  output logic                                busy_o

`define LUOSHU_UNIT_FLATTEN(cmd, sts) \
  assign cmd          = '{valid: cmd_valid_i, desc: cmd_desc_i}; \
  assign cmd_ready_o  = sts.ready; \
  assign done_o       = sts.done; \
  assign done_fault_o = sts.fault; \
  assign busy_o       = sts.busy;

`define LUOSHU_SEQ_UNIT_FLAT_PORTS(p) \
  output logic                                p``_cmd_valid_o, \
  input  logic                                p``_cmd_ready_i, \
  output logic [luoshu_isa_pkg::DescBits-1:0] p``_cmd_desc_o, \
  input  logic                                p``_done_i, \
  input  logic [luoshu_isa_pkg::FaultW-1:0]   p``_done_fault_i, \
  input  logic                                p``_busy_i

`define LUOSHU_SEQ_UNIT_FLATTEN(p, cmd, sts) \
  assign p``_cmd_valid_o = cmd.valid; \
  assign p``_cmd_desc_o  = cmd.desc; \
  assign sts = '{ready: p``_cmd_ready_i, done: p``_done_i, fault: p``_done_fault_i, \
                 busy: p``_busy_i};

`endif  // LUOSHU_UNIT_SVH
