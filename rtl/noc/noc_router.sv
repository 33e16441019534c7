// 5-port wormhole router (local, N, E, S, W) with XY dimension-order routing.
//
// Each input port buffers Depth flits (a ring with a registered output, the behaviour of a
// stream_fifo). A head flit at the front of an input requests the output its XY route names;
// each output has a round-robin arbiter (rr_arbiter) among the inputs whose head flit requests
// it. The winner is allocated the output at once (even if the downstream is not ready, so the
// offered flit never changes under back-pressure) and keeps it until its tail flit has
// passed: flits of different packets never interleave on a link. One flit per input and per
// output per cycle. Zero-load latency: 1 cycle per router (the buffer write); the switch is
// combinational from the front of a buffer to the next router's buffer input.
//
// PipeAlloc = 1 (FPGA timing, docs/fpga.md) takes the allocation out of the cycle in which the
// flit crosses the switch: the route is computed as a flit enters its input buffer and stored
// beside it (look-ahead), and the arbiters' winners are registered (lock_q, owner_q) before
// the switch uses them. Every output then depends on registers through the switch only (a pop
// on those and the downstream's ready), and the path buffer head -> route -> arbiter -> pop ->
// read pointer is cut in two. The output valids are registers as well (same cycles), so a
// link into the neighbour's buffer write starts at a flip-flop. Cost: a head flit waits one
// more cycle per router (2 cycles per router at zero load), and a new packet gets an output
// or leaves an input one cycle after the previous packet's tail (one idle cycle between
// packets on a link: single-flit packets reach at most half a flit per cycle per port).
//
// Written to simulate fast (docs/noc.md, "Simulation speed"): every output depends on
// registers only; each signal is computed whole in one block (no bit-by-bit writes to shared
// vectors from many blocks); the pushes and the allocation updates are enables in clocked
// blocks, so the only combinational logic that depends on an input (which Verilator
// re-evaluates on every eval of the model) is the handshake-to-pop step; and the stream checks
// are one vector check per side, not one checker per port and per internal FIFO.
`include "luoshu_assert.svh"

module noc_router
  import noc_pkg::*;
#(
  parameter int FlitW = 34,  // flit width on every link, including the head/tail bits
  parameter int Depth = 2,   // input FIFO depth in flits
  parameter int PipeAlloc = 0  // 1: registered allocation, look-ahead routing (see above)
) (
  input  logic                               clk_i,
  input  logic                               rst_ni,
  input  logic [CoordW-1:0]                 x_i,  // this router's coordinates (constant)
  input  logic [CoordW-1:0]                 y_i,
  // Port order: Port* (0 local, 1 N, 2 E, 3 S, 4 W).
  input  logic [NumPorts-1:0]               in_valid_i,
  output logic [NumPorts-1:0]               in_ready_o,
  input  logic [NumPorts-1:0][FlitW-1:0]    in_flit_i,
  output logic [NumPorts-1:0]               out_valid_o,
  input  logic [NumPorts-1:0]               out_ready_i,
  output logic [NumPorts-1:0][FlitW-1:0]    out_flit_o
);
  // One C++ class shared by every router of a mesh instead of a flattened copy per router:
  // a much smaller model (build time), and it avoids a Verilator 5.006 bug where a split
  // sampled-value function of a large flattened mesh uses an undeclared loop variable.
  /* verilator no_inline_module */
  if (Depth < 1) begin : g_bad_depth
    $error("noc_router: Depth must be >= 1 (got %0d)", Depth);
  end
  if (PipeAlloc != 0 && PipeAlloc != 1) begin : g_bad_pipe
    $error("noc_router: PipeAlloc must be 0 or 1 (got %0d)", PipeAlloc);
  end
  if (NumPorts != 5) begin : g_bad_ports
    $error("noc_router: the switch is written for 5 ports (noc_pkg::NumPorts)");
  end
  if (FlitW < RouteW + FrameW) begin : g_bad_flitw
    $error("noc_router: FlitW must be >= %0d (route + head/tail bits), got %0d",
           RouteW + FrameW, FlitW);
  end

  localparam int P       = NumPorts;
  localparam int CW      = CoordW;
  localparam int CntW    = $clog2(Depth + 1);
  localparam int IdxW    = $clog2(P);
  localparam int HeadBit = FlitW - 2;
  localparam int TailBit = FlitW - 1;
  localparam bit Pipe    = PipeAlloc != 0;
  localparam int EntW    = FlitW + (Pipe ? P : 0);  // an input buffer entry

  // XY dimension-order routing: first along x, then along y (dst = {y, x} in the low bits).
  function automatic logic [IdxW-1:0] xy_route(logic [2*CW-1:0] dst, logic [CW-1:0] x,
                                               logic [CW-1:0] y);
    if (dst[CW-1:0] > x)         xy_route = IdxW'(PortEast);
    else if (dst[CW-1:0] < x)    xy_route = IdxW'(PortWest);
    else if (dst[2*CW-1:CW] > y) xy_route = IdxW'(PortNorth);
    else if (dst[2*CW-1:CW] < y) xy_route = IdxW'(PortSouth);
    else                         xy_route = IdxW'(PortLocal);
  endfunction

  // What an input buffer stores of a flit: the flit and, with PipeAlloc, its output request
  // (one-hot for a head flit, zero for the others), routed on the way in.
  function automatic logic [EntW-1:0] entry(logic [FlitW-1:0] f, logic [CW-1:0] x,
                                            logic [CW-1:0] y);
    logic [P-1:0] r;
    r = '0;
    if (Pipe && f[HeadBit]) r[xy_route(f[2*CW-1:0], x, y)] = 1'b1;
    return EntW'({r, f});
  endfunction

  // ---- Input buffers: a ring of Depth flits per input, registered output ----
  // (A stream_fifo per input would do the same; written in place, the five inputs share one
  // stream check and the simulator has no per-FIFO checks and ports to evaluate.)
  localparam int PtrW = Depth > 1 ? $clog2(Depth) : 1;
  localparam bit Pow2 = Depth > 1 && (Depth & (Depth - 1)) == 0;  // pointers wrap by themselves

  logic [P-1:0]     q_valid, q_pop;
  logic [P-1:0]     q_valid_next;  // the input holds a flit after this edge
  logic [EntW-1:0]  q_ent [P];   // front entry of each input
  logic [FlitW-1:0] q_flit [P];  // front flit of each input

  for (genvar i = 0; i < P; i++) begin : g_in
    logic [EntW-1:0]  mem_q [Depth];
    logic [PtrW-1:0]  rd_q, wr_q;
    logic [CntW-1:0]  cnt_q;

    assign in_ready_o[i] = cnt_q != CntW'(Depth);
    assign q_valid[i]    = cnt_q != '0;
    assign q_ent[i]      = mem_q[rd_q];
    assign q_flit[i]     = q_ent[i][FlitW-1:0];
    // Whether the input holds a flit after this edge (PipeAlloc's registered output valids).
    if (Pipe) begin : g_next
      assign q_valid_next[i] = (in_valid_i[i] && in_ready_o[i]) || cnt_q > CntW'(1) ||
                               (q_valid[i] && !q_pop[i]);
    end else begin : g_no_next
      assign q_valid_next[i] = 1'b0;
    end

    // The push (the input handshake) is an enable here rather than a combinational signal (see
    // stream_fifo). Storage is not reset: only entries covered by cnt_q are ever read.
    always_ff @(posedge clk_i) begin
      if (!rst_ni) begin
        rd_q  <= '0;
        wr_q  <= '0;
        cnt_q <= '0;
      end else if (in_valid_i[i] && in_ready_o[i]) begin
        mem_q[wr_q] <= entry(in_flit_i[i], x_i, y_i);
        wr_q        <= (Pow2 || wr_q != PtrW'(Depth - 1)) ? wr_q + 1'b1 : '0;
        if (q_pop[i]) rd_q  <= (Pow2 || rd_q != PtrW'(Depth - 1)) ? rd_q + 1'b1 : '0;
        else          cnt_q <= cnt_q + 1'b1;
      end else if (q_pop[i]) begin
        rd_q  <= (Pow2 || rd_q != PtrW'(Depth - 1)) ? rd_q + 1'b1 : '0;
        cnt_q <= cnt_q - 1'b1;
      end
    end
  end

  // ---- Requests: the head flit at the front of input i asks for output route(i) ----
  logic [P-1:0]   q_head;
  logic [P-1:0][P-1:0] req;  // [o][i]: input i requests output o (free or not)
  logic [P-1:0]      grant;        // free output o is allocated to a new packet this cycle
  logic [IdxW-1:0]   gnt_idx [P];   // the arbiter's winner for output o

  if (Pipe) begin : g_req_pipe
    // The request was routed on the way into the buffer. A head flit that has won its output
    // stays at the front until the registered grant lets it through; its request is then
    // masked by the output's lock (lock_q), like every other request for a held output.
    always_comb begin
      q_head = '0;
      req    = '0;
      for (int i = 0; i < P; i++) begin
        q_head[i] = q_flit[i][HeadBit];
        if (q_valid[i]) begin
          for (int o = 0; o < P; o++) req[o][i] = q_ent[i][FlitW+o];
        end
      end
    end
  end else begin : g_req
    always_comb begin
      q_head = '0;
      req    = '0;
      for (int i = 0; i < P; i++) begin
        q_head[i] = q_flit[i][HeadBit];
        if (q_valid[i] && q_flit[i][HeadBit]) begin
          // An indexed write, not a shift by route * P: that product became a multiplier on
          // the router's critical path in FPGA synthesis (docs/fpga.md).
          req[xy_route(q_flit[i][2*CW-1:0], x_i, y_i)][i] = 1'b1;
        end
      end
    end
  end

  // ---- Output allocation: a free output goes to the round-robin winner among its requests
  // and stays with that input (lock_q, owner_q) until the packet's tail flit has left ----
  logic [P-1:0]      lock_q;
  logic [P-1:0][IdxW-1:0] owner_q;  // [o]: the input output o is locked to

  for (genvar o = 0; o < P; o++) begin : g_out
    logic [P-1:0] unused_gnt;  // one-hot form of gnt_idx

    // A free output allocates to the winner; that consumes the winner's turn.
    rr_arbiter #(.NumIn(P)) u_arb (
      .clk_i,
      .rst_ni,
      .req_i    (lock_q[o] ? '0 : req[o]),
      .gnt_o    (unused_gnt),
      .gnt_idx_o(gnt_idx[o]),
      .advance_i(grant[o])
    );
  end

  // ---- Switch: output o shows the front flit of the input it is switched to ----
  logic [P-1:0][IdxW-1:0] alloc;  // [o]: the input output o is allocated to (with a grant now)
  logic [P-1:0][IdxW-1:0] sel;    // [o]: the input driving output o
  logic [P-1:0]      drive;     // output o is switched to an input
  logic [P-1:0]      out_valid; // drive[o] && the input it is switched to holds a flit
  logic [P-1:0]      out_tail;  // the flit on output o is its packet's last

  always_comb begin
    for (int o = 0; o < P; o++) begin
      grant[o] = !lock_q[o] && (req[o] != '0);
      alloc[o] = lock_q[o] ? owner_q[o] : gnt_idx[o];
      // PipeAlloc: a grant takes effect in the next cycle, through the registers only.
      sel[o]   = Pipe ? owner_q[o] : alloc[o];
      drive[o] = Pipe ? lock_q[o] : lock_q[o] || grant[o];
      // A tree of 2:1 muxes on the select bits (P = 5): Yosys maps it to MUX cells, where an
      // indexed read of q_flit becomes a decoder (about 1.6x the cells at FlitW = 128).
      out_flit_o[o] =
          sel[o][2] ? q_flit[4] :
          sel[o][1] ? (sel[o][0] ? q_flit[3] : q_flit[2]) :
                      (sel[o][0] ? q_flit[1] : q_flit[0]);
      out_valid[o]   = drive[o] && q_valid[sel[o]];
      out_tail[o]    = out_flit_o[o][TailBit];
    end
  end

  // PipeAlloc: the output valids are registers too (same cycles), loaded with the next
  // lock and the next front of the next owner: the link into the neighbour's buffer write
  // starts at a flip-flop, not at a count, the owner's select and the lock.
  logic [P-1:0] lock_d;
  if (Pipe) begin : g_valid_reg
    logic [P-1:0] out_valid_q;
    always_ff @(posedge clk_i) begin
      if (!rst_ni) out_valid_q <= '0;
      else for (int o = 0; o < P; o++) out_valid_q[o] <= lock_d[o] && q_valid_next[alloc[o]];
    end
    assign out_valid_o = out_valid_q;
    `ASSERT_ALWAYS(a_out_valid_reg, clk_i, rst_ni, out_valid_q == out_valid,
                   "the registered output valids disagree with the lock and the buffers")
  end else begin : g_valid
    logic unused_valid_next;
    assign unused_valid_next = ^q_valid_next;
    assign out_valid_o = out_valid;
  end

  // ---- Handshakes: the only combinational logic that depends on an input ----
  logic [P-1:0] out_xfer;

  always_comb begin
    out_xfer = out_valid_o & out_ready_i;
    // Each input drives at most one output (its packet's), so at most one pop per input.
    q_pop    = '0;
    for (int o = 0; o < P; o++) begin
      if (out_xfer[o]) q_pop = q_pop | (P'(1) << sel[o]);
    end
  end

  assign lock_d = (lock_q | grant) & ~(out_xfer & out_tail);

  // The allocation state is updated with the handshake at the edge (not as _d logic, see
  // stream_fifo). A new packet locks its output; the tail releases the output in the cycle it
  // leaves (a one-flit packet's in the cycle it is granted).
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      lock_q  <= '0;
      owner_q <= '0;
    end else begin
      lock_q  <= lock_d;
      owner_q <= alloc;
    end
  end

  // ---- Checks (simulation only) ----
`ifndef SYNTHESIS
  logic [P-1:0] body;      // a body or tail flit waits at the front of input i
  logic [P-1:0] owns;      // input i holds an allocated output (looked up for body flits)
  logic [P-1:0] switched;  // input i drives some output
  logic [P-1:0] twice;     // input i drives two outputs
  always_comb begin
    body     = q_valid & ~q_head;
    owns     = '0;
    switched = '0;
    twice    = '0;
    if (body != '0) begin
      for (int o = 0; o < P; o++) begin
        if (lock_q[o]) owns = owns | (P'(1) << owner_q[o]);
      end
    end
    for (int o = 0; o < P; o++) begin
      if (drive[o]) begin
        twice    = twice | (switched & (P'(1) << sel[o]));
        switched = switched | (P'(1) << sel[o]);
      end
    end
  end

  // The stream rule on every input and every output port.
  `ASSERT_STREAMS_STABLE(a_in_stable, clk_i, rst_ni, P, in_valid_i, in_ready_o, in_flit_i)
  `ASSERT_STREAMS_STABLE(a_out_stable, clk_i, rst_ni, P, out_valid_o, out_ready_i, out_flit_o)
  // A body or tail flit at the front of an input belongs to a packet holding an output; no
  // input drives two outputs. (Whole-vector checks over the inputs: one test each per cycle.)
  `ASSERT_ALWAYS(a_body_has_path, clk_i, rst_ni, (body & ~owns) == '0,
                 "body flit at an input that holds no output (packet framing broken)")
  `ASSERT_ALWAYS(a_one_output, clk_i, rst_ni, twice == '0, "an input is switched to two outputs")
`endif

  // Cover point (coverage build only): output o contended, i.e. two inputs ask for it at once
  // or one asks while another's packet holds it (g_cov_out index: Port*, 0 local,
  // 1 N, 2 E, 3 S, 4 W).
  for (genvar o = 0; o < P; o++) begin : g_cov_out
    `COVER(cov_out_contended, clk_i, rst_ni,
           (req[o] & (req[o] - P'(1))) != '0 || (lock_q[o] && req[o] != '0))
  end
endmodule
