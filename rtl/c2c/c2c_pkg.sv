// Luoshu chip-to-chip link: frame kinds, field widths and counter sizes shared by the link
// endpoint (c2c_link) and its test top. See docs/supernode.md for the frame tables.
//
// A frame is a whole number of LaneW-bit lane words, sent back to back with the lane valid
// high; word 0 carries frame bits [LaneW-1:0]. Every frame starts with its kind in bits [1:0]
// (so the receiver knows its length from word 0) and ends with a CRC-16 in its top 16 bits:
//
//   data    [1:0] kind  [2 +: VcW] vc  [2+VcW +: SeqW] seq  [2+VcW+SeqW +: FlitW] flit  zeros  crc16
//   ack/nak [1:0] kind  [2 +: SeqW] next expected seq                     zeros  crc16
//   credit  [1:0] kind  [2 + v*CntW +: CntW] freed flits of vc v, v = 0..NumVc-1  zeros  crc16
// (VcW = log2(NumVc): 1 bit with the default two VCs.)
package c2c_pkg;

  // Virtual channels: one per network, so a blocked request channel never blocks responses.
  // A supernode link carries two classes of each (dateline classes, docs/supernode.md):
  // vc = class * 2 + network (c2c_link's NumVc parameter: 2, class 0 only, or 4).
  localparam int VcReq = 0;
  localparam int VcRsp = 1;
  function automatic int vc_w(int num_vc);
    return num_vc > 2 ? $clog2(num_vc) : 1;
  endfunction

  typedef enum logic [1:0] {
    KindData   = 2'd0,  // one flit of one VC, with its sequence number
    KindAck    = 2'd1,  // every data frame before seq has arrived
    KindNak    = 2'd2,  // as ack, and: resend from seq (go-back-N)
    KindCredit = 2'd3   // flits of each VC the receiver has handed to its chip (absolute)
  } kind_e;

  localparam int KindW = 2;
  localparam int CrcW  = 16;

  // Sequence numbers count modulo 2 * ReplayDepth: twice the window, so the receiver tells a
  // resent old frame from a frame ahead of the one it waits for.
  function automatic int seq_w(int replay_depth);
    return $clog2(replay_depth) + 1;
  endfunction
  // Credit counts are absolute (modulo 2^CntW), so a lost credit frame is healed by the next.
  function automatic int cnt_w(int rx_depth);
    return $clog2(rx_depth + 1) + 1;
  endfunction
  function automatic int data_body_bits(int flit_w, int replay_depth, int num_vc);
    return KindW + vc_w(num_vc) + seq_w(replay_depth) + flit_w;
  endfunction
  function automatic int ctrl_body_bits(int replay_depth, int rx_depth, int num_vc);
    int s = seq_w(replay_depth);
    int c = num_vc * cnt_w(rx_depth);
    return KindW + (s > c ? s : c);
  endfunction
  // Lane words of a data frame and of a control frame (ack, nak, credit).
  function automatic int data_words(int lane_w, int flit_w, int replay_depth, int num_vc);
    return (data_body_bits(flit_w, replay_depth, num_vc) + CrcW + lane_w - 1) / lane_w;
  endfunction
  function automatic int ctrl_words(int lane_w, int replay_depth, int rx_depth, int num_vc);
    return (ctrl_body_bits(replay_depth, rx_depth, num_vc) + CrcW + lane_w - 1) / lane_w;
  endfunction

  // Supernode (docs/supernode.md, "Address map"): up to 8 chips; a byte address's top bits
  // are the chip id. On the networks a header's addr is a beat address (byte >> 4), so the
  // chip id sits at beat-address bits [27:25]; the four bits above a beat address carry the
  // other chip of a remote transfer: a request's source chip, a response's destination chip.
  localparam int ChipW = 3;
  localparam int MaxChips = 1 << ChipW;
  localparam int ChipBeatLsb = 25;   // addr[27:25]: the chip whose memory is addressed
  localparam int PeerBeatLsb = 28;   // addr[30:28]: request: source chip; response: its destination
  // Link ports of a chip: a ring uses the X pair; a torus all four. A packet that arrives on
  // port p travels away from the neighbour on p.
  localparam int NumLinkPorts = 4;
  localparam int LinkXPlus  = 0;
  localparam int LinkXMinus = 1;
  localparam int LinkYPlus  = 2;
  localparam int LinkYMinus = 3;
  // Dateline classes per network on a link: vc = class * 2 + network.
  localparam int NumClasses = 2;

  // Counters (counters_o[i], wrapping): their numbers and width come from the ISA source
  // (sw/isa/isa.toml link_counters, luoshu_isa_pkg::LinkCnt*), which the host's LINK[p].CNT_SEL,
  // the driver and tb/agents/c2c_channel.h use too.
  localparam int CounterW    = luoshu_isa_pkg::CntW;
  localparam int NumCounters = luoshu_isa_pkg::NumLinkCounters;

endpackage
