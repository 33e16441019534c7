// The chip-level switch of one network (requests or responses) of a supernode chip
// (docs/supernode.md): it joins this chip's gateway (port 0, "local") with both dateline
// classes of every link port (port 1 + 2 l + c: link l, class c). Flits are the NoC's
// (noc_pkg: head, tail, payload); a head flit's memory header names the destination chip in
// its beat address: a request the chip it addresses (addr[27:25]), a response the chip that
// asked (addr[30:28], docs/supernode.md "Address map"). c2c_route picks the output and class.
//
// Wormhole: an output is allocated to one input from a packet's head to its tail. The
// allocation is registered (a round-robin winner per free output takes the output in the next
// cycle), so an offered flit never changes and each output idles one cycle between packets.
`include "luoshu_assert.svh"

module c2c_switch
  import c2c_pkg::*;
#(
  parameter int FlitW = 146,
  parameter int NumLinks = 2,   // link ports: 2 (a ring) or 4 (a torus)
  parameter bit Response = 0,   // 0: the request network, 1: the response network
  localparam int P = 1 + NumClasses * NumLinks
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,
  input  logic [ChipW-1:0]          chip_id_i,
  input  logic [3:0]                dim_x_i,
  input  logic [3:0]                dim_y_i,
  input  logic [P-1:0]              in_valid_i,
  output logic [P-1:0]              in_ready_o,
  input  logic [P-1:0][FlitW-1:0]   in_flit_i,
  output logic [P-1:0]              out_valid_o,
  input  logic [P-1:0]              out_ready_i,
  output logic [P-1:0][FlitW-1:0]   out_flit_o
);
  if (NumLinks != 2 && NumLinks != 4) begin : g_bad_links
    $error("c2c_switch: NumLinks must be 2 or 4 (got %0d)", NumLinks);
  end
  if (FlitW < noc_pkg::MemHdrW + noc_pkg::FrameW) begin : g_bad_flitw
    $error("c2c_switch: FlitW must hold a memory header (>= %0d, got %0d)",
           noc_pkg::MemHdrW + noc_pkg::FrameW, FlitW);
  end

  localparam int IdxW = $clog2(P);
  // The destination chip's bits in a head flit: mem_hdr_t's addr field starts above route,
  // kind, tag and len.
  localparam int AddrLsb = noc_pkg::RouteW + 2 + noc_pkg::TagW + noc_pkg::LenW;
  localparam int ChipLsb = AddrLsb + (Response ? PeerBeatLsb : ChipBeatLsb);

  // ---------------------------------------------------------------- routes of head flits
  logic [P-1:0]           head, tail;
  logic [P-1:0][IdxW-1:0] want;   // the output a waiting head flit asks for
  for (genvar i = 0; i < P; i++) begin : g_in
    logic              to_local, out_class;
    logic [1:0]        out_link;
    assign head[i] = in_flit_i[i][FlitW-2];
    assign tail[i] = in_flit_i[i][FlitW-1];
    c2c_route u_route (
      .chip_id_i,
      .dim_x_i,
      .dim_y_i,
      .dst_chip_i (in_flit_i[i][ChipLsb +: ChipW]),
      .from_link_i(i != 0),
      .in_dim_i   (1'((i - 1) / NumClasses / 2)),
      .in_class_i (1'((i - 1) % NumClasses)),
      .local_o    (to_local),
      .link_o     (out_link),
      .class_o    (out_class)
    );
    assign want[i] = to_local ? '0 : IdxW'(1 + NumClasses * 32'(out_link) + 32'(out_class));
  end

  // ---------------------------------------------------------------- allocation
  logic [P-1:0]           alloc_q;   // input i holds an output ...
  logic [P-1:0][IdxW-1:0] tgt_q;     // ... this one
  logic [P-1:0]           lock_q;    // output o is held ...
  logic [P-1:0][IdxW-1:0] owner_q;   // ... by this input
  logic [P-1:0][P-1:0]    req, gnt;  // [output][input]
  logic [P-1:0][IdxW-1:0] gnt_idx;
  logic [P-1:0]           out_fire, in_fire;

  for (genvar o = 0; o < P; o++) begin : g_out
    for (genvar i = 0; i < P; i++) begin : g_req
      assign req[o][i] = in_valid_i[i] && head[i] && !alloc_q[i] && !lock_q[o] &&
                         want[i] == IdxW'(o);
    end
    rr_arbiter #(.NumIn(P)) u_arb (
      .clk_i,
      .rst_ni,
      .req_i    (req[o]),
      .gnt_o    (gnt[o]),
      .gnt_idx_o(gnt_idx[o]),
      .advance_i(req[o] != '0)
    );
    assign out_valid_o[o] = lock_q[o] && in_valid_i[owner_q[o]];
    assign out_flit_o[o]  = in_flit_i[owner_q[o]];
    assign out_fire[o]    = out_valid_o[o] && out_ready_i[o];
  end
  for (genvar i = 0; i < P; i++) begin : g_ready
    assign in_ready_o[i] = alloc_q[i] && out_ready_i[tgt_q[i]];
    assign in_fire[i]    = in_valid_i[i] && in_ready_o[i];
  end

  // Grants take free outputs; a tail leaving frees its output and its input.
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      alloc_q <= '0;
      lock_q  <= '0;
    end else begin
      for (int o = 0; o < P; o++) begin
        if (out_fire[o] && out_flit_o[o][FlitW-1]) lock_q[o] <= 1'b0;
        else if (gnt[o] != '0) lock_q[o] <= 1'b1;
      end
      for (int i = 0; i < P; i++) begin
        if (in_fire[i] && tail[i]) alloc_q[i] <= 1'b0;
        else if (in_valid_i[i] && head[i] && !alloc_q[i] && !lock_q[want[i]] &&
                 gnt[want[i]][i]) alloc_q[i] <= 1'b1;
      end
    end
  end
  always_ff @(posedge clk_i) begin
    for (int o = 0; o < P; o++) begin
      if (gnt[o] != '0) owner_q[o] <= gnt_idx[o];
    end
    for (int i = 0; i < P; i++) begin
      if (!alloc_q[i]) tgt_q[i] <= want[i];
    end
  end

  // ---------------------------------------------------------------- checks
  `ASSERT_STREAMS_STABLE(a_in_stable, clk_i, rst_ni, P, in_valid_i, in_ready_o, in_flit_i)
  `ASSERT_STREAMS_STABLE(a_out_stable, clk_i, rst_ni, P, out_valid_o, out_ready_i, out_flit_o)
  for (genvar i = 0; i < P; i++) begin : g_check
    `ASSERT_ALWAYS(a_framing, clk_i, rst_ni, !in_valid_i[i] || head[i] || alloc_q[i],
                   "a body flit arrived without a packet head before it")
    `ASSERT_ALWAYS(a_no_u_turn, clk_i, rst_ni,
                   !(in_valid_i[i] && head[i] && !alloc_q[i]) ||
                   (i == 0 ? want[i] != '0 :
                    want[i] == '0 || (32'(want[i]) - 1) / NumClasses != (i - 1) / NumClasses),
                   "a packet would leave the way it came (a local packet to its own chip, or a U-turn)")
    `ASSERT_ALWAYS(a_port_exists, clk_i, rst_ni,
                   !(in_valid_i[i] && head[i]) || 32'(want[i]) < P,
                   "a packet routed to a link port this switch does not have")
  end
  `ASSERT_ALWAYS(a_dims, clk_i, rst_ni,
                 dim_x_i != '0 && dim_y_i != '0 && 32'(dim_x_i) * 32'(dim_y_i) <= MaxChips &&
                 32'(chip_id_i) < 32'(dim_x_i) * 32'(dim_y_i) &&
                 (NumLinks == 4 || dim_y_i == 4'd1),
                 "chip topology pins out of range (DimX * DimY <= 8, chip id inside, a ring on 2 links)")
endmodule
