// 5-port wormhole router (local, N, E, S, W) with XY dimension-order routing.
//
// Each input port has a stream_fifo of Depth flits (registered output). A head flit at the
// front of an input FIFO requests the output its XY route names; each output has a
// round-robin arbiter (rr_arbiter) among the inputs whose head flit requests it. The winner
// is allocated the output at once (even if the downstream is not ready, so the offered flit
// never changes under back-pressure) and keeps it until its tail flit has passed: flits of
// different packets never interleave on a link. One flit per input and per output per cycle.
// Zero-load latency: 1 cycle per router (the FIFO write); the switch is combinational from
// the FIFO output to the next router's FIFO input.
//
// Vectors over ports are flat ([p*W +: W]): Yosys 0.23 has no multi-dimensional packed arrays.
`include "luoshu_assert.svh"

module noc_router #(
  parameter int FlitW = 34,  // flit width on every link, including the head/tail bits
  parameter int Depth = 2    // input FIFO depth in flits
) (
  input  logic                               clk_i,
  input  logic                               rst_ni,
  input  logic [noc_pkg::CoordW-1:0]         x_i,  // this router's coordinates (constant)
  input  logic [noc_pkg::CoordW-1:0]         y_i,
  // Port order: noc_pkg::Port* (0 local, 1 N, 2 E, 3 S, 4 W); port p's flit is
  // [p*FlitW +: FlitW].
  input  logic [noc_pkg::NumPorts-1:0]       in_valid_i,
  output logic [noc_pkg::NumPorts-1:0]       in_ready_o,
  input  logic [noc_pkg::NumPorts*FlitW-1:0] in_flit_i,
  output logic [noc_pkg::NumPorts-1:0]       out_valid_o,
  input  logic [noc_pkg::NumPorts-1:0]       out_ready_i,
  output logic [noc_pkg::NumPorts*FlitW-1:0] out_flit_o
);
  // One C++ class shared by every router of a mesh instead of a flattened copy per router:
  // a much smaller model (build time), and it avoids a Verilator 5.006 bug where a split
  // sampled-value function of a large flattened mesh uses an undeclared loop variable.
  /* verilator no_inline_module */
  if (FlitW < noc_pkg::RouteW + noc_pkg::FrameW) begin : g_bad_flitw
    // 14 = noc_pkg::RouteW + noc_pkg::FrameW (literal: Yosys does not format $error).
    $error("noc_router: FlitW must be >= 14 (route + head/tail bits), got %0d", FlitW);
  end

  localparam int P    = noc_pkg::NumPorts;
  localparam int CntW = $clog2(Depth + 1);
  localparam int IdxW = $clog2(P);
  localparam int HeadBit = FlitW - 2;
  localparam int TailBit = FlitW - 1;

  // ---- Input FIFOs and route computation ----
  logic [P-1:0]       q_valid, q_head, q_pop;
  logic [P*FlitW-1:0] q_flit;
  logic [P*P-1:0]     q_route;  // [i*P + o]: head flit at input i requests output o

  for (genvar i = 0; i < P; i++) begin : g_in
    logic [CntW-1:0]   unused_count;
    logic [noc_pkg::CoordW-1:0] dst_x, dst_y;  // route_t.dst (noc_pkg::coord_t: {y, x})
    logic [IdxW-1:0]   dir;

    stream_fifo #(.Depth(Depth), .Width(FlitW)) u_fifo (
      .clk_i,
      .rst_ni,
      .in_valid_i (in_valid_i[i]),
      .in_ready_o (in_ready_o[i]),
      .in_data_i  (in_flit_i[i*FlitW +: FlitW]),
      .out_valid_o(q_valid[i]),
      .out_ready_i(q_pop[i]),
      .out_data_o (q_flit[i*FlitW +: FlitW]),
      .count_o    (unused_count)
    );

    assign q_head[i] = q_flit[i*FlitW + HeadBit];
    assign dst_x     = q_flit[i*FlitW +: noc_pkg::CoordW];
    assign dst_y     = q_flit[i*FlitW + noc_pkg::CoordW +: noc_pkg::CoordW];

    // XY dimension-order routing: first along x, then along y.
    always_comb begin
      if (dst_x > x_i)      dir = IdxW'(noc_pkg::PortEast);
      else if (dst_x < x_i) dir = IdxW'(noc_pkg::PortWest);
      else if (dst_y > y_i) dir = IdxW'(noc_pkg::PortNorth);
      else if (dst_y < y_i) dir = IdxW'(noc_pkg::PortSouth);
      else                  dir = IdxW'(noc_pkg::PortLocal);
    end
    assign q_route[i*P +: P] = P'(1) << dir;
  end

  // ---- Output allocation and switch ----
  logic [P-1:0]      lock_q;   // output allocated to a packet until its tail leaves
  logic [P*IdxW-1:0] owner_q;  // the input that holds it
  logic [P-1:0]      lock_d;
  logic [P*IdxW-1:0] owner_d;
  logic [P*P-1:0]    sel;      // [o*P + i]: input i drives output o (one-hot per output)
  logic [P-1:0]      out_xfer;

  for (genvar o = 0; o < P; o++) begin : g_out
    logic [P-1:0]     req, gnt, sel_o;
    logic [IdxW-1:0]  gnt_idx, owner;
    logic             grant_new;
    logic [FlitW-1:0] flit;

    for (genvar i = 0; i < P; i++) begin : g_req
      assign req[i] = !lock_q[o] && q_valid[i] && q_head[i] && q_route[i*P + o];
    end

    // A free output allocates to the winner; that consumes the winner's turn.
    assign grant_new = |gnt;

    rr_arbiter #(.NumIn(P)) u_arb (
      .clk_i,
      .rst_ni,
      .req_i    (req),
      .gnt_o    (gnt),
      .gnt_idx_o(gnt_idx),
      .advance_i(grant_new)
    );

    assign owner = owner_q[o*IdxW +: IdxW];
    assign sel_o = lock_q[o] ? (P'(1) << owner) : gnt;
    assign sel[o*P +: P] = sel_o;

    always_comb begin
      flit = '0;
      for (int i = 0; i < P; i++) begin
        if (sel_o[i]) flit = q_flit[i*FlitW +: FlitW];
      end
    end
    assign out_flit_o[o*FlitW +: FlitW] = flit;
    assign out_valid_o[o] = |(sel_o & q_valid);
    assign out_xfer[o]    = out_valid_o[o] && out_ready_i[o];

    always_comb begin
      lock_d[o]                 = lock_q[o];
      owner_d[o*IdxW +: IdxW]   = owner;
      if (grant_new) begin
        lock_d[o]               = 1'b1;
        owner_d[o*IdxW +: IdxW] = gnt_idx;
      end
      // The tail releases the output in the cycle it leaves.
      if (out_xfer[o] && flit[TailBit]) lock_d[o] = 1'b0;
    end
  end

  // Each input drives at most one output (its packet's), so at most one pop per input.
  always_comb begin
    q_pop = '0;
    for (int o = 0; o < P; o++) begin
      if (out_xfer[o]) q_pop = q_pop | sel[o*P +: P];
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      lock_q  <= '0;
      owner_q <= '0;
    end else begin
      lock_q  <= lock_d;
      owner_q <= owner_d;
    end
  end

  // ---- Checks (simulation only) ----
`ifndef SYNTHESIS
  logic [P-1:0] owns;  // input currently holds an allocated output
  always_comb begin
    owns = '0;
    for (int o = 0; o < P; o++) begin
      if (lock_q[o]) owns = owns | (P'(1) << owner_q[o*IdxW +: IdxW]);
    end
  end

  // Input ports: u_fifo's a_in_stable checks each of them (the same valid/ready/flit), so
  // there is no second copy here (assertions cost ~half the simulation speed of a mesh).
  for (genvar p = 0; p < P; p++) begin : g_chk
    logic [P-1:0] selected_by;
    for (genvar o = 0; o < P; o++) begin : g_col
      assign selected_by[o] = sel[o*P + p];
    end
    `ASSERT_STREAM_STABLE(a_out_stable, clk_i, rst_ni, out_valid_o[p], out_ready_i[p],
                          out_flit_o[p*FlitW +: FlitW])
    // A body or tail flit at the front of an input belongs to a packet holding an output.
    `ASSERT_ALWAYS(a_body_has_path, clk_i, rst_ni, !(q_valid[p] && !q_head[p]) || owns[p],
                   "body flit at an input that holds no output (packet framing broken)")
    `ASSERT_ALWAYS(a_one_output, clk_i, rst_ni, $onehot0(selected_by),
                   "an input is switched to two outputs")
  end
`endif
endmodule
