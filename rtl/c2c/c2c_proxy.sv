// Stands in on this chip's networks for requesters on other chips (docs/supernode.md): a
// client node of the dual mesh whose requests come from other chips over the request switch
// and whose responses go back over the response switch.
//
// A request packet from the switch (a NoC packet; its header names the requesting core in
// route.src, its chip in addr[30:28], and carries the core's tag) takes a free entry of a
// table of Entries, which keeps {chip, core, tag}; it enters this chip's request mesh with
// the entry as its tag and the channel of its address as destination (the same page
// interleaving as core_noc_bridge), addr[31:28] cleared. The memory channel answers this
// node; the response takes back the requester's core (route.dst), tag and chip (addr[30:28])
// from its entry, frees it and leaves for the response switch. Data flits pass unchanged.
// A request waits while every entry is taken: entries free as responses leave, and responses
// always leave (docs/supernode.md, "Deadlock freedom").
//
// WriteBufBeats > 0: write data goes through a FIFO of that many flits, and a write's header
// enters the mesh only once min(len, WriteBufBeats) of its data flits are in it. A write
// arrives at the link's rate (a 64-bit lane: a flit per 3 cycles); cut through (0, the
// default) its packet holds the memory node's mesh port for its whole arrival, and the local
// core's reads of that channel wait behind it (docs/supernode.md, "Ring rate"). Buffered, it
// holds the port for its length at one flit per cycle. The data FIFO only waits on the link,
// so a held header is always released.
`include "luoshu_assert.svh"

module c2c_proxy
  import c2c_pkg::*;
#(
  parameter int FlitW = 146,
  parameter int NumChannels = 2,
  parameter logic [3:0][2:0] ChanX = 12'o2222,  // channel c's node, as core_noc_bridge
  parameter logic [3:0][2:0] ChanY = 12'o3210,
  parameter int Entries = 16,  // remote requests in flight on this chip
  parameter int WriteBufBeats = 0,  // 0: write data cut through; else the FIFO (above)
  localparam int HdrW = noc_pkg::MemHdrW,
  localparam int DataW = FlitW - noc_pkg::FrameW
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  // Switch side: request packets in, response packets out.
  input  logic             req_in_valid_i,
  output logic             req_in_ready_o,
  input  logic [FlitW-1:0] req_in_flit_i,
  output logic             rsp_out_valid_o,
  input  logic             rsp_out_ready_i,
  output logic [FlitW-1:0] rsp_out_flit_o,
  // Mesh side: a client NI's message ports (requests out, responses in).
  output logic             tx_hdr_valid_o,
  input  logic             tx_hdr_ready_i,
  output logic [HdrW-1:0]  tx_hdr_o,
  output logic             tx_data_valid_o,
  input  logic             tx_data_ready_i,
  output logic [DataW-1:0] tx_data_o,
  input  logic             rx_hdr_valid_i,
  output logic             rx_hdr_ready_o,
  input  logic [HdrW-1:0]  rx_hdr_i,
  input  logic             rx_data_valid_i,
  output logic             rx_data_ready_o,
  input  logic [DataW-1:0] rx_data_i,
  input  logic             rx_data_last_i
);
  if (Entries < 1 || Entries > 256) begin : g_bad_entries
    $error("c2c_proxy: Entries must be 1..256 (got %0d)", Entries);
  end
  if (NumChannels != 1 && NumChannels != 2 && NumChannels != 4) begin : g_bad_channels
    $error("c2c_proxy: NumChannels must be 1, 2 or 4 (got %0d)", NumChannels);
  end
  if (WriteBufBeats < 0 || WriteBufBeats == 1 || WriteBufBeats > 256) begin : g_bad_wbuf
    $error("c2c_proxy: WriteBufBeats must be 0 or 2..256 (got %0d)", WriteBufBeats);
  end

  localparam int IdxW = Entries > 1 ? $clog2(Entries) : 1;

  typedef struct packed {
    logic [ChipW-1:0]   chip;
    noc_pkg::coord_t    core;
    logic [noc_pkg::TagW-1:0] tag;
  } entry_t;

  // ---------------------------------------------------------------- packets <-> messages
  logic             in_hdr_valid, in_hdr_ready, in_data_valid, in_data_ready, in_data_last;
  logic [HdrW-1:0]  in_hdr;
  logic [DataW-1:0] in_data;
  logic             out_hdr_valid, out_hdr_ready;
  logic [HdrW-1:0]  out_hdr;

  noc_ni #(.FlitW(FlitW), .KeepSrc(1)) u_pack (
    .clk_i,
    .rst_ni,
    .x_i            ('0),
    .y_i            ('0),
    .tx_hdr_valid_i (out_hdr_valid),
    .tx_hdr_ready_o (out_hdr_ready),
    .tx_hdr_i       (out_hdr),
    .tx_data_valid_i(rx_data_valid_i),
    .tx_data_ready_o(rx_data_ready_o),
    .tx_data_i      (rx_data_i),
    .net_out_valid_o(rsp_out_valid_o),
    .net_out_ready_i(rsp_out_ready_i),
    .net_out_flit_o (rsp_out_flit_o),
    .net_in_valid_i (req_in_valid_i),
    .net_in_ready_o (req_in_ready_o),
    .net_in_flit_i  (req_in_flit_i),
    .rx_hdr_valid_o (in_hdr_valid),
    .rx_hdr_ready_i (in_hdr_ready),
    .rx_hdr_o       (in_hdr),
    .rx_data_valid_o(in_data_valid),
    .rx_data_ready_i(in_data_ready),
    .rx_data_o      (in_data),
    .rx_data_last_o (in_data_last)
  );

  // ---------------------------------------------------------------- the table
  logic [Entries-1:0] busy_q;
  entry_t             table_q [Entries];
  logic               free_any;
  logic [IdxW-1:0]    free_idx;
  always_comb begin
    free_any = 1'b0;
    free_idx = '0;
    for (int e = Entries - 1; e >= 0; e--) begin
      if (!busy_q[e]) begin
        free_any = 1'b1;
        free_idx = IdxW'(e);
      end
    end
  end

  // ---------------------------------------------------------------- requests
  noc_pkg::mem_hdr_t req, req_out;
  logic              req_fire;
  logic [1:0]        req_ch;
  assign req    = in_hdr;
  assign req_ch = noc_pkg::channel_of(req.addr, NumChannels);
  always_comb begin
    req_out           = req;
    req_out.route.dst = '{y: ChanY[req_ch], x: ChanX[req_ch]};
    req_out.tag       = noc_pkg::TagW'(free_idx);
    req_out.addr[31:28] = '0;
  end

  // The header is registered: its tag (the entry) is chosen once, when it is taken.
  logic              hdr_in_ready, hdr_valid, hdr_release;
  noc_pkg::mem_hdr_t hdr;
  spill_register #(.Width(HdrW)) u_req_hdr (
    .clk_i,
    .rst_ni,
    .in_valid_i (in_hdr_valid && free_any),
    .in_ready_o (hdr_in_ready),
    .in_data_i  (req_out),
    .out_valid_o(hdr_valid),
    .out_ready_i(tx_hdr_ready_i && hdr_release),
    .out_data_o (hdr)
  );
  assign tx_hdr_valid_o = hdr_valid && hdr_release;
  assign tx_hdr_o       = hdr;
  assign in_hdr_ready   = hdr_in_ready && free_any;
  assign req_fire       = in_hdr_valid && in_hdr_ready;

  // Write data follows its header (the NI takes it once the header has gone).
  if (WriteBufBeats == 0) begin : g_cut_through
    assign tx_data_valid_o = in_data_valid;
    assign tx_data_o       = in_data;
    assign in_data_ready   = tx_data_ready_i;
    assign hdr_release     = 1'b1;
  end else begin : g_write_buf
    localparam int CntW = $clog2(WriteBufBeats + 1);
    localparam int PendW = noc_pkg::LenW + 2;  // up to 255 + WriteBufBeats
    logic [CntW-1:0]  count;
    // Data flits of writes whose header has left and that have not left themselves (some
    // may not have arrived yet): they are in the FIFO before the held header's.
    logic [PendW-1:0] pending_q, pending_d, avail, want;
    logic buf_valid;
    stream_fifo #(.Depth(WriteBufBeats), .Width(DataW)) u_write_data (
      .clk_i,
      .rst_ni,
      .in_valid_i (in_data_valid),
      .in_ready_o (in_data_ready),
      .in_data_i  (in_data),
      .out_valid_o(buf_valid),
      .out_ready_i(tx_data_ready_i && pending_q != '0),
      .out_data_o (tx_data_o),
      .count_o    (count)
    );
    // A flit is offered only once its header has left (the held header's flits wait).
    assign tx_data_valid_o = buf_valid && pending_q != '0;
    // The held write's flits in the FIFO (then the next packets' ones, in order).
    assign avail = PendW'(count) > pending_q ? PendW'(count) - pending_q : '0;
    assign want  = 32'(hdr.len) < WriteBufBeats ? PendW'(hdr.len) : PendW'(WriteBufBeats);
    assign hdr_release = hdr.kind != noc_pkg::KindWrite || avail >= want;
    always_comb begin
      pending_d = pending_q;
      if (tx_hdr_valid_o && tx_hdr_ready_i && hdr.kind == noc_pkg::KindWrite) begin
        pending_d = pending_d + PendW'(hdr.len);
      end
      if (tx_data_valid_o && tx_data_ready_i) pending_d = pending_d - 1'b1;
    end
    always_ff @(posedge clk_i) begin
      if (!rst_ni) pending_q <= '0;
      else pending_q <= pending_d;
    end
    `ASSERT_ALWAYS(a_pending_bounded, clk_i, rst_ni,
                   32'(pending_q) <= 32'(WriteBufBeats) + 32'(1 << noc_pkg::LenW),
                   "more write flits owed to the mesh than headers announced")
  end

  // ---------------------------------------------------------------- responses
  noc_pkg::mem_hdr_t rsp, rsp_out;
  entry_t            rsp_entry;
  logic              rsp_fire;
  assign rsp       = rx_hdr_i;
  assign rsp_entry = table_q[IdxW'(rsp.tag)];
  always_comb begin
    rsp_out             = rsp;
    rsp_out.route.dst   = rsp_entry.core;
    rsp_out.tag         = rsp_entry.tag;
    rsp_out.addr[31:28] = {1'b0, rsp_entry.chip};
  end
  assign out_hdr_valid  = rx_hdr_valid_i;
  assign out_hdr        = rsp_out;
  assign rx_hdr_ready_o = out_hdr_ready;
  assign rsp_fire       = rx_hdr_valid_i && rx_hdr_ready_o;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      busy_q <= '0;
    end else begin
      if (rsp_fire) busy_q[IdxW'(rsp.tag)] <= 1'b0;
      if (req_fire) busy_q[free_idx] <= 1'b1;
    end
  end
  always_ff @(posedge clk_i) begin
    if (req_fire) begin
      table_q[free_idx] <= '{chip: req.addr[PeerBeatLsb +: ChipW], core: req.route.src,
                             tag: req.tag};
    end
  end

`ifndef SYNTHESIS
  logic unused_proxy;
  assign unused_proxy = ^{in_data_last, rx_data_last_i};
`endif

  `ASSERT_ALWAYS(a_rsp_entry, clk_i, rst_ni,
                 !rx_hdr_valid_i || (32'(rsp.tag) < Entries && busy_q[IdxW'(rsp.tag)]),
                 "a response whose tag is no request in flight")
  `ASSERT_ALWAYS(a_req_kind, clk_i, rst_ni,
                 !in_hdr_valid || req.kind == noc_pkg::KindRead || req.kind == noc_pkg::KindWrite,
                 "a packet on the request switch that is no request")
  `ASSERT_STREAM_STABLE(a_tx_data_stable, clk_i, rst_ni, tx_data_valid_o, tx_data_ready_i,
                        tx_data_o)
  `ASSERT_STREAM_STABLE(a_rx_hdr_stable, clk_i, rst_ni, rx_hdr_valid_i, rx_hdr_ready_o, rx_hdr_i)
endmodule
