// One Luoshu AI core (docs/core.md): sequencer, MTE-in, cube executor, MTE-out and the vector
// unit (both behind the ST queue), the three L0 buffers and the memory mux, behind one AXI-like
// memory port and a control/status interface for the SoC's registers.
//
// L0C has one read port, shared: cube_exec (accumulate read-modify-write, on the critical
// path) always wins; mte_out is granted in the cycles the cube does not read. The token
// protocol keeps the two on different L0C blocks, so sharing is a bandwidth matter only.
`include "luoshu_assert.svh"
`include "luoshu_mem.svh"

module ai_core
  import luoshu_mem_pkg::*, luoshu_unit_pkg::*;
#(
  parameter int Dim = 16,
  parameter int BeatBytes = 16,
  parameter int L0aBytes = 65536,
  parameter int L0bBytes = 65536,
  parameter int L0cBytes = 131072,
  parameter int QueueDepth = 8,
  parameter int NumWindows = 4,
  parameter int CubePipeMul = 0,  // cube.sv PipeMul: PE registers for FPGA timing (docs/fpga.md)
  parameter int CubeLutMulRows = 0,  // cube.sv LutMulRows: PE rows multiplying in logic (FPGA)
  parameter int MteCtrlPipe = 0,  // 1: the MTEs' and vec_unit's CtrlPipe: pre-pass verdicts (FPGA)
  parameter int EpiloguePipe = 0, // 1-5: registers in the STORE epilogue (FPGA; mte_out.sv)
  parameter int DecodePipe = 0,   // 1: three-cycle descriptor validation (sequencer, FPGA timing)
  parameter int L0cReadPipe = 0,  // 1: L0C reads take two cycles (its block RAMs' output registers)
  parameter int MemSlice = 0,     // 1: register slices on the memory requests, both sides of the mux
  parameter int UnitSlice = 0,    // 1: a slice on each unit's command and status (2: status twice)
  parameter int VecStepSlice = 0, // 1: a register after each vector-unit aligner (FPGA timing)
  parameter int VecBufBeats = 16  // vec_unit's beat buffer per source (its read bursts: half)
) (
  input  logic                        clk_i,
  input  logic                        rst_ni,
  // Control (SoC registers).
  input  logic [31:0]                 ring_base_i,
  input  logic [31:0]                 ring_size_i,
  input  logic                        ring_set_i,
  input  logic [31:0]                 tail_i,
  input  logic                        doorbell_i,
  input  logic                        clear_i,
  input  logic                        irq_ack_i,
  input  luoshu_mem_pkg::win_t [NumWindows-1:0] win_i,
  // Status.
  output logic [luoshu_isa_pkg::StateW-1:0] state_o,  // luoshu_isa_pkg::core_state_e
  output logic [31:0]                 head_o,
  output logic [31:0]                 tail_o,
  output logic [3:0]                  fault_code_o,
  output logic [31:0]                 fault_index_o,
  output logic                        irq_o,
  output logic                        ctl_error_o,
  // Performance counters, read one at a time (luoshu_isa_pkg::counter_e).
  input  logic [luoshu_isa_pkg::CntSelW-1:0] cnt_sel_i,
  output logic [63:0]                 cnt_value_o,
  // Observation for timelines, bit = isa::Queue (LD, EX, ST, SEQ): one-cycle pulses when a
  // unit takes a command / a SYNC starts its write, and when the command retires (the
  // RETIRED counters' increments). See sequencer.sv.
  output logic [3:0]                  cmd_start_o,
  output logic [3:0]                  cmd_done_o,
  // Memory port (ids: luoshu_mem_pkg::Rd*, Wr*).
  output `LUOSHU_MEM_REQ_T(BeatBytes, luoshu_mem_pkg::IdW) mem_req_o,
  input  `LUOSHU_MEM_RSP_T(BeatBytes, luoshu_mem_pkg::IdW) mem_rsp_i,
  output luoshu_mem_pkg::rsp_ready_t                        mem_rsp_ready_o
);
  if (MemSlice != 0 && MemSlice != 1) begin : g_bad_mem_slice
    $error("ai_core: MemSlice must be 0 or 1 (got %0d)", MemSlice);
  end
  if (UnitSlice < 0 || UnitSlice > 2) begin : g_bad_unit_slice
    $error("ai_core: UnitSlice must be 0, 1 or 2 (got %0d)", UnitSlice);
  end

  localparam int AbLanes = Dim > BeatBytes ? Dim : BeatBytes;
  localparam int AAddrW = $clog2(L0aBytes);
  localparam int BAddrW = $clog2(L0bBytes);
  localparam int CAddrW = $clog2(L0cBytes / 4);
  localparam int BytesW = $clog2(AbLanes + 1);

  // ---------------------------------------------------------------- memory mux
  `LUOSHU_MEM_RD_REQ_T [NumRd-1:0]            rd_req;
  `LUOSHU_MEM_RD_RSP_T(BeatBytes) [NumRd-1:0] rd_rsp;
  logic [NumRd-1:0]                           rd_r_ready;
  `LUOSHU_MEM_WR_REQ_T(BeatBytes) [NumWr-1:0] wr_req;
  `LUOSHU_MEM_WR_RSP_T [NumWr-1:0]            wr_rsp;
  logic [NumWr-1:0]                           wr_b_ready;

  `LUOSHU_MEM_REQ_T(BeatBytes, luoshu_mem_pkg::IdW) mux_req;
  `LUOSHU_MEM_RSP_T(BeatBytes, luoshu_mem_pkg::IdW) mux_rsp;
  luoshu_mem_pkg::rsp_ready_t                        mux_rsp_ready;
  logic [NumRd-1:0]                                  mux_r_valids;  // mux_rsp's, per id
  logic [NumWr-1:0]                                  mux_b_valids;

  // MemSlice also slices each client's AR and AW before the mux's arbiters (ClientSlice).
  mem_mux #(
    .NumRd(NumRd), .NumWr(NumWr), .BeatBytes(BeatBytes), .IdW(IdW), .ClientSlice(MemSlice)
  ) u_mem_mux (
    .clk_i,
    .rst_ni,
    .rd_req_i    (rd_req),
    .rd_rsp_o    (rd_rsp),
    .rd_r_ready_i(rd_r_ready),
    .wr_req_i    (wr_req),
    .wr_rsp_o    (wr_rsp),
    .wr_b_ready_i(wr_b_ready),
    .mem_req_o   (mux_req),
    .mem_rsp_i   (mux_rsp),
    .mem_r_valids_i (mux_r_valids),
    .mem_b_valids_i (mux_b_valids),
    .mem_rsp_ready_o(mux_rsp_ready)
  );

  // MemSlice: the mux's arbiters and clients and the slave's ready logic (the NoC bridge's
  // room checks, its reorder buffer) meet at flip-flops instead of in one combinational loop
  // of handshakes. The slice also hands the mux its R and B valids decoded per client, from
  // flip-flops.
  if (MemSlice != 0) begin : g_mem_slice
    mem_port_slice #(
      .BeatBytes(BeatBytes), .IdW(IdW), .NumRd(NumRd), .NumWr(NumWr)
    ) u_mem_slice (
      .clk_i,
      .rst_ni,
      .in_req_i       (mux_req),
      .in_rsp_o       (mux_rsp),
      .in_rsp_ready_i (mux_rsp_ready),
      .in_r_valids_o  (mux_r_valids),
      .in_b_valids_o  (mux_b_valids),
      .out_req_o      (mem_req_o),
      .out_rsp_i      (mem_rsp_i),
      .out_rsp_ready_o(mem_rsp_ready_o)
    );
  end else begin : g_mem_direct
    assign mem_req_o       = mux_req;
    assign mux_rsp         = mem_rsp_i;
    assign mem_rsp_ready_o = mux_rsp_ready;
    for (genvar c = 0; c < NumRd; c++) begin : g_r_valids
      assign mux_r_valids[c] = mem_rsp_i.r_valid && 32'(mem_rsp_i.r_id) == c;
    end
    for (genvar c = 0; c < NumWr; c++) begin : g_b_valids
      assign mux_b_valids[c] = mem_rsp_i.b_valid && 32'(mem_rsp_i.b_id) == c;
    end
  end

  // ---------------------------------------------------------------- host control
  // UnitSlice also registers the host's control writes (ring, tail, doorbell, clear, IRQ
  // acknowledge) and the windows, all together: they come from the SoC's register block,
  // wherever it is placed, and a clear reaches the sequencer's dispatch, token and fault logic
  // in the cycle it arrives (FPGA timing, docs/fpga.md). The core sees every write a cycle
  // later. (The selected counter's value is registered too: see g_cnt_reg.)
  // Under DecodePipe the sequencer registers the clear itself (a clear acts there a cycle
  // after its pulse, so each queue's dispatch offer has it a cycle ahead instead of behind
  // one flip-flop's fanout): it is not registered here again, and still arrives a cycle late.
  logic [31:0]                         h_ring_base, h_ring_size, h_tail;
  logic                                h_ring_set, h_doorbell, h_clear, h_irq_ack;
  luoshu_mem_pkg::win_t [NumWindows-1:0] h_win;
  if (UnitSlice != 0) begin : g_host_slice
    always_ff @(posedge clk_i) begin
      if (!rst_ni) begin
        h_ring_set <= 1'b0;
        h_doorbell <= 1'b0;
        h_irq_ack  <= 1'b0;
        h_win      <= '0;
      end else begin
        h_ring_set <= ring_set_i;
        h_doorbell <= doorbell_i;
        h_irq_ack  <= irq_ack_i;
        h_win      <= win_i;
      end
    end
    if (DecodePipe == 0) begin : g_clear_reg
      always_ff @(posedge clk_i) begin
        if (!rst_ni) h_clear <= 1'b0;
        else h_clear <= clear_i;
      end
    end else begin : g_clear_in_sequencer
      assign h_clear = clear_i;
    end
    // Values: no reset, they are delayed with the pulses that read them (ring set, doorbell).
    always_ff @(posedge clk_i) begin
      h_ring_base <= ring_base_i;
      h_ring_size <= ring_size_i;
      h_tail      <= tail_i;
    end
  end else begin : g_host_direct
    assign h_ring_base = ring_base_i;
    assign h_ring_size = ring_size_i;
    assign h_tail      = tail_i;
    assign h_ring_set  = ring_set_i;
    assign h_doorbell  = doorbell_i;
    assign h_clear     = clear_i;
    assign h_irq_ack   = irq_ack_i;
    assign h_win       = win_i;
  end
  // Every window check reads limit and used as made by luoshu_mem_pkg::win_make.
  for (genvar w = 0; w < NumWindows; w++) begin : g_win_made
    `ASSERT_ALWAYS(a_win_made, clk_i, rst_ni,
                   h_win[w] == luoshu_mem_pkg::win_make(h_win[w].base, h_win[w].size,
                                                        h_win[w].writable),
                   "a window's limit or used flag is not its base + size (use win_make)")
  end

  // ---------------------------------------------------------------- sequencer
  cmd_t [NumUnits-1:0] seq_cmd, unit_cmd;  // index: Unit*; the sequencer's, the units' side
  sts_t [NumUnits-1:0] seq_sts, unit_sts;
  logic [NumUnits-1:0] seq_bad, unit_bad;  // a unit's done carries a fault (g_unit_bad)
  logic [NumUnits-1:0] seq_bad_next;       // UnitSlice: seq_bad's next value

  localparam int CntW = luoshu_isa_pkg::CntW;
  logic [3:0][CntW-1:0] cnt_retired;
  logic [CntW-1:0]      cnt_fetched;
  logic [2:0][CntW-1:0] cnt_busy, cnt_stall;
  logic [3:0][3:0]      unused_tokens;

  sequencer #(
    .Dim(Dim), .BeatBytes(BeatBytes), .L0aBytes(L0aBytes), .L0bBytes(L0bBytes),
    .L0cBytes(L0cBytes), .QueueDepth(QueueDepth), .NumWindows(NumWindows),
    .DecodePipe(DecodePipe), .DoneBadAhead(UnitSlice != 0 ? 1 : 0)
  ) u_sequencer (
    .clk_i,
    .rst_ni,
    .ring_set_i     (h_ring_set),
    .ring_base_i    (h_ring_base),
    .ring_size_i    (h_ring_size),
    .doorbell_i     (h_doorbell),
    .tail_i         (h_tail),
    .clear_i        (h_clear),
    .irq_ack_i      (h_irq_ack),
    .ctl_error_o,
    .win_i          (h_win),
    .state_o,
    .head_o,
    .tail_o,
    .fault_code_o,
    .fault_index_o,
    .irq_o,
    .tokens_o       (unused_tokens),
    .cnt_retired_o  (cnt_retired),
    .cnt_fetched_o  (cnt_fetched),
    .cnt_busy_o     (cnt_busy),
    .cnt_stall_o    (cnt_stall),
    .cmd_start_o,
    .cmd_done_o,
    .cmd_o          (seq_cmd),
    .sts_i          (seq_sts),
    .done_bad_i     (seq_bad),
    .done_bad_next_i(seq_bad_next),
    .mem_rd_req_o   (rd_req[RdSeq]),
    .mem_rd_rsp_i   (rd_rsp[RdSeq]),
    .mem_r_ready_o  (rd_r_ready[RdSeq]),
    .mem_wr_req_o   (wr_req[WrSeq]),
    .mem_wr_rsp_i   (wr_rsp[WrSeq]),
    .mem_b_ready_o  (wr_b_ready[WrSeq])
  );

  // UnitSlice: a one-entry register between the sequencer and each unit. The sequencer hands
  // the command over when the register is empty (the unit may still be busy) and the unit
  // takes it from flip-flops: its start no longer waits on the sequencer's token, fault and
  // dispatch logic in the same cycle (FPGA timing, docs/fpga.md). A command in the register
  // counts as started (its wait tokens taken; a clear lets it run and ignores its done, as
  // for one at the unit). Cost: a cycle from the hand-over to the unit's start.
  // The unit's done, fault and busy reach the sequencer through a register as well, so a
  // unit's finish (its fault logic) and the sequencer's dispatch (which a fault stops) do not
  // share a cycle: the sequencer sees each done a cycle later, as from a unit a cycle slower.
  // UnitSlice = 2 puts a second register on that status: the first stays where the unit makes
  // its done, the second goes beside the sequencer, so the crossing of the core is not in
  // front of the sequencer's token and start logic (FPGA timing: 4.1 of a 10.8 ns path from
  // MTE-in's done, docs/fpga.md). Cost: a cycle more from each unit's done to the sequencer.
  // A unit's done that carries a fault, for the sequencer (registered with the status).
  for (genvar u = 0; u < NumUnits; u++) begin : g_unit_bad
    assign unit_bad[u] = unit_sts[u].done && unit_sts[u].fault != luoshu_isa_pkg::FaultNone;
  end
  if (UnitSlice != 0) begin : g_unit_slice
    for (genvar u = 0; u < NumUnits; u++) begin : g_unit
      // A one-entry FIFO (a stream_fifo of Depth 1: no push while full), written out so the
      // command register loads whatever the sequencer offers while it is empty: its enable
      // is a flip-flop, not the sequencer's late start (FPGA timing; same cycles).
      logic                                in_ready, cmd_valid_q;
      logic [luoshu_isa_pkg::DescBits-1:0] cmd_desc_q;
      always_ff @(posedge clk_i) begin
        if (!rst_ni) cmd_valid_q <= 1'b0;
        else cmd_valid_q <= cmd_valid_q ? !unit_sts[u].ready : seq_cmd[u].valid;
      end
      always_ff @(posedge clk_i) begin
        if (!cmd_valid_q) cmd_desc_q <= seq_cmd[u].desc;
      end
      assign in_ready          = !cmd_valid_q;
      assign unit_cmd[u].valid = cmd_valid_q;
      assign unit_cmd[u].desc  = cmd_desc_q;
      `ASSERT_STREAM_STABLE(a_slice_cmd_stable, clk_i, rst_ni, cmd_valid_q, unit_sts[u].ready,
                            cmd_desc_q)
      // The status after each register: {done, busy, bad} and the fault code; the last is
      // the sequencer's.
      logic [UnitSlice:1][2:0]                        flags_q;
      logic [UnitSlice:1][luoshu_isa_pkg::FaultW-1:0] fault_q;
      for (genvar s = 1; s <= UnitSlice; s++) begin : g_sts_reg
        logic [2:0]                        flags_in;
        logic [luoshu_isa_pkg::FaultW-1:0] fault_in;
        if (s == 1) begin : g_from_unit
          assign flags_in = {unit_sts[u].done, unit_sts[u].busy, unit_bad[u]};
          assign fault_in = unit_sts[u].fault;
        end else begin : g_from_reg
          assign flags_in = flags_q[s-1];
          assign fault_in = fault_q[s-1];
        end
        always_ff @(posedge clk_i) begin
          if (!rst_ni) flags_q[s] <= '0;
          else flags_q[s] <= flags_in;
        end
        always_ff @(posedge clk_i) fault_q[s] <= fault_in;
      end
      assign seq_sts[u] = '{ready: in_ready, done: flags_q[UnitSlice][2],
                            fault: fault_q[UnitSlice], busy: flags_q[UnitSlice][1]};
      assign seq_bad[u] = flags_q[UnitSlice][0];
      if (UnitSlice == 1) begin : g_bad_next_unit
        assign seq_bad_next[u] = unit_bad[u];
      end else begin : g_bad_next_reg
        assign seq_bad_next[u] = flags_q[UnitSlice-1][0];
      end
    end
  end else begin : g_unit_direct
    assign unit_cmd     = seq_cmd;
    assign seq_sts      = unit_sts;
    assign seq_bad      = unit_bad;
    assign seq_bad_next = unit_bad;  // unused: no DoneBadAhead
  end

  // ---------------------------------------------------------------- L0 buffers
  logic                        l0a_we, l0b_we, l0a_re, l0b_re;
  logic [AAddrW-1:0]           l0a_waddr, l0a_raddr;
  logic [BAddrW-1:0]           l0b_waddr, l0b_raddr;
  logic [AbLanes-1:0]          l0a_wmask, l0b_wmask;
  logic [AbLanes-1:0][7:0]     l0a_wdata, l0b_wdata, l0a_rdata, l0b_rdata;
  logic [AbLanes-1:0][7:0]     unused_l0a_rbank, unused_l0b_rbank;  // their readers rotate
  logic                        l0c_we, l0c_re, cx_c_re, mo_c_req, mo_c_gnt;
  logic [CAddrW-1:0]           l0c_waddr, l0c_raddr, cx_c_raddr, mo_c_raddr;
  logic [Dim-1:0]              l0c_wmask;
  logic [Dim-1:0][31:0]        l0c_wdata, l0c_rdata, l0c_rbank;

  // With the cube's operand registers (CubePipeMul = 2, the FPGA build) the L0A and L0B reads
  // also take a register behind the block RAMs, so their clock-to-out and the lane rotation
  // are not one path into the A block buffers and the cube's B input (FPGA timing).
  localparam int AbReadPipe = (CubePipeMul >= 2) ? 1 : 0;
  // The same FPGA settings drop the banks' old-data promise on read-during-write: a program's
  // tokens keep a buffer's reader and writer on different tiles, so no unit meets another's
  // write (the banks assert it); each block RAM is then bare, without the flip-flops and LUTs
  // that emulate old data on the write-address path (docs/fpga.md).
  l0_buffer #(.ElemW(8), .Lanes(AbLanes), .Elems(L0aBytes), .ReadPipe(AbReadPipe),
              .RdwOld(AbReadPipe == 0)) u_l0a (
    .clk_i, .rst_ni,
    .we_i(l0a_we), .waddr_i(l0a_waddr), .wmask_i(l0a_wmask), .wdata_i(l0a_wdata),
    .re_i(l0a_re), .raddr_i(l0a_raddr), .rdata_o(l0a_rdata),
    .rbank_o(unused_l0a_rbank)
  );
  l0_buffer #(.ElemW(8), .Lanes(AbLanes), .Elems(L0bBytes), .ReadPipe(AbReadPipe),
              .RdwOld(AbReadPipe == 0)) u_l0b (
    .clk_i, .rst_ni,
    .we_i(l0b_we), .waddr_i(l0b_waddr), .wmask_i(l0b_wmask), .wdata_i(l0b_wdata),
    .re_i(l0b_re), .raddr_i(l0b_raddr), .rdata_o(l0b_rdata),
    .rbank_o(unused_l0b_rbank)
  );
  // L0C's one writer, the cube executor, writes in bank order and reads its accumulate's old
  // row in bank order (rbank_o); MTE-out reads the lanes rotated (rdata_o).
  l0_buffer #(.ElemW(32), .Lanes(Dim), .Elems(L0cBytes / 4), .ReadPipe(L0cReadPipe),
              .RdwOld(L0cReadPipe == 0), .WriteBanked(1)) u_l0c (
    .clk_i, .rst_ni,
    .we_i(l0c_we), .waddr_i(l0c_waddr), .wmask_i(l0c_wmask), .wdata_i(l0c_wdata),
    .re_i(l0c_re), .raddr_i(l0c_raddr), .rdata_o(l0c_rdata), .rbank_o(l0c_rbank)
  );
  // L0C read port: the cube first, MTE-out in the gaps.
  assign mo_c_gnt  = !cx_c_re;
  assign l0c_re    = cx_c_re || mo_c_req;
  assign l0c_raddr = cx_c_re ? cx_c_raddr : mo_c_raddr;

  // ---------------------------------------------------------------- units
  logic [BytesW-1:0] in_rd_bytes;
  logic              cx_beat;

  mte_in #(
    .Dim(Dim), .BeatBytes(BeatBytes), .L0aBytes(L0aBytes), .L0bBytes(L0bBytes),
    .NumWindows(NumWindows), .CtrlPipe(MteCtrlPipe)
  ) u_mte_in (
    .clk_i,
    .rst_ni,
    .cmd_i         (unit_cmd[UnitLd]),
    .sts_o         (unit_sts[UnitLd]),
    .rd_bytes_o    (in_rd_bytes),
    .win_i          (h_win),
    .mem_rd_req_o  (rd_req[RdIn]),
    .mem_rd_rsp_i  (rd_rsp[RdIn]),
    .mem_r_ready_o (rd_r_ready[RdIn]),
    .l0a_we_o      (l0a_we),
    .l0a_waddr_o   (l0a_waddr),
    .l0a_wmask_o   (l0a_wmask),
    .l0a_wdata_o   (l0a_wdata),
    .l0b_we_o      (l0b_we),
    .l0b_waddr_o   (l0b_waddr),
    .l0b_wmask_o   (l0b_wmask),
    .l0b_wdata_o   (l0b_wdata)
  );

  cube_exec #(
    .Dim(Dim), .L0aBytes(L0aBytes), .L0bBytes(L0bBytes), .L0cBytes(L0cBytes), .AbLanes(AbLanes),
    .CubePipeMul(CubePipeMul), .CubeLutMulRows(CubeLutMulRows), .L0cReadPipe(L0cReadPipe),
    .AbReadPipe(AbReadPipe)
  ) u_cube_exec (
    .clk_i,
    .rst_ni,
    .cmd_i       (unit_cmd[UnitEx]),
    .sts_o       (unit_sts[UnitEx]),
    .beat_o      (cx_beat),
    .l0a_re_o    (l0a_re),
    .l0a_raddr_o (l0a_raddr),
    .l0a_rdata_i (l0a_rdata),
    .l0b_re_o    (l0b_re),
    .l0b_raddr_o (l0b_raddr),
    .l0b_rdata_i (l0b_rdata),
    .l0c_re_o    (cx_c_re),
    .l0c_raddr_o (cx_c_raddr),
    .l0c_rbank_i (l0c_rbank),
    .l0c_we_o    (l0c_we),
    .l0c_waddr_o (l0c_waddr),
    .l0c_wmask_o (l0c_wmask),
    .l0c_wdata_o (l0c_wdata)
  );

  logic [$clog2(BeatBytes+1)-1:0] out_rd_bytes, unused_out_wr_bytes;

  // The ST queue's two units: STOREs go to mte_out, vector commands to vec_unit, one command
  // at a time (the queue is ready only when both are idle), so the queue stays in order.
  cmd_t mo_cmd, vec_cmd;
  sts_t mo_sts, vec_sts;
  logic st_is_vec;
  assign st_is_vec = unit_cmd[UnitSt].desc[luoshu_isa_pkg::HdrOpcodeLsb +: luoshu_isa_pkg::OpcodeW]
                     != luoshu_isa_pkg::OpStore;
  assign mo_cmd  = '{valid: unit_cmd[UnitSt].valid && !st_is_vec && vec_sts.ready,
                     desc: unit_cmd[UnitSt].desc};
  assign vec_cmd = '{valid: unit_cmd[UnitSt].valid && st_is_vec && mo_sts.ready,
                     desc: unit_cmd[UnitSt].desc};
  assign unit_sts[UnitSt] = '{ready: mo_sts.ready && vec_sts.ready,
                              done:  mo_sts.done || vec_sts.done,
                              fault: mo_sts.done ? mo_sts.fault : vec_sts.fault,
                              busy:  mo_sts.busy || vec_sts.busy};

  mte_out #(
    .Dim(Dim), .BeatBytes(BeatBytes), .L0cBytes(L0cBytes), .NumWindows(NumWindows),
    .EpiloguePipe(EpiloguePipe), .CtrlPipe(MteCtrlPipe), .L0cReadPipe(L0cReadPipe)
  ) u_mte_out (
    .clk_i,
    .rst_ni,
    .cmd_i         (mo_cmd),
    .sts_o         (mo_sts),
    .rd_bytes_o    (out_rd_bytes),
    .wr_bytes_o    (unused_out_wr_bytes),
    .win_i          (h_win),
    .mem_rd_req_o  (rd_req[RdOut]),
    .mem_rd_rsp_i  (rd_rsp[RdOut]),
    .mem_r_ready_o (rd_r_ready[RdOut]),
    .mem_wr_req_o  (wr_req[WrOut]),
    .mem_wr_rsp_i  (wr_rsp[WrOut]),
    .mem_b_ready_o (wr_b_ready[WrOut]),
    .l0c_rd_req_o  (mo_c_req),
    .l0c_rd_gnt_i  (mo_c_gnt),
    .l0c_raddr_o   (mo_c_raddr),
    .l0c_rdata_i   (l0c_rdata)
  );
  logic [$clog2(BeatBytes+1):0] vec_rd_bytes;

  vec_unit #(
    .BeatBytes(BeatBytes), .NumWindows(NumWindows), .BufBeats(VecBufBeats),
    .EpiloguePipe(EpiloguePipe), .StepSlice(VecStepSlice),
    .CtrlPipe(MteCtrlPipe)
  ) u_vec_unit (
    .clk_i,
    .rst_ni,
    .cmd_i         (vec_cmd),
    .sts_o         (vec_sts),
    .rd_bytes_o    (vec_rd_bytes),
    .win_i          (h_win),
    .mem_rd_req_o  (rd_req[RdVec]),
    .mem_rd_rsp_i  (rd_rsp[RdVec]),
    .mem_r_ready_o (rd_r_ready[RdVec]),
    .mem_wr_req_o  (wr_req[WrVec]),
    .mem_wr_rsp_i  (wr_rsp[WrVec]),
    .mem_b_ready_o (wr_b_ready[WrVec])
  );
  // ---------------------------------------------------------------- counters
  // MACs count cube beats (Dim^2 MACs each, padding included, as the model counts m*n*k);
  // bytes read are payload bytes the units consumed (descriptors excluded); bytes written
  // are the strobed bytes of every W beat (STORE rows, vector destinations and SYNC words).
  logic [CntW-1:0] macs_q, rd_bytes_q, wr_bytes_q, cycles_q, l0c_wait_q;
  // The byte counts reach the 48-bit counters a cycle late, from registers: the units' counts
  // come late in their cycle from the R paths, the strobes from the W handshake (FPGA timing:
  // the W beat's strobes are counted every cycle and the handshake registered beside them, so
  // the popcount does not follow the handshake). Under MemSlice the beat is counted as the
  // mux hands it to the port slice, a cycle before it leaves the core, in two steps: each
  // nibble's strobes into a register (one LUT behind the mux's owner select), then their sum
  // (the port slice's registers sit by the NoC bridge: a 4.5 ns hop to a popcount on the
  // FPGA; the whole count behind the owner select was 11.9 ns). The count lands when it did
  // from the port. The counters are read after done, which comes cycles after the last beat.
  localparam int Nibbles = (BeatBytes + 3) / 4;
  logic [BytesW+1:0]              rd_inc_q;  // below 2^BytesW + 2^BytesW + 2^(BytesW+1)
  logic [$clog2(BeatBytes+1)-1:0] w_strobes_q, w_strobes_d;  // the W beat's strobes, counted
  logic                           w_fire_q, w_fire_d;        // ... and whether it was taken
  if (MemSlice != 0) begin : g_w_count_pipe
    logic [Nibbles-1:0][2:0] nib_q;   // each nibble's strobes, counted
    logic                    nib_fire_q;
    always_ff @(posedge clk_i) begin
      if (!rst_ni) nib_fire_q <= 1'b0;
      else nib_fire_q <= mux_req.w_valid && mux_rsp.w_ready;
    end
    logic [4*Nibbles-1:0] strb;
    assign strb = (4 * Nibbles)'(mux_req.w_strb);
    for (genvar i = 0; i < Nibbles; i++) begin : g_nib
      always_ff @(posedge clk_i) nib_q[i] <= 3'($countones(strb[4*i+:4]));
    end
    always_comb begin
      w_strobes_d = '0;
      for (int i = 0; i < Nibbles; i++) w_strobes_d += $bits(w_strobes_d)'(nib_q[i]);
    end
    assign w_fire_d = nib_fire_q;
  end else begin : g_w_count_now
    assign w_strobes_d = $bits(w_strobes_d)'($countones(mux_req.w_strb));
    assign w_fire_d    = mux_req.w_valid && mux_rsp.w_ready;
  end
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      macs_q     <= '0;
      rd_bytes_q <= '0;
      wr_bytes_q <= '0;
      cycles_q   <= '0;
      l0c_wait_q <= '0;
      rd_inc_q   <= '0;
      w_strobes_q <= '0;
      w_fire_q   <= 1'b0;
    end else begin
      if (mo_c_req && !mo_c_gnt) l0c_wait_q <= l0c_wait_q + 1'b1;
      cycles_q <= cycles_q + 1'b1;
      if (cx_beat) macs_q <= macs_q + CntW'(Dim * Dim);
      rd_inc_q   <= $bits(rd_inc_q)'(in_rd_bytes) + $bits(rd_inc_q)'(out_rd_bytes) +
                    $bits(rd_inc_q)'(vec_rd_bytes);
      w_strobes_q <= w_strobes_d;
      w_fire_q   <= w_fire_d;
      rd_bytes_q <= rd_bytes_q + CntW'(rd_inc_q);
      if (w_fire_q) wr_bytes_q <= wr_bytes_q + CntW'(w_strobes_q);
    end
  end

  // Counter select: the values are luoshu_isa_pkg's counter_e (sw/isa/isa.toml).
  logic [CntW-1:0] cnt_value;
  always_comb begin
    unique case (cnt_sel_i)
      luoshu_isa_pkg::CntRetiredLd:    cnt_value = cnt_retired[0];
      luoshu_isa_pkg::CntRetiredEx:    cnt_value = cnt_retired[1];
      luoshu_isa_pkg::CntRetiredSt:    cnt_value = cnt_retired[2];
      luoshu_isa_pkg::CntRetiredSeq:   cnt_value = cnt_retired[3];
      luoshu_isa_pkg::CntFetched:      cnt_value = cnt_fetched;
      luoshu_isa_pkg::CntMacs:         cnt_value = macs_q;
      luoshu_isa_pkg::CntBytesRead:    cnt_value = rd_bytes_q;
      luoshu_isa_pkg::CntBytesWritten: cnt_value = wr_bytes_q;
      luoshu_isa_pkg::CntBusyLd:       cnt_value = cnt_busy[0];
      luoshu_isa_pkg::CntBusyEx:       cnt_value = cnt_busy[1];
      luoshu_isa_pkg::CntBusySt:       cnt_value = cnt_busy[2];
      luoshu_isa_pkg::CntStallLd:      cnt_value = cnt_stall[0];
      luoshu_isa_pkg::CntStallEx:      cnt_value = cnt_stall[1];
      luoshu_isa_pkg::CntStallSt:      cnt_value = cnt_stall[2];
      luoshu_isa_pkg::CntCycles:       cnt_value = cycles_q;
      default:                         cnt_value = l0c_wait_q;  // luoshu_isa_pkg::CntL0CWait
    endcase
  end
  // UnitSlice: the selected value leaves from flip-flops, a cycle old (FPGA timing: the
  // select's 16-way mux and the SoC's register read mux were one path into the AXI-Lite read
  // data). The select is a host register, and a read that follows its write waits for the
  // write's response, a cycle after the select changed at the earliest, so every read still
  // returns the counter it selects (the counters are read after done, which comes cycles
  // after their last increment; only CYCLES reads a cycle less).
  if (UnitSlice != 0) begin : g_cnt_reg
    logic [CntW-1:0] cnt_value_q;
    always_ff @(posedge clk_i) cnt_value_q <= cnt_value;
    assign cnt_value_o = 64'(cnt_value_q);
  end else begin : g_cnt_direct
    assign cnt_value_o = 64'(cnt_value);
  end
endmodule
