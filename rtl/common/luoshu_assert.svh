// Assertion macros shared by every block (after lowRISC prim_assert). Simulation only:
// Yosys reads the RTL with -DSYNTHESIS and never sees them; Verilator runs them with --assert.
`ifndef LUOSHU_ASSERT_SVH
`define LUOSHU_ASSERT_SVH

`ifndef SYNTHESIS
// Stream rule: once valid is high it stays high, with a stable payload, until ready takes it.
// Written as a small checker rather than `|=> $stable(...)`: Verilator 5.006 samples every
// payload every cycle for the SVA form, which cost the 4x4 mesh about half its speed; this
// form copies the payload only while it is waiting.
`define ASSERT_STREAM_STABLE(name, clk, rst_n, valid, ready, payload) \
  logic name``_wait_q; \
  logic [$bits(payload)-1:0] name``_held_q; \
  always_ff @(posedge clk) begin \
    if (!(rst_n)) begin \
      name``_wait_q <= 1'b0; \
    end else begin \
      name: assert (!name``_wait_q || ((valid) && (payload) == name``_held_q)) \
        else $error("%m: stream rule broken: %s dropped or changed before ready", `"valid`"); \
      name``_wait_q <= (valid) && !(ready); \
      if ((valid) && !(ready)) name``_held_q <= payload; \
    end \
  end
// A condition that must hold on every clock edge out of reset.
`define ASSERT_ALWAYS(name, clk, rst_n, cond, msg) \
  name: assert property (@(posedge clk) disable iff (!(rst_n)) (cond)) else $error("%m: %s", msg);
`else
`define ASSERT_STREAM_STABLE(name, clk, rst_n, valid, ready, payload)
`define ASSERT_ALWAYS(name, clk, rst_n, cond, msg)
`endif

`endif  // LUOSHU_ASSERT_SVH
