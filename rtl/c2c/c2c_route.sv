// Chip-to-chip routing (docs/supernode.md, "Topologies and routing"): which way a packet
// leaves a chip, and in which dateline class. Combinational.
//
// Chips form a torus of DimX x DimY (a ring of n chips is n x 1); chip id = y * DimX + x.
// Dimension order: first along X, then along Y; in each dimension the shorter way round, the
// plus direction when both are equally long. Dateline: the link from coordinate n-1 to 0
// (plus) and from 0 to n-1 (minus) of each ring; a packet that crosses it moves to class 1
// and keeps that class until it turns into the next dimension (which starts again at 0).
module c2c_route
  import c2c_pkg::*;
(
  input  logic [ChipW-1:0] chip_id_i,   // this chip
  input  logic [3:0]       dim_x_i,     // torus size: 1..8 each, DimX * DimY <= 8
  input  logic [3:0]       dim_y_i,
  input  logic [ChipW-1:0] dst_chip_i,  // where the packet goes
  input  logic             from_link_i, // it arrived on a link (else from this chip)
  input  logic             in_dim_i,    // ... on a link of this dimension (0: X, 1: Y)
  input  logic             in_class_i,  // ... in this class
  output logic             local_o,     // it has arrived
  output logic [1:0]       link_o,      // else: leave on this link port
  output logic             class_o      // ... in this class
);
  logic [3:0] own_x, own_y, dst_x, dst_y, a, b, n, delta;
  logic       dim, plus;

  assign own_x = 4'(chip_id_i) % dim_x_i;
  assign own_y = 4'(chip_id_i) / dim_x_i;
  assign dst_x = 4'(dst_chip_i) % dim_x_i;
  assign dst_y = 4'(dst_chip_i) / dim_x_i;

  always_comb begin
    local_o = 1'b0;
    dim     = 1'b0;
    a       = own_x;
    b       = dst_x;
    n       = dim_x_i;
    if (own_x == dst_x) begin
      dim = 1'b1;
      a   = own_y;
      b   = dst_y;
      n   = dim_y_i;
      local_o = own_y == dst_y;
    end
    delta   = b >= a ? b - a : b + n - a;  // hops in the plus direction
    plus    = {delta, 1'b0} <= {1'b0, n};  // at most half way round (ties go plus)
    link_o  = {dim, !plus};
    // Class: kept along a dimension, restarted at 0 on a turn; 1 across the dateline.
    class_o = (from_link_i && in_dim_i == dim && in_class_i) ||
              (plus ? a == n - 4'd1 : a == 4'd0);
  end
endmodule
