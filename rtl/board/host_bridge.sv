// The board's host bridge (docs/board.md): the byte protocol engine between the UART and the
// SoC. It reassembles request frames from received bytes, checks their framing (length, CRC,
// the line going idle inside a frame) and their sequence number, carries out the command over
// the SoC's AXI4-Lite register port or the board memory port, and sends the reply as bytes.
//
// One frame at a time: bytes that arrive while a frame is being carried out or its reply sent
// are dropped (the host waits for the reply). The reply of the last executed frame is kept
// (its payload in a MaxData-byte RAM) and sent again, marked DUPLICATE, when that frame comes
// again. Request data (WRITE_MEM) waits in a second RAM until the CRC has been checked, so a
// damaged frame never touches memory.
//
// Memory port: one byte per access, on the board memory's 128-bit lines. A request is held
// (mem_req_o) until granted (mem_gnt_i); mem_addr_o is the byte offset from MemBase; a write
// carries the byte in every lane and one strobe; a read's line comes back with mem_rvalid_i,
// one or more cycles after the grant.
`include "luoshu_assert.svh"

module host_bridge #(
  parameter int          ClkPerBit     = 25,
  parameter int          TimeoutCycles = 2500,
  parameter int          MaxData       = 256,
  parameter logic [31:0] MemBase       = 32'h0,
  parameter int          MemBytes      = 131072,
  localparam int         MemAddrW      = $clog2(MemBytes)
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  // Received bytes (uart_rx); rx_active_i: a character is on the line.
  input  logic                rx_valid_i,
  output logic                rx_ready_o,
  input  logic [7:0]          rx_data_i,
  input  logic                rx_active_i,
  // Bytes to send (uart_tx).
  output logic                tx_valid_o,
  input  logic                tx_ready_i,
  output logic [7:0]          tx_data_o,
  // AXI4-Lite master to the SoC's register block.
  output logic                m_axil_awvalid_o,
  input  logic                m_axil_awready_i,
  output logic [10:0]         m_axil_awaddr_o,
  output logic                m_axil_wvalid_o,
  input  logic                m_axil_wready_i,
  output logic [31:0]         m_axil_wdata_o,
  output logic [3:0]          m_axil_wstrb_o,
  input  logic                m_axil_bvalid_i,
  output logic                m_axil_bready_o,
  input  logic [1:0]          m_axil_bresp_i,
  output logic                m_axil_arvalid_o,
  input  logic                m_axil_arready_i,
  output logic [10:0]         m_axil_araddr_o,
  input  logic                m_axil_rvalid_i,
  output logic                m_axil_rready_o,
  input  logic [31:0]         m_axil_rdata_i,
  input  logic [1:0]          m_axil_rresp_i,
  // Board memory (board_mem's bridge port).
  output logic                mem_req_o,
  input  logic                mem_gnt_i,
  output logic                mem_we_o,
  output logic [MemAddrW-1:0] mem_addr_o,
  output logic [127:0]        mem_wdata_o,
  output logic [15:0]         mem_be_o,
  input  logic                mem_rvalid_i,
  input  logic [127:0]        mem_rdata_i,
  input  logic                irq_i,
  // One-cycle pulse per rejected frame (framing error or BAD_SEQ): for a LED.
  output logic                reject_o
);
  if (ClkPerBit < 4) begin : g_bad_clk_per_bit
    $error("host_bridge: ClkPerBit must be >= 4 (got %0d)", ClkPerBit);
  end
  if (TimeoutCycles < 10 * ClkPerBit) begin : g_bad_timeout
    $error("host_bridge: TimeoutCycles must be at least one character (10 * ClkPerBit)");
  end
  if (MaxData < 16 || MaxData > 4096) begin : g_bad_max_data
    $error("host_bridge: MaxData must be 16..4096 (got %0d)", MaxData);
  end
  if (MemBytes < 16 || 64'(MemBase) + 64'(MemBytes) > 64'h1_0000_0000) begin : g_bad_mem
    $error("host_bridge: MemBytes must be >= 16 and MemBase + MemBytes must fit in 32 bits");
  end

  localparam int BufW = $clog2(MaxData);
  localparam int IdleW = $clog2(TimeoutCycles + 1);
  localparam logic [15:0] MaxLen = 16'(4 + MaxData);

  // Protocol constants (sw/hal/bridge_protocol.h is the C++ statement).
  localparam logic [7:0] ReqStart = 8'hA5, RepStart = 8'h5A, Version = 8'd1;
  localparam logic [7:0] CmdHello = 8'h00, CmdReadReg = 8'h01, CmdWriteReg = 8'h02,
                         CmdReadMem = 8'h03, CmdWriteMem = 8'h04, CmdStatus = 8'h05;
  localparam logic [7:0] StOk = 8'd0, StBadCrc = 8'd1, StTruncated = 8'd2, StBadSeq = 8'd3,
                         StUnknownCmd = 8'd4, StBadLen = 8'd5, StBadAddr = 8'd6,
                         StBusError = 8'd7, Duplicate = 8'h80;

  // CRC-16/CCITT-FALSE, one byte per call: the only CRC logic (receive and send share it).
  function automatic logic [15:0] crc16_step(logic [15:0] crc, logic [7:0] b);
    logic [15:0] c;
    c = crc ^ {b, 8'h00};
    for (int i = 0; i < 8; i++) c = c[15] ? ((c << 1) ^ 16'h1021) : (c << 1);
    return c;
  endfunction

  typedef enum logic [4:0] {
    SHunt,       // between frames: wait for the start byte
    SHdr,        // CMD, SEQ, LEN[2]
    SPay,        // payload
    SCrc0,
    SCrc1,
    SDrain,      // after a framing error: drop bytes until the line is idle
    SCheck,      // a good frame: sequence rules and command checks
    SFill,       // copy a short reply payload (small_q) into the reply RAM
    SRegAddr,    // AXI4-Lite address (and write data)
    SRegResp,    // AXI4-Lite response
    SMemRd,      // READ_MEM: one byte's request
    SMemRdWait,  // ... and its data
    SMemWrFetch, // WRITE_MEM: one byte from the request RAM
    SMemWr,      // ... written to memory
    STxStart,
    STxPrep,     // fetch the next reply byte (payload from the reply RAM)
    STxLoad,
    STxSend
  } state_e;

  state_e          state_q;
  logic [15:0]     idx_q;      // header byte / payload byte / memory byte / reply byte
  logic [7:0]      cmd_q, seq_q;
  logic [15:0]     len_q;
  logic [63:0]     arg_q;      // the payload's first 8 bytes
  logic [15:0]     crc_q;
  logic            crc_bad_q;
  logic [7:0]      err_q;      // the framing error being drained
  logic            synced_q;   // a HELLO since reset
  logic [7:0]      expected_q;
  // The stored reply of the last executed frame (payload in the reply RAM).
  logic [7:0]      st_status_q, st_seq_q;
  logic [15:0]     st_len_q;
  // The reply being sent: the stored one (maybe as a duplicate), or a transient error reply.
  logic            rep_stored_q, rep_dup_q;
  logic [7:0]      rep_status_q, rep_seq_q, rep_byte_q;
  logic            rep_has_byte_q;
  logic [31:0]     rep_cycle_q;
  logic [87:0]     small_q;
  logic [15:0]     rejected_q;
  logic            reject_q;
  logic [63:0]     cycle_q;
  logic [IdleW-1:0] idle_q;
  logic            aw_done_q, w_done_q;
  logic [MemAddrW-1:0] maddr_q;
  logic            tx_valid_q;
  logic [7:0]      tx_data_q;

  // ---------------------------------------------------------------- buffers
  logic            req_we, req_re, rep_we, rep_re;
  logic [BufW-1:0] req_waddr, req_raddr, rep_waddr, rep_raddr;
  logic [7:0]      req_wdata, req_rdata, rep_wdata, rep_rdata;

  sram #(.Words(MaxData), .Width(8)) u_req_buf (
    .clk_i, .rst_ni,
    .we_i(req_we), .waddr_i(req_waddr), .wdata_i(req_wdata),
    .re_i(req_re), .raddr_i(req_raddr), .rdata_o(req_rdata)
  );
  sram #(.Words(MaxData), .Width(8)) u_rep_buf (
    .clk_i, .rst_ni,
    .we_i(rep_we), .waddr_i(rep_waddr), .wdata_i(rep_wdata),
    .re_i(rep_re), .raddr_i(rep_raddr), .rdata_o(rep_rdata)
  );

  // ---------------------------------------------------------------- decode
  logic        rx_byte;
  logic        timed_out;
  logic [15:0] full_len;     // LEN once its high byte arrives
  logic [15:0] count;        // memory bytes of the frame
  logic [31:0] addr;
  logic [32:0] mem_off;      // addr - MemBase (bit 32: below MemBase)
  logic [33:0] mem_end;
  logic        mem_range_ok, reg_ok;
  logic [7:0]  chk_status;   // the command checks' verdict (SCheck)
  logic [15:0] rep_len;
  logic [7:0]  tx_byte;
  logic [15:0] crc_next;
  logic        tx_phase;

  assign rx_byte   = rx_valid_i;  // always taken; dropped outside a frame's states
  assign timed_out = idle_q == IdleW'(TimeoutCycles);
  assign full_len  = {rx_data_i, len_q[7:0]};
  assign addr      = arg_q[31:0];
  assign count     = cmd_q == CmdReadMem ? arg_q[47:32] : len_q - 16'd4;
  assign mem_off   = {1'b0, addr} - {1'b0, MemBase};
  assign mem_end   = {1'b0, mem_off} + 34'(count);
  assign mem_range_ok = !mem_off[32] && mem_end <= 34'(MemBytes);
  assign reg_ok    = addr < 32'h800 && addr[1:0] == 2'b00;

  always_comb begin
    chk_status = StOk;
    unique case (cmd_q)
      CmdReadReg:  chk_status = len_q != 16'd4 ? StBadLen : !reg_ok ? StBadAddr : StOk;
      CmdWriteReg: chk_status = len_q != 16'd8 ? StBadLen : !reg_ok ? StBadAddr : StOk;
      CmdReadMem:
        chk_status = len_q != 16'd6 || count == 16'd0 || count > 16'(MaxData) ? StBadLen :
                     !mem_range_ok ? StBadAddr : StOk;
      CmdWriteMem: chk_status = len_q < 16'd5 ? StBadLen : !mem_range_ok ? StBadAddr : StOk;
      CmdStatus:   chk_status = len_q != 16'd0 ? StBadLen : StOk;
      default:     chk_status = StUnknownCmd;
    endcase
  end

  // The reply on the wire: 5A STATUS SEQ CYCLE[4] LEN[2] payload CRC[2].
  assign rep_len = rep_stored_q ? st_len_q : {15'd0, rep_has_byte_q};
  always_comb begin
    tx_byte = RepStart;  // byte 0
    if (idx_q == 16'd1)
      tx_byte = rep_stored_q ? (st_status_q | (rep_dup_q ? Duplicate : 8'h0)) : rep_status_q;
    else if (idx_q == 16'd2) tx_byte = rep_stored_q ? st_seq_q : rep_seq_q;
    else if (idx_q >= 16'd3 && idx_q <= 16'd6) tx_byte = rep_cycle_q[8*(idx_q[2:0]-3'd3) +: 8];
    else if (idx_q == 16'd7) tx_byte = rep_len[7:0];
    else if (idx_q == 16'd8) tx_byte = rep_len[15:8];
    else if (idx_q >= 16'd9 && idx_q < 16'd9 + rep_len)
      tx_byte = rep_stored_q ? rep_rdata : rep_byte_q;
    else if (idx_q == 16'd9 + rep_len) tx_byte = crc_q[7:0];
    else if (idx_q == 16'd10 + rep_len) tx_byte = crc_q[15:8];
  end

  assign tx_phase = state_q == STxLoad;
  assign crc_next = crc16_step(crc_q, tx_phase ? tx_byte : rx_data_i);

  // Buffers: the request RAM fills from payload bytes 4.. (WRITE_MEM data) and is read by
  // WRITE_MEM; the reply RAM fills from short payloads and READ_MEM data and is read by the
  // sender.
  assign req_we    = state_q == SPay && rx_byte && idx_q >= 16'd4;
  assign req_waddr = BufW'(idx_q - 16'd4);
  assign req_wdata = rx_data_i;
  assign req_re    = state_q == SMemWrFetch;
  assign req_raddr = BufW'(idx_q);
  assign rep_we    = (state_q == SFill) || (state_q == SMemRdWait && mem_rvalid_i);
  assign rep_waddr = BufW'(idx_q);
  assign rep_wdata = state_q == SFill ? small_q[7:0] : mem_rdata_i[8*maddr_q[3:0] +: 8];
  assign rep_re    = state_q == STxPrep;
  assign rep_raddr = BufW'(idx_q - 16'd9);

  // ---------------------------------------------------------------- the frame engine
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q        <= SHunt;
      idx_q          <= '0;
      cmd_q          <= '0;
      seq_q          <= '0;
      len_q          <= '0;
      arg_q          <= '0;
      crc_q          <= 16'hFFFF;
      crc_bad_q      <= 1'b0;
      err_q          <= '0;
      synced_q       <= 1'b0;
      expected_q     <= '0;
      st_status_q    <= '0;
      st_seq_q       <= '0;
      st_len_q       <= '0;
      rep_stored_q   <= 1'b0;
      rep_dup_q      <= 1'b0;
      rep_status_q   <= '0;
      rep_seq_q      <= '0;
      rep_byte_q     <= '0;
      rep_has_byte_q <= 1'b0;
      rep_cycle_q    <= '0;
      small_q        <= '0;
      rejected_q     <= '0;
      reject_q       <= 1'b0;
      cycle_q        <= '0;
      idle_q         <= '0;
      aw_done_q      <= 1'b0;
      w_done_q       <= 1'b0;
      maddr_q        <= '0;
      tx_valid_q     <= 1'b0;
      tx_data_q      <= '0;
    end else begin
      cycle_q  <= cycle_q + 64'd1;
      reject_q <= 1'b0;
      if (rx_active_i) idle_q <= '0;
      else if (!timed_out) idle_q <= idle_q + 1'b1;

      unique case (state_q)
        SHunt: if (rx_byte && rx_data_i == ReqStart) begin
          state_q <= SHdr;
          idx_q   <= '0;
          crc_q   <= 16'hFFFF;
          seq_q   <= '0;
        end
        SHdr, SPay, SCrc0, SCrc1: begin
          if (rx_byte) begin
            idx_q <= idx_q + 16'd1;
            if (state_q == SHdr || state_q == SPay) crc_q <= crc_next;
            if (state_q == SHdr) begin
              if (idx_q == 16'd0) cmd_q <= rx_data_i;
              if (idx_q == 16'd1) seq_q <= rx_data_i;
              if (idx_q == 16'd2) len_q[7:0] <= rx_data_i;
              if (idx_q == 16'd3) begin
                len_q <= full_len;
                idx_q <= '0;
                if (full_len > MaxLen) begin
                  state_q <= SDrain;
                  err_q   <= StBadLen;
                end else begin
                  state_q <= full_len == 16'd0 ? SCrc0 : SPay;
                end
              end
            end else if (state_q == SPay) begin
              if (idx_q < 16'd8) arg_q[8*idx_q[2:0] +: 8] <= rx_data_i;
              if (idx_q == len_q - 16'd1) state_q <= SCrc0;
            end else if (state_q == SCrc0) begin
              crc_bad_q <= rx_data_i != crc_q[7:0];
              state_q   <= SCrc1;
            end else if (crc_bad_q || rx_data_i != crc_q[15:8]) begin
              state_q <= SDrain;
              err_q   <= StBadCrc;
            end else begin
              state_q <= SCheck;
            end
          end else if (timed_out) begin  // the line went quiet inside the frame
            state_q        <= STxStart;
            rep_stored_q   <= 1'b0;
            rep_status_q   <= StTruncated;
            rep_seq_q      <= seq_q;
            rep_has_byte_q <= 1'b0;
            rejected_q     <= rejected_q + (rejected_q != 16'hFFFF ? 16'd1 : 16'd0);
            reject_q       <= 1'b1;
          end
        end
        SDrain: if (timed_out) begin
          state_q        <= STxStart;
          rep_stored_q   <= 1'b0;
          rep_status_q   <= err_q;
          rep_seq_q      <= seq_q;
          rep_has_byte_q <= 1'b0;
          rejected_q     <= rejected_q + (rejected_q != 16'hFFFF ? 16'd1 : 16'd0);
          reject_q       <= 1'b1;
        end
        SCheck: begin
          idx_q     <= '0;
          aw_done_q <= 1'b0;
          w_done_q  <= 1'b0;
          maddr_q   <= mem_off[MemAddrW-1:0];
          rep_dup_q <= 1'b0;
          if (cmd_q == CmdHello || (synced_q && seq_q == expected_q)) begin
            // Executed: this frame's reply becomes the stored one.
            st_seq_q    <= seq_q;
            st_status_q <= StOk;
            st_len_q    <= '0;
          end
          if (cmd_q == CmdHello) begin  // any SEQ: (re)starts the sequence
            synced_q     <= 1'b1;
            expected_q   <= seq_q + 8'd1;
            rep_stored_q <= 1'b1;
            if (len_q != 16'd0) begin
              st_status_q <= StBadLen;
              state_q     <= STxStart;
            end else begin
              st_len_q <= 16'd11;
              small_q  <= {32'(MemBytes), MemBase, 16'(MaxData), Version};
              state_q  <= SFill;
            end
          end else if (synced_q && seq_q == expected_q) begin
            expected_q   <= seq_q + 8'd1;
            rep_stored_q <= 1'b1;
            if (chk_status != StOk) begin
              st_status_q <= chk_status;
              state_q     <= STxStart;
            end else begin
              unique case (cmd_q)
                CmdReadReg, CmdWriteReg: state_q <= SRegAddr;
                CmdReadMem: state_q <= SMemRd;
                CmdWriteMem: state_q <= SMemWrFetch;
                default: begin  // STATUS
                  st_len_q <= 16'd11;
                  small_q  <= {rejected_q, 7'd0, irq_i, cycle_q};
                  state_q  <= SFill;
                end
              endcase
            end
          end else if (synced_q && seq_q == expected_q - 8'd1) begin
            // The last executed frame again: its stored reply, not a second execution.
            state_q      <= STxStart;
            rep_stored_q <= 1'b1;
            rep_dup_q    <= 1'b1;
          end else begin
            state_q        <= STxStart;
            rep_stored_q   <= 1'b0;
            rep_status_q   <= StBadSeq;
            rep_seq_q      <= seq_q;
            rep_has_byte_q <= 1'b1;
            rep_byte_q     <= expected_q;
            rejected_q     <= rejected_q + (rejected_q != 16'hFFFF ? 16'd1 : 16'd0);
            reject_q       <= 1'b1;
          end
        end
        SFill: begin
          small_q <= small_q >> 8;
          idx_q   <= idx_q + 16'd1;
          if (idx_q == st_len_q - 16'd1) state_q <= STxStart;
        end
        SRegAddr: begin
          if (cmd_q == CmdReadReg) begin
            if (m_axil_arready_i) state_q <= SRegResp;
          end else begin
            if (m_axil_awready_i) aw_done_q <= 1'b1;
            if (m_axil_wready_i) w_done_q <= 1'b1;
            if ((aw_done_q || m_axil_awready_i) && (w_done_q || m_axil_wready_i))
              state_q <= SRegResp;
          end
        end
        SRegResp: begin
          if (cmd_q == CmdReadReg && m_axil_rvalid_i) begin
            if (m_axil_rresp_i[1]) begin
              st_status_q <= StBusError;
              state_q     <= STxStart;
            end else begin
              st_len_q <= 16'd4;
              small_q  <= {56'd0, m_axil_rdata_i};
              state_q  <= SFill;
            end
          end else if (cmd_q == CmdWriteReg && m_axil_bvalid_i) begin
            st_status_q <= m_axil_bresp_i[1] ? StBusError : StOk;
            state_q     <= STxStart;
          end
        end
        SMemRd: if (mem_gnt_i) state_q <= SMemRdWait;
        SMemRdWait: if (mem_rvalid_i) begin
          idx_q   <= idx_q + 16'd1;
          maddr_q <= maddr_q + 1'b1;
          if (idx_q == count - 16'd1) begin
            st_len_q <= count;
            state_q  <= STxStart;
          end else begin
            state_q <= SMemRd;
          end
        end
        SMemWrFetch: state_q <= SMemWr;
        SMemWr: if (mem_gnt_i) begin
          idx_q   <= idx_q + 16'd1;
          maddr_q <= maddr_q + 1'b1;
          state_q <= idx_q == count - 16'd1 ? STxStart : SMemWrFetch;
        end
        STxStart: begin
          idx_q       <= '0;
          crc_q       <= 16'hFFFF;
          rep_cycle_q <= cycle_q[31:0];
          state_q     <= STxPrep;
        end
        STxPrep: state_q <= STxLoad;
        STxLoad: begin
          tx_valid_q <= 1'b1;
          tx_data_q  <= tx_byte;
          if (idx_q != 16'd0 && idx_q < 16'd9 + rep_len) crc_q <= crc_next;
          state_q <= STxSend;
        end
        STxSend: if (tx_ready_i) begin
          tx_valid_q <= 1'b0;
          idx_q      <= idx_q + 16'd1;
          state_q    <= idx_q == 16'd10 + rep_len ? SHunt : STxPrep;
        end
        default: state_q <= SHunt;
      endcase
    end
  end

  assign rx_ready_o = 1'b1;
  assign tx_valid_o = tx_valid_q;
  assign tx_data_o  = tx_data_q;

  assign m_axil_arvalid_o = state_q == SRegAddr && cmd_q == CmdReadReg;
  assign m_axil_araddr_o  = addr[10:0];
  assign m_axil_awvalid_o = state_q == SRegAddr && cmd_q == CmdWriteReg && !aw_done_q;
  assign m_axil_awaddr_o  = addr[10:0];
  assign m_axil_wvalid_o  = state_q == SRegAddr && cmd_q == CmdWriteReg && !w_done_q;
  assign m_axil_wdata_o   = arg_q[63:32];
  assign m_axil_wstrb_o   = 4'hF;
  assign m_axil_rready_o  = state_q == SRegResp && cmd_q == CmdReadReg;
  assign m_axil_bready_o  = state_q == SRegResp && cmd_q == CmdWriteReg;

  assign mem_req_o   = state_q == SMemRd || state_q == SMemWr;
  assign mem_we_o    = state_q == SMemWr;
  assign mem_addr_o  = maddr_q;
  assign mem_wdata_o = {16{req_rdata}};
  assign mem_be_o    = 16'(1) << maddr_q[3:0];
  assign reject_o    = reject_q;

  // OKAY and EXOKAY are both success, SLVERR and DECERR both errors: bit 1 decides.
  logic unused_resp_bit0;
  assign unused_resp_bit0 = ^{m_axil_bresp_i[0], m_axil_rresp_i[0]};

  `ASSERT_STREAM_STABLE(a_tx_stable, clk_i, rst_ni, tx_valid_o, tx_ready_i, tx_data_o)
endmodule
