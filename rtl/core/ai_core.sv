// One Luoshu AI core (docs/core.md): sequencer, MTE-in, cube executor, MTE-out, the three L0
// buffers and the memory mux, behind one AXI-like memory port and a control/status interface
// for the SoC's registers.
//
// L0C has one read port, shared: cube_exec (accumulate read-modify-write, on the critical
// path) always wins; mte_out is granted in the cycles the cube does not read. The token
// protocol keeps the two on different L0C blocks, so sharing is a bandwidth matter only.
`include "luoshu_assert.svh"

module ai_core #(
  parameter int Dim = 16,
  parameter int BeatBytes = 16,
  parameter int L0aBytes = 65536,
  parameter int L0bBytes = 65536,
  parameter int L0cBytes = 131072,
  parameter int QueueDepth = 8,
  parameter int NumWindows = 4
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
  input  logic [NumWindows-1:0][31:0] win_base_i,
  input  logic [NumWindows-1:0][32:0] win_size_i,
  input  logic [NumWindows-1:0]       win_writable_i,
  // Status.
  output logic [1:0]                  state_o,  // 0 idle, 1 busy, 2 blocked, 3 faulted
  output logic [31:0]                 head_o,
  output logic [31:0]                 tail_o,
  output logic [3:0]                  fault_code_o,
  output logic [31:0]                 fault_index_o,
  output logic                        irq_o,
  output logic                        ctl_error_o,
  // Performance counters, read one at a time (CntSel* below).
  input  logic [3:0]                  cnt_sel_i,
  output logic [63:0]                 cnt_value_o,
  // Memory port (ids: read 0 fetch, 1 mte_in, 2 mte_out bias; write 0 SYNC, 1 mte_out).
  output logic                        mem_ar_valid_o,
  input  logic                        mem_ar_ready_i,
  output logic [31:0]                 mem_ar_addr_o,
  output logic [7:0]                  mem_ar_len_o,
  output logic [1:0]                  mem_ar_id_o,
  input  logic                        mem_r_valid_i,
  output logic                        mem_r_ready_o,
  input  logic [BeatBytes*8-1:0]      mem_r_data_i,
  input  logic                        mem_r_last_i,
  input  logic                        mem_r_err_i,
  input  logic [1:0]                  mem_r_id_i,
  output logic                        mem_aw_valid_o,
  input  logic                        mem_aw_ready_i,
  output logic [31:0]                 mem_aw_addr_o,
  output logic [7:0]                  mem_aw_len_o,
  output logic [1:0]                  mem_aw_id_o,
  output logic                        mem_w_valid_o,
  input  logic                        mem_w_ready_i,
  output logic [BeatBytes*8-1:0]      mem_w_data_o,
  output logic [BeatBytes-1:0]        mem_w_strb_o,
  output logic                        mem_w_last_o,
  input  logic                        mem_b_valid_i,
  output logic                        mem_b_ready_o,
  input  logic                        mem_b_err_i,
  input  logic [1:0]                  mem_b_id_i
);
  localparam int AbLanes = Dim > BeatBytes ? Dim : BeatBytes;
  localparam int DescBits = luoshu_isa_pkg::DescBits;
  localparam int AAddrW = $clog2(L0aBytes);
  localparam int BAddrW = $clog2(L0bBytes);
  localparam int CAddrW = $clog2(L0cBytes / 4);
  localparam int BytesW = $clog2(AbLanes + 1);

  // ---------------------------------------------------------------- memory mux
  localparam int RdSeq = 0, RdIn = 1, RdOut = 2;
  localparam int WrSeq = 0, WrOut = 1;
  logic [2:0]                  rd_ar_valid, rd_ar_ready, rd_r_valid, rd_r_ready;
  logic [2:0][31:0]            rd_ar_addr;
  logic [2:0][7:0]             rd_ar_len;
  logic [1:0]                  wr_aw_valid, wr_aw_ready, wr_w_valid, wr_w_ready, wr_w_last;
  logic [1:0]                  wr_b_valid, wr_b_ready;
  logic [1:0][31:0]            wr_aw_addr;
  logic [1:0][7:0]             wr_aw_len;
  logic [1:0][BeatBytes*8-1:0] wr_w_data;
  logic [1:0][BeatBytes-1:0]   wr_w_strb;
  logic [BeatBytes*8-1:0]      r_data;
  logic                        r_last, r_err, b_err;

  mem_mux #(.NumRd(3), .NumWr(2), .BeatBytes(BeatBytes), .IdW(2)) u_mem_mux (
    .clk_i,
    .rst_ni,
    .rd_ar_valid_i (rd_ar_valid),
    .rd_ar_ready_o (rd_ar_ready),
    .rd_ar_addr_i  (rd_ar_addr),
    .rd_ar_len_i   (rd_ar_len),
    .rd_r_valid_o  (rd_r_valid),
    .rd_r_ready_i  (rd_r_ready),
    .wr_aw_valid_i (wr_aw_valid),
    .wr_aw_ready_o (wr_aw_ready),
    .wr_aw_addr_i  (wr_aw_addr),
    .wr_aw_len_i   (wr_aw_len),
    .wr_w_valid_i  (wr_w_valid),
    .wr_w_ready_o  (wr_w_ready),
    .wr_w_data_i   (wr_w_data),
    .wr_w_strb_i   (wr_w_strb),
    .wr_w_last_i   (wr_w_last),
    .wr_b_valid_o  (wr_b_valid),
    .wr_b_ready_i  (wr_b_ready),
    .r_data_o      (r_data),
    .r_last_o      (r_last),
    .r_err_o       (r_err),
    .b_err_o       (b_err),
    .mem_ar_valid_o,
    .mem_ar_ready_i,
    .mem_ar_addr_o,
    .mem_ar_len_o,
    .mem_ar_id_o,
    .mem_r_valid_i,
    .mem_r_ready_o,
    .mem_r_data_i,
    .mem_r_last_i,
    .mem_r_err_i,
    .mem_r_id_i,
    .mem_aw_valid_o,
    .mem_aw_ready_i,
    .mem_aw_addr_o,
    .mem_aw_len_o,
    .mem_aw_id_o,
    .mem_w_valid_o,
    .mem_w_ready_i,
    .mem_w_data_o,
    .mem_w_strb_o,
    .mem_w_last_o,
    .mem_b_valid_i,
    .mem_b_ready_o,
    .mem_b_err_i,
    .mem_b_id_i
  );

  // ---------------------------------------------------------------- sequencer
  logic                ld_valid, ld_ready, ld_done, ld_busy;
  logic                ex_valid, ex_ready, ex_done, ex_busy;
  logic                st_valid, st_ready, st_done, st_busy;
  logic [DescBits-1:0] ld_desc, ex_desc, st_desc;
  logic [3:0]          ld_fault, ex_fault, st_fault;

  // SEQUENCER_INSTANCE (wired when rtl/core/sequencer.sv lands)

  // ---------------------------------------------------------------- L0 buffers
  logic                        l0a_we, l0b_we, l0a_re, l0b_re;
  logic [AAddrW-1:0]           l0a_waddr, l0a_raddr;
  logic [BAddrW-1:0]           l0b_waddr, l0b_raddr;
  logic [AbLanes-1:0]          l0a_wmask, l0b_wmask;
  logic [AbLanes-1:0][7:0]     l0a_wdata, l0b_wdata, l0a_rdata, l0b_rdata;
  logic                        l0c_we, l0c_re, cx_c_re, mo_c_req, mo_c_gnt;
  logic [CAddrW-1:0]           l0c_waddr, l0c_raddr, cx_c_raddr, mo_c_raddr;
  logic [Dim-1:0]              l0c_wmask;
  logic [Dim-1:0][31:0]        l0c_wdata, l0c_rdata;

  l0_buffer #(.ElemW(8), .Lanes(AbLanes), .Elems(L0aBytes)) u_l0a (
    .clk_i, .rst_ni,
    .we_i(l0a_we), .waddr_i(l0a_waddr), .wmask_i(l0a_wmask), .wdata_i(l0a_wdata),
    .re_i(l0a_re), .raddr_i(l0a_raddr), .rdata_o(l0a_rdata)
  );
  l0_buffer #(.ElemW(8), .Lanes(AbLanes), .Elems(L0bBytes)) u_l0b (
    .clk_i, .rst_ni,
    .we_i(l0b_we), .waddr_i(l0b_waddr), .wmask_i(l0b_wmask), .wdata_i(l0b_wdata),
    .re_i(l0b_re), .raddr_i(l0b_raddr), .rdata_o(l0b_rdata)
  );
  l0_buffer #(.ElemW(32), .Lanes(Dim), .Elems(L0cBytes / 4)) u_l0c (
    .clk_i, .rst_ni,
    .we_i(l0c_we), .waddr_i(l0c_waddr), .wmask_i(l0c_wmask), .wdata_i(l0c_wdata),
    .re_i(l0c_re), .raddr_i(l0c_raddr), .rdata_o(l0c_rdata)
  );
  // L0C read port: the cube first, MTE-out in the gaps.
  assign mo_c_gnt  = !cx_c_re;
  assign l0c_re    = cx_c_re || mo_c_req;
  assign l0c_raddr = cx_c_re ? cx_c_raddr : mo_c_raddr;

  // UNITS (wired when rtl/mte/mte_in.sv, rtl/core/cube_exec.sv, rtl/mte/mte_out.sv land)
endmodule
