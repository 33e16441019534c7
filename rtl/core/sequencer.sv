// Command sequencer of one AI core (docs/core.md, docs/isa.md): fetches descriptors from the
// command ring, validates them (desc_decode), dispatches them in ring order to the LD / EX /
// ST queues, starts each queue's head command on its unit when the tokens allow, executes
// SYNC itself, and stops on faults. Its semantics are the command-level model's
// (sw/model/core_model.cc, CoreModel):
//
//   fetch     ring slot i is one AR burst of 32 bytes at ring_base + 32 i, requested ahead
//             (at most FetchDepth slots between the memory and the decode stage). The window
//             check (ACCESS) and the R error (MEM_ERROR) of a fetch travel with the slot and
//             fault only when the slot reaches decode, where the model would fetch it.
//   decode    the fetch FIFO's head "enters" decode (the model's fetched_ register): head
//             advances, the descriptor is validated; a legal one waits there until dispatch.
//             The validation (desc_decode) runs as a slot enters the fetch FIFO and its
//             verdict travels with the slot: the same answer at the same cycle, but the
//             decoder's adders and products are off the path from the FIFO head to dispatch,
//             unit start and tokens (the longest path in FPGA timing, docs/fpga.md).
//   dispatch  LOAD / MATMUL / STORE into their queue (stalls when full); SYNC waits until
//             the queues are empty and the units idle, writes its word (AW + one W beat),
//             waits for B, raises irq if asked, and only then frees decode.
//   start     a queue's head goes to its unit when the unit is idle, every wait channel has a
//             token and no signal channel is at TokenMax; the waits are taken at start, the
//             signals given at the unit's done (none on a fault). An Overlap unit (MTE-in)
//             also takes its next head while one runs, once it raises ready: started then,
//             its waits taken then; if the first faults, the second is abandoned and its
//             waits given back.
//   faults    the first fault wins: code + ring index latched, nothing more is fetched,
//             decoded, dispatched or started; the state becomes faulted (and irq rises) once
//             everything in flight has finished (units, fetch bursts).
//   deadlock  decode holds a command it cannot dispatch, no queue head can start and nothing
//             is in flight: fault DEADLOCK, index = the oldest queue head (else decode's).
//   blocked   the ring is empty, nothing in flight, queued commands wait for tokens.
//   clear     drops decode and the queues (flushed one entry a cycle), zeroes the tokens,
//             clears fault and irq; work in flight (a command at a unit, fetch bursts, a SYNC
//             write) finishes unseen before anything new is fetched. Ring registers stay, and
//             nothing more is fetched until the next ring_set or doorbell (the model's state
//             after Clear(): idle, or blocked while head != tail).
`include "luoshu_assert.svh"
`include "luoshu_mem.svh"

module sequencer
  import luoshu_isa_pkg::*;
#(
  parameter int Dim        = 16,
  parameter int BeatBytes  = 16,
  parameter int L0aBytes   = 65536,
  parameter int L0bBytes   = 65536,
  parameter int L0cBytes   = 131072,
  parameter int QueueDepth = 8,
  parameter int NumWindows = 4,
  // Units (bit = isa::Queue: LD, EX, ST) that may hold a second command while one runs; such
  // a unit raises sts.ready while busy only when it can take one (docs/core.md).
  parameter logic [2:0] Overlap = 3'b001,
  // 1: a fetched slot passes three registers before the fetch FIFO, and its validation
  // (desc_decode Pipe) takes three cycles: the decoder's multipliers, field checks and
  // block-end compares get a cycle each (FPGA timing, docs/fpga.md). Three more slots are
  // requested ahead to cover them.
  // A ring set also takes effect a cycle after its pulse (decided in the pulse's cycle), and
  // so does a clear (after a doorbell or ring set of the same cycle).
  parameter int DecodePipe = 0,
  // 1: done_bad_next_i is done_bad_i a cycle ahead (ai_core's UnitSlice registers the units'
  // status, so the flags before that register are known), and whether a unit's done faults
  // (any_fault, some 70 loads: the starts, the tokens, dispatch, the fault) is a flip-flop.
  parameter int DoneBadAhead = 0
) (
  input  logic                        clk_i,
  input  logic                        rst_ni,
  // Control (the SoC's registers): one-cycle pulses with their arguments.
  input  logic                        ring_set_i,   // base/size; head = tail = 0
  input  logic [31:0]                 ring_base_i,
  input  logic [31:0]                 ring_size_i,
  input  logic                        doorbell_i,   // tail
  input  logic [31:0]                 tail_i,
  input  logic                        clear_i,
  input  logic                        irq_ack_i,
  output logic                        ctl_error_o,  // pulse: a ring_set / doorbell was refused
  input  luoshu_mem_pkg::win_t [NumWindows-1:0] win_i,
  // Status.
  output logic [StateW-1:0]           state_o,      // a core_state_e
  output logic [31:0]                 head_o,
  output logic [31:0]                 tail_o,
  output logic [FaultW-1:0]           fault_code_o,
  output logic [31:0]                 fault_index_o,
  output logic                        irq_o,
  output logic [3:0][3:0]             tokens_o,     // per channel (Chan*)
  // Counters (free-running, reset only), indexed like isa::Queue: LD, EX, ST (, SEQ).
  output logic [3:0][CntW-1:0]        cnt_retired_o,
  output logic [CntW-1:0]             cnt_fetched_o,
  output logic [2:0][CntW-1:0]        cnt_busy_o,   // cycles the unit reported busy
  output logic [2:0][CntW-1:0]        cnt_stall_o,  // cycles the queue head waited for tokens
  // Observation (timelines), indexed like isa::Queue: one-cycle pulses. start: the unit took
  // the queue's head command (LD, EX, ST), or SYNC began its write (SEQ); done: the command
  // retired (exactly the cnt_retired_o increments). Commands a clear abandons or that fault
  // have a start and no done.
  output logic [3:0]                  cmd_start_o,
  output logic [3:0]                  cmd_done_o,
  // Units (docs/core.md "Unit command interface"), indexed like isa::Queue (LD, EX, ST).
  output luoshu_unit_pkg::cmd_t [luoshu_unit_pkg::NumUnits-1:0] cmd_o,
  input  luoshu_unit_pkg::sts_t [luoshu_unit_pkg::NumUnits-1:0] sts_i,
  // Per unit: its done carries a fault (sts_i.done && sts_i.fault != FaultNone, asserted),
  // made where the status is registered, so the 4-bit compare is not between a unit's done
  // and the starts, tokens and dispatch (FPGA timing).
  input  logic [luoshu_unit_pkg::NumUnits-1:0]                  done_bad_i,
  input  logic [luoshu_unit_pkg::NumUnits-1:0]                  done_bad_next_i,  // DoneBadAhead
  // Memory port: reads fetch descriptors, the write is SYNC's.
  output `LUOSHU_MEM_RD_REQ_T            mem_rd_req_o,
  input  `LUOSHU_MEM_RD_RSP_T(BeatBytes) mem_rd_rsp_i,
  output logic                           mem_r_ready_o,
  output `LUOSHU_MEM_WR_REQ_T(BeatBytes) mem_wr_req_o,
  input  `LUOSHU_MEM_WR_RSP_T            mem_wr_rsp_i,
  output logic                           mem_b_ready_o
);

  if (BeatBytes < 4 || BeatBytes > DescBytes || (BeatBytes & (BeatBytes - 1)) != 0)
  begin : g_bad_beat
    $error("sequencer: BeatBytes must be a power of two in 4..32 (got %0d)", BeatBytes);
  end
  if (L0aBytes < 64 || L0aBytes % 64 != 0 || L0aBytes > (1 << 24)) begin : g_bad_l0a
    $error("sequencer: L0aBytes must be a positive multiple of 64, at most 16 MiB (got %0d)",
           L0aBytes);
  end
  if (L0bBytes < 64 || L0bBytes % 64 != 0 || L0bBytes > (1 << 24)) begin : g_bad_l0b
    $error("sequencer: L0bBytes must be a positive multiple of 64, at most 16 MiB (got %0d)",
           L0bBytes);
  end
  if (L0cBytes < 64 || L0cBytes % 64 != 0 || L0cBytes > (1 << 24)) begin : g_bad_l0c
    $error("sequencer: L0cBytes must be a positive multiple of 64, at most 16 MiB (got %0d)",
           L0cBytes);
  end
  if (QueueDepth < 1) begin : g_bad_depth
    $error("sequencer: QueueDepth must be >= 1 (got %0d)", QueueDepth);
  end
  if (DecodePipe != 0 && DecodePipe != 1) begin : g_bad_decode_pipe
    $error("sequencer: DecodePipe must be 0 or 1 (got %0d)", DecodePipe);
  end
  if (DoneBadAhead != 0 && DoneBadAhead != 1) begin : g_bad_done_bad_ahead
    $error("sequencer: DoneBadAhead must be 0 or 1 (got %0d)", DoneBadAhead);
  end

  localparam int NumUnits     = luoshu_unit_pkg::NumUnits;  // SEQ is counter 3
  localparam int SeqQ         = 3;
  localparam int BeatBits     = 8 * BeatBytes;
  localparam int BeatsPerDesc = DescBytes / BeatBytes;
  localparam int BeatOffW     = $clog2(BeatBytes);
  localparam int SlotShift    = $clog2(DescBytes);
  // Slots requested ahead of decode (decode itself is the fetch FIFO's head), counting those
  // in the decode pipeline.
  localparam int FetchDepth   = 2 + 3 * DecodePipe;
  localparam int FetchCntW    = $clog2(FetchDepth + 1);
  localparam int FetchSumW    = FetchCntW + 1;
  localparam int QCntW        = $clog2(QueueDepth + 1);
  // Decode order stamp: at most 3 QueueDepth + 1 commands are alive, so a wrapping stamp with
  // one spare bit orders them by the sign of a difference.
  localparam int SeqW         = $clog2(3 * QueueDepth + 4) + 1;
  // The end of a SYNC's word (its address + 4), the range end its window check compares.
  localparam int SyncEndW     = 33;
  // {faulty, SYNC word end, validation fault, fetch fault, descriptor}
  localparam int FEntryW      = 1 + SyncEndW + 2 * FaultW + DescBits;
  // {ring index, descriptor above the masks, stamp, descriptor up to the masks' end}: the
  // stamp next to the masks, so the queue's head register holds both (g_unit).
  localparam int QEntryW      = SeqW + 32 + DescBits;
  // The header's wait and signal masks (signal above wait): a queue's head register.
  localparam int MasksW       = HdrSignalMaskLsb + NumChannels - HdrWaitMaskLsb;
  localparam int MasksEnd     = HdrWaitMaskLsb + MasksW;
  // The channels each queue's opcodes may wait on and signal (LD, EX; ST takes the rest).
  localparam logic [2:0][NumChannels-1:0] QueueWaitAllowed = {
    StoreWaitAllowed | VaddWaitAllowed | VmaxWaitAllowed | VrequantWaitAllowed |
    VcopyWaitAllowed, MatmulWaitAllowed, LoadWaitAllowed};
  localparam logic [2:0][NumChannels-1:0] QueueSignalAllowed = {
    StoreSignalAllowed | VaddSignalAllowed | VmaxSignalAllowed | VrequantSignalAllowed |
    VcopySignalAllowed, MatmulSignalAllowed, LoadSignalAllowed};

  // ---------------------------------------------------------------------------------------
  // Declarations
  // ---------------------------------------------------------------------------------------
  logic [31:0] ring_base_q, ring_base_d, ring_size_q, ring_size_d;
  logic [31:0] head_q, head_d, tail_q, tail_d, fetch_ptr_q, fetch_ptr_d;
  logic        ctl_error_q, ctl_error_d;
  // The clear acting this cycle; the one acting next cycle where it is known (DecodePipe);
  // the one acting this cycle that no register saw coming (no DecodePipe).
  logic        clear, clear_next, clear_late;
  logic        flush_q, flush_d;  // a clear is flushing the fetch FIFO and the queues
  logic        halt_q, halt_d;    // cleared: fetch nothing until the host sets the ring or tail

  // Fetch.
  // fetch_out: bursts requested, last beat not yet in; fetch_discard: their data is dropped
  // (clear); fetch_stop: an erroring slot is on its way; acc_pending: an ACCESS slot waits
  // behind the bursts. _n: the next state as if this cycle fetched nothing (fetch_ready_d).
  logic                 ar_valid_q, ar_valid_d, ar_valid_n;
  logic [31:0]          ar_addr_q, ar_addr_d;
  logic [FetchCntW-1:0] fetch_out_q, fetch_out_d, fetch_out_n;
  logic                 fetch_discard_q, fetch_discard_d, fetch_discard_n;
  logic                 fetch_stop_q, fetch_stop_d, fetch_stop_n;
  logic                 acc_pending_q, acc_pending_d, acc_pending_n;
  logic                 r_err_q, r_err_d;
  logic [31:0]          fetch_addr_q, fetch_addr_d;  // ring_base + 32 fetch_ptr, kept in step
  logic                 fetch_wrap;  // the fetch pointer is on the ring's last slot
  logic                 fetch_win_ok, fetch_win_ok_q, fetch_chk_q, fetch_go, fetch_issue;
  logic                 fetch_may, fetch_step;
  logic                 r_end, r_bad, push_r, push_acc;
  logic [DescBits-1:0]  r_desc;
  logic                 p_end, p_bad;    // a fetched slot at the fetch FIFO's input
  logic                 p_push;          // ... pushed: not dropped by a clear or a fault
  logic [DescBits-1:0]  p_desc;  // ... its descriptor

  logic                             f_in_valid, f_in_ready, f_out_valid, f_out_ready;
  logic [FEntryW-1:0]               f_in_data, f_out_data;
  logic [$clog2(FetchDepth+1)-1:0]  f_count;
  logic [DescBits-1:0]              f_desc;
  logic [FaultW-1:0]                f_fault;
  logic                             f_faulty;  // f_fault or val_fault set
  logic [SyncEndW-1:0]              p_sync_end, f_sync_end;  // the slot's SYNC word end

  // Decode.
  logic            dec_q, dec_d;  // the FIFO head has entered decode (validated, legal)
  logic [31:0]     dec_index_q, dec_index_d;
  logic [SeqW-1:0] dec_seq_q, dec_seq_d, seq_q, seq_d;
  logic [FaultW-1:0] val_fault, r_val_fault;
  logic              r_val_faulty;  // r_val_fault != FaultNone
  logic [OpcodeW-1:0] dec_opcode;
  logic            dec_is_sync;
  logic [1:0]      dec_unit;
  logic            dec_try, disp_ok, disp_fire, can_dispatch;

  // Queues and units.
  logic [NumUnits-1:0]              q_in_valid, q_in_ready, q_out_valid, q_out_ready;
  logic [QEntryW-1:0]               q_in_data;
  logic [NumUnits-1:0][QEntryW-1:0] q_out_data;
  logic [NumUnits-1:0][QCntW-1:0]   q_count;
  logic [NumUnits-1:0][DescBits-1:0] h_desc;
  logic [NumUnits-1:0][31:0]        h_index;
  logic [NumUnits-1:0][SeqW-1:0]    h_seq;
  logic [NumUnits-1:0][NumChannels-1:0] h_wait, h_signal;
  logic [NumUnits-1:0]              q_empty, tok_ok, head_ready, unit_free, start, hs;
  logic [NumUnits-1:0]              start_nf, early_nf;  // start, early if no unit faults now
  logic [NumUnits-1:0]              done_ev, done_ok, unit_fault;
  logic                             any_fault;  // a unit's done faults now (unit_fault)
  logic [NumUnits-1:0]              pres_q, pres_d, run_q, run_d, drop_q, drop_d;
  logic [NumUnits-1:0][31:0]        run_index_q, run_index_d;
  logic [NumUnits-1:0][NumChannels-1:0] run_signal_q, run_signal_d;
  logic [NumUnits-1:0]              u_cmd_ready, u_done, u_busy;
  // A second command at a unit that takes one while busy (MTE-in: the next LOAD's reads go
  // out while the last one's data arrives). It is started and handed over in one cycle.
  logic [NumUnits-1:0]              early, sec_q, sec_d, sec_drop_q, sec_drop_d;
  logic [NumUnits-1:0][31:0]        sec_index_q, sec_index_d;
  logic [NumUnits-1:0][NumChannels-1:0] sec_signal_q, sec_signal_d, sec_wait_q, sec_wait_d;
  logic [NumUnits-1:0][FaultW-1:0]  u_done_fault;
  logic                             queues_empty, units_idle, run_ok;
  logic                             all_idle_q;  // queues_empty && units_idle, registered

  // Tokens.
  logic [NumChannels-1:0][TokenW-1:0] tok_q, tok_d;
  logic [NumChannels-1:0]             tok_nonzero, tok_full, tok_near_full, tok_take, tok_give;
  logic [NumChannels-1:0]             tok_return, tok_take_nf, tok_give_nf;

  // SYNC.
  logic        sync_busy_q, sync_busy_d, sync_drop_q, sync_drop_d;
  logic        aw_valid_q, aw_valid_d, w_valid_q, w_valid_d;
  logic [31:0] sync_addr_q, sync_addr_d, sync_value_q, sync_value_d;
  logic        sync_irq_q, sync_irq_d;
  logic        sync_can, sync_win_ok, sync_win_ok_q, sync_start, sync_acc_fault, b_fire, b_live;
  logic        sync_ok;
  logic        b_valid, b_err, b_ok, b_bad;  // the response seen; b_ok / b_bad: its verdict
  logic        b_ok_next;  // DecodePipe: b_ok of the next cycle

  // Faults, state, irq.
  logic              fault_q, fault_d, faulted_q, faulted_d, irq_q, irq_d;
  logic [FaultW-1:0] fault_code_q, fault_code_d;
  logic [31:0]       fault_index_q, fault_index_d;
  logic              raise, raise_now, fault_set, deadlock, in_flight, draining, quiet, work_live;
  logic [FaultW-1:0] raise_code;
  logic [31:0]       raise_index, oldest_index;

  // Control.
  logic        ring_args_ok, ring_set_ok, doorbell_ok;
  logic        rs_set, rs_accept;  // the ring set acted on this cycle; ring_set_i acceptable
  logic [31:0] rs_base, rs_size;   // its arguments
  logic [31:0] size_eff;

  // Counters.
  logic [3:0][CntW-1:0] cnt_retired_q;
  logic [CntW-1:0]      cnt_fetched_q;
  logic [2:0][CntW-1:0] cnt_busy_q, cnt_stall_q;

  // The ring slot after `slot` in a ring whose last slot is `last`.
  function automatic logic [31:0] next_slot(input logic [31:0] slot, input logic [31:0] last);
    next_slot = (slot == last) ? 32'd0 : slot + 32'd1;
  endfunction

  // ---------------------------------------------------------------------------------------
  // Control registers
  // ---------------------------------------------------------------------------------------
  // DecodePipe: a clear acts a cycle after its pulse, so the registers that a clear gates
  // (each queue's dispatch offer, the stop of the starts) are loaded with it a cycle ahead,
  // and the host's clear, one flip-flop wherever it is placed, no longer fans out into the
  // queues' write enables (FPGA timing, docs/fpga.md; ai_core then leaves it unregistered, so
  // the core's cycles stay the same).
  if (DecodePipe != 0) begin : g_clear_reg
    logic clear_q;
    always_ff @(posedge clk_i) begin
      if (!rst_ni) clear_q <= 1'b0;
      else clear_q <= clear_i;
    end
    assign clear      = clear_q;
    assign clear_next = clear_i;
    assign clear_late = 1'b0;
  end else begin : g_clear_now
    assign clear      = clear_i;
    assign clear_next = 1'b0;
    assign clear_late = clear_i;
  end

  // Work that still counts: anything but what a clear has already abandoned.
  assign work_live = (!flush_q && (dec_q || f_out_valid || !queues_empty || acc_pending_q)) ||
                     (fetch_out_q != '0 && !fetch_discard_q) || (|((pres_q | run_q) & ~drop_q)) ||
                     (|(sec_q & ~sec_drop_q)) || (sync_busy_q && !sync_drop_q);
  // As CoreModel::SetRing: 32-byte aligned base, >= 2 slots, inside the address space, and
  // only while no command is in flight (idle, or right after a clear).
  // The end bound in slots (the base is a slot's where it counts): a 33-bit sum and a compare
  // written as >= (a carry chain alone), not a 38-bit sum and <= (FPGA timing; asserted).
  logic [32:0] ring_end_slots;
  assign ring_end_slots = 33'(ring_base_i[31:SlotShift]) + 33'(ring_size_i);
  assign ring_args_ok = (ring_base_i[SlotShift-1:0] == '0) && (ring_size_i >= 32'd2) &&
                        (33'(1 << (32 - SlotShift)) >= ring_end_slots);
  `ASSERT_ALWAYS(a_ring_args, clk_i, rst_ni,
                 ring_args_ok == ((ring_base_i[SlotShift-1:0] == '0) && (ring_size_i >= 32'd2) &&
                                  ({6'b0, ring_base_i} + {1'b0, ring_size_i, 5'b0} <=
                                   38'h1_0000_0000)),
                 "the ring's bounds check in slots disagrees with the one in bytes")
  assign rs_accept    = ring_set_i && ring_args_ok && (clear || (!fault_q && !work_live));
  // DecodePipe: the ring set acts a cycle after its pulse, accepted or refused as it would
  // have been in the pulse's cycle (registered), so the in-flight state (work_live) and the
  // loads the set enables are in different cycles (the sequencer's longest path alone,
  // docs/fpga.md). Nothing is fetched in the pulse's cycle, so no command starts between the
  // decision and the set.
  if (DecodePipe != 0) begin : g_ring_set_reg
    logic        rs_set_q, rs_ok_q;
    logic [31:0] rs_base_q, rs_size_q;
    always_ff @(posedge clk_i) begin
      if (!rst_ni) rs_set_q <= 1'b0;
      else rs_set_q <= ring_set_i;
      rs_ok_q   <= rs_accept;
      rs_base_q <= ring_base_i;
      rs_size_q <= ring_size_i;
    end
    assign rs_set      = rs_set_q;
    assign ring_set_ok = rs_set_q && rs_ok_q;
    assign rs_base     = rs_base_q;
    assign rs_size     = rs_size_q;
    `ASSERT_ALWAYS(a_ring_set_alone, clk_i, rst_ni, !(ring_set_i && (doorbell_i || rs_set_q)),
                   "a ring set in the cycle of a doorbell or of another ring set")
  end else begin : g_ring_set_now
    assign rs_set      = ring_set_i;
    assign ring_set_ok = rs_accept;
    assign rs_base     = ring_base_i;
    assign rs_size     = ring_size_i;
  end
  assign size_eff     = ring_set_ok ? rs_size : ring_size_q;
  // Both bounds compared at once, the choice after: keeps the compare off the path from the
  // in-flight state (work_live -> ring_set_ok).
  assign doorbell_ok  = doorbell_i &&
                        (ring_set_ok ? tail_i < rs_size : tail_i < ring_size_q);
  assign ctl_error_d  = (rs_set && !ring_set_ok) || (doorbell_i && !doorbell_ok);

  // ---------------------------------------------------------------------------------------
  // Fetch: AR requests ahead of decode, R beats assembled into the fetch FIFO
  // ---------------------------------------------------------------------------------------
  assign draining   = flush_q || (|drop_q) || (|sec_drop_q) || sync_drop_q || fetch_discard_q;
  // The next slot's address is a register moved with the fetch pointer (the next slot's, the
  // ring base at a wrap or a ring set, the head's at a clear), not a sum of the two: the sum's
  // carry chain stood in front of the window check's (its longest path, docs/fpga.md).
  // The ring's last slot is a register of its own (size - 1, set with the size), so the wrap
  // tests of the fetch pointer and the head are an equality, no add in front of it (the add
  // and compare ran into the fetch pointer's and address's 64 loads, FPGA timing, docs/fpga.md).
  logic [31:0] ring_last_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) ring_last_q <= '1;  // size 0
    else if (ring_set_ok) ring_last_q <= rs_size - 32'd1;
  end
  `ASSERT_ALWAYS(a_ring_last, clk_i, rst_ni, ring_last_q == ring_size_q - 32'd1,
                 "the ring's last-slot register disagrees with the ring size")
  // Whether the fetch pointer is on the last slot is a register as well, loaded from the
  // next pointer's cases (each compare from registers, the choice after): the 32-bit equality
  // was in front of the fetch address's 64 loads (FPGA timing, docs/fpga.md; asserted).
  // A step from the last slot goes to slot 0, never the last (a set ring has >= 2 slots).
  logic fetch_wrap_q, fetch_wrap_d;
  always_comb begin
    fetch_wrap_d = fetch_wrap_q;
    if (fetch_step) fetch_wrap_d = !fetch_wrap_q && (fetch_ptr_q + 32'd1 == ring_last_q);
    if (clear) fetch_wrap_d = head_q == ring_last_q;
    if (ring_set_ok) fetch_wrap_d = 1'b0;
  end
  always_ff @(posedge clk_i) begin
    if (!rst_ni) fetch_wrap_q <= 1'b0;
    else fetch_wrap_q <= fetch_wrap_d;
  end
  assign fetch_wrap = fetch_wrap_q;
  `ASSERT_ALWAYS(a_fetch_wrap_reg, clk_i, rst_ni, fetch_wrap_q == (fetch_ptr_q == ring_last_q),
                 "the registered fetch wrap disagrees with the fetch pointer and last slot")
  `ASSERT_ALWAYS(a_fetch_addr, clk_i, rst_ni,
                 fetch_addr_q == ring_base_q + (fetch_ptr_q << SlotShift),
                 "the fetch address register disagrees with the ring base and fetch pointer")

  // The slot's window check without the add of its end: a slot is 32-byte aligned (the ring
  // base is, asserted), so its end, addr + 32, is at most a window's limit exactly when its
  // last byte, addr with the low bits set (no carry), is below the limit. One compare per
  // bound, not an add and a compare in series (FPGA timing; as window_check, asserted).
  `ASSERT_ALWAYS(a_fetch_addr_aligned, clk_i, rst_ni, fetch_addr_q[SlotShift-1:0] == '0,
                 "the fetch address is not a slot's")
  logic [NumWindows-1:0] fetch_in_win;
  for (genvar w = 0; w < NumWindows; w++) begin : g_fetch_win
    assign fetch_in_win[w] = win_i[w].used && (fetch_addr_q >= win_i[w].base) &&
                             ({2'b0, fetch_addr_q[31:SlotShift], {SlotShift{1'b1}}} <
                              win_i[w].limit);
  end
  assign fetch_win_ok = |fetch_in_win;
`ifndef SYNTHESIS
  logic fetch_win_ref;
  window_check #(.NumWindows(NumWindows)) u_fetch_win (
    .win_i         (win_i),
    .addr_i        (fetch_addr_q),
    .len_i         (33'(DescBytes)),
    .write_i       (1'b0),
    .ok_o          (fetch_win_ref)
  );
  `ASSERT_ALWAYS(a_fetch_win, clk_i, rst_ni, fetch_win_ok == fetch_win_ref,
                 "the slot's window check disagrees with window_check")
`endif

  // The window check of the next slot is registered (its adders and compares stay off the
  // path into the fetch pointer): fetch_chk_q says the check was made for the current pointer
  // and ring. It is low for a cycle after either changes, which costs no cycle: after an issue
  // ar_valid_q holds the next one off for a cycle anyway, and after a ring set or a clear the
  // tail takes a cycle to move. The windows the fetch sees are those of the cycle before.
  // Whether the pointer has not reached the tail is registered too, from the next tail (each
  // possible next tail compared, the choice after), so the 32-bit compare is off the same
  // path: the pointer does not move while fetch_chk_q is high, so there it is exact (same
  // cycles, asserted).
  logic fetch_more_q, fetch_more_d;  // fetch_ptr_q != tail_q, where fetch_chk_q is high
  logic fetch_chk_d;
  assign fetch_chk_d  = !(fetch_step || clear || ring_set_ok);
  assign fetch_more_d = doorbell_ok ? fetch_ptr_q != tail_i :
                        ring_set_ok ? fetch_ptr_q != '0 : fetch_ptr_q != tail_q;
  always_ff @(posedge clk_i) fetch_win_ok_q <= fetch_win_ok;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      fetch_chk_q  <= 1'b0;
      fetch_more_q <= 1'b0;
    end else begin
      fetch_chk_q  <= fetch_chk_d;
      fetch_more_q <= fetch_more_d;
    end
  end
  `ASSERT_ALWAYS(a_fetch_more, clk_i, rst_ni,
                 !fetch_chk_q || fetch_more_q == (fetch_ptr_q != tail_q),
                 "the registered fetch pointer / tail compare disagrees with them")

  // A ring set stops the fetch, but it is late (it waits for the in-flight state, work_live),
  // so it only gates what it does not override: fetch_step moves the pointer, address and AR
  // address (a ring set loads the first two, and the AR is not offered then), fetch_issue
  // also raises the AR and counts the burst.
  // Its terms that are registers (and a clear known a cycle ahead) are one flip-flop,
  // fetch_ready_q, loaded from their next state (same cycles, asserted): the fetch step
  // enables the fetch pointer's and address's 64 flip-flops, so the drains' OR and the
  // burst count's sum and compare are kept off that fanout (FPGA timing, docs/fpga.md).
  logic                            fetch_ready_q, fetch_ready_d, draining_n;
  logic [$clog2(FetchDepth+1)-1:0] f_count_d;
  assign f_count_d     = f_count + $bits(f_count)'(f_in_valid && f_in_ready) -
                         $bits(f_count)'(f_out_valid && f_out_ready);
  // A fetch this cycle (fetch_may: a step clears fetch_chk_d, a go outside the windows sets
  // acc_pending_d, a ring set clears fetch_chk_d) leaves the readiness low, so its terms are
  // those of the next state without a fetch (_n) and fetch_may is ANDed last: the fault, the
  // ring set pulse, the window verdict and fetch_ready_q itself meet one LUT before the
  // register, not the fetch's effects on the burst count, the flags and the FIFO-room sum
  // (FPGA timing: fault_q -> fetch_ready_q, 11.8 ns in one run; same value, asserted against
  // the plain form, a_fetch_ready_d). The doorbell's tail compare (doorbell_ok) picks last
  // but one, between the terms as with and as without it (halt_d and fetch_more_d written
  // out: a doorbell lifts the halt; a clear or a ring set clears fetch_chk_d, so their cases
  // are left out), so the tail's two compares are side by side, not in series with the rest.
  assign draining_n    = flush_d || (|drop_d) || (|sec_drop_d) || sync_drop_d || fetch_discard_n;
  logic fetch_ready_rest_n, fetch_ready_db, fetch_ready_nodb;
  assign fetch_ready_rest_n = !draining_n && !fetch_stop_n && !acc_pending_n && !ar_valid_n &&
                              !clear && !ring_set_ok && !clear_next &&
                              (FetchSumW'(fetch_out_n) + FetchSumW'(f_count_d) <
                               FetchSumW'(FetchDepth));
  assign fetch_ready_db   = fetch_ptr_q != tail_i;
  assign fetch_ready_nodb = !halt_q && fetch_ptr_q != tail_q;
  assign fetch_ready_d    = !fetch_may && fetch_ready_rest_n &&
                            (doorbell_ok ? fetch_ready_db : fetch_ready_nodb);
`ifndef SYNTHESIS
  logic draining_d, fetch_ready_rest;  // the plain form, with this cycle's fetch
  assign draining_d       = flush_d || (|drop_d) || (|sec_drop_d) || sync_drop_d ||
                            fetch_discard_d;
  assign fetch_ready_rest = !draining_d && !fetch_stop_d && !acc_pending_d && !ar_valid_d &&
                            fetch_chk_d && !clear_next &&
                            (FetchSumW'(fetch_out_d) + FetchSumW'(f_count_d) <
                             FetchSumW'(FetchDepth));
  `ASSERT_ALWAYS(a_fetch_ready_d, clk_i, rst_ni,
                 fetch_ready_d == (!halt_d && fetch_more_d && fetch_ready_rest),
                 "the fetch readiness without this cycle's fetch disagrees with its terms")
`endif
  always_ff @(posedge clk_i) begin
    if (!rst_ni) fetch_ready_q <= 1'b0;
    else fetch_ready_q <= fetch_ready_d;
  end
  `ASSERT_ALWAYS(a_fetch_ready_reg, clk_i, rst_ni,
                 fetch_ready_q == (!halt_q && !draining && !fetch_stop_q && !acc_pending_q &&
                                   !ar_valid_q && fetch_chk_q && !(clear && !clear_late) &&
                                   fetch_more_q &&
                                   (FetchSumW'(fetch_out_q) + FetchSumW'(f_count) <
                                    FetchSumW'(FetchDepth))),
                 "the registered fetch readiness disagrees with the fetch state")
  assign fetch_may   = fetch_ready_q && !fault_q && !clear_late &&
                       !(DecodePipe != 0 && ring_set_i);
  assign fetch_go    = fetch_may && !ring_set_ok;
  assign fetch_step  = fetch_may && fetch_win_ok_q;
  assign fetch_issue = fetch_step && !ring_set_ok;

  // R: r_ready is always high (the FIFO has room for every burst requested).
  assign mem_r_ready_o = 1'b1;
  assign r_end  = mem_rd_rsp_i.r_valid && mem_rd_rsp_i.r_last;
  assign r_bad  = r_err_q || mem_rd_rsp_i.r_err;
  assign push_r = p_push;
  `ASSERT_ALWAYS(a_push_r_reg, clk_i, rst_ni, push_r == (p_end && !fetch_discard_q && !fault_q),
                 "the fetched slot's push disagrees with its end, the drop and the fault")
  // The ACCESS slot enters the FIFO once the bursts before it are in (keeps ring order).
  // From a register loaded with the next state (same cycles, asserted): push_acc selects the
  // fetch FIFO's write data and drives its push, so the burst count's zero test is kept off
  // those ~150 loads (FPGA timing, docs/fpga.md).
  logic push_acc_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) push_acc_q <= 1'b0;
    else push_acc_q <= acc_pending_d && (fetch_out_d == '0) && !fetch_discard_d;
  end
  assign push_acc = push_acc_q;
  `ASSERT_ALWAYS(a_push_acc_reg, clk_i, rst_ni,
                 push_acc_q == (acc_pending_q && (fetch_out_q == '0) && !fetch_discard_q),
                 "the registered ACCESS push disagrees with its pending flag and the bursts")

  if (BeatsPerDesc == 1) begin : g_one_beat
    assign r_desc = mem_rd_rsp_i.r_data;
  end else begin : g_beats
    localparam int BeatCntW = $clog2(BeatsPerDesc);
    logic [BeatCntW-1:0] beat_q;
    logic [(BeatsPerDesc-1)*BeatBits-1:0] rbuf_q;  // earlier beats of the current burst
    always_ff @(posedge clk_i) begin
      if (!rst_ni) begin
        beat_q <= '0;
      end else if (mem_rd_rsp_i.r_valid) begin
        beat_q <= mem_rd_rsp_i.r_last ? '0 : beat_q + 1'b1;
      end
    end
    always_ff @(posedge clk_i) begin
      if (mem_rd_rsp_i.r_valid && !mem_rd_rsp_i.r_last) begin
        rbuf_q[beat_q*BeatBits +: BeatBits] <= mem_rd_rsp_i.r_data;
      end
    end
    assign r_desc = {mem_rd_rsp_i.r_data, rbuf_q};
  end

  // The slot reaches the fetch FIFO with its validation verdict: at once, or three cycles
  // later beside the decoder's three registers (the fetch counts it as outstanding until
  // then).
  // DecodePipe: whether the slot is pushed is a register too, loaded from the next state
  // (same cycles, a_push_r_reg): the push loads the fetch FIFO's ~300-bit head register, and
  // the slot's end, the drop and the fault are flip-flops far apart (FPGA timing, docs/fpga.md).
  if (DecodePipe != 0) begin : g_decode_pipe
    logic                end1_q, end2_q, end3_q, push_q, bad1_q, bad2_q, bad3_q;
    logic [DescBits-1:0] desc1_q, desc2_q, desc3_q;
    always_ff @(posedge clk_i) begin
      if (!rst_ni) begin
        end1_q <= 1'b0;
        end2_q <= 1'b0;
        end3_q <= 1'b0;
        push_q <= 1'b0;
      end else begin
        end1_q <= r_end;
        end2_q <= end1_q;
        end3_q <= end2_q;
        push_q <= end2_q && !fetch_discard_d && !fault_d;
      end
    end
    always_ff @(posedge clk_i) begin
      bad1_q  <= r_bad;
      bad2_q  <= bad1_q;
      bad3_q  <= bad2_q;
      desc2_q <= desc1_q;
      desc3_q <= desc2_q;
    end
    // With its slot only, as the decoder's first register (desc_decode valid_i): not merged
    // with the vector unit's register of the same read data.
    always_ff @(posedge clk_i) begin
      if (r_end) desc1_q <= r_desc;
    end
    assign p_end  = end3_q;
    assign p_push = push_q;
    assign p_bad  = bad3_q;
    assign p_desc = desc3_q;
  end else begin : g_decode_now
    assign p_end  = r_end;
    assign p_push = r_end && !fetch_discard_q && !fault_q;
    assign p_bad  = r_bad;
    assign p_desc = r_desc;
  end

  assign f_in_valid = push_r || push_acc;
  // The ACCESS slot carries no descriptor: its fetch fault wins before validation counts.
  // The leading bit says "either fault is set", computed before the FIFO so the head's fault
  // test (which stops every start the same cycle) is one flop, not two code compares. The
  // SYNC word's end is added before the FIFO too, so the window check at the head compares
  // (u_sync_win) without an add in front (read as a SYNC's only).
  assign p_sync_end = SyncEndW'(p_desc[SyncAddrLsb +: 32]) + SyncEndW'(4);
  assign f_in_data  = push_acc ? {1'b1, SyncEndW'(4), FaultNone, FaultAccess, {DescBits{1'b0}}}
                               : {p_bad || r_val_faulty, p_sync_end, r_val_fault,
                                  p_bad ? FaultMemError : FaultNone, p_desc};

  // HeadReg: decode, dispatch, SYNC and the fault checks read the head from a register.
  stream_fifo #(.Depth(FetchDepth), .Width(FEntryW), .HeadReg(1)) u_fetch_fifo (
    .clk_i      (clk_i),
    .rst_ni     (rst_ni),
    .in_valid_i (f_in_valid),
    .in_ready_o (f_in_ready),
    .in_data_i  (f_in_data),
    .out_valid_o(f_out_valid),
    .out_ready_i(f_out_ready),
    .out_data_o (f_out_data),
    .count_o    (f_count)
  );
  assign f_desc  = f_out_data[DescBits-1:0];
  assign f_fault   = f_out_data[DescBits +: FaultW];
  assign val_fault = f_out_data[DescBits + FaultW +: FaultW];
  assign f_sync_end = f_out_data[DescBits + 2 * FaultW +: SyncEndW];
  assign f_faulty  = f_out_data[FEntryW-1];
  `ASSERT_ALWAYS(a_f_faulty, clk_i, rst_ni,
                 !f_out_valid || f_faulty == (f_fault != FaultNone || val_fault != FaultNone),
                 "the fetch FIFO head's fault flag disagrees with its fault codes")
  `ASSERT_ALWAYS(a_f_sync_end, clk_i, rst_ni,
                 !f_out_valid ||
                 f_sync_end == SyncEndW'(f_desc[SyncAddrLsb +: 32]) + SyncEndW'(4),
                 "the fetch FIFO head's SYNC word end disagrees with its address")

  // The next state without this cycle's fetch, then with it.
  always_comb begin
    ar_valid_n      = ar_valid_q && !mem_rd_rsp_i.ar_ready;
    fetch_out_n     = fetch_out_q - FetchCntW'(p_end);
    acc_pending_n   = acc_pending_q && !push_acc && !clear && !ring_set_ok;
    fetch_stop_n    = (fetch_stop_q || (push_r && p_bad)) && !clear && !ring_set_ok;
    fetch_discard_n = (fetch_discard_q || clear) && (fetch_out_n != '0);
  end
  always_comb begin
    ar_valid_d      = ar_valid_n;
    ar_addr_d       = ar_addr_q;
    fetch_ptr_d     = fetch_ptr_q;
    fetch_addr_d    = fetch_addr_q;
    fetch_out_d     = fetch_out_n;
    acc_pending_d   = acc_pending_n;
    fetch_stop_d    = fetch_stop_n;
    r_err_d         = mem_rd_rsp_i.r_valid ? (r_bad && !mem_rd_rsp_i.r_last) : r_err_q;
    if (fetch_step) begin
      ar_addr_d    = fetch_addr_q;
      fetch_ptr_d  = fetch_wrap ? '0 : fetch_ptr_q + 32'd1;
      fetch_addr_d = fetch_wrap ? ring_base_q : fetch_addr_q + 32'(DescBytes);
    end
    if (fetch_issue) begin
      ar_valid_d   = 1'b1;
      fetch_out_d  = fetch_out_n + 1'b1;
    end else if (fetch_go && !clear) begin  // outside the windows: fault ACCESS at decode
      acc_pending_d = 1'b1;                 // (a clear or a ring set: nothing pending)
      fetch_stop_d  = 1'b1;
    end
    if (clear) begin
      fetch_ptr_d   = head_q;  // refetch from the first slot not decoded
      fetch_addr_d  = ring_base_q + (head_q << SlotShift);
    end
    if (ring_set_ok) begin
      fetch_ptr_d   = '0;
      fetch_addr_d  = rs_base;
    end
    fetch_discard_d = (fetch_discard_q || clear) && (fetch_out_d != '0);
  end

  assign mem_rd_req_o.ar_valid = ar_valid_q;
  assign mem_rd_req_o.ar_addr  = ar_addr_q;
  assign mem_rd_req_o.ar_len   = 8'(BeatsPerDesc - 1);

  // ---------------------------------------------------------------------------------------
  // Decode and dispatch
  // ---------------------------------------------------------------------------------------
  // Validates each slot as it arrives (DecodePipe: over the three cycles it takes to the fetch
  // FIFO); val_fault is the verdict at the head.
  desc_decode #(
    .Dim     (Dim),
    .L0aBytes(L0aBytes),
    .L0bBytes(L0bBytes),
    .L0cBytes(L0cBytes),
    .Pipe    (DecodePipe)
  ) u_decode (
    .clk_i  (clk_i),
    .rst_ni (rst_ni),
    .valid_i(r_end),
    .desc_i (r_desc),
    .fault_o (r_val_fault),
    .faulty_o(r_val_faulty)
  );

  assign dec_opcode  = f_desc[HdrOpcodeLsb +: OpcodeW];
  assign dec_is_sync = dec_opcode == OpSync;
  assign dec_unit    = (dec_opcode == OpLoad) ? 2'd0 : (dec_opcode == OpMatmul) ? 2'd1 : 2'd2;
  assign dec_try     = f_out_valid && !dec_q && !fault_q && !flush_q && !clear;
  assign disp_ok     = dec_q && !fault_q && !flush_q && !clear;

  // The decoded command's destination, registered as the head enters decode (the head does
  // not change while dec_q holds): the opcode compares stay off the path from the FIFO head
  // through dispatch to the FIFO's pop.
  logic [NumUnits-1:0] dec_queue_q, dec_queue_d;  // one-hot LD / EX / ST queue, zero for SYNC
  logic                dec_sync_q, dec_sync_d;
  always_comb begin
    dec_queue_d = dec_queue_q;
    dec_sync_d  = dec_sync_q;
    if (dec_try) begin
      for (int u = 0; u < NumUnits; u++) dec_queue_d[u] = !dec_is_sync && dec_unit == 2'(u);
      dec_sync_d = dec_is_sync;
    end
  end
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      dec_queue_q <= '0;
      dec_sync_q  <= 1'b0;
    end else begin
      dec_queue_q <= dec_queue_d;
      dec_sync_q  <= dec_sync_d;
    end
  end
  `ASSERT_ALWAYS(a_dec_dest, clk_i, rst_ni,
                 !dec_q || (dec_sync_q == dec_is_sync &&
                            dec_queue_q == (dec_is_sync ? '0 : NumUnits'(1) << dec_unit)),
                 "the registered dispatch destination disagrees with the decode head")

  assign q_in_data = {dec_index_q, f_desc[DescBits-1:MasksEnd], dec_seq_q, f_desc[MasksEnd-1:0]};
  // The offer to each queue: decode holds a command for it, no clear is flushing, and the
  // queue has room, as one register per queue (disp_q) loaded from the next state (the next
  // count from this cycle's push and pop) rather than an AND of five flip-flops and the
  // queue's count compare: the offer drives the queue's write and, through the fetch FIFO's
  // pop, its head register (FPGA timing, docs/fpga.md; same cycles, asserted). A fault stops
  // it in the register too: of the faults raised in a cycle that loads an offer only a unit's
  // can be (decode's and SYNC's hold decode, a deadlock has no room), so the fault known a
  // cycle ahead is fault_q or any_fault (asserted), and the write enable of the queue, some
  // 75 distributed-RAM cells, is the flip-flop and the queue's room test. A clear this cycle
  // (unregistered: no DecodePipe) still gates it.
  logic [NumUnits-1:0] disp_q, disp_d, q_pop;
  for (genvar u = 0; u < NumUnits; u++) begin : g_dispatch
    assign q_pop[u]  = q_out_valid[u] && q_out_ready[u];
    // Room next cycle: a pop makes it; else full now, or one short and pushed now, leaves none.
    // A clear known a cycle ahead is in the register too.
    assign disp_d[u] = dec_d && !flush_d && dec_queue_d[u] && !clear_next &&
                       !fault_q && !any_fault &&
                       (q_pop[u] || !(q_count[u] == QCntW'(QueueDepth) ||
                                      (q_count[u] == QCntW'(QueueDepth - 1) && q_in_valid[u])));
    // Valid only with room, so a fault or clear never withdraws an offered entry.
    assign q_in_valid[u] = disp_q[u] && !clear_late;
    `ASSERT_ALWAYS(a_disp_reg, clk_i, rst_ni,
                   disp_q[u] == (dec_q && !flush_q && dec_queue_q[u] && q_in_ready[u] &&
                                 !fault_q && !(clear && !clear_late)),
                   "the registered dispatch offer disagrees with decode, fault, flush, clear, room")
  end
  always_ff @(posedge clk_i) begin
    if (!rst_ni) disp_q <= '0;
    else disp_q <= disp_d;
  end
  assign disp_fire = |q_in_valid;
  assign can_dispatch = dec_sync_q ? (queues_empty && units_idle && !sync_busy_q)
                                   : (dec_queue_q & q_in_ready) != '0;

  always_comb begin
    dec_d       = dec_q;
    dec_index_d = dec_index_q;
    dec_seq_d   = dec_seq_q;
    seq_d       = seq_q;
    head_d      = head_q;
    if (dec_try && f_fault == FaultNone) begin
      head_d = next_slot(head_q, ring_last_q);
      if (val_fault == FaultNone) begin
        dec_d       = 1'b1;
        dec_index_d = head_q;
        dec_seq_d   = seq_q;
        seq_d       = seq_q + 1'b1;
      end
    end
    if (disp_fire || sync_ok) dec_d = 1'b0;
    if (clear) dec_d = 1'b0;
    if (ring_set_ok) head_d = '0;
  end

  // DecodePipe: the fetch FIFO's pop, which loads its ~300-bit head register, is a
  // flip-flop loaded with the next cycle's dispatch, SYNC retire and flush (same cycles,
  // asserted), not an OR of the offers in front of that fanout (FPGA timing, docs/fpga.md).
  logic f_pop_any;  // disp_fire || sync_ok || flush_q
  assign f_pop_any = disp_fire || sync_ok || flush_q;
  if (DecodePipe != 0) begin : g_f_pop_reg
    logic f_pop_q;
    always_ff @(posedge clk_i) begin
      if (!rst_ni) f_pop_q <= 1'b0;
      else f_pop_q <= (|disp_d) || (b_ok_next && !clear_next) || flush_d;
    end
    assign f_out_ready = f_pop_q;
    `ASSERT_ALWAYS(a_f_pop_reg, clk_i, rst_ni, f_pop_q == f_pop_any,
                   "the registered fetch FIFO pop disagrees with dispatch, SYNC and flush")
  end else begin : g_f_pop_now
    logic unused_b_ok_next;
    assign unused_b_ok_next = b_ok_next;
    assign f_out_ready = f_pop_any;
  end

  // ---------------------------------------------------------------------------------------
  // Queues and units
  // ---------------------------------------------------------------------------------------
  // The channels' flags are registers loaded with the next counts rather than compares on
  // tok_q: they feed every queue head's token check, on the path into the starts.
  // A channel's next count is one of four values made from tok_q alone (one less, the same,
  // one more, two more), each with its flags: this cycle's take and give (give - take) pick
  // one of the first three, and the return of an abandoned second command's wait the next
  // one up unless the pick is at TokenMax (saturating). So a unit's done only selects; it
  // does not run through an add, a subtract and the flag compares (FPGA timing: a unit's
  // registered done -> the counts and flags, docs/fpga.md; same values, asserted).
  for (genvar c = 0; c < NumChannels; c++) begin : g_tok_flags
    logic nonzero_q, full_q, near_full_q;
    logic [3:0][TokenW-1:0] cand;  // tok_q - 1 + i
    logic [3:0]             cand_nonzero, cand_full, cand_near_full;
    logic [1:0]             pick, pick_nf, pick_f, step_f;  // indices into cand
    always_comb begin
      for (int i = 0; i < 4; i++) begin
        cand[i]           = tok_q[c] + TokenW'(i) - TokenW'(1);
        cand_nonzero[i]   = cand[i] != '0;
        cand_full[i]      = cand[i] == TokenW'(TokenMax);
        cand_near_full[i] = cand[i] == TokenW'(TokenMax - 1);
      end
    end
    // Two picks, the unit faults choosing last: without a fault nothing is returned and the
    // take and give are those of no fault (no fault code in them); with one nothing is taken.
    assign pick_nf  = (tok_take_nf[c] == tok_give_nf[c]) ? 2'd1 : (tok_give_nf[c] ? 2'd2 : 2'd0);
    assign step_f   = tok_give[c] ? 2'd2 : 2'd1;
    assign pick_f   = step_f + 2'(tok_return[c] && !cand_full[step_f]);
    assign pick     = any_fault ? pick_f : pick_nf;
    assign tok_d[c] = clear ? '0 : cand[pick];
    always_ff @(posedge clk_i) begin
      if (!rst_ni) begin
        nonzero_q   <= 1'b0;
        full_q      <= 1'b0;
        near_full_q <= 1'b0;
      end else begin  // a clear empties the channel: none of the three (TokenMax >= 2)
        nonzero_q   <= !clear && (any_fault ? cand_nonzero[pick_f] : cand_nonzero[pick_nf]);
        full_q      <= !clear && (any_fault ? cand_full[pick_f] : cand_full[pick_nf]);
        near_full_q <= !clear && (any_fault ? cand_near_full[pick_f] : cand_near_full[pick_nf]);
      end
    end
`ifndef SYNTHESIS
    logic [TokenW-1:0] sum;  // the count as a sum: the give, the take, the saturating return
    assign sum = tok_q[c] - TokenW'(tok_take[c]) + TokenW'(tok_give[c]);
    `ASSERT_ALWAYS(a_tok_pick, clk_i, rst_ni,
                   tok_d[c] == (clear ? '0 : sum + TokenW'(tok_return[c] &&
                                                          sum != TokenW'(TokenMax))),
                   "a token channel's picked next count disagrees with its sum")
`endif
    assign tok_nonzero[c]   = nonzero_q;
    assign tok_full[c]      = full_q;
    assign tok_near_full[c] = near_full_q;
    `ASSERT_ALWAYS(a_tok_flags, clk_i, rst_ni,
                   {nonzero_q, full_q, near_full_q} ==
                   {tok_q[c] != '0, tok_q[c] == TokenW'(TokenMax),
                    tok_q[c] == TokenW'(TokenMax - 1)},
                   "a token channel's flags disagree with its count")
  end

  // A fault raised this cycle stops every start. A deadlock is left out: it is raised only
  // when no queue head is ready, and then nothing starts anyway (this keeps the queue heads'
  // token checks off the path into the starts).
  // For FPGA timing (same cycles, asserted against the plain form, run_ok): a register says
  // a fault, a flush or a clear known a cycle ahead stops the starts (stop_q), one says a
  // unit's done would count (armed_q: a command runs there that no clear or fault abandoned,
  // nor a clear known a cycle ahead abandons now, so the done's terms carry only the
  // unregistered clear), and the units' faults stop the starts last (any_fault; a unit's own
  // fault never meets its start: it starts only when free, so without a done, and takes a
  // second command only when not done). The starts, takes and channel counts are made as if
  // no unit faulted (start_nf, tok_take_nf, tok_give_nf: no fault code in them) and any_fault
  // picks, so a unit's done reaches them through few LUT levels.
  logic                stop_q, run_base;
  logic [NumUnits-1:0] armed_q, armed_d;
  // The signals a done would give, per unit (run_signal_q where armed_q): a register as well,
  // so a unit's registered done meets one flip-flop per channel on its way into the channel
  // counts' pick (tok_give_nf; FPGA timing: a unit's done -> the token flags).
  logic [NumUnits-1:0][NumChannels-1:0] give_armed_q;
  assign armed_d = run_d & ~drop_d & ~{NumUnits{clear_next}};
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      stop_q       <= 1'b0;
      armed_q      <= '0;
      give_armed_q <= '0;
    end else begin
      stop_q  <= fault_d || flush_d || clear_next;
      armed_q <= armed_d;
      for (int u = 0; u < NumUnits; u++) begin
        give_armed_q[u] <= run_signal_d[u] & {NumChannels{armed_d[u]}};
      end
    end
  end
  for (genvar u = 0; u < NumUnits; u++) begin : g_give_armed
    `ASSERT_ALWAYS(a_give_armed, clk_i, rst_ni,
                   give_armed_q[u] == (run_signal_q[u] & {NumChannels{armed_q[u]}}),
                   "the registered armed signals disagree with the unit's signals and armed flag")
  end
  assign run_ok   = !fault_q && !(raise_now && !fault_q) && !flush_q && !clear;
  // No stop, no clear and no fault raised this cycle by decode (its term with the clear,
  // fault and flush already excluded). A SYNC's faults (its window, its write's response)
  // are left out, as a deadlock is: they are raised only with every queue empty (the SYNC
  // starts once everything before it has retired and holds decode until it retires), so no
  // queue head is ready and nothing starts anyway (a_sync_fault_idle). That keeps the SYNC's
  // window verdict, a register placed by the window checks, off the path into the starts and
  // the token flags (FPGA timing, docs/fpga.md).
  assign run_base = !stop_q && !clear_late && !(f_out_valid && !dec_q && f_faulty);
  `ASSERT_ALWAYS(a_sync_fault_idle, clk_i, rst_ni,
                 !(b_bad || (dec_q && dec_sync_q && !sync_busy_q && all_idle_q &&
                             !sync_win_ok_q)) || q_out_valid == '0,
                 "a SYNC's fault is raised while a queue head could start")
  // DoneBadAhead: from a register loaded with the next cycle's done flags and armed flags
  // (same cycles, asserted), so the units' status register and the AND-OR over the units are
  // not in front of its ~70 loads (FPGA timing, docs/fpga.md). A clear that no register saw
  // coming (clear_late: no DecodePipe) still gates it.
  if (DoneBadAhead != 0) begin : g_any_fault_reg
    logic any_fault_q;
    always_ff @(posedge clk_i) begin
      if (!rst_ni) any_fault_q <= 1'b0;
      else any_fault_q <= |(done_bad_next_i & armed_d);
    end
    assign any_fault = any_fault_q && !clear_late;
    `ASSERT_ALWAYS(a_any_fault_reg, clk_i, rst_ni, any_fault == (|unit_fault),
                   "the registered unit fault flag disagrees with the units' faulting dones")
  end else begin : g_any_fault_now
    logic [NumUnits-1:0] unused_done_bad_next;
    assign unused_done_bad_next = done_bad_next_i;
    assign any_fault = |unit_fault;
  end
  for (genvar u = 0; u < NumUnits; u++) begin : g_run_ok
    `ASSERT_ALWAYS(a_run_ok_unit, clk_i, rst_ni,
                   !(head_ready[u] && (unit_free[u] || !u_done[u])) ||
                   (run_base && !any_fault) == run_ok,
                   "a unit's start condition disagrees with the stop of every start")
  end
  `ASSERT_ALWAYS(a_stop_armed, clk_i, rst_ni,
                 stop_q == (fault_q || flush_q || (clear && !clear_late)) &&
                 armed_q == (run_q & ~drop_q & ~{NumUnits{clear && !clear_late}}),
                 "the registered stop or done-counts flags disagree with fault, flush, run, drop")

  for (genvar u = 0; u < NumUnits; u++) begin : g_unit
    // HeadReg on the head's wait and signal masks and its decode stamp only: the masks feed
    // the token check and so the start and the pop, the stamp the oldest head's pick
    // (g_oldest: not the storage's read in front of the stamp compares and the index select).
    // A pop loads these flip-flops; the rest of the head (the unit's command, its ring index)
    // is the storage's read at the registered read pointer. (A 260-bit head register made the
    // pop's fanout the longest path, mostly routing.)
    stream_fifo #(.Depth(QueueDepth), .Width(QEntryW), .HeadReg(1),
                  .HeadLsb(HdrWaitMaskLsb), .HeadW(MasksW + SeqW)) u_queue (
      .clk_i      (clk_i),
      .rst_ni     (rst_ni),
      .in_valid_i (q_in_valid[u]),
      .in_ready_o (q_in_ready[u]),
      .in_data_i  (q_in_data),
      .out_valid_o(q_out_valid[u]),
      .out_ready_i(q_out_ready[u]),
      .out_data_o (q_out_data[u]),
      .count_o    (q_count[u])
    );
    assign h_desc[u]   = {q_out_data[u][SeqW + DescBits - 1:MasksEnd + SeqW],
                          q_out_data[u][MasksEnd-1:0]};
    assign h_index[u]  = q_out_data[u][SeqW + DescBits +: 32];
    assign h_seq[u]    = q_out_data[u][MasksEnd +: SeqW];
    // Masked with the channels the queue's opcodes may use (validated at decode, asserted):
    // each channel then has one giving and one taking unit, so its count sees one unit's done
    // and start, not the three (FPGA timing: a unit's registered done -> the counts and flags).
    assign h_wait[u]   = h_desc[u][HdrWaitMaskLsb +: NumChannels] & QueueWaitAllowed[u];
    assign h_signal[u] = h_desc[u][HdrSignalMaskLsb +: NumChannels] & QueueSignalAllowed[u];
    `ASSERT_ALWAYS(a_head_masks, clk_i, rst_ni,
                   !q_out_valid[u] ||
                   (h_desc[u][HdrWaitMaskLsb +: NumChannels] & ~QueueWaitAllowed[u]) == '0 &&
                   (h_desc[u][HdrSignalMaskLsb +: NumChannels] & ~QueueSignalAllowed[u]) == '0,
                   "a queue head waits on or signals a channel its opcodes may not use")
    assign q_empty[u]  = q_count[u] == '0;

    assign tok_ok[u]     = ((h_wait[u] & ~tok_nonzero) == '0) && ((h_signal[u] & tok_full) == '0);
    assign head_ready[u] = q_out_valid[u] && tok_ok[u];
    assign unit_free[u]  = !pres_q[u] && !run_q[u];
    // Started / taken as second if no unit faults now (unit u's own fault cannot: it starts
    // only when free, so without a done, and takes a second command only when not done).
    assign start_nf[u]   = head_ready[u] && unit_free[u] && run_base;
    assign start[u]      = start_nf[u] && !any_fault;
    assign u_cmd_ready[u]  = sts_i[u].ready;
    assign u_done[u]       = sts_i[u].done;
    assign u_done_fault[u] = sts_i[u].fault;
    assign u_busy[u]       = sts_i[u].busy;
    assign cmd_o[u]        = '{valid: pres_q[u] || early[u], desc: h_desc[u]};
    // The head stays in the queue while offered: it is the stable cmd_o desc.
    assign hs[u]          = pres_q[u] && u_cmd_ready[u];
    assign q_out_ready[u] = hs[u] || early[u] || (flush_q && !pres_q[u]);
    // Second command: only while the first runs undisturbed, and only if the first's signals
    // cannot push a channel the second signals past TokenMax (the model would wait for the
    // first's done, then find room).
    assign early_nf[u] = Overlap[u] && head_ready[u] && run_q[u] && !pres_q[u] && !sec_q[u] &&
                         !u_done[u] && !drop_q[u] && u_cmd_ready[u] && run_base &&
                         ((h_signal[u] & run_signal_q[u] & tok_near_full) == '0);
    assign early[u]    = early_nf[u] && !any_fault;

    assign done_ev[u]    = run_q[u] && u_done[u];
    assign done_ok[u]    = u_done[u] && armed_q[u] && !clear_late && !done_bad_i[u];
    assign unit_fault[u] = armed_q[u] && !clear_late && done_bad_i[u];
    `ASSERT_ALWAYS(a_done_bad, clk_i, rst_ni,
                   done_bad_i[u] == (u_done[u] && u_done_fault[u] != FaultNone),
                   "a unit's done-with-fault flag disagrees with its done and fault code")

    always_comb begin
      pres_d[u]       = (pres_q[u] && !hs[u]) || start[u];
      // At the first's done the second becomes the unit's command.
      run_d[u]        = (run_q[u] && !u_done[u]) || hs[u] || (u_done[u] && sec_q[u]);
      run_index_d[u]  = hs[u] ? h_index[u] : (u_done[u] && sec_q[u]) ? sec_index_q[u] :
                                                                     run_index_q[u];
      run_signal_d[u] = hs[u] ? h_signal[u] : (u_done[u] && sec_q[u]) ? sec_signal_q[u] :
                                                                        run_signal_q[u];
      // A clear abandons the unit's commands: their dones are ignored when they come. So
      // does a fault of the first: the model never starts the second.
      drop_d[u]       = clear ? (pres_q[u] || (run_q[u] && !u_done[u]) || sec_q[u])
                      : (u_done[u] && sec_q[u]) ? (sec_drop_q[u] || unit_fault[u])
                                                : (drop_q[u] && !done_ev[u]);
      sec_d[u]        = (sec_q[u] && !u_done[u]) || early[u];
      sec_drop_d[u]   = (sec_drop_q[u] || clear) && sec_q[u] && !u_done[u];
      // The second command's index, signals and waits follow the queue head until one is
      // taken, then hold: the same values while sec_q (they are read only then), and their
      // 40 enables are a flip-flop, not the take (FPGA timing: a unit's done -> the take ->
      // these loads; asserted against the loads at the take, a_sec_follow).
      sec_index_d[u]  = sec_q[u] ? sec_index_q[u] : h_index[u];
      sec_signal_d[u] = sec_q[u] ? sec_signal_q[u] : h_signal[u];
      sec_wait_d[u]   = sec_q[u] ? sec_wait_q[u] : h_wait[u];
    end
`ifndef SYNTHESIS
    logic [31:0]            sec_index_ref;
    logic [NumChannels-1:0] sec_signal_ref, sec_wait_ref;
    always_ff @(posedge clk_i) begin
      if (early[u]) {sec_index_ref, sec_signal_ref, sec_wait_ref} <=
                    {h_index[u], h_signal[u], h_wait[u]};
    end
    `ASSERT_ALWAYS(a_sec_follow, clk_i, rst_ni,
                   !sec_q[u] || {sec_index_q[u], sec_signal_q[u], sec_wait_q[u]} ==
                                {sec_index_ref, sec_signal_ref, sec_wait_ref},
                   "a second command's index or masks disagree with those at its take")
`endif
  end

  assign queues_empty = &q_empty;
  assign units_idle   = !(|(pres_q | run_q));
  // The SYNC's "everything before it has retired" (the queues empty, the units idle) is a
  // register loaded with the next state (a queue stays or becomes empty: no push, and empty
  // or its last entry popped), same cycles, asserted: the queues' count compares are off the
  // path into the SYNC's start, its fault and the fault index (FPGA timing, docs/fpga.md).
  logic [NumUnits-1:0] q_empty_next;
  for (genvar u = 0; u < NumUnits; u++) begin : g_empty_next
    assign q_empty_next[u] = !q_in_valid[u] &&
                             (q_empty[u] || (q_count[u] == QCntW'(1) && q_pop[u]));
  end
  always_ff @(posedge clk_i) begin
    if (!rst_ni) all_idle_q <= 1'b1;
    else all_idle_q <= (&q_empty_next) && !(|(pres_d | run_d));
  end
  `ASSERT_ALWAYS(a_all_idle_reg, clk_i, rst_ni, all_idle_q == (queues_empty && units_idle),
                 "the registered all-retired flag disagrees with the queues and units")

  // Tokens: waits taken at start, signals given at a successful done.
  always_comb begin
    for (int c = 0; c < NumChannels; c++) begin
      tok_take[c]    = 1'b0;
      tok_give[c]    = 1'b0;
      tok_return[c]  = 1'b0;
      tok_take_nf[c] = 1'b0;
      tok_give_nf[c] = 1'b0;
      for (int u = 0; u < NumUnits; u++) begin
        tok_take[c]    = tok_take[c] | ((start[u] | early[u]) & h_wait[u][c]);
        tok_give[c]    = tok_give[c] | (done_ok[u] & run_signal_q[u][c]);
        // The same if no unit faults now (g_tok_flags): the fault code left out.
        tok_take_nf[c] = tok_take_nf[c] | ((start_nf[u] | early_nf[u]) & h_wait[u][c]);
        tok_give_nf[c] = tok_give_nf[c] | (u_done[u] & give_armed_q[u][c] & !clear_late);
        // A second command the first's fault abandons gives its waits back (as if never
        // started); saturating, as the channel may have filled up meanwhile.
        tok_return[c] = tok_return[c] | (unit_fault[u] & sec_q[u] & ~sec_drop_q[u] &
                                         sec_wait_q[u][c]);
      end
    end
  end

  // ---------------------------------------------------------------------------------------
  // SYNC: one word write once everything before it has retired
  // ---------------------------------------------------------------------------------------
  assign sync_can = disp_ok && dec_sync_q && !sync_busy_q && all_idle_q;

  // As a window_check of 4 bytes, with the word's end from the FIFO entry.
  window_check_end #(.NumWindows(NumWindows)) u_sync_win (
    .win_i         (win_i),
    .addr_i        (f_desc[SyncAddrLsb +: 32]),
    .end_i         (34'(f_sync_end)),
    .empty_i       (1'b0),
    .write_i       (1'b1),
    .ok_o          (sync_win_ok)
  );

  // The check of the decode stage's SYNC address is registered (it runs every cycle on the
  // fetch FIFO's head, which a SYNC holds from the cycle before it can start): the windows a
  // SYNC sees are those of the cycle before, and the window adders stay off the fault path.
  always_ff @(posedge clk_i) sync_win_ok_q <= sync_win_ok;
  assign sync_start     = sync_can && sync_win_ok_q;
  assign sync_acc_fault = sync_can && !sync_win_ok_q;
  assign mem_b_ready_o  = 1'b1;
  // DecodePipe: the SYNC's write response from a register, so the memory port's B (its slice
  // and the core's mux) and the fault it raises, which stops every start, are not one path
  // into dispatch (FPGA timing). The SYNC retires a cycle later. Whether the registered
  // response retires the SYNC or faults it (b_ok, b_bad: a B for a SYNC no clear abandoned)
  // is registered with it, from the SYNC's next state (same cycles, asserted), so the fetch
  // FIFO's pop and the stop of the starts see one flip-flop, not the SYNC's state.
  if (DecodePipe != 0) begin : g_b_reg
    logic b_valid_q, b_err_q, b_ok_q, b_bad_q, b_want;
    // A B comes only while the SYNC is busy (a_b_needs_aw), when sync_busy_d is "not retired
    // now": the SYNC's start is left out (it needs sync_busy_q low), and with it the queues'
    // emptiness (FPGA timing: a queue's count -> b_ok_q).
    assign b_want = mem_wr_rsp_i.b_valid && sync_busy_q && !b_fire && !sync_drop_d;
    assign b_ok_next = b_want && !mem_wr_rsp_i.b_err;
    `ASSERT_ALWAYS(a_b_want, clk_i, rst_ni,
                   b_want == (mem_wr_rsp_i.b_valid && sync_busy_d && !sync_drop_d),
                   "the SYNC's response test without its start disagrees with the next state")
    always_ff @(posedge clk_i) begin
      if (!rst_ni) begin
        b_valid_q <= 1'b0;
        b_ok_q    <= 1'b0;
        b_bad_q   <= 1'b0;
      end else begin
        b_valid_q <= mem_wr_rsp_i.b_valid;
        b_ok_q    <= b_ok_next;
        b_bad_q   <= b_want && mem_wr_rsp_i.b_err;
      end
      b_err_q <= mem_wr_rsp_i.b_err;
    end
    assign b_valid = b_valid_q;
    assign b_err   = b_err_q;
    assign b_ok    = b_ok_q;
    assign b_bad   = b_bad_q;
    `ASSERT_ALWAYS(a_b_flags, clk_i, rst_ni,
                   {b_ok_q, b_bad_q} == {b_fire && !sync_drop_q && !b_err_q,
                                         b_fire && !sync_drop_q && b_err_q},
                   "the registered SYNC response flags disagree with the response and the SYNC")
  end else begin : g_b_now
    assign b_valid = mem_wr_rsp_i.b_valid;
    assign b_err   = mem_wr_rsp_i.b_err;
    assign b_ok    = b_fire && !sync_drop_q && !b_err;
    assign b_bad   = b_fire && !sync_drop_q && b_err;
    assign b_ok_next = 1'b0;  // read with DecodePipe only
  end
  assign b_fire         = b_valid && sync_busy_q;
  assign b_live         = b_fire && !sync_drop_q && !clear;
  assign sync_ok        = b_ok && !clear;

  always_comb begin
    sync_busy_d  = (sync_busy_q && !b_fire) || sync_start;
    sync_drop_d  = clear ? (sync_busy_q && !b_fire) : (sync_drop_q && !b_fire);
    aw_valid_d   = (aw_valid_q && !mem_wr_rsp_i.aw_ready) || sync_start;
    w_valid_d    = (w_valid_q && !mem_wr_rsp_i.w_ready) || sync_start;
    // The word, address and irq flag follow the decode head until the SYNC starts, then hold:
    // the same values while the write is out (they are read only while sync_busy_q), and
    // their 65 enables are a flip-flop, not the start (FPGA timing: a queue's count -> the
    // SYNC's emptiness test -> these loads).
    sync_addr_d  = sync_busy_q ? sync_addr_q : f_desc[SyncAddrLsb +: 32];
    sync_value_d = sync_busy_q ? sync_value_q : f_desc[SyncValueLsb +: 32];
    sync_irq_d   = sync_busy_q ? sync_irq_q : f_desc[SyncIrqLsb];
  end

  assign mem_wr_req_o.aw_valid = aw_valid_q;
  assign mem_wr_req_o.aw_addr  = {sync_addr_q[31:BeatOffW], BeatOffW'(0)};
  assign mem_wr_req_o.aw_len   = 8'd0;
  assign mem_wr_req_o.w_valid  = w_valid_q;
  assign mem_wr_req_o.w_data   = BeatBits'(sync_value_q) << {sync_addr_q[BeatOffW-1:0], 3'b000};
  assign mem_wr_req_o.w_strb   = BeatBytes'(4'hf) << sync_addr_q[BeatOffW-1:0];
  assign mem_wr_req_o.w_last   = 1'b1;

  // ---------------------------------------------------------------------------------------
  // Faults, deadlock, state, irq
  // ---------------------------------------------------------------------------------------
  // The oldest queue head (by decode stamp) names a deadlock, as in CoreModel::RaiseDeadlock.
  // Found a cycle early and registered (oldest_index_q), off the fault path: the queue heads
  // cannot have changed in the cycle before a deadlock is raised (a push then would have
  // emptied decode, a pop started a unit, and a clear's flush stops decode from refilling).
  // Every pair of heads is compared at once (one subtraction each, in parallel) rather than
  // in a chain: the oldest valid head is older than every other valid one (stamps are unique
  // and live ones span less than half the stamp range, so the modular compare is an order).
  logic [31:0] oldest_index_q;
  logic [NumUnits-1:0][NumUnits-1:0] older;  // older[u][v]: head u was decoded before head v
  logic [NumUnits-1:0] is_oldest;
  for (genvar u = 0; u < NumUnits; u++) begin : g_oldest
    for (genvar v = 0; v < NumUnits; v++) begin : g_vs
      logic [SeqW-1:0] diff;
      assign diff        = h_seq[u] - h_seq[v];
      assign older[u][v] = (u == v) || !q_out_valid[v] || diff[SeqW-1];
    end
    assign is_oldest[u] = q_out_valid[u] && (&older[u]);
  end
  `ASSERT_ALWAYS(a_one_oldest, clk_i, rst_ni, (q_out_valid == '0) || $onehot(is_oldest),
                 "the queue heads' decode stamps do not name exactly one oldest head")
  always_comb begin
    oldest_index = dec_index_q;
    for (int u = 0; u < NumUnits; u++) begin
      if (is_oldest[u]) oldest_index = h_index[u];
    end
  end

  // The parts of a deadlock that take the most logic are found a cycle early as well and
  // registered (stuck_q), off the fault path: no queue head is ready (each head's token
  // check), and decode's command cannot go to its queue (full, or a SYNC with commands
  // queued). While decode holds a command and the units are idle, nothing moved in the cycle
  // before: no push (it would have emptied decode), no pop (a start leaves its unit busy, a
  // clear's flush leaves decode empty), so the heads and counts are that cycle's; nothing
  // started, so no token was taken, and neither a clear (it flushes) nor a unit's fault (it
  // faults) acted: the channels' counts are that cycle's plus its dones' signals (same
  // cycles, asserted). So the gives are those of no fault (tok_give_nf: no fault code on the
  // path; after a fault, stuck_q is not read).
  logic                   stuck_q;
  logic [NumChannels-1:0] nonzero_next, full_next;  // after the gives (a_ready_next)
  logic [NumUnits-1:0]    ready_next;
  for (genvar c = 0; c < NumChannels; c++) begin : g_give_flags
    assign nonzero_next[c] = tok_give_nf[c] ? !tok_full[c] : tok_nonzero[c];
    assign full_next[c]    = tok_give_nf[c] ? tok_near_full[c] : tok_full[c];
  end
  // Each head's check per channel both ways (the channel given to or not: from registers
  // alone), the give picking one, so a unit's done is a select in front of the AND over the
  // channels rather than its start (FPGA timing: a unit's registered done -> stuck_q).
  for (genvar u = 0; u < NumUnits; u++) begin : g_ready_next
    logic [NumChannels-1:0] ok_given, ok_kept, ok_next;  // head u's token check per channel
    assign ok_given = ~(h_wait[u] & tok_full) & ~(h_signal[u] & tok_near_full);
    assign ok_kept  = ~(h_wait[u] & ~tok_nonzero) & ~(h_signal[u] & tok_full);
    assign ok_next  = (tok_give_nf & ok_given) | (~tok_give_nf & ok_kept);
    assign ready_next[u] = q_out_valid[u] && (&ok_next);
    `ASSERT_ALWAYS(a_ready_next, clk_i, rst_ni,
                   ready_next[u] == (q_out_valid[u] && ((h_wait[u] & ~nonzero_next) == '0) &&
                                     ((h_signal[u] & full_next) == '0)),
                   "a head's token check after the gives disagrees with the given flags")
  end
  always_ff @(posedge clk_i) begin
    if (!rst_ni) stuck_q <= 1'b0;
    else stuck_q <= !(|ready_next) && (dec_sync_d ? !queues_empty
                                                  : (dec_queue_d & q_in_ready) == '0);
  end
  assign deadlock = dec_q && units_idle && !sync_busy_q && !fault_q && !flush_q && !clear &&
                    stuck_q;
  `ASSERT_ALWAYS(a_deadlock_reg, clk_i, rst_ni,
                 deadlock == (dec_q && !can_dispatch && !(|head_ready) && units_idle &&
                              !sync_busy_q && !fault_q && !flush_q && !clear),
                 "the deadlock from its registered part disagrees with the heads and queues")

  // Several faults in one cycle: the units' commands are older than decode's.
  logic raise_ref;  // raise as the code's pick finds it
  always_comb begin
    raise_ref   = 1'b1;
    raise_code  = FaultNone;
    raise_index = '0;
    if (unit_fault[0]) begin
      raise_code  = u_done_fault[0];
      raise_index = run_index_q[0];
    end else if (unit_fault[1]) begin
      raise_code  = u_done_fault[1];
      raise_index = run_index_q[1];
    end else if (unit_fault[2]) begin
      raise_code  = u_done_fault[2];
      raise_index = run_index_q[2];
    end else if (b_bad && !clear) begin
      raise_code  = FaultMemError;
      raise_index = dec_index_q;
    end else if (sync_acc_fault) begin
      raise_code  = FaultAccess;
      raise_index = dec_index_q;
    end else if (dec_try && f_fault != FaultNone) begin
      raise_code  = f_fault;
      raise_index = head_q;
    end else if (dec_try && val_fault != FaultNone) begin
      raise_code  = val_fault;
      raise_index = head_q;
    end else if (deadlock) begin
      raise_code  = FaultDeadlock;
      raise_index = oldest_index_q;
    end else begin
      raise_ref = 1'b0;
    end
  end
  // Whether a fault is raised, from any_fault (a register under DoneBadAhead) and the fetch
  // FIFO head's fault flag rather than the pick's chain (same value, asserted): it stops the
  // decode pipeline's push and the fault's own loads (FPGA timing).
  assign raise = any_fault || (b_bad && !clear) || sync_acc_fault || (dec_try && f_faulty) ||
                 deadlock;
  `ASSERT_ALWAYS(a_raise, clk_i, rst_ni, raise == raise_ref,
                 "the raised-fault flag disagrees with the fault code's pick")
  // The index register's input picks from registers alone, the raise only zeroing it: of the
  // faults after a unit's, decode's own are raised only with decode empty (the FIFO head's),
  // a SYNC's (its write or window) only with the SYNC in decode and everything before it
  // retired, and a deadlock only with decode full and a command queued (same index,
  // asserted): the SYNC, decode and deadlock tests stay off the 32 index loads (FPGA timing).
  logic [31:0] raise_index_sel;
  always_comb begin
    if (unit_fault[0])                 raise_index_sel = run_index_q[0];
    else if (unit_fault[1])            raise_index_sel = run_index_q[1];
    else if (unit_fault[2])            raise_index_sel = run_index_q[2];
    else if (!dec_q)                   raise_index_sel = head_q;
    else if (dec_sync_q && all_idle_q) raise_index_sel = dec_index_q;
    else                               raise_index_sel = oldest_index_q;
  end
  `ASSERT_ALWAYS(a_raise_index_sel, clk_i, rst_ni, !raise || raise_index_sel == raise_index,
                 "the fault index picked from registers disagrees with the raised fault's")
  assign raise_now = (|unit_fault) || (b_live && b_err) || sync_acc_fault ||
                     (dec_try && f_faulty);
  assign fault_set = raise && !fault_q;

  assign in_flight = !units_idle || (fetch_out_q != '0) || sync_busy_q;
  // Nothing moves by itself: everything fetched has been decoded, nothing is in flight, and
  // the ring is empty or a clear stopped the fetch.
  assign quiet     = !draining && !dec_q && !f_out_valid && (fetch_out_q == '0) &&
                     !acc_pending_q && units_idle && !sync_busy_q &&
                     (head_q == tail_q || halt_q);

  // Without a fault the code and index are zero (asserted), as raise_code and raise_index are
  // when nothing is raised, so the code and index registers load the raise until a fault is
  // set: the raise decision (a deadlock's last) is not their enable.
  `ASSERT_ALWAYS(a_no_fault_zero, clk_i, rst_ni,
                 fault_q || (fault_code_q == FaultNone && fault_index_q == '0),
                 "a fault code or index is set without a fault")
  always_comb begin
    fault_d       = (fault_q || fault_set) && !clear;
    fault_code_d  = fault_q ? fault_code_q : raise_code;
    fault_index_d = fault_q ? fault_index_q : (raise ? raise_index_sel : '0);
    if (clear) begin
      fault_code_d  = FaultNone;
      fault_index_d = '0;
    end
    // Faulted (and the error irq) once everything in flight has finished.
    faulted_d = fault_q && !clear && (faulted_q || !in_flight);
    irq_d     = !clear && ((irq_q && !irq_ack_i) || (faulted_d && !faulted_q) ||
                           (sync_ok && sync_irq_q));
  end

  always_comb begin
    if (faulted_q)                             state_o = StateFaulted;
    else if (fault_q || !quiet)                state_o = StateBusy;
    else if (queues_empty && head_q == tail_q) state_o = StateIdle;
    else if (!(|head_ready))                   state_o = StateBlocked;
    else                                       state_o = StateBusy;
  end

  always_comb begin
    flush_d = clear || (flush_q && (f_out_valid || !queues_empty));
    // As the model after Clear(): stopped (idle, or blocked if the ring still holds commands)
    // until the host reprograms the ring or rings the doorbell.
    // (DecodePipe: a clear acting in the cycle a delayed ring set acts was pulsed with or
    // after the set, and the set lifts the halt anyway: unseen, as the set leaves the ring
    // empty, and the next doorbell would lift it.)
    halt_d  = (clear || halt_q) && !ring_set_ok && !doorbell_ok;
  end

  // ---------------------------------------------------------------------------------------
  // Registers
  // ---------------------------------------------------------------------------------------
  always_comb begin
    ring_base_d = ring_set_ok ? rs_base : ring_base_q;
    ring_size_d = size_eff;
    tail_d      = doorbell_ok ? tail_i : (ring_set_ok ? '0 : tail_q);
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      ring_base_q     <= '0;
      ring_size_q     <= '0;
      head_q          <= '0;
      tail_q          <= '0;
      fetch_ptr_q     <= '0;
      fetch_addr_q    <= '0;
      ctl_error_q     <= 1'b0;
      ar_valid_q      <= 1'b0;
      fetch_out_q     <= '0;
      fetch_discard_q <= 1'b0;
      fetch_stop_q    <= 1'b0;
      acc_pending_q   <= 1'b0;
      r_err_q         <= 1'b0;
      flush_q         <= 1'b0;
      halt_q          <= 1'b0;
      dec_q           <= 1'b0;
      seq_q           <= '0;
      pres_q          <= '0;
      run_q           <= '0;
      drop_q          <= '0;
      sec_q           <= '0;
      sec_drop_q      <= '0;
      tok_q           <= '0;
      sync_busy_q     <= 1'b0;
      sync_drop_q     <= 1'b0;
      aw_valid_q      <= 1'b0;
      w_valid_q       <= 1'b0;
      fault_q         <= 1'b0;
      faulted_q       <= 1'b0;
      fault_code_q    <= '0;
      fault_index_q   <= '0;
      irq_q           <= 1'b0;
    end else begin
      ring_base_q     <= ring_base_d;
      ring_size_q     <= ring_size_d;
      head_q          <= head_d;
      tail_q          <= tail_d;
      fetch_ptr_q     <= fetch_ptr_d;
      fetch_addr_q    <= fetch_addr_d;
      ctl_error_q     <= ctl_error_d;
      ar_valid_q      <= ar_valid_d;
      fetch_out_q     <= fetch_out_d;
      fetch_discard_q <= fetch_discard_d;
      fetch_stop_q    <= fetch_stop_d;
      acc_pending_q   <= acc_pending_d;
      r_err_q         <= r_err_d;
      flush_q         <= flush_d;
      halt_q          <= halt_d;
      dec_q           <= dec_d;
      seq_q           <= seq_d;
      pres_q          <= pres_d;
      run_q           <= run_d;
      drop_q          <= drop_d;
      sec_q           <= sec_d;
      sec_drop_q      <= sec_drop_d;
      tok_q           <= tok_d;
      sync_busy_q     <= sync_busy_d;
      sync_drop_q     <= sync_drop_d;
      aw_valid_q      <= aw_valid_d;
      w_valid_q       <= w_valid_d;
      fault_q         <= fault_d;
      faulted_q       <= faulted_d;
      fault_code_q    <= fault_code_d;
      fault_index_q   <= fault_index_d;
      irq_q           <= irq_d;
    end
  end

  // Payload registers: meaningful only under their valid / busy flags.
  always_ff @(posedge clk_i) begin
    oldest_index_q <= oldest_index;
    ar_addr_q    <= ar_addr_d;
    dec_index_q  <= dec_index_d;
    dec_seq_q    <= dec_seq_d;
    run_index_q  <= run_index_d;
    run_signal_q <= run_signal_d;
    sec_index_q  <= sec_index_d;
    sec_signal_q <= sec_signal_d;
    sec_wait_q   <= sec_wait_d;
    sync_addr_q  <= sync_addr_d;
    sync_value_q <= sync_value_d;
    sync_irq_q   <= sync_irq_d;
  end

  // Counters.
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      cnt_retired_q <= '0;
      cnt_fetched_q <= '0;
      cnt_busy_q    <= '0;
      cnt_stall_q   <= '0;
    end else begin
      // Increments as enables: the event is the flip-flops' enable, not an input of the
      // 48-bit carry chain (a queue head's token check -> the stall count, FPGA timing).
      for (int u = 0; u < NumUnits; u++) begin
        if (done_ok[u]) cnt_retired_q[u] <= cnt_retired_q[u] + 1'b1;
        if (u_busy[u]) cnt_busy_q[u] <= cnt_busy_q[u] + 1'b1;
        if (q_out_valid[u] && unit_free[u] && !tok_ok[u]) cnt_stall_q[u] <= cnt_stall_q[u] + 1'b1;
      end
      if (sync_ok) cnt_retired_q[SeqQ] <= cnt_retired_q[SeqQ] + 1'b1;
      if (dec_try && f_fault == FaultNone) cnt_fetched_q <= cnt_fetched_q + 1'b1;
    end
  end

  assign ctl_error_o   = ctl_error_q;
  assign head_o        = head_q;
  assign tail_o        = tail_q;
  assign fault_code_o  = fault_code_q;
  assign fault_index_o = fault_index_q;
  assign irq_o         = irq_q;
  assign tokens_o      = tok_q;
  assign cnt_retired_o = cnt_retired_q;
  assign cnt_fetched_o = cnt_fetched_q;
  assign cnt_busy_o    = cnt_busy_q;
  assign cnt_stall_o   = cnt_stall_q;

  // Timeline pulses: a command counts from the handshake that hands it to its unit (not one a
  // clear has abandoned) to the done that retires it; SYNC from its write to the write's B.
  for (genvar u = 0; u < NumUnits; u++) begin : g_cmd_pulse
    assign cmd_start_o[u] = (hs[u] || early[u]) && !drop_q[u] && !clear;
  end
  assign cmd_start_o[SeqQ] = sync_start;
  assign cmd_done_o        = {sync_ok, done_ok};

  // ---------------------------------------------------------------------------------------
  // Assertions
  // ---------------------------------------------------------------------------------------
  `LUOSHU_MEM_ASSERT_RD_STABLE(clk_i, rst_ni, mem_rd_req_o, mem_rd_rsp_i)
  `LUOSHU_MEM_ASSERT_WR_STABLE(clk_i, rst_ni, mem_wr_req_o, mem_wr_rsp_i)
  for (genvar u = 0; u < NumUnits; u++) begin : g_cmd_stable
    `ASSERT_STREAM_STABLE(a_cmd_stable, clk_i, rst_ni, cmd_o[u].valid, sts_i[u].ready,
                          cmd_o[u].desc)
  end
  `ASSERT_ALWAYS(a_done_needs_cmd, clk_i, rst_ni, (u_done & ~run_q) == '0,
                 "a unit reported done without a command")
  `ASSERT_ALWAYS(a_cmd_start_done_apart, clk_i, rst_ni, (cmd_start_o & cmd_done_o) == '0,
                 "a queue started and retired a command in the same cycle (timelines pair them)")
  `ASSERT_ALWAYS(a_r_needs_ar, clk_i, rst_ni, !mem_rd_rsp_i.r_valid || fetch_out_q != '0,
                 "an R beat arrived with no fetch outstanding")
  `ASSERT_ALWAYS(a_b_needs_aw, clk_i, rst_ni, !mem_wr_rsp_i.b_valid || sync_busy_q,
                 "a B response arrived with no SYNC write outstanding")
  `ASSERT_ALWAYS(a_fetch_room, clk_i, rst_ni, !f_in_valid || f_in_ready,
                 "fetch FIFO overflow (credit accounting broken)")

  // Cover points (coverage build only): every opcode decoded legal, every fault code raised
  // (g_cov_opcode / g_cov_fault index: position in Opcodes / Faults), each
  // token channel with a queue head waiting on it and at TokenMax, the ring wrapping, and the
  // memory errors the sequencer sees (descriptor fetch, SYNC write).
  for (genvar i = 0; i < NumOpcodes; i++) begin : g_cov_opcode
    `COVER(cov_opcode, clk_i, rst_ni, dec_try && f_fault == FaultNone &&
           val_fault == FaultNone && dec_opcode == Opcodes[i*OpcodeW +: OpcodeW])
  end
  for (genvar i = 0; i < NumFaults; i++) begin : g_cov_fault
    if (Faults[i*FaultW +: FaultW] != FaultNone) begin : g_code
      `COVER(cov_fault, clk_i, rst_ni,
             fault_set && raise_code == Faults[i*FaultW +: FaultW])
    end
  end
  for (genvar c = 0; c < NumChannels; c++) begin : g_cov_token
`ifdef LUOSHU_COVERAGE
    logic waiting;  // a queue head waits on channel c
    always_comb begin
      waiting = 1'b0;
      for (int u = 0; u < NumUnits; u++) waiting = waiting | (q_out_valid[u] && h_wait[u][c]);
    end
`endif
    `COVER(cov_token_wait, clk_i, rst_ni, waiting && !tok_nonzero[c])
    `COVER(cov_token_max, clk_i, rst_ni, tok_full[c])
  end
  `COVER(cov_ring_wrap, clk_i, rst_ni, dec_try && f_fault == FaultNone &&
         head_q + 32'd1 == ring_size_q)
  `COVER(cov_memerr_fetch, clk_i, rst_ni, mem_rd_rsp_i.r_valid && mem_rd_rsp_i.r_err)
  `COVER(cov_memerr_sync, clk_i, rst_ni, b_fire && b_err)
endmodule
