// Memory-node bridge: request messages from the network (a memory node's noc_ni rx) drive an
// AXI4 master port (one memory channel); its responses go back as response messages (tx).
// The contract is the SoC's (noc_pkg memory packets; docs of the interleaving below).
//
// Requests: a Read header becomes an AR; a Write header an AW, and the data flits that follow
// it ({strb, data}) its W beats. AXI id = (src.y * IdX + src.x) mod 2^IdW, so one source's
// requests are answered in order. Each accepted request pushes what its response needs
// ({src, tag, len, addr}) into a per-id FIFO of its direction (MaxReadsPerId / MaxWritesPerId deep); a full FIFO
// stalls the request, and with it this node's rx (backpressure, nothing is lost).
// Responses: the first R beat of a burst sends a ReadResp header (from its id's FIFO), then
// every beat a data flit {15'b0, err, data} (err = RRESP is SLVERR/DECERR); a B sends a
// header-only WriteResp with err = (BRESP != OKAY). Read and write response headers share tx
// round-robin (stream_arbiter); the NI takes a ReadResp's data flits right after its header,
// so R beats flow only once their burst's header is out. R bursts must not interleave beats
// of different ids (AXI4 would allow it; our memory slaves do not): asserted.
// Addresses: a header carries the global beat address (byte address >> 4); the channel-select
// bits above the 4 KiB page are removed: local = {addr[31:12+ChanBits], addr[11:0]}.
// AR, AW and W leave from spill registers (registered AXI outputs, full throughput); B is not
// buffered, nor R without RxSlice: R beats go straight to tx (RREADY follows the NI's ready).
// The accept of a request and the choice of a response read per-id flags kept in registers
// (the FIFO has room, the FIFO is not empty), computed a cycle early (same cycles, asserted).
`include "luoshu_assert.svh"

module noc_axi_master #(
  parameter int IdW = 2,       // AXI id width
  parameter int IdX = 2,       // id = (src.y * IdX + src.x) mod 2^IdW
  parameter int ChanBits = 0,  // log2(memory channels): address bits removed
  // Bursts in flight per id: reads need many (short bursts, long latency), writes are
  // already bounded by each client (core_noc_bridge MaxWrites).
  parameter int MaxReadsPerId = 32,
  parameter int MaxWritesPerId = 8,
  // 1: the request header through a register slice first, so the network's buffer read and
  // this decode (kind, id, the per-id FIFO's room) are not one path back into the router's
  // pop; and the response header and the read data flits through one each on their way out,
  // so the choice among the AXI ids, the NI's framing and the network's ready are not one
  // path with the router's buffer or the per-id FIFO's pop (FPGA timing; one cycle more per
  // request and per response, full rate).
  parameter int RxSlice = 0,
  // The ids requests can carry (0 .. UsedIds-1): the SoC's sources. Ids above have no FIFOs
  // (a one-core SoC needs one id's, not four: FPGA area); a request with one is a bug (asserted).
  parameter int UsedIds = 1 << IdW,
  localparam int HdrW = noc_pkg::MemHdrW,
  localparam int DataW = 144   // 16 strobes + 128 data bits (FlitW = 146)
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  // Requests from the network (noc_ni rx).
  input  logic             rx_hdr_valid_i,
  output logic             rx_hdr_ready_o,
  input  logic [HdrW-1:0]  rx_hdr_i,
  input  logic             rx_data_valid_i,
  output logic             rx_data_ready_o,
  input  logic [DataW-1:0] rx_data_i,
  input  logic             rx_data_last_i,
  // Responses to the network (noc_ni tx).
  output logic             tx_hdr_valid_o,
  input  logic             tx_hdr_ready_i,
  output logic [HdrW-1:0]  tx_hdr_o,
  output logic             tx_data_valid_o,
  input  logic             tx_data_ready_i,
  output logic [DataW-1:0] tx_data_o,
  // AXI4 master.
  output logic [IdW-1:0]   m_axi_arid_o,
  output logic [31:0]      m_axi_araddr_o,
  output logic [7:0]       m_axi_arlen_o,
  output logic [2:0]       m_axi_arsize_o,
  output logic [1:0]       m_axi_arburst_o,
  output logic             m_axi_arvalid_o,
  input  logic             m_axi_arready_i,
  input  logic [IdW-1:0]   m_axi_rid_i,
  input  logic [127:0]     m_axi_rdata_i,
  input  logic [1:0]       m_axi_rresp_i,
  input  logic             m_axi_rlast_i,
  input  logic             m_axi_rvalid_i,
  output logic             m_axi_rready_o,
  output logic [IdW-1:0]   m_axi_awid_o,
  output logic [31:0]      m_axi_awaddr_o,
  output logic [7:0]       m_axi_awlen_o,
  output logic [2:0]       m_axi_awsize_o,
  output logic [1:0]       m_axi_awburst_o,
  output logic             m_axi_awvalid_o,
  input  logic             m_axi_awready_i,
  output logic [127:0]     m_axi_wdata_o,
  output logic [15:0]      m_axi_wstrb_o,
  output logic             m_axi_wlast_o,
  output logic             m_axi_wvalid_o,
  input  logic             m_axi_wready_i,
  input  logic [IdW-1:0]   m_axi_bid_i,
  input  logic [1:0]       m_axi_bresp_i,
  input  logic             m_axi_bvalid_i,
  output logic             m_axi_bready_o
);
  if (IdW < 1 || IdW > 6) begin : g_bad_idw
    $error("noc_axi_master: IdW must be 1..6 (got %0d)", IdW);
  end
  if (IdX < 1 || IdX > 8) begin : g_bad_idx
    $error("noc_axi_master: IdX must be 1..8 (got %0d)", IdX);
  end
  if (ChanBits < 0 || ChanBits > 2) begin : g_bad_chanbits
    $error("noc_axi_master: ChanBits must be 0..2 (got %0d)", ChanBits);
  end
  if (MaxReadsPerId < 1 || MaxReadsPerId > 64 || MaxWritesPerId < 1 || MaxWritesPerId > 64)
  begin : g_bad_maxperid
    $error("noc_axi_master: MaxReadsPerId and MaxWritesPerId must be 1..64");
  end
  if (RxSlice != 0 && RxSlice != 1) begin : g_bad_rx_slice
    $error("noc_axi_master: RxSlice must be 0 or 1 (got %0d)", RxSlice);
  end
  if (UsedIds < 1 || UsedIds > (1 << IdW)) begin : g_bad_used_ids
    $error("noc_axi_master: UsedIds must be 1..2^IdW (got %0d)", UsedIds);
  end

  localparam int NumIds = 1 << IdW;
  localparam logic [NumIds-1:0] UsedMask = NumIds'((1 << UsedIds) - 1);
  localparam int AddrW = noc_pkg::AddrW;
  localparam int LenW = noc_pkg::LenW;
  localparam int TagW = noc_pkg::TagW;
  localparam int CoordBits = noc_pkg::CoordBits;
  // What a response needs of its request (a per-id FIFO entry).
  localparam int PendW = CoordBits + TagW + LenW + AddrW;
  localparam int AxW = IdW + 32 + 8;  // AR/AW payload {id, addr, len}
  localparam logic [2:0] AxiSize16 = 3'd4;  // 16-byte beats
  localparam logic [1:0] AxiIncr = 2'b01;
  localparam logic [1:0] AxiOkay = 2'b00;

  typedef struct packed {
    noc_pkg::coord_t  src;
    logic [TagW-1:0]  tag;
    logic [LenW-1:0]  len;
    logic [AddrW-1:0] addr;
  } pend_t;

  // ---- Requests ----
  // A request as the slice carries it: the kind and the AXI id are decoded before the slice,
  // the id also one-hot over the ids with FIFOs (none set for an id above), so with RxSlice
  // each FIFO's push (and the accept) is one gate of the slice's flip-flops and the id's
  // flag below, not a multiplexer of the ids' flags.
  typedef struct packed {
    logic               read;
    logic [UsedIds-1:0] id_sel;
    logic [IdW-1:0]     id;
    noc_pkg::mem_hdr_t  hdr;
  } req_t;

  noc_pkg::mem_hdr_t rx_hdr;
  req_t              rx_req, req;
  logic              rx_valid, rx_ready, rd_fire, wr_fire;
  logic [31:0]       req_byte, req_local;
  pend_t             req_pend;
  logic [NumIds-1:0] rd_push, wr_push;
  logic              ar_in_ready, aw_in_ready;
  logic [NumIds-1:0] rd_ok_q, wr_ok_q;  // a read (write) of id i can be taken now

  assign rx_hdr = rx_hdr_i;
  always_comb begin
    rx_req      = '{read: rx_hdr.kind == noc_pkg::KindRead, id_sel: '0, id: '0, hdr: rx_hdr};
    rx_req.id   = IdW'(32'(rx_hdr.route.src.y) * IdX + 32'(rx_hdr.route.src.x));
    for (int i = 0; i < UsedIds; i++) rx_req.id_sel[i] = rx_req.id == IdW'(i);
  end

  if (RxSlice != 0) begin : g_rx_slice
    // Two entries with the head in a register: a spill register's cycles, without the
    // multiplexer in front of its output.
    logic [1:0] unused_count;
    stream_fifo #(.Depth(2), .Width($bits(req_t)), .HeadReg(1)) u_rx_slice (
      .clk_i,
      .rst_ni,
      .in_valid_i (rx_hdr_valid_i),
      .in_ready_o (rx_hdr_ready_o),
      .in_data_i  (rx_req),
      .out_valid_o(rx_valid),
      .out_ready_i(rx_ready),
      .out_data_o (req),
      .count_o    (unused_count)
    );
  end else begin : g_rx_wire
    assign rx_valid       = rx_hdr_valid_i;
    assign rx_hdr_ready_o = rx_ready;
    assign req            = rx_req;
  end

  assign req_byte  = {req.hdr.addr[27:0], 4'b0};
  assign req_local = ((req_byte >> (12 + ChanBits)) << 12) | {20'b0, req_byte[11:0]};
  assign req_pend  = {req.hdr.route.src, req.hdr.tag, req.hdr.len, req.hdr.addr};

  // A request needs room for its AXI address beat and its FIFO entry: the flag of its id.
  always_comb begin
    rd_push = '0;
    wr_push = '0;
    for (int i = 0; i < UsedIds; i++) begin
      rd_push[i] = rx_valid && req.id_sel[i] && req.read && rd_ok_q[i];
      wr_push[i] = rx_valid && req.id_sel[i] && !req.read && wr_ok_q[i];
    end
  end
  assign rd_fire  = |rd_push;
  assign wr_fire  = |wr_push;
  assign rx_ready = |(req.id_sel & (req.read ? rd_ok_q[UsedIds-1:0] : wr_ok_q[UsedIds-1:0]));

  // {id, addr, len-1}: AXI length counts beats minus one.
  logic [AxW-1:0] ax_in, ar_out, aw_out;
  assign ax_in = {req.id, req_local, req.hdr.len - 8'd1};

  spill_register #(.Width(AxW)) u_ar (
    .clk_i,
    .rst_ni,
    .in_valid_i (rd_fire),
    .in_ready_o (ar_in_ready),
    .in_data_i  (ax_in),
    .out_valid_o(m_axi_arvalid_o),
    .out_ready_i(m_axi_arready_i),
    .out_data_o (ar_out)
  );
  assign {m_axi_arid_o, m_axi_araddr_o, m_axi_arlen_o} = ar_out;
  assign m_axi_arsize_o  = AxiSize16;
  assign m_axi_arburst_o = AxiIncr;

  spill_register #(.Width(AxW)) u_aw (
    .clk_i,
    .rst_ni,
    .in_valid_i (wr_fire),
    .in_ready_o (aw_in_ready),
    .in_data_i  (ax_in),
    .out_valid_o(m_axi_awvalid_o),
    .out_ready_i(m_axi_awready_i),
    .out_data_o (aw_out)
  );
  assign {m_axi_awid_o, m_axi_awaddr_o, m_axi_awlen_o} = aw_out;
  assign m_axi_awsize_o  = AxiSize16;
  assign m_axi_awburst_o = AxiIncr;

  // A write's data flits follow its header on rx (one packet at a time), so they are W beats
  // in AW order.
  // With RxSlice a write's data flits wait until its header has left the slice (w_left_q:
  // the flits its write still owes; without RxSlice only checked).
  logic rx_data_open, w_in_ready;
  logic [LenW-1:0] w_left_q;
  assign rx_data_open    = (RxSlice == 0) || (w_left_q != '0);
  assign rx_data_ready_o = w_in_ready && rx_data_open;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) w_left_q <= '0;
    else if (wr_fire) w_left_q <= req.hdr.len;
    else if (rx_data_valid_i && rx_data_ready_o) w_left_q <= w_left_q - 1'b1;
  end
  spill_register #(.Width(DataW + 1)) u_w (
    .clk_i,
    .rst_ni,
    .in_valid_i (rx_data_valid_i && rx_data_open),
    .in_ready_o (w_in_ready),
    .in_data_i  ({rx_data_last_i, rx_data_i}),
    .out_valid_o(m_axi_wvalid_o),
    .out_ready_i(m_axi_wready_i),
    .out_data_o ({m_axi_wlast_o, m_axi_wstrb_o, m_axi_wdata_o})
  );

  // ---- Per-id FIFOs of requests awaiting their response ----
  localparam int RdCntW = $clog2(MaxReadsPerId + 1);
  localparam int WrCntW = $clog2(MaxWritesPerId + 1);
  logic [NumIds-1:0]              rd_in_ready, wr_in_ready, rd_out_valid, wr_out_valid;
  logic [NumIds-1:0]              rd_pop, wr_pop;
  logic [NumIds-1:0][PendW-1:0]   rd_out, wr_out;
  logic [NumIds-1:0][RdCntW-1:0]  rd_count;
  logic [NumIds-1:0][WrCntW-1:0]  wr_count;
  logic                           r_pop, b_pop;

  // HeadReg (same cycles, with RxSlice): the response header is chosen from flip-flops, not
  // through a FIFO's read multiplexer (a one-entry FIFO has none).
  localparam int RdHeadReg = (RxSlice != 0 && MaxReadsPerId > 1) ? 1 : 0;
  localparam int WrHeadReg = (RxSlice != 0 && MaxWritesPerId > 1) ? 1 : 0;
  for (genvar i = 0; i < NumIds; i++) begin : g_id
    if (i < UsedIds) begin : g_used
      stream_fifo #(.Depth(MaxReadsPerId), .Width(PendW), .HeadReg(RdHeadReg)) u_rd_pend (
        .clk_i,
        .rst_ni,
        .in_valid_i (rd_push[i]),
        .in_ready_o (rd_in_ready[i]),
        .in_data_i  (req_pend),
        .out_valid_o(rd_out_valid[i]),
        .out_ready_i(rd_pop[i]),
        .out_data_o (rd_out[i]),
        .count_o    (rd_count[i])
      );
      stream_fifo #(.Depth(MaxWritesPerId), .Width(PendW), .HeadReg(WrHeadReg)) u_wr_pend (
        .clk_i,
        .rst_ni,
        .in_valid_i (wr_push[i]),
        .in_ready_o (wr_in_ready[i]),
        .in_data_i  (req_pend),
        .out_valid_o(wr_out_valid[i]),
        .out_ready_i(wr_pop[i]),
        .out_data_o (wr_out[i]),
        .count_o    (wr_count[i])
      );
    end else begin : g_unused
      // No request of this id comes (a_req_id_used): no FIFOs; its flags are constants.
      assign rd_in_ready[i]  = 1'b0;
      assign wr_in_ready[i]  = 1'b0;
      assign rd_out_valid[i] = 1'b0;
      assign wr_out_valid[i] = 1'b0;
      assign rd_out[i]       = '0;
      assign wr_out[i]       = '0;
      assign rd_count[i]     = '0;
      assign wr_count[i]     = '0;
    end
    assign rd_pop[i] = r_pop && m_axi_rid_i == IdW'(i);
    assign wr_pop[i] = b_pop && m_axi_bid_i == IdW'(i);
  end

  // The per-id flags for the next cycle, from this cycle's pushes and pops: an id's FIFO has
  // room next unless this push fills it (a pop always leaves room), and holds an entry next
  // if this push adds one or a pop does not take its last. The AR (AW) register holds two;
  // it has room next if AXI takes one now, or it has room now and does not fill up from one.
  logic [NumIds-1:0] rd_ok_d, wr_ok_d, rd_valid_q, rd_valid_d, wr_valid_q, wr_valid_d;
  logic              ar_ready_d, aw_ready_d;
  assign ar_ready_d = m_axi_arready_i ||
                      (ar_in_ready && !(m_axi_arvalid_o && rd_fire));
  assign aw_ready_d = m_axi_awready_i ||
                      (aw_in_ready && !(m_axi_awvalid_o && wr_fire));
  always_comb begin
    for (int i = 0; i < NumIds; i++) begin
      rd_ok_d[i]    = ar_ready_d && (rd_pop[i] || (rd_in_ready[i] &&
                      !(rd_push[i] && rd_count[i] == RdCntW'(MaxReadsPerId - 1))));
      wr_ok_d[i]    = aw_ready_d && (wr_pop[i] || (wr_in_ready[i] &&
                      !(wr_push[i] && wr_count[i] == WrCntW'(MaxWritesPerId - 1))));
      rd_valid_d[i] = rd_push[i] || (rd_out_valid[i] && !(rd_pop[i] && rd_count[i] == RdCntW'(1)));
      wr_valid_d[i] = wr_push[i] || (wr_out_valid[i] && !(wr_pop[i] && wr_count[i] == WrCntW'(1)));
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      rd_ok_q    <= UsedMask;  // empty FIFOs and AR / AW registers
      wr_ok_q    <= UsedMask;
      rd_valid_q <= '0;
      wr_valid_q <= '0;
    end else begin
      rd_ok_q    <= rd_ok_d;
      wr_ok_q    <= wr_ok_d;
      rd_valid_q <= rd_valid_d;
      wr_valid_q <= wr_valid_d;
    end
  end
  `ASSERT_ALWAYS(a_rd_ok_reg, clk_i, rst_ni, rd_ok_q == ({NumIds{ar_in_ready}} & rd_in_ready),
                 "registered read accept flags disagree with the AR register's and FIFOs' room")
  `ASSERT_ALWAYS(a_wr_ok_reg, clk_i, rst_ni, wr_ok_q == ({NumIds{aw_in_ready}} & wr_in_ready),
                 "registered write accept flags disagree with the AW register's and FIFOs' room")
  `ASSERT_ALWAYS(a_rd_valid_reg, clk_i, rst_ni, rd_valid_q == rd_out_valid,
                 "registered read FIFO valid flags disagree with the FIFOs")
  `ASSERT_ALWAYS(a_wr_valid_reg, clk_i, rst_ni, wr_valid_q == wr_out_valid,
                 "registered write FIFO valid flags disagree with the FIFOs")

  // ---- Responses ----
  pend_t                r_pend, b_pend;
  noc_pkg::mem_hdr_t    rd_rsp, wr_rsp;
  logic [1:0]           rsp_valid, rsp_ready;
  logic [1:0][HdrW-1:0] rsp_hdr;
  logic                 rsp_out_valid, rsp_out_ready;
  logic [HdrW-1:0]      rsp_out;
  logic                 unused_rsp_idx;
  logic                 r_in_burst_q, r_in_burst_d;  // the current R burst's header is sent
  logic                 r_beat, r_err;

  assign r_pend = rd_out[m_axi_rid_i];
  assign b_pend = wr_out[m_axi_bid_i];

  always_comb begin
    rd_rsp           = '0;
    rd_rsp.addr      = r_pend.addr;
    rd_rsp.len       = r_pend.len;
    rd_rsp.tag       = r_pend.tag;
    rd_rsp.kind      = noc_pkg::KindReadResp;
    rd_rsp.route.dst = r_pend.src;
    wr_rsp           = '0;
    wr_rsp.err       = m_axi_bresp_i != AxiOkay;
    wr_rsp.addr      = b_pend.addr;
    wr_rsp.len       = b_pend.len;
    wr_rsp.tag       = b_pend.tag;
    wr_rsp.kind      = noc_pkg::KindWriteResp;
    wr_rsp.route.dst = b_pend.src;
  end

  // Input 0: the header of the R burst waiting at the port; input 1: a B.
  assign rsp_valid[0] = m_axi_rvalid_i && !r_in_burst_q && rd_valid_q[m_axi_rid_i];
  assign rsp_valid[1] = m_axi_bvalid_i && wr_valid_q[m_axi_bid_i];
  assign rsp_hdr[0]   = rd_rsp;
  assign rsp_hdr[1]   = wr_rsp;

  stream_arbiter #(.NumIn(2), .Width(HdrW)) u_tx_arb (
    .clk_i,
    .rst_ni,
    .in_valid_i (rsp_valid),
    .in_ready_o (rsp_ready),
    .in_data_i  (rsp_hdr),
    .out_valid_o(rsp_out_valid),
    .out_ready_i(rsp_out_ready),
    .out_data_o (rsp_out),
    .out_idx_o  (unused_rsp_idx)
  );

  // With RxSlice the header waits here a cycle; a read's data flits need not: the NI takes
  // them only once their header is out.
  spill_register #(.Width(HdrW), .Bypass(1 - RxSlice)) u_tx_slice (
    .clk_i,
    .rst_ni,
    .in_valid_i (rsp_out_valid),
    .in_ready_o (rsp_out_ready),
    .in_data_i  (rsp_out),
    .out_valid_o(tx_hdr_valid_o),
    .out_ready_i(tx_hdr_ready_i),
    .out_data_o (tx_hdr_o)
  );

  // R beats: data flits once their burst's header is out; the last one frees the FIFO entry.
  // With RxSlice the flits leave through a slice of their own (the NI takes them after their
  // header, which waits in u_tx_slice), so RREADY and the FIFO's pop start at its flip-flops,
  // not at the network's ready. A burst's last beat then frees its entry before the NI takes
  // it, and the next header need not wait for that.
  logic [128:0] tx_r;  // {err, data}
  logic         r_slice_ready;
  assign r_err = m_axi_rresp_i == 2'b10 || m_axi_rresp_i == 2'b11;  // SLVERR, DECERR
  spill_register #(.Width(1 + 128), .Bypass(1 - RxSlice)) u_r_slice (
    .clk_i,
    .rst_ni,
    .in_valid_i (m_axi_rvalid_i && r_in_burst_q),
    .in_ready_o (r_slice_ready),
    .in_data_i  ({r_err, m_axi_rdata_i}),
    .out_valid_o(tx_data_valid_o),
    .out_ready_i(tx_data_ready_i),
    .out_data_o (tx_r)
  );
  assign tx_data_o       = {15'b0, tx_r};
  assign m_axi_rready_o  = r_in_burst_q && r_slice_ready;
  assign r_beat          = m_axi_rvalid_i && m_axi_rready_o;
  assign r_pop           = r_beat && m_axi_rlast_i;
  // B: taken with its header.
  assign m_axi_bready_o  = rsp_ready[1];
  assign b_pop           = m_axi_bvalid_i && rsp_ready[1];

  always_comb begin
    r_in_burst_d = r_in_burst_q;
    if (rsp_valid[0] && rsp_ready[0]) r_in_burst_d = 1'b1;
    else if (r_pop) r_in_burst_d = 1'b0;
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) r_in_burst_q <= 1'b0;
    else r_in_burst_q <= r_in_burst_d;
  end

`ifndef SYNTHESIS
  // ---- Checks ----
  logic unused_req_bits;
  assign unused_req_bits = ^{req.hdr.err, req.hdr.route.dst};

  // The id and beat count of the R burst in progress.
  logic [IdW-1:0]  r_id_q;
  logic [LenW-1:0] r_beats_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      r_id_q    <= '0;
      r_beats_q <= '0;
    end else begin
      if (rsp_valid[0] && rsp_ready[0]) begin
        r_id_q    <= m_axi_rid_i;
        r_beats_q <= '0;
      end else if (r_beat) begin
        r_beats_q <= r_beats_q + 1'b1;
      end
    end
  end

  // The one-hot id in the slice gives the accept and the push of the id's own flag.
  `ASSERT_ALWAYS(a_req_id_sel, clk_i, rst_ni,
                 !rx_valid ||
                 (rx_ready == (req.read ? rd_ok_q[req.id] : wr_ok_q[req.id]) &&
                  rd_push == (NumIds'(rx_ready && req.read) << req.id) &&
                  wr_push == (NumIds'(rx_ready && !req.read) << req.id)),
                 "request accept or FIFO push disagrees with the request's kind and id")
  `ASSERT_ALWAYS(a_req_kind, clk_i, rst_ni,
                 !rx_valid || req.hdr.kind == noc_pkg::KindRead ||
                 req.hdr.kind == noc_pkg::KindWrite,
                 "request header of a response kind")
  `ASSERT_ALWAYS(a_req_id_used, clk_i, rst_ni, !rx_valid || 32'(req.id) < UsedIds,
                 "request from a source whose AXI id is above UsedIds (no FIFO for it)")
  `ASSERT_ALWAYS(a_req_len, clk_i, rst_ni, !rx_valid || req.hdr.len != '0,
                 "request of 0 beats")
  `ASSERT_ALWAYS(a_req_addr, clk_i, rst_ni, !rx_valid || req.hdr.addr[31:28] == '0,
                 "request beat address beyond the 32-bit byte address space")
  `ASSERT_ALWAYS(a_req_page, clk_i, rst_ni,
                 !rx_valid || 9'(req_byte[11:4]) + 9'(req.hdr.len) <= 9'd256,
                 "request burst crosses a 4 KiB page")
  `ASSERT_ALWAYS(a_w_framing, clk_i, rst_ni,
                 !rx_data_valid_i || (w_left_q != '0 ? rx_data_last_i == (w_left_q == 8'd1)
                                                     : RxSlice != 0),  // (held until its header)
                 "write data flit outside its packet, or tail not on the len-th flit")
  `ASSERT_ALWAYS(a_r_expected, clk_i, rst_ni, !m_axi_rvalid_i || rd_out_valid[m_axi_rid_i],
                 "R beat with an id that has no read in flight")
  `ASSERT_ALWAYS(a_b_expected, clk_i, rst_ni, !m_axi_bvalid_i || wr_out_valid[m_axi_bid_i],
                 "B response with an id that has no write in flight")
  `ASSERT_ALWAYS(a_r_no_interleave, clk_i, rst_ni,
                 !(m_axi_rvalid_i && r_in_burst_q) || m_axi_rid_i == r_id_q,
                 "R beats of different ids interleaved within a burst")
  `ASSERT_ALWAYS(a_r_last, clk_i, rst_ni,
                 !r_beat || m_axi_rlast_i == (r_beats_q + 8'd1 == r_pend.len),
                 "RLAST not on the burst's len-th beat")

  // Stream rule on every valid/ready port (AXI4 requires it of both sides).
  `ASSERT_STREAM_STABLE(a_rx_hdr_stable, clk_i, rst_ni, rx_hdr_valid_i, rx_hdr_ready_o, rx_hdr_i)
  `ASSERT_STREAM_STABLE(a_rx_data_stable, clk_i, rst_ni, rx_data_valid_i, rx_data_ready_o,
                        {rx_data_last_i, rx_data_i})
  `ASSERT_STREAM_STABLE(a_tx_hdr_stable, clk_i, rst_ni, tx_hdr_valid_o, tx_hdr_ready_i, tx_hdr_o)
  `ASSERT_STREAM_STABLE(a_tx_data_stable, clk_i, rst_ni, tx_data_valid_o, tx_data_ready_i,
                        tx_data_o)
  `ASSERT_STREAM_STABLE(a_ar_stable, clk_i, rst_ni, m_axi_arvalid_o, m_axi_arready_i,
                        {m_axi_arid_o, m_axi_araddr_o, m_axi_arlen_o, m_axi_arsize_o,
                         m_axi_arburst_o})
  `ASSERT_STREAM_STABLE(a_aw_stable, clk_i, rst_ni, m_axi_awvalid_o, m_axi_awready_i,
                        {m_axi_awid_o, m_axi_awaddr_o, m_axi_awlen_o, m_axi_awsize_o,
                         m_axi_awburst_o})
  `ASSERT_STREAM_STABLE(a_w_stable, clk_i, rst_ni, m_axi_wvalid_o, m_axi_wready_i,
                        {m_axi_wlast_o, m_axi_wstrb_o, m_axi_wdata_o})
  `ASSERT_STREAM_STABLE(a_r_stable, clk_i, rst_ni, m_axi_rvalid_i, m_axi_rready_o,
                        {m_axi_rid_i, m_axi_rresp_i, m_axi_rlast_i, m_axi_rdata_i})
  `ASSERT_STREAM_STABLE(a_b_stable, clk_i, rst_ni, m_axi_bvalid_i, m_axi_bready_o,
                        {m_axi_bid_i, m_axi_bresp_i})
`endif

  // Cover points (coverage build only): an AXI error response (SLVERR or DECERR) to a read
  // beat and to a write.
  `COVER(cov_axi_rresp_err, clk_i, rst_ni, r_beat && r_err)
  `COVER(cov_axi_bresp_err, clk_i, rst_ni, m_axi_bvalid_i && m_axi_bready_o && wr_rsp.err)
endmodule
