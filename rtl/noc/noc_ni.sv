// Network interface: memory messages <-> packets, for one node on one pair of networks.
//
// tx (message -> packet): a mem_hdr_t (the caller sets kind, addr, len, tag and route.dst;
// the NI fills route.src with its own coordinates) becomes the head flit; if the kind
// carries data (write, read response) the next `len` words of tx_data become the data flits,
// the last one marked tail. rx (packet -> message): a head flit comes out as rx_hdr, the
// data flits after it as rx_data words (rx_data_last_o on the packet's tail).
// A client node sends requests and receives responses; a memory node does the reverse (the
// top decides which network each side is wired to, see noc_dual_mesh).
// Data words are DataW = FlitW - FrameW bits; FlitW must leave room for a mem_hdr_t.
`include "luoshu_assert.svh"

module noc_ni
  import noc_pkg::*;
#(
  parameter int FlitW = 66,
  // 1: route.src passes through as given (a chip gateway packing packets it did not make,
  // docs/supernode.md); x_i / y_i are then unused.
  parameter bit KeepSrc = 0,
  localparam int DataW = FlitW - FrameW
) (
  input  logic                        clk_i,
  input  logic                        rst_ni,
  input  logic [CoordW-1:0]  x_i,  // this node's coordinates (constant)
  input  logic [CoordW-1:0]  y_i,
  // Messages in, packets out.
  input  logic                        tx_hdr_valid_i,
  output logic                        tx_hdr_ready_o,
  input  logic [MemHdrW-1:0] tx_hdr_i,
  input  logic                        tx_data_valid_i,
  output logic                        tx_data_ready_o,
  input  logic [DataW-1:0]            tx_data_i,
  output logic                        net_out_valid_o,
  input  logic                        net_out_ready_i,
  output logic [FlitW-1:0]            net_out_flit_o,
  // Packets in, messages out.
  input  logic                        net_in_valid_i,
  output logic                        net_in_ready_o,
  input  logic [FlitW-1:0]            net_in_flit_i,
  output logic                        rx_hdr_valid_o,
  input  logic                        rx_hdr_ready_i,
  output logic [MemHdrW-1:0] rx_hdr_o,
  output logic                        rx_data_valid_o,
  input  logic                        rx_data_ready_i,
  output logic [DataW-1:0]            rx_data_o,
  output logic                        rx_data_last_o
);
  if (DataW < MemHdrW) begin : g_bad_flitw
    $error("noc_ni: FlitW must be >= %0d to hold a memory header, got %0d", MemHdrW + FrameW,
           FlitW);
  end

  localparam int HdrW = MemHdrW;

  // ---- tx: header flit, then len data flits ----
  logic            in_data_q, in_data_d;  // sending data flits
  logic [LenW-1:0] left_q, left_d;        // data flits still to send
  logic            hdr_has_data;
  logic [LenW-1:0] hdr_len;
  mem_hdr_t        tx_hdr, hdr_out;

  assign tx_hdr       = tx_hdr_i;
  assign hdr_len      = tx_hdr.len;
  assign hdr_has_data = kind_has_data(tx_hdr.kind) && (hdr_len != '0);
  always_comb begin
    hdr_out           = tx_hdr;
    if (!KeepSrc) hdr_out.route.src = '{y: y_i, x: x_i};  // this node
  end

  always_comb begin
    net_out_flit_o = '0;
    if (in_data_q) begin
      net_out_valid_o = tx_data_valid_i;
      net_out_flit_o  = {left_q == LenW'(1), 1'b0, tx_data_i};
    end else begin
      net_out_valid_o = tx_hdr_valid_i;
      net_out_flit_o[FlitW-1]   = !hdr_has_data;  // tail: a header-only packet
      net_out_flit_o[FlitW-2]   = 1'b1;           // head
      net_out_flit_o[HdrW-1:0]  = hdr_out;
    end
  end
  assign tx_hdr_ready_o  = !in_data_q && net_out_ready_i;
  assign tx_data_ready_o = in_data_q && net_out_ready_i;

  always_comb begin
    in_data_d = in_data_q;
    left_d    = left_q;
    if (!in_data_q && tx_hdr_valid_i && net_out_ready_i && hdr_has_data) begin
      in_data_d = 1'b1;
      left_d    = hdr_len;
    end else if (in_data_q && tx_data_valid_i && net_out_ready_i) begin
      left_d = left_q - 1'b1;
      if (left_q == LenW'(1)) in_data_d = 1'b0;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      in_data_q <= 1'b0;
      left_q    <= '0;
    end else begin
      in_data_q <= in_data_d;
      left_q    <= left_d;
    end
  end

  // ---- rx: the head flit is the header, the others are data words ----
  logic in_head;
  assign in_head         = net_in_flit_i[FlitW-2];
  assign rx_hdr_valid_o  = net_in_valid_i && in_head;
  assign rx_hdr_o        = net_in_flit_i[HdrW-1:0];
  assign rx_data_valid_o = net_in_valid_i && !in_head;
  assign rx_data_o       = net_in_flit_i[DataW-1:0];
  assign rx_data_last_o  = net_in_flit_i[FlitW-1];
  assign net_in_ready_o  = in_head ? rx_hdr_ready_i : rx_data_ready_i;

`ifndef SYNTHESIS
  logic unused_head_bits;
  assign unused_head_bits = ^{net_in_flit_i[DataW-1:HdrW], x_i, y_i};  // x, y: see KeepSrc
`endif
  `ASSERT_STREAM_STABLE(a_tx_hdr_stable, clk_i, rst_ni, tx_hdr_valid_i, tx_hdr_ready_o, tx_hdr_i)
  `ASSERT_STREAM_STABLE(a_tx_data_stable, clk_i, rst_ni, tx_data_valid_i, tx_data_ready_o,
                        tx_data_i)
  `ASSERT_STREAM_STABLE(a_net_out_stable, clk_i, rst_ni, net_out_valid_o, net_out_ready_i,
                        net_out_flit_o)
  `ASSERT_STREAM_STABLE(a_net_in_stable, clk_i, rst_ni, net_in_valid_i, net_in_ready_o,
                        net_in_flit_i)
  `ASSERT_STREAM_STABLE(a_rx_hdr_stable, clk_i, rst_ni, rx_hdr_valid_o, rx_hdr_ready_i, rx_hdr_o)
  `ASSERT_STREAM_STABLE(a_rx_data_stable, clk_i, rst_ni, rx_data_valid_o, rx_data_ready_i,
                        rx_data_o)
endmodule
