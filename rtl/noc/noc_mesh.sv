// X x Y mesh of noc_router, one network (a request or a response network).
// Node n = y * X + x sits at (x, y); x grows to the East, y to the North. Each node has a
// local inject port (into its router) and eject port (out of it); node n's flit is element n
// of the flit arrays.
// A head flit must name a destination inside the mesh (else an edge assertion fires).
`include "luoshu_assert.svh"

module noc_mesh
  import noc_pkg::*;
#(
  parameter int X     = 2,
  parameter int Y     = 2,
  parameter int FlitW = 34,  // including the head/tail bits, see noc_pkg
  parameter int Depth = 2,   // router input FIFO depth
  parameter int PipeAlloc = 0  // 1: registered allocation in every router (noc_router)
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  input  logic [X*Y-1:0]        inject_valid_i,
  output logic [X*Y-1:0]        inject_ready_o,
  input  logic [X*Y-1:0][FlitW-1:0] inject_flit_i,
  output logic [X*Y-1:0]        eject_valid_o,
  input  logic [X*Y-1:0]        eject_ready_i,
  output logic [X*Y-1:0][FlitW-1:0] eject_flit_o
);
  if (X < 1 || X > MaxDim) begin : g_bad_x
    $error("noc_mesh: X must be 1..%0d (got %0d)", MaxDim, X);
  end
  if (Y < 1 || Y > MaxDim) begin : g_bad_y
    $error("noc_mesh: Y must be 1..%0d (got %0d)", MaxDim, Y);
  end

  localparam int N = X * Y;
  localparam int P = NumPorts;
  localparam int PL = PortLocal;
  localparam int PN = PortNorth;
  localparam int PE = PortEast;
  localparam int PS = PortSouth;
  localparam int PW = PortWest;

  // Router ports, one packed bundle per node (unpacked over nodes): each router's ports are
  // their own variables in the simulator, not slices of one N*P*FlitW-bit vector that would be
  // reassembled (and copied whole) whenever any link or any inject port changes.
  logic [P-1:0]       in_valid [N];
  logic [P-1:0]       in_ready [N];
  logic [P-1:0]       out_valid [N];
  logic [P-1:0]       out_ready [N];
  logic [P-1:0][FlitW-1:0] in_flit [N];
  logic [P-1:0][FlitW-1:0] out_flit [N];

  for (genvar yy = 0; yy < Y; yy++) begin : g_y
    for (genvar xx = 0; xx < X; xx++) begin : g_x
      localparam int Node = yy * X + xx;

      noc_router #(.FlitW(FlitW), .Depth(Depth), .PipeAlloc(PipeAlloc)) u_router (
        .clk_i,
        .rst_ni,
        .x_i        (CoordW'(xx)),
        .y_i        (CoordW'(yy)),
        .in_valid_i (in_valid[Node]),
        .in_ready_o (in_ready[Node]),
        .in_flit_i  (in_flit[Node]),
        .out_valid_o(out_valid[Node]),
        .out_ready_i(out_ready[Node]),
        .out_flit_o (out_flit[Node])
      );

      // Local port.
      assign in_valid[Node][PL]                 = inject_valid_i[Node];
      assign inject_ready_o[Node]               = in_ready[Node][PL];
      assign in_flit[Node][PL]   = inject_flit_i[Node];
      assign eject_valid_o[Node]                = out_valid[Node][PL];
      assign out_ready[Node][PL]                = eject_ready_i[Node];
      assign eject_flit_o[Node]  = out_flit[Node][PL];

      // Mesh ports: port p of this router faces port Opp of the neighbour Nb.
      for (genvar p = 1; p < P; p++) begin : g_link
        localparam bit Has = (p == PN) ? (yy < Y - 1) : (p == PE) ? (xx < X - 1) :
                             (p == PS) ? (yy > 0) : (xx > 0);
        localparam int Nb  = (p == PN) ? Node + X : (p == PE) ? Node + 1 :
                             (p == PS) ? Node - X : Node - 1;
        localparam int Opp = (p == PN) ? PS : (p == PE) ? PW : (p == PS) ? PN : PE;
        if (Has) begin : g_nb
          assign in_valid[Node][p]               = out_valid[Nb][Opp];
          assign in_flit[Node][p] = out_flit[Nb][Opp];
          assign out_ready[Node][p]              = in_ready[Nb][Opp];
        end else begin : g_edge
          // XY routing never sends a flit off the mesh: only a head flit addressed to a node
          // outside the X x Y mesh gets here, and this assertion names it.
          logic unused_edge;
          assign unused_edge = ^{in_ready[Node][p], out_flit[Node][p]};
          assign in_valid[Node][p]               = 1'b0;
          assign in_flit[Node][p] = '0;
          assign out_ready[Node][p]              = 1'b0;
          `ASSERT_ALWAYS(a_no_edge_exit, clk_i, rst_ni, !out_valid[Node][p],
                         "a flit was routed off the mesh edge")
        end
      end

    end
  end
endmodule
