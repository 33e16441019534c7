// Cube executor (docs/core.md, docs/isa.md MATMUL): runs one MATMUL descriptor at a time,
// C = (accumulate ? C : 0) + A x B, on the cube (rtl/cube/cube.sv).
//
// A (m x k int8, row pitch k) is at L0A[a_offset], B (k x n, row pitch n) at L0B[b_offset],
// C (m x n int32, row pitch n) at L0C word c_offset / 4. The (m/Dim) x (n/Dim) output tiles
// run in order (ti outer, tj inner), each as k beats: beat kk carries column kk of the A tile
// and row kk of the B tile. Three stages run concurrently, each walking the tiles itself:
//
//   A fetch  one L0A read per cycle: row i of the A tile, Dim bytes of K block kb, into one of
//            two Dim x Dim block buffers (double-buffered: the next block loads while the
//            current one feeds the cube, so the read port keeps up with one beat per cycle).
//   beat     per beat, one L0B read (row kk of the B tile, Dim contiguous bytes) and one
//            column of the current A block; the L0B read data register and a_col_q are the
//            cube's input register (L0B holds its data while re is low, so a stalled beat
//            waits there; with AbReadPipe a beat is issued only when the cube will take it).
//            The last K block of a tile may be partial: it feeds k % Dim beats.
//   C write  each cube output row goes to L0C; with accumulate, the old row is read first
//            (this unit has priority on the L0C read port: data the next cycle, or the one
//            after with L0cReadPipe) and added. The rows of one command are distinct L0C rows
//            and the next command starts after this one's last write, so no row is read
//            while an earlier write to it is still in this pipeline.
//
// Tiles follow each other with no gap: the fetch stage runs up to two blocks ahead across
// tile boundaries, so for k a multiple of Dim the cube takes a beat every cycle. A partial
// block still costs Dim L0A reads (one per row) for its k % Dim beats.
//
// The descriptor was validated by the sequencer (m, n positive multiples of Dim, k >= 1,
// every block inside its buffer), so addresses are computed modulo the buffer's address width
// and never need a range check. MATMUL cannot fault: sts_o.fault is always FaultNone.
`include "luoshu_assert.svh"

module cube_exec #(
  parameter int Dim      = 16,
  parameter int L0aBytes = 65536,
  parameter int L0bBytes = 65536,
  parameter int L0cBytes = 131072,
  parameter int AbLanes  = (Dim > 16) ? Dim : 16,
  parameter int CubePipeMul = 0,  // cube.sv PipeMul: PE registers for FPGA timing
  parameter int CubeLutMulRows = 0,  // cube.sv LutMulRows: PE rows whose products are logic
  parameter int L0cReadPipe = 0,  // 1: L0C read data two cycles after the read (l0_buffer ReadPipe)
  parameter int AbReadPipe = 0    // 1: L0A and L0B read data two cycles after the read (ReadPipe)
) (
  input  logic                                 clk_i,
  input  logic                                 rst_ni,
  // Unit command interface (docs/core.md).
  input  luoshu_unit_pkg::cmd_t                 cmd_i,
  output luoshu_unit_pkg::sts_t                 sts_o,
  output logic                                 beat_o,
  // L0A / L0B read ports (AbLanes bytes from any byte address, data the next cycle).
  output logic                                 l0a_re_o,
  output logic [$clog2(L0aBytes)-1:0]          l0a_raddr_o,
  input  logic [AbLanes-1:0][7:0]              l0a_rdata_i,
  output logic                                 l0b_re_o,
  output logic [$clog2(L0bBytes)-1:0]          l0b_raddr_o,
  input  logic [AbLanes-1:0][7:0]              l0b_rdata_i,
  // L0C read port (word addresses; always served, data 1 + L0cReadPipe cycles later) and write
  // port, both in L0C's bank order (l0_buffer's rbank_o and WriteBanked): element addr + j
  // of a row at addr is in bank (addr + j) mod Dim.
  output logic                                 l0c_re_o,
  output logic [$clog2(L0cBytes/4)-1:0]        l0c_raddr_o,
  input  logic [Dim-1:0][31:0]                 l0c_rbank_i,
  output logic                                 l0c_we_o,
  output logic [$clog2(L0cBytes/4)-1:0]        l0c_waddr_o,
  output logic [Dim-1:0]                       l0c_wmask_o,
  output logic [Dim-1:0][31:0]                 l0c_wdata_o
);
  if (Dim < 2 || (Dim & (Dim - 1)) != 0) begin : g_bad_dim
    $error("cube_exec: Dim must be a power of two >= 2 (got %0d)", Dim);
  end
  if (AbLanes < Dim) begin : g_bad_lanes
    $error("cube_exec: AbLanes (%0d) must be >= Dim (%0d)", AbLanes, Dim);
  end
  if (L0aBytes < AbLanes || L0aBytes % AbLanes != 0 ||
      L0bBytes < AbLanes || L0bBytes % AbLanes != 0) begin : g_bad_l0ab
    $error("cube_exec: L0aBytes and L0bBytes must be positive multiples of AbLanes (%0d)",
           AbLanes);
  end
  if (L0cBytes < 4 * Dim || L0cBytes % (4 * Dim) != 0) begin : g_bad_l0c
    $error("cube_exec: L0cBytes (%0d) must be a positive multiple of 4 * Dim", L0cBytes);
  end
  if (L0cReadPipe != 0 && L0cReadPipe != 1) begin : g_bad_l0c_pipe
    $error("cube_exec: L0cReadPipe must be 0 or 1 (got %0d)", L0cReadPipe);
  end
  if (AbReadPipe != 0 && AbReadPipe != 1) begin : g_bad_ab_pipe
    $error("cube_exec: AbReadPipe must be 0 or 1 (got %0d)", AbReadPipe);
  end

  localparam int AW     = $clog2(L0aBytes);
  localparam int BW     = $clog2(L0bBytes);
  localparam int CW     = $clog2(L0cBytes / 4);
  localparam int LogDim = $clog2(Dim);
  localparam int DimW   = 16;  // m, n, k and the tile counters: the descriptor's 16 bits

  typedef logic [DimW-1:0] cnt_t;

  // ---------------------------------------------------------------- command
  luoshu_isa_pkg::matmul_desc_t desc;
  logic         accept;
  logic         busy_q, acc_q;
  cnt_t         k_q, n_q;
  // The last tile indices from registers (loaded with the command), so the loops' end tests
  // are compares of registers, not a subtraction and a compare (on the FPGA the A fetch's read
  // enable came after such a chain); so are the counts one before them (for k, three before
  // the last beat, k - 4), so the flags that say "the next one is the last" compare a counter
  // with a register, with no add in front (FPGA timing).
  cnt_t         ti_last_q, tj_last_q;
  cnt_t         k_last_m3_q, ti_last_m1_q, tj_last_m1_q;
  logic         k_one_q, k_two_q, k_three_q;
  logic         k_ge_dim_q;  // k >= Dim: a tile's last beat never waits (AbReadPipe's refill)
  logic         last_write;  // the command's final L0C row is written this cycle
  logic         done_q;

  assign desc        = luoshu_isa_pkg::matmul_desc_t'(cmd_i.desc);
  assign sts_o.ready = !busy_q;
  assign accept      = cmd_i.valid && sts_o.ready;
  assign sts_o.busy  = busy_q;
  assign sts_o.done  = done_q;
  assign sts_o.fault = luoshu_isa_pkg::FaultNone;

  logic busy_d;
  assign busy_d = accept || (busy_q && !last_write);
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      busy_q <= 1'b0;
      done_q <= 1'b0;
    end else begin
      done_q <= last_write;
      busy_q <= busy_d;
    end
  end

  // The registers each stage loads from the descriptor load on !busy_q, not on accept: while
  // idle they follow cmd_i.desc, and a command starts from the values they took as it was
  // accepted. Nothing reads them while idle (no stage is active then). Their load enable then
  // comes straight from a flip-flop, not through the command's valid, and each stage has its
  // own copy of !busy_q, kept apart in synthesis (keep), so no single net reaches all of them
  // (FPGA timing; a_idle_copies).
  localparam int IdleCmd = 0, IdleFetch = 1, IdleBeat = 2, IdleWb = 3, IdleCopies = 4;
  logic [IdleCopies-1:0] idle_q;
  for (genvar c = 0; c < IdleCopies; c++) begin : g_idle
    (* keep *) always_ff @(posedge clk_i) begin
      if (!rst_ni) idle_q[c] <= 1'b1;
      else idle_q[c] <= !busy_d;
    end
  end

  always_ff @(posedge clk_i) begin
    if (idle_q[IdleCmd]) begin
      acc_q        <= desc.accumulate;
      k_q          <= desc.k;
      n_q          <= desc.n;
      ti_last_q    <= (desc.m >> LogDim) - 1'b1;
      tj_last_q    <= (desc.n >> LogDim) - 1'b1;
      k_last_m3_q  <= desc.k - cnt_t'(4);
      ti_last_m1_q <= (desc.m >> LogDim) - cnt_t'(2);
      tj_last_m1_q <= (desc.n >> LogDim) - cnt_t'(2);
      k_one_q      <= desc.k == cnt_t'(1);
      k_two_q      <= desc.k == cnt_t'(2);
      k_three_q    <= desc.k == cnt_t'(3);
      k_ge_dim_q   <= desc.k >= cnt_t'(Dim);
    end
  end

  // Address steps. Dim * k and Dim * n are shifts; sums wrap at the address width, which is
  // exact because every address the descriptor names lies inside its buffer.
  logic [AW-1:0] a_k, a_strip;
  logic [BW-1:0] b_n;
  logic [CW-1:0] c_n, c_strip;
  assign a_k     = AW'(k_q);
  assign a_strip = AW'(k_q) << LogDim;
  assign b_n     = BW'(n_q);
  assign c_n     = CW'(n_q);
  assign c_strip = CW'(n_q) << LogDim;

  // ---------------------------------------------------------------- A fetch
  logic          f_active_q;           // reads left to issue in this command
  cnt_t          f_ti_q, f_tj_q;       // tile
  cnt_t          f_kleft_q;            // columns of the tile from this block on
  logic [LogDim-1:0] f_row_q;          // row of the tile within the block
  logic          f_wsel_q;             // block buffer being filled
  logic [AW-1:0] f_strip_q, f_blk_q, f_addr_q;  // A strip (row ti*Dim), block start, this row
  logic          f_issue;
  // Its loop-end tests as flags kept beside the counters (a_f_flags), so the read enable meets
  // flip-flops, not 16-bit compares, on its way into the counters' loads (FPGA timing)
  logic          f_more_k_q;           // f_kleft_q > Dim: another K block of this tile follows
  logic          f_tj_last_q, f_ti_last_q;  // f_tj_q == tj_last_q, f_ti_q == ti_last_q

  // Block buffers: full_q[s] once all Dim rows of buffer s have landed, until the beat stage
  // takes its last column. A buffer may be refilled in the very cycle its last column is
  // taken (the first row lands a cycle later), which keeps the read port busy every cycle.
  logic [1:0]    full_q;
  logic          release_buf;          // the beat stage takes the last column of bt_rsel_q
  logic          bt_rsel_q;
  logic          wsel_free;

  logic          release_next;         // (AbReadPipe) the beat stage takes that last column next cycle
  logic          next_release;         // ... if it issues now (flip-flops only)
  // The beat stage releases buffer bt_rsel_q now or surely next cycle if that buffer is full:
  // bt_rel_now, with AbReadPipe from a register (a_rel_ok_reg).
  logic          bt_rel_now, bt_rel_ok;
  assign f_issue   = f_active_q && wsel_free;
  assign l0a_re_o  = f_issue;
  assign l0a_raddr_o = f_addr_q;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      f_active_q <= 1'b0;
    end else if (accept) begin
      f_active_q <= 1'b1;
    end else if (f_issue && f_row_q == LogDim'(Dim - 1) && !f_more_k_q && f_tj_last_q &&
                 f_ti_last_q) begin
      f_active_q <= 1'b0;
    end
  end

  always_ff @(posedge clk_i) begin
    if (idle_q[IdleFetch]) begin
      f_ti_q      <= '0;
      f_tj_q      <= '0;
      f_kleft_q   <= desc.k;
      f_more_k_q  <= desc.k > cnt_t'(Dim);
      f_tj_last_q <= (desc.n >> LogDim) == cnt_t'(1);
      f_ti_last_q <= (desc.m >> LogDim) == cnt_t'(1);
      f_row_q     <= '0;
      f_wsel_q    <= 1'b0;
      f_strip_q   <= AW'(desc.a_offset);
      f_blk_q     <= AW'(desc.a_offset);
      f_addr_q    <= AW'(desc.a_offset);
    end else if (f_issue) begin
      if (f_row_q != LogDim'(Dim - 1)) begin
        f_row_q  <= f_row_q + 1'b1;
        f_addr_q <= f_addr_q + a_k;
      end else begin
        f_row_q  <= '0;
        f_wsel_q <= !f_wsel_q;
        if (f_more_k_q) begin  // next K block of the same tile
          f_kleft_q  <= f_kleft_q - cnt_t'(Dim);
          f_more_k_q <= f_kleft_q > cnt_t'(2 * Dim);
          f_blk_q    <= f_blk_q + AW'(Dim);
          f_addr_q   <= f_blk_q + AW'(Dim);
        end else begin  // next tile: same A strip for the next tj, the next strip after the last
          f_kleft_q  <= k_q;
          f_more_k_q <= k_q > cnt_t'(Dim);
          if (f_tj_last_q) begin
            f_tj_q      <= '0;
            f_tj_last_q <= tj_last_q == '0;
            f_ti_q      <= f_ti_q + 1'b1;
            f_ti_last_q <= f_ti_q == ti_last_m1_q;
            f_strip_q   <= f_strip_q + a_strip;
            f_blk_q     <= f_strip_q + a_strip;
            f_addr_q    <= f_strip_q + a_strip;
          end else begin
            f_tj_q      <= f_tj_q + 1'b1;
            f_tj_last_q <= f_tj_q == tj_last_m1_q;
            f_blk_q     <= f_strip_q;
            f_addr_q    <= f_strip_q;
          end
        end
      end
    end
  end

  // Read data lands the cycle after the read (two with AbReadPipe: the row's place waits one
  // more cycle; a refilled buffer's first row then lands two cycles after its release).
  logic              iss_valid_q, iss_last_q, iss_buf_q;
  logic [LogDim-1:0] iss_row_q;
  logic              land_valid, land_last, land_buf;
  logic [LogDim-1:0] land_row;

  pipe_reg #(.Width(LogDim + 2)) u_land (
    .clk_i,
    .rst_ni,
    .valid_i(f_issue),
    .data_i ({f_wsel_q, f_row_q, f_row_q == LogDim'(Dim - 1)}),
    .valid_o(iss_valid_q),
    .data_o ({iss_buf_q, iss_row_q, iss_last_q})
  );

  pipe_reg #(.Width(LogDim + 2), .Bypass(AbReadPipe == 0 ? 1 : 0)) u_land_wait (
    .clk_i,
    .rst_ni,
    .valid_i(iss_valid_q),
    .data_i ({iss_buf_q, iss_row_q, iss_last_q}),
    .valid_o(land_valid),
    .data_o ({land_buf, land_row, land_last})
  );

  // ---------------------------------------------------------------- beats
  logic              bt_active_q;
  cnt_t              bt_ti_q, bt_tj_q, bt_kk_q;
  logic [BW-1:0]     bt_tile_q, bt_addr_q;  // B column block (b_offset + tj*Dim), row kk of it
  logic              bt_issue, bt_tile_end, bt_block_end;
  logic              in_valid_q, in_last_q, in_ready;
  logic [Dim-1:0][7:0] a_col, a_col_q;
  logic [LogDim-1:0] bt_col;

  assign bt_col       = bt_kk_q[LogDim-1:0];
  // Whether beat kk is its tile's last (kk == k - 1) and whether the next one is, as flags
  // kept beside kk (same cycles); so are whether its column is its block's last and whether
  // the next one's is (a_bt_col_flags), for the A fetch's refill decision behind them.
  logic              bt_end_q, bt_next_end_q, bt_col_last_q, bt_col_next_last_q;
  // ... and whether the one after the next is (kk + 2 == k - 1), so that bt_next_end_q's next
  // state is a flip-flop too, for the release term computed from it (bt_rel_ok).
  logic              bt_next2_end_q;
  // So are its tile loops' end tests (a_bt_tile_flags): bt_tj_q == tj_last_q, bt_ti_q == ti_last_q.
  logic              bt_tj_last_q, bt_ti_last_q;
  // The next state of bt_active_q and the four flags before, within a command (bt_run: an
  // issue moves them) and as a command starts (bt_start, taken on accept; no beat issues then,
  // a_accept_idle). Kept apart so that with AbReadPipe the A fetch's registered release term
  // takes the command's valid in its last select only (it comes from the core's unit slice;
  // FPGA timing).
  typedef struct packed {
    logic active;         // bt_active_q
    logic tile_end;       // bt_end_q
    logic next_end;       // bt_next_end_q
    logic col_last;       // bt_col_last_q
    logic col_next_last;  // bt_col_next_last_q
  } bt_flags_t;
  bt_flags_t         bt_run, bt_start, bt_next;
  assign bt_tile_end  = bt_end_q;
  assign bt_block_end = bt_tile_end || bt_col_last_q;
  // The cube's input: the beat register (a_col_q with the L0B read data), or with AbReadPipe
  // a second register behind it, since L0B's data comes a cycle later.
  logic                cb_valid, cb_last, bt_room;
  logic [Dim-1:0][7:0] cb_a;
  assign bt_issue     = bt_active_q && full_q[bt_rsel_q] && bt_room;
  assign release_buf  = bt_issue && bt_block_end;
  // !full_q[f_wsel_q] || (bt_rsel_q == f_wsel_q && (release_buf || release_next)) (a_wsel_free)
  // with the beat stage's issue opened up: on the same buffer its full flag is the one tested
  // first, so the rest of the issue is the beat stage's own state, bt_rel_ok (FPGA timing: the
  // fetch's read enable loads its counters).
  assign bt_rel_now   = bt_active_q && bt_room && (bt_block_end || next_release);
  assign wsel_free    = !full_q[f_wsel_q] || (bt_rsel_q == f_wsel_q && bt_rel_ok);
  assign l0b_re_o     = bt_issue;
  assign l0b_raddr_o  = bt_addr_q;
  assign beat_o       = cb_valid && in_ready;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      bt_active_q <= 1'b0;
      in_valid_q  <= 1'b0;
      full_q      <= '0;
    end else begin
      bt_active_q <= bt_next.active;
      if (bt_issue)                          in_valid_q <= 1'b1;
      else if (AbReadPipe != 0 || in_ready)  in_valid_q <= 1'b0;
      // Set and clear never meet: a buffer still landing rows is not full, so not released.
      for (int s = 0; s < 2; s++) begin
        if (land_valid && land_last && land_buf == 1'(s)) full_q[s] <= 1'b1;
        else if (release_buf && bt_rsel_q == 1'(s))             full_q[s] <= 1'b0;
      end
    end
  end

  always_comb begin
    bt_run = '{active: bt_active_q, tile_end: bt_end_q, next_end: bt_next_end_q,
               col_last: bt_col_last_q, col_next_last: bt_col_next_last_q};
    if (bt_issue) begin
      if (!bt_tile_end) begin
        bt_run.tile_end      = bt_next_end_q;
        bt_run.next_end      = bt_next2_end_q;
        bt_run.col_last      = bt_col_next_last_q;
        bt_run.col_next_last = bt_col + LogDim'(2) == LogDim'(Dim - 1);
      end else begin
        bt_run = '{active: !(bt_tj_last_q && bt_ti_last_q),  // not the command's last beat
                   tile_end: k_one_q, next_end: k_two_q, col_last: 1'b0,
                   col_next_last: Dim == 2};
      end
    end
  end
  assign bt_start = '{active: 1'b1, tile_end: desc.k == cnt_t'(1), next_end: desc.k == cnt_t'(2),
                      col_last: 1'b0, col_next_last: Dim == 2};
  assign bt_next  = accept ? bt_start : bt_run;

  // The cube's input register loads with the issue alone: no beat issues while a command can
  // be accepted (a_accept_idle), so the command's valid does not reach its load enable.
  always_ff @(posedge clk_i) begin
    if (bt_issue) begin
      a_col_q   <= a_col;
      in_last_q <= bt_tile_end;
    end
  end

  always_ff @(posedge clk_i) begin
    bt_end_q           <= bt_next.tile_end;
    bt_next_end_q      <= bt_next.next_end;
    bt_col_last_q      <= bt_next.col_last;
    bt_col_next_last_q <= bt_next.col_next_last;
    if (idle_q[IdleBeat]) begin
      bt_ti_q   <= '0;
      bt_tj_q   <= '0;
      bt_tj_last_q <= (desc.n >> LogDim) == cnt_t'(1);
      bt_ti_last_q <= (desc.m >> LogDim) == cnt_t'(1);
      bt_kk_q   <= '0;
      bt_next2_end_q <= desc.k == cnt_t'(3);
      bt_rsel_q <= 1'b0;
      bt_tile_q <= BW'(desc.b_offset);
      bt_addr_q <= BW'(desc.b_offset);
    end else if (bt_issue) begin
      if (bt_block_end) bt_rsel_q <= !bt_rsel_q;
      if (!bt_tile_end) begin
        bt_kk_q   <= bt_kk_q + 1'b1;
        bt_next2_end_q <= bt_kk_q == k_last_m3_q;
        bt_addr_q <= bt_addr_q + b_n;
      end else begin
        bt_kk_q <= '0;
        bt_next2_end_q <= k_three_q;
        if (bt_tj_last_q) begin
          bt_tj_q   <= '0;
          bt_tj_last_q <= tj_last_q == '0;
          bt_ti_q   <= bt_ti_q + 1'b1;
          bt_ti_last_q <= bt_ti_q == ti_last_m1_q;
          // Back to b_offset: the last column block started at b_offset + n - Dim.
          bt_tile_q <= bt_tile_q - BW'(n_q) + BW'(Dim);
          bt_addr_q <= bt_tile_q - BW'(n_q) + BW'(Dim);
        end else begin
          bt_tj_q   <= bt_tj_q + 1'b1;
          bt_tj_last_q <= bt_tj_q == tj_last_m1_q;
          bt_tile_q <= bt_tile_q + BW'(Dim);
          bt_addr_q <= bt_tile_q + BW'(Dim);
        end
      end
    end
  end

  // The two block buffers, one register pair per row: row i of buffer s holds A bytes
  // (ti*Dim + i, kb*Dim .. kb*Dim + Dim-1). A beat reads column bt_col across all rows.
  logic [Dim-1:0][Dim-1:0][7:0] abuf0_q, abuf1_q;
  for (genvar i = 0; i < Dim; i++) begin : g_abuf
    always_ff @(posedge clk_i) begin
      if (land_valid && land_row == LogDim'(i)) begin
        if (land_buf) abuf1_q[i] <= l0a_rdata_i[Dim-1:0];
        else            abuf0_q[i] <= l0a_rdata_i[Dim-1:0];
      end
    end
    assign a_col[i] = bt_rsel_q ? abuf1_q[i][bt_col] : abuf0_q[i][bt_col];
  end

  // With AbReadPipe a row lands two cycles after its read, so the refill of a buffer may start
  // a cycle before its last column is taken (the first row lands the cycle after), which keeps
  // a beat per cycle across blocks: only when that beat surely comes next cycle, i.e. it is no
  // tile end, or the tile has at least Dim beats (the cube then never refuses its last beat).
  if (AbReadPipe != 0) begin : g_release_next
    logic next_tile_end, next_block_end;
    assign next_tile_end  = bt_next_end_q;
    assign next_block_end = next_tile_end || bt_col_next_last_q;
    assign next_release   = !bt_block_end && next_block_end && (!next_tile_end || k_ge_dim_q);
    assign release_next   = bt_issue && next_release;
  end else begin : g_no_release_next
    assign next_release = 1'b0;
    assign release_next = 1'b0;
    assign bt_rel_ok    = bt_rel_now;
  end

  pipe_reg #(.Width(Dim * 8 + 1), .Bypass(AbReadPipe == 0 ? 1 : 0)) u_beat_wait (
    .clk_i,
    .rst_ni,
    .valid_i(in_valid_q),
    .data_i ({a_col_q, in_last_q}),
    .valid_o(cb_valid),
    .data_o ({cb_a, cb_last})
  );
  if (AbReadPipe != 0) begin : g_beat_wait
    // A beat reaches the cube two cycles after its issue and cannot wait there (L0B's data is
    // gone by then), so it is issued only if the cube will take it: the cube refuses a tile's
    // last beat fewer than Dim steps after the previous one (cube.sv too_soon), counted here
    // at issue, two cycles ahead of the cube's own count. Other beats it always takes.
    localparam int CntW = $clog2(Dim + 1);
    logic [CntW-1:0] since_iss_q, since_iss_d;
    always_comb begin
      since_iss_d = since_iss_q;
      if (bt_issue && bt_tile_end)         since_iss_d = CntW'(1);
      else if (since_iss_q != CntW'(Dim))  since_iss_d = since_iss_q + 1'b1;
    end
    assign bt_room = !(bt_tile_end && since_iss_q < CntW'(Dim));

    // The release term of the A fetch's buffer-free test, bt_rel_now, from the next state of
    // the beat stage's flags a cycle early: the fetch's read enable then starts at flip-flops
    // (FPGA timing). next_block_end && (!next_tile_end || k >= Dim) is written as its two cases.
    function automatic logic rel_term(bt_flags_t f, logic k_ge_dim, logic [CntW-1:0] since);
      return f.active && !(f.tile_end && since < CntW'(Dim)) &&
             (f.tile_end || f.col_last || (f.next_end && k_ge_dim) ||
              (f.col_next_last && !f.next_end));
    endfunction
    logic rel_ok_q, rel_ok_d;
    assign rel_ok_d = accept ? rel_term(bt_start, desc.k >= cnt_t'(Dim), since_iss_d)
                             : rel_term(bt_run, k_ge_dim_q, since_iss_d);
    always_ff @(posedge clk_i) begin
      if (!rst_ni) begin
        since_iss_q <= CntW'(Dim);
        rel_ok_q    <= 1'b0;
      end else begin
        since_iss_q <= since_iss_d;
        rel_ok_q    <= rel_ok_d;
      end
    end
    assign bt_rel_ok = rel_ok_q;
    `ASSERT_ALWAYS(a_rel_ok_reg, clk_i, rst_ni, rel_ok_q == bt_rel_now,
                   "the registered buffer-release term disagrees with the beat stage")
    `ASSERT_ALWAYS(a_beat_taken, clk_i, rst_ni, !cb_valid || in_ready,
                   "AbReadPipe: the cube refused a beat issued two cycles before")
  end else begin : g_beat_now
    assign bt_room = !in_valid_q || in_ready;
  end

  // ---------------------------------------------------------------- cube
  logic                 out_valid, out_valid_next, out_last;
  logic [Dim-1:0][31:0] out_row;

  // No output FIFO (OutDepth = 0): L0C's write port takes every row at once, so the cube
  // never waits for its output and its PEs need no clock enable.
  cube #(
    .Dim(Dim), .OutDepth(0), .PipeMul(CubePipeMul), .LutMulRows(CubeLutMulRows)
  ) u_cube (
    .clk_i,
    .rst_ni,
    .in_valid_i (cb_valid),
    .in_ready_o (in_ready),
    .in_a_i     (cb_a),
    .in_b_i     (l0b_rdata_i[Dim-1:0]),
    .in_last_i  (cb_last),
    .out_valid_o(out_valid),
    .out_valid_next_o(out_valid_next),
    .out_ready_i(1'b1),
    .out_row_o  (out_row),
    .out_last_o (out_last)
  );

  // ---------------------------------------------------------------- C write-back
  // Stage 1 (cube row out): read the old row when accumulating. Stage 2: add, write.
  cnt_t          wb_ti_q, wb_tj_q;
  // Its loop-end tests as flags beside the counters (a_wb_flags): the row's address and the
  // command's end come from flip-flops, not 16-bit compares (FPGA timing).
  logic          wb_tj_last_q, wb_ti_last_q;  // wb_tj_q == tj_last_q, wb_ti_q == ti_last_q
  logic [CW-1:0] wb_strip_q, wb_tile_q, wb_addr_q;  // C strip (row ti*Dim), tile, this row
  logic          wr_valid_q, wr_last_q;
  logic [CW-1:0] wr_addr_q;
  logic [Dim-1:0][31:0] wr_row_q;
  logic          wb_cmd_end;
  // The tile's last row, from a row count of cube_exec's own beside the write-back registers,
  // not the cube's out_last_o: that flop sits with the cube's array and fanned out to the
  // counters' selects across the core (FPGA timing: a 4.4 ns hop, 10.4 ns). a_wb_row_last.
  logic [LogDim-1:0] wb_row_q;
  logic              wb_row_last_q;  // wb_row_q == Dim - 1

  assign wb_cmd_end  = wb_row_last_q && wb_tj_last_q && wb_ti_last_q;
  assign l0c_raddr_o = wb_addr_q;

  // The accumulate read's enable, out_valid && acc_q, from a flip-flop of its own loaded a
  // cycle early from the cube's next output valid (a_c_re_reg): it selects L0C's read address
  // and grants MTE-out's read, so it stays off the cube's out_valid, which loads the rows'
  // address registers (FPGA timing). A command's rows all leave the cube before its last
  // write, so no command starts (acc_q loads) while a row is coming.
  logic c_re_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) c_re_q <= 1'b0;
    else c_re_q <= out_valid_next && acc_q;
  end
  assign l0c_re_o = c_re_q;

  always_ff @(posedge clk_i) begin
    if (idle_q[IdleWb]) begin
      wb_ti_q    <= '0;
      wb_tj_q    <= '0;
      wb_tj_last_q <= (desc.n >> LogDim) == cnt_t'(1);
      wb_ti_last_q <= (desc.m >> LogDim) == cnt_t'(1);
      wb_strip_q <= CW'(desc.c_offset >> 2);
      wb_tile_q  <= CW'(desc.c_offset >> 2);
      wb_addr_q  <= CW'(desc.c_offset >> 2);
      wb_row_q   <= '0;
      wb_row_last_q <= 1'b0;
    end else if (out_valid) begin
      wb_row_q      <= wb_row_q + 1'b1;  // wraps after the tile's last row
      wb_row_last_q <= wb_row_q == LogDim'(Dim - 2);
      if (!wb_row_last_q) begin
        wb_addr_q <= wb_addr_q + c_n;
      end else if (wb_tj_last_q) begin
        wb_tj_q    <= '0;
        wb_tj_last_q <= tj_last_q == '0;
        wb_ti_q    <= wb_ti_q + 1'b1;
        wb_ti_last_q <= wb_ti_q == ti_last_m1_q;
        wb_strip_q <= wb_strip_q + c_strip;
        wb_tile_q  <= wb_strip_q + c_strip;
        wb_addr_q  <= wb_strip_q + c_strip;
      end else begin
        wb_tj_q   <= wb_tj_q + 1'b1;
        wb_tj_last_q <= wb_tj_q == tj_last_m1_q;
        wb_tile_q <= wb_tile_q + CW'(Dim);
        wb_addr_q <= wb_tile_q + CW'(Dim);
      end
    end
  end

  pipe_reg #(.Width(CW + Dim * 32 + 1)) u_row_out (
    .clk_i,
    .rst_ni,
    .valid_i(out_valid),
    .data_i ({wb_addr_q, out_row, wb_cmd_end}),
    .valid_o(wr_valid_q),
    .data_o ({wr_addr_q, wr_row_q, wr_last_q})
  );

  // The row in L0C's bank order: bank b takes lane (b - addr) mod Dim. The old row is read
  // in that order too, so the add and the write need no rotation behind L0C's block RAMs
  // (FPGA timing: the read's rotation -> the add -> the write register, docs/fpga.md).
  logic [Dim-1:0][31:0] wr_row_bank;
  for (genvar b = 0; b < Dim; b++) begin : g_row_bank
    logic [LogDim-1:0] lane;
    assign lane           = LogDim'(b) - LogDim'(wr_addr_q);
    assign wr_row_bank[b] = wr_row_q[lane];
  end

  // L0cReadPipe: the row waits one more cycle for the old row's data.
  logic                 add_valid, add_last;
  logic [CW-1:0]        add_addr;
  logic [Dim-1:0][31:0] add_row;  // bank order
  pipe_reg #(.Width(CW + Dim * 32 + 1), .Bypass(L0cReadPipe == 0 ? 1 : 0)) u_wait_read (
    .clk_i,
    .rst_ni,
    .valid_i(wr_valid_q),
    .data_i ({wr_addr_q, wr_row_bank, wr_last_q}),
    .valid_o(add_valid),
    .data_o ({add_addr, add_row, add_last})
  );

  logic [Dim-1:0][31:0] sum_row;
  for (genvar b = 0; b < Dim; b++) begin : g_acc
    assign sum_row[b] = add_row[b] + (acc_q ? l0c_rbank_i[b] : 32'd0);
  end
  // L0cReadPipe also registers the sum before L0C's write port, so the read's lane rotation,
  // the add and the write's lane rotation are not one path (FPGA timing). The rows of one
  // command are distinct, and the command is done only after its last write.
  logic wq_last;
  pipe_reg #(.Width(CW + Dim * 32 + 1), .Bypass(L0cReadPipe == 0 ? 1 : 0)) u_write_reg (
    .clk_i,
    .rst_ni,
    .valid_i(add_valid),
    .data_i ({add_addr, sum_row, add_last}),
    .valid_o(l0c_we_o),
    .data_o ({l0c_waddr_o, l0c_wdata_o, wq_last})
  );
  assign last_write = l0c_we_o && wq_last;
  assign l0c_wmask_o = '1;

  // ---------------------------------------------------------------- checks
  // The sequencer validated the descriptor: opcode, token masks, reserved bits and the low
  // bits of m, n and c_offset are not this unit's; n's high bits vanish in addresses that
  // wrap at a small L0C's width. AbLanes > Dim leaves upper lanes unread.
  logic unused_inputs;
  assign unused_inputs = ^{desc, n_q, l0a_rdata_i, l0b_rdata_i};

  `ASSERT_STREAM_STABLE(a_cmd_stable, clk_i, rst_ni, cmd_i.valid, sts_o.ready, cmd_i.desc)
  `ASSERT_ALWAYS(a_cmd_is_matmul, clk_i, rst_ni,
                 !accept || desc.opcode == luoshu_isa_pkg::OpMatmul,
                 "cube_exec was given a descriptor that is not a MATMUL")
  `ASSERT_ALWAYS(a_cmd_shape, clk_i, rst_ni,
                 !accept || (desc.m != '0 && desc.n != '0 && desc.k != '0 &&
                             desc.m[LogDim-1:0] == '0 && desc.n[LogDim-1:0] == '0),
                 "MATMUL m, n must be positive multiples of Dim and k >= 1")
  `ASSERT_ALWAYS(a_idle_copies, clk_i, rst_ni, idle_q == {IdleCopies{!busy_q}},
                 "a stage's copy of the idle flag disagrees with busy_q")
  `ASSERT_ALWAYS(a_idle_quiet, clk_i, rst_ni,
                 busy_q || !(f_active_q || bt_active_q || in_valid_q || out_valid),
                 "a stage is active while no command runs (its registers follow cmd_i.desc)")
  `ASSERT_ALWAYS(a_c_re_reg, clk_i, rst_ni, c_re_q == (out_valid && acc_q),
                 "the registered L0C accumulate-read enable disagrees with the cube's row")
  `ASSERT_ALWAYS(a_rows_only_while_busy, clk_i, rst_ni, !out_valid || busy_q,
                 "a cube row came out while no command was running")
  `ASSERT_ALWAYS(a_bt_end_flags, clk_i, rst_ni,
                 !bt_active_q || (bt_end_q == (bt_kk_q == k_q - 1'b1) &&
                                  bt_next_end_q == (bt_kk_q + 1'b1 == k_q - 1'b1) &&
                                  bt_next2_end_q == (bt_kk_q + cnt_t'(2) == k_q - 1'b1)),
                 "the beat stage's tile-end flags disagree with its column count")
  `ASSERT_ALWAYS(a_wsel_free, clk_i, rst_ni,
                 wsel_free == (!full_q[f_wsel_q] ||
                               (bt_rsel_q == f_wsel_q && (release_buf || release_next))),
                 "the A fetch's buffer-free term disagrees with the releases it opens up")
  `ASSERT_ALWAYS(a_f_flags, clk_i, rst_ni,
                 !f_active_q || (f_more_k_q == (f_kleft_q > cnt_t'(Dim)) &&
                                 f_tj_last_q == (f_tj_q == tj_last_q) &&
                                 f_ti_last_q == (f_ti_q == ti_last_q)),
                 "the A fetch's loop-end flags disagree with its counters")
  `ASSERT_ALWAYS(a_bt_col_flags, clk_i, rst_ni,
                 !bt_active_q || (bt_col_last_q == (bt_col == LogDim'(Dim - 1)) &&
                                  bt_col_next_last_q == (bt_col == LogDim'(Dim - 2))),
                 "the beat stage's block-end flags disagree with its column")
  `ASSERT_ALWAYS(a_bt_tile_flags, clk_i, rst_ni,
                 !bt_active_q || (bt_tj_last_q == (bt_tj_q == tj_last_q) &&
                                  bt_ti_last_q == (bt_ti_q == ti_last_q)),
                 "the beat stage's tile-end flags disagree with its tile counters")
  `ASSERT_ALWAYS(a_wb_row_last, clk_i, rst_ni, !out_valid || wb_row_last_q == out_last,
                 "the write-back's row count disagrees with the cube's last row of a tile")
  `ASSERT_ALWAYS(a_wb_flags, clk_i, rst_ni,
                 !busy_q || (wb_tj_last_q == (wb_tj_q == tj_last_q) &&
                             wb_ti_last_q == (wb_ti_q == ti_last_q)),
                 "the C write-back's tile-end flags disagree with its tile counters")
  `ASSERT_ALWAYS(a_accept_idle, clk_i, rst_ni, !accept || (!bt_active_q && !f_active_q),
                 "a command was accepted while the previous one still issues beats or reads")
  `ASSERT_ALWAYS(a_k_ge_dim, clk_i, rst_ni, !busy_q || k_ge_dim_q == (k_q >= cnt_t'(Dim)),
                 "the registered k >= Dim flag disagrees with k")
  `ASSERT_ALWAYS(a_full_set_clear_apart, clk_i, rst_ni,
                 !(land_valid && land_last && release_buf && land_buf == bt_rsel_q),
                 "an A block buffer was filled and released in the same cycle")
endmodule
