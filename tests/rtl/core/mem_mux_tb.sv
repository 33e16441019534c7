// Test top for mem_mux: the mux with its shared port as the flat pins (mem_*) the C++ agents
// drive; the clients' ports are the mux's own.
`include "luoshu_mem.svh"

module mem_mux_tb #(
  parameter int NumRd = 3,
  parameter int NumWr = 2,
  parameter int BeatBytes = 16,
  parameter int IdW = 2,          // id width on the shared port
  parameter int WOrderDepth = 4   // AW bursts whose W beats may still be pending
) (
  input  logic                              clk_i,
  input  logic                              rst_ni,
  // Clients (index = id).
  input  logic [NumRd-1:0]                  rd_ar_valid_i,
  output logic [NumRd-1:0]                  rd_ar_ready_o,
  input  logic [NumRd-1:0][31:0]            rd_ar_addr_i,
  input  logic [NumRd-1:0][7:0]             rd_ar_len_i,
  output logic [NumRd-1:0]                  rd_r_valid_o,
  input  logic [NumRd-1:0]                  rd_r_ready_i,
  input  logic [NumWr-1:0]                  wr_aw_valid_i,
  output logic [NumWr-1:0]                  wr_aw_ready_o,
  input  logic [NumWr-1:0][31:0]            wr_aw_addr_i,
  input  logic [NumWr-1:0][7:0]             wr_aw_len_i,
  input  logic [NumWr-1:0]                  wr_w_valid_i,
  output logic [NumWr-1:0]                  wr_w_ready_o,
  input  logic [NumWr-1:0][BeatBytes*8-1:0] wr_w_data_i,
  input  logic [NumWr-1:0][BeatBytes-1:0]   wr_w_strb_i,
  input  logic [NumWr-1:0]                  wr_w_last_i,
  output logic [NumWr-1:0]                  wr_b_valid_o,
  input  logic [NumWr-1:0]                  wr_b_ready_i,
  // R data/last/err and B err are shared by every client (only valid is per client).
  output logic [BeatBytes*8-1:0]            r_data_o,
  output logic                              r_last_o,
  output logic                              r_err_o,
  output logic                              b_err_o,
  // The shared port.
  `LUOSHU_MEM_FLAT_PORTS(BeatBytes, IdW)
);
  `LUOSHU_MEM_REQ_T(BeatBytes, IdW) mem_req;
  `LUOSHU_MEM_RSP_T(BeatBytes, IdW) mem_rsp;
  luoshu_mem_pkg::rsp_ready_t        mem_rsp_ready;

  mem_mux #(
    .NumRd(NumRd), .NumWr(NumWr), .BeatBytes(BeatBytes), .IdW(IdW), .WOrderDepth(WOrderDepth)
  ) u_mux (
    .clk_i,
    .rst_ni,
    .rd_ar_valid_i,
    .rd_ar_ready_o,
    .rd_ar_addr_i,
    .rd_ar_len_i,
    .rd_r_valid_o,
    .rd_r_ready_i,
    .wr_aw_valid_i,
    .wr_aw_ready_o,
    .wr_aw_addr_i,
    .wr_aw_len_i,
    .wr_w_valid_i,
    .wr_w_ready_o,
    .wr_w_data_i,
    .wr_w_strb_i,
    .wr_w_last_i,
    .wr_b_valid_o,
    .wr_b_ready_i,
    .r_data_o,
    .r_last_o,
    .r_err_o,
    .b_err_o,
    .mem_req_o(mem_req),
    .mem_rsp_i(mem_rsp),
    .mem_rsp_ready_o(mem_rsp_ready)
  );
  `LUOSHU_MEM_FLATTEN(mem_req, mem_rsp, mem_rsp_ready)
endmodule
