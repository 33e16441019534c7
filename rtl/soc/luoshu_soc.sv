// The Luoshu SoC (docs/soc.md): NumCores AI cores and NumChannels memory channels on the
// dual mesh, the host register block behind an AXI4-Lite slave, one interrupt line, and one
// AXI4 master per memory channel.
//
// Layout: Y = NumChannels rows, X = NumCores/NumChannels + 1 columns. Cores fill the first
// X-1 columns row by row (core c at x = c % (X-1), y = c / (X-1)); channel c sits at the end
// of row c. Small SoC (1 core, 1 channel): 2x1. Default (4 cores, 2 channels): 3x2.
//
// Device memory interleaves across channels in 4 KiB pages: channel = addr[12 +: ChanBits].
// A core burst never crosses 4 KiB, so each burst goes to exactly one channel; the channel's
// AXI address is the device address with the channel bits taken out (noc_axi_master).
//
// Supernode (NumLinks = 2 or 4, docs/supernode.md): byte address bits [31:29] name a chip.
// One more mesh column (two nodes on a one-row mesh) holds the chip gateway (a memory node:
// this chip's requests for other chips, and their responses) and the proxy (a client: other
// chips' requests for this chip's memory); a request switch and a response switch join them
// with NumLinks c2c_link endpoints (four VCs: two dateline classes of each network), whose
// lanes are pins. chip_id_i and the torus dimensions dim_x_i, dim_y_i (a ring of n: n x 1)
// are pins too, so one model serves every chip of a simulation. Each link port's counters are
// host registers (LINK[l], docs/regs.md). NumLinks = 0 (the default) builds the one-chip SoC
// exactly as before; the supernode pins are then unused and the LINK blocks read 0.
`include "luoshu_assert.svh"
`include "luoshu_mem.svh"

module luoshu_soc #(
  parameter int NumCores = 4,
  parameter int NumChannels = 2,
  parameter int Dim = 16,
  parameter int L0aBytes = 65536,
  parameter int L0bBytes = 65536,
  parameter int L0cBytes = 131072,
  parameter int QueueDepth = 8,
  parameter int RobBeats = 256,   // per core: read beats in flight (reorder buffer)
  parameter int MaxWrites = 8,    // per core: write bursts in flight
  parameter int NocDepth = 4,     // router input buffer depth (flits)
  parameter int CubePipeMul = 0,  // cube.sv PipeMul: PE registers for FPGA timing (docs/fpga.md)
  parameter int CubeLutMulRows = 0,  // cube.sv LutMulRows: PE rows multiplying in logic (FPGA)
  parameter int MteCtrlPipe = 0,  // 1: registered LOAD/STORE pre-pass checks (ai_core.sv)
  parameter int EpiloguePipe = 0, // 1-5: registers in the STORE epilogue (ai_core.sv)
  parameter int DecodePipe = 0,   // 1: three-cycle descriptor validation in the sequencer
  parameter int L0cReadPipe = 0,  // 1: two-cycle L0C reads (block RAM output registers)
  parameter int MemSlice = 0,     // 1: a register slice on each core's memory requests
  parameter int UnitSlice = 0,    // 1: a slice on each unit's command and status (2: status twice)
  parameter int VecStepSlice = 0, // 1: a register after each vector-unit aligner (FPGA)
  parameter int VecBufBeats = 16, // per core: the vector unit's beat buffer per source (ai_core)
  parameter int NocPipeAlloc = 0, // 1: registered allocation in the NoC routers (FPGA timing)
  parameter int NumLinks = 0,     // chip-to-chip link ports: 0 (one chip), 2 (ring), 4 (torus)
  parameter int LinkLaneW = 16,   // c2c_link parameters of every link port
  parameter int LinkReplayDepth = 16,
  parameter int LinkRxDepth = 8,
  parameter int LinkTimeout = 1024,
  parameter int ProxyEntries = 16,  // other chips' requests in flight on this chip
  parameter int ProxyWriteBufBeats = 0,  // c2c_proxy WriteBufBeats: 0 cut through (docs/supernode.md)
  localparam int IdW = 2,         // AXI ID = the requesting core's index
  localparam int LinkPorts = NumLinks > 0 ? NumLinks : 1
) (
  input  logic                            clk_i,
  input  logic                            rst_ni,
  // Supernode (NumLinks > 0): this chip, the topology, the link lanes (LinkPorts each way).
  input  logic [2:0]                      chip_id_i,
  input  logic [3:0]                      dim_x_i,
  input  logic [3:0]                      dim_y_i,
  output logic [LinkPorts-1:0]            link_tx_valid_o,
  output logic [LinkPorts-1:0][LinkLaneW-1:0] link_tx_lane_o,
  input  logic [LinkPorts-1:0]            link_rx_valid_i,
  input  logic [LinkPorts-1:0][LinkLaneW-1:0] link_rx_lane_i,
  // Host: AXI4-Lite slave (the register map, docs/regs.md).
  input  logic                            s_axil_awvalid_i,
  output logic                            s_axil_awready_o,
  input  logic [10:0]                     s_axil_awaddr_i,
  input  logic                            s_axil_wvalid_i,
  output logic                            s_axil_wready_o,
  input  logic [31:0]                     s_axil_wdata_i,
  input  logic [3:0]                      s_axil_wstrb_i,
  output logic                            s_axil_bvalid_o,
  input  logic                            s_axil_bready_i,
  output logic [1:0]                      s_axil_bresp_o,
  input  logic                            s_axil_arvalid_i,
  output logic                            s_axil_arready_o,
  input  logic [10:0]                     s_axil_araddr_i,
  output logic                            s_axil_rvalid_o,
  input  logic                            s_axil_rready_i,
  output logic [31:0]                     s_axil_rdata_o,
  output logic [1:0]                      s_axil_rresp_o,
  output logic                            irq_o,
  // Observation for timelines: core c's ai_core cmd_start_o / cmd_done_o at [4c +: 4]
  // (bit = isa::Queue: LD, EX, ST, SEQ), one-cycle pulses. Not part of the host interface.
  output logic [NumCores*4-1:0]           core_cmd_start_o,
  output logic [NumCores*4-1:0]           core_cmd_done_o,
  // Memory: one AXI4 master per channel (128-bit data, INCR bursts).
  output logic [NumChannels-1:0][IdW-1:0] m_axi_arid_o,
  output logic [NumChannels-1:0][31:0]    m_axi_araddr_o,
  output logic [NumChannels-1:0][7:0]     m_axi_arlen_o,
  output logic [NumChannels-1:0][2:0]     m_axi_arsize_o,
  output logic [NumChannels-1:0][1:0]     m_axi_arburst_o,
  output logic [NumChannels-1:0]          m_axi_arvalid_o,
  input  logic [NumChannels-1:0]          m_axi_arready_i,
  input  logic [NumChannels-1:0][IdW-1:0] m_axi_rid_i,
  input  logic [NumChannels-1:0][127:0]   m_axi_rdata_i,
  input  logic [NumChannels-1:0][1:0]     m_axi_rresp_i,
  input  logic [NumChannels-1:0]          m_axi_rlast_i,
  input  logic [NumChannels-1:0]          m_axi_rvalid_i,
  output logic [NumChannels-1:0]          m_axi_rready_o,
  output logic [NumChannels-1:0][IdW-1:0] m_axi_awid_o,
  output logic [NumChannels-1:0][31:0]    m_axi_awaddr_o,
  output logic [NumChannels-1:0][7:0]     m_axi_awlen_o,
  output logic [NumChannels-1:0][2:0]     m_axi_awsize_o,
  output logic [NumChannels-1:0][1:0]     m_axi_awburst_o,
  output logic [NumChannels-1:0]          m_axi_awvalid_o,
  input  logic [NumChannels-1:0]          m_axi_awready_i,
  output logic [NumChannels-1:0][127:0]   m_axi_wdata_o,
  output logic [NumChannels-1:0][15:0]    m_axi_wstrb_o,
  output logic [NumChannels-1:0]          m_axi_wlast_o,
  output logic [NumChannels-1:0]          m_axi_wvalid_o,
  input  logic [NumChannels-1:0]          m_axi_wready_i,
  input  logic [NumChannels-1:0][IdW-1:0] m_axi_bid_i,
  input  logic [NumChannels-1:0][1:0]     m_axi_bresp_i,
  input  logic [NumChannels-1:0]          m_axi_bvalid_i,
  output logic [NumChannels-1:0]          m_axi_bready_o
);
  localparam int MaxCores = 4;  // the register map has four core blocks
  localparam int MaxLinks = c2c_pkg::NumLinkPorts;  // and four link blocks
  localparam int CoreCols = NumCores / NumChannels;
  localparam int Y = NumChannels;
  localparam bit Super = NumLinks > 0;
  // The AXI ids a memory channel sees: core c's is c (noc_axi_master's src.y * IdX + src.x);
  // the supernode's proxy takes another, so there all four.
  localparam int MasterIds = Super ? 4 : NumCores;
  localparam int BaseX = CoreCols + 1;  // the one-chip mesh's width; channels at BaseX - 1
  localparam int X = BaseX + (Super ? (Y == 1 ? 2 : 1) : 0);
  // Supernode nodes: the gateway at (BaseX, 0); the proxy above it, or beside it on one row.
  localparam int GwX = BaseX;
  localparam int GwY = 0;
  localparam int ProxyX = Y == 1 ? BaseX + 1 : BaseX;
  localparam int ProxyY = Y == 1 ? 0 : 1;
  localparam int GwNode = GwY * X + GwX;
  localparam int ProxyNode = ProxyY * X + ProxyX;
  localparam int N = X * Y;
  localparam int ChanBits = $clog2(NumChannels);
  localparam int FlitW = 146;  // 2 frame bits + {strobes, 16 data bytes} per data flit
  localparam int DataW = FlitW - noc_pkg::FrameW;
  localparam int HdrW = noc_pkg::MemHdrW;

  if (NumChannels != 1 && NumChannels != 2 && NumChannels != 4) begin : g_bad_channels
    $error("luoshu_soc: NumChannels must be 1, 2 or 4");
  end
  if (NumCores < 1 || NumCores > MaxCores || NumCores % NumChannels != 0) begin : g_bad_cores
    $error("luoshu_soc: NumCores must be 1..4 and a multiple of NumChannels");
  end
  if (NumLinks != 0 && NumLinks != 2 && NumLinks != 4) begin : g_bad_links
    $error("luoshu_soc: NumLinks must be 0, 2 or 4 (got %0d)", NumLinks);
  end

  // Memory channel c sits at (X-1, c): the mesh's MemNodes mask and the bridges' channel
  // coordinates. Written out for up to 4 channels.
  localparam logic [63:0] MemNodes =
      (64'd1 << (BaseX - 1)) | (NumChannels > 1 ? 64'd1 << (X + BaseX - 1) : 64'd0) |
      (NumChannels > 2 ? (64'd1 << (2 * X + BaseX - 1)) | (64'd1 << (3 * X + BaseX - 1)) : 64'd0) |
      (Super ? 64'd1 << GwNode : 64'd0);
  localparam logic [3:0][2:0] ChanX = {4{3'(BaseX - 1)}};
  localparam logic [3:0][2:0] ChanY = {3'd3, 3'd2, 3'd1, 3'd0};

  // ---------------------------------------------------------------- network
  logic [N-1:0]       tx_hdr_valid, tx_hdr_ready, tx_data_valid, tx_data_ready;
  logic [N-1:0]       rx_hdr_valid, rx_hdr_ready, rx_data_valid, rx_data_ready, rx_data_last;
  logic [N*HdrW-1:0]  tx_hdr, rx_hdr;
  logic [N*DataW-1:0] tx_data, rx_data;

  noc_dual_mesh #(
    .X(X), .Y(Y), .FlitW(FlitW), .Depth(NocDepth), .PipeAlloc(NocPipeAlloc), .MemNodes(MemNodes)
  ) u_net (
    .clk_i,
    .rst_ni,
    .tx_hdr_valid_i (tx_hdr_valid),
    .tx_hdr_ready_o (tx_hdr_ready),
    .tx_hdr_i       (tx_hdr),
    .tx_data_valid_i(tx_data_valid),
    .tx_data_ready_o(tx_data_ready),
    .tx_data_i      (tx_data),
    .rx_hdr_valid_o (rx_hdr_valid),
    .rx_hdr_ready_i (rx_hdr_ready),
    .rx_hdr_o       (rx_hdr),
    .rx_data_valid_o(rx_data_valid),
    .rx_data_ready_i(rx_data_ready),
    .rx_data_o      (rx_data),
    .rx_data_last_o (rx_data_last)
  );

  // ---------------------------------------------------------------- host registers
  // Register-block ports, one entry per core block (blocks >= NumCores are tied off).
  logic [MaxCores-1:0][31:0]       reg_ring_base, reg_ring_size, reg_tail;
  logic [MaxCores-1:0]             reg_ring_set, reg_doorbell, reg_clear, reg_cnt_lo_read;
  logic [MaxCores-1:0][1:0]        reg_state;
  logic [MaxCores-1:0][3:0]        reg_fault_code, reg_cnt_sel;
  logic [MaxCores-1:0][31:0]       reg_fault_index, reg_head, reg_cnt_lo;
  logic [MaxCores-1:0][15:0]       reg_cnt_hi;
  logic [MaxCores-1:0]             reg_int_fault, reg_int_ctl_error, reg_int_sync, reg_intr;
  logic [MaxCores-1:0]             unused_mask_fault, unused_mask_ctl_error, unused_mask_sync;
  logic [MaxCores-1:0][3:0][31:0]  reg_win_base, reg_win_size;
  logic [MaxCores-1:0][3:0]        reg_win_flags;
  // One entry per link block (blocks >= NumLinks read 0).
  logic [MaxLinks-1:0][3:0]        reg_link_cnt_sel;
  logic [MaxLinks-1:0]             reg_link_cnt_lo_read;
  logic [MaxLinks-1:0][31:0]       reg_link_cnt_lo;
  logic [MaxLinks-1:0][15:0]       reg_link_cnt_hi;

  luoshu_regs u_regs (
    .clk_i,
    .rst_ni,
    .s_axil_awvalid_i,
    .s_axil_awready_o,
    .s_axil_awaddr_i,
    .s_axil_wvalid_i,
    .s_axil_wready_o,
    .s_axil_wdata_i,
    .s_axil_wstrb_i,
    .s_axil_bvalid_o,
    .s_axil_bready_i,
    .s_axil_bresp_o,
    .s_axil_arvalid_i,
    .s_axil_arready_o,
    .s_axil_araddr_i,
    .s_axil_rvalid_o,
    .s_axil_rready_i,
    .s_axil_rdata_o,
    .s_axil_rresp_o,
    .config_dim_i               (8'(Dim)),
    .config_cores_i             (4'(NumCores)),
    .config_channels_i          (4'(NumChannels)),
    .config_links_i             (4'(NumLinks)),
    .config_l0_l0a_kib_i        (10'(L0aBytes / 1024)),
    .config_l0_l0b_kib_i        (10'(L0bBytes / 1024)),
    .config_l0_l0c_kib_i        (10'(L0cBytes / 1024)),
    .core_ring_base_o           (reg_ring_base),
    .core_ring_size_o           (reg_ring_size),
    .core_ring_size_swmod_o     (reg_ring_set),
    .core_tail_o                (reg_tail),
    .core_tail_swmod_o          (reg_doorbell),
    .core_ctrl_clear_o          (reg_clear),
    .core_status_state_i        (reg_state),
    .core_status_fault_code_i   (reg_fault_code),
    .core_fault_index_i         (reg_fault_index),
    .core_head_i                (reg_head),
    .core_int_status_fault_i    (reg_int_fault),
    .core_int_status_ctl_error_i(reg_int_ctl_error),
    .core_int_status_sync_i     (reg_int_sync),
    .core_int_mask_fault_o      (unused_mask_fault),
    .core_int_mask_ctl_error_o  (unused_mask_ctl_error),
    .core_int_mask_sync_o       (unused_mask_sync),
    .core_cnt_sel_o             (reg_cnt_sel),
    .core_cnt_lo_i              (reg_cnt_lo),
    .core_cnt_lo_swacc_o        (reg_cnt_lo_read),
    .core_cnt_hi_i              (reg_cnt_hi),
    .core_win_base_o            (reg_win_base),
    .core_win_size_o            (reg_win_size),
    .core_win_flags_o           (reg_win_flags),
    .link_cnt_sel_o             (reg_link_cnt_sel),
    .link_cnt_lo_i              (reg_link_cnt_lo),
    .link_cnt_lo_swacc_o        (reg_link_cnt_lo_read),
    .link_cnt_hi_i              (reg_link_cnt_hi),
    .core_int_status_intr_o     (reg_intr)
  );

  // One interrupt line: any core's enabled interrupt status (absent cores never raise one).
  assign irq_o = |reg_intr;

  // ---------------------------------------------------------------- cores
  for (genvar c = 0; c < MaxCores; c++) begin : g_core
    if (c < NumCores) begin : g_present
      localparam int Node = (c / CoreCols) * X + (c % CoreCols);
      `LUOSHU_MEM_REQ_T(16, luoshu_mem_pkg::IdW) mem_req;  // the core's memory port
      `LUOSHU_MEM_RSP_T(16, luoshu_mem_pkg::IdW) mem_rsp;
      luoshu_mem_pkg::rsp_ready_t                mem_rsp_ready;
      luoshu_mem_pkg::win_t [3:0] win;
      logic [1:0]  state;
      logic        irq, ctl_error;
      logic [31:0] tail_unused;
      logic [63:0] cnt_value;
      logic [15:0] cnt_hi_q;

      // Window sizes are 32-bit registers; the core takes 33 bits (4 GiB windows).
      for (genvar w = 0; w < 4; w++) begin : g_win
        assign win[w] = luoshu_mem_pkg::win_make(reg_win_base[c][w], {1'b0, reg_win_size[c][w]},
                                                 reg_win_flags[c][w]);
      end

      ai_core #(
        .Dim(Dim), .L0aBytes(L0aBytes), .L0bBytes(L0bBytes), .L0cBytes(L0cBytes),
        .QueueDepth(QueueDepth), .CubePipeMul(CubePipeMul), .CubeLutMulRows(CubeLutMulRows),
        .EpiloguePipe(EpiloguePipe), .MteCtrlPipe(MteCtrlPipe), .DecodePipe(DecodePipe),
        .L0cReadPipe(L0cReadPipe), .MemSlice(MemSlice), .UnitSlice(UnitSlice),
        .VecStepSlice(VecStepSlice), .VecBufBeats(VecBufBeats)
      ) u_core (
        .clk_i,
        .rst_ni,
        .ring_base_i   (reg_ring_base[c]),
        .ring_size_i   (reg_ring_size[c]),
        .ring_set_i    (reg_ring_set[c]),
        .tail_i        (reg_tail[c]),
        .doorbell_i    (reg_doorbell[c]),
        .clear_i       (reg_clear[c]),
        // Acknowledged at once: irq_o becomes a one-cycle event that INT_STATUS keeps.
        .irq_ack_i     (1'b1),
        .win_i         (win),
        .state_o       (state),
        .head_o        (reg_head[c]),
        .tail_o        (tail_unused),
        .fault_code_o  (reg_fault_code[c]),
        .fault_index_o (reg_fault_index[c]),
        .irq_o         (irq),
        .ctl_error_o   (ctl_error),
        .cnt_sel_i     (reg_cnt_sel[c]),
        .cnt_value_o   (cnt_value),
        .cmd_start_o   (core_cmd_start_o[4*c +: 4]),
        .cmd_done_o    (core_cmd_done_o[4*c +: 4]),
        .mem_req_o     (mem_req),
        .mem_rsp_i     (mem_rsp),
        .mem_rsp_ready_o(mem_rsp_ready)
      );

      assign reg_state[c]         = state;
      assign reg_int_fault[c]     = state == luoshu_isa_pkg::StateFaulted;
      assign reg_int_ctl_error[c] = ctl_error;
      // The core's irq is a fault or a SYNC asking for one; a fault has its own bit.
      assign reg_int_sync[c]      = irq && state != luoshu_isa_pkg::StateFaulted;
      assign reg_cnt_lo[c]        = cnt_value[31:0];
      assign reg_cnt_hi[c]        = cnt_hi_q;

      // Reading CNT_LO latches the high half, so LO then HI is one consistent value.
      always_ff @(posedge clk_i) begin
        if (!rst_ni) cnt_hi_q <= '0;
        else if (reg_cnt_lo_read[c]) cnt_hi_q <= cnt_value[47:32];
      end

      core_noc_bridge #(
        .NumChannels(NumChannels), .ChanX(ChanX), .ChanY(ChanY), .RobBeats(RobBeats),
        .MaxWrites(MaxWrites), .Remote(Super), .GwX(3'(GwX)), .GwY(3'(GwY)), .RxPipe(NocPipeAlloc)
      ) u_bridge (
        .clk_i,
        .rst_ni,
        .chip_id_i,
        .core_req_i     (mem_req),
        .core_rsp_o     (mem_rsp),
        .core_rsp_ready_i(mem_rsp_ready),
        .tx_hdr_valid_o (tx_hdr_valid[Node]),
        .tx_hdr_ready_i (tx_hdr_ready[Node]),
        .tx_hdr_o       (tx_hdr[Node*HdrW +: HdrW]),
        .tx_data_valid_o(tx_data_valid[Node]),
        .tx_data_ready_i(tx_data_ready[Node]),
        .tx_data_o      (tx_data[Node*DataW +: DataW]),
        .rx_hdr_valid_i (rx_hdr_valid[Node]),
        .rx_hdr_ready_o (rx_hdr_ready[Node]),
        .rx_hdr_i       (rx_hdr[Node*HdrW +: HdrW]),
        .rx_data_valid_i(rx_data_valid[Node]),
        .rx_data_ready_o(rx_data_ready[Node]),
        .rx_data_i      (rx_data[Node*DataW +: DataW]),
        .rx_data_last_i (rx_data_last[Node])
      );

`ifndef SYNTHESIS
      logic unused_core;
      assign unused_core = ^{tail_unused, cnt_value[63:48]};
`endif
    end else begin : g_absent
      // The register block's status inputs for a core that is not there read 0.
      assign reg_state[c]         = '0;
      assign reg_fault_code[c]    = '0;
      assign reg_fault_index[c]   = '0;
      assign reg_head[c]          = '0;
      assign reg_int_fault[c]     = 1'b0;
      assign reg_int_ctl_error[c] = 1'b0;
      assign reg_int_sync[c]      = 1'b0;
      assign reg_cnt_lo[c]        = '0;
      assign reg_cnt_hi[c]        = '0;
`ifndef SYNTHESIS
      logic unused_regs;
      assign unused_regs = ^{reg_ring_base[c], reg_ring_size[c], reg_tail[c], reg_ring_set[c],
                             reg_doorbell[c], reg_clear[c], reg_cnt_sel[c], reg_cnt_lo_read[c],
                             reg_win_base[c], reg_win_size[c], reg_win_flags[c]};
`endif
    end
  end

  // ---------------------------------------------------------------- memory channels
  for (genvar ch = 0; ch < NumChannels; ch++) begin : g_chan
    localparam int Node = ch * X + BaseX - 1;
    // One AXI id per core; a core has at most MaxWrites write bursts in flight.
    noc_axi_master #(
      .IdW(IdW), .IdX(CoreCols), .ChanBits(ChanBits), .MaxReadsPerId(64),
      .MaxWritesPerId(MaxWrites), .RxSlice(NocPipeAlloc), .UsedIds(MasterIds)
    ) u_master (
      .clk_i,
      .rst_ni,
      .rx_hdr_valid_i (rx_hdr_valid[Node]),
      .rx_hdr_ready_o (rx_hdr_ready[Node]),
      .rx_hdr_i       (rx_hdr[Node*HdrW +: HdrW]),
      .rx_data_valid_i(rx_data_valid[Node]),
      .rx_data_ready_o(rx_data_ready[Node]),
      .rx_data_i      (rx_data[Node*DataW +: DataW]),
      .rx_data_last_i (rx_data_last[Node]),
      .tx_hdr_valid_o (tx_hdr_valid[Node]),
      .tx_hdr_ready_i (tx_hdr_ready[Node]),
      .tx_hdr_o       (tx_hdr[Node*HdrW +: HdrW]),
      .tx_data_valid_o(tx_data_valid[Node]),
      .tx_data_ready_i(tx_data_ready[Node]),
      .tx_data_o      (tx_data[Node*DataW +: DataW]),
      .m_axi_arid_o   (m_axi_arid_o[ch]),
      .m_axi_araddr_o (m_axi_araddr_o[ch]),
      .m_axi_arlen_o  (m_axi_arlen_o[ch]),
      .m_axi_arsize_o (m_axi_arsize_o[ch]),
      .m_axi_arburst_o(m_axi_arburst_o[ch]),
      .m_axi_arvalid_o(m_axi_arvalid_o[ch]),
      .m_axi_arready_i(m_axi_arready_i[ch]),
      .m_axi_rid_i    (m_axi_rid_i[ch]),
      .m_axi_rdata_i  (m_axi_rdata_i[ch]),
      .m_axi_rresp_i  (m_axi_rresp_i[ch]),
      .m_axi_rlast_i  (m_axi_rlast_i[ch]),
      .m_axi_rvalid_i (m_axi_rvalid_i[ch]),
      .m_axi_rready_o (m_axi_rready_o[ch]),
      .m_axi_awid_o   (m_axi_awid_o[ch]),
      .m_axi_awaddr_o (m_axi_awaddr_o[ch]),
      .m_axi_awlen_o  (m_axi_awlen_o[ch]),
      .m_axi_awsize_o (m_axi_awsize_o[ch]),
      .m_axi_awburst_o(m_axi_awburst_o[ch]),
      .m_axi_awvalid_o(m_axi_awvalid_o[ch]),
      .m_axi_awready_i(m_axi_awready_i[ch]),
      .m_axi_wdata_o  (m_axi_wdata_o[ch]),
      .m_axi_wstrb_o  (m_axi_wstrb_o[ch]),
      .m_axi_wlast_o  (m_axi_wlast_o[ch]),
      .m_axi_wvalid_o (m_axi_wvalid_o[ch]),
      .m_axi_wready_i (m_axi_wready_i[ch]),
      .m_axi_bid_i    (m_axi_bid_i[ch]),
      .m_axi_bresp_i  (m_axi_bresp_i[ch]),
      .m_axi_bvalid_i (m_axi_bvalid_i[ch]),
      .m_axi_bready_o (m_axi_bready_o[ch])
    );
  end

  // ---------------------------------------------------------------- supernode
  if (Super) begin : g_super
    localparam int P = 1 + c2c_pkg::NumClasses * NumLinks;  // switch ports: 0 = local
    localparam int NumVc = 2 * c2c_pkg::NumClasses;         // vc = class * 2 + network
    logic [P-1:0]            rq_in_valid, rq_in_ready, rq_out_valid, rq_out_ready;
    logic [P-1:0]            rs_in_valid, rs_in_ready, rs_out_valid, rs_out_ready;
    logic [P-1:0][FlitW-1:0] rq_in_flit, rq_out_flit, rs_in_flit, rs_out_flit;

    // Gateway: requests for other chips leave the request mesh here as packets for the
    // request switch; responses from the response switch enter the response mesh (to the
    // core named in route.dst). A packing NI that keeps route.src (the requesting core).
    logic gw_unused_last;
    noc_ni #(.FlitW(FlitW), .KeepSrc(1)) u_gateway (
      .clk_i,
      .rst_ni,
      .x_i            ('0),
      .y_i            ('0),
      .tx_hdr_valid_i (rx_hdr_valid[GwNode]),
      .tx_hdr_ready_o (rx_hdr_ready[GwNode]),
      .tx_hdr_i       (rx_hdr[GwNode*HdrW +: HdrW]),
      .tx_data_valid_i(rx_data_valid[GwNode]),
      .tx_data_ready_o(rx_data_ready[GwNode]),
      .tx_data_i      (rx_data[GwNode*DataW +: DataW]),
      .net_out_valid_o(rq_in_valid[0]),
      .net_out_ready_i(rq_in_ready[0]),
      .net_out_flit_o (rq_in_flit[0]),
      .net_in_valid_i (rs_out_valid[0]),
      .net_in_ready_o (rs_out_ready[0]),
      .net_in_flit_i  (rs_out_flit[0]),
      .rx_hdr_valid_o (tx_hdr_valid[GwNode]),
      .rx_hdr_ready_i (tx_hdr_ready[GwNode]),
      .rx_hdr_o       (tx_hdr[GwNode*HdrW +: HdrW]),
      .rx_data_valid_o(tx_data_valid[GwNode]),
      .rx_data_ready_i(tx_data_ready[GwNode]),
      .rx_data_o      (tx_data[GwNode*DataW +: DataW]),
      .rx_data_last_o (gw_unused_last)
    );

    c2c_proxy #(
      .FlitW(FlitW), .NumChannels(NumChannels), .ChanX(ChanX), .ChanY(ChanY),
      .Entries(ProxyEntries), .WriteBufBeats(ProxyWriteBufBeats)
    ) u_proxy (
      .clk_i,
      .rst_ni,
      .req_in_valid_i (rq_out_valid[0]),
      .req_in_ready_o (rq_out_ready[0]),
      .req_in_flit_i  (rq_out_flit[0]),
      .rsp_out_valid_o(rs_in_valid[0]),
      .rsp_out_ready_i(rs_in_ready[0]),
      .rsp_out_flit_o (rs_in_flit[0]),
      .tx_hdr_valid_o (tx_hdr_valid[ProxyNode]),
      .tx_hdr_ready_i (tx_hdr_ready[ProxyNode]),
      .tx_hdr_o       (tx_hdr[ProxyNode*HdrW +: HdrW]),
      .tx_data_valid_o(tx_data_valid[ProxyNode]),
      .tx_data_ready_i(tx_data_ready[ProxyNode]),
      .tx_data_o      (tx_data[ProxyNode*DataW +: DataW]),
      .rx_hdr_valid_i (rx_hdr_valid[ProxyNode]),
      .rx_hdr_ready_o (rx_hdr_ready[ProxyNode]),
      .rx_hdr_i       (rx_hdr[ProxyNode*HdrW +: HdrW]),
      .rx_data_valid_i(rx_data_valid[ProxyNode]),
      .rx_data_ready_o(rx_data_ready[ProxyNode]),
      .rx_data_i      (rx_data[ProxyNode*DataW +: DataW]),
      .rx_data_last_i (rx_data_last[ProxyNode])
    );

    c2c_switch #(.FlitW(FlitW), .NumLinks(NumLinks), .Response(1'b0)) u_req_switch (
      .clk_i,
      .rst_ni,
      .chip_id_i,
      .dim_x_i,
      .dim_y_i,
      .in_valid_i (rq_in_valid),
      .in_ready_o (rq_in_ready),
      .in_flit_i  (rq_in_flit),
      .out_valid_o(rq_out_valid),
      .out_ready_i(rq_out_ready),
      .out_flit_o (rq_out_flit)
    );
    c2c_switch #(.FlitW(FlitW), .NumLinks(NumLinks), .Response(1'b1)) u_rsp_switch (
      .clk_i,
      .rst_ni,
      .chip_id_i,
      .dim_x_i,
      .dim_y_i,
      .in_valid_i (rs_in_valid),
      .in_ready_o (rs_in_ready),
      .in_flit_i  (rs_in_flit),
      .out_valid_o(rs_out_valid),
      .out_ready_i(rs_out_ready),
      .out_flit_o (rs_out_flit)
    );

    // Link port l carries switch port 1 + 2 l + class of each network as vc = class * 2 + net.
    for (genvar l = 0; l < NumLinks; l++) begin : g_link
      logic [NumVc-1:0]            in_valid, in_ready, out_valid, out_ready;
      logic [NumVc-1:0][FlitW-1:0] in_flit, out_flit;
      logic [c2c_pkg::NumCounters-1:0][c2c_pkg::CounterW-1:0] counters;
      logic [c2c_pkg::CounterW-1:0] cnt_value;
      logic [15:0] cnt_hi_q;
      for (genvar c = 0; c < c2c_pkg::NumClasses; c++) begin : g_class
        localparam int Port = 1 + c2c_pkg::NumClasses * l + c;
        assign in_valid[2*c]      = rq_out_valid[Port];
        assign in_flit[2*c]       = rq_out_flit[Port];
        assign rq_out_ready[Port] = in_ready[2*c];
        assign in_valid[2*c+1]    = rs_out_valid[Port];
        assign in_flit[2*c+1]     = rs_out_flit[Port];
        assign rs_out_ready[Port] = in_ready[2*c+1];
        assign rq_in_valid[Port]  = out_valid[2*c];
        assign rq_in_flit[Port]   = out_flit[2*c];
        assign out_ready[2*c]     = rq_in_ready[Port];
        assign rs_in_valid[Port]  = out_valid[2*c+1];
        assign rs_in_flit[Port]   = out_flit[2*c+1];
        assign out_ready[2*c+1]   = rs_in_ready[Port];
      end
      c2c_link #(
        .FlitW(FlitW), .LaneW(LinkLaneW), .ReplayDepth(LinkReplayDepth), .RxDepth(LinkRxDepth),
        .TimeoutCycles(LinkTimeout), .NumVc(NumVc)
      ) u_link (
        .clk_i,
        .rst_ni,
        .in_valid_i     (in_valid),
        .in_ready_o     (in_ready),
        .in_flit_i      (in_flit),
        .out_valid_o    (out_valid),
        .out_ready_i    (out_ready),
        .out_flit_o     (out_flit),
        .tx_lane_valid_o(link_tx_valid_o[l]),
        .tx_lane_o      (link_tx_lane_o[l]),
        .rx_lane_valid_i(link_rx_valid_i[l]),
        .rx_lane_i      (link_rx_lane_i[l]),
        .counters_o     (counters)
      );

      // The host's LINK[l] block: CNT_SEL picks a counter (beyond the last one: 0); reading
      // CNT_LO latches the high half, so LO then HI is one consistent value, as for the cores.
      always_comb begin
        cnt_value = '0;
        for (int i = 0; i < c2c_pkg::NumCounters; i++) begin
          if (reg_link_cnt_sel[l] == 4'(i)) cnt_value = counters[i];
        end
      end
      assign reg_link_cnt_lo[l] = cnt_value[31:0];
      assign reg_link_cnt_hi[l] = cnt_hi_q;
      always_ff @(posedge clk_i) begin
        if (!rst_ni) cnt_hi_q <= '0;
        else if (reg_link_cnt_lo_read[l]) cnt_hi_q <= cnt_value[47:32];
      end
    end

    // Nodes of the supernode column that are neither gateway nor proxy (a 4-row mesh).
    for (genvar y = 0; y < Y; y++) begin : g_spare
      localparam int Node = y * X + BaseX;
      if (Node != GwNode && Node != ProxyNode) begin : g_node
        assign tx_hdr_valid[Node]  = 1'b0;
        assign tx_hdr[Node*HdrW +: HdrW] = '0;
        assign tx_data_valid[Node] = 1'b0;
        assign tx_data[Node*DataW +: DataW] = '0;
        assign rx_hdr_ready[Node]  = 1'b1;
        assign rx_data_ready[Node] = 1'b1;
`ifndef SYNTHESIS
        logic unused_spare;
        assign unused_spare = ^{tx_hdr_ready[Node], tx_data_ready[Node], rx_hdr_valid[Node],
                                rx_hdr[Node*HdrW +: HdrW], rx_data_valid[Node],
                                rx_data[Node*DataW +: DataW], rx_data_last[Node]};
`endif
      end
    end
`ifndef SYNTHESIS
    logic unused_super;
    assign unused_super = ^{gw_unused_last, rx_data_last[GwNode]};
`endif
  end else begin : g_one_chip
    assign link_tx_valid_o = '0;
    assign link_tx_lane_o  = '0;
`ifndef SYNTHESIS
    logic unused_super;
    assign unused_super = ^{chip_id_i, dim_x_i, dim_y_i, link_rx_valid_i, link_rx_lane_i};
`endif
  end

  // Link register blocks of ports this SoC does not have read 0.
  for (genvar l = NumLinks; l < MaxLinks; l++) begin : g_no_link
    assign reg_link_cnt_lo[l] = '0;
    assign reg_link_cnt_hi[l] = '0;
`ifndef SYNTHESIS
    logic unused_link_regs;
    assign unused_link_regs = ^{reg_link_cnt_sel[l], reg_link_cnt_lo_read[l]};
`endif
  end

  // Cover points (coverage build only): each interrupt source of some core raised while its
  // INT_MASK bit enables it (the line rises) and while it is masked (status only).
  // g_cov_irq index: 0 fault, 1 ctl_error, 2 sync.
`ifdef LUOSHU_COVERAGE
  logic [2:0][MaxCores-1:0] cov_irq_event, cov_irq_enabled;
  assign cov_irq_event   = {reg_int_sync, reg_int_ctl_error, reg_int_fault};
  assign cov_irq_enabled = {unused_mask_sync, unused_mask_ctl_error, unused_mask_fault};
`endif
  for (genvar k = 0; k < 3; k++) begin : g_cov_irq
    `COVER(cov_irq_unmasked, clk_i, rst_ni, (cov_irq_event[k] & cov_irq_enabled[k]) != '0)
    `COVER(cov_irq_masked, clk_i, rst_ni, (cov_irq_event[k] & ~cov_irq_enabled[k]) != '0)
  end
endmodule
