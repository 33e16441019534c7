// The board's device memory (docs/board.md): MemBytes of block RAM at MemBase, as sixteen
// byte lanes of 128-bit lines (one `sram` per lane, so a strobe writes only its bytes). Two
// users: the SoC's memory channel through an AXI4 slave (128-bit data, INCR bursts of 16-byte
// beats, one read and one write burst at a time), and the host bridge's byte port
// (host_bridge.sv: request/grant, read data mem_rvalid_o a cycle after the grant). One access
// per cycle; a round-robin arbiter between AXI read beats, AXI write beats and the bridge
// shares it fairly, so the host can read memory while the SoC runs.
//
// A beat outside [MemBase, MemBase + MemBytes), or of a burst that is not INCR of 16-byte
// beats, answers SLVERR and leaves memory alone.
`include "luoshu_assert.svh"

module board_mem #(
  parameter int          MemBytes = 131072,
  parameter logic [31:0] MemBase  = 32'h0,
  parameter int          IdW      = 2,
  localparam int         MemAddrW = $clog2(MemBytes)
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  // AXI4 slave (the SoC's m_axi_* channel).
  input  logic [IdW-1:0]      s_axi_arid_i,
  input  logic [31:0]         s_axi_araddr_i,
  input  logic [7:0]          s_axi_arlen_i,
  input  logic [2:0]          s_axi_arsize_i,
  input  logic [1:0]          s_axi_arburst_i,
  input  logic                s_axi_arvalid_i,
  output logic                s_axi_arready_o,
  output logic [IdW-1:0]      s_axi_rid_o,
  output logic [127:0]        s_axi_rdata_o,
  output logic [1:0]          s_axi_rresp_o,
  output logic                s_axi_rlast_o,
  output logic                s_axi_rvalid_o,
  input  logic                s_axi_rready_i,
  input  logic [IdW-1:0]      s_axi_awid_i,
  input  logic [31:0]         s_axi_awaddr_i,
  input  logic [7:0]          s_axi_awlen_i,
  input  logic [2:0]          s_axi_awsize_i,
  input  logic [1:0]          s_axi_awburst_i,
  input  logic                s_axi_awvalid_i,
  output logic                s_axi_awready_o,
  input  logic [127:0]        s_axi_wdata_i,
  input  logic [15:0]         s_axi_wstrb_i,
  input  logic                s_axi_wlast_i,
  input  logic                s_axi_wvalid_i,
  output logic                s_axi_wready_o,
  output logic [IdW-1:0]      s_axi_bid_o,
  output logic [1:0]          s_axi_bresp_o,
  output logic                s_axi_bvalid_o,
  input  logic                s_axi_bready_i,
  // The host bridge's port: byte offsets from MemBase.
  input  logic                mem_req_i,
  output logic                mem_gnt_o,
  input  logic                mem_we_i,
  input  logic [MemAddrW-1:0] mem_addr_i,
  input  logic [127:0]        mem_wdata_i,
  input  logic [15:0]         mem_be_i,
  output logic                mem_rvalid_o,
  output logic [127:0]        mem_rdata_o
);
  if (MemBytes < 16 || MemBytes % 16 != 0) begin : g_bad_bytes
    $error("board_mem: MemBytes must be a multiple of 16, at least 16 (got %0d)", MemBytes);
  end
  if (64'(MemBase) + 64'(MemBytes) > 64'h1_0000_0000 || MemBase[3:0] != 4'd0) begin : g_bad_base
    $error("board_mem: MemBase must be 16-byte aligned and MemBase + MemBytes fit in 32 bits");
  end

  localparam int Lines = MemBytes / 16;
  localparam int LineW = Lines > 1 ? $clog2(Lines) : 1;
  localparam logic [1:0] Incr = 2'b01, Okay = 2'b00, SlvErr = 2'b10;

  // Beats carry absolute line numbers (address bits 31:4, one bit more so that a burst running
  // off the top of the address space does not wrap into the memory).
  localparam logic [28:0] FirstLine = {1'b0, MemBase[31:4]};

  // ---------------------------------------------------------------- storage
  logic             we, re;
  logic [15:0]      wbe;
  logic [LineW-1:0] waddr, raddr;
  logic [127:0]     wdata, rdata;

  for (genvar i = 0; i < 16; i++) begin : g_lane
    sram #(.Words(Lines), .Width(8)) u_lane (
      .clk_i, .rst_ni,
      .we_i(we && wbe[i]), .waddr_i(waddr), .wdata_i(wdata[8*i +: 8]),
      .re_i(re), .raddr_i(raddr), .rdata_o(rdata[8*i +: 8])
    );
  end

  // ---------------------------------------------------------------- bursts
  logic             r_active_q, rv_q, r_last_q;
  logic [28:0]      r_line_q;
  logic [7:0]       r_left_q;
  logic [IdW-1:0]   r_id_q, r_beat_id_q;
  logic             r_ok_q;
  logic [1:0]       r_resp_q;
  logic             w_active_q, bv_q, w_err_q;
  logic [28:0]      w_line_q;
  logic [IdW-1:0]   w_id_q;
  logic [7:0]       w_left_q;
  logic             w_ok_q;
  logic [1:0]       b_resp_q;
  logic             bridge_rv_q;

  logic             r_in, w_in;  // the current beat is inside the memory
  // Line inside the memory (below FirstLine wraps to a huge number: outside too).
  logic [28:0]      r_index, w_index;
  assign r_index = r_line_q - FirstLine;
  assign w_index = w_line_q - FirstLine;
  assign r_in    = r_ok_q && r_index < 29'(Lines);
  assign w_in    = w_ok_q && w_index < 29'(Lines);

  // Requests: 0 an AXI read beat (room for its data), 1 an AXI write beat, 2 the bridge. A read
  // overwrites the lanes' output registers, so no read while an AXI beat waits there.
  logic       read_room;
  logic [2:0] req, gnt;
  logic [1:0] unused_gnt_idx;
  assign read_room = !rv_q || s_axi_rready_i;
  assign req = {mem_req_i && (mem_we_i || read_room), w_active_q && s_axi_wvalid_i,
                r_active_q && read_room};

  rr_arbiter #(.NumIn(3)) u_arb (
    .clk_i, .rst_ni, .req_i(req), .gnt_o(gnt), .gnt_idx_o(unused_gnt_idx), .advance_i(|req)
  );

  always_comb begin
    we    = 1'b0;
    re    = 1'b0;
    wbe   = '0;
    waddr = '0;
    raddr = '0;
    wdata = mem_wdata_i;
    if (gnt[0]) begin
      re    = r_in;
      raddr = LineW'(r_index);
    end else if (gnt[1]) begin
      we    = w_in;
      wbe   = s_axi_wstrb_i;
      waddr = LineW'(w_index);
      wdata = s_axi_wdata_i;
    end else if (gnt[2]) begin
      we    = mem_we_i;
      re    = !mem_we_i;
      wbe   = mem_be_i;
      waddr = LineW'(mem_addr_i >> 4);
      raddr = LineW'(mem_addr_i >> 4);
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      r_active_q  <= 1'b0;
      rv_q        <= 1'b0;
      r_last_q    <= 1'b0;
      r_line_q    <= '0;
      r_left_q    <= '0;
      r_id_q      <= '0;
      r_beat_id_q <= '0;
      r_ok_q      <= 1'b0;
      r_resp_q    <= Okay;
      w_active_q  <= 1'b0;
      bv_q        <= 1'b0;
      w_err_q     <= 1'b0;
      w_line_q    <= '0;
      w_left_q    <= '0;
      w_id_q      <= '0;
      w_ok_q      <= 1'b0;
      b_resp_q    <= Okay;
      bridge_rv_q <= 1'b0;
    end else begin
      bridge_rv_q <= gnt[2] && !mem_we_i;
      // Read bursts.
      if (rv_q && s_axi_rready_i) rv_q <= 1'b0;
      if (s_axi_arvalid_i && s_axi_arready_o) begin
        r_active_q <= 1'b1;
        r_line_q   <= {1'b0, s_axi_araddr_i[31:4]};
        r_left_q   <= s_axi_arlen_i;
        r_id_q     <= s_axi_arid_i;
        r_ok_q     <= s_axi_arburst_i == Incr && s_axi_arsize_i == 3'd4;
      end
      if (gnt[0]) begin
        rv_q        <= 1'b1;
        r_last_q    <= r_left_q == 8'd0;
        r_resp_q    <= r_in ? Okay : SlvErr;
        r_beat_id_q <= r_id_q;
        r_line_q    <= r_line_q + 29'd1;
        r_left_q    <= r_left_q - 8'd1;
        if (r_left_q == 8'd0) r_active_q <= 1'b0;
      end
      // Write bursts.
      if (bv_q && s_axi_bready_i) bv_q <= 1'b0;
      if (s_axi_awvalid_i && s_axi_awready_o) begin
        w_active_q <= 1'b1;
        w_line_q   <= {1'b0, s_axi_awaddr_i[31:4]};
        w_id_q     <= s_axi_awid_i;
        w_left_q   <= s_axi_awlen_i;
        w_ok_q     <= s_axi_awburst_i == Incr && s_axi_awsize_i == 3'd4;
        w_err_q    <= 1'b0;
      end
      if (gnt[1]) begin
        w_line_q <= w_line_q + 29'd1;
        w_left_q <= w_left_q - 8'd1;
        if (!w_in) w_err_q <= 1'b1;
        if (w_left_q == 8'd0) begin
          w_active_q <= 1'b0;
          bv_q       <= 1'b1;
          b_resp_q   <= (w_err_q || !w_in) ? SlvErr : Okay;
        end
      end
    end
  end

  // A beat is a whole line; the write strobes pick its bytes (the SoC's bursts start on lines).
  logic unused_addr_lo;
  assign unused_addr_lo = ^{s_axi_araddr_i[3:0], s_axi_awaddr_i[3:0]};

  assign s_axi_arready_o = !r_active_q;
  assign s_axi_rvalid_o  = rv_q;
  assign s_axi_rdata_o   = rdata;
  assign s_axi_rresp_o   = r_resp_q;
  assign s_axi_rlast_o   = r_last_q;
  assign s_axi_rid_o     = r_beat_id_q;
  assign s_axi_awready_o = !w_active_q && !bv_q;
  assign s_axi_wready_o  = gnt[1];
  assign s_axi_bvalid_o  = bv_q;
  assign s_axi_bresp_o   = b_resp_q;
  assign s_axi_bid_o     = w_id_q;
  assign mem_gnt_o       = gnt[2];
  assign mem_rvalid_o    = bridge_rv_q;
  assign mem_rdata_o     = rdata;

  `ASSERT_STREAM_STABLE(a_r_stable, clk_i, rst_ni, s_axi_rvalid_o, s_axi_rready_i,
                        {s_axi_rdata_o, s_axi_rresp_o, s_axi_rlast_o, s_axi_rid_o})
  `ASSERT_ALWAYS(a_wlast, clk_i, rst_ni, !gnt[1] || s_axi_wlast_i == (w_left_q == 8'd0),
                 "WLAST does not match AWLEN")
  `ASSERT_ALWAYS(a_bridge_in_range, clk_i, rst_ni, !mem_req_i || 32'(mem_addr_i) < MemBytes,
                 "bridge access beyond MemBytes")
endmodule
