// Formal wrapper of noc_router (scripts/formal.sh noc_router), FlitW = 14 (route + framing,
// the narrowest legal flit), Depth = 2 and 4 (the depths the meshes and the SoC use; other
// depths: --param Depth=N), and Depth = 2 with PipeAlloc = 1 (registered allocation; Depth 4:
// --param Depth=4 --param PipeAlloc=1, minutes). Proven by temporal induction, for every traffic of
// any length from reset on all five inputs, at any router position (x_i, y_i: any constant):
//   - the stream rule on every output, assuming it on every input;
//   - one-hot routing: no two outputs offer a flit of the same input in a cycle, and the
//     switch never connects an input to two outputs (the RTL's a_one_output check);
//   - XY routing: a head flit leaves only on the one legal output for its destination (East
//     while dst.x > x, West while dst.x < x, then North / South while dst.y > y / < y, Local
//     at the destination);
//   - wormhole framing: an output carries whole packets, a head flit first and then only
//     flits of that packet (same input) until its tail, so body flits follow their head and
//     packets never interleave on a link;
//   - per input, flits leave in the order they came in, each exactly once (no loss, no
//     duplication), and an input is ready exactly when its buffer has room.
// Environment (assumed): the stream rule on each input, well-formed packets on each input (a
// head flit first, then body flits up to a tail; head = tail = 1 is a one-flit packet), and
// constant coordinates.
//
// Tagging, and why it loses no generality: the router reads only the head and tail bits and,
// of head flits, dst (bits [5:0]); bits [11:6] (src in a head flit, payload in the others)
// are only moved. The proof assumes that every flit on input i carries i in bits [8:6] and its
// number on that input (modulo 8) in bits [11:9]. Any traffic has a tagged twin with the same
// control behaviour, so the properties, checked on the tags at the outputs, hold for all.
// Wider flits only add moved bits. Not covered: liveness (no deadlock, no starvation; the
// output arbiter's fairness is rr_arbiter's own proof, its use here is not), and a mesh.
module noc_router_formal #(
  parameter int Depth = 2,
  parameter int PipeAlloc = 0
) (
  input logic                               clk_i,
  input logic [noc_pkg::CoordW-1:0]         x_i,
  input logic [noc_pkg::CoordW-1:0]         y_i,
  input logic [noc_pkg::NumPorts-1:0]       in_valid_i,
  input logic [noc_pkg::NumPorts-1:0][13:0] in_flit_i,  // FlitW = 14; port p's flit is [p]
  input logic [noc_pkg::NumPorts-1:0]       out_ready_i
);
  localparam int P     = noc_pkg::NumPorts;
  localparam int CW    = noc_pkg::CoordW;
  localparam int FlitW = 14;
  localparam int IdxW  = $clog2(P);
  localparam int SeqW  = 3;  // flit numbers per input, modulo 8 > Depth

  // Flit fields (noc_pkg): [13] tail, [12] head, [11:9] number, [8:6] input tag, [5:0] dst.
  function automatic logic f_tail(logic [FlitW-1:0] f); return f[13]; endfunction
  function automatic logic f_head(logic [FlitW-1:0] f); return f[12]; endfunction
  function automatic logic [SeqW-1:0] f_seq(logic [FlitW-1:0] f); return f[11:9]; endfunction
  function automatic logic [IdxW-1:0] f_tag(logic [FlitW-1:0] f); return f[8:6]; endfunction

  // XY routing, stated on its own: the only output a head flit for dst may take at (x, y).
  function automatic logic xy_legal(int o, logic [FlitW-1:0] f, logic [CW-1:0] x,
                                    logic [CW-1:0] y);
    logic [CW-1:0] dx, dy;
    dx = f[CW-1:0];
    dy = f[2*CW-1:CW];
    case (o)
      noc_pkg::PortEast:  return dx > x;
      noc_pkg::PortWest:  return dx < x;
      noc_pkg::PortNorth: return dx == x && dy > y;
      noc_pkg::PortSouth: return dx == x && dy < y;
      default:            return dx == x && dy == y;  // PortLocal
    endcase
  endfunction

  // Reset in the first cycle only. Every other register starts at an arbitrary value.
  logic rst_nq = 1'b0;
  always_ff @(posedge clk_i) rst_nq <= 1'b1;

  logic [P-1:0]             in_ready, out_valid;
  logic [P-1:0][FlitW-1:0]  out_flit;

  noc_router #(.FlitW(FlitW), .Depth(Depth), .PipeAlloc(PipeAlloc)) u_dut (
    .clk_i,
    .rst_ni     (rst_nq),
    .x_i,
    .y_i,
    .in_valid_i,
    .in_ready_o (in_ready),
    .in_flit_i,
    .out_valid_o(out_valid),
    .out_ready_i,
    .out_flit_o (out_flit)
  );

  logic [P-1:0] in_xfer, out_xfer;
  for (genvar p = 0; p < P; p++) begin : g_port
    assign in_xfer[p]  = in_valid_i[p] && in_ready[p];
    assign out_xfer[p] = out_valid[p] && out_ready_i[p];
    formal_stream_rule #(.Width(FlitW), .Assume(1'b1)) u_in_rule (
      .clk_i, .rst_ni(rst_nq), .valid_i(in_valid_i[p]), .ready_i(in_ready[p]),
      .data_i(in_flit_i[p]));
    formal_stream_rule #(.Width(FlitW), .Assume(1'b0)) u_out_rule (
      .clk_i, .rst_ni(rst_nq), .valid_i(out_valid[p]), .ready_i(out_ready_i[p]),
      .data_i(out_flit[p]));
  end

  // ---- Bookkeeping: flit numbers and packet state per input and per output ----
  logic [CW-1:0]            x_q, y_q;
  logic [P-1:0][SeqW-1:0]   in_seq_q;    // flits taken on input i
  logic [P-1:0][SeqW-1:0]   out_seq_q;   // flits of input i that have left (on any output)
  logic [P-1:0]             in_open_q;   // input i is inside a packet (its head was taken)
  logic [P-1:0]             out_open_q;  // output o is inside a packet (its head has left)
  logic [P-1:0][IdxW-1:0]   out_src_q;   // the input that packet came from
  always_ff @(posedge clk_i) begin
    x_q <= x_i;
    y_q <= y_i;
    if (!rst_nq) begin
      in_open_q  <= '0;
      out_open_q <= '0;
      for (int p = 0; p < P; p++) begin
        in_seq_q[p]  <= '0;
        out_seq_q[p] <= '0;
      end
    end else begin
      for (int p = 0; p < P; p++) begin
        if (in_xfer[p]) begin
          in_seq_q[p]  <= in_seq_q[p] + 1'b1;
          in_open_q[p] <= !f_tail(in_flit_i[p]);
        end
        if (out_xfer[p]) begin
          out_open_q[p] <= !f_tail(out_flit[p]);
          out_src_q[p]  <= f_tag(out_flit[p]);
        end
      end
      // One increment per input: at most one output carries a given input's flit (asserted).
      for (int i = 0; i < P; i++) begin
        for (int o = 0; o < P; o++) begin
          if (out_xfer[o] && f_tag(out_flit[o]) == IdxW'(i)) out_seq_q[i] <= out_seq_q[i] + 1'b1;
        end
      end
    end
  end

  // ---- Environment ----
  always_comb begin
    if (rst_nq) begin
      assume (x_i == x_q && y_i == y_q);
      for (int i = 0; i < P; i++) begin
        if (in_valid_i[i]) begin
          assume (f_tag(in_flit_i[i]) == IdxW'(i));
          assume (f_seq(in_flit_i[i]) == in_seq_q[i]);
          assume (f_head(in_flit_i[i]) == !in_open_q[i]);
        end
      end
    end
  end

  // ---- Properties ----
  logic         ok_one_output, ok_switch_one_hot;
  logic [P-1:0] ok_xy, ok_framing, ok_order, ok_in_ready;
  logic [P-1:0] switched;  // inputs the switch connects to some output
  always_comb begin
    ok_one_output     = 1'b1;
    ok_switch_one_hot = 1'b1;
    switched          = '0;
    for (int o = 0; o < P; o++) begin
      for (int o2 = o + 1; o2 < P; o2++) begin
        if (out_valid[o] && out_valid[o2] && f_tag(out_flit[o]) == f_tag(out_flit[o2])) begin
          ok_one_output = 1'b0;
        end
      end
      if (u_dut.drive[o]) begin
        if (switched[u_dut.sel[o]]) ok_switch_one_hot = 1'b0;
        switched[u_dut.sel[o]] = 1'b1;
      end
      ok_xy[o] = !out_valid[o] || !f_head(out_flit[o]) || xy_legal(o, out_flit[o], x_i, y_i);
      // Inside a packet: a body or tail flit of the same input; between packets: a head.
      ok_framing[o] = !out_valid[o] ||
                      (out_open_q[o] ? !f_head(out_flit[o]) && f_tag(out_flit[o]) == out_src_q[o]
                                     : f_head(out_flit[o]));
      // The oldest flit of its input that has not left yet.
      ok_order[o] = !out_valid[o] || f_seq(out_flit[o]) == out_seq_q[f_tag(out_flit[o])];
    end
    for (int i = 0; i < P; i++) begin
      ok_in_ready[i] = in_ready[i] == (in_seq_q[i] - out_seq_q[i] < SeqW'(Depth));
    end
  end
  always_comb begin
    if (rst_nq) begin
      assert (ok_one_output);
      assert (ok_switch_one_hot);
      assert (ok_xy == '1);
      assert (ok_framing == '1);
      assert (ok_order == '1);
      assert (ok_in_ready == '1);
    end
  end

  // ---- Induction strengthening (names the router's internals, only so that the induction
  // step closes; asserted like the properties, so each is proven too) ----
  // Per input buffer: pointers and count agree with the flit numbers, every buffered flit
  // carries its input's tag and the next numbers, and the buffered flits continue the packet
  // state: a packet open at the output side wants body flits until a tail, a closed one a
  // head, ending in the input side's packet state.
  // (Slot arithmetic wraps by one subtraction, not %: a divider per slot would dominate the
  // SAT problem.)
  localparam int SlotW = $clog2(Depth) + 2;
  function automatic logic [SlotW-1:0] wrap(logic [SlotW-1:0] slot);  // slot < 2 * Depth
    return slot >= SlotW'(Depth) ? slot - SlotW'(Depth) : slot;
  endfunction
  localparam int EntW = FlitW + (PipeAlloc != 0 ? P : 0);  // a buffer entry (noc_router)
  logic [P-1:0] inv_buffer, inv_frames, inv_route;
  for (genvar i = 0; i < P; i++) begin : g_inv_in
    logic [EntW-1:0]  slot [Depth];   // slot[k]: the k-th oldest buffer entry
    logic [FlitW-1:0] entry [Depth];  // its flit
    logic [SeqW-1:0]  cnt;
    logic [SlotW-1:0] rd, wr;
    logic             open;
    assign cnt = SeqW'(u_dut.g_in[i].cnt_q);
    assign rd  = SlotW'(u_dut.g_in[i].rd_q);
    assign wr  = SlotW'(u_dut.g_in[i].wr_q);
    always_comb begin
      for (int k = 0; k < Depth; k++) begin
        slot[k]  = u_dut.g_in[i].mem_q[wrap(rd + SlotW'(k))];
        entry[k] = slot[k][FlitW-1:0];
      end
      inv_buffer[i] = cnt == in_seq_q[i] - out_seq_q[i] && cnt <= SeqW'(Depth) &&
                      rd < SlotW'(Depth) && wr < SlotW'(Depth) && wr == wrap(rd + SlotW'(cnt));
      // Packet state before the oldest buffered flit: its packet holds an output.
      open = 1'b0;
      for (int o = 0; o < P; o++) begin
        if (out_open_q[o] && out_src_q[o] == IdxW'(i)) open = 1'b1;
      end
      inv_frames[i] = 1'b1;
      for (int k = 0; k < Depth; k++) begin
        if (SeqW'(k) < cnt) begin
          if (f_tag(entry[k]) != IdxW'(i) || f_seq(entry[k]) != out_seq_q[i] + SeqW'(k)) begin
            inv_buffer[i] = 1'b0;
          end
          if (f_head(entry[k]) == open) inv_frames[i] = 1'b0;
          open = !f_tail(entry[k]);
        end
      end
      if (open != in_open_q[i]) inv_frames[i] = 1'b0;
    end
    // PipeAlloc: each buffered flit's stored request is its XY output if a head, else none.
    if (PipeAlloc != 0) begin : g_route
      always_comb begin
        inv_route[i] = 1'b1;
        for (int k = 0; k < Depth; k++) begin
          for (int o = 0; o < P; o++) begin
            if (SeqW'(k) < cnt &&
                slot[k][FlitW+o] != (f_head(entry[k]) && xy_legal(o, entry[k], x_i, y_i))) begin
              inv_route[i] = 1'b0;
            end
          end
        end
      end
    end else begin : g_no_route
      assign inv_route[i] = 1'b1;
    end
  end
  // Per output: an open packet holds its output, locked to the input it came from; a locked
  // output whose packet has not started waits for that input's head flit, routed here.
  logic [P-1:0] inv_lock;
  always_comb begin
    for (int o = 0; o < P; o++) begin
      logic [IdxW-1:0]  owner;
      logic [FlitW-1:0] front;
      owner = u_dut.owner_q[o];
      front = u_dut.q_flit[owner];
      inv_lock[o] = 32'(owner) < P || !u_dut.lock_q[o];
      if (out_open_q[o] && !(u_dut.lock_q[o] && owner == out_src_q[o])) inv_lock[o] = 1'b0;
      if (u_dut.lock_q[o] && !out_open_q[o] &&
          !(u_dut.q_valid[owner] && f_head(front) && xy_legal(o, front, x_i, y_i))) begin
        inv_lock[o] = 1'b0;
      end
    end
  end
  // PipeAlloc: the registered output valids equal the lock and the owner's buffer state.
  logic inv_out_valid;
  if (PipeAlloc != 0) begin : g_inv_valid
    assign inv_out_valid = u_dut.g_valid_reg.out_valid_q == u_dut.out_valid;
  end else begin : g_no_inv_valid
    assign inv_out_valid = 1'b1;
  end
  always_comb begin
    if (rst_nq) begin
      assert (inv_buffer == '1);
      assert (inv_frames == '1);
      assert (inv_lock == '1);
      assert (inv_route == '1);
      assert (inv_out_valid);
    end
  end

  // ---- Reachable from reset (scripts/formal.sh checks each cov_*): not vacuous ----
  (* keep *) logic cov_body_flit, cov_contention, cov_three_outputs;
  always_comb begin
    cov_body_flit     = 1'b0;  // a flit that is neither head nor tail leaves
    cov_contention    = 1'b0;  // an output is allocated while two inputs want it
    for (int o = 0; o < P; o++) begin
      if (out_xfer[o] && !f_head(out_flit[o]) && !f_tail(out_flit[o])) cov_body_flit = 1'b1;
      if (u_dut.grant[o] && $countones(u_dut.req[o]) > 1) cov_contention = 1'b1;
    end
    cov_body_flit     = rst_nq && cov_body_flit;
    cov_contention    = rst_nq && cov_contention;
    cov_three_outputs = rst_nq && $countones(out_xfer) >= 3;
  end
endmodule
