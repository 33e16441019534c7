// Assertion and cover macros shared by every block (after lowRISC prim_assert). Simulation
// only: Yosys reads the RTL with -DSYNTHESIS and never sees them; Verilator runs them with
// --assert.
`ifndef LUOSHU_ASSERT_SVH
`define LUOSHU_ASSERT_SVH

`ifndef SYNTHESIS
// Stream rule: once valid is high it stays high, with a stable payload, until ready takes it.
// Written as a small checker rather than `|=> $stable(...)`: Verilator 5.006 samples every
// payload every cycle for the SVA form, which cost the 4x4 mesh about half its speed; this
// form copies the payload only while it is waiting, and evaluates the assertion only then.
`define ASSERT_STREAM_STABLE(name, clk, rst_n, valid, ready, payload) \
  logic name``_wait_q; \
  logic [$bits(payload)-1:0] name``_held_q; \
  always_ff @(posedge clk) begin \
    if (!(rst_n)) begin \
      name``_wait_q <= 1'b0; \
    end else begin \
      if (name``_wait_q) begin \
        name: assert ((valid) && (payload) == name``_held_q) \
          else $error("%m: stream rule broken: %s dropped or changed before ready", `"valid`"); \
      end \
      name``_wait_q <= (valid) && !(ready); \
      if ((valid) && !(ready)) name``_held_q <= payload; \
    end \
  end
// The stream rule for n streams side by side: valid[i], ready[i] and an equal share of the
// payload (element i of a [n-1:0][W-1:0] array, or [i*W +: W] of a flat vector). Same check
// as n ASSERT_STREAM_STABLE, one test per cycle while no stream waits (a whole port vector of
// a router, say). While any waits, the whole payload is copied (use it for narrow payloads).
`define ASSERT_STREAMS_STABLE(name, clk, rst_n, n, valid, ready, payload) \
  logic [(n)-1:0] name``_wait_q; \
  logic [$bits(payload)-1:0] name``_held_q, name``_now; \
  assign name``_now = payload; \
  always_ff @(posedge clk) begin \
    if (!(rst_n)) begin \
      name``_wait_q <= '0; \
    end else begin \
      if (name``_wait_q != '0) begin \
        for (int name``_i = 0; name``_i < (n); name``_i++) begin \
          if (name``_wait_q[name``_i]) begin \
            name: assert (valid[name``_i] && \
                          name``_now[name``_i*($bits(payload)/(n)) +: $bits(payload)/(n)] == \
                          name``_held_q[name``_i*($bits(payload)/(n)) +: $bits(payload)/(n)]) \
              else $error("%m: stream rule broken: %s[%0d] dropped or changed before ready", \
                          `"valid`", name``_i); \
          end \
        end \
      end \
      name``_wait_q <= (valid) & ~(ready); \
      if (((valid) & ~(ready)) != '0) name``_held_q <= payload; \
    end \
  end
// A condition that must hold on every clock edge out of reset, checked with the values just
// before the edge (what `assert property (@(posedge clk) disable iff (!rst_n) cond)` sees).
// Written as an immediate assertion in a clocked block rather than as SVA: Verilator 5.006
// copies every operand of a concurrent assertion into a sampled shadow on every eval, which
// cost more than the logic it checks in the NoC mesh. The condition is tested first, so a
// passing check costs the simulator one test (the reset and $assertoff state are looked up
// only on a failure).
`define ASSERT_ALWAYS(name, clk, rst_n, cond, msg) \
  always_ff @(posedge clk) begin \
    if (!(cond)) begin \
      if (rst_n) begin \
        name: assert (cond) else $error("%m: %s", msg); \
      end \
    end \
  end
// A functional cover point: counts the clock edges out of reset at which `cond` holds (what
// `cover property (@(posedge clk) disable iff (!rst_n) cond)` counts). Only the coverage build
// (-DLUOSHU_COVERAGE=ON, which passes +define+LUOSHU_COVERAGE) has them; elsewhere the macro is
// empty, so the everyday models simulate at full speed. Name points cov_<what> (the report
// lists them by name). Points in a generate loop share their name, so a loop that holds them
// is named g_cov_<what>: the report keeps its index (g_cov_opcode[2].cov_opcode).
`ifdef LUOSHU_COVERAGE
`define COVER(name, clk, rst_n, cond) \
  always_ff @(posedge clk) begin \
    name: cover ((rst_n) && (cond)); \
  end
`else
`define COVER(name, clk, rst_n, cond)
`endif
`else
`define COVER(name, clk, rst_n, cond)
`define ASSERT_STREAM_STABLE(name, clk, rst_n, valid, ready, payload)
`define ASSERT_STREAMS_STABLE(name, clk, rst_n, n, valid, ready, payload)
`define ASSERT_ALWAYS(name, clk, rst_n, cond, msg)
`endif

`endif  // LUOSHU_ASSERT_SVH
