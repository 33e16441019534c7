// Bridge between one ai_core's AXI-like memory port (docs/core.md "Memory port") and a client
// network interface (noc_ni message ports; packets as in noc_pkg::mem_hdr_t).
//
// Reads: an AR of B beats is accepted only when B slots of the read reorder buffer (ROB, a
// ring of RobBeats beats) are free; the request's tag is the slot of its first beat. Bursts
// longer than 128 beats become two requests (128 beats, then the rest, consecutive slots), so
// every packet length is 1..128. Response beats land in their slots in any order; R leaves
// strictly in AR order from the ring's head, id and last from a small AR-order FIFO. Slots are
// reserved up front, so read responses are always accepted (rx never waits on the core) and
// the response network cannot deadlock on this node.
//
// Writes: at most MaxWrites bursts in flight (AW taken .. B given), so every write response
// fits the B FIFO and rx never waits here either. Each AW becomes a write header followed
// by the core's W beats as data flits ({strb, data}); bursts longer than 128 beats become two
// packets. Tag = {5'b0, first_half, id}: a first half's response is not forwarded, its err is
// kept per channel and ORed into the next response from that channel, which is the second
// half (a channel answers one source's writes in order and the halves go out back to back).
//
// Interleaving: channel c = addr[12 +: log2(NumChannels)]; its node is (x, y) =
// (ChanX[c], ChanY[c]).
// Addresses on the network are global beat addresses (byte >> 4).
//
// Supernode (Remote = 1, docs/supernode.md): a burst whose chip id (byte address [31:29]) is
// not chip_id_i goes to the chip gateway node (GwX, GwY) instead, with this chip's id in the
// header's addr[30:28] (above the beat address); its responses come back from that node,
// which counts as one more channel for the write halves' error bookkeeping.
`include "luoshu_assert.svh"
`include "luoshu_mem.svh"

module core_noc_bridge #(
  parameter int         NumChannels = 2,
  // Channel c's node is (ChanX[c], ChanY[c]); one octal digit per channel, so a
  // command-line value reads 12'o3210 (Verilator -G, synth.sh --param).
  parameter logic [3:0][2:0] ChanX = 12'o2222,
  parameter logic [3:0][2:0] ChanY = 12'o3210,
  parameter int         RobBeats = 256,   // read reorder buffer, power of two 16..256
  parameter int         MaxWrites = 8,    // write bursts in flight
  parameter bit         Remote = 0,       // 1: other chips' addresses go to the gateway
  parameter logic [2:0] GwX = 3'd0,       // the gateway node (Remote = 1)
  parameter logic [2:0] GwY = 3'd0,
  // 1: responses pass a register stage first (no back-pressure: rx is always ready), so the
  // response mesh's buffer read and the reorder buffer's slot writes are not one path (FPGA
  // timing; a cycle more per response)
  parameter int         RxPipe = 0,
  // 1: requests pass a register slice (spill_register) before the NI, so the header choice,
  // its credit and the core's W valid do not run through the NI into the local router's
  // buffer write (FPGA timing; a cycle more per request). Also makes AR ready a flip-flop (a
  // new AR waits a cycle unless the ROB is empty; g_ar_ready_reg). Follows RxPipe unless set.
  parameter int         TxPipe = RxPipe
) (
  input  logic                        clk_i,
  input  logic                        rst_ni,
  input  logic [2:0]                  chip_id_i,  // this chip (Remote = 1; else unused)
  // Core side: ai_core's memory port (16-byte beats).
  input  `LUOSHU_MEM_REQ_T(16, luoshu_mem_pkg::IdW) core_req_i,
  output `LUOSHU_MEM_RSP_T(16, luoshu_mem_pkg::IdW) core_rsp_o,
  input  luoshu_mem_pkg::rsp_ready_t                core_rsp_ready_i,
  // Network side: a client NI's message ports (requests out, responses in).
  output logic                        tx_hdr_valid_o,
  input  logic                        tx_hdr_ready_i,
  output logic [noc_pkg::MemHdrW-1:0] tx_hdr_o,
  output logic                        tx_data_valid_o,
  input  logic                        tx_data_ready_i,
  output logic [143:0]                tx_data_o,
  input  logic                        rx_hdr_valid_i,
  output logic                        rx_hdr_ready_o,
  input  logic [noc_pkg::MemHdrW-1:0] rx_hdr_i,
  input  logic                        rx_data_valid_i,
  output logic                        rx_data_ready_o,
  input  logic [143:0]                rx_data_i,
  input  logic                        rx_data_last_i
);
  if (NumChannels != 1 && NumChannels != 2 && NumChannels != 4) begin : g_bad_channels
    $error("core_noc_bridge: NumChannels must be 1, 2 or 4 (got %0d)", NumChannels);
  end
  if (RobBeats < 16 || RobBeats > 256 || (RobBeats & (RobBeats - 1)) != 0) begin : g_bad_rob
    $error("core_noc_bridge: RobBeats must be a power of two in 16..256 (got %0d)", RobBeats);
  end
  if (RxPipe != 0 && RxPipe != 1) begin : g_bad_rx_pipe
    $error("core_noc_bridge: RxPipe must be 0 or 1 (got %0d)", RxPipe);
  end
  if (TxPipe != 0 && TxPipe != 1) begin : g_bad_tx_pipe
    $error("core_noc_bridge: TxPipe must be 0 or 1 (got %0d)", TxPipe);
  end
  if (MaxWrites < 1 || MaxWrites > 64) begin : g_bad_writes
    $error("core_noc_bridge: MaxWrites must be 1..64 (got %0d)", MaxWrites);
  end

  localparam int SlotW = $clog2(RobBeats);
  localparam int UsedW = SlotW + 1;  // 0..RobBeats slots reserved
  // ARs waiting for their R beats; a few short bursts per core client is plenty.
  localparam int OrderDepth = RobBeats / 8 < 4 ? 4 : RobBeats / 8;
  localparam int WrCntW = $clog2(MaxWrites + 1);
  localparam int OutDepth = 3;  // R output FIFO: 1 beat in the sram read + 2 queued = full rate
  localparam int RobW = 129;    // {err, data}

  // ---------------------------------------------------------------- helpers
  // A request header: kind, global beat address, length in beats, tag; dst from the address.
  // (A concatenation in mem_hdr_t order {err, addr, len, tag, kind, src, dst}: Yosys takes
  // neither struct-typed functions nor `return`. The NI fills src.)
  function automatic logic [noc_pkg::MemHdrW-1:0] req_hdr(logic [1:0] kind, logic [27:0] beat_addr,
                                                         logic [7:0] len, logic [7:0] tag);
    logic [1:0] ch;
    logic       remote;
    ch     = noc_pkg::channel_of(32'(beat_addr), NumChannels);
    remote = Remote && beat_addr[27:25] != chip_id_i;  // byte address bits [31:29]
    req_hdr = {1'b0, remote ? {1'b0, chip_id_i} : 4'b0, beat_addr, len, tag, kind, 6'b0,
               remote ? GwY : ChanY[ch], remote ? GwX : ChanX[ch]};
  endfunction

  // Length of the part `second` of a burst of len+1 beats (split at 128 when longer).
  function automatic logic [7:0] part_len(logic [7:0] len, logic second);
    if (len < 8'd128) part_len = len + 8'd1;
    else if (!second) part_len = 8'd128;
    else part_len = len - 8'd127;
  endfunction

  // The requests toward the NI before the TxPipe slices.
  logic                        tx_hdr_valid, tx_hdr_ready, tx_data_valid, tx_data_ready;
  logic [noc_pkg::MemHdrW-1:0] tx_hdr;
  logic [143:0]                tx_data;

  // ---------------------------------------------------------------- read: AR -> ROB slots
  logic [8:0]       ar_beats;
  logic             ar_room, ar_fire;
  logic [UsedW-1:0] rob_free_q;  // ROB slots not reserved
  logic [SlotW-1:0] rob_tail_q, rob_head_q;
  logic             order_in_ready, rq_in_ready;
  logic             rd_issue;

  assign ar_beats = {1'b0, core_req_i.ar_len} + 9'd1;
  // len + 1 beats fit iff len < free: a compare of two registers' worth of bits, no add
  // (the AR handshake crosses the core's arbiter and this check in one cycle).
  assign ar_room  = {1'b0, core_req_i.ar_len} < 9'(rob_free_q);  // RobBeats <= 256
  assign ar_fire  = core_req_i.ar_valid && core_rsp_o.ar_ready;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      rob_free_q <= UsedW'(RobBeats);
      rob_tail_q <= '0;
    end else begin
      if (ar_fire) rob_tail_q <= rob_tail_q + SlotW'(ar_beats);
      // free - (len + 1) + issue as free + ~len + issue: one add, the issue its carry in (the
      // AR's length, from the core's slice, no longer passes an incrementer first).
      if (ar_fire || rd_issue) begin
        rob_free_q <= rob_free_q + (ar_fire ? ~UsedW'(core_req_i.ar_len) : '0) +
                      UsedW'(rd_issue);
      end
    end
  end

  // Read requests waiting for the tx: {beat address, len, both parts' lengths, first slot}.
  // The part lengths (part_len) are computed on the way in, so the header's length is a
  // choice of two registers: it feeds the write header's credit add and compare into
  // wr_starved_q (FPGA timing; same cycles, a_rd_part_len).
  logic             rq_valid, rq_ready;
  logic [27:0]      rq_addr;
  logic [7:0]       rq_len, rq_len_first, rq_len_second;
  logic [SlotW-1:0] rq_slot;
  // Two entries as a spill register (same cycles as a FIFO of two with its head in a register):
  // the head leaves from flip-flops into the header arbitration, and a pop is the head
  // register's load enable alone, with the second entry or the input behind a select from a
  // flip-flop, not a storage read at the next read pointer (FPGA timing: the header choice
  // -> the pop -> the head's reload, 55 endpoints at up to 10.8 ns in one run).
  spill_register #(.Width(28 + 3 * 8 + SlotW)) u_rd_req (
    .clk_i,
    .rst_ni,
    .in_valid_i (ar_fire),
    .in_ready_o (rq_in_ready),
    .in_data_i  ({core_req_i.ar_addr[31:4], core_req_i.ar_len,
                  part_len(core_req_i.ar_len, 1'b0), part_len(core_req_i.ar_len, 1'b1),
                  rob_tail_q}),
    .out_valid_o(rq_valid),
    .out_ready_i(rq_ready),
    .out_data_o ({rq_addr, rq_len, rq_len_first, rq_len_second, rq_slot})
  );

  // AR order for the R side: {id, len == 0, len}. HeadReg (same cycles): the head's len
  // decides the pop (ord_pop, the last beat of the head AR), which the storage's read would
  // start; len == 0 is that decision for a head's first beat, ready in the head register.
  logic       ord_valid, ord_pop, ord_len0;
  logic [1:0] ord_id;
  logic [7:0] ord_len;
  logic [$clog2(OrderDepth+1)-1:0] ord_count;
  stream_fifo #(.Depth(OrderDepth), .Width(11), .HeadReg(1)) u_ar_order (
    .clk_i,
    .rst_ni,
    .in_valid_i (ar_fire),
    .in_ready_o (order_in_ready),
    .in_data_i  ({core_req_i.ar_id, core_req_i.ar_len == 8'd0, core_req_i.ar_len}),
    .out_valid_o(ord_valid),
    .out_ready_i(ord_pop),
    .out_data_o ({ord_id, ord_len0, ord_len}),
    .count_o    (ord_count)
  );

  // TxPipe: AR ready is a flip-flop holding whether the AR offered next cycle fits (the ROB's
  // and both FIFOs' room after this cycle; no push then, so only the pops count): exactly for
  // an AR offered now and not taken (the stream rule keeps it), and for a new one only if
  // every slot will be free (its length is not known yet). The core's AR register slice, the
  // room check and the slice's load enables were one path between the core and the bridge
  // (the small SoC's worst bridge paths). So a new AR waits a cycle unless the ROB is empty;
  // an AR taken still has its slots.
  if (TxPipe != 0) begin : g_ar_ready_reg
    logic ar_ready_q, ar_ready_d, ar_fifo_room_d, ar_fits_kept, rob_empty_kept;
    // The free slots after this cycle without an AR taken are rob_free_q + rd_issue; the
    // compares are made for both values of the issue and chosen by it, so the issue (late:
    // the ROB head's and the R FIFO's flags) does not run through an add and two carry chains
    // (FPGA timing; asserted equal to the add's compares below).
    assign ar_fits_kept   = rd_issue ? !(9'(rob_free_q) < {1'b0, core_req_i.ar_len}) : ar_room;
    assign rob_empty_kept = rd_issue ? 32'(rob_free_q) == RobBeats - 1 :
                                       32'(rob_free_q) == RobBeats;
    assign ar_fifo_room_d = (ord_count != $bits(ord_count)'(OrderDepth) || ord_pop) &&
                            (rq_in_ready || (rq_valid && rq_ready));
    assign ar_ready_d     = !ar_fire && ar_fifo_room_d &&
                            (core_req_i.ar_valid ? ar_fits_kept : rob_empty_kept);
`ifndef SYNTHESIS
    logic [8:0] rob_free_kept;  // free slots after this cycle without an AR taken
    assign rob_free_kept = 9'(rob_free_q) + 9'(rd_issue);
    `ASSERT_ALWAYS(a_ar_fits_kept, clk_i, rst_ni,
                   ar_fits_kept == ({1'b0, core_req_i.ar_len} < rob_free_kept) &&
                   rob_empty_kept == (rob_free_kept == 9'(RobBeats)),
                   "the AR room compares chosen by the issue disagree with the free slots kept")
`endif
    always_ff @(posedge clk_i) begin
      if (!rst_ni) ar_ready_q <= 1'b1;  // empty after reset
      else ar_ready_q <= ar_ready_d;
    end
    assign core_rsp_o.ar_ready = ar_ready_q;
`ifndef SYNTHESIS
    logic ar_held_q;  // an AR was offered last cycle and not taken (so it is offered now)
    always_ff @(posedge clk_i) begin
      if (!rst_ni) ar_held_q <= 1'b0;
      else ar_held_q <= core_req_i.ar_valid && !ar_fire;
    end
    `ASSERT_ALWAYS(a_ar_ready_reg, clk_i, rst_ni,
                   ar_ready_q == (order_in_ready && rq_in_ready &&
                                  (ar_held_q ? ar_room : 32'(rob_free_q) == RobBeats)),
                   "the registered AR ready disagrees with the room it stands for")
`endif
  end else begin : g_ar_ready_comb
    assign core_rsp_o.ar_ready = ar_room && order_in_ready && rq_in_ready;
  end

  // Read request headers; a long burst sends its second half after the first.
  logic              rd_second_q, rd_split, rd_hdr_fire;
  logic [noc_pkg::MemHdrW-1:0] rd_hdr;
  logic [7:0]        rd_hdr_len;
  assign rd_split   = rq_len >= 8'd128;
  assign rd_hdr_len = rd_second_q ? rq_len_second : rq_len_first;
  `ASSERT_ALWAYS(a_rd_part_len, clk_i, rst_ni,
                 !rq_valid || rd_hdr_len == part_len(rq_len, rd_second_q),
                 "the read header's stored part length disagrees with its burst length")
  assign rd_hdr = req_hdr(noc_pkg::KindRead, rq_addr + (rd_second_q ? 28'd128 : 28'd0),
                          rd_hdr_len,
                          (8'(rq_slot) + {rd_second_q, 7'b0}) & 8'(RobBeats - 1));
  assign rq_ready = rd_hdr_fire && !(rd_split && !rd_second_q);

  always_ff @(posedge clk_i) begin
    if (!rst_ni) rd_second_q <= 1'b0;
    else if (rd_hdr_fire) rd_second_q <= rd_split && !rd_second_q;
  end

  // ---------------------------------------------------------------- write: AW, W -> packets
  logic [WrCntW-1:0] wr_inflight_q;
  logic              aw_in_ready, aw_fire, b_fire;
  assign core_rsp_o.aw_ready = (wr_inflight_q != WrCntW'(MaxWrites)) && aw_in_ready;
  assign aw_fire             = core_req_i.aw_valid && core_rsp_o.aw_ready;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) wr_inflight_q <= '0;
    else if (aw_fire != b_fire) wr_inflight_q <= aw_fire ? wr_inflight_q + 1'b1 :
                                                           wr_inflight_q - 1'b1;
  end

  logic        wa_valid, wa_pop;
  logic [27:0] wa_addr;
  logic [7:0]  wa_len;
  logic [1:0]  wa_id;
  logic [1:0]  unused_wa_count;
  stream_fifo #(.Depth(2), .Width(28 + 8 + 2), .HeadReg(1)) u_aw (
    .clk_i,
    .rst_ni,
    .in_valid_i (aw_fire),
    .in_ready_o (aw_in_ready),
    .in_data_i  ({core_req_i.aw_addr[31:4], core_req_i.aw_len, core_req_i.aw_id}),
    .out_valid_o(wa_valid),
    .out_ready_i(wa_pop),
    .out_data_o ({wa_addr, wa_len, wa_id}),
    .count_o    (unused_wa_count)
  );

  // Per packet: header, then its data flits straight from W (the NI takes them after the
  // header by itself).
  logic              wr_second_q, wr_data_q, wr_split, wr_first_half, wr_hdr_valid, wr_hdr_fire;
  logic              w_fire, w_part_end;
  logic [7:0]        wr_left_q, wr_part_len;
  logic [noc_pkg::MemHdrW-1:0] wr_hdr;
  assign wr_split      = wa_len >= 8'd128;
  assign wr_first_half = wr_split && !wr_second_q;
  assign wr_part_len   = part_len(wa_len, wr_second_q);
  assign wr_hdr        = req_hdr(noc_pkg::KindWrite, wa_addr + (wr_second_q ? 28'd128 : 28'd0),
                                 wr_part_len, {5'b0, wr_first_half, wa_id});
  assign wr_hdr_valid  = wa_valid && !wr_data_q;

  assign tx_data_valid      = wr_data_q && core_req_i.w_valid;
  assign core_rsp_o.w_ready = wr_data_q && tx_data_ready;
  assign tx_data            = {core_req_i.w_strb, core_req_i.w_data};
  assign w_fire             = core_req_i.w_valid && core_rsp_o.w_ready;
  assign w_part_end      = w_fire && (wr_left_q == 8'd1);
  assign wa_pop          = w_part_end && !wr_first_half;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      wr_second_q <= 1'b0;
      wr_data_q   <= 1'b0;
      wr_left_q   <= '0;
    end else begin
      if (wr_hdr_fire) begin
        wr_data_q <= 1'b1;
        wr_left_q <= wr_part_len;
      end else if (w_fire) begin
        wr_left_q <= wr_left_q - 8'd1;
        if (w_part_end) begin
          wr_data_q   <= 1'b0;
          wr_second_q <= wr_first_half;
        end
      end
    end
  end

  // ---------------------------------------------------------------- tx header arbitration
  // Read headers first: a read request is one flit, a write packet up to 129, and with a read
  // waiting behind every write packet the loads would be paced by the stores. A waiting write
  // header goes next once the reads that passed it asked for as many beats as it carries
  // (fair in beats, so a store-bound core keeps its write rate), or after WrMaxWait cycles.
  // The choice is held while it waits (stream rule on tx_hdr).
  localparam int WrMaxWait = 64;
  localparam int CreditW = 9;  // read beats that passed a write: up to 128 + 128
  logic                           hdr_lock_q, hdr_sel_q, hdr_sel, wr_credit_enough;
  logic                           wr_starved_q, wr_starved_d, wr_credit_next_enough;
  logic [$clog2(WrMaxWait+1)-1:0] wr_wait_q;
  logic [CreditW-1:0]             wr_credit_q, wr_credit_next, wr_credit_next_first;
  logic [CreditW-1:0]             wr_credit_next_second;
  // credit >= the waiting write's part length, compared with the head's len itself (no
  // part_len subtraction in front of the compare, on the path from the AW FIFO's head into
  // the header choice): a burst of len + 1 <= 128 beats, a first half's 128, a second half's
  // len - 127 (len >= 128, so len - 128 is len[6:0]).
  // (Written as < and >=: Yosys maps those to a carry chain alone, <= and > to a LUT tree too.)
  function automatic logic covers_write(logic [CreditW-1:0] credit);
    covers_write = !wr_split    ? CreditW'(wa_len) < credit :
                   !wr_second_q ? credit >= CreditW'(128) :
                                  CreditW'(wa_len[6:0]) < credit;
  endfunction
  assign wr_credit_enough = covers_write(wr_credit_q);
  `ASSERT_ALWAYS(a_wr_credit_enough, clk_i, rst_ni,
                 !wa_valid || wr_credit_enough == (wr_credit_q >= CreditW'(wr_part_len)),
                 "the write header's credit compare disagrees with its part length")
  // Whether the waiting write has waited long enough is a register (same cycles): the credit's
  // add and compare no longer lie between the credit and the header choice, whose select
  // drives the whole tx header. Next value: cleared with the credit; else set once the wait
  // reaches WrMaxWait or a read header brings the credit up to the part length. While a write
  // header waits, its len, split and half stay (the AW FIFO pops only after the data).
  // The credit after the read header is added and compared for both of its part lengths,
  // and chosen by the half after (FPGA timing: the header's length choice is not in front of
  // the add and the compare).
  assign wr_credit_next_first  = wr_credit_q + CreditW'(rq_len_first);
  assign wr_credit_next_second = wr_credit_q + CreditW'(rq_len_second);
  assign wr_credit_next        = rd_second_q ? wr_credit_next_second : wr_credit_next_first;
  assign wr_credit_next_enough = rd_second_q ? covers_write(wr_credit_next_second) :
                                               covers_write(wr_credit_next_first);
  assign wr_starved_d = wr_hdr_valid && !wr_hdr_fire &&
                        (wr_starved_q || wr_wait_q == $bits(wr_wait_q)'(WrMaxWait - 1) ||
                         (rd_hdr_fire && wr_credit_next_enough));
  `ASSERT_ALWAYS(a_wr_starved, clk_i, rst_ni,
                 wr_starved_q == ((wr_wait_q == $bits(wr_wait_q)'(WrMaxWait)) || wr_credit_enough),
                 "the registered write-starved flag disagrees with the wait and credit")
  assign hdr_sel = hdr_lock_q ? hdr_sel_q : (wr_hdr_valid && (!rq_valid || wr_starved_q));
  assign tx_hdr_valid = hdr_sel ? wr_hdr_valid : rq_valid;
  assign tx_hdr       = hdr_sel ? wr_hdr : rd_hdr;
  assign rd_hdr_fire  = !hdr_sel && rq_valid && tx_hdr_ready;
  assign wr_hdr_fire  = hdr_sel && wr_hdr_valid && tx_hdr_ready;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      hdr_lock_q   <= 1'b0;
      hdr_sel_q    <= 1'b0;
      wr_wait_q    <= '0;
      wr_credit_q  <= '0;
      wr_starved_q <= 1'b0;
    end else begin
      hdr_lock_q   <= tx_hdr_valid && !tx_hdr_ready;
      hdr_sel_q    <= hdr_sel;
      wr_starved_q <= wr_starved_d;
      if (!wr_hdr_valid || wr_hdr_fire) begin
        wr_wait_q   <= '0;
        wr_credit_q <= '0;
      end else begin
        if (!wr_starved_q) wr_wait_q <= wr_wait_q + 1'b1;
        if (rd_hdr_fire && !wr_starved_q) wr_credit_q <= wr_credit_next;
      end
    end
  end

  // TxPipe: the headers and the data flits leave from flip-flops (both full rate; the NI
  // still takes a packet's data flits only after its header).
  spill_register #(.Width(noc_pkg::MemHdrW), .Bypass(1 - TxPipe)) u_tx_hdr_slice (
    .clk_i,
    .rst_ni,
    .in_valid_i (tx_hdr_valid),
    .in_ready_o (tx_hdr_ready),
    .in_data_i  (tx_hdr),
    .out_valid_o(tx_hdr_valid_o),
    .out_ready_i(tx_hdr_ready_i),
    .out_data_o (tx_hdr_o)
  );
  spill_register #(.Width(144), .Bypass(1 - TxPipe)) u_tx_data_slice (
    .clk_i,
    .rst_ni,
    .in_valid_i (tx_data_valid),
    .in_ready_o (tx_data_ready),
    .in_data_i  (tx_data),
    .out_valid_o(tx_data_valid_o),
    .out_ready_i(tx_data_ready_i),
    .out_data_o (tx_data_o)
  );

  // ---------------------------------------------------------------- rx: responses
  // Always ready: read beats have reserved slots, write responses a reserved B FIFO entry.
  logic                        rx_hdr_valid, rx_data_valid, rx_data_last;
  logic [noc_pkg::MemHdrW-1:0] rx_hdr_bits;
  logic [143:0]                rx_data;
  pipe_reg #(.Width(noc_pkg::MemHdrW), .Bypass(RxPipe == 0 ? 1 : 0)) u_rx_hdr_pipe (
    .clk_i, .rst_ni, .valid_i(rx_hdr_valid_i), .data_i(rx_hdr_i),
    .valid_o(rx_hdr_valid), .data_o(rx_hdr_bits));
  pipe_reg #(.Width(145), .Bypass(RxPipe == 0 ? 1 : 0)) u_rx_data_pipe (
    .clk_i, .rst_ni, .valid_i(rx_data_valid_i), .data_i({rx_data_last_i, rx_data_i}),
    .valid_o(rx_data_valid), .data_o({rx_data_last, rx_data}));
  noc_pkg::mem_hdr_t rx_hdr;
  logic              rx_read, rx_write;
  logic [SlotW-1:0]  rx_slot_q;
  logic [7:0]        rx_left_q;  // data flits still due for the current read response
  assign rx_hdr          = rx_hdr_bits;
  assign rx_hdr_ready_o  = 1'b1;
  assign rx_data_ready_o = 1'b1;
  assign rx_read         = rx_hdr_valid && (rx_hdr.kind == noc_pkg::KindReadResp);
  assign rx_write        = rx_hdr_valid && (rx_hdr.kind == noc_pkg::KindWriteResp);

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      rx_slot_q <= '0;
      rx_left_q <= '0;
    end else if (rx_read) begin
      rx_slot_q <= SlotW'(rx_hdr.tag);
      rx_left_q <= rx_hdr.len;
    end else if (rx_data_valid) begin
      rx_slot_q <= rx_slot_q + 1'b1;
      rx_left_q <= rx_left_q - 8'd1;
    end
  end

  // Which channel answered (route.src is the memory node; the gateway counts as channel
  // NumChannels).
  logic [2:0] rx_ch;
  logic       rx_ch_known;
  always_comb begin
    rx_ch       = '0;
    rx_ch_known = 1'b0;
    for (int c = 0; c < NumChannels; c++) begin
      if (rx_hdr.route.src == {ChanY[c], ChanX[c]}) begin
        rx_ch       = 3'(c);
        rx_ch_known = 1'b1;
      end
    end
    if (Remote && rx_hdr.route.src == {GwY, GwX}) begin
      rx_ch       = 3'(NumChannels);
      rx_ch_known = 1'b1;
    end
  end

  // Write responses: a first half's err waits for the second half from the same channel.
  logic [4:0] wr_pend_err_q;
  logic       b_push, b_in_ready, b_err;
  logic [$clog2(MaxWrites+1)-1:0] unused_b_count;
  assign b_push = rx_write && !rx_hdr.tag[2];
  assign b_err  = rx_hdr.err || wr_pend_err_q[rx_ch];

  always_ff @(posedge clk_i) begin
    if (!rst_ni) wr_pend_err_q <= '0;
    else if (rx_write) wr_pend_err_q[rx_ch] <= rx_hdr.tag[2] && rx_hdr.err;
  end

  // HeadReg: the response reaches the sequencer's SYNC check from a flop, not through a
  // distributed-RAM read (the small SoC's worst FPGA path, docs/fpga.md); same cycles.
  stream_fifo #(.Depth(MaxWrites), .Width(3), .HeadReg(1)) u_b (
    .clk_i,
    .rst_ni,
    .in_valid_i (b_push),
    .in_ready_o (b_in_ready),
    .in_data_i  ({rx_hdr.tag[1:0], b_err}),
    .out_valid_o(core_rsp_o.b_valid),
    .out_ready_i(core_rsp_ready_i.b_ready),
    .out_data_o ({core_rsp_o.b_id, core_rsp_o.b_err}),
    .count_o    (unused_b_count)
  );
  assign b_fire = core_rsp_o.b_valid && core_rsp_ready_i.b_ready;

  // ---------------------------------------------------------------- ROB -> R in AR order
  // The issue (rd_issue: the head beat goes to R) is one LUT of flip-flops with few loads (the
  // small SoC's worst FPGA path ran the order FIFO's count -> the issue, fanout 409 -> the
  // last-beat compare -> the FIFO's pop): the order FIFO's non-empty flag, the R FIFO's room
  // and the head AR's last beat are registers, the ROB reads whenever its head holds a beat,
  // and a slot's valid bit is cleared the cycle after its issue. Same cycles (asserted below).
  logic [RobBeats-1:0] rob_valid_q;  // slot holds a beat not yet read out (or issued just now)
  logic [RobW-1:0]     rob_rdata;
  logic [7:0]          beat_q;       // beat of the AR at the order FIFO's head
  logic                beat_first_q; // beat_q == 0
  logic                beat_last_q;  // beat_q == ord_len, while beat_q != 0
  logic                ord_last, ord_valid_q, ord_valid_d, out_room_q, out_room_d;
  logic                rd_pend_q, rd_pend_last_q;
  logic [1:0]          rd_pend_id_q;
  logic [SlotW-1:0]    rd_pend_slot_q;  // the head slot a cycle ago: the one issued if rd_pend_q
  logic                out_in_ready, r_pop;
  logic [$clog2(OutDepth+1)-1:0] out_count;

  // Whether the head slot holds its beat, kept in a register of its own (the slot's valid bit
  // through a RobBeats-wide mux would start the pop path): loaded with the next head's bit,
  // or set when the head's beat arrives. (The slot issued a cycle ago, still marked, is
  // neither the head nor the next: RobBeats >= 16.)
  logic             head_valid_q, head_valid_d;
  logic [SlotW-1:0] rob_head_next_q;  // rob_head_q + 1
  always_comb begin
    if (rd_issue) begin
      head_valid_d = rob_valid_q[rob_head_next_q] ||
                     (rx_data_valid && rx_slot_q == rob_head_next_q);
    end else begin
      head_valid_d = head_valid_q || (rx_data_valid && rx_slot_q == rob_head_q);
    end
  end

  // Next values of the flags: the order FIFO is non-empty after a push, or if it held two, or
  // one not popped; the R FIFO has room if its entries after this cycle's pop plus the beat
  // read now stay below OutDepth; the head's last beat is its first if its len is 0, else
  // beat_q + 1 == len, set as beat_q steps (the head AR stays until its pop).
  assign r_pop       = core_rsp_o.r_valid && core_rsp_ready_i.r_ready;
  assign ord_valid_d = ar_fire || ord_count > $bits(ord_count)'(1) || (ord_valid_q && !ord_pop);
  assign out_room_d  = 32'(out_count) + 32'(rd_pend_q) + 32'(rd_issue) < OutDepth + 32'(r_pop);
  assign ord_last    = beat_first_q ? ord_len0 : beat_last_q;
  assign rd_issue    = ord_valid_q && head_valid_q && out_room_q;
  assign ord_pop     = rd_issue && ord_last;

  // A read while the head holds its beat: the one R takes is the read at an issue (rd_pend_q
  // the cycle after); the head slot is not written while it holds its beat.
  sram #(.Words(RobBeats), .Width(RobW)) u_rob (
    .clk_i,
    .rst_ni,
    .we_i   (rx_data_valid),
    .waddr_i(rx_slot_q),
    .wdata_i(rx_data[RobW-1:0]),
    .re_i   (head_valid_q),
    .raddr_i(rob_head_q),
    .rdata_o(rob_rdata)
  );

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      rob_valid_q     <= '0;
      rob_head_q      <= '0;
      rob_head_next_q <= SlotW'(1);
      head_valid_q    <= 1'b0;
      beat_q          <= '0;
      beat_first_q    <= 1'b1;
      beat_last_q     <= 1'b0;
      ord_valid_q     <= 1'b0;
      out_room_q      <= 1'b1;
      rd_pend_q       <= 1'b0;
    end else begin
      if (rx_data_valid) rob_valid_q[rx_slot_q] <= 1'b1;
      // A cycle late: no beat comes for a slot the cycle after it is freed (a_rob_slot_free).
      if (rd_pend_q) rob_valid_q[rd_pend_slot_q] <= 1'b0;
      head_valid_q <= head_valid_d;
      ord_valid_q  <= ord_valid_d;
      out_room_q   <= out_room_d;
      if (rd_issue) begin
        rob_head_q      <= rob_head_next_q;
        rob_head_next_q <= rob_head_next_q + 1'b1;
        beat_q          <= ord_pop ? 8'd0 : beat_q + 8'd1;
        beat_first_q    <= ord_pop;
        beat_last_q     <= beat_q + 8'd1 == ord_len;
      end
      rd_pend_q <= rd_issue;
    end
  end

  always_ff @(posedge clk_i) begin
    rd_pend_slot_q <= rob_head_q;
    if (rd_issue) begin
      rd_pend_id_q   <= ord_id;
      rd_pend_last_q <= ord_pop;
    end
  end

  stream_fifo #(.Depth(OutDepth), .Width(2 + 1 + RobW)) u_r_out (
    .clk_i,
    .rst_ni,
    .in_valid_i (rd_pend_q),
    .in_ready_o (out_in_ready),
    .in_data_i  ({rd_pend_id_q, rd_pend_last_q, rob_rdata}),
    .out_valid_o(core_rsp_o.r_valid),
    .out_ready_i(core_rsp_ready_i.r_ready),
    .out_data_o ({core_rsp_o.r_id, core_rsp_o.r_last, core_rsp_o.r_err, core_rsp_o.r_data}),
    .count_o    (out_count)
  );

`ifndef SYNTHESIS
  // Not used: response headers' addr and len (a read's length is in its reserved slots),
  // the read response header's err (errors come per beat), the data flits' spare bits.
  logic unused_rx;
  assign unused_rx = ^{rx_hdr.addr, rx_hdr.tag[7:3], rx_data[143:RobW], rx_data_last,
                       rx_hdr_bits[noc_pkg::RouteW/2-1:0]};
`endif

  // ---------------------------------------------------------------- checks
  `ASSERT_ALWAYS(a_head_valid, clk_i, rst_ni,
                 head_valid_q == rob_valid_q[rob_head_q] && rob_head_next_q == rob_head_q + 1'b1,
                 "the ROB head's registered valid bit disagrees with the slot's")
  // The issue's registered inputs equal what they replace (the FIFO's count, the R FIFO's
  // count plus the read in flight, beat_q == len), so rd_issue and ord_pop do too.
  `ASSERT_ALWAYS(a_rd_issue_flags, clk_i, rst_ni,
                 ord_valid_q == ord_valid &&
                 out_room_q == (32'(out_count) + 32'(rd_pend_q) < OutDepth) &&
                 beat_first_q == (beat_q == 8'd0) &&
                 (!ord_valid || ord_last == (beat_q == ord_len)),
                 "the R side's registered issue flags disagree with the counts they replace")
  `ASSERT_STREAM_STABLE(a_ar_stable, clk_i, rst_ni, core_req_i.ar_valid, core_rsp_o.ar_ready,
                        {core_req_i.ar_addr, core_req_i.ar_len, core_req_i.ar_id})
  `ASSERT_STREAM_STABLE(a_r_stable, clk_i, rst_ni, core_rsp_o.r_valid, core_rsp_ready_i.r_ready,
                        {core_rsp_o.r_data, core_rsp_o.r_last, core_rsp_o.r_err, core_rsp_o.r_id})
  `ASSERT_STREAM_STABLE(a_aw_stable, clk_i, rst_ni, core_req_i.aw_valid, core_rsp_o.aw_ready,
                        {core_req_i.aw_addr, core_req_i.aw_len, core_req_i.aw_id})
  `ASSERT_STREAM_STABLE(a_w_stable, clk_i, rst_ni, core_req_i.w_valid, core_rsp_o.w_ready,
                        {core_req_i.w_data, core_req_i.w_strb, core_req_i.w_last})
  `ASSERT_STREAM_STABLE(a_b_stable, clk_i, rst_ni, core_rsp_o.b_valid, core_rsp_ready_i.b_ready,
                        {core_rsp_o.b_err, core_rsp_o.b_id})
  `ASSERT_STREAM_STABLE(a_tx_hdr_stable, clk_i, rst_ni, tx_hdr_valid_o, tx_hdr_ready_i, tx_hdr_o)
  `ASSERT_STREAM_STABLE(a_tx_data_stable, clk_i, rst_ni, tx_data_valid_o, tx_data_ready_i,
                        tx_data_o)
  `ASSERT_STREAM_STABLE(a_rx_hdr_stable, clk_i, rst_ni, rx_hdr_valid_i, rx_hdr_ready_o, rx_hdr_i)
  `ASSERT_STREAM_STABLE(a_rx_data_stable, clk_i, rst_ni, rx_data_valid_i, rx_data_ready_o,
                        {rx_data_i, rx_data_last_i})

  `ASSERT_ALWAYS(a_ar_fits_rob, clk_i, rst_ni, !core_req_i.ar_valid || 32'(ar_beats) <= RobBeats,
                 "AR longer than the read reorder buffer (RobBeats) would never be accepted")
  `ASSERT_ALWAYS(a_ar_burst, clk_i, rst_ni,
                 !core_req_i.ar_valid || (core_req_i.ar_addr[3:0] == '0 &&
                 {1'b0, core_req_i.ar_addr[11:4]} + {1'b0, core_req_i.ar_len} < 9'd256),
                 "AR not beat-aligned or crossing a 4 KiB boundary")
  `ASSERT_ALWAYS(a_aw_burst, clk_i, rst_ni,
                 !core_req_i.aw_valid || (core_req_i.aw_addr[3:0] == '0 &&
                 {1'b0, core_req_i.aw_addr[11:4]} + {1'b0, core_req_i.aw_len} < 9'd256),
                 "AW not beat-aligned or crossing a 4 KiB boundary")
  `ASSERT_ALWAYS(a_w_last, clk_i, rst_ni,
                 !w_fire || (core_req_i.w_last == (wr_left_q == 8'd1 && !wr_first_half)),
                 "W last does not mark the final beat of its AW burst")
  `ASSERT_ALWAYS(a_rx_kind, clk_i, rst_ni, !rx_hdr_valid || rx_read || rx_write,
                 "rx header is not a response")
  `ASSERT_ALWAYS(a_rx_read_len, clk_i, rst_ni,
                 !rx_read || (rx_hdr.len != '0 && rx_hdr.len <= 8'd128 && rx_left_q == '0),
                 "read response of a bad length, or before the previous one's data ended")
  `ASSERT_ALWAYS(a_rx_data, clk_i, rst_ni, !rx_data_valid || (rx_left_q != '0 &&
                 rx_data_last == (rx_left_q == 8'd1)),
                 "rx data flit outside a read response, or tail on the wrong flit")
  `ASSERT_ALWAYS(a_rob_slot_free, clk_i, rst_ni, !rx_data_valid || !rob_valid_q[rx_slot_q],
                 "read response beat for a slot that already holds one")
  `ASSERT_ALWAYS(a_rx_src, clk_i, rst_ni, !rx_write || rx_ch_known,
                 "write response from a node that is no memory channel")
  `ASSERT_ALWAYS(a_b_room, clk_i, rst_ni, !b_push || b_in_ready, "B FIFO overflow")
  `ASSERT_ALWAYS(a_out_room, clk_i, rst_ni, !rd_pend_q || out_in_ready, "R FIFO overflow")

  // Cover points (coverage build only): a read waiting for room in the reorder buffer, a
  // write waiting at the MaxWrites limit, and bursts longer than 128 beats sent as two halves.
  `COVER(cov_rob_full, clk_i, rst_ni, core_req_i.ar_valid && !ar_room)
  `COVER(cov_write_limit, clk_i, rst_ni, core_req_i.aw_valid && wr_inflight_q == WrCntW'(MaxWrites))
  `COVER(cov_rd_split, clk_i, rst_ni, rd_hdr_fire && rd_split && !rd_second_q)
  `COVER(cov_wr_split, clk_i, rst_ni, wr_hdr_fire && wr_first_half)
endmodule
