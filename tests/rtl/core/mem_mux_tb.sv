// Test top for mem_mux: the mux with its client structs and its shared port as the flat pins
// the C++ agents drive (rd_* / wr_* per client as packed vectors, index = id; mem_*).
`include "luoshu_mem.svh"

module mem_mux_tb #(
  parameter int NumRd = 3,
  parameter int NumWr = 2,
  parameter int BeatBytes = 16,
  parameter int IdW = 2,          // id width on the shared port
  parameter int WOrderDepth = 4,  // AW bursts whose W beats may still be pending
  parameter int ClientSlice = 0   // 1: a register slice on each client's AR and AW
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
  `LUOSHU_MEM_RD_REQ_T [NumRd-1:0]            rd_req;
  `LUOSHU_MEM_RD_RSP_T(BeatBytes) [NumRd-1:0] rd_rsp;
  `LUOSHU_MEM_WR_REQ_T(BeatBytes) [NumWr-1:0] wr_req;
  `LUOSHU_MEM_WR_RSP_T [NumWr-1:0]            wr_rsp;
  `LUOSHU_MEM_REQ_T(BeatBytes, IdW)           mem_req;
  `LUOSHU_MEM_RSP_T(BeatBytes, IdW)           mem_rsp;
  luoshu_mem_pkg::rsp_ready_t                 mem_rsp_ready;
  logic [NumRd-1:0]                           mem_r_valids;  // the port's valids per id
  logic [NumWr-1:0]                           mem_b_valids;

  for (genvar c = 0; c < NumRd; c++) begin : g_rd
    assign rd_req[c]        = '{ar_valid: rd_ar_valid_i[c], ar_addr: rd_ar_addr_i[c],
                                ar_len: rd_ar_len_i[c]};
    assign rd_ar_ready_o[c] = rd_rsp[c].ar_ready;
    assign rd_r_valid_o[c]  = rd_rsp[c].r_valid;
    assign mem_r_valids[c]  = mem_rsp.r_valid && 32'(mem_rsp.r_id) == c;
  end
  for (genvar c = 0; c < NumWr; c++) begin : g_wr
    assign wr_req[c]        = '{aw_valid: wr_aw_valid_i[c], aw_addr: wr_aw_addr_i[c],
                                aw_len: wr_aw_len_i[c], w_valid: wr_w_valid_i[c],
                                w_data: wr_w_data_i[c], w_strb: wr_w_strb_i[c],
                                w_last: wr_w_last_i[c]};
    assign wr_aw_ready_o[c] = wr_rsp[c].aw_ready;
    assign wr_w_ready_o[c]  = wr_rsp[c].w_ready;
    assign wr_b_valid_o[c]  = wr_rsp[c].b_valid;
    assign mem_b_valids[c]  = mem_rsp.b_valid && 32'(mem_rsp.b_id) == c;
  end
  // The shared fields are the same in every client's response.
  assign r_data_o = rd_rsp[0].r_data;
  assign r_last_o = rd_rsp[0].r_last;
  assign r_err_o  = rd_rsp[0].r_err;
  assign b_err_o  = wr_rsp[0].b_err;

  mem_mux #(
    .NumRd(NumRd), .NumWr(NumWr), .BeatBytes(BeatBytes), .IdW(IdW), .WOrderDepth(WOrderDepth),
    .ClientSlice(ClientSlice)
  ) u_mux (
    .clk_i,
    .rst_ni,
    .rd_req_i       (rd_req),
    .rd_rsp_o       (rd_rsp),
    .rd_r_ready_i,
    .wr_req_i       (wr_req),
    .wr_rsp_o       (wr_rsp),
    .wr_b_ready_i,
    .mem_req_o      (mem_req),
    .mem_rsp_i      (mem_rsp),
    .mem_r_valids_i (mem_r_valids),
    .mem_b_valids_i (mem_b_valids),
    .mem_rsp_ready_o(mem_rsp_ready)
  );
  `LUOSHU_MEM_FLATTEN(mem_req, mem_rsp, mem_rsp_ready)
endmodule
