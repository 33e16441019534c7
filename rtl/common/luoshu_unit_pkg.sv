// The unit command interface (docs/core.md "Unit command interface"): what the sequencer hands
// MTE-in, the cube executor and MTE-out, and what each reports back. Two structs, one per
// direction, so neither side's combinational logic reads back what it drives.
package luoshu_unit_pkg;
  // The sequencer's units, in isa::Queue order (its cmd/status arrays are indexed so).
  localparam int UnitLd = 0;  // mte_in
  localparam int UnitEx = 1;  // cube_exec
  localparam int UnitSt = 2;  // mte_out
  localparam int NumUnits = 3;

  // Sequencer -> unit: a decoded, validated descriptor (a stream: stable until taken).
  typedef struct packed {
    logic                                valid;
    logic [luoshu_isa_pkg::DescBits-1:0] desc;
  } cmd_t;

  // Unit -> sequencer.
  typedef struct packed {
    logic                              ready;  // idle: takes cmd.valid
    logic                              done;   // one-cycle pulse: the command has finished
    logic [luoshu_isa_pkg::FaultW-1:0] fault;  // a luoshu_isa_pkg::fault_e, with done
    logic                              busy;   // a command is in flight (counters)
  } sts_t;
endpackage
