// One full-duplex chip-to-chip link endpoint (docs/supernode.md). Chip side: a flit stream in
// and out per virtual channel (VcReq: the request network, VcRsp: the response network).
// Wire side: LaneW bits per cycle each way with a valid bit and no ready; flow control and
// retry are in band:
//   - every flit travels in a data frame with a sequence number and a CRC-16; the sender keeps
//     the frames not yet acknowledged in a replay buffer (ReplayDepth) and resends from the
//     oldest on a NAK or when no ack came for TimeoutCycles (go-back-N);
//   - the receiver takes only the next expected sequence number, drops anything else and NAKs
//     once, so a flit is never delivered twice or out of order;
//   - credits per VC bound the receiver's buffers (RxDepth flits each): a stalled chip side
//     never overflows them, and one VC's stall never blocks the other.
// Framing: a frame's words are sent back to back; its kind (word 0) gives its length. After a
// bad frame the receiver waits for an idle lane cycle (a gap) before it takes the next frame;
// the sender leaves a gap before every replay and at least once per TimeoutCycles busy cycles.
`include "luoshu_assert.svh"

module c2c_link import c2c_pkg::*; #(
  parameter int FlitW = 66,
  parameter int LaneW = 16,
  parameter int ReplayDepth = 8,   // frames sent and not yet acknowledged, power of two
  parameter int RxDepth = 4,       // receive buffer per VC, in flits (= the far end's credits)
  parameter int TimeoutCycles = 512,
  parameter int NumVc = 2          // 2: request + response; 4: two dateline classes of each
) (
  input  logic                                 clk_i,
  input  logic                                 rst_ni,
  // Chip side: flits to send, per VC.
  input  logic [NumVc-1:0]                     in_valid_i,
  output logic [NumVc-1:0]                     in_ready_o,
  input  logic [NumVc-1:0][FlitW-1:0]          in_flit_i,
  // Chip side: flits received, per VC.
  output logic [NumVc-1:0]                     out_valid_o,
  input  logic [NumVc-1:0]                     out_ready_i,
  output logic [NumVc-1:0][FlitW-1:0]          out_flit_o,
  // Wire side.
  output logic                                 tx_lane_valid_o,
  output logic [LaneW-1:0]                     tx_lane_o,
  input  logic                                 rx_lane_valid_i,
  input  logic [LaneW-1:0]                     rx_lane_i,
  // Counters (luoshu_isa_pkg::LinkCnt*), for the host (LINK[p].CNT_SEL, docs/regs.md).
  output logic [NumCounters-1:0][CounterW-1:0] counters_o
);
  localparam int VcW = vc_w(NumVc);
  localparam int SeqW = seq_w(ReplayDepth);
  localparam int IdxW = $clog2(ReplayDepth);
  localparam int CntW = cnt_w(RxDepth);
  localparam int DataWords = data_words(LaneW, FlitW, ReplayDepth, NumVc);
  localparam int CtrlWords = ctrl_words(LaneW, ReplayDepth, RxDepth, NumVc);
  localparam int FrameW = DataWords * LaneW;          // the longest frame: a data frame
  localparam int BodyW = FrameW - CrcW;               // CRC input, zero-extended to this
  localparam int CtrlBodyW = CtrlWords * LaneW - CrcW;
  localparam int WordW = $clog2(DataWords + 1);
  localparam int TimerW = $clog2(TimeoutCycles + 1);
  localparam int MinTimeout = 2 * ReplayDepth * DataWords;
  // Receiver side: ack after this many frames or this many cycles, whichever first (sooner
  // when nothing else is to be sent); return credits once half a buffer is free.
  localparam int AckBatch = ReplayDepth / 2;
  localparam int CreditBatch = RxDepth > 1 ? RxDepth / 2 : 1;
  localparam int AgeLimit = TimeoutCycles / 4;

  if (LaneW < 8 || LaneW > 64) begin : g_bad_lane
    $error("c2c_link: LaneW must be 8..64 (got %0d)", LaneW);
  end
  if (FlitW < 14) begin : g_bad_flit
    $error("c2c_link: FlitW must be >= 14, as the NoC's (got %0d)", FlitW);
  end
  if (ReplayDepth < 2 || ReplayDepth > 128 || (ReplayDepth & (ReplayDepth - 1)) != 0)
  begin : g_bad_replay
    $error("c2c_link: ReplayDepth must be a power of two 2..128 (got %0d)", ReplayDepth);
  end
  if (NumVc != 2 && NumVc != 4) begin : g_bad_vc
    $error("c2c_link: NumVc must be 2 or 4 (got %0d)", NumVc);
  end
  if (RxDepth < 1 || RxDepth > 64) begin : g_bad_rx
    $error("c2c_link: RxDepth must be 1..64 (got %0d)", RxDepth);
  end
  if (TimeoutCycles < MinTimeout || TimeoutCycles > (1 << 20)) begin : g_bad_timeout
    $error("c2c_link: TimeoutCycles must be >= 2 * ReplayDepth * data frame words = %0d and <= 2^20 (got %0d)",
           MinTimeout, TimeoutCycles);
  end

  // ------------------------------------------------------------------ receive: framing
  typedef enum logic [1:0] {RxIdle, RxCollect, RxHunt} rx_state_e;
  rx_state_e        rx_state_q, rx_state_d;
  logic [WordW-1:0] rx_idx_q, rx_idx_d;
  logic             rx_ctrl_q, rx_ctrl_d;   // the frame being collected is a control frame
  logic [FrameW-1:0] rx_buf_q;
  logic [FrameW-1:0] rx_whole;              // rx_buf_q with this cycle's word in place
  logic [BodyW-1:0]  rx_body;
  logic [CrcW-1:0]   rx_crc_calc, rx_crc_got;
  logic rx_first, rx_ctrl_now, rx_last, rx_complete, rx_crc_ok, rx_broken;

  logic [WordW-1:0] rx_idx_now;             // index of this cycle's word in its frame
  assign rx_first    = rx_state_q == RxIdle && rx_lane_valid_i;
  assign rx_idx_now  = rx_first ? '0 : rx_idx_q;
  assign rx_ctrl_now = rx_first ? kind_e'(rx_lane_i[KindW-1:0]) != KindData : rx_ctrl_q;
  assign rx_last     = rx_lane_valid_i && rx_state_q != RxHunt &&
                       rx_idx_now == WordW'((rx_ctrl_now ? CtrlWords : DataWords) - 1);

  always_comb begin
    rx_whole = rx_first ? '0 : rx_buf_q;
    rx_whole[rx_idx_now * LaneW +: LaneW] = rx_lane_i;
  end
  // A control frame's CRC sits at its own top; its body is zero-extended like the sender's.
  assign rx_body    = rx_ctrl_now ? BodyW'(rx_whole[CtrlBodyW-1:0]) : rx_whole[BodyW-1:0];
  assign rx_crc_got = rx_ctrl_now ? rx_whole[CtrlBodyW +: CrcW] : rx_whole[BodyW +: CrcW];
  c2c_crc16 #(.Width(BodyW)) u_rx_crc (.data_i(rx_body), .crc_o(rx_crc_calc));
  assign rx_crc_ok   = rx_crc_calc == rx_crc_got;
  assign rx_complete = rx_last && rx_crc_ok;
  // A bad frame: its CRC fails, or the lane went idle in the middle of it.
  assign rx_broken = (rx_last && !rx_crc_ok) || (rx_state_q == RxCollect && !rx_lane_valid_i);

  always_comb begin
    rx_state_d = rx_state_q;
    rx_idx_d   = rx_idx_q;
    rx_ctrl_d  = rx_ctrl_now;
    unique case (rx_state_q)
      RxIdle, RxCollect: begin
        if (rx_broken) begin
          // Resynchronize on the next gap (now, if the lane is idle already).
          rx_state_d = rx_lane_valid_i ? RxHunt : RxIdle;
        end else if (rx_last) begin
          rx_state_d = RxIdle;
        end else if (rx_lane_valid_i) begin
          rx_state_d = RxCollect;
          rx_idx_d   = rx_idx_now + 1'b1;
        end
      end
      RxHunt:  if (!rx_lane_valid_i) rx_state_d = RxIdle;
      default: rx_state_d = RxIdle;
    endcase
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      rx_state_q <= RxIdle;
      rx_idx_q   <= '0;
      rx_ctrl_q  <= 1'b0;
    end else begin
      rx_state_q <= rx_state_d;
      rx_idx_q   <= rx_idx_d;
      rx_ctrl_q  <= rx_ctrl_d;
    end
  end
  always_ff @(posedge clk_i) begin
    if (rx_lane_valid_i) rx_buf_q <= rx_whole;
  end

  // A good frame is acted on in the cycle after its last word.
  logic              frm_valid_q, frm_bad_q;
  logic [FrameW-1:0] frm_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      frm_valid_q <= 1'b0;
      frm_bad_q   <= 1'b0;
    end else begin
      frm_valid_q <= rx_complete;
      frm_bad_q   <= rx_broken;
    end
  end
  always_ff @(posedge clk_i) begin
    if (rx_complete) frm_q <= rx_whole;
  end

  kind_e                     frm_kind;
  logic [SeqW-1:0]           frm_seq;   // data: the frame's seq; ack / nak: next expected
  logic [VcW-1:0]            frm_vc;
  logic [FlitW-1:0]          frm_flit;
  logic [NumVc-1:0][CntW-1:0] frm_freed;
  assign frm_kind = kind_e'(frm_q[KindW-1:0]);
  assign frm_vc   = frm_q[KindW +: VcW];
  assign frm_seq  = frm_kind == KindData ? frm_q[KindW+VcW +: SeqW] : frm_q[KindW +: SeqW];
  assign frm_flit = frm_q[KindW+VcW+SeqW +: FlitW];
  assign frm_freed = frm_q[KindW +: NumVc*CntW];
`ifndef SYNTHESIS
  logic unused_frm;  // the CRC (checked as the frame arrived) and the padding above the flit
  assign unused_frm = ^frm_q[FrameW-1:KindW+VcW+SeqW+FlitW];
`endif

  // ------------------------------------------------------------------ receive: sequence
  logic [SeqW-1:0] expected_q, seq_dist;
  logic [NumVc-1:0] fifo_in_ready, fifo_push;
  logic data_in_seq, data_dup, data_ahead, data_accept;
  logic ack_evt, nak_evt, credit_evt;

  assign seq_dist    = frm_seq - expected_q;
  assign data_in_seq = frm_valid_q && frm_kind == KindData && seq_dist == '0;
  // Behind the expected frame (a resend of what arrived already): the top bit of the distance.
  assign data_dup    = frm_valid_q && frm_kind == KindData && seq_dist[SeqW-1];
  // A frame is taken only if its buffer has room: credits guarantee it (asserted below); if
  // the far end's credits were wrong it is dropped and NAKed, never lost.
  assign data_accept = data_in_seq && fifo_in_ready[frm_vc];
  assign data_ahead  = frm_valid_q && frm_kind == KindData && !data_accept && !data_dup;
  assign ack_evt     = frm_valid_q && (frm_kind == KindAck || frm_kind == KindNak);
  assign nak_evt     = frm_valid_q && frm_kind == KindNak;
  assign credit_evt  = frm_valid_q && frm_kind == KindCredit;

  for (genvar v = 0; v < NumVc; v++) begin : g_rx_fifo
    assign fifo_push[v] = data_accept && frm_vc == VcW'(v);
    stream_fifo #(.Depth(RxDepth), .Width(FlitW)) u_fifo (
      .clk_i,
      .rst_ni,
      .in_valid_i (fifo_push[v]),
      .in_ready_o (fifo_in_ready[v]),
      .in_data_i  (frm_flit),
      .out_valid_o(out_valid_o[v]),
      .out_ready_i(out_ready_i[v]),
      .out_data_o (out_flit_o[v]),
      .count_o    ()
    );
  end

  `ASSERT_ALWAYS(a_credit_overflow, clk_i, rst_ni, !(data_in_seq && !fifo_in_ready[frm_vc]),
                 "a data frame arrived for a full receive buffer: the far end's credits are wrong")

  // ------------------------------------------------------------------ send: state
  logic [SeqW-1:0] ack_ptr_q, send_ptr_q, next_seq_q;   // oldest unacked, next to send, next new
  logic [SeqW-1:0] ack_ptr_d, send_ptr_d, next_seq_d;
  logic [NumVc-1:0][CntW-1:0] sent_q, freed_far_q;       // flits sent / freed by the far end
  logic [TimerW-1:0] timer_q, busy_q, age_q, refresh_q;
  logic gap_q;
  logic [VcW-1:0] last_vc_q;
  logic [ReplayDepth-1:0][VcW-1:0]   replay_vc_q;
  logic [ReplayDepth-1:0][FlitW-1:0] replay_flit_q;
  // Receiver bookkeeping that the sender reports.
  logic nak_sent_q, nak_req_q, ack_pending_q, ack_urgent_q;
  logic [IdxW:0] rcv_since_ack_q;
  logic [NumVc-1:0][CntW-1:0] freed_q, reported_q;
  // The frame on the lane.
  logic [BodyW-1:0] tx_body_q, tx_body_d;
  logic             tx_ctrl_q;
  logic [WordW-1:0] tx_words_q, tx_idx_q;                // words left, word on the lane

  // ------------------------------------------------------------------ send: choice
  logic outstanding, timeout, rewind, tx_free, can_load, window_ok, replaying;
  logic [NumVc-1:0] new_ok;
  logic [VcW-1:0] new_vc;
  logic new_avail, data_avail, credit_pending, credit_urgent, ack_urgent, refresh_due;
  logic load_nak, load_ack, load_credit, load_data, load_new, load_ctrl;

  assign outstanding = next_seq_q != ack_ptr_q;
  assign timeout     = outstanding && timer_q == TimerW'(TimeoutCycles - 1);
  assign rewind      = nak_evt || timeout;
  assign tx_free     = tx_words_q <= WordW'(1);
  // No new frame while rewinding, and a gap when one is owed or the lane was busy too long.
  assign can_load    = tx_free && !rewind && !gap_q && busy_q != TimerW'(TimeoutCycles);
  assign window_ok   = SeqW'(next_seq_q - ack_ptr_q) < SeqW'(ReplayDepth);
  assign replaying   = send_ptr_q != next_seq_q;
  for (genvar v = 0; v < NumVc; v++) begin : g_credit
    assign new_ok[v] = in_valid_i[v] && CntW'(sent_q[v] - freed_far_q[v]) < CntW'(RxDepth);
  end
  assign new_avail  = window_ok && new_ok != '0;
  assign data_avail = replaying || new_avail;
  // Round robin between the VCs: the first ready one after the one sent last.
  always_comb begin
    new_vc = '0;
    for (int k = NumVc; k >= 1; k--) begin
      if (new_ok[VcW'(32'(last_vc_q) + k)]) new_vc = VcW'(32'(last_vc_q) + k);
    end
  end

  always_comb begin
    credit_pending = 1'b0;
    credit_urgent  = 1'b0;
    for (int v = 0; v < NumVc; v++) begin
      credit_pending |= freed_q[v] != reported_q[v];
      credit_urgent  |= CntW'(freed_q[v] - reported_q[v]) >= CntW'(CreditBatch);
    end
    credit_urgent |= credit_pending && age_q >= TimerW'(AgeLimit);
  end
  assign ack_urgent  = ack_pending_q && (ack_urgent_q || rcv_since_ack_q >= (IdxW+1)'(AckBatch) ||
                                         age_q >= TimerW'(AgeLimit));
  // Credits are absolute counts: resent now and then, so a lost credit frame cannot starve
  // the far end for good.
  assign refresh_due = refresh_q == TimerW'(TimeoutCycles);

  // Priority: nak, urgent ack, urgent credit, data (replay before new), then the rest.
  assign load_nak    = can_load && nak_req_q;
  assign load_ack    = can_load && !load_nak && ack_pending_q && (ack_urgent || !data_avail);
  assign load_credit = can_load && !load_nak && !load_ack &&
                       ((credit_pending && (credit_urgent || !data_avail)) || refresh_due);
  assign load_data   = can_load && !load_nak && !load_ack && !load_credit && data_avail;
  assign load_new    = load_data && !replaying;
  assign load_ctrl   = load_nak || load_ack || load_credit;

  for (genvar v = 0; v < NumVc; v++) begin : g_in_ready
    assign in_ready_o[v] = load_new && new_vc == VcW'(v);
  end

  logic [IdxW-1:0] send_idx;
  logic [VcW-1:0]  data_vc;
  logic [FlitW-1:0] data_flit;
  assign send_idx  = send_ptr_q[IdxW-1:0];
  assign data_vc   = replaying ? replay_vc_q[send_idx] : new_vc;
  assign data_flit = replaying ? replay_flit_q[send_idx] : in_flit_i[new_vc];

  always_comb begin
    tx_body_d = '0;
    if (load_nak || load_ack) begin
      tx_body_d[KindW-1:0]    = load_nak ? KindNak : KindAck;
      tx_body_d[KindW +: SeqW] = expected_q;
    end else if (load_credit) begin
      tx_body_d[KindW-1:0]          = KindCredit;
      tx_body_d[KindW +: NumVc*CntW] = freed_q;
    end else begin
      tx_body_d[KindW-1:0]            = KindData;
      tx_body_d[KindW +: VcW]             = data_vc;
      tx_body_d[KindW+VcW +: SeqW]        = send_ptr_q;
      tx_body_d[KindW+VcW+SeqW +: FlitW]  = data_flit;
    end
  end

  // Sender pointers: the load, then an ack (which may pass a rewound send pointer), then a
  // rewind to the oldest unacknowledged frame.
  logic            ack_ok;
  logic [SeqW-1:0] send_after_load;
  assign ack_ok = ack_evt && SeqW'(frm_seq - ack_ptr_q) <= SeqW'(next_seq_q - ack_ptr_q);
  always_comb begin
    next_seq_d      = load_new ? next_seq_q + 1'b1 : next_seq_q;
    send_after_load = load_data ? send_ptr_q + 1'b1 : send_ptr_q;
    ack_ptr_d       = ack_ok ? frm_seq : ack_ptr_q;
    send_ptr_d      = send_after_load;
    if (ack_ok && SeqW'(send_after_load - ack_ptr_q) < SeqW'(frm_seq - ack_ptr_q)) begin
      send_ptr_d = frm_seq;
    end
    if (rewind) send_ptr_d = ack_ptr_d;
  end

  // ------------------------------------------------------------------ state update
  logic [NumCounters-1:0][CounterW-1:0] cnt_q;
  logic [NumCounters-1:0]               cnt_inc;
  always_comb begin
    cnt_inc = '0;
    cnt_inc[luoshu_isa_pkg::LinkCntLaneWords]    = tx_lane_valid_o;
    cnt_inc[luoshu_isa_pkg::LinkCntDataFrames]   = load_data;
    cnt_inc[luoshu_isa_pkg::LinkCntRetransmits]  = load_data && replaying;
    cnt_inc[luoshu_isa_pkg::LinkCntCrcErrors]    = frm_bad_q;
    cnt_inc[luoshu_isa_pkg::LinkCntSeqDrops]     = data_dup || data_ahead;
    cnt_inc[luoshu_isa_pkg::LinkCntNaksSent]     = load_nak;
    cnt_inc[luoshu_isa_pkg::LinkCntNaksReceived] = nak_evt;
    cnt_inc[luoshu_isa_pkg::LinkCntTimeouts]     = timeout;
    cnt_inc[luoshu_isa_pkg::LinkCntFlitsIn]      = load_new;
  end
  assign counters_o = cnt_q;

  logic want_nak;
  assign want_nak = (frm_bad_q || data_ahead) && !nak_sent_q;

  logic [NumVc-1:0][CntW-1:0] sent_d, freed_far_d, freed_d, reported_d;
  logic [TimerW-1:0] timer_d, busy_d, age_d, refresh_d;
  logic [VcW-1:0] last_vc_d;
  logic gap_d, nak_sent_d, nak_req_d, ack_pending_d, ack_urgent_d, tx_ctrl_d;
  logic [SeqW-1:0] expected_d;
  logic [IdxW:0] rcv_since_ack_d;
  logic [WordW-1:0] tx_words_d, tx_idx_d;
  logic [NumCounters-1:0][CounterW-1:0] cnt_d;

  always_comb begin
    sent_d          = sent_q;
    freed_far_d     = freed_far_q;
    timer_d         = timer_q + 1'b1;
    gap_d           = gap_q;
    last_vc_d       = last_vc_q;
    expected_d      = expected_q;
    nak_sent_d      = nak_sent_q;
    nak_req_d       = nak_req_q;
    ack_pending_d   = ack_pending_q;
    ack_urgent_d    = ack_urgent_q;
    rcv_since_ack_d = rcv_since_ack_q;
    freed_d         = freed_q;
    reported_d      = reported_q;
    tx_ctrl_d       = tx_ctrl_q;
    tx_words_d      = tx_words_q;
    tx_idx_d        = tx_idx_q;

    // Sender side. Ack timer: runs while frames are unacknowledged; restarts on progress and
    // on a replay.
    if (!outstanding || rewind || ack_ptr_d != ack_ptr_q) timer_d = '0;
    if (rewind) gap_d = 1'b1;
    else if (tx_free) gap_d = 1'b0;
    // Busy lane cycles in a row, held at the limit until the gap it forces.
    busy_d = !tx_lane_valid_o ? '0 : busy_q != TimerW'(TimeoutCycles) ? busy_q + 1'b1 : busy_q;
    if (load_new) begin
      last_vc_d      = new_vc;
      sent_d[new_vc] = sent_q[new_vc] + 1'b1;
    end
    if (credit_evt) freed_far_d = frm_freed;

    // Receiver side.
    if (data_accept) expected_d = expected_q + 1'b1;
    if (data_accept) nak_sent_d = 1'b0;
    else if (want_nak) nak_sent_d = 1'b1;
    if (want_nak) nak_req_d = 1'b1;
    else if (load_nak) nak_req_d = 1'b0;
    // An ack or a nak both report expected_q; a frame taken in the same cycle is reported by
    // the next one.
    if (data_accept || data_dup) ack_pending_d = 1'b1;
    else if (load_ack || load_nak) ack_pending_d = 1'b0;
    if (data_dup) ack_urgent_d = 1'b1;  // the far end missed an ack: it is resending
    else if (load_ack || load_nak) ack_urgent_d = 1'b0;
    if (load_ack || load_nak) rcv_since_ack_d = {{IdxW{1'b0}}, data_accept};
    else if (data_accept && rcv_since_ack_q != (IdxW+1)'(AckBatch)) begin
      rcv_since_ack_d = rcv_since_ack_q + 1'b1;
    end
    for (int v = 0; v < NumVc; v++) begin
      if (out_valid_o[v] && out_ready_i[v]) freed_d[v] = freed_q[v] + 1'b1;
    end
    if (load_credit) reported_d = freed_q;
    age_d = (load_ctrl || !(ack_pending_q || credit_pending)) ? '0 :
            age_q != TimerW'(AgeLimit) ? age_q + 1'b1 : age_q;
    refresh_d = load_credit ? '0 : refresh_due ? refresh_q : refresh_q + 1'b1;

    // The lane.
    if (load_ctrl || load_data) begin
      tx_ctrl_d  = load_ctrl;
      tx_words_d = WordW'(load_ctrl ? CtrlWords : DataWords);
      tx_idx_d   = '0;
    end else if (tx_words_q != '0) begin
      tx_words_d = tx_words_q - 1'b1;
      tx_idx_d   = tx_idx_q + 1'b1;
    end

    for (int i = 0; i < NumCounters; i++) cnt_d[i] = cnt_q[i] + CounterW'(cnt_inc[i]);
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      ack_ptr_q       <= '0;
      send_ptr_q      <= '0;
      next_seq_q      <= '0;
      sent_q          <= '0;
      freed_far_q     <= '0;
      timer_q         <= '0;
      busy_q          <= '0;
      age_q           <= '0;
      refresh_q       <= '0;
      gap_q           <= 1'b0;
      last_vc_q       <= '0;
      expected_q      <= '0;
      nak_sent_q      <= 1'b0;
      nak_req_q       <= 1'b0;
      ack_pending_q   <= 1'b0;
      ack_urgent_q    <= 1'b0;
      rcv_since_ack_q <= '0;
      freed_q         <= '0;
      reported_q      <= '0;
      tx_ctrl_q       <= 1'b0;
      tx_words_q      <= '0;
      tx_idx_q        <= '0;
      cnt_q           <= '0;
    end else begin
      ack_ptr_q       <= ack_ptr_d;
      send_ptr_q      <= send_ptr_d;
      next_seq_q      <= next_seq_d;
      sent_q          <= sent_d;
      freed_far_q     <= freed_far_d;
      timer_q         <= timer_d;
      busy_q          <= busy_d;
      age_q           <= age_d;
      refresh_q       <= refresh_d;
      gap_q           <= gap_d;
      last_vc_q       <= last_vc_d;
      expected_q      <= expected_d;
      nak_sent_q      <= nak_sent_d;
      nak_req_q       <= nak_req_d;
      ack_pending_q   <= ack_pending_d;
      ack_urgent_q    <= ack_urgent_d;
      rcv_since_ack_q <= rcv_since_ack_d;
      freed_q         <= freed_d;
      reported_q      <= reported_d;
      tx_ctrl_q       <= tx_ctrl_d;
      tx_words_q      <= tx_words_d;
      tx_idx_q        <= tx_idx_d;
      cnt_q           <= cnt_d;
    end
  end

  // Frame and replay storage: no reset (only entries the pointers cover are read).
  always_ff @(posedge clk_i) begin
    if (load_ctrl || load_data) tx_body_q <= tx_body_d;
    if (load_new) begin
      replay_vc_q[next_seq_q[IdxW-1:0]]   <= new_vc;
      replay_flit_q[next_seq_q[IdxW-1:0]] <= in_flit_i[new_vc];
    end
  end

  // The frame on the lane: body, then its CRC in the top 16 bits of its last words.
  logic [CrcW-1:0]   tx_crc;
  logic [FrameW-1:0] tx_frame;
  c2c_crc16 #(.Width(BodyW)) u_tx_crc (.data_i(tx_body_q), .crc_o(tx_crc));
  always_comb begin
    tx_frame = FrameW'(tx_body_q);
    if (tx_ctrl_q) tx_frame[CtrlBodyW +: CrcW] = tx_crc;
    else tx_frame[BodyW +: CrcW] = tx_crc;
  end
  assign tx_lane_valid_o = tx_words_q != '0;
  assign tx_lane_o       = tx_lane_valid_o ? tx_frame[tx_idx_q * LaneW +: LaneW] : '0;

  `ASSERT_STREAMS_STABLE(a_in_stable, clk_i, rst_ni, NumVc, in_valid_i, in_ready_o, in_flit_i)
  `ASSERT_ALWAYS(a_window, clk_i, rst_ni,
                 SeqW'(next_seq_q - ack_ptr_q) <= SeqW'(ReplayDepth) &&
                 SeqW'(send_ptr_q - ack_ptr_q) <= SeqW'(next_seq_q - ack_ptr_q),
                 "send pointers out of the window")
endmodule
