// The vector unit (docs/core.md "Vector unit"): VADD, VMAX, VREQUANT and VCOPY (docs/isa.md)
// on rows x cols blocks in device memory, bit-exact with sw/model/vector.h. It sits behind
// the ST queue beside mte_out (ai_core runs one of the two at a time) and has a read and a
// write client of its own on the memory mux.
//
// A command:
//   1. Window pre-pass: one row per cycle, src0, src1 and dst rows checked side by side
//      (window_check); any row outside its windows (or past 2^32) ends the command with
//      FaultAccess before any access.
//   2. Streaming, all at once:
//      - reads: a burst_gen per source (bursts of at most BufBeats / 2 beats), merged onto the
//        one read port, each burst only when its source's beat buffer has room for all of it
//        (reserved at the AR), so R is always taken and neither source can block the other;
//        a FIFO of the bursts in flight routes each R beat to its source's buffer, marked
//        with the row start's offset on a row's first beat;
//      - an aligner per source turns its beats into steps of up to BeatBytes bytes of one row,
//        starting at the row's first byte (a step ends a row short only at the row's end);
//      - the two sources' steps are taken together and computed lane by lane: int32 add or
//        signed max, int8 signed max, a copy, or (VREQUANT) the STORE epilogue itself
//        (epilogue.sv, no bias, no ReLU), which every step passes through for one latency;
//      - each result, placed at its destination offset by the realigner (the one of MTE-out)
//        becomes strobed beats, buffered until a whole AW burst's beats are there (bursts of
//        at most BufBeats / 2 beats from a third burst_gen): an AW never waits for its data.
//   3. Wait for every B, then sts_o.done (FaultMemError if any R or B carried an error: the
//      command still moves all its beats, so the destination may be partly written).
// A destination that overlaps a source other than exactly in place gives an undefined
// result (docs/isa.md): a step's write follows its reads, nothing more is ordered.
`include "luoshu_assert.svh"
`include "luoshu_mem.svh"

module vec_unit
  import luoshu_isa_pkg::*;
#(
  parameter int BeatBytes = 16,
  parameter int NumWindows = 4,
  parameter int BufBeats = 16,     // beat buffer per source; bursts of at most BufBeats / 2
  parameter int EpiloguePipe = 0,  // epilogue.sv Pipe (the FPGA build's 2, like MTE-out)
  localparam int NbW = $clog2(BeatBytes + 1)
) (
  input  logic                                  clk_i,
  input  logic                                  rst_ni,
  input  luoshu_unit_pkg::cmd_t                 cmd_i,
  output luoshu_unit_pkg::sts_t                 sts_o,
  output logic [NbW:0]                         rd_bytes_o,  // payload bytes taken (a cycle on)
  input  luoshu_mem_pkg::win_t [NumWindows-1:0] win_i,
  output `LUOSHU_MEM_RD_REQ_T                   mem_rd_req_o,
  input  `LUOSHU_MEM_RD_RSP_T(BeatBytes)        mem_rd_rsp_i,
  output logic                                  mem_r_ready_o,
  output `LUOSHU_MEM_WR_REQ_T(BeatBytes)        mem_wr_req_o,
  input  `LUOSHU_MEM_WR_RSP_T                   mem_wr_rsp_i,
  output logic                                  mem_b_ready_o
);
  if (BeatBytes < 4 || BeatBytes > 256 || (BeatBytes & (BeatBytes - 1)) != 0) begin : g_bad_beat
    $error("vec_unit: BeatBytes must be a power of two in 4..256 (got %0d)", BeatBytes);
  end
  if (BufBeats < 2 || BufBeats > 256 || (BufBeats & (BufBeats - 1)) != 0) begin : g_bad_buf
    $error("vec_unit: BufBeats must be a power of two in 2..256 (got %0d)", BufBeats);
  end
  // One layout for all four opcodes (isa.toml): the unit reads VADD's field positions.
  if (VaddDstAddrLsb != VcopyDstAddrLsb || VaddSrc0AddrLsb != VrequantSrc0AddrLsb ||
      VaddRowsLsb != VmaxRowsLsb || VaddColsLsb != VcopyColsLsb ||
      VaddDstStrideLsb != VrequantDstStrideLsb || VaddSrc0StrideLsb != VcopySrc0StrideLsb ||
      VaddSrc1AddrLsb != VmaxSrc1AddrLsb || VaddSrc1StrideLsb != VmaxSrc1StrideLsb) begin : g_bad_isa
    $error("vec_unit: the vector opcodes' fields no longer share one layout (sw/isa/isa.toml)");
  end

  localparam int OffW = $clog2(BeatBytes);
  localparam int MaxBurst = BufBeats / 2;
  localparam int Lanes32 = BeatBytes / 4;
  localparam int ResvW = $clog2(BufBeats + 1);
  localparam int TagDepth = 2 * BufBeats;        // bursts in flight: at most one per beat
  localparam int RowW = 18;                      // bytes of a row: cols * 4 < 2^18
  localparam int OutDepth = 4;                   // >= the epilogue's latency + 1

  typedef logic [BeatBytes-1:0][7:0] beat_t;

  // ---------------------------------------------------------------- command
  typedef enum logic [1:0] { FnAdd, FnMax, FnRequant, FnCopy } fn_e;
  typedef enum logic [2:0] { StIdle, StCheck, StStart, StRun, StWaitB, StDone } state_e;
  state_e state_q, state_d;
  logic   run_q;  // state_q == StRun as a flop of its own: it gates every step and pop

  logic cmd_fire;
  assign sts_o.ready = (state_q == StIdle);
  assign cmd_fire    = cmd_i.valid && sts_o.ready;
  assign sts_o.busy  = (state_q != StIdle);

  logic [OpcodeW-1:0] in_op;
  logic               in_int8;
  assign in_op   = cmd_i.desc[HdrOpcodeLsb +: OpcodeW];
  assign in_int8 = cmd_i.desc[VmaxInt8Lsb];

  fn_e         fn_q;
  logic        two_q, src4_q;  // two sources; int32 source elements
  logic [15:0] rows_q, rows_m1_q;  // rows, and rows - 1 (the pre-pass's last row)
  // The command as it is taken: two sources, int32 sources, int32 results, row bytes.
  logic            in_two, in_src4, in_dst4;
  logic [RowW-1:0] in_src_bytes, in_dst_bytes;
  assign in_two       = (in_op == OpVadd) || (in_op == OpVmax);
  assign in_src4      = (in_op == OpVadd) || (in_op == OpVrequant) || (in_op == OpVmax && !in_int8);
  assign in_dst4      = (in_op == OpVadd) || (in_op == OpVmax && !in_int8);
  assign in_src_bytes = RowW'(cmd_i.desc[VaddColsLsb +: 16]) << (in_src4 ? 2 : 0);
  assign in_dst_bytes = RowW'(cmd_i.desc[VaddColsLsb +: 16]) << (in_dst4 ? 2 : 0);
  logic [RowW-1:0] src_bytes_q, dst_bytes_q;  // bytes of a source row, a destination row
  logic [2:0][31:0] addr_q, stride_q;         // src0, src1, dst
  logic [15:0] scale_q;
  logic [4:0]  shift_q;
  always_ff @(posedge clk_i) begin
    if (cmd_fire) begin
      unique case (in_op)
        OpVadd:     fn_q <= FnAdd;
        OpVmax:     fn_q <= FnMax;
        OpVrequant: fn_q <= FnRequant;
        default:    fn_q <= FnCopy;
      endcase
      two_q       <= in_two;
      src4_q      <= in_src4;
      rows_q      <= cmd_i.desc[VaddRowsLsb +: 16];
      rows_m1_q   <= cmd_i.desc[VaddRowsLsb +: 16] - 16'd1;
      src_bytes_q <= in_src_bytes;
      dst_bytes_q <= in_dst_bytes;
      addr_q      <= {cmd_i.desc[VaddDstAddrLsb +: 32], cmd_i.desc[VaddSrc1AddrLsb +: 32],
                      cmd_i.desc[VaddSrc0AddrLsb +: 32]};
      stride_q    <= {cmd_i.desc[VaddDstStrideLsb +: 32], cmd_i.desc[VaddSrc1StrideLsb +: 32],
                      cmd_i.desc[VaddSrc0StrideLsb +: 32]};
      scale_q     <= cmd_i.desc[VrequantScaleLsb +: 16];
      shift_q     <= cmd_i.desc[VrequantShiftLsb +: 5];
    end
  end

  // ---------------------------------------------------------------- window pre-pass
  logic [15:0]      chk_row_q, chk_row_d;
  logic [2:0][32:0] chk_addr_q, chk_addr_d;  // row starts; bit 32: past the address space
  // The rows' ends (start + length) as registers moved with the starts, so the add is not in
  // front of the window compares (this pre-pass was the unit's longest path, docs/fpga.md).
  // Past 2^32 an end is not looked at: the start's sticky bit 32 fails the row first.
  logic [2:0][33:0] chk_end_q, chk_end_d;
  logic [2:0][RowW-1:0] in_len;  // each range's length, from the command as it is taken
  assign in_len = {in_dst_bytes, in_two ? in_src_bytes : '0, in_src_bytes};
  logic [2:0]       chk_ok;
  for (genvar o = 0; o < 3; o++) begin : g_chk
    logic [32:0] len;
    assign len = (o == 1 && !two_q) ? 33'd0 : (o == 2 ? 33'(dst_bytes_q) : 33'(src_bytes_q));
    logic ok;
    window_check_end #(.NumWindows(NumWindows)) u_window_check (
      .win_i,
      .addr_i (chk_addr_q[o][31:0]),
      .end_i  (chk_end_q[o]),
      .empty_i(len == '0),
      .write_i(o == 2),
      .ok_o   (ok)
    );
    assign chk_ok[o] = ok && (len == '0 || !chk_addr_q[o][32]);
    `ASSERT_ALWAYS(a_chk_end, clk_i, rst_ni,
                   state_q != StCheck || chk_addr_q[o][32] ||
                   chk_end_q[o] == 34'(chk_addr_q[o]) + 34'(len),
                   "the vector unit's pre-pass row end disagrees with start + length")
  end
  always_comb begin
    chk_row_d  = chk_row_q;
    chk_addr_d = chk_addr_q;
    chk_end_d  = chk_end_q;
    if (state_q == StIdle) begin
      chk_row_d  = '0;
      chk_addr_d = {{1'b0, cmd_i.desc[VaddDstAddrLsb +: 32]},
                    {1'b0, cmd_i.desc[VaddSrc1AddrLsb +: 32]},
                    {1'b0, cmd_i.desc[VaddSrc0AddrLsb +: 32]}};
      for (int o = 0; o < 3; o++) chk_end_d[o] = 34'(chk_addr_d[o]) + 34'(in_len[o]);
    end else if (state_q == StCheck) begin
      chk_row_d = chk_row_q + 16'd1;
      for (int o = 0; o < 3; o++) begin
        // Once past 2^32 a row start stays there (bit 32 sticks).
        chk_addr_d[o] = chk_addr_q[o] + {1'b0, stride_q[o]};
        if (chk_addr_q[o][32]) chk_addr_d[o][32] = 1'b1;
        chk_end_d[o] = chk_end_q[o] + 34'(stride_q[o]);
      end
    end
  end

  // ---------------------------------------------------------------- reads
  logic [1:0]        rg_valid, rg_row_last, rg_fire, can_issue;
  logic [1:0][31:0]  rg_addr;
  logic [1:0][7:0]   rg_len;
  logic [1:0][8:0]   rg_beats;
  // Beats of each buffer not reserved (in flight or held): kept as the room, so an issue
  // test is one compare (as a sum and a compare it was the unit's longest path, docs/fpga.md).
  logic [1:0][ResvW-1:0] room_q, room_d;
  logic [1:0][31:0]  rd_row_q, rd_row_d;     // each source's current row start (its offset)
  logic [1:0]        rd_first_q, rd_first_d; // the next burst starts a row
  logic [1:0]        buf_pop;
  logic              ar_sel, ar_sel_q, ar_hold_q, ar_fire, tag_in_ready;
  for (genvar s = 0; s < 2; s++) begin : g_rd_gen
    burst_gen #(.BeatBytes(BeatBytes), .LenW(RowW), .MaxBeats(MaxBurst)) u_rd_gen (
      .clk_i,
      .rst_ni,
      .start_i         (state_q == StStart && (s == 0 || two_q)),
      .addr_i          (addr_q[s]),
      .row_bytes_i     (src_bytes_q),
      .rows_i          (rows_q),
      .stride_i        (stride_q[s]),
      .burst_valid_o   (rg_valid[s]),
      .burst_ready_i   (rg_fire[s]),
      .burst_addr_o    (rg_addr[s]),
      .burst_len_o     (rg_len[s]),
      .burst_beats_o   (rg_beats[s]),
      .burst_row_last_o(rg_row_last[s])
    );
    assign can_issue[s] = rg_valid[s] && (rg_beats[s] <= 9'(room_q[s]));
  end
  // Alternate between the sources; a choice on offer is held until taken (stream rule: a
  // source's can_issue only falls when its burst is taken).
  assign ar_sel = ar_hold_q ? ar_sel_q : (can_issue[1] && (!can_issue[0] || !ar_sel_q));
  assign mem_rd_req_o.ar_valid = can_issue[ar_sel] && tag_in_ready;
  assign mem_rd_req_o.ar_addr  = rg_addr[ar_sel];
  assign mem_rd_req_o.ar_len   = rg_len[ar_sel];
  assign ar_fire  = mem_rd_req_o.ar_valid && mem_rd_rsp_i.ar_ready;
  assign rg_fire  = {ar_fire && ar_sel, ar_fire && !ar_sel};

  // The bursts in flight, in AR order: source, first of a row (and the row's offset), length.
  typedef struct packed {
    logic            src;
    logic            first;
    logic [OffW-1:0] off;
    logic [7:0]      len;
  } tag_t;
  tag_t tag_in, tag;
  logic tag_valid, r_fire, r_burst_end;
  logic [7:0] r_cnt_q;
  logic [$clog2(TagDepth+1)-1:0] unused_tag_count;
  assign tag_in = '{src: ar_sel, first: rd_first_q[ar_sel],
                    off: rd_row_q[ar_sel][OffW-1:0], len: rg_len[ar_sel]};
  stream_fifo #(.Depth(TagDepth), .Width($bits(tag_t))) u_tag_fifo (
    .clk_i,
    .rst_ni,
    .in_valid_i  (ar_fire),
    .in_ready_o  (tag_in_ready),
    .in_data_i   (tag_in),
    .out_valid_o (tag_valid),
    .out_ready_i (r_fire && r_burst_end),
    .out_data_o  (tag),
    .count_o     (unused_tag_count)
  );
  assign mem_r_ready_o = 1'b1;  // room was reserved at the AR
  assign r_fire        = mem_rd_rsp_i.r_valid;
  assign r_burst_end   = (r_cnt_q == tag.len);

  // Each source's beat buffer: {first beat of a row, its offset, the bytes of the row a first
  // beat holds, error, data}. first_cnt (min(row bytes, BeatBytes - off)) is worked out as the
  // beat arrives, not at the aligner, where its subtraction and compare stood between the
  // buffer's head and the aligner's byte placement (the unit's longest path, docs/fpga.md).
  typedef struct packed {
    logic            first;
    logic [OffW-1:0] off;
    logic [NbW:0]    first_cnt;
    logic            err;
    beat_t           data;
  } beat_in_t;
  beat_in_t  beat_in;
  beat_in_t [1:0] beat;
  logic [1:0] buf_valid, buf_in_ready;
  logic [NbW:0] first_cnt;
  assign first_cnt = (32'(src_bytes_q) < BeatBytes - 32'(tag.off))
                     ? (NbW+1)'(src_bytes_q) : (NbW+1)'(BeatBytes - 32'(tag.off));
  // A row's first beat enters its buffer shifted down by the row's offset (lane 0 = the row's
  // first byte), which takes that shift off the aligner's path. In a block with an if, so
  // the simulation shifts only for a first beat (Verilator: simulation speed).
  always_comb begin
    beat_in = '{first: tag.first && (r_cnt_q == '0), off: tag.off, first_cnt: first_cnt,
                err: mem_rd_rsp_i.r_err, data: mem_rd_rsp_i.r_data};
    if (beat_in.first) beat_in.data = beat_t'(mem_rd_rsp_i.r_data >> (8 * tag.off));
  end
  for (genvar s = 0; s < 2; s++) begin : g_buf
    logic [$clog2(BufBeats+1)-1:0] unused_count;
    stream_fifo #(.Depth(BufBeats), .Width($bits(beat_in_t))) u_beat_fifo (
      .clk_i,
      .rst_ni,
      .in_valid_i  (r_fire && (tag.src == 1'(s))),
      .in_ready_o  (buf_in_ready[s]),
      .in_data_i   (beat_in),
      .out_valid_o (buf_valid[s]),
      .out_ready_i (buf_pop[s]),
      .out_data_o  (beat[s]),
      .count_o     (unused_count)
    );
  end

  // ---------------------------------------------------------------- aligners
  // Per source: up to two beats of the current row's bytes, lane 0 = the next byte of the row.
  // A row's first beat is taken only into an empty aligner, so a step never mixes rows.
  logic [1:0]          st_valid, st_last, st_take;
  logic [1:0][NbW-1:0] st_nbytes;
  logic [1:0][NbW:0]  al_taken;  // bytes of the row taken from a beat this cycle
  beat_t [1:0]         st_data;
  // An aligner's bytes after a cycle that moves some: a step taken (a beat leaves, or the
  // row's tail and then nothing is left), then a popped beat's first bytes (`mask`, the row's
  // bytes in it, already at lane 0) placed after the bytes kept. The placement shift is by
  // n_q, a register, into a window of three beats; the step (late: both sources and the
  // output FIFO decide it) only selects which two beats of it to keep: kept n_q bytes, or
  // n_q - BeatBytes after a step (the only case a beat is popped with n_q > BeatBytes).
  // Bytes past the ones held are zero (kept so), so a beat is placed with an OR. A function
  // called only in a cycle that moves bytes: as continuous logic Verilator would do these
  // wide shifts every cycle (simulation speed).
  function automatic logic [2*BeatBytes-1:0][7:0] aligned(
      input logic [2*BeatBytes-1:0][7:0] acc, input logic take, input logic last,
      input logic pop, input beat_t data, input logic [BeatBytes-1:0] mask,
      input logic [NbW:0] n);
    logic [2*BeatBytes-1:0][7:0] kept, placed;
    logic [3*BeatBytes-1:0][7:0] window;
    beat_t masked;
    for (int i = 0; i < BeatBytes; i++) masked[i] = mask[i] ? data[i] : 8'h00;
    window = (3*BeatBytes*8)'(masked) << (8 * n);
    kept   = acc;
    placed = window[2*BeatBytes-1:0];
    if (take) begin
      kept   = last ? '0 : {{BeatBytes{8'h00}}, acc[2*BeatBytes-1:BeatBytes]};
      placed = last ? (2*BeatBytes*8)'(masked) : window[3*BeatBytes-1:BeatBytes];
    end
    return pop ? kept | placed : kept;
  endfunction
  for (genvar s = 0; s < 2; s++) begin : g_align
    logic [2*BeatBytes-1:0][7:0] acc_q;
    logic [NbW:0]               n_q, n_d, n_kept;  // bytes held, 0..2 * BeatBytes
    logic [RowW-1:0]             left_q, left_d;    // bytes of the row not yet taken
    logic [OffW-1:0]             start;
    logic [NbW:0]               count;
    logic [BeatBytes-1:0]        mask;               // count as a thermometer
    logic [RowW-1:0]             avail;
    logic                        left_short;         // left_q < BeatBytes
    logic                        left_zero_q, left_zero_d;  // left_q == 0, a register
    logic                        n_full, n_le_beat;  // n_q >= BeatBytes, n_q <= BeatBytes
    // n_q's compares as tests of its bits and the row's end as a flag: these start the step
    // decision, which gates every aligner's pop (the unit's longest paths, docs/fpga.md).
    assign n_full       = (n_q[NbW:OffW] != '0);
    assign n_le_beat    = (n_q[NbW:OffW] == '0) || (n_q[NbW:OffW] == 1 && n_q[OffW-1:0] == '0);
    assign st_valid[s]  = n_full || (left_zero_q && n_q != '0);
    assign st_last[s]   = left_zero_q && n_le_beat;
    `ASSERT_ALWAYS(a_left_zero, clk_i, rst_ni, left_zero_q == (left_q == '0),
                   "the aligner's row-end flag disagrees with the bytes left")
    assign st_nbytes[s] = n_full ? NbW'(BeatBytes) : NbW'(n_q);
    assign st_data[s]   = acc_q[BeatBytes-1:0];
    // Bytes held after this cycle's step: a whole beat leaves, or a row's tail (then none).
    always_comb begin
      n_kept = n_q;
      if (st_take[s]) n_kept = st_last[s] ? '0 : n_q - (NbW+1)'(BeatBytes);
    end
    // The beat on offer: its first byte of the row, and how many of its bytes the row takes.
    assign start   = beat[s].first ? beat[s].off : '0;
    assign avail   = beat[s].first ? src_bytes_q : left_q;
    // min(avail, BeatBytes - start): a first beat's from the buffer, a later one's (start 0)
    // left_q against BeatBytes, a test of its high bits (a compare was a carry chain).
    assign left_short = (left_q[RowW-1:OffW] == '0);
    assign count   = beat[s].first ? beat[s].first_cnt :
                     left_short ? (NbW+1)'(left_q) : (NbW+1)'(BeatBytes);
    // Thermometers as shifts of ones (a compare per lane became carry chains).
    assign mask = beat[s].first ? ~({BeatBytes{1'b1}} << beat[s].first_cnt)
                : left_short    ? ~({BeatBytes{1'b1}} << left_q[OffW-1:0]) : '1;
    `ASSERT_ALWAYS(a_count, clk_i, rst_ni,
                   !buf_valid[s] || count == ((32'(avail) < BeatBytes - 32'(start))
                                              ? (NbW+1)'(avail)
                                              : (NbW+1)'(BeatBytes - 32'(start))),
                   "the aligner's byte count disagrees with min(available, BeatBytes - start)")
    // n_kept <= BeatBytes and (for a row's first beat) n_kept == 0, from n_q's bits and the
    // step: a step that is not the row's tail leaves n_q - BeatBytes (n_q >= BeatBytes then).
    assign buf_pop[s] = buf_valid[s] &&
                        (beat[s].first ? (st_take[s] && (st_last[s] || (n_full && n_le_beat))) ||
                                         n_q == '0
                                       : st_take[s] || n_le_beat);
    `ASSERT_ALWAYS(a_pop, clk_i, rst_ni,
                   buf_pop[s] == (buf_valid[s] && (32'(n_kept) <= BeatBytes) &&
                                  (!beat[s].first || n_kept == '0)),
                   "the aligner's pop disagrees with the bytes it keeps")
    always_comb begin
      n_d         = n_kept;
      left_d      = left_q;
      left_zero_d = left_zero_q;
      if (state_q == StStart) begin
        n_d         = '0;
        left_d      = '0;
        left_zero_d = 1'b1;
      end else if (buf_pop[s]) begin
        n_d         = n_kept + count;
        left_d      = avail - RowW'(count);
        left_zero_d = (avail == RowW'(count));  // beside the subtract, not after it
      end
    end
    always_ff @(posedge clk_i) begin
      if (!rst_ni) begin
        n_q         <= '0;
        left_q      <= '0;
        left_zero_q <= 1'b1;
      end else begin
        n_q         <= n_d;
        left_q      <= left_d;
        left_zero_q <= left_zero_d;
      end
    end
    // Datapath (n_q says what is valid), loaded only in a cycle that moves bytes.
    always_ff @(posedge clk_i) begin
      if (state_q == StStart) begin
        acc_q <= '0;
      end else if (buf_pop[s] || st_take[s]) begin
        acc_q <= aligned(acc_q, st_take[s], st_last[s], buf_pop[s], beat[s].data, mask, n_q);
      end
    end
    assign al_taken[s] = (buf_pop[s] && !beat[s].err) ? count : '0;
  end
  // The bytes taken reach the core's counter from a flop, a cycle after their pops: a pop ends
  // the step decision, and in the SoC this sum into the core's counter adder was the longest
  // path (docs/fpga.md). The counter is read after done, which comes cycles after the last pop.
  always_ff @(posedge clk_i) begin
    if (!rst_ni) rd_bytes_o <= '0;
    else rd_bytes_o <= al_taken[0] + al_taken[1];
  end

  // ---------------------------------------------------------------- compute
  // A step of each source goes in when both are there and the output FIFO has room for it
  // and for every step still in the epilogue: slots_q counts that room (OutDepth less the
  // FIFO's count and the steps in the epilogue) so the test is not an add and a compare.
  logic [$clog2(OutDepth+1)-1:0] out_count, slots_q, slots_d;
  logic [2:0]                    in_flight_q, in_flight_d;
  logic                          step_valid, step_fire, epi_valid;
  assign step_valid = st_valid[0] && (st_valid[1] || !two_q);
  assign step_fire  = step_valid && (slots_q != '0) && run_q;
  `ASSERT_ALWAYS(a_run, clk_i, rst_ni, run_q == (state_q == StRun),
                 "the vector unit's run flag disagrees with its state")
  `ASSERT_ALWAYS(a_slots, clk_i, rst_ni,
                 32'(slots_q) + 32'(out_count) + 32'(in_flight_q) == OutDepth,
                 "the vector unit's output slots disagree with the FIFO and the epilogue")
  assign st_take     = {step_fire && two_q, step_fire};

  beat_t res;
  always_comb begin
    res = st_data[0];  // FnCopy
    unique case (fn_q)
      FnAdd: begin
        for (int l = 0; l < Lanes32; l++) begin
          res[4*l +: 4] = st_data[0][4*l +: 4] + st_data[1][4*l +: 4];
        end
      end
      FnMax: begin
        if (src4_q) begin
          for (int l = 0; l < Lanes32; l++) begin
            if ($signed(st_data[1][4*l +: 4]) > $signed(st_data[0][4*l +: 4])) begin
              res[4*l +: 4] = st_data[1][4*l +: 4];
            end
          end
        end else begin
          for (int i = 0; i < BeatBytes; i++) begin
            if ($signed(st_data[1][i]) > $signed(st_data[0][i])) res[i] = st_data[1][i];
          end
        end
      end
      default: ;  // FnRequant: the epilogue's q; FnCopy: src0
    endcase
  end

  // Every step passes the epilogue (one latency for all); its tag carries the step's result
  // and framing, its q the VREQUANT bytes.
  typedef struct packed {
    logic            last;
    logic [NbW-1:0] nbytes;  // destination bytes
    beat_t           data;
  } out_t;
  out_t epi_tag_in, epi_tag, out_in, out_head;
  logic [Lanes32-1:0][31:0] epi_c, unused_epi_x;
  logic [Lanes32-1:0][7:0]  epi_q;
  logic [$clog2(EpiloguePipe+2)-1:0] unused_epi_busy;
  assign epi_c      = st_data[0];
  assign epi_tag_in = '{last: st_last[0],
                        nbytes: (fn_q == FnRequant) ? st_nbytes[0] >> 2 : st_nbytes[0],
                        data: res};
  epilogue #(.Lanes(Lanes32), .Pipe(EpiloguePipe), .TagW($bits(out_t))) u_epilogue (
    .clk_i,
    .rst_ni,
    .valid_i  (step_fire),
    .c_i      (epi_c),
    .bias_i   ('0),
    .bias_en_i(1'b0),
    .relu_i   (1'b0),
    .scale_i  (scale_q),
    .shift_i  (shift_q),
    .tag_i    (epi_tag_in),
    .busy_o   (unused_epi_busy),
    .valid_o  (epi_valid),
    .tag_o    (epi_tag),
    .x_o      (unused_epi_x),
    .q_o      (epi_q)
  );
  always_comb begin
    out_in = epi_tag;
    if (fn_q == FnRequant) begin
      out_in.data              = '0;
      out_in.data[Lanes32-1:0] = epi_q;
    end
  end
  assign in_flight_d = in_flight_q + 3'(step_fire) - 3'(epi_valid);

  logic out_valid, out_ready, out_in_ready;
  stream_fifo #(.Depth(OutDepth), .Width($bits(out_t))) u_out_fifo (
    .clk_i,
    .rst_ni,
    .in_valid_i  (epi_valid),
    .in_ready_o  (out_in_ready),
    .in_data_i   (out_in),
    .out_valid_o (out_valid),
    .out_ready_i (out_ready),
    .out_data_o  (out_head),
    .count_o     (out_count)
  );

  // ---------------------------------------------------------------- destination
  // Each step's bytes go to the next place in its destination row.
  logic [31:0]     wr_row_q, wr_row_d;   // the destination row's start
  logic            wr_first_q, wr_first_d;
  logic [OffW-1:0] wr_off_q, wr_off_d;   // where the next chunk of the row goes in its beat
  logic [15:0]     rows_out_q, rows_out_d;
  logic [OffW-1:0] ck_off;
  logic [NbW:0]   ck_end;
  assign ck_off = wr_first_q ? wr_row_q[OffW-1:0] : wr_off_q;
  assign ck_end = (NbW+1)'(ck_off) + (NbW+1)'(out_head.nbytes);

  logic rl_busy, rl_valid, rl_ready, wb_valid;
  logic [BeatBytes-1:0][7:0] rl_data;
  logic [BeatBytes-1:0]      rl_strb;
  realigner #(.BeatBytes(BeatBytes)) u_realigner (
    .clk_i,
    .rst_ni,
    .in_valid_i  (out_valid),
    .in_ready_o  (out_ready),
    .in_data_i   (out_head.data),
    .in_nbytes_i (out_head.nbytes),
    .in_off_i    (ck_off),
    .in_last_i   (out_head.last),
    .in_fills_i  (32'(ck_end) >= BeatBytes),
    .in_spills_i (32'(ck_end) > BeatBytes),
    .out_valid_o (rl_valid),
    .out_ready_i (rl_ready),
    .out_data_o  (rl_data),
    .out_strb_o  (rl_strb),
    .busy_o      (rl_busy)
  );
  logic ck_fire;
  assign ck_fire = out_valid && out_ready;
  assign slots_d = slots_q - $bits(slots_q)'(step_fire) + $bits(slots_q)'(ck_fire);
  always_comb begin
    wr_row_d   = wr_row_q;
    wr_first_d = wr_first_q;
    wr_off_d   = wr_off_q;
    rows_out_d = rows_out_q;
    if (state_q == StStart) begin
      wr_row_d   = addr_q[2];
      wr_first_d = 1'b1;
      rows_out_d = '0;
    end else if (ck_fire) begin
      wr_off_d   = OffW'(ck_end);
      wr_first_d = out_head.last;
      if (out_head.last) begin
        wr_row_d   = wr_row_q + stride_q[2];
        rows_out_d = rows_out_q + 16'd1;
      end
    end
  end

  // W beats wait in a buffer, and an AW goes out only once every beat of its burst is there:
  // on the SoC's network a write packet holds its path from the header (the AW) to its last
  // data flit, and if it waited there for data behind this unit's own reads, those reads could
  // not leave (tests/system: SystemVector). So write bursts are at most MaxBurst beats too.
  localparam int WqW = $clog2(BufBeats + 1);
  logic            wq_valid, w_fire;
  logic [WqW-1:0]  wq_count, w_owed_q, w_owed_d;  // beats held; of them promised to an AW
  logic [WqW-1:0]  w_free_q, w_free_d;  // held, not promised: wq_count - w_owed_q, a register
  logic [BeatBytes*9-1:0] wq_out;
  stream_fifo #(.Depth(BufBeats), .Width(BeatBytes * 9)) u_w_fifo (
    .clk_i,
    .rst_ni,
    .in_valid_i  (rl_valid),
    .in_ready_o  (rl_ready),
    .in_data_i   ({rl_strb, rl_data}),
    .out_valid_o (wq_valid),
    .out_ready_i (w_fire),
    .out_data_o  (wq_out),
    .count_o     (wq_count)
  );
  assign {mem_wr_req_o.w_strb, mem_wr_req_o.w_data} = wq_out;

  // AW bursts over the destination rows; W beats framed by their lengths, in AW order.
  localparam int WbDepth = 4;
  localparam int OwedW = 6;
  logic       aw_busy, aw_open, aw_fire, wb_in_ready, unused_aw_row_last;
  logic [8:0] aw_beats;
  logic [7:0] wb_len, w_cnt_q, w_cnt_d;
  logic [OwedW-1:0] b_owed_q, b_owed_d;
  logic [$clog2(WbDepth+1)-1:0] unused_wb_count;
  assign aw_open = run_q && wb_in_ready && (b_owed_q != '1) &&
                   (9'(w_free_q) >= aw_beats);
  `ASSERT_ALWAYS(a_w_free, clk_i, rst_ni, w_free_q == wq_count - w_owed_q,
                 "the vector unit's unpromised W beats disagree with the buffer and the AWs")
  burst_gen #(.BeatBytes(BeatBytes), .LenW(RowW), .MaxBeats(MaxBurst)) u_aw_gen (
    .clk_i,
    .rst_ni,
    .start_i         (state_q == StStart),
    .addr_i          (addr_q[2]),
    .row_bytes_i     (dst_bytes_q),
    .rows_i          (rows_q),
    .stride_i        (stride_q[2]),
    .burst_valid_o   (aw_busy),
    .burst_ready_i   (aw_open && mem_wr_rsp_i.aw_ready),
    .burst_addr_o    (mem_wr_req_o.aw_addr),
    .burst_len_o     (mem_wr_req_o.aw_len),
    .burst_beats_o   (aw_beats),
    .burst_row_last_o(unused_aw_row_last)
  );
  assign mem_wr_req_o.aw_valid = aw_open && aw_busy;
  assign aw_fire = mem_wr_req_o.aw_valid && mem_wr_rsp_i.aw_ready;
  stream_fifo #(.Depth(WbDepth), .Width(8)) u_wb_fifo (
    .clk_i,
    .rst_ni,
    .in_valid_i  (aw_fire),
    .in_ready_o  (wb_in_ready),
    .in_data_i   (mem_wr_req_o.aw_len),
    .out_valid_o (wb_valid),
    .out_ready_i (w_fire && mem_wr_req_o.w_last),
    .out_data_o  (wb_len),
    .count_o     (unused_wb_count)
  );
  assign mem_wr_req_o.w_valid = wq_valid && wb_valid;
  assign mem_wr_req_o.w_last  = (w_cnt_q == wb_len);
  assign w_fire               = mem_wr_req_o.w_valid && mem_wr_rsp_i.w_ready;
  assign mem_b_ready_o        = 1'b1;

  // ---------------------------------------------------------------- control
  logic [FaultW-1:0] fault_q, fault_d;
  logic              err_q, err_d, run_idle;
  assign sts_o.done  = (state_q == StDone);
  assign sts_o.fault = fault_q;
  // Every row has left for the realigner and every beat for W; the reads are all in.
  assign run_idle = (rows_out_q == rows_q) && !aw_busy && !rl_busy && !rl_valid && !wq_valid &&
                    !wb_valid &&
                    (rg_valid == '0) && !tag_valid;

  always_comb begin
    state_d = state_q;
    fault_d = fault_q;
    unique case (state_q)
      StIdle: begin
        fault_d = FaultNone;
        if (cmd_fire) state_d = StCheck;
      end
      StCheck: begin
        if (chk_ok != '1) begin
          state_d = StDone;
          fault_d = FaultAccess;
        end else if (chk_row_q == rows_m1_q) begin
          state_d = StStart;
        end
      end
      StStart: state_d = StRun;
      StRun:   if (run_idle) state_d = StWaitB;
      StWaitB: begin
        if (b_owed_q == '0) begin
          state_d = StDone;
          fault_d = err_q ? FaultMemError : FaultNone;
        end
      end
      StDone:  state_d = StIdle;
      default: state_d = StIdle;
    endcase
  end

  always_comb begin
    err_d = err_q;
    if (cmd_fire) err_d = 1'b0;
    if ((r_fire && mem_rd_rsp_i.r_err) || (mem_wr_rsp_i.b_valid && mem_wr_rsp_i.b_err)) begin
      err_d = 1'b1;
    end
    b_owed_d = b_owed_q + OwedW'(aw_fire) - OwedW'(mem_wr_rsp_i.b_valid);
    w_owed_d = w_owed_q + (aw_fire ? WqW'(aw_beats) : '0) - WqW'(w_fire);
    w_free_d = w_free_q - (aw_fire ? WqW'(aw_beats) : '0) + WqW'(rl_valid && rl_ready);
    w_cnt_d  = w_cnt_q;
    if (w_fire) w_cnt_d = mem_wr_req_o.w_last ? '0 : w_cnt_q + 8'd1;
    for (int s = 0; s < 2; s++) begin
      room_d[s]     = room_q[s] - ResvW'(rg_fire[s] ? rg_beats[s] : 9'd0) + ResvW'(buf_pop[s]);
      rd_row_d[s]   = rd_row_q[s];
      rd_first_d[s] = rd_first_q[s];
      if (state_q == StStart) begin
        rd_row_d[s]   = addr_q[s];
        rd_first_d[s] = 1'b1;
      end else if (rg_fire[s]) begin
        rd_first_d[s] = rg_row_last[s];
        if (rg_row_last[s]) rd_row_d[s] = rd_row_q[s] + stride_q[s];
      end
    end
  end

  // Control state (reset).
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q     <= StIdle;
      run_q       <= 1'b0;
      fault_q     <= FaultNone;
      err_q       <= 1'b0;
      b_owed_q    <= '0;
      w_owed_q    <= '0;
      w_free_q    <= '0;
      w_cnt_q     <= '0;
      room_q      <= {2{ResvW'(BufBeats)}};
      in_flight_q <= '0;
      slots_q     <= $bits(slots_q)'(OutDepth);
      r_cnt_q     <= '0;
      ar_hold_q   <= 1'b0;
      ar_sel_q    <= 1'b0;
      rows_out_q  <= '0;
    end else begin
      state_q     <= state_d;
      run_q       <= (state_d == StRun);
      fault_q     <= fault_d;
      err_q       <= err_d;
      b_owed_q    <= b_owed_d;
      w_owed_q    <= w_owed_d;
      w_free_q    <= w_free_d;
      w_cnt_q     <= w_cnt_d;
      room_q      <= room_d;
      in_flight_q <= in_flight_d;
      slots_q     <= slots_d;
      if (r_fire) r_cnt_q <= r_burst_end ? '0 : r_cnt_q + 8'd1;
      ar_hold_q   <= mem_rd_req_o.ar_valid && !mem_rd_rsp_i.ar_ready;
      ar_sel_q    <= ar_sel;
      rows_out_q  <= rows_out_d;
    end
  end
  // Set up in StIdle / StStart before use: not reset.
  always_ff @(posedge clk_i) begin
    chk_row_q  <= chk_row_d;
    chk_addr_q <= chk_addr_d;
    chk_end_q  <= chk_end_d;
    rd_row_q   <= rd_row_d;
    rd_first_q <= rd_first_d;
    wr_row_q   <= wr_row_d;
    wr_first_q <= wr_first_d;
    wr_off_q   <= wr_off_d;
  end

  // ---------------------------------------------------------------- assertions
  `ASSERT_STREAM_STABLE(a_cmd_stable, clk_i, rst_ni, cmd_i.valid, sts_o.ready, cmd_i.desc)
  `LUOSHU_MEM_ASSERT_RD_STABLE(clk_i, rst_ni, mem_rd_req_o, mem_rd_rsp_i)
  `LUOSHU_MEM_ASSERT_WR_STABLE(clk_i, rst_ni, mem_wr_req_o, mem_wr_rsp_i)
  `ASSERT_ALWAYS(a_r_expected, clk_i, rst_ni, !mem_rd_rsp_i.r_valid || tag_valid,
                 "R beat with no burst in flight")
  `ASSERT_ALWAYS(a_r_room, clk_i, rst_ni, !mem_rd_rsp_i.r_valid || buf_in_ready[tag.src],
                 "R beat with no room reserved in its buffer")
  `ASSERT_ALWAYS(a_out_room, clk_i, rst_ni, !epi_valid || out_in_ready,
                 "epilogue result with no room in the output FIFO")
  `ASSERT_ALWAYS(a_b_expected, clk_i, rst_ni, !mem_wr_rsp_i.b_valid || b_owed_q != '0,
                 "B response with no write burst in flight")
  `ASSERT_ALWAYS(a_steps_agree, clk_i, rst_ni,
                 !step_fire || !two_q || (st_nbytes[0] == st_nbytes[1] && st_last[0] == st_last[1]),
                 "the two sources' steps differ in framing")
  `ASSERT_ALWAYS(a_w_strobes, clk_i, rst_ni, !mem_wr_req_o.w_valid || mem_wr_req_o.w_strb != '0,
                 "W beat with no strobes")

  logic unused;
  assign unused = mem_rd_rsp_i.r_last;  // beats are counted, not framed
endmodule
