// MTE-out (docs/core.md, docs/isa.md STORE): executes STORE descriptors. A rows x cols int32
// block of L0C goes through the epilogue (bias, ReLU, int8 requantization: epilogue.sv) to
// device memory at dst_addr + r * dst_stride + c * esize, as beat-aligned write bursts with
// byte strobes.
//
// Phases of one command:
//   1. Pre-pass (window_check, one instance shared by the steps): the bias range (read), then
//      the hull [dst_addr, last row's end) in one check; only if the hull is not inside one
//      writable window, every row on its own, one per cycle (CtrlPipe: two cycles per check,
//      see the parameter). A failure ends the command with FaultAccess before any access (no
//      bias, L0C or memory access at all).
//   2. With bias: column blocks of BiasCols. For each block, read its bias (AR bursts; R beats
//      realigned by the bias address's word offset into rows of Lanes words, row k in sram
//      bank k mod Banks), then store that block of every row. Without bias the whole row is
//      one block. If rows overlap in memory (dst_stride < row bytes) and there are several
//      blocks, the passes go row by row instead (each row reads its bias blocks again), so
//      rows land in row order exactly as in the model.
//   3. Store, three decoupled parts:
//      - AW generator: per row, beat-aligned bursts split at 4 KiB and 256 beats
//        (burst_gen.sv, as are the bias reads). Each burst
//        the memory takes pushes its length into a FIFO that frames the W beats, so a W beat
//        never leaves before its AW.
//      - Chunk pipeline: one L0C read per grant of one chunk of consecutive elements: Lanes =
//        BeatBytes/4 for int32 out, Int8Lanes = BeatBytes for int8 out (so either is one
//        beat of output; a Dim below BeatBytes gives the largest power of two <= Dim). The
//        chunk's bias is read in the same cycle: one bank's row for int32, the same row of
//        every bank for int8. The data arrives the next cycle and goes through the epilogue
//        (one cycle, Int8Lanes lanes) into a chunk FIFO. Reads are issued only against free
//        FIFO space (credits), so a stalled W channel never loses data.
//      - Realigner (realigner.sv): places each chunk's bytes at its destination offset
//        within the beat, merges chunks into whole beats and emits them with strobes (one beat
//        per cycle on long rows; one extra cycle at a row end whose last chunk spills into a
//        new beat).
//   4. Wait for every B, then sts_o.done for one cycle while still busy (FaultMemError if an
//      R or B beat had err).
// Bandwidth: int32 and int8 out both move one BeatBytes beat per cycle on long rows (int8 with
// Dim >= BeatBytes; else Int8Lanes bytes per cycle). Measured in tests/rtl/mte/mte_out_test.cc.
// Errors: after an R error on a block's bias nothing of that block is written; after a B error
// the current block still completes (every owed W and B), later blocks are skipped.
// Known difference from the model: a STORE whose output overwrites its own bias vector with
// more than BiasCols columns reads the later blocks' bias after the earlier blocks are written
// (the model reads the whole bias first).
`include "luoshu_assert.svh"
`include "luoshu_mem.svh"

module mte_out #(
  parameter int Dim = 16,
  parameter int BeatBytes = 16,
  parameter int L0cBytes = 131072,
  parameter int NumWindows = 4,
  parameter int BiasCols = 256,
  // epilogue.sv Pipe (FPGA): 1 = a register before its multiplier; 2 = also one before its
  // saturation; 3 = also the partial products; 4 = also its inputs; 5 = also the partial
  // products' copies out of the DSPs (the FPGA build's)
  parameter int EpiloguePipe = 0,
  // 1 (FPGA): registers in the control path: the pre-pass's hull length and each window
  // check's verdict, and a column block's setup (four cycles more per STORE, one more per
  // further column block, and one more per row when rows are checked one by one); and the
  // windows, so the checks see them a cycle late (no cycle more); the chunk FIFO's whole head
  // in a register (no cycle more); a skid register behind the realigner's beat (no cycle
  // more while W is ready; under W backpressure one more beat waits inside); and R through a
  // register slice (one cycle more per column block with bias)
  parameter int CtrlPipe = 0,
  // 1 (FPGA): L0C read data two cycles after the read (l0_buffer ReadPipe; one more cycle per
  // STORE block)
  parameter int L0cReadPipe = 0
) (
  input  logic                                 clk_i,
  input  logic                                 rst_ni,
  // Command (docs/core.md "Unit command interface").
  input  luoshu_unit_pkg::cmd_t                 cmd_i,
  output luoshu_unit_pkg::sts_t                 sts_o,
  output logic [$clog2(BeatBytes+1)-1:0]       rd_bytes_o,  // bias bytes taken (a cycle on)
  output logic [$clog2(BeatBytes+1)-1:0]       wr_bytes_o,
  // Granted windows.
  input  luoshu_mem_pkg::win_t [NumWindows-1:0] win_i,
  // Memory port: AR/R (bias), AW/W/B (output).
  output `LUOSHU_MEM_RD_REQ_T            mem_rd_req_o,
  input  `LUOSHU_MEM_RD_RSP_T(BeatBytes) mem_rd_rsp_i,
  output logic                           mem_r_ready_o,
  output `LUOSHU_MEM_WR_REQ_T(BeatBytes) mem_wr_req_o,
  input  `LUOSHU_MEM_WR_RSP_T            mem_wr_rsp_i,
  output logic                           mem_b_ready_o,
  // L0C read port, shared with the cube: served in a cycle with gnt high, data the next cycle.
  output logic                                 l0c_rd_req_o,
  input  logic                                 l0c_rd_gnt_i,
  output logic [$clog2(L0cBytes/4)-1:0]        l0c_raddr_o,
  input  logic [Dim-1:0][31:0]                 l0c_rdata_i
);
  localparam int Lanes = BeatBytes / 4;  // int32 elements per beat = int32 chunk
  // int8 elements per chunk = epilogue lanes: a beat's worth, at most the largest power of two
  // <= Dim (the L0C read port's width), so that it stays a multiple of Lanes.
  localparam int Int8Lanes = (Dim >= BeatBytes) ? BeatBytes
                           : (Dim < Lanes)      ? Lanes
                                                : Lanes << ($clog2(Dim / Lanes + 1) - 1);
  localparam int Banks = Int8Lanes / Lanes;  // bias sram banks of Lanes-word rows
  localparam int BankSelW = Banks > 1 ? $clog2(Banks) : 1;
  localparam int OffW = $clog2(BeatBytes);
  localparam int CntW = $clog2(BeatBytes + 1);
  localparam int LaneCntW = $clog2(Int8Lanes + 1);
  localparam int CAddrW = $clog2(L0cBytes / 4);
  localparam int BiasRows = BiasCols / Lanes;
  localparam int BiasRowW = BiasRows > 1 ? $clog2(BiasRows) : 1;
  localparam int BankRows = BiasCols / Int8Lanes;
  localparam int BankRowW = BankRows > 1 ? $clog2(BankRows) : 1;
  // chunk FIFO: the chunks in flight (L0C read, epilogue stages) + 2 for full rate
  localparam int ChunkDepth = 4 + EpiloguePipe + L0cReadPipe;
  localparam int WbDepth = 4;     // AW bursts whose W beats may still be pending
  localparam int OutstandingW = 8;  // AW bursts whose B is still owed (saturates: AW waits)

  if (BeatBytes < 4 || BeatBytes > 4096 || (BeatBytes & (BeatBytes - 1)) != 0) begin : g_bad_beat
    $error("mte_out: BeatBytes must be a power of two in 4..4096 (got %0d)", BeatBytes);
  end
  if (Dim < Lanes) begin : g_bad_dim
    $error("mte_out: Dim (%0d) must be >= BeatBytes/4 (%0d)", Dim, Lanes);
  end
  if (L0cBytes < 4 * Dim || L0cBytes % (4 * Dim) != 0) begin : g_bad_l0c
    $error("mte_out: L0cBytes must be a positive multiple of 4 * Dim (got %0d)", L0cBytes);
  end
  // int8 chunks must not straddle bias blocks.
  if (BiasCols < Int8Lanes || BiasCols % Int8Lanes != 0) begin : g_bad_bias
    $error("mte_out: BiasCols must be a positive multiple of the int8 chunk, %0d (got %0d)",
           Int8Lanes, BiasCols);
  end
  if (NumWindows < 1) begin : g_bad_win
    $error("mte_out: NumWindows must be >= 1 (got %0d)", NumWindows);
  end
  if (L0cReadPipe != 0 && L0cReadPipe != 1) begin : g_bad_l0c_pipe
    $error("mte_out: L0cReadPipe must be 0 or 1 (got %0d)", L0cReadPipe);
  end
  if (CtrlPipe != 0 && CtrlPipe != 1) begin : g_bad_ctrl_pipe
    $error("mte_out: CtrlPipe must be 0 or 1 (got %0d)", CtrlPipe);
  end

  typedef enum logic [3:0] {
    StIdle,
    StChkBias,  // bias range; the hull length is computed
    StChkLen,   // (CtrlPipe) the hull length's register
    StChkHull,  // all rows at once
    StChkRows,  // row by row (the hull is not inside one window)
    StSetup,    // (CtrlPipe) one column block's start values into registers
    StBlock,    // set up one column block
    StBias,     // read the block's bias
    StStore,    // store the block
    StWaitB,    // every B back
    StDone      // sts_o.done, with the fault code
  } state_e;

  typedef struct packed {
    logic [BeatBytes-1:0][7:0] data;    // bytes from 0, in destination order
    logic [CntW-1:0]           nbytes;  // 1..BeatBytes
    logic [OffW-1:0]           off;     // destination offset of byte 0 within its beat
    logic                      last;    // last chunk of the row (block)
    logic                      fills;   // off + nbytes >= BeatBytes (realigner.sv)
    logic                      spills;  // off + nbytes > BeatBytes
    logic [2*BeatBytes-1:0]    strb;    // the bytes at off, this beat and the next (realigner.sv)
  } chunk_t;
  localparam int ChunkW = BeatBytes * 10 + CntW + OffW + 3;  // $bits(chunk_t), for Yosys
  localparam int FrameW = ChunkW - BeatBytes * 8;            // its framing fields (below data)

  // A chunk's framing fields, from its element count and destination offset. Made as the
  // chunk's L0C data arrives (p1) and carried through the epilogue as its tag, so the chunk
  // FIFO's write takes flip-flops: int8_q (fanout in the hundreds), the add and compares and
  // the strobe shifts were one path into the FIFO's memory and head register (FPGA timing;
  // the same values: a_chunk_frame).
  function automatic logic [FrameW-1:0] frame_of(input logic [LaneCntW-1:0] nvalid,
                                                 input logic [OffW-1:0] off,
                                                 input logic last, input logic int8);
    logic [CntW-1:0]        nbytes;
    logic                   fills, spills;
    logic [BeatBytes-1:0]   len;  // the chunk's bytes from lane 0
    logic [2*BeatBytes-1:0] strb;
    nbytes = int8 ? CntW'(nvalid) : CntW'({nvalid, 2'b00});
    // Made before the FIFO, so the realigner neither adds nor shifts behind its read.
    fills  = (CntW + 1)'(off) + (CntW + 1)'(nbytes) >= (CntW + 1)'(BeatBytes);
    spills = (CntW + 1)'(off) + (CntW + 1)'(nbytes) > (CntW + 1)'(BeatBytes);
    len    = ~(BeatBytes'('1) << nbytes);
    strb   = (2*BeatBytes)'(len) << off;
    frame_of = {nbytes, off, last, fills, spills, strb};  // chunk_t's fields below its data
  endfunction

  // ---------------------------------------------------------------- descriptor
  luoshu_isa_pkg::store_desc_t desc;
  assign desc = luoshu_isa_pkg::store_desc_t'(cmd_i.desc);

  logic        relu_q, bias_en_q, int8_q;
  logic [31:0] dst_addr_q, dst_stride_q, bias_addr_q;
  logic [31:0] c_elem_q;  // c_offset / 4
  logic [15:0] rows_m1_q, cols_q, c_pitch_q, scale_q;  // rows - 1, not rows
  logic [15:0] rows_q;                                // rows (pass_rows' load)
  logic [4:0]  shift_q;
  // Bytes of one whole row (all cols), from the descriptor too: as int8_q's select it put
  // int8_q (fanout in the hundreds) in front of the hull's add and the pass order's compare
  // (FPGA timing; the same value: a_row_bytes_reg).
  logic [17:0] row_bytes_q;

  // The state is one-hot (st_q[S]: in state S): every decode outside the state logic (the
  // burst generators' starts, the window check's loads, the chunk pipeline's start, the
  // handshakes) is a flip-flop, not a compare that fans out to hundreds of loads, and each
  // flag's next value is an OR of a few branch conditions (FPGA timing; the same cycles).
  // state_q is its binary name, for the checks and the waves (a_state_flags: one-hot).
  localparam int NumStates = int'(StDone) + 1;
  localparam state_e BlockFirst = (CtrlPipe != 0) ? StSetup : StBlock;  // a block's first state
  function automatic logic [NumStates-1:0] go(state_e s);
    return NumStates'(1) << s;
  endfunction
  logic [NumStates-1:0] st_q, st_d;
  state_e               state_q, state_d;
  always_comb begin
    state_d = StIdle;
    for (int s = 0; s < NumStates; s++) begin
      if (st_d[s]) state_d = state_e'(s);
    end
  end
  always_ff @(posedge clk_i) begin
    if (!rst_ni) st_q <= go(StIdle);
    else         st_q <= st_d;
  end
  `ASSERT_ALWAYS(a_state_flags, clk_i, rst_ni, st_q == go(state_q),
                 "the state flags are not one-hot")
  logic   cmd_fire;
  assign sts_o.ready = st_q[StIdle];
  assign cmd_fire    = cmd_i.valid && sts_o.ready;
  assign sts_o.busy  = !st_q[StIdle];

  // The descriptor is loaded in every idle cycle, not only as it is taken: the last idle cycle
  // is the one that takes it, and nothing reads these registers while idle, so the command's
  // valid is not in front of ~300 load enables (FPGA timing; the same values in use).
  always_ff @(posedge clk_i) begin
    if (st_q[StIdle]) begin
      relu_q       <= desc.relu[0];
      bias_en_q    <= desc.bias_en[0];
      int8_q       <= desc.int8_out[0];
      dst_addr_q   <= desc.dst_addr;
      dst_stride_q <= desc.dst_stride;
      c_elem_q     <= 32'(desc.c_offset[23:2]);
      rows_m1_q    <= desc.rows - 16'd1;
      rows_q       <= desc.rows;
      cols_q       <= desc.cols;
      c_pitch_q    <= desc.c_pitch;
      bias_addr_q  <= desc.bias_addr;
      scale_q      <= desc.scale;
      shift_q      <= desc.shift;
      row_bytes_q  <= desc.int8_out[0] ? 18'(desc.cols) : {desc.cols, 2'b00};
    end
  end

  logic unused_desc;
  assign unused_desc = ^{desc.rsvd245, desc.rsvd176, desc.rsvd120, desc.rsvd19, desc.opcode,
                         desc.wait_mask, desc.signal_mask, desc.c_offset[1:0]};

  logic [17:0] row_bytes;
  logic [15:0] rows_m1;
  assign row_bytes = row_bytes_q;
  assign rows_m1   = rows_m1_q;
  `ASSERT_ALWAYS(a_row_bytes_reg, clk_i, rst_ni,
                 row_bytes_q == (int8_q ? 18'(cols_q) : {cols_q, 2'b00}),
                 "the registered row bytes disagree with the element size and columns")

  // ---------------------------------------------------------------- pre-pass
  logic [47:0] hull_prod_q;  // (rows-1) * stride
  logic [48:0] hull_len;     // ... + row_bytes: the hull's length
  logic        hull_fits;    // hull_len < 2^33: the one-window check of the hull counts
  logic [31:0] chk_addr_q, chk_addr_d;  // row by row: this row's start
  logic        chk_ovf_q, chk_ovf_d;    // ... which passed 2^32
  logic [15:0] chk_row_q, chk_row_d;
  logic        chk_last_q, chk_last_d;  // chk_row == rows - 1, kept beside it (a_chk_last)
  logic [32:0] chk_next;
  logic [31:0] wc_addr;
  logic [32:0] wc_len;
  logic        wc_write, wc_ok;
  logic        wc_pass, chk_decide;     // the verdict, and whether it is taken this cycle

  // The product is registered before the add: a multiply-add cone is slow to synthesize.
  // With CtrlPipe the sum is registered too, so the add and the window check's own add and
  // compares are in different cycles.
  // So is whether it fits (a_hull_fits): its compare leaves the path into the state.
  if (CtrlPipe != 0) begin : g_hull_len_q
    logic [48:0] hull_sum, hull_len_q;
    logic        hull_fits_q;
    assign hull_sum = 49'(hull_prod_q) + 49'(row_bytes);
    always_ff @(posedge clk_i) begin
      if (st_q[StChkLen]) begin
        hull_len_q  <= hull_sum;
        hull_fits_q <= hull_sum[48:33] == '0;
      end
    end
    assign hull_len  = hull_len_q;
    assign hull_fits = hull_fits_q;
    `ASSERT_ALWAYS(a_hull_fits, clk_i, rst_ni,
                   state_q != StChkHull || hull_fits_q == (hull_len[48:33] == '0),
                   "the registered hull-fits flag disagrees with the hull's length")
  end else begin : g_hull_len
    assign hull_len  = 49'(hull_prod_q) + 49'(row_bytes);
    assign hull_fits = hull_len[48:33] == '0;
  end
  assign chk_next = {1'b0, chk_addr_q} + {1'b0, dst_stride_q};

  always_comb begin
    wc_addr  = chk_addr_q;
    wc_len   = 33'(row_bytes);
    wc_write = 1'b1;
    if (st_q[StChkBias]) begin
      wc_addr  = bias_addr_q;
      wc_len   = {15'b0, cols_q, 2'b00};
      wc_write = 1'b0;
    end else if (st_q[StChkHull]) begin
      wc_addr = dst_addr_q;
      wc_len  = hull_len[32:0];
    end
  end

  // The checked range. Without CtrlPipe, the mux above into window_check (its add, then its
  // compares). With it, the range's start, end and emptiness are registers, loaded before each
  // check (the bias range with the command, the hull in StChkLen, row 0 as the hull's verdict
  // is taken, each next row as the last one's is), so the compares start from flip-flops, not
  // from the state, a mux and an add; a_wc_regs checks them against the mux and the add.
  //
  // The windows are registered here too: the compares start at flip-flops beside them, not at
  // the core's window registers, which reach every unit's checks (FPGA timing). A check sees
  // the windows of the cycle before (as the sequencer's own checks do); no cycle is added.
  if (CtrlPipe != 0) begin : g_wc_q
    luoshu_mem_pkg::win_t [NumWindows-1:0] win_q;
    logic [31:0] wc_addr_q;
    logic [33:0] wc_end_q, row0_end_q;  // row 0's end: dst_addr + row bytes
    logic        wc_empty_q, wc_write_q;
    logic        hull_empty_q, row_empty_q;  // no multiply or add before the emptiness
    always_ff @(posedge clk_i) begin
      win_q <= win_i;
      if (st_q[StIdle]) begin  // (loaded while idle, as the descriptor)
        row0_end_q <= 34'(desc.dst_addr) +
                      (desc.int8_out[0] ? 34'(desc.cols) : 34'({desc.cols, 2'b00}));
        // (rows - 1) * stride is 0 iff a factor is; the row bytes are 0 iff cols is
        hull_empty_q <= (desc.rows == 16'd1 || desc.dst_stride == '0) && desc.cols == '0;
        row_empty_q  <= desc.cols == '0;
      end
      if (st_q[StIdle]) begin
        wc_addr_q  <= desc.bias_addr;
        wc_end_q   <= 34'(desc.bias_addr) + 34'({desc.cols, 2'b00});
        wc_empty_q <= (desc.cols == '0);
        wc_write_q <= 1'b0;
      end else if (st_q[StChkLen]) begin
        // (the end is exact when the hull is below 2^33, the only case its verdict counts)
        wc_addr_q  <= dst_addr_q;
        wc_end_q   <= row0_end_q + 34'(hull_prod_q);
        wc_empty_q <= hull_empty_q;
        wc_write_q <= 1'b1;
      end else if (st_q[StChkHull] && chk_decide) begin
        wc_addr_q  <= dst_addr_q;
        wc_end_q   <= row0_end_q;
        wc_empty_q <= row_empty_q;
      end else if (st_q[StChkRows] && chk_decide) begin
        // (exact until a row's start passes 2^32, refused all the same: chk_ovf)
        wc_addr_q  <= chk_next[31:0];
        wc_end_q   <= wc_end_q + 34'(dst_stride_q);
      end
    end
    window_check_end #(.NumWindows(NumWindows)) u_window_check (
      .win_i   (win_q),
      .addr_i  (wc_addr_q),
      .end_i   (wc_end_q),
      .empty_i (wc_empty_q),
      .write_i (wc_write_q),
      .ok_o    (wc_ok)
    );
    `ASSERT_ALWAYS(a_wc_regs, clk_i, rst_ni,
                   !(state_q inside {StChkBias, StChkHull, StChkRows}) ||
                   (state_q == StChkRows && chk_ovf_q) ||
                   (state_q == StChkHull && hull_len[48:33] != '0) ||
                   (wc_addr_q == wc_addr && wc_write_q == wc_write &&
                    wc_empty_q == (wc_len == '0) &&
                    (wc_empty_q || wc_end_q == {2'b0, wc_addr} + {1'b0, wc_len})),
                   "the registered window-check range disagrees with the one it replaces")
  end else begin : g_wc
    window_check #(.NumWindows(NumWindows)) u_window_check (
      .win_i,
      .addr_i  (wc_addr),
      .len_i   (wc_len),
      .write_i (wc_write),
      .ok_o    (wc_ok)
    );
  end

  // The verdict the state machine acts on, and whether it acts this cycle. With CtrlPipe a
  // check takes two cycles: the window check into a register, then the decision, so the
  // check's adds and compares and the state logic behind it are in different cycles.
  window_verdict #(.Pipe(CtrlPipe)) u_chk_verdict (
    .clk_i,
    .rst_ni,
    .ok_i      (wc_ok),
    .checking_i(st_q[StChkBias] || st_q[StChkHull] || st_q[StChkRows]),
    .pass_o    (wc_pass),
    .decide_o  (chk_decide)
  );

  always_comb begin
    chk_addr_d = chk_addr_q;
    chk_ovf_d  = chk_ovf_q;
    chk_row_d  = chk_row_q;
    if (st_q[StChkHull]) begin
      chk_addr_d = dst_addr_q;
      chk_ovf_d  = 1'b0;
      chk_row_d  = '0;
    end else if (st_q[StChkRows] && chk_decide) begin
      chk_addr_d = chk_next[31:0];
      chk_ovf_d  = chk_ovf_q || chk_next[32];
      chk_row_d  = chk_row_q + 16'd1;
    end
    // (the compares from registers, the verdict only choosing: the add and compare behind it
    // were one path into chk_last_q; FPGA timing, the same values in StChkRows: a_chk_last)
    chk_last_d = chk_last_q;
    if (st_q[StChkHull])                    chk_last_d = (rows_m1 == '0);
    else if (st_q[StChkRows] && chk_decide) chk_last_d = (chk_row_q + 16'd1 == rows_m1);
  end

  // (rows - 1) * stride. With CtrlPipe in the two cycles of StChkBias (its verdict's
  // register makes it two): the two 16 x 16 products of the stride's halves into registers,
  // then their sum, so a multiplier and a wide add are in different cycles (a_hull_prod).
  //
  // The multipliers take the row count from a register of their own, rows itself (rows - 1
  // + 1, 17 bits, so rows = 0 is 2^16 as rows - 1 wraps), loaded with the descriptor: rows_m1_q
  // has other loads, and the path from it through the multiplier was over 10 ns (FPGA timing).
  // The stride taken off again rides in the sum's carry-save add (one LUT before its chain).
  if (CtrlPipe != 0) begin : g_hull_prod_q
    logic [16:0] mul_rows_q;
    logic [31:0] prod_lo_q, prod_hi_q;  // (below 2^32: a 17-bit factor at most 2^16)
    logic [47:0] sum_a, sum_b, sum_c, sum_s, sum_cy;  // lo + hi * 2^16 - stride
    always_ff @(posedge clk_i) begin
      if (st_q[StIdle]) mul_rows_q <= {desc.rows == '0, desc.rows};
    end
    assign sum_a  = 48'(prod_lo_q);
    assign sum_b  = {prod_hi_q, 16'b0};
    assign sum_c  = ~48'(dst_stride_q);                   // - stride = ~stride + 1
    assign sum_s  = sum_a ^ sum_b ^ sum_c;
    assign sum_cy = {(sum_a[46:0] & sum_b[46:0]) | (sum_a[46:0] & sum_c[46:0]) |
                     (sum_b[46:0] & sum_c[46:0]), 1'b1};  // (the + 1 as bit 0)
    always_ff @(posedge clk_i) begin
      if (st_q[StChkBias]) begin
        prod_lo_q   <= 32'(mul_rows_q) * 32'(dst_stride_q[15:0]);
        prod_hi_q   <= 32'(mul_rows_q) * 32'(dst_stride_q[31:16]);
        hull_prod_q <= sum_s + sum_cy;
      end
    end
    `ASSERT_ALWAYS(a_hull_prod, clk_i, rst_ni,
                   state_q != StChkLen || hull_prod_q == 48'(rows_m1) * 48'(dst_stride_q),
                   "the hull's product, summed from its halves, is not (rows - 1) * stride")
  end else begin : g_hull_prod
    always_ff @(posedge clk_i) begin
      if (st_q[StChkBias]) hull_prod_q <= 48'(rows_m1) * 48'(dst_stride_q);
    end
  end

  always_ff @(posedge clk_i) begin
    chk_addr_q <= chk_addr_d;
    chk_ovf_q  <= chk_ovf_d;
    chk_row_q  <= chk_row_d;
    chk_last_q <= chk_last_d;
  end

  // ---------------------------------------------------------------- column blocks
  logic [15:0]     cb_q, cb_d;      // first column of the block
  logic [15:0]     nb_q, nb_new, nb_new_c;  // columns in the block; of the next block
  // cols - cb, kept beside cb (a_cols_left): the subtract and the compare behind it were one
  // path into the burst generators' row length (FPGA timing)
  logic [15:0]     cols_left_q, cols_left_d;
  logic [17:0]     cb_bytes;        // cb * esize
  logic [17:0]     blk_bytes, blk_bytes_c;  // nb_new * esize
  logic [31:0]     aw_start, aw_start_c;    // the block's first byte in row 0
  // Without bias the whole row is one block.
  assign nb_new_c    = (bias_en_q && cols_left_q > 16'(BiasCols)) ? 16'(BiasCols) : cols_left_q;
  assign cb_bytes    = int8_q ? 18'(cb_q) : {cb_q, 2'b00};
  assign blk_bytes_c = int8_q ? 18'(nb_new_c) : {nb_new_c, 2'b00};

  // Passes: normally one pass stores every row, block after block. If rows overlap in memory
  // (dst_stride < row bytes) and there are several blocks, that order would let a later block
  // of row r overwrite row r+1's earlier block; then each pass is one row (every block of it,
  // re-reading the bias), so rows land in order as in the model.
  logic        row_major, row_major_c;
  logic [15:0] pass_row_q, pass_row_d;   // the pass's first row
  logic [15:0] pass_last, pass_last_c;   // its last row within the pass
  logic [15:0] pass_rows;                // pass_last + 1, the AW generator's row count
  logic [31:0] pass_dst_q, pass_dst_d;   // its first row's dst address
  logic [31:0] pass_elem_q, pass_elem_d; // ... and L0C element
  logic        more_blocks, more_passes;
  assign aw_start_c  = pass_dst_q + 32'(cb_bytes);
  assign row_major_c = bias_en_q && (cols_q > 16'(BiasCols)) &&
                       (dst_stride_q < 32'(row_bytes));
  assign pass_last_c = row_major_c ? 16'd0 : rows_m1;
  // Both from flip-flops: the fields they compare are held from cmd_fire on and first used in
  // StBlock, at least two cycles later (a_row_major), so the compares leave the paths into the
  // chunk pipeline's busy flag and the burst generators' start (FPGA timing).
  // (pass_rows too: its add and zero test were one path into the AW generator's busy flag;
  // loaded from rows itself, not pass_last_c + 1, so no add follows the stride compare)
  always_ff @(posedge clk_i) begin
    row_major <= row_major_c;
    pass_last <= pass_last_c;
    pass_rows <= row_major_c ? 16'd1 : rows_q;
  end
  // Whether another block or pass follows, registered when the block starts (StBlock): cb_q,
  // nb_q and the pass's row stay put until its StStore is over, so the flags equal the sum and
  // compares they replace there (a_more_blocks_reg) and the StStore decision starts from
  // flip-flops. cb + nb < cols is cols - cb > BiasCols with bias (nb is then BiasCols or all
  // columns left), never without.
  logic more_blocks_q, more_passes_q;
  always_ff @(posedge clk_i) begin
    if (st_q[StBlock]) begin
      more_blocks_q <= bias_en_q && (cols_left_q > 16'(BiasCols));
      more_passes_q <= row_major && (pass_row_q != rows_m1);
    end
  end
  assign more_blocks = more_blocks_q;
  assign more_passes = more_passes_q;

  // ---------------------------------------------------------------- bias read
  logic                 ar_valid, r_fire;
  logic [15:0]          r_cnt_q, r_cnt_d;  // beats received in this block
  logic [15:0]          r_total_q, r_total_c;  // beats owed in this block
  logic                 r_all_q, r_all_d;      // r_cnt == r_total, kept beside them (a_r_all)
  logic [OffW-1:0]      r_end_off_q; // valid bytes in the last beat (0 = all)
  logic                 r_err_q, b_err_q;
  logic                 bflush_q;    // the last sram row still has to be written
  logic [Lanes-1:0][31:0] r_words, r_rot, bias_held_q, bias_wdata;
  logic                 bias_we;
  logic [BiasRowW-1:0]  bias_waddr;
  logic [OffW-1:0]      bias_wo;     // word offset of the bias within its beat
  logic [31:0]          bias_start, bias_start_c;  // below 2^32: the pre-pass checked it
  logic [15:0]          bias_rows;   // sram rows of this block

  assign bias_start_c = bias_addr_q + 32'({cb_q, 2'b00});
  // A block's start values: with CtrlPipe registered in StSetup (cb_q is stable from there on),
  // so their arithmetic and the burst generators' first-burst arithmetic at the start are in
  // different cycles.
  if (CtrlPipe != 0) begin : g_setup_q
    always_ff @(posedge clk_i) begin
      if (st_q[StSetup]) begin
        nb_new     <= nb_new_c;
        blk_bytes  <= blk_bytes_c;
        aw_start   <= aw_start_c;
        bias_start <= bias_start_c;
      end
    end
  end else begin : g_setup
    assign nb_new     = nb_new_c;
    assign blk_bytes  = blk_bytes_c;
    assign aw_start   = aw_start_c;
    assign bias_start = bias_start_c;
  end
  // The block's bias, [bias_start, + 4 nb): one row.
  logic [8:0] unused_ar_beats;
  logic       unused_ar_row_last;
  burst_gen #(.BeatBytes(BeatBytes), .LenW(18)) u_ar_gen (
    .clk_i,
    .rst_ni,
    .start_i         (st_q[StBlock] && bias_en_q),
    .addr_i          (bias_start),
    .row_bytes_i     ({nb_new, 2'b00}),
    .rows_i          (16'd1),
    .stride_i        (32'd0),
    .burst_valid_o   (ar_valid),
    .burst_ready_i   (st_q[StBias] && mem_rd_rsp_i.ar_ready),
    .burst_addr_o    (mem_rd_req_o.ar_addr),
    .burst_len_o     (mem_rd_req_o.ar_len),
    .burst_beats_o   (unused_ar_beats),
    .burst_row_last_o(unused_ar_row_last)
  );
  assign mem_rd_req_o.ar_valid = st_q[StBias] && ar_valid;
  // CtrlPipe: R from a two-entry register slice (spill_register, as MTE-in's), so the beat's
  // valid and R's ready are flip-flops of this unit: the memory slice's R valid, from another
  // unit's flip-flop, and the state flag that was R's ready stood in front of the bias banks'
  // write enable and address (FPGA timing). Without it, R is taken in StBias.
  logic                   r_valid, r_err, r_last;
  logic [BeatBytes*8-1:0] r_data;
  spill_register #(.Width(BeatBytes * 8 + 2), .Bypass(CtrlPipe == 0 ? 1 : 0)) u_r_slice (
    .clk_i,
    .rst_ni,
    .in_valid_i (mem_rd_rsp_i.r_valid),
    .in_ready_o (mem_r_ready_o),
    .in_data_i  ({mem_rd_rsp_i.r_data, mem_rd_rsp_i.r_last, mem_rd_rsp_i.r_err}),
    .out_valid_o(r_valid),
    .out_ready_i(st_q[StBias]),
    .out_data_o ({r_data, r_last, r_err})
  );
  assign r_fire         = r_valid && st_q[StBias];

  // 4 * cb is a multiple of BeatBytes (BiasCols is a multiple of Lanes), so every block's bias
  // starts at the same word offset within its beat.
  assign bias_wo   = bias_addr_q[OffW-1:0] >> 2;
  assign r_total_c = 16'((32'(bias_start[OffW-1:0]) + 32'({nb_new, 2'b00}) + BeatBytes - 1) >>
                         OffW);
  assign bias_rows = 16'((32'(nb_q) + Lanes - 1) / Lanes);
  assign r_words   = r_data;

  // Realign by the word offset o: rot[m] = word (m + o) mod Lanes of the beat. Bias row k is
  // beat k's words o.. (rot[m], m < Lanes - o) then beat k+1's words ..o-1 (rot[m] above).
  always_comb begin
    for (int m = 0; m < Lanes; m++) begin
      r_rot[m] = r_words[(m + int'(bias_wo)) % Lanes];
    end
  end

  always_comb begin
    bias_we    = 1'b0;
    bias_waddr = BiasRowW'(r_cnt_q);
    for (int m = 0; m < Lanes; m++) begin
      bias_wdata[m] = (m < Lanes - int'(bias_wo)) ? bias_held_q[m] : r_rot[m];
    end
    if (bflush_q) begin
      bias_we    = 1'b1;
      bias_waddr = BiasRowW'(r_total_q - 16'd1);
    end else if (r_fire) begin
      if (bias_wo == '0) begin
        bias_we    = 1'b1;
        bias_wdata = r_words;
      end else if (r_cnt_q != '0) begin
        bias_we    = 1'b1;
        bias_waddr = BiasRowW'(r_cnt_q - 16'd1);
      end
    end
  end

  // Bias payload bytes of an R beat: the first starts at the bias offset, the last may be short.
  logic [CntW-1:0] r_hi, r_lo;
  assign r_hi = (r_cnt_q == r_total_q - 16'd1 && r_end_off_q != '0) ? CntW'(r_end_off_q)
                                                                    : CntW'(BeatBytes);
  assign r_lo = (r_cnt_q == '0) ? CntW'(bias_start[OffW-1:0]) : '0;
  // The same from registers: whether the next beat is the block's first or last, set up in
  // StBlock with the bytes of a first, a last and a lone beat, so the beat only selects
  // (a_r_bytes_regs): the count's compares and the subtract were one path (FPGA timing).
  logic            r_first_q, r_last_q;  // r_cnt == 0; r_cnt == r_total - 1
  logic [CntW-1:0] rb_first_q, rb_last_q, rb_lone_q;
  logic [OffW-1:0] r_end_off_c;
  logic [CntW-1:0] rb_last_c, r_bytes;
  assign r_end_off_c = bias_start[OffW-1:0] + OffW'({nb_new, 2'b00});
  assign rb_last_c   = (r_end_off_c != '0) ? CntW'(r_end_off_c) : CntW'(BeatBytes);
  always_ff @(posedge clk_i) begin
    if (st_q[StBlock]) begin
      r_first_q  <= 1'b1;
      r_last_q   <= (r_total_c == 16'd1);
      rb_first_q <= CntW'(BeatBytes) - CntW'(bias_start[OffW-1:0]);
      rb_last_q  <= rb_last_c;
      rb_lone_q  <= rb_last_c - CntW'(bias_start[OffW-1:0]);
    end else if (r_fire) begin
      r_first_q  <= 1'b0;
      r_last_q   <= (r_cnt_q + 16'd2 == r_total_q);
    end
  end
  assign r_bytes = r_first_q ? (r_last_q ? rb_lone_q : rb_first_q)
                             : (r_last_q ? rb_last_q : CntW'(BeatBytes));
  `ASSERT_ALWAYS(a_r_bytes_regs, clk_i, rst_ni,
                 state_q != StBias || (r_first_q == (r_cnt_q == '0) &&
                                       r_last_q == (r_cnt_q == r_total_q - 16'd1) &&
                                       (r_cnt_q == r_total_q || r_bytes == r_hi - r_lo)),
                 "the registered bias beat flags or bytes disagree with the beat count")
  // A cycle on, from a register (as the vector unit's): the core's sum of the units' counts
  // is another path (FPGA timing). Done comes cycles after the last bias beat.
  always_ff @(posedge clk_i) begin
    if (!rst_ni) rd_bytes_o <= '0;
    else rd_bytes_o <= (r_fire && !r_err) ? r_bytes : '0;
  end

  logic unused_r;
  assign unused_r = r_last;  // beats are counted, not framed

  // ---------------------------------------------------------------- AW generator
  logic        aw_busy, aw_open, aw_row_last;
  logic [8:0]  aw_beats;
  logic        aw_fire, wb_in_ready, wb_valid, w_fire;
  logic [7:0]  wb_len, w_cnt_q;
  logic [OutstandingW-1:0] b_owed_q;

  // The block's columns of every row of the pass. An AW may go out in StStore with room in
  // the W framing FIFO and a B credit: a flip-flop loaded from the next state and the next
  // FIFO and B counts (a_aw_open_reg), so the generator's accept and the loads behind it
  // start there (FPGA timing; the same cycles).
  logic aw_open_q;
  assign aw_open = aw_open_q;
  burst_gen #(.BeatBytes(BeatBytes), .LenW(18)) u_aw_gen (
    .clk_i,
    .rst_ni,
    .start_i         (st_q[StBlock]),
    .addr_i          (aw_start),
    .row_bytes_i     (blk_bytes),
    .rows_i          (pass_rows),
    .stride_i        (dst_stride_q),
    .burst_valid_o   (aw_busy),
    .burst_ready_i   (aw_open && mem_wr_rsp_i.aw_ready),
    .burst_addr_o    (mem_wr_req_o.aw_addr),
    .burst_len_o     (mem_wr_req_o.aw_len),
    .burst_beats_o   (aw_beats),
    .burst_row_last_o(aw_row_last)
  );
  assign mem_wr_req_o.aw_valid = aw_open && aw_busy;
  assign aw_fire        = mem_wr_req_o.aw_valid && mem_wr_rsp_i.aw_ready;

  // W framing: the length of every burst the memory has taken, in order.
  logic [$clog2(WbDepth+1)-1:0] wb_count;
  stream_fifo #(.Depth(WbDepth), .Width(8)) u_wb_fifo (
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

  assign mem_b_ready_o = 1'b1;

  // ---------------------------------------------------------------- chunk pipeline
  logic [31:0]          d_rbase_q, d_rbase_d;  // element address of the row's start
  logic [31:0]          d_elem_q, d_elem_d;    // ... and of the chunk's
  logic [15:0]          d_rem_q, d_rem_d;      // elements left in this row
  logic [BiasRowW-1:0]  d_j_q, d_j_d;          // chunk index in the block
  logic [OffW-1:0]      d_roff_q, d_roff_d;    // destination offset of the row within its beat
  logic [OffW-1:0]      d_off_q, d_off_d;      // ... and of the chunk
  logic [15:0]          d_row_q, d_row_d;
  // d_row == pass_last, kept beside d_row (a_d_row_last): the 16-bit compare left the path
  // from the L0C grant to the read request and busy flag (FPGA timing; the same cycles)
  logic                 d_row_last_q, d_row_last_d;
  logic                 d_busy_q, d_busy_d;
  logic                 d_last, d_fire;
  logic                 d_last_q, d_last_d;        // d_rem <= d_chunk, kept beside d_rem
  logic                 nb_one_chunk_q;            // nb <= d_chunk: a row of the block is one chunk
  logic [LaneCntW-1:0]  d_chunk, d_nvalid;      // elements of a full chunk; of this one
  logic [31:0]          d_next_rbase;
  logic [OffW-1:0]      d_next_roff;

  // Framing of the chunk whose L0C data arrives now (p1) and of the epilogue's output (p2).
  logic                 p1_valid_q, epi_valid;
  logic [$clog2(EpiloguePipe+2)-1:0] epi_busy;  // chunks inside the epilogue's extra stages
  logic [FrameW-1:0]    p1_frame_q, p2_frame;  // frame_of the chunk
  logic [BankSelW-1:0]  p1_bank_q;  // int32: the bank that holds the chunk's bias

  logic                 ck_in_ready, ck_valid, ck_ready;
  logic [$clog2(ChunkDepth+1)-1:0] ck_count;
  chunk_t               ck_in, ck;

  // Copies of int8_q for the chunk's framing (p1) and the bias read, each loaded in its own
  // state of the command's checks (so Yosys keeps them apart): int8_q's fanout was most of
  // the path into the epilogue's tag and bias (FPGA timing; the same values from the first
  // block on: a_int8_copies).
  logic fr_int8_q, bias_int8_q;
  always_ff @(posedge clk_i) begin
    if (st_q[StChkBias]) fr_int8_q <= int8_q;
    if (st_q[StChkHull]) bias_int8_q <= int8_q;
  end
  `ASSERT_ALWAYS(a_int8_copies, clk_i, rst_ni,
                 !(state_q inside {StSetup, StBlock, StBias, StStore}) ||
                 (fr_int8_q == int8_q && bias_int8_q == int8_q),
                 "a copy of the int8 flag disagrees with it")
  assign d_chunk      = int8_q ? LaneCntW'(Int8Lanes) : LaneCntW'(Lanes);
  // The row's last chunk from a flag (a_d_last): the compare left the path from the L0C grant
  // to the chunk registers (FPGA timing; the same cycles).
  assign d_last       = d_last_q;
  assign d_nvalid     = d_last ? LaneCntW'(d_rem_q) : d_chunk;
  assign d_next_rbase = d_rbase_q + 32'(c_pitch_q);
  assign d_next_roff  = d_roff_q + dst_stride_q[OffW-1:0];
  // Chunks read from L0C and not yet taken out of the chunk FIFO (in the L0C read, the
  // epilogue, the FIFO), counted rather than summed from each stage, and the room for one more
  // registered: the sum and compare stay off the read request's path. The room's next value
  // is chosen by the read and the pop among flags of held_q (room now, room for two), not
  // compared after the add, and the read request is a flip-flop loaded from the next state:
  // the grant (behind the cube's valid in the core's L0C arbitration) meets one select before
  // room_q, and the L0C read enable starts at a flip-flop (FPGA timing; the same cycles:
  // a_room, a_l0c_req_reg).
  logic [$clog2(ChunkDepth+1)-1:0] held_q, held_d;
  logic                            room_q, room_d, room2, ck_pop, rd_req_q;
  assign ck_pop = ck_valid && ck_ready;
  assign held_d = held_q + $bits(held_q)'(d_fire) - $bits(held_q)'(ck_pop);
  assign room2  = 32'(held_q) < ChunkDepth - 1;
  always_comb begin
    unique case ({d_fire, ck_pop})
      2'b10:   room_d = room2;
      2'b01:   room_d = 1'b1;  // (held_q <= ChunkDepth: a_held_counts_stages, a_chunk_room)
      default: room_d = room_q;
    endcase
  end
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      held_q   <= '0;
      room_q   <= 1'b1;
      rd_req_q <= 1'b0;
    end else begin
      held_q   <= held_d;
      room_q   <= room_d;
      rd_req_q <= st_d[StStore] && d_busy_d && room_d;
    end
  end
  assign l0c_rd_req_o = rd_req_q;
  `ASSERT_ALWAYS(a_room, clk_i, rst_ni, room_q == (32'(held_q) < ChunkDepth),
                 "the registered room flag disagrees with the chunks held")
  `ASSERT_ALWAYS(a_l0c_req_reg, clk_i, rst_ni,
                 rd_req_q == (st_q[StStore] && d_busy_q && room_q),
                 "the registered L0C read request disagrees with the state, busy and room flags")
  assign l0c_raddr_o  = d_elem_q[CAddrW-1:0];
  assign d_fire       = l0c_rd_req_o && l0c_rd_gnt_i;

  // The chunk whose L0C data arrives next cycle (pd): the one read now, or with L0cReadPipe
  // the one read last cycle, its framing held in p0 meanwhile.
  logic                 pd_fire, pd_last;
  logic [BiasRowW-1:0]  pd_j;
  logic [LaneCntW-1:0]  pd_nvalid;
  logic [OffW-1:0]      pd_off;
  if (L0cReadPipe != 0) begin : g_p0
    logic                p0_valid_q, p0_last_q;
    logic [BiasRowW-1:0] p0_j_q;
    logic [LaneCntW-1:0] p0_nvalid_q;
    logic [OffW-1:0]     p0_off_q;
    always_ff @(posedge clk_i) begin
      if (!rst_ni) p0_valid_q <= 1'b0;
      else p0_valid_q <= d_fire;
    end
    always_ff @(posedge clk_i) begin
      if (d_fire) begin
        p0_j_q      <= d_j_q;
        p0_nvalid_q <= d_nvalid;
        p0_off_q    <= d_off_q;
        p0_last_q   <= d_last;
      end
    end
    assign pd_fire   = p0_valid_q;
    assign pd_j      = p0_j_q;
    assign pd_nvalid = p0_nvalid_q;
    assign pd_off    = p0_off_q;
    assign pd_last   = p0_last_q;
  end else begin : g_p0_none
    assign pd_fire   = d_fire;
    assign pd_j      = d_j_q;
    assign pd_nvalid = d_nvalid;
    assign pd_off    = d_off_q;
    assign pd_last   = d_last;
  end

  // Bias row k (Lanes words) is in bank k mod Banks at k / Banks: int8 chunk j is row j of
  // every bank, int32 chunk j is one bank's row. Read beside the chunk's L0C data (pd).
  logic [Banks-1:0][Lanes-1:0][31:0] bank_rdata;
  logic [BankRowW-1:0]               bank_raddr;
  assign bank_raddr = bias_int8_q ? BankRowW'(pd_j) : BankRowW'(32'(pd_j) / Banks);
  // The banks' write. With CtrlPipe it comes from registers a cycle later: the beat count's
  // compares, the row's bank select and the realignment were one path into every bank's write
  // enable (fanout 128; 1,232 endpoints over 10 ns in the small SoC). No cycle is lost: the
  // last row lands on the edge that ends StBias, before StStore's first bias read.
  logic [Banks-1:0]       bank_we_c, bank_we;
  logic [BankRowW-1:0]    bank_waddr;
  logic [Lanes-1:0][31:0] bank_wdata;
  for (genvar b = 0; b < Banks; b++) begin : g_bank_we
    assign bank_we_c[b] = bias_we && (32'(bias_waddr) % Banks == b);
  end
  if (CtrlPipe != 0) begin : g_bias_wr_q
    always_ff @(posedge clk_i) begin
      if (!rst_ni) bank_we <= '0;
      else         bank_we <= bank_we_c;
    end
    always_ff @(posedge clk_i) begin
      bank_waddr <= BankRowW'(32'(bias_waddr) / Banks);
      bank_wdata <= bias_wdata;
    end
    // The late write must never meet a read of the bias (StStore reads, StBias writes).
    `ASSERT_ALWAYS(a_bias_wr_before_rd, clk_i, rst_ni, !(bank_we != '0 && pd_fire && bias_en_q),
                   "mte_out: a registered bias write met a bias read")
  end else begin : g_bias_wr
    assign bank_we    = bank_we_c;
    assign bank_waddr = BankRowW'(32'(bias_waddr) / Banks);
    assign bank_wdata = bias_wdata;
  end
  for (genvar b = 0; b < Banks; b++) begin : g_bias_bank
    sram #(.Words(BankRows), .Width(Lanes * 32)) u_bias (
      .clk_i,
      .rst_ni,
      .we_i    (bank_we[b]),
      .waddr_i (bank_waddr),
      .wdata_i (bank_wdata),
      .re_i    (pd_fire && bias_en_q),
      .raddr_i (bank_raddr),
      .rdata_o (bank_rdata[b])
    );
  end

  logic [Int8Lanes-1:0][31:0] epi_bias, epi_x;
  logic [Int8Lanes-1:0][7:0]  epi_q;
  always_comb begin
    epi_bias = bank_rdata;
    if (!bias_int8_q) epi_bias[Lanes-1:0] = bank_rdata[p1_bank_q];
  end

  // The p1 framing travels through the epilogue beside its data and comes out as p2.
  epilogue #(.Lanes(Int8Lanes), .Pipe(EpiloguePipe), .TagW(FrameW)) u_epilogue (
    .clk_i,
    .rst_ni,
    .valid_i   (p1_valid_q),
    .c_i       (l0c_rdata_i[Int8Lanes-1:0]),
    .bias_i    (epi_bias),
    .bias_en_i (bias_en_q),
    .relu_i    (relu_q),
    .scale_i   (scale_q),
    .shift_i   (shift_q),
    .tag_i     (p1_frame_q),
    .busy_o    (epi_busy),
    .valid_o   (epi_valid),
    .tag_o     (p2_frame),
    .x_o       (epi_x),
    .q_o       (epi_q)
  );

  if (Dim > Int8Lanes) begin : g_unused_lanes
    logic unused_lanes;
    assign unused_lanes = ^l0c_rdata_i[Dim-1:Int8Lanes];
  end
  if (Int8Lanes > Lanes) begin : g_unused_x
    logic unused_x;  // int32 out uses Lanes of the epilogue's lanes
    assign unused_x = ^epi_x[Int8Lanes-1:Lanes];
  end

  // The data's int8/int32 select from a copy of int8_q beside the FIFO (its own D, so Yosys
  // keeps it apart): int8_q is held through the STORE, and a chunk leaves the epilogue cycles
  // after the command is taken (a_chunk_frame).
  logic ck_int8_q;
  always_ff @(posedge clk_i) ck_int8_q <= int8_q;
  always_comb begin
    ck_in              = '0;
    ck_in[FrameW-1:0]  = p2_frame;
    if (ck_int8_q) ck_in.data[Int8Lanes-1:0] = epi_q;
    else ck_in.data = epi_x[Lanes-1:0];
  end

  // The framing fields (below the data in chunk_t) come from a head register (same cycles):
  // the realigner's strobes start there, not at a distributed-RAM read (docs/fpga.md). With
  // CtrlPipe the data too, so the realigner's shift and merge into its beat registers start
  // at flip-flops (FPGA timing; the same cycles).
  localparam int ChunkHeadW = (CtrlPipe != 0) ? ChunkW : ChunkW - BeatBytes * 8;
  stream_fifo #(.Depth(ChunkDepth), .Width(ChunkW), .HeadReg(1), .HeadLsb(0),
                .HeadW(ChunkHeadW)) u_chunk_fifo (
    .clk_i,
    .rst_ni,
    .in_valid_i  (epi_valid),
    .in_ready_o  (ck_in_ready),
    .in_data_i   (ck_in),
    .out_valid_o (ck_valid),
    .out_ready_i (ck_ready),
    .out_data_o  (ck),
    .count_o     (ck_count)
  );

  // ---------------------------------------------------------------- realigner, W
  // With CtrlPipe a skid register behind the realigner's beat: the W ready (a flip-flop in
  // the core's memory slice) then reaches one flag, not the beat registers' enables.
  logic rl_busy, rl_valid;
  realigner #(.BeatBytes(BeatBytes), .OutSkid(CtrlPipe)) u_realigner (
    .clk_i,
    .rst_ni,
    .in_valid_i  (ck_valid),
    .in_ready_o  (ck_ready),
    .in_data_i   (ck.data),
    .in_nbytes_i (ck.nbytes),
    .in_off_i    (ck.off),
    .in_last_i   (ck.last),
    .in_fills_i  (ck.fills),
    .in_spills_i (ck.spills),
    .in_strb_i   (ck.strb),
    .out_valid_o (rl_valid),
    .out_ready_i (wb_valid && mem_wr_rsp_i.w_ready),
    .out_data_o  (mem_wr_req_o.w_data),
    .out_strb_o  (mem_wr_req_o.w_strb),
    .busy_o      (rl_busy)
  );

  // A W beat leaves only behind its burst's AW (the framing FIFO holds the burst's length).
  assign mem_wr_req_o.w_valid = rl_valid && wb_valid;
  assign mem_wr_req_o.w_last  = (w_cnt_q == wb_len);
  assign w_fire        = mem_wr_req_o.w_valid && mem_wr_rsp_i.w_ready;

  always_comb begin
    wr_bytes_o = '0;
    if (w_fire) begin
      for (int i = 0; i < BeatBytes; i++) wr_bytes_o = wr_bytes_o + CntW'(mem_wr_req_o.w_strb[i]);
    end
  end

  // ---------------------------------------------------------------- control
  logic [luoshu_isa_pkg::FaultW-1:0] fault_q, fault_d;
  assign sts_o.done  = st_q[StDone];
  assign sts_o.fault = fault_q;
  logic blk_idle, blk_done;
  assign blk_idle = !aw_busy && !d_busy_q && !pd_fire && !p1_valid_q && (epi_busy == '0) &&
                    !epi_valid &&
                    !ck_valid && !rl_busy;
  // Whether StStore's block is over. With CtrlPipe the idle flags are registered first, so the
  // AND of eight units' flags leaves the path into the next pass's registers and the state
  // (FPGA timing), one cycle per block: in StStore nothing starts, so idle stays idle, and the
  // register is clear on entry (it held StBlock's or StBias's cycle).
  if (CtrlPipe != 0) begin : g_blk_done_q
    logic blk_done_q;
    always_ff @(posedge clk_i) begin
      if (!rst_ni) blk_done_q <= 1'b0;
      else         blk_done_q <= st_q[StStore] && blk_idle;
    end
    assign blk_done = blk_done_q;
    `ASSERT_ALWAYS(a_blk_done_idle, clk_i, rst_ni, !blk_done_q || blk_idle,
                   "the block went busy again after it was idle in StStore")
  end else begin : g_blk_done
    assign blk_done = blk_idle;
  end

  always_comb begin
    st_d        = st_q;
    cb_d        = cb_q;
    cols_left_d = cols_left_q;
    fault_d     = fault_q;
    unique case (1'b1)
      st_q[StIdle]: begin
        fault_d = luoshu_isa_pkg::FaultNone;
        if (cmd_fire) st_d = go(StChkBias);
      end
      st_q[StChkBias]: begin
        if (!chk_decide) begin
          st_d = go(StChkBias);
        end else if (bias_en_q && !wc_pass) begin
          st_d = go(StDone);
          fault_d = luoshu_isa_pkg::FaultAccess;
        end else begin
          st_d = go((CtrlPipe != 0) ? StChkLen : StChkHull);
        end
      end
      st_q[StChkLen]: st_d = go(StChkHull);
      st_q[StChkHull]: begin
        cb_d        = '0;  // (the passes start here too: see the address registers)
        cols_left_d = cols_q;
        if (chk_decide) st_d = (hull_fits && wc_pass) ? go(BlockFirst) : go(StChkRows);
      end
      st_q[StChkRows]: begin
        if (!chk_decide) begin
          st_d = go(StChkRows);
        end else if (chk_ovf_q || !wc_pass) begin
          st_d = go(StDone);
          fault_d = luoshu_isa_pkg::FaultAccess;
        end else if (chk_last_q) begin
          st_d = go(BlockFirst);
        end
      end
      st_q[StSetup]: st_d = go(StBlock);
      st_q[StBlock]: st_d = bias_en_q ? go(StBias) : go(StStore);
      st_q[StBias]: begin
        if (r_all_q && !bflush_q) begin
          st_d = r_err_q ? go(StWaitB) : go(StStore);
        end
      end
      st_q[StStore]: begin
        if (blk_done) begin
          if (more_blocks && !b_err_q) begin
            cb_d        = cb_q + 16'(BiasCols);
            cols_left_d = cols_left_q - 16'(BiasCols);
            st_d        = go(BlockFirst);
          end else if (more_passes && !b_err_q) begin
            cb_d        = '0;
            cols_left_d = cols_q;
            st_d        = go(BlockFirst);
          end else begin
            st_d = go(StWaitB);
          end
        end
      end
      st_q[StWaitB]: begin
        if (b_owed_q == '0) begin
          st_d = go(StDone);
          fault_d = (r_err_q || b_err_q) ? luoshu_isa_pkg::FaultMemError
                                         : luoshu_isa_pkg::FaultNone;
        end
      end
      st_q[StDone]: st_d = go(StIdle);
      default: st_d = go(StIdle);
    endcase
  end

  // Counters and flags of the bias read, the W and B channels and the chunk pipeline.
  logic                    r_err_d, b_err_d, bflush_d;
  logic [OutstandingW-1:0] b_owed_d;
  logic [7:0]              w_cnt_d;
  always_comb begin
    r_err_d  = r_err_q;
    b_err_d  = b_err_q;
    if (cmd_fire) begin
      r_err_d = 1'b0;
      b_err_d = 1'b0;
    end
    if (r_fire && r_err) r_err_d = 1'b1;
    if (mem_wr_rsp_i.b_valid && mem_wr_rsp_i.b_err) b_err_d = 1'b1;
    b_owed_d = b_owed_q + OutstandingW'(aw_fire) - OutstandingW'(mem_wr_rsp_i.b_valid);
    w_cnt_d  = w_cnt_q;
    if (w_fire) w_cnt_d = mem_wr_req_o.w_last ? '0 : w_cnt_q + 8'd1;
    // The last sram row of a misaligned bias is written after the last beat.
    bflush_d = r_fire && (bias_wo != '0) && (r_cnt_q == r_total_q - 16'd1) &&
               (r_total_q == bias_rows);

    // The pass (row by row: one row; else every row) and the column block in it.
    pass_row_d  = pass_row_q;
    pass_dst_d  = pass_dst_q;
    pass_elem_d = pass_elem_q;
    if (st_q[StChkHull]) begin
      pass_row_d  = '0;
      pass_dst_d  = dst_addr_q;
      pass_elem_d = c_elem_q;
    end else if (st_q[StStore] && blk_done && !more_blocks) begin
      pass_row_d  = pass_row_q + 16'd1;
      pass_dst_d  = pass_dst_q + dst_stride_q;
      pass_elem_d = pass_elem_q + 32'(c_pitch_q);
    end
    r_cnt_d = r_cnt_q;
    if (st_q[StBlock]) r_cnt_d = '0;
    else if (r_fire) r_cnt_d = r_cnt_q + 16'd1;
    // (the compare from registers, the beat only choosing it)
    r_all_d = r_all_q;
    if (st_q[StBlock]) r_all_d = (r_total_c == '0);
    else if (r_fire)   r_all_d = (r_cnt_q == r_total_q - 16'd1);

    // Chunk pipeline: row 0 of the block, then chunk by chunk.
    d_busy_d  = d_busy_q;
    d_rbase_d = d_rbase_q;
    d_elem_d  = d_elem_q;
    d_rem_d   = d_rem_q;
    d_j_d     = d_j_q;
    d_roff_d  = d_roff_q;
    d_off_d   = d_off_q;
    d_row_d   = d_row_q;
    if (st_q[StBlock]) begin
      d_busy_d  = 1'b1;
      d_rbase_d = pass_elem_q + 32'(cb_q);
      d_elem_d  = pass_elem_q + 32'(cb_q);
      d_rem_d   = nb_new;
      d_j_d     = '0;
      d_roff_d  = pass_dst_q[OffW-1:0] + cb_bytes[OffW-1:0];
      d_off_d   = pass_dst_q[OffW-1:0] + cb_bytes[OffW-1:0];
      d_row_d   = '0;
    end else if (d_fire) begin
      if (d_last) begin
        if (d_row_last_q) d_busy_d = 1'b0;
        d_row_d   = d_row_q + 16'd1;
        d_rbase_d = d_next_rbase;
        d_elem_d  = d_next_rbase;
        d_rem_d   = nb_q;
        d_j_d     = '0;
        d_roff_d  = d_next_roff;
        d_off_d   = d_next_roff;
      end else begin
        d_rem_d  = d_rem_q - 16'(d_chunk);
        d_j_d    = d_j_q + BiasRowW'(1);
        d_elem_d = d_elem_q + 32'(d_chunk);
        // A full int32 chunk is one whole beat, and so is a full int8 chunk unless Dim is
        // below BeatBytes: then the offset moves by Int8Lanes.
        if (int8_q) d_off_d = d_off_q + OffW'(Int8Lanes);
      end
    end
    d_row_last_d = d_row_last_q;
    if (st_q[StBlock])           d_row_last_d = (pass_last == '0);
    else if (d_fire && d_last)   d_row_last_d = (d_row_q + 16'd1 == pass_last);
    // (from registers: the next row's length, or what this row has left beyond the chunk)
    d_last_d = d_last_q;
    if (st_q[StBlock]) d_last_d = (nb_new <= 16'(d_chunk));
    else if (d_fire)   d_last_d = d_last_q ? nb_one_chunk_q : (d_rem_q <= 16'({d_chunk, 1'b0}));
  end

  // The W FIFO's room and the B count's after this cycle, each a compare on the count now
  // picked by this cycle's AW and by the W last beat or B: the memory's W ready and B valid
  // (from the port's slices, across the core) meet a LUT, not a sum's carry chain and a
  // compare behind it (FPGA timing; a_aw_open_reg checks the opening against the counts).
  logic wb_dec, wb_room_d, b_room_d;
  assign wb_dec    = w_fire && mem_wr_req_o.w_last;
  assign wb_room_d = (aw_fire == wb_dec) ? (32'(wb_count) != WbDepth) :
                     aw_fire ? (32'(wb_count) != WbDepth - 1) : (32'(wb_count) != WbDepth + 1);
  assign b_room_d  = (aw_fire == mem_wr_rsp_i.b_valid) ? (b_owed_q != '1) :
                     aw_fire ? (b_owed_q != OutstandingW'((1 << OutstandingW) - 2)) :
                               (b_owed_q != '0);
  always_ff @(posedge clk_i) begin
    if (!rst_ni) aw_open_q <= 1'b0;
    else aw_open_q <= st_d[StStore] && wb_room_d && b_room_d;
  end
  `ASSERT_ALWAYS(a_aw_open_reg, clk_i, rst_ni,
                 aw_open_q == ((state_q == StStore) && wb_in_ready && (b_owed_q != '1)),
                 "the registered AW opening disagrees with the state, W FIFO and B count")

  // Control state (reset).
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q    <= StIdle;
      fault_q    <= luoshu_isa_pkg::FaultNone;
      d_busy_q   <= 1'b0;
      p1_valid_q <= 1'b0;
      bflush_q   <= 1'b0;
      r_err_q    <= 1'b0;
      b_err_q    <= 1'b0;
      b_owed_q   <= '0;
      w_cnt_q    <= '0;
    end else begin
      state_q    <= state_d;
      fault_q    <= fault_d;
      d_busy_q   <= d_busy_d;
      p1_valid_q <= pd_fire;
      bflush_q   <= bflush_d;
      r_err_q    <= r_err_d;
      b_err_q    <= b_err_d;
      b_owed_q   <= b_owed_d;
      w_cnt_q    <= w_cnt_d;
    end
  end

  // Address and counter registers: set up in StBlock (the pass in StChkHull) before use, so
  // not reset.
  always_ff @(posedge clk_i) begin
    cb_q        <= cb_d;
    cols_left_q <= cols_left_d;
    pass_row_q  <= pass_row_d;
    pass_dst_q  <= pass_dst_d;
    pass_elem_q <= pass_elem_d;
    r_cnt_q     <= r_cnt_d;
    r_all_q     <= r_all_d;
    d_rbase_q   <= d_rbase_d;
    d_elem_q    <= d_elem_d;
    d_rem_q     <= d_rem_d;
    d_last_q    <= d_last_d;
    d_j_q       <= d_j_d;
    d_roff_q    <= d_roff_d;
    d_off_q     <= d_off_d;
    d_row_q     <= d_row_d;
    d_row_last_q <= d_row_last_d;
  end

  // Captures (the enable style: each is loaded, never computed from itself): the block's
  // size and bias framing in StBlock, the previous bias beat, and the framing of the chunk
  // whose L0C data arrives now (p1; the epilogue carries it on as p2).
  always_ff @(posedge clk_i) begin
    if (st_q[StBlock]) begin
      nb_q           <= nb_new;
      nb_one_chunk_q <= (nb_new <= 16'(d_chunk));
      r_total_q      <= r_total_c;
      r_end_off_q    <= r_end_off_c;
    end
    if (r_fire) bias_held_q <= r_rot;
    if (pd_fire) begin
      p1_bank_q   <= BankSelW'(32'(pd_j) % Banks);
      p1_frame_q  <= frame_of(pd_nvalid, pd_off, pd_last, fr_int8_q);
    end
  end

  // ---------------------------------------------------------------- assertions
  `ASSERT_STREAM_STABLE(a_cmd_stable, clk_i, rst_ni, cmd_i.valid, sts_o.ready, cmd_i.desc)
  `LUOSHU_MEM_ASSERT_RD_STABLE(clk_i, rst_ni, mem_rd_req_o, mem_rd_rsp_i)
  `LUOSHU_MEM_ASSERT_WR_STABLE(clk_i, rst_ni, mem_wr_req_o, mem_wr_rsp_i)
  `ASSERT_STREAM_STABLE(a_l0c_stable, clk_i, rst_ni, l0c_rd_req_o, l0c_rd_gnt_i, l0c_raddr_o)
  `ASSERT_ALWAYS(a_held_counts_stages, clk_i, rst_ni,
                 32'(held_q) == 32'(ck_count) + 32'(p1_valid_q) + 32'(epi_busy) +
                                32'(epi_valid) + ((L0cReadPipe != 0) ? 32'(pd_fire) : 32'd0),
                 "the chunk count disagrees with the chunks in the L0C read, epilogue and FIFO")
  `ASSERT_ALWAYS(a_more_blocks_reg, clk_i, rst_ni,
                 state_q != StStore ||
                 (more_blocks == ({16'b0, cb_q} + 32'(nb_q) < 32'(cols_q)) &&
                  more_passes == (row_major && (pass_row_q != rows_m1))),
                 "the registered block and pass flags disagree with the sums they replace")
  // The flags the state decisions read instead of a 16-bit compare each.
  `ASSERT_ALWAYS(a_r_all, clk_i, rst_ni, state_q != StBias || r_all_q == (r_cnt_q == r_total_q),
                 "the registered all-beats-in flag disagrees with the bias beat count")
  `ASSERT_ALWAYS(a_chk_last, clk_i, rst_ni,
                 state_q != StChkRows || chk_last_q == (chk_row_q == rows_m1),
                 "the registered last-row flag disagrees with the row count")
  `ASSERT_ALWAYS(a_d_row_last, clk_i, rst_ni, !d_busy_q || d_row_last_q == (d_row_q == pass_last),
                 "the registered last-row flag of the chunk pipeline disagrees with its row count")
  `ASSERT_ALWAYS(a_d_last, clk_i, rst_ni, !d_busy_q || d_last_q == (d_rem_q <= 16'(d_chunk)),
                 "the registered last-chunk flag disagrees with the elements left")
  `ASSERT_ALWAYS(a_cols_left, clk_i, rst_ni,
                 !(state_q inside {StSetup, StBlock, StBias, StStore}) ||
                 cols_left_q == cols_q - cb_q,
                 "the registered columns left disagree with cols - cb")
  `ASSERT_ALWAYS(a_row_major, clk_i, rst_ni,
                 state_q == StIdle || state_q == StChkBias ||
                 (row_major == row_major_c && pass_last == pass_last_c &&
                  pass_rows == pass_last_c + 16'd1),
                 "the registered pass order disagrees with the descriptor's fields")
  // The chunk's framing made at p1 is what its element count and offset give now, with
  // int8_q as it is now (an int32 chunk's bytes are whole words).
  `ASSERT_ALWAYS(a_chunk_frame, clk_i, rst_ni,
                 !epi_valid ||
                 (ck_int8_q == int8_q && (int8_q || ck_in.nbytes[1:0] == '0) &&
                  p2_frame == frame_of(LaneCntW'(int8_q ? ck_in.nbytes : ck_in.nbytes >> 2),
                                       ck_in.off, ck_in.last, int8_q)),
                 "a chunk's framing disagrees with its element count and offset")
  `ASSERT_ALWAYS(a_chunk_room, clk_i, rst_ni, !epi_valid || ck_in_ready,
                 "chunk FIFO overflow: a read was issued without a credit")
  `ASSERT_ALWAYS(a_b_expected, clk_i, rst_ni, !mem_wr_rsp_i.b_valid || b_owed_q != '0,
                 "B response without an outstanding AW burst")
  `ASSERT_ALWAYS(a_r_expected, clk_i, rst_ni, !(mem_rd_rsp_i.r_valid || r_valid) ||
                 state_q == StBias,
                 "R beat outside the bias read")
  `ASSERT_ALWAYS(a_w_strobes, clk_i, rst_ni, !mem_wr_req_o.w_valid || mem_wr_req_o.w_strb != '0,
                 "W beat without strobes")

  // ---------------------------------------------------------------- cover points
  // Coverage build only. g_cov_epilogue[i]: data through the epilogue with
  // {int8_out, bias_en, relu} == i (all eight combinations); write bursts cut at a 4 KiB
  // boundary (< 256 beats) or at 256 beats with more of the row left; error responses to the
  // bias read and to the store's writes.
  for (genvar i = 0; i < 8; i++) begin : g_cov_epilogue
    `COVER(cov_epilogue, clk_i, rst_ni, p1_valid_q && {int8_q, bias_en_q, relu_q} == 3'(i))
  end
  logic unused_cov;  // read only by the cover points (coverage build)
  assign unused_cov = ^{aw_row_last, aw_beats};
  `COVER(cov_burst_split_4k, clk_i, rst_ni, aw_fire && !aw_row_last && aw_beats != 9'd256)
  `COVER(cov_burst_split_256, clk_i, rst_ni, aw_fire && !aw_row_last && aw_beats == 9'd256)
  `COVER(cov_memerr_bias, clk_i, rst_ni, r_fire && r_err)
  `COVER(cov_memerr_store, clk_i, rst_ni, mem_wr_rsp_i.b_valid && mem_wr_rsp_i.b_err)
endmodule
