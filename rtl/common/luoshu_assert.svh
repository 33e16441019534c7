// Assertion macros shared by every block (after lowRISC prim_assert). Simulation only:
// Yosys reads the RTL with -DSYNTHESIS and never sees them; Verilator runs them with --assert.
`ifndef LUOSHU_ASSERT_SVH
`define LUOSHU_ASSERT_SVH

`ifndef SYNTHESIS
// Stream rule: once valid is high it stays high, with a stable payload, until ready takes it.
`define ASSERT_STREAM_STABLE(name, clk, rst_n, valid, ready, payload) \
  name: assert property (@(posedge clk) disable iff (!(rst_n)) \
    ((valid) && !(ready)) |=> ((valid) && $stable(payload))) \
    else $error("%m: stream rule broken: %s dropped or changed before ready", `"valid`");
// A condition that must hold on every clock edge out of reset.
`define ASSERT_ALWAYS(name, clk, rst_n, cond, msg) \
  name: assert property (@(posedge clk) disable iff (!(rst_n)) (cond)) else $error("%m: %s", msg);
`else
`define ASSERT_STREAM_STABLE(name, clk, rst_n, valid, ready, payload)
`define ASSERT_ALWAYS(name, clk, rst_n, cond, msg)
`endif

`endif  // LUOSHU_ASSERT_SVH
