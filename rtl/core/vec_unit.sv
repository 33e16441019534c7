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
//      - the two sources' steps are taken together and computed lane by lane around the
//        STORE epilogue (epilogue.sv), which every step passes through for one latency: int32
//        add (its bias add), int32 or int8 signed max (compared before it, selected after),
//        a copy (its x: no bias, no ReLU) or VREQUANT (its q);
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
  parameter int EpiloguePipe = 0,  // epilogue.sv Pipe (the FPGA build's 5, like MTE-out)
  parameter int StepSlice = 0,     // 1: a register after each aligner (the FPGA build's)
  parameter int CtrlPipe = 0,      // 1: the pre-pass verdict a cycle late (ai_core: MteCtrlPipe)
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
  if (CtrlPipe != 0 && CtrlPipe != 1) begin : g_bad_ctrl_pipe
    $error("vec_unit: CtrlPipe must be 0 or 1 (got %0d)", CtrlPipe);
  end
  if (StepSlice != 0 && StepSlice != 1) begin : g_bad_step_slice
    $error("vec_unit: StepSlice must be 0 or 1 (got %0d)", StepSlice);
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
  localparam int OutDepth = EpiloguePipe > 2 ? EpiloguePipe + 2 : 4;  // >= epilogue latency + 1

  typedef logic [BeatBytes-1:0][7:0] beat_t;

  // ---------------------------------------------------------------- command
  typedef enum logic [1:0] { FnAdd, FnMax, FnRequant, FnCopy } fn_e;
  typedef enum logic [2:0] {
    StIdle, StPrep, StCheck, StVerdict, StStart, StRun, StWaitB, StDone
  } state_e;
  state_e state_q, state_d;
  logic   run_q;  // state_q == StRun as a flop of its own: it gates every step and pop
  // state_q == StStart as a flop of its own (a_start_reg): it loads the three burst generators
  // (their start registers, fanout ~150 each) and resets the row registers, from a flip-flop,
  // not a decode of state_q (the FPGA build's paths from state_q into the generators).
  logic   start_q, start_d;
  // src1's read generator's start (start_q with two sources) as a flop of its own, so its
  // start registers (fanout ~150) are loaded from a flip-flop, not behind an AND with two_q
  // (a_gen_start), and start_q's fanout is split.
  logic   start1_q;
  // state_q == StIdle and == StDone as flops of their own (a_ready_reg): the command registers
  // (~300 bits) are loaded throughout StIdle, their enable a flip-flop, not cmd_i.valid and a
  // decode of state_q; ready, busy and done go out from flip-flops.
  logic   ready_q, done_q;

  logic cmd_fire;
  assign sts_o.ready = ready_q;
  assign cmd_fire    = cmd_i.valid && ready_q;
  assign sts_o.busy  = !ready_q;

  logic [OpcodeW-1:0] in_op;
  logic               in_int8;
  assign in_op   = cmd_i.desc[HdrOpcodeLsb +: OpcodeW];
  assign in_int8 = cmd_i.desc[VmaxInt8Lsb];

  fn_e         fn_q;
  logic        two_q;             // two sources
  logic        max32_q, max8_q;   // VMAX of int32, of int8 elements
  logic [15:0] rows_q, rows_m1_q;  // rows, and rows - 1 (the pre-pass's last row)
  logic [15:0] rows_m2_q;          // rows - 2: the row before the pre-pass's last
  // The command as it is taken: two sources, int32 sources, int32 results, row bytes.
  logic            in_two, in_src4, in_dst4;
  logic [RowW-1:0] in_src_bytes, in_dst_bytes;
  assign in_two       = (in_op == OpVadd) || (in_op == OpVmax);
  assign in_src4      = (in_op == OpVadd) || (in_op == OpVrequant) || (in_op == OpVmax && !in_int8);
  assign in_dst4      = (in_op == OpVadd) || (in_op == OpVmax && !in_int8);
  assign in_src_bytes = RowW'(cmd_i.desc[VaddColsLsb +: 16]) << (in_src4 ? 2 : 0);
  assign in_dst_bytes = RowW'(cmd_i.desc[VaddColsLsb +: 16]) << (in_dst4 ? 2 : 0);
  logic [RowW-1:0] src_bytes_q, dst_bytes_q;  // bytes of a source row, a destination row
  // src1's generator's copy of src_bytes_q (0 with one source, so synthesis keeps it apart):
  // the generators' first-burst logic behind it is long, and the two share no fanout.
  logic [RowW-1:0] src1_bytes_q;
  logic [2:0][31:0] addr_q, stride_q;         // src0, src1, dst
  logic [15:0] scale_q;
  logic [4:0]  shift_q;
  // Loaded in every cycle of StIdle (none of them is read there): the last load is the
  // command's, as it is taken.
  always_ff @(posedge clk_i) begin
    if (ready_q) begin
      unique case (in_op)
        OpVadd:     fn_q <= FnAdd;
        OpVmax:     fn_q <= FnMax;
        OpVrequant: fn_q <= FnRequant;
        default:    fn_q <= FnCopy;
      endcase
      two_q       <= in_two;
      max32_q     <= (in_op == OpVmax) && !in_int8;
      max8_q      <= (in_op == OpVmax) && in_int8;
      rows_q      <= cmd_i.desc[VaddRowsLsb +: 16];
      rows_m1_q   <= cmd_i.desc[VaddRowsLsb +: 16] - 16'd1;
      rows_m2_q   <= cmd_i.desc[VaddRowsLsb +: 16] - 16'd2;
      src_bytes_q  <= in_src_bytes;
      src1_bytes_q <= in_two ? in_src_bytes : '0;
      dst_bytes_q  <= in_dst_bytes;
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
  // The row checked is the last (chk_row_q == rows_m1_q) as a register of its own (same
  // cycles), so the state's next value does not wait on a 16-bit compare (a_chk_last).
  logic             chk_last_q, chk_last_d;
  logic [2:0][32:0] chk_addr_q, chk_addr_d;  // row starts; bit 32: past the address space
  // The rows' ends (start + length) as registers moved with the starts, so the add is not in
  // front of the window compares (this pre-pass was the unit's longest path, docs/fpga.md).
  // Past 2^32 an end is not looked at: the start's sticky bit 32 fails the row first. Row 0's
  // ends are added as the command is taken, or (CtrlPipe) in StPrep, a cycle later, from the
  // registered command: the opcode's decode and the length's shift in front of that add were
  // the path into these registers (docs/fpga.md).
  logic [2:0][33:0]     chk_end_q, chk_end_d;
  logic [2:0][RowW-1:0] in_len, chk_len;  // each range's length: as the command is taken; held
  assign in_len  = {in_dst_bytes, in_two ? in_src_bytes : '0, in_src_bytes};
  assign chk_len = {dst_bytes_q, two_q ? src_bytes_q : '0, src_bytes_q};
  // Each range against each window on its own (a window_check_end of one window), so that
  // with CtrlPipe the OR over the windows, as the AND over the ranges, is behind the register.
  logic [2:0][NumWindows-1:0] chk_in_win;  // the row's range lies inside the window
  logic [2:0]                 chk_empty, chk_below;  // the range is empty; starts below 2^32
  // CtrlPipe: the windows registered here too (as MTE-out does), so the compares start at
  // flip-flops beside them, not at the core's window registers, which reach every unit's
  // checks (FPGA timing: the core's registers then have one load here, not the twelve checks).
  // A check sees the windows of the cycle before; no cycle is added (windows are set while
  // the core is idle, docs/runtime.md).
  luoshu_mem_pkg::win_t [NumWindows-1:0] chk_win;
  if (CtrlPipe != 0) begin : g_win_reg
    always_ff @(posedge clk_i) chk_win <= win_i;
  end else begin : g_win_now
    assign chk_win = win_i;
  end
  for (genvar o = 0; o < 3; o++) begin : g_chk
    for (genvar w = 0; w < NumWindows; w++) begin : g_win
      window_check_end #(.NumWindows(1)) u_window_check (
        .win_i  (chk_win[w]),
        .addr_i (chk_addr_q[o][31:0]),
        .end_i  (chk_end_q[o]),
        .empty_i(1'b0),
        .write_i(o == 2),
        .ok_o   (chk_in_win[o][w])
      );
    end
    assign chk_empty[o] = (chk_len[o] == '0);
    assign chk_below[o] = !chk_addr_q[o][32];
    `ASSERT_ALWAYS(a_chk_end, clk_i, rst_ni,
                   state_q != StCheck || chk_addr_q[o][32] ||
                   chk_end_q[o] == 34'(chk_addr_q[o]) + 34'(chk_len[o]),
                   "the vector unit's pre-pass row end disagrees with start + length")
  end
  // A row passes when each of its ranges is empty, or starts below 2^32 inside a window.
  function automatic logic chk_pass_of(input logic [2:0][NumWindows-1:0] in_win,
                                       input logic [2:0] empty, input logic [2:0] below);
    chk_pass_of = 1'b1;
    for (int o = 0; o < 3; o++) begin
      if (!empty[o] && !(below[o] && in_win[o] != '0)) chk_pass_of = 1'b0;
    end
  endfunction
  always_comb begin
    chk_row_d  = chk_row_q;
    chk_last_d = chk_last_q;
    chk_addr_d = chk_addr_q;
    chk_end_d  = chk_end_q;
    if (ready_q) begin
      chk_row_d  = '0;
      chk_last_d = (cmd_i.desc[VaddRowsLsb +: 16] == 16'd1);
      chk_addr_d = {{1'b0, cmd_i.desc[VaddDstAddrLsb +: 32]},
                    {1'b0, cmd_i.desc[VaddSrc1AddrLsb +: 32]},
                    {1'b0, cmd_i.desc[VaddSrc0AddrLsb +: 32]}};
      if (CtrlPipe == 0) begin
        for (int o = 0; o < 3; o++) chk_end_d[o] = 34'(chk_addr_d[o]) + 34'(in_len[o]);
      end
    end else if (state_q == StPrep) begin
      for (int o = 0; o < 3; o++) chk_end_d[o] = 34'(chk_addr_q[o]) + 34'(chk_len[o]);
    end else if (state_q == StCheck) begin
      chk_row_d  = chk_row_q + 16'd1;
      chk_last_d = (chk_row_q == rows_m2_q);  // the next row is the last
      for (int o = 0; o < 3; o++) begin
        // Once past 2^32 a row start stays there (bit 32 sticks).
        chk_addr_d[o] = chk_addr_q[o] + {1'b0, stride_q[o]};
        if (chk_addr_q[o][32]) chk_addr_d[o][32] = 1'b1;
        chk_end_d[o] = chk_end_q[o] + 34'(stride_q[o]);
      end
    end
  end

  `ASSERT_ALWAYS(a_chk_last, clk_i, rst_ni,
                 state_q != StCheck || chk_last_q == (chk_row_q == rows_m1_q),
                 "the vector unit's last-row flag disagrees with its pre-pass row count")

  // The verdict on a row: at once, or (CtrlPipe) from registers a cycle later, so the window
  // compares and the state logic acting on them are in different cycles (the unit's longest
  // path, docs/fpga.md); the rows are still checked one a cycle, and StVerdict waits for the
  // last row's verdict (one cycle more per command, and StPrep one more). The registers take
  // each window compare's own result: the OR over the windows and the AND over the ranges are
  // made behind them.
  logic chk_fail;
  if (CtrlPipe != 0) begin : g_chk_reg
    logic [2:0][NumWindows-1:0] in_win_q;  // the row checked in the cycle before
    logic [2:0]                 empty_q, below_q;
    logic                       chk_vld_q;
    always_ff @(posedge clk_i) begin
      in_win_q <= chk_in_win;
      empty_q  <= chk_empty;
      below_q  <= chk_below;
      if (!rst_ni) chk_vld_q <= 1'b0;
      else chk_vld_q <= (state_q == StCheck);
    end
    assign chk_fail = chk_vld_q && !chk_pass_of(in_win_q, empty_q, below_q);
  end else begin : g_chk_now
    assign chk_fail = (state_q == StCheck) && !chk_pass_of(chk_in_win, chk_empty, chk_below);
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
  logic [1:0]        fits;       // the burst on offer fits its buffer's room
  logic [1:0]        fits_next;  // StepSlice: fits next cycle (its register's input)
  logic [1:0][1:0]   fits_next_by_pop;  // ... for each value of the source's pop
  // StepSlice: the current row of each burst generator (src0's, src1's, the AW's) is its
  // transfer's last, from registers (g_rows_left): its valid's next value for the offer
  // registers.
  logic [2:0]        gen_last_row;
  for (genvar s = 0; s < 2; s++) begin : g_rd_gen
    burst_gen #(.BeatBytes(BeatBytes), .LenW(RowW), .MaxBeats(MaxBurst)) u_rd_gen (
      .clk_i,
      .rst_ni,
      .start_i         (s == 0 ? start_q : start1_q),
      .addr_i          (addr_q[s]),
      .row_bytes_i     (s == 0 ? src_bytes_q : src1_bytes_q),
      .rows_i          (rows_q),
      .stride_i        (stride_q[s]),
      .burst_valid_o   (rg_valid[s]),
      .burst_ready_i   (rg_fire[s]),
      .burst_addr_o    (rg_addr[s]),
      .burst_len_o     (rg_len[s]),
      .burst_beats_o   (rg_beats[s]),
      .burst_row_last_o(rg_row_last[s])
    );
    assign can_issue[s] = rg_valid[s] && fits[s];
  end
  // StepSlice: whether the burst on offer fits comes from a register, so the burst
  // generators' step (their load enables, fanout ~74 each) no longer waits on the beats <= room
  // compare (a carry chain). Worked out on the next cycle's room: exact while the burst stays
  // on offer; after a source's burst is taken (or at a start) its next burst's beats are not
  // known yet, so then only a room of MaxBurst or more counts (a burst can wait a cycle). The
  // compares are made on this cycle's room for both values of the pop (+0, +1), which, with
  // the take, only selects among them: no carry chain behind the pop or the take.
  for (genvar s = 0; s < 2; s++) begin : g_fits
    if (StepSlice != 0) begin : g_reg
      logic       fits_q, moved_q;
      logic [1:0] fit_keep, fit_took, fit_idle;  // by the pop: the burst stays, taken, a start
      for (genvar p = 0; p < 2; p++) begin : g_pop
        assign fit_idle[p] = 32'(room_q[s]) + p >= MaxBurst;
        assign fit_keep[p] = fit_idle[p] || 32'(room_q[s]) + p >= 32'(rg_beats[s]);
        assign fit_took[p] = 32'(room_q[s]) + p >= MaxBurst + 32'(rg_beats[s]);
      end
      // = room_d >= MaxBurst || (no take, no start, and room_d >= the burst's beats)
      for (genvar p = 0; p < 2; p++) begin : g_by_pop
        assign fits_next_by_pop[s][p] = rg_fire[s] ? fit_took[p] :
                                        start_q ? fit_idle[p] : fit_keep[p];
      end
      assign fits_next[s] = fits_next_by_pop[s][buf_pop[s]];
      always_ff @(posedge clk_i) begin
        if (!rst_ni) begin
          fits_q  <= 1'b1;  // the room is whole
          moved_q <= 1'b1;
        end else begin
          fits_q  <= fits_next[s];
          moved_q <= rg_fire[s] || start_q;  // the burst on offer is a new one
        end
      end
      assign fits[s] = fits_q;
      // Never a burst that does not fit; and the compare itself unless the burst is new.
      `ASSERT_ALWAYS(a_fits, clk_i, rst_ni, !rg_valid[s] ||
                     ((!fits_q || rg_beats[s] <= 9'(room_q[s])) &&
                      (moved_q || fits_q == (rg_beats[s] <= 9'(room_q[s])))),
                     "the vector unit's registered burst fit disagrees with the buffer's room")
    end else begin : g_now
      assign fits[s]      = (9'(room_q[s]) >= rg_beats[s]);  // >=: a carry chain (see window_check_end)
      assign fits_next[s] = 1'b0;  // read only by StepSlice's AR register
      assign fits_next_by_pop[s] = '0;
    end
  end
  // Alternate between the sources; a choice on offer is held until taken (stream rule: a
  // source's can_issue only falls when its burst is taken).
  logic ar_sel_now;  // the choice, from this cycle's offers
  assign ar_sel_now = ar_hold_q ? ar_sel_q : (can_issue[1] && (!can_issue[0] || !ar_sel_q));
  // StepSlice: which source's burst is on the AR (one bit each) from registers (same cycles),
  // so each burst generator's step (its load enables, fanout ~74) is the AR ready and one flop,
  // not the choice above behind both generators' valids and fits. Worked out from the next
  // cycle's fits (their registers' inputs) and burst valids: a generator's valid rises at a
  // start (a command has rows and columns, a_not_empty) and falls after its last row's last
  // burst, so its rows left are counted too (g_rows_left: gen_last_row).
  if (StepSlice != 0) begin : g_ar_reg
    logic [1:0]       offer_q, offer_d, valid_d;
    logic             hold_d;
    // The next offer worked out for each of the four values of the two sources' pops, which
    // then only select among them (kept as nets, so synthesis does not fold the pops, fanout
    // ~160 each, into the choice: the FPGA build's path from the beat buffers' valid registers
    // through the pops into these registers).
    logic [1:0][1:0]       can_by_pop;  // [source][its pop]
    (* keep *) logic [3:0][1:0] offer_by_pop;  // [{pop 1, pop 0}]
    // ar_sel_now of the next cycle (ar_sel is offer_q[1]), and the source it picks, from
    // whether each source can issue, whether the AR is held, and the source offered now
    function automatic logic [1:0] next_offer(input logic can0, input logic can1,
                                              input logic hold, input logic sel1);
      next_offer[1] = can1 && (hold ? sel1 : (!can0 || !sel1));
      next_offer[0] = can0 && (hold ? !sel1 : (!can1 || sel1));
    endfunction
    always_comb begin
      hold_d = mem_rd_req_o.ar_valid && !mem_rd_rsp_i.ar_ready;
      for (int i = 0; i < 2; i++) begin
        if (start_q && (i == 0 || two_q)) valid_d[i] = 1'b1;
        else valid_d[i] = rg_valid[i] && !(rg_fire[i] && rg_row_last[i] && gen_last_row[i]);
        for (int p = 0; p < 2; p++) can_by_pop[i][p] = valid_d[i] && fits_next_by_pop[i][p];
      end
      for (int c = 0; c < 4; c++) begin
        offer_by_pop[c] = next_offer(can_by_pop[0][c % 2], can_by_pop[1][c / 2], hold_d,
                                     offer_q[1]);
      end
      offer_d = offer_by_pop[{buf_pop[1], buf_pop[0]}];
    end
    always_ff @(posedge clk_i) begin
      if (!rst_ni) offer_q <= '0;
      else offer_q <= offer_d;
    end
    assign ar_sel = offer_q[1];
    assign mem_rd_req_o.ar_valid = offer_q != '0;
    assign rg_fire = offer_q & {2{mem_rd_rsp_i.ar_ready}};
    `ASSERT_ALWAYS(a_ar_offer_reg, clk_i, rst_ni,
                   offer_q == {ar_sel_now && can_issue[1], !ar_sel_now && can_issue[0]},
                   "the vector unit's AR offer register disagrees with the sources' bursts")
    // The decoder refuses rows or cols of 0 (docs/isa.md); the unit would not end such a run.
    `ASSERT_ALWAYS(a_not_empty, clk_i, rst_ni,
                   !start_q || (rows_q != '0 && src_bytes_q != '0),
                   "the vector unit started a command with no rows or no columns")
  end else begin : g_ar_now
    assign ar_sel = ar_sel_now;
    assign mem_rd_req_o.ar_valid = can_issue[ar_sel];
    assign rg_fire = {ar_fire && ar_sel, ar_fire && !ar_sel};
  end
  // The bursts-in-flight FIFO never fills: each of its bursts holds at least one reserved beat,
  // and there are TagDepth of those in all (a_tag_room), so it is not in front of the AR.
  assign mem_rd_req_o.ar_addr  = rg_addr[ar_sel];
  assign mem_rd_req_o.ar_len   = rg_len[ar_sel];
  assign ar_fire  = mem_rd_req_o.ar_valid && mem_rd_rsp_i.ar_ready;

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
  logic       r_first_q;  // r_cnt_q == 0, a register: the next R beat is its burst's first
  logic [$clog2(TagDepth+1)-1:0] unused_tag_count;
  assign tag_in = '{src: ar_sel, first: rd_first_q[ar_sel],
                    off: rd_row_q[ar_sel][OffW-1:0], len: rg_len[ar_sel]};
  // The head in a register (same cycles): its offset drives the first beat's shift into the
  // beat buffer, which from the distributed-RAM read was the unit's longest path (docs/fpga.md).
  stream_fifo #(.Depth(TagDepth), .Width($bits(tag_t)), .HeadReg(1)) u_tag_fifo (
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
  `ASSERT_ALWAYS(a_tag_room, clk_i, rst_ni, !mem_rd_req_o.ar_valid || tag_in_ready,
                 "a read burst offered with its bursts-in-flight FIFO full")
  assign mem_r_ready_o = 1'b1;  // room was reserved at the AR
  assign r_fire        = mem_rd_rsp_i.r_valid;
  assign r_burst_end   = (r_cnt_q == tag.len);

  // A beat's bytes rotated down by off: lane i holds byte (i + off) % B.
  function automatic beat_t rotated(input beat_t data, input logic [OffW-1:0] off);
    return beat_t'({data, data} >> {off, 3'b000});
  endfunction
  // Each source's beat buffer: {first beat of a row, its offset, the bytes of the row a first
  // beat holds, error, data}. first_cnt (min(row bytes, BeatBytes - off)) is worked out as the
  // beat arrives, not at the aligner, where its subtraction and compare stood between the
  // buffer's head and the aligner's byte placement (the unit's longest path, docs/fpga.md).
  typedef struct packed {
    logic            first;
    logic [OffW-1:0] off;
    logic [NbW:0]    first_cnt;
    logic            first_last;  // the row ends in its first beat
    // The beat is a step itself: a later beat of its row, or a first beat at offset 0 or
    // that ends the row. One flag, worked out as the beat arrives, so the pop and the step's
    // valid are one LUT of flip-flops (the FPGA build's paths into the step FIFO and the pop).
    logic            step;
    // After the first beat: the row's bytes left are at most B (its next beat is its last),
    // and they end in the next beat's step (no flush): the aligner's mid_short and mid_last.
    logic            first_short, first_mlast;
    logic            err;
    beat_t           data;
  } beat_in_t;
  beat_in_t  beat_r, beat_w, beat_in;  // an R beat as it comes; as it is written; rotated
  logic            src_w, valid_w;        // the beat written: its source, a beat is there
  logic            r_stage_busy;          // StepSlice: a beat in the R stage
  beat_in_t [1:0] beat;
  logic [1:0] buf_valid, buf_out_valid, buf_in_ready;  // buf_valid: buf_out_valid, or its register
  logic [1:0][$clog2(BufBeats+1)-1:0] buf_count;
  logic [NbW:0] first_cnt;
  logic         first_last;
  // The row ends in its first beat: row + off <= B, narrow (rows of 2B bytes or more never
  // do), not a 32-bit subtract and compare in front of the first-beat flags (FPGA timing).
  localparam int LastW = OffW + 2;
  assign first_last = ((src_bytes_q >> (OffW + 1)) == '0) &&
                      (LastW'(src_bytes_q) + LastW'(tag.off) <= LastW'(BeatBytes));
  `ASSERT_ALWAYS(a_first_last, clk_i, rst_ni,
                 !tag_valid || first_last == (BeatBytes - 32'(tag.off) >= 32'(src_bytes_q)),
                 "the vector unit's narrow row-end test disagrees with the row's length")
  assign first_cnt  = first_last ? (NbW+1)'(src_bytes_q) : (NbW+1)'(BeatBytes - 32'(tag.off));
  // The bytes left after the first beat: 0 if the row ends there, else row + off - B; they
  // end in the next beat's step if that is at most the offset (B for an aligned row), which
  // for an offset row is row <= B. Narrow: rows of 4B bytes or more are never short after one
  // beat (a 7-bit add for B = 16).
  localparam int ShortW = OffW + 3;
  logic first_short;
  assign first_short = ((src_bytes_q >> (OffW + 2)) == '0) &&
                       (ShortW'(src_bytes_q) + ShortW'(tag.off) <= ShortW'(2 * BeatBytes));
  assign beat_r = '{first: tag.first && r_first_q, off: tag.off, first_cnt: first_cnt,
                    first_last: first_last,
                    step: !(tag.first && r_first_q) || first_last || tag.off == '0,
                    first_short: first_short,
                    first_mlast: (tag.off == '0) ? first_short : 32'(src_bytes_q) <= BeatBytes,
                    err: mem_rd_rsp_i.r_err, data: mem_rd_rsp_i.r_data};
  // StepSlice: each R beat and its flags pass a register before the rotation into its buffer,
  // so the rotation's select comes from flip-flops, not from the bursts-in-flight head (fanout
  // ~180); a beat reaches its buffer a cycle later (its room was reserved at the AR).
  if (StepSlice != 0) begin : g_r_stage
    logic            valid_q, src_q;
    beat_in_t        beat_q;
    always_ff @(posedge clk_i) begin
      if (!rst_ni) valid_q <= 1'b0;
      else valid_q <= r_fire;
    end
    always_ff @(posedge clk_i) begin  // shown only with valid_q: not reset
      beat_q <= beat_r;
      src_q  <= tag.src;
    end
    assign valid_w      = valid_q;
    assign beat_w       = beat_q;
    assign src_w        = src_q;
    assign r_stage_busy = valid_q;
  end else begin : g_r_direct
    assign valid_w      = r_fire;
    assign beat_w       = beat_r;
    assign src_w        = tag.src;
    assign r_stage_busy = 1'b0;
  end
  // Every beat enters its buffer rotated down by its row's offset (lane i holds byte
  // (i + off) % B; a row's first beat then has the row's first byte in lane 0), which takes
  // that rotation off the aligner's path: the burst's tag holds the row's offset for each of
  // its beats (a_beat_off), so the rotation's select is not behind the first-beat flag. In a
  // block with an if, so the simulation rotates only for an offset row (simulation speed).
  always_comb begin
    beat_in = beat_w;
    if (beat_w.off != '0) beat_in.data = rotated(beat_w.data, beat_w.off);
  end
  for (genvar s = 0; s < 2; s++) begin : g_buf
    // StepSlice: the head from a register too (same cycles), not through the distributed RAM's
    // read multiplexer at the read pointer (fanout 144), on the path into the aligner.
    stream_fifo #(.Depth(BufBeats), .Width($bits(beat_in_t)), .HeadReg(StepSlice)) u_beat_fifo (
      .clk_i,
      .rst_ni,
      .in_valid_i  (valid_w && (src_w == 1'(s))),
      .in_ready_o  (buf_in_ready[s]),
      .in_data_i   (beat_in),
      .out_valid_o (buf_out_valid[s]),
      .out_ready_i (buf_pop[s]),
      .out_data_o  (beat[s]),
      .count_o     (buf_count[s])
    );
    // StepSlice: "the buffer holds a beat" from a register of its own (same cycles), set from
    // the count and this cycle's push and pop, so the pop (fanout ~164: the aligner's carry and
    // row registers, the room) starts at flip-flops, not at the count's compare.
    if (StepSlice != 0) begin : g_valid_reg
      logic valid_q;
      always_ff @(posedge clk_i) begin
        if (!rst_ni) valid_q <= 1'b0;
        else valid_q <= (valid_w && src_w == 1'(s) && buf_in_ready[s]) || (buf_count[s] > 1) ||
                        (buf_out_valid[s] && !buf_pop[s]);
      end
      assign buf_valid[s] = valid_q;
      `ASSERT_ALWAYS(a_buf_valid_reg, clk_i, rst_ni, valid_q == buf_out_valid[s],
                     "the vector unit's beat-buffer valid register disagrees with the buffer")
    end else begin : g_valid_now
      assign buf_valid[s] = buf_out_valid[s];
    end
  end

  // ---------------------------------------------------------------- aligners
  // Per source: the row's bytes as steps of BeatBytes (lane 0 = the step's first byte of the
  // row; only a row's last step is short). A row whose first byte sits at offset `off` of its
  // beat needs two beats for each step: the beat's bytes rotated down by `off`, the lanes
  // below B - off (k) from the carry (the previous beat's rotated top), the rest from this
  // beat, whose own lanes below k are the next carry. Every beat enters its buffer already
  // rotated by `off`, so a beat's bytes reach the step through one byte select by a register
  // (low_q), not through the rotation (the FPGA build's path from the buffer's head register
  // into the step FIFO). A row's first beat is a step itself (off = 0, or a row that ends in
  // it) or becomes the carry. A row whose last beat leaves bytes in the carry ends with a
  // step of the carry alone (a flush), taken in the same cycle as the next row's first beat
  // when that beat only fills the carry.
  // What pops a beat needs only the head's first flag, the flush flag and whether the step is
  // taken: no byte counts or sums stand before the pop.
  // The step's lanes below k from the carry, the rest from the beat (rotated in its buffer).
  function automatic beat_t merged(input beat_t carry, input beat_t rot,
                                   input logic [BeatBytes-1:0] low);
    for (int i = 0; i < BeatBytes; i++) merged[i] = low[i] ? carry[i] : rot[i];
  endfunction
  logic [1:0]          al_valid, al_last, al_take;
  logic [1:0][NbW-1:0] al_nbytes;
  beat_t [1:0]         al_data;
  logic [1:0][NbW:0]   al_taken;  // bytes of the row the head beat holds
  logic [1:0]          al_took;   // ... taken this cycle (popped, no error)
  for (genvar s = 0; s < 2; s++) begin : g_align
    beat_t                carry_q;
    logic [BeatBytes-1:0] low_q;          // lanes below k: from the carry
    logic [OffW-1:0]      off_q;          // the row's offset in its beats (a_beat_off)
    logic [NbW:0]         lim_q;          // B - k: off, or B for an aligned row
    logic [RowW-1:0]      left_q, left_d; // bytes of the row still in the buffer or to come
    logic                 flush_q, flush_d;
    logic [NbW-1:0]       tail_q;         // the flush step's bytes
    logic                 head_step;
    // left_q <= B (the head is the row's last beat), and its bytes end in this step (left_q
    // <= lim_q: no flush after it), as registers (same cycles): the step's byte count, its
    // last flag and the pop's byte count no longer wait on compares of left_q (the FPGA
    // build's path from left_q into the step FIFO and the bytes-read counter). Set with
    // left_q: from the first beat's flags, or for a later beat from left_q - B's compares.
    logic                 mid_short, mid_last, mid_short_d, mid_last_d;
    logic [NbW:0]         count;          // bytes of the row the head beat holds
    // The head is a later beat of the row exactly while bytes of the row are still to come.
    `ASSERT_ALWAYS(a_row_order, clk_i, rst_ni,
                   !buf_valid[s] || state_q != StRun || beat[s].first == (left_q == '0),
                   "the aligner's head beat is not where the row's byte count says")
    // A later beat of a row comes rotated by the row's offset: its burst's tag holds it too.
    `ASSERT_ALWAYS(a_beat_off, clk_i, rst_ni,
                   !buf_valid[s] || beat[s].first || beat[s].off == off_q,
                   "the aligner's later beat was rotated by another offset than its row's")
    `ASSERT_ALWAYS(a_flush_next_row, clk_i, rst_ni, !flush_q || !buf_valid[s] || beat[s].first,
                   "the aligner flushes a row's tail with a beat of that row still buffered")
    // Beats come only for a run's reads, and a run ends when every row has left: outside
    // StRun the aligner has nothing to take, so its take needs no run term (StepSlice).
    `ASSERT_ALWAYS(a_aligner_idle, clk_i, rst_ni, run_q || (!buf_valid[s] && !flush_q),
                   "the aligner holds a beat or a flush outside StRun")
    `ASSERT_ALWAYS(a_mid_regs, clk_i, rst_ni,
                   mid_short == (32'(left_q) <= BeatBytes) &&
                   mid_last == (mid_short && lim_q >= (NbW+1)'(left_q)),
                   "the aligner's row-end registers disagree with the row's bytes left")
    assign count     = beat[s].first ? beat[s].first_cnt :
                       mid_short ? (NbW+1)'(left_q) : (NbW+1)'(BeatBytes);
    assign head_step = beat[s].step;
    assign al_valid[s] = flush_q || (buf_valid[s] && head_step);
    // The step: the carry alone for a flush, else from the head beat (read only with al_valid;
    // no buffer-valid term, so each of the ~140 bits into the step FIFO has one input fewer).
    always_comb begin
      al_data[s]   = carry_q;  // a flush: the carry alone
      al_nbytes[s] = tail_q;
      al_last[s]   = 1'b1;
      if (!flush_q) begin
        if (beat[s].first) begin
          al_data[s]   = beat[s].data;
          al_nbytes[s] = NbW'(beat[s].first_cnt);
          al_last[s]   = beat[s].first_last;
        end else begin
          al_data[s]   = merged(carry_q, beat[s].data, low_q);
          al_nbytes[s] = mid_last ? NbW'(left_q) + NbW'(BeatBytes - 32'(lim_q))
                                  : NbW'(BeatBytes);
          al_last[s]   = mid_last;
        end
      end
    end
    // During a flush only a first beat that just fills the carry goes with it.
    assign buf_pop[s] = buf_valid[s] && (flush_q ? !head_step && al_take[s]
                                                 : !head_step || al_take[s]);
    always_comb begin
      left_d      = left_q;
      mid_short_d = mid_short;
      mid_last_d  = mid_last;
      flush_d     = flush_q && !al_take[s];
      if (start_q) begin
        left_d      = '0;
        mid_short_d = 1'b1;
        mid_last_d  = 1'b1;
        flush_d     = 1'b0;
      end else if (buf_pop[s]) begin
        if (beat[s].first) begin
          left_d      = src_bytes_q - RowW'(beat[s].first_cnt);
          mid_short_d = beat[s].first_short;
          mid_last_d  = beat[s].first_mlast;
        end else begin
          left_d      = left_q - RowW'(count);
          // the row's last beat leaves 0 bytes; any other B fewer (lim_q stays)
          mid_short_d = mid_short || 32'(left_q) <= 2 * BeatBytes;
          mid_last_d  = mid_short || (32'(left_q) <= 2 * BeatBytes &&
                                      32'(left_q) <= 32'(lim_q) + BeatBytes);
        end
        // A later beat that ends the row with bytes past its step leaves them in the carry.
        if (!beat[s].first && mid_short && !mid_last) flush_d = 1'b1;
      end
    end
    always_ff @(posedge clk_i) begin
      if (!rst_ni) begin
        left_q    <= '0;
        mid_short <= 1'b1;
        mid_last  <= 1'b1;
        flush_q   <= 1'b0;
      end else begin
        left_q    <= left_d;
        mid_short <= mid_short_d;
        mid_last  <= mid_last_d;
        flush_q   <= flush_d;
      end
    end
    // Datapath and the row's shape: loaded only with a pop.
    always_ff @(posedge clk_i) begin
      if (buf_pop[s]) begin
        if (beat[s].first) begin
          carry_q <= beat[s].data;
          off_q   <= beat[s].off;
          lim_q   <= (beat[s].off == '0) ? (NbW+1)'(BeatBytes) : (NbW+1)'(beat[s].off);
          low_q   <= (beat[s].off == '0)
                     ? '0 : ~({BeatBytes{1'b1}} << (BeatBytes - 32'(beat[s].off)));
        end else begin
          carry_q <= beat[s].data;  // lanes below k: the next step's first bytes
          tail_q  <= NbW'((NbW+1)'(left_q) - lim_q);
        end
      end
    end
    assign al_taken[s] = count;
    assign al_took[s]  = buf_pop[s] && !beat[s].err;
  end
  // The bytes taken reach the core's counter from a flop, a cycle after their pops: a pop ends
  // the step decision, and in the SoC this sum into the core's counter adder was the longest
  // path (docs/fpga.md). The counter is read after done, which comes cycles after the last pop.
  always_ff @(posedge clk_i) begin
    if (!rst_ni) rd_bytes_o <= '0;
    else begin
      // the pops only select among the sums (late: behind the step FIFOs' room), no add after
      unique case (al_took)
        2'b00:   rd_bytes_o <= '0;
        2'b01:   rd_bytes_o <= (NbW+1)'(al_taken[0]);
        2'b10:   rd_bytes_o <= (NbW+1)'(al_taken[1]);
        default: rd_bytes_o <= al_taken[0] + al_taken[1];
      endcase
    end
  end

  // StepSlice = 1: each aligner's steps pass a two-entry FIFO with its head in a register,
  // so what pops a beat waits on that FIFO's room (a flop), not on the other source and the
  // output slots (the step decision), and the compute starts at a flip-flop; a command takes
  // one cycle more. The aligner's take (the FIFO's room) is a register of its own (same
  // cycles), set from the FIFO's count and this cycle's push and pop; so is whether the FIFO
  // will hold a step (sl_filled), for the step decision's register below. Neither needs the
  // run flag: outside StRun an aligner has no beat and no flush (a_aligner_idle) and its step
  // FIFO is empty, so the end of a run (run_idle, a wide AND) is not in front of them.
  // The FIFO is two registers, the head and a spare, each loaded whenever what it holds is not
  // needed, pushed or not (a step not pushed there is never read): their ~140-bit load enables
  // come from flip-flops (the room, the count, the step register), not from the aligner's push
  // behind the beat buffer's head (the FPGA build's path into this FIFO, high fanout). The
  // stream_fifo it replaces checks it in simulation (a_step_slice).
  logic [1:0]          st_valid, st_last, st_take, sl_filled;
  logic [1:0][NbW-1:0] st_nbytes;
  beat_t [1:0]         st_data;
  for (genvar s = 0; s < 2; s++) begin : g_step
    if (StepSlice != 0) begin : g_slice
      localparam int SlW = $bits(beat_t) + NbW + 1;
      logic [SlW-1:0] sl_in, head_q, spare_q;
      logic           take_q, sl_push, sl_pop;
      logic [1:0]     sl_count;  // steps held, 0..2
      assign sl_in = {al_last[s], al_nbytes[s], al_data[s]};
      // The push (al_valid only in StRun, a_aligner_idle; take_q is the room) and the pop (the
      // step register takes only a held step, a_fire_reg), and the next count as the two flags
      // the registers need: no add and compare before them.
      assign sl_push = al_valid[s] && take_q;
      assign sl_pop  = st_take[s];
      assign sl_filled[s] = sl_push || sl_count == 2'd2 || (sl_count == 2'd1 && !sl_pop);
      always_ff @(posedge clk_i) begin
        if (!rst_ni) begin
          take_q   <= 1'b1;  // the FIFO is empty
          sl_count <= '0;
        end else begin
          take_q   <= sl_pop || !(sl_count == 2'd2 || (sl_count == 2'd1 && sl_push));
          sl_count <= sl_count + 2'(sl_push) - 2'(sl_pop);
        end
      end
      // The spare is free unless both are held (take_q); the head is free when the FIFO is
      // empty or pops, and then takes the spare if that holds a step, else the push.
      always_ff @(posedge clk_i) begin  // read only while counted: not reset
        if (take_q) spare_q <= sl_in;
        if (sl_count == 2'd0 || sl_pop) head_q <= (sl_count == 2'd2) ? spare_q : sl_in;
      end
      assign st_valid[s] = (sl_count != 2'd0);
      assign al_take[s]  = take_q;
      assign {st_last[s], st_nbytes[s], st_data[s]} = head_q;
`ifndef SYNTHESIS
      // The FIFO as it was: a stream_fifo with its head in a register.
      logic [SlW-1:0] ref_out;
      logic           ref_ready, ref_valid;
      logic [1:0]     ref_count;
      stream_fifo #(.Depth(2), .Width(SlW), .HeadReg(1)) u_step_ref (
        .clk_i,
        .rst_ni,
        .in_valid_i (al_valid[s] && run_q),
        .in_ready_o (ref_ready),
        .in_data_i  (sl_in),
        .out_valid_o(ref_valid),
        .out_ready_i(st_take[s]),
        .out_data_o (ref_out),
        .count_o    (ref_count)
      );
      `ASSERT_ALWAYS(a_take_reg, clk_i, rst_ni, take_q == ref_ready,
                     "the vector unit's aligner take register disagrees with the step FIFO's room")
      `ASSERT_ALWAYS(a_step_slice, clk_i, rst_ni,
                     sl_count == ref_count && st_valid[s] == ref_valid &&
                     (!st_take[s] || st_valid[s]) && (!ref_valid || head_q == ref_out),
                     "the vector unit's step registers disagree with the step FIFO they replace")
`endif
    end else begin : g_direct
      assign st_valid[s]  = al_valid[s];
      assign st_last[s]   = al_last[s];
      assign st_nbytes[s] = al_nbytes[s];
      assign st_data[s]   = al_data[s];
      assign al_take[s]   = st_take[s];
      assign sl_filled[s] = 1'b0;
    end
  end

  // ---------------------------------------------------------------- compute
  // A step of each source goes in when both are there and the output FIFO has room for it
  // and for every step still in the epilogue: slots_q counts that room (OutDepth less the
  // FIFO's count and the steps in the epilogue) so the test is not an add and a compare.
  logic [$clog2(OutDepth+1)-1:0] out_count, slots_q, slots_d;
  logic [2:0]                    in_flight_q, in_flight_d;
  logic                          step_valid, step_fire, epi_valid;
  logic                          ck_fire;  // a chunk leaves the output FIFO
  assign step_valid = st_valid[0] && (st_valid[1] || !two_q);
  // StepSlice: the step decision from registers (same cycles), set from the next cycle's
  // slots and step FIFOs, so the step FIFOs' head registers (fanout ~134 each), the
  // epilogue's stage registers and the slots start at a flip-flop, not at this AND of five.
  // The step FIFOs hold steps only in StRun, and none when a command is taken: the run flag
  // and the command's source count need not be worked out for the next cycle (a_fire_reg).
  if (StepSlice != 0) begin : g_fire_reg
    logic fire_q, fire2_q, fire_d, slots_left;
    // slots_d != 0, with the chunk taken (late: behind the realigner and the W buffer's room)
    // an OR term alone: a take frees a slot, and a step takes one only when there is one.
    assign slots_left = ck_fire || (step_fire ? slots_q > 1 : slots_q != '0);
    assign fire_d     = slots_left && sl_filled[0] && (sl_filled[1] || !two_q);
    always_ff @(posedge clk_i) begin
      if (!rst_ni) begin
        fire_q  <= 1'b0;
        fire2_q <= 1'b0;
      end else begin
        fire_q  <= fire_d;
        fire2_q <= fire_d && two_q;
      end
    end
    assign step_fire = fire_q;
    assign st_take   = {fire2_q, fire_q};
    `ASSERT_ALWAYS(a_fire_reg, clk_i, rst_ni,
                   fire_q == (step_valid && (slots_q != '0) && run_q) &&
                   fire2_q == (fire_q && two_q),
                   "the vector unit's step register disagrees with its step decision")
  end else begin : g_fire_now
    assign step_fire = step_valid && (slots_q != '0) && run_q;
    assign st_take   = {step_fire && two_q, step_fire};
  end
  `ASSERT_ALWAYS(a_start_reg, clk_i, rst_ni, start_q == (state_q == StStart),
                 "the vector unit's start flag disagrees with its state")
  `ASSERT_ALWAYS(a_gen_start, clk_i, rst_ni, start1_q == (start_q && two_q) &&
                 (!start1_q || src1_bytes_q == src_bytes_q),
                 "the vector unit's src1 start flag or row length disagrees with src0's")
  `ASSERT_ALWAYS(a_ready_reg, clk_i, rst_ni,
                 ready_q == (state_q == StIdle) && done_q == (state_q == StDone),
                 "the vector unit's ready or done flag disagrees with its state")
  `ASSERT_ALWAYS(a_run, clk_i, rst_ni, run_q == (state_q == StRun),
                 "the vector unit's run flag disagrees with its state")
  `ASSERT_ALWAYS(a_slots, clk_i, rst_ni,
                 32'(slots_q) + 32'(out_count) + 32'(in_flight_q) == OutDepth,
                 "the vector unit's output slots disagree with the FIFO and the epilogue")

  // The compute, around the epilogue that every step passes (one latency for all). VADD's
  // int32 add is the epilogue's own bias add (c = src0, bias = src1), behind its input stage;
  // VMAX's compares are made here and the epilogue's tag carries which bytes are src1's, and
  // src1, to the select at its output; VREQUANT is its q, VCOPY its x (src0: no bias, no
  // ReLU). So only a compare stands between the step registers and the epilogue's input
  // (the add or the compare, then the opcode's select, did: docs/fpga.md).
  // Written "<", not ">": Yosys makes a carry chain of "<" and ">=", LUTs of ">" and "<=".
  // Signed, as an unsigned compare with the sign bits flipped (the same order): Yosys puts
  // XORs of the carry out and both signs behind a signed compare's chain, so pick1 had eight
  // inputs behind the chains, not four (the FPGA build's path from the step registers into the
  // epilogue's tag register).
  function automatic logic signed_lt32(input logic [31:0] a, input logic [31:0] b);
    return (a ^ 32'h8000_0000) < (b ^ 32'h8000_0000);
  endfunction
  function automatic logic signed_lt8(input logic [7:0] a, input logic [7:0] b);
    return (a ^ 8'h80) < (b ^ 8'h80);
  endfunction
  logic [Lanes32-1:0]   gt32;   // src1 > src0, per int32 lane
  logic [BeatBytes-1:0] gt8;    // ... per int8 byte
  logic [BeatBytes-1:0] pick1;  // VMAX: the result's byte is src1's
  always_comb begin
    for (int l = 0; l < Lanes32; l++) begin
      gt32[l] = signed_lt32(st_data[0][4*l +: 4], st_data[1][4*l +: 4]);
    end
    for (int i = 0; i < BeatBytes; i++) begin
      gt8[i]   = signed_lt8(st_data[0][i], st_data[1][i]);
      pick1[i] = (max32_q && gt32[i / 4]) || (max8_q && gt8[i]);
    end
  end

  // Each step's place in its destination row, worked out as it enters the epilogue (steps
  // leave it in order): where it starts and ends in its beat travel in the tag, so the
  // chunk's fill flags and strobes at the output start from the tag's registers, not from a
  // choice between the row's start and where the chunk before ended, and an add (docs/fpga.md;
  // a_dst_off checks them against that choice).
  logic [NbW-1:0]  dst_nbytes;            // the step's destination bytes
  logic [NbW:0]    dst_end;               // where they end: past the beat if they spill over
  logic [OffW-1:0] dst_off_q, dst_off_d;  // where the next step's first byte goes in its beat
  logic [OffW-1:0] row_off_q, row_off_d;  // where the destination row starts in its beat
  assign dst_nbytes = (fn_q == FnRequant) ? st_nbytes[0] >> 2 : st_nbytes[0];
  assign dst_end    = (NbW+1)'(dst_off_q) + (NbW+1)'(dst_nbytes);
  always_comb begin
    dst_off_d = dst_off_q;
    row_off_d = row_off_q;
    if (start_q) begin
      dst_off_d = addr_q[2][OffW-1:0];
      row_off_d = addr_q[2][OffW-1:0];
    end else if (step_fire) begin
      if (st_last[0]) begin
        row_off_d = row_off_q + stride_q[2][OffW-1:0];
        dst_off_d = row_off_d;
      end else begin
        dst_off_d = OffW'(dst_end);
      end
    end
  end

  typedef struct packed {
    logic                 last;
    logic [NbW-1:0]       nbytes;  // destination bytes
    logic [OffW-1:0]      off;     // the first one's place in its beat
    logic [NbW:0]         off_end; // off + nbytes
    logic [BeatBytes-1:0] pick1;
    beat_t                src1;
  } epi_tag_t;
  epi_tag_t                 epi_tag_in, epi_tag;
  logic [Lanes32-1:0][31:0] epi_x;
  logic [Lanes32-1:0][7:0]  epi_q;
  logic [$clog2(EpiloguePipe+2)-1:0] unused_epi_busy;
  assign epi_tag_in = '{last: st_last[0], nbytes: dst_nbytes, off: dst_off_q, off_end: dst_end,
                        pick1: pick1, src1: st_data[1]};
  epilogue #(.Lanes(Lanes32), .Pipe(EpiloguePipe), .TagW($bits(epi_tag_t))) u_epilogue (
    .clk_i,
    .rst_ni,
    .valid_i  (step_fire),
    .c_i      (st_data[0]),
    .bias_i   (st_data[1]),
    .bias_en_i(fn_q == FnAdd),
    .relu_i   (1'b0),
    .scale_i  (scale_q),
    .shift_i  (shift_q),
    .tag_i    (epi_tag_in),
    .busy_o   (unused_epi_busy),
    .valid_o  (epi_valid),
    .tag_o    (epi_tag),
    .x_o      (epi_x),
    .q_o      (epi_q)
  );
  beat_t out_data;
  always_comb begin
    out_data = beat_t'(epi_x);
    for (int i = 0; i < BeatBytes; i++) begin
      if (epi_tag.pick1[i]) out_data[i] = epi_tag.src1[i];
    end
    if (fn_q == FnRequant) begin
      out_data              = '0;
      out_data[Lanes32-1:0] = epi_q;
    end
  end
  assign in_flight_d = in_flight_q + 3'(step_fire) - 3'(epi_valid);

  // ---------------------------------------------------------------- destination
  // Each chunk's fill flags and strobes are worked out as it enters the output FIFO (steps
  // leave it in the same order), so the realigner's offset, fill flags and strobes come from
  // the FIFO's head register, not from an add or a shift behind its distributed-RAM read (the
  // unit's longest path, docs/fpga.md). The chunk's bytes are in that register too: their
  // placement shift in the realigner ran from the read pointer through the distributed-RAM
  // read (the FPGA build's path into the realigner's beat registers).
  typedef struct packed {
    logic            last;
    logic [NbW-1:0]  nbytes;
    logic [OffW-1:0] off;     // the chunk's first byte's place in its beat
    logic            fills;   // off + nbytes >= BeatBytes
    logic            spills;  // off + nbytes > BeatBytes
    logic [2*BeatBytes-1:0] strb;  // the bytes at off, this beat and the next (realigner.sv)
    beat_t           data;
  } chunk_t;
  chunk_t ck_in, ck_head;
  logic [15:0] rows_in_q, rows_in_d;  // rows whose last chunk has left the epilogue
  // The strobes as two thermometers, lanes from off up to the end: each bit two compares of a
  // register with a constant, not a shifter.
  assign ck_in = '{last: epi_tag.last, nbytes: epi_tag.nbytes, off: epi_tag.off,
                   fills: 32'(epi_tag.off_end) >= BeatBytes,
                   spills: 32'(epi_tag.off_end) > BeatBytes,
                   strb: ~({2*BeatBytes{1'b1}} << epi_tag.off_end) &
                         ({2*BeatBytes{1'b1}} << epi_tag.off),
                   data: out_data};
`ifndef SYNTHESIS
  // The place as it was worked out here before: the row's start for a row's first chunk, else
  // where the chunk before it ended; the end, the offset plus the bytes.
  logic [31:0]     ref_row_q;
  logic            ref_first_q;
  logic [OffW-1:0] ref_off_q, ref_off;
  logic [NbW:0]    ref_end;
  assign ref_off = ref_first_q ? ref_row_q[OffW-1:0] : ref_off_q;
  assign ref_end = (NbW+1)'(ref_off) + (NbW+1)'(epi_tag.nbytes);
  always_ff @(posedge clk_i) begin
    if (start_q) begin
      ref_row_q   <= addr_q[2];
      ref_first_q <= 1'b1;
    end else if (epi_valid) begin
      ref_off_q   <= OffW'(ref_end);
      ref_first_q <= epi_tag.last;
      if (epi_tag.last) ref_row_q <= ref_row_q + stride_q[2];
    end
  end
  `ASSERT_ALWAYS(a_dst_off, clk_i, rst_ni,
                 !epi_valid || (epi_tag.off == ref_off && epi_tag.off_end == ref_end),
                 "the vector unit's destination offset disagrees with the rows and chunks before")
`endif

  logic out_valid, out_ready, out_in_ready;
  stream_fifo #(.Depth(OutDepth), .Width($bits(chunk_t)), .HeadReg(1)) u_out_fifo (
    .clk_i,
    .rst_ni,
    .in_valid_i  (epi_valid),
    .in_ready_o  (out_in_ready),
    .in_data_i   (ck_in),
    .out_valid_o (out_valid),
    .out_ready_i (out_ready),
    .out_data_o  (ck_head),
    .count_o     (out_count)
  );

  logic rl_busy, rl_valid, rl_ready, wb_valid;
  logic [BeatBytes-1:0][7:0] rl_data;
  logic [BeatBytes-1:0]      rl_strb;
  realigner #(.BeatBytes(BeatBytes)) u_realigner (
    .clk_i,
    .rst_ni,
    .in_valid_i  (out_valid),
    .in_ready_o  (out_ready),
    .in_data_i   (ck_head.data),
    .in_nbytes_i (ck_head.nbytes),
    .in_off_i    (ck_head.off),
    .in_last_i   (ck_head.last),
    .in_fills_i  (ck_head.fills),
    .in_spills_i (ck_head.spills),
    .in_strb_i   (ck_head.strb),
    .out_valid_o (rl_valid),
    .out_ready_i (rl_ready),
    .out_data_o  (rl_data),
    .out_strb_o  (rl_strb),
    .busy_o      (rl_busy)
  );
  assign ck_fire = out_valid && out_ready;
  assign slots_d = slots_q - $bits(slots_q)'(step_fire) + $bits(slots_q)'(ck_fire);
  // Every row has entered the output FIFO (rows_in_q == rows_q) as a register of its own, so
  // the end of a run (run_idle) does not wait on a 16-bit compare; rows_q holds through the
  // run. Rows are counted as they leave the epilogue (its valid, a flip-flop), not as they
  // leave the output FIFO: the FIFO's pop is the realigner's ready, behind the W buffer's
  // room, and into these 17 registers it was the FPGA build's path. Every row has left the
  // FIFO once every row entered it and it is empty (a_rows_out_done checks it against a count
  // of the rows that left).
  logic rows_in_done_q, rows_in_done_d, rows_out_done;
  always_comb begin
    rows_in_d      = rows_in_q;
    rows_in_done_d = rows_in_done_q;
    if (start_q) begin
      rows_in_d      = '0;
      rows_in_done_d = (rows_q == '0);
    end else if (epi_valid && epi_tag.last) begin
      rows_in_d      = rows_in_q + 16'd1;
      rows_in_done_d = (rows_in_q == rows_m1_q);
    end
  end
  assign rows_out_done = rows_in_done_q && !out_valid;
  `ASSERT_ALWAYS(a_rows_in_done, clk_i, rst_ni,
                 !run_q || rows_in_done_q == (rows_in_q == rows_q),
                 "the vector unit's all-rows-in flag disagrees with its row count")
`ifndef SYNTHESIS
  // The rows that left the output FIFO for the realigner, as they were counted before.
  logic [15:0] ref_rows_out_q;
  always_ff @(posedge clk_i) begin
    if (start_q) ref_rows_out_q <= '0;
    else if (ck_fire && ck_head.last) ref_rows_out_q <= ref_rows_out_q + 16'd1;
  end
  `ASSERT_ALWAYS(a_rows_out_done, clk_i, rst_ni,
                 !run_q || rows_out_done == (ref_rows_out_q == rows_q),
                 "the vector unit's all-rows-out flag disagrees with the rows that left")
`endif

  // W beats wait in a buffer, and an AW goes out only once every beat of its burst is there:
  // on the SoC's network a write packet holds its path from the header (the AW) to its last
  // data flit, and if it waited there for data behind this unit's own reads, those reads could
  // not leave (tests/system: SystemVector). So write bursts are at most MaxBurst beats too.
  localparam int WqW = $clog2(BufBeats + 1);
  logic            wq_valid, w_fire;
  logic [WqW-1:0]  wq_count, w_owed_q, w_owed_d;  // beats held; of them promised to an AW
  logic [WqW-1:0]  w_free_q, w_free_d;  // held, not promised: wq_count - w_owed_q, a register
  logic [BeatBytes*9-1:0] wq_out;
  logic            w_room_q, w_room_d, w_push, w_in_ready;
  // The buffer's room (its in_ready) as a register of its own (same cycles), set from its count
  // and this cycle's push and pop: the realigner's ready, and through it the output FIFO's pop,
  // the rows-out count and the AW-open register, start at a flip-flop, not at the count's
  // compare (the FPGA build's path from the count into the AW-open register).
  assign w_push   = rl_valid && w_room_q;
  assign w_room_d = !((32'(wq_count) == BufBeats && !w_fire) ||
                      (32'(wq_count) == BufBeats - 1 && w_push && !w_fire));
  assign rl_ready = w_room_q;
  `ASSERT_ALWAYS(a_w_room_reg, clk_i, rst_ni, w_room_q == w_in_ready,
                 "the vector unit's W-buffer room register disagrees with the buffer's count")
  stream_fifo #(.Depth(BufBeats), .Width(BeatBytes * 9)) u_w_fifo (
    .clk_i,
    .rst_ni,
    .in_valid_i  (rl_valid),
    .in_ready_o  (w_in_ready),
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
  logic       aw_busy, aw_fire, wb_in_ready, aw_row_last;
  logic       aw_offer;  // an AW on offer: the burst generator's valid, and aw_open_now
  logic [8:0] aw_beats;
  logic [7:0] wb_len, w_cnt_q, w_cnt_d;
  logic [OwedW-1:0] b_owed_q, b_owed_d;
  // No B owed (b_owed_q == 0) as a register of its own (same cycles), set from this cycle's
  // count, AW and B, so StWaitB's exit (and through the state, done and ready) waits on a
  // flip-flop, not on the count's compare (the FPGA build's path from b_owed_q into done_q).
  logic             b_none_q, b_none_d;
  logic [$clog2(WbDepth+1)-1:0] wb_count;
  // Whether the burst on offer may go out, worked out from this cycle's registers. No run
  // term: the AW burst generator has bursts only in StRun (a_aw_in_run).
  logic       aw_open_now;
  assign aw_open_now = wb_in_ready && (b_owed_q != '1) && (9'(w_free_q) >= aw_beats);
  `ASSERT_ALWAYS(a_aw_in_run, clk_i, rst_ni, !aw_busy || run_q,
                 "the vector unit's AW burst generator has bursts outside StRun")
  // StepSlice: aw_open_now from a register (open_q), so the AW burst generator's step (its
  // load enables, fanout ~70) no longer waits on the W-beats >= burst compare and the AND
  // behind it. Worked out on the next cycle's values: exact while the burst stays on offer;
  // after an AW (or at a start) the next burst's beats are not known yet, so then only
  // MaxBurst held W beats count.
  // The AW's valid (open_q && aw_busy) is a register too (offer_q, same cycles), from the AW
  // generator's next valid (it rises at a start, a_not_empty, and falls after its last row's
  // last burst, g_rows_left), so the AW handshake, and behind it the generator's step (its
  // load enables, fanout ~75, then its row registers' ~73) is one LUT of flip-flops, not
  // behind an AND of the generator's valid and open_q (the FPGA build's path from the
  // generator's busy flag into its rows left).
  if (StepSlice != 0) begin : g_aw_open_reg
    logic open_q, open_d, moved_q, offer_q, busy_d;
    // The length FIFO and the bursts owed B stay short of full next cycle: compares of this
    // cycle's counts, the AW, the last W beat and the B only selecting (no add before them).
    // Each for both outcomes of the AW: with it (_aw), without it (_keep).
    logic wb_room_aw, wb_room_keep, b_room_aw, b_room_keep, wb_pop;
    assign wb_pop       = w_fire && mem_wr_req_o.w_last;
    assign wb_room_keep = !(32'(wb_count) == WbDepth && !wb_pop);
    assign wb_room_aw   = wb_room_keep && !(32'(wb_count) == WbDepth - 1 && !wb_pop);
    assign b_room_keep  = !(b_owed_q == '1 && !mem_wr_rsp_i.b_valid);
    assign b_room_aw    = !((b_owed_q == '1 && mem_wr_rsp_i.b_valid) ||
                            (b_owed_q == OwedW'(2**OwedW - 2) && !mem_wr_rsp_i.b_valid));
    // As for the reads' fit: the compares on this cycle's W beats for both values of the
    // push (+0, +1), the AW and the push only selecting among them.
    logic [1:0] fit_keep, fit_took, fit_idle;
    for (genvar p = 0; p < 2; p++) begin : g_push
      assign fit_idle[p] = 32'(w_free_q) + p >= MaxBurst;
      assign fit_keep[p] = fit_idle[p] || 32'(w_free_q) + p >= 32'(aw_beats);
      assign fit_took[p] = 32'(w_free_q) + p >= MaxBurst + 32'(aw_beats);
    end
    // the fit: w_free_d >= MaxBurst || (no AW, no start, and w_free_d >= the burst's beats)
    // both outcomes of the AW worked out beside it, the AW (behind its ready) selecting
    assign open_d = aw_fire ? wb_room_aw && b_room_aw && fit_took[w_push]
                            : wb_room_keep && b_room_keep &&
                              (start_q ? fit_idle[w_push] : fit_keep[w_push]);
    assign busy_d = start_q || (aw_busy && !(aw_fire && aw_row_last && gen_last_row[2]));
    always_ff @(posedge clk_i) begin
      if (!rst_ni) begin
        open_q  <= 1'b0;
        moved_q <= 1'b1;
        offer_q <= 1'b0;
      end else begin
        open_q  <= open_d;
        moved_q <= aw_fire || start_q;  // the burst on offer is a new one
        offer_q <= open_d && busy_d;
      end
    end
    assign aw_offer = offer_q;
    `ASSERT_ALWAYS(a_aw_open_reg, clk_i, rst_ni,
                   (!open_q || aw_open_now) && (moved_q || !aw_busy || open_q == aw_open_now),
                   "the vector unit's AW open register disagrees with the W beats and the AWs")
    `ASSERT_ALWAYS(a_aw_offer_reg, clk_i, rst_ni, offer_q == (open_q && aw_busy),
                   "the vector unit's AW valid register disagrees with the AW generator's valid")
  end else begin : g_aw_open_now
    assign aw_offer = aw_open_now && aw_busy;
  end
  `ASSERT_ALWAYS(a_w_free, clk_i, rst_ni, w_free_q == wq_count - w_owed_q,
                 "the vector unit's unpromised W beats disagree with the buffer and the AWs")
  burst_gen #(.BeatBytes(BeatBytes), .LenW(RowW), .MaxBeats(MaxBurst)) u_aw_gen (
    .clk_i,
    .rst_ni,
    .start_i         (start_q),
    .addr_i          (addr_q[2]),
    .row_bytes_i     (dst_bytes_q),
    .rows_i          (rows_q),
    .stride_i        (stride_q[2]),
    .burst_valid_o   (aw_busy),
    .burst_ready_i   (aw_fire),  // its valid and the AW's ready
    .burst_addr_o    (mem_wr_req_o.aw_addr),
    .burst_len_o     (mem_wr_req_o.aw_len),
    .burst_beats_o   (aw_beats),
    .burst_row_last_o(aw_row_last)
  );
  assign mem_wr_req_o.aw_valid = aw_offer;
  assign aw_fire = aw_offer && mem_wr_rsp_i.aw_ready;
  // StepSlice: each burst generator's rows left (the current one included), counted at the
  // bursts that end a row, and whether the current row is its transfer's last: with it a
  // generator's valid next cycle is known (g_ar_reg, g_aw_open_reg).
  if (StepSlice != 0) begin : g_rows_left
    logic [2:0]       row_end;  // a burst that ends its row is taken
    logic [2:0][15:0] left_q;
    assign row_end = {aw_fire && aw_row_last, rg_fire & rg_row_last};
    always_ff @(posedge clk_i) begin  // set in StStart, read from it on: not reset
      for (int i = 0; i < 3; i++) begin
        if (start_q) begin
          left_q[i]       <= rows_q;
          gen_last_row[i] <= (rows_q == 16'd1);
        end else if (row_end[i]) begin
          left_q[i]       <= left_q[i] - 16'd1;
          gen_last_row[i] <= (left_q[i] == 16'd2);
        end
      end
    end
    `ASSERT_ALWAYS(a_rows_left, clk_i, rst_ni, !run_q ||
                   ((!rg_valid[0] || gen_last_row[0] == (left_q[0] == 16'd1)) &&
                    (!rg_valid[1] || gen_last_row[1] == (left_q[1] == 16'd1)) &&
                    (!aw_busy || gen_last_row[2] == (left_q[2] == 16'd1))),
                   "the vector unit's last-row flag disagrees with its rows left")
  end else begin : g_rows_now
    assign gen_last_row = '0;  // read only by StepSlice's offer registers
  end
  // The head in a register (same cycles): the burst's length reaches the last-beat compare,
  // and through it the AW-open register, from a flip-flop, not the distributed-RAM read.
  stream_fifo #(.Depth(WbDepth), .Width(8), .HeadReg(1)) u_wb_fifo (
    .clk_i,
    .rst_ni,
    .in_valid_i  (aw_fire),
    .in_ready_o  (wb_in_ready),
    .in_data_i   (mem_wr_req_o.aw_len),
    .out_valid_o (wb_valid),
    .out_ready_i (w_fire && mem_wr_req_o.w_last),
    .out_data_o  (wb_len),
    .count_o     (wb_count)
  );
  // W's valid (a beat held and its burst's AW out) as a register of its own (same cycles), set
  // from both FIFOs' counts and this cycle's pushes and pops, so the W handshake, the last-beat
  // pop of the length FIFO and through them the AW-open register start at a flip-flop, not at
  // the two counts' compares (the FPGA build's path from the counts into the AW-open register).
  logic w_valid_q, wq_valid_d, wb_valid_d;
  assign wq_valid_d = w_push || 32'(wq_count) > 1 || (wq_valid && !w_fire);
  assign wb_valid_d = aw_fire || 32'(wb_count) > 1 ||
                      (wb_valid && !(w_fire && mem_wr_req_o.w_last));
  always_ff @(posedge clk_i) begin
    if (!rst_ni) w_valid_q <= 1'b0;
    else w_valid_q <= wq_valid_d && wb_valid_d;
  end
  assign mem_wr_req_o.w_valid = w_valid_q;
  `ASSERT_ALWAYS(a_w_valid_reg, clk_i, rst_ni, w_valid_q == (wq_valid && wb_valid),
                 "the vector unit's W valid register disagrees with its W and length FIFOs")
  // Bursts are at most MaxBurst beats: the beat count and the length compared on the bits
  // below MaxBurst only (a_w_len), fewer LUTs before the AW-open register.
  localparam int WLenW = MaxBurst > 1 ? $clog2(MaxBurst) : 1;
  assign mem_wr_req_o.w_last  = (w_cnt_q[WLenW-1:0] == wb_len[WLenW-1:0]);
  `ASSERT_ALWAYS(a_w_len, clk_i, rst_ni,
                 !wb_valid || (32'(wb_len) < MaxBurst && w_cnt_q <= wb_len),
                 "the vector unit's W burst is longer than MaxBurst or its beat count past it")
  assign w_fire               = mem_wr_req_o.w_valid && mem_wr_rsp_i.w_ready;
  assign mem_b_ready_o        = 1'b1;

  // ---------------------------------------------------------------- control
  logic [FaultW-1:0] fault_q, fault_d;
  logic              err_q, err_d, run_idle, run_end;
  assign sts_o.done  = done_q;
  assign sts_o.fault = fault_q;
  // Every row has left for the realigner and every beat for W. The reads are all in by then:
  // a row leaves the epilogue only after each of its R beats passed the R stage, its buffer
  // and its aligner, so the read side's flags (the bursts-in-flight FIFO's count compare among
  // them) are not in this wide AND (a_reads_done; the FPGA build's path from that count into
  // g_end_reg's register).
  assign run_idle = rows_out_done && !aw_busy && !rl_busy && !rl_valid && !wq_valid &&
                    !wb_valid;
  `ASSERT_ALWAYS(a_reads_done, clk_i, rst_ni,
                 !run_q || !rows_in_done_q ||
                 ((rg_valid == '0) && !tag_valid && !r_stage_busy),
                 "the vector unit's rows all left the epilogue with reads still outstanding")
  // The run ends once it is idle: at once, or (CtrlPipe) a cycle later from a register, so
  // that wide AND over the unit's FIFOs, realigner and generators and the state logic are in
  // different cycles (the FPGA build's path from the bursts-in-flight count into state_q). The
  // cycle it adds is spent in StWaitB's wait for the last B anyway, unless that B comes back
  // within a cycle of the last W beat. Nothing starts again in a run that is idle: every row
  // has left and every burst is out, so the register's verdict still holds (a_idle_holds).
  if (CtrlPipe != 0) begin : g_end_reg
    logic idle_q;
    always_ff @(posedge clk_i) begin
      if (!rst_ni) idle_q <= 1'b0;
      else idle_q <= run_q && run_idle && !idle_q;  // once: the run ends with this cycle
    end
    assign run_end = idle_q;
    `ASSERT_ALWAYS(a_idle_holds, clk_i, rst_ni, !idle_q || (run_q && run_idle),
                   "the vector unit's registered end of run no longer finds the run idle")
  end else begin : g_end_now
    assign run_end = run_idle;
  end

  always_comb begin
    state_d = state_q;
    fault_d = fault_q;
    unique case (state_q)
      StIdle: begin
        fault_d = FaultNone;
        if (cmd_fire) state_d = (CtrlPipe != 0) ? StPrep : StCheck;
      end
      StPrep:  state_d = StCheck;
      StCheck: begin
        if (chk_fail) begin
          state_d = StDone;
          fault_d = FaultAccess;
        end else if (chk_last_q) begin
          state_d = (CtrlPipe != 0) ? StVerdict : StStart;
        end
      end
      StVerdict: begin
        if (chk_fail) begin
          state_d = StDone;
          fault_d = FaultAccess;
        end else begin
          state_d = StStart;
        end
      end
      StStart: state_d = StRun;
      StRun:   state_d = StRun;  // its end: below
      StWaitB: begin
        if (b_none_q) begin
          state_d = StDone;
          fault_d = err_q ? FaultMemError : FaultNone;
        end
      end
      StDone:  state_d = StIdle;
      default: state_d = StIdle;
    endcase
    // Timing: the run's end is selected by run_q (== StRun, a_run) behind the state decode, so
    // run_end (run_idle: every FIFO, the realigner and the generators empty, a wide AND; or
    // its register) is one LUT from state_q and run_q, not behind the case's mux tree
    // (docs/fpga.md).
    if (run_q) state_d = run_end ? StWaitB : StRun;
  end
  // state_d == StStart on its own: the verdict on the last row passed (a_start_reg).
  if (CtrlPipe != 0) begin : g_start_verdict
    assign start_d = (state_q == StVerdict) && !chk_fail;
  end else begin : g_start_check
    assign start_d = (state_q == StCheck) && chk_last_q && !chk_fail;
  end

  always_comb begin
    err_d = err_q;
    if (cmd_fire) err_d = 1'b0;
    if ((r_fire && mem_rd_rsp_i.r_err) || (mem_wr_rsp_i.b_valid && mem_wr_rsp_i.b_err)) begin
      err_d = 1'b1;
    end
    b_owed_d = b_owed_q + OwedW'(aw_fire) - OwedW'(mem_wr_rsp_i.b_valid);
    // an AW and a B together leave the count; a B alone empties it from 1, an AW fills it
    b_none_d = b_none_q;
    if (aw_fire != mem_wr_rsp_i.b_valid) b_none_d = !aw_fire && (b_owed_q == OwedW'(1));
    w_owed_d = w_owed_q + (aw_fire ? WqW'(aw_beats) : '0) - WqW'(w_fire);
    w_free_d = w_free_q - (aw_fire ? WqW'(aw_beats) : '0) + WqW'(w_push);
    w_cnt_d  = w_cnt_q;
    if (w_fire) w_cnt_d = mem_wr_req_o.w_last ? '0 : w_cnt_q + 8'd1;
    for (int s = 0; s < 2; s++) begin
      // the pop (late) selects between the two sums, not an input of one add
      room_d[s]     = room_q[s] - ResvW'(rg_fire[s] ? rg_beats[s] : 9'd0);
      if (buf_pop[s]) room_d[s] = room_q[s] + ResvW'(1) - ResvW'(rg_fire[s] ? rg_beats[s] : 9'd0);
      rd_row_d[s]   = rd_row_q[s];
      rd_first_d[s] = rd_first_q[s];
      if (start_q) begin
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
      start_q     <= 1'b0;
      start1_q    <= 1'b0;
      ready_q     <= 1'b1;
      done_q      <= 1'b0;
      fault_q     <= FaultNone;
      err_q       <= 1'b0;
      b_owed_q    <= '0;
      b_none_q    <= 1'b1;
      w_owed_q    <= '0;
      w_free_q    <= '0;
      w_room_q    <= 1'b1;
      w_cnt_q     <= '0;
      room_q      <= {2{ResvW'(BufBeats)}};
      in_flight_q <= '0;
      slots_q     <= $bits(slots_q)'(OutDepth);
      r_cnt_q     <= '0;
      r_first_q   <= 1'b1;
      ar_hold_q   <= 1'b0;
      ar_sel_q    <= 1'b0;
      rows_in_q   <= '0;
    end else begin
      state_q     <= state_d;
      run_q       <= run_q ? !run_end : start_q;  // state_d == StRun (a_run)
      start_q     <= start_d;
      start1_q    <= start_d && two_q;
      ready_q     <= (state_d == StIdle);
      done_q      <= (state_d == StDone);
      fault_q     <= fault_d;
      err_q       <= err_d;
      b_owed_q    <= b_owed_d;
      b_none_q    <= b_none_d;
      w_owed_q    <= w_owed_d;
      w_free_q    <= w_free_d;
      w_room_q    <= w_room_d;
      w_cnt_q     <= w_cnt_d;
      room_q      <= room_d;
      in_flight_q <= in_flight_d;
      slots_q     <= slots_d;
      if (r_fire) begin
        r_cnt_q   <= r_burst_end ? '0 : r_cnt_q + 8'd1;
        r_first_q <= r_burst_end;
      end
      ar_hold_q   <= mem_rd_req_o.ar_valid && !mem_rd_rsp_i.ar_ready;
      ar_sel_q    <= ar_sel;
      rows_in_q   <= rows_in_d;
    end
  end
  // Set up in StIdle / StStart before use: not reset.
  always_ff @(posedge clk_i) begin
    chk_row_q       <= chk_row_d;
    chk_last_q      <= chk_last_d;
    chk_addr_q      <= chk_addr_d;
    chk_end_q       <= chk_end_d;
    rd_row_q        <= rd_row_d;
    rd_first_q      <= rd_first_d;
    dst_off_q       <= dst_off_d;
    row_off_q       <= row_off_d;
    rows_in_done_q  <= rows_in_done_d;
  end

  // ---------------------------------------------------------------- assertions
  `ASSERT_STREAM_STABLE(a_cmd_stable, clk_i, rst_ni, cmd_i.valid, sts_o.ready, cmd_i.desc)
  `LUOSHU_MEM_ASSERT_RD_STABLE(clk_i, rst_ni, mem_rd_req_o, mem_rd_rsp_i)
  `LUOSHU_MEM_ASSERT_WR_STABLE(clk_i, rst_ni, mem_wr_req_o, mem_wr_rsp_i)
  `ASSERT_ALWAYS(a_r_first, clk_i, rst_ni, r_first_q == (r_cnt_q == '0),
                 "the vector unit's first-beat flag disagrees with its R beat count")
  `ASSERT_ALWAYS(a_r_expected, clk_i, rst_ni, !mem_rd_rsp_i.r_valid || tag_valid,
                 "R beat with no burst in flight")
  `ASSERT_ALWAYS(a_r_room, clk_i, rst_ni, !valid_w || buf_in_ready[src_w],
                 "R beat with no room reserved in its buffer")
  `ASSERT_ALWAYS(a_out_room, clk_i, rst_ni, !epi_valid || out_in_ready,
                 "epilogue result with no room in the output FIFO")
  `ASSERT_ALWAYS(a_b_none_reg, clk_i, rst_ni, b_none_q == (b_owed_q == '0),
                 "the vector unit's no-B-owed flag disagrees with its count of bursts owed")
  `ASSERT_ALWAYS(a_b_expected, clk_i, rst_ni, !mem_wr_rsp_i.b_valid || b_owed_q != '0,
                 "B response with no write burst in flight")
  `ASSERT_ALWAYS(a_steps_agree, clk_i, rst_ni,
                 !step_fire || !two_q || (st_nbytes[0] == st_nbytes[1] && st_last[0] == st_last[1]),
                 "the two sources' steps differ in framing")
  `ASSERT_ALWAYS(a_w_strobes, clk_i, rst_ni, !mem_wr_req_o.w_valid || mem_wr_req_o.w_strb != '0,
                 "W beat with no strobes")

  logic unused;
  assign unused = mem_rd_rsp_i.r_last;  // beats are counted, not framed
  // Read only by StepSlice's registers (the next cycle's values).
  logic unused_step_slice;
  assign unused_step_slice = ^{buf_count, sl_filled, fits_next, fits_next_by_pop, aw_row_last,
                               gen_last_row};
endmodule
