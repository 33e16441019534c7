// The core memory port as packed structs (see luoshu_mem_pkg): LUOSHU_MEM_REQ_T(bb, idw) is
// what the master drives on AR, AW and W, LUOSHU_MEM_RSP_T(bb, idw) what it receives (the
// AR/AW/W ready, R and B), for bb-byte beats and idw-bit ids; the master's R and B ready are a
// luoshu_mem_pkg::rsp_ready_t of their own. Each macro expands to a packed struct type, so it
// serves in a port declaration (`output `LUOSHU_MEM_REQ_T(BeatBytes, IdW) mem_req_o`) as well
// as in a typedef; two modules with the same bb and idw agree bit for bit. (Macros rather
// than `parameter type` ports: every unit still elaborates alone, for its lint and synthesis
// gates, with its own BeatBytes. Verilator 5.006 and Yosys's slang front end both take them.)
// Field names are the flat pin names without the mem_ prefix, so LUOSHU_MEM_FLAT_PORTS and
// LUOSHU_MEM_FLATTEN give a Verilated test top the pins the C++ agents know.
// The beat data is each struct's last field: Verilator keeps a packed struct in 32-bit words
// from bit 0, so data at bit 0 is a word copy, while data a few bits up is a multi-word shift
// on every access. With the data first, the default SoC simulated about 12 % slower
// (luoshu_bench_soc, old and new binaries alternated).
`ifndef LUOSHU_MEM_SVH
`define LUOSHU_MEM_SVH

`define LUOSHU_MEM_REQ_T(bb, idw) struct packed { \
  logic                                ar_valid; \
  logic [luoshu_mem_pkg::AddrW-1:0]    ar_addr; \
  logic [luoshu_mem_pkg::LenW-1:0]     ar_len; \
  logic [(idw)-1:0]                    ar_id; \
  logic                                aw_valid; \
  logic [luoshu_mem_pkg::AddrW-1:0]    aw_addr; \
  logic [luoshu_mem_pkg::LenW-1:0]     aw_len; \
  logic [(idw)-1:0]                    aw_id; \
  logic                                w_valid; \
  logic [(bb)-1:0]                     w_strb; \
  logic                                w_last; \
  logic [(bb)*8-1:0]                   w_data; \
}

`define LUOSHU_MEM_RSP_T(bb, idw) struct packed { \
  logic                                ar_ready; \
  logic                                r_valid; \
  logic                                r_last; \
  logic                                r_err; \
  logic [(idw)-1:0]                    r_id; \
  logic                                aw_ready; \
  logic                                w_ready; \
  logic                                b_valid; \
  logic                                b_err; \
  logic [(idw)-1:0]                    b_id; \
  logic [(bb)*8-1:0]                   r_data; \
}

// A client's side of the memory mux (docs/core.md "Memory port"): the read half (AR, R) and
// the write half (AW, W, B) of the port without ids (the mux names the client by its index),
// so a read-only client has only the first two. R data/last/err and B err are the shared
// port's, seen by every client; only the valids are per client. A client's R and B ready are
// single bits beside them, kept out of the structs for the reason rsp_ready_t is.
`define LUOSHU_MEM_RD_REQ_T struct packed { \
  logic                                ar_valid; \
  logic [luoshu_mem_pkg::AddrW-1:0]    ar_addr; \
  logic [luoshu_mem_pkg::LenW-1:0]     ar_len; \
}

`define LUOSHU_MEM_RD_RSP_T(bb) struct packed { \
  logic                                ar_ready; \
  logic                                r_valid; \
  logic                                r_last; \
  logic                                r_err; \
  logic [(bb)*8-1:0]                   r_data; \
}

`define LUOSHU_MEM_WR_REQ_T(bb) struct packed { \
  logic                                aw_valid; \
  logic [luoshu_mem_pkg::AddrW-1:0]    aw_addr; \
  logic [luoshu_mem_pkg::LenW-1:0]     aw_len; \
  logic                                w_valid; \
  logic [(bb)-1:0]                     w_strb; \
  logic                                w_last; \
  logic [(bb)*8-1:0]                   w_data; \
}

`define LUOSHU_MEM_WR_RSP_T struct packed { \
  logic                                aw_ready; \
  logic                                w_ready; \
  logic                                b_valid; \
  logic                                b_err; \
}

// The flat pins of the port (for a test top's port list, after its other ports).
`define LUOSHU_MEM_FLAT_PORTS(bb, idw) \
  output logic                             mem_ar_valid_o, \
  input  logic                             mem_ar_ready_i, \
  output logic [luoshu_mem_pkg::AddrW-1:0] mem_ar_addr_o, \
  output logic [luoshu_mem_pkg::LenW-1:0]  mem_ar_len_o, \
  output logic [(idw)-1:0]                 mem_ar_id_o, \
  input  logic                             mem_r_valid_i, \
  output logic                             mem_r_ready_o, \
  input  logic [(bb)*8-1:0]                mem_r_data_i, \
  input  logic                             mem_r_last_i, \
  input  logic                             mem_r_err_i, \
  input  logic [(idw)-1:0]                 mem_r_id_i, \
  output logic                             mem_aw_valid_o, \
  input  logic                             mem_aw_ready_i, \
  output logic [luoshu_mem_pkg::AddrW-1:0] mem_aw_addr_o, \
  output logic [luoshu_mem_pkg::LenW-1:0]  mem_aw_len_o, \
  output logic [(idw)-1:0]                 mem_aw_id_o, \
  output logic                             mem_w_valid_o, \
  input  logic                             mem_w_ready_i, \
  output logic [(bb)*8-1:0]                mem_w_data_o, \
  output logic [(bb)-1:0]                  mem_w_strb_o, \
  output logic                             mem_w_last_o, \
  input  logic                             mem_b_valid_i, \
  output logic                             mem_b_ready_o, \
  input  logic                             mem_b_err_i, \
  input  logic [(idw)-1:0]                 mem_b_id_i

// Connects the flat pins of LUOSHU_MEM_FLAT_PORTS to the request, response and response-ready
// structs.
`define LUOSHU_MEM_FLATTEN(req, rsp, rsp_ready) \
  assign mem_r_ready_o  = rsp_ready.r_ready; \
  assign mem_b_ready_o  = rsp_ready.b_ready; \
  assign mem_ar_valid_o = req.ar_valid; \
  assign mem_ar_addr_o  = req.ar_addr; \
  assign mem_ar_len_o   = req.ar_len; \
  assign mem_ar_id_o    = req.ar_id; \
  assign mem_aw_valid_o = req.aw_valid; \
  assign mem_aw_addr_o  = req.aw_addr; \
  assign mem_aw_len_o   = req.aw_len; \
  assign mem_aw_id_o    = req.aw_id; \
  assign mem_w_valid_o  = req.w_valid; \
  assign mem_w_data_o   = req.w_data; \
  assign mem_w_strb_o   = req.w_strb; \
  assign mem_w_last_o   = req.w_last; \
  assign rsp = '{ar_ready: mem_ar_ready_i, r_valid: mem_r_valid_i, r_data: mem_r_data_i, \
                 r_last: mem_r_last_i, r_err: mem_r_err_i, r_id: mem_r_id_i, \
                 aw_ready: mem_aw_ready_i, w_ready: mem_w_ready_i, b_valid: mem_b_valid_i, \
                 b_err: mem_b_err_i, b_id: mem_b_id_i};

// The stream rule on a client's requests, for its own assertions (luoshu_assert.svh first):
// AR; AW and W.
`define LUOSHU_MEM_ASSERT_RD_STABLE(clk, rst_n, req, rsp) \
  `ASSERT_STREAM_STABLE(a_ar_stable, clk, rst_n, req.ar_valid, rsp.ar_ready, \
                        {req.ar_addr, req.ar_len})

`define LUOSHU_MEM_ASSERT_WR_STABLE(clk, rst_n, req, rsp) \
  `ASSERT_STREAM_STABLE(a_aw_stable, clk, rst_n, req.aw_valid, rsp.aw_ready, \
                        {req.aw_addr, req.aw_len}) \
  `ASSERT_STREAM_STABLE(a_w_stable, clk, rst_n, req.w_valid, rsp.w_ready, \
                        {req.w_data, req.w_strb, req.w_last})

// A client's flat pins (for the test top of a unit, after its other ports): the read half,
// the write half.
`define LUOSHU_MEM_RD_FLAT_PORTS(bb) \
  output logic                             mem_ar_valid_o, \
  input  logic                             mem_ar_ready_i, \
  output logic [luoshu_mem_pkg::AddrW-1:0] mem_ar_addr_o, \
  output logic [luoshu_mem_pkg::LenW-1:0]  mem_ar_len_o, \
  input  logic                             mem_r_valid_i, \
  output logic                             mem_r_ready_o, \
  input  logic [(bb)*8-1:0]                mem_r_data_i, \
  input  logic                             mem_r_last_i, \
  input  logic                             mem_r_err_i

`define LUOSHU_MEM_WR_FLAT_PORTS(bb) \
  output logic                             mem_aw_valid_o, \
  input  logic                             mem_aw_ready_i, \
  output logic [luoshu_mem_pkg::AddrW-1:0] mem_aw_addr_o, \
  output logic [luoshu_mem_pkg::LenW-1:0]  mem_aw_len_o, \
  output logic                             mem_w_valid_o, \
  input  logic                             mem_w_ready_i, \
  output logic [(bb)*8-1:0]                mem_w_data_o, \
  output logic [(bb)-1:0]                  mem_w_strb_o, \
  output logic                             mem_w_last_o, \
  input  logic                             mem_b_valid_i, \
  output logic                             mem_b_ready_o, \
  input  logic                             mem_b_err_i

// Connect those pins to a client's structs (its R / B ready goes straight to the pin).
`define LUOSHU_MEM_RD_FLATTEN(req, rsp) \
  assign mem_ar_valid_o = req.ar_valid; \
  assign mem_ar_addr_o  = req.ar_addr; \
  assign mem_ar_len_o   = req.ar_len; \
  assign rsp = '{ar_ready: mem_ar_ready_i, r_valid: mem_r_valid_i, r_data: mem_r_data_i, \
                 r_last: mem_r_last_i, r_err: mem_r_err_i};

`define LUOSHU_MEM_WR_FLATTEN(req, rsp) \
  assign mem_aw_valid_o = req.aw_valid; \
  assign mem_aw_addr_o  = req.aw_addr; \
  assign mem_aw_len_o   = req.aw_len; \
  assign mem_w_valid_o  = req.w_valid; \
  assign mem_w_data_o   = req.w_data; \
  assign mem_w_strb_o   = req.w_strb; \
  assign mem_w_last_o   = req.w_last; \
  assign rsp = '{aw_ready: mem_aw_ready_i, w_ready: mem_w_ready_i, b_valid: mem_b_valid_i, \
                 b_err: mem_b_err_i};

// The windows (luoshu_mem_pkg::win_t) as a test top's flat pins, and their connection to an
// array of n windows.
`define LUOSHU_WIN_FLAT_PORTS(n) \
  input  logic [(n)-1:0][luoshu_mem_pkg::AddrW-1:0] win_base_i, \
  input  logic [(n)-1:0][luoshu_mem_pkg::AddrW:0]   win_size_i, \
  input  logic [(n)-1:0]                            win_writable_i

`define LUOSHU_WIN_FLATTEN(win, n) \
  for (genvar w_ = 0; w_ < (n); w_++) begin : g_win_flat \
    assign win[w_] = luoshu_mem_pkg::win_make(win_base_i[w_], win_size_i[w_], \
                                              win_writable_i[w_]); \
  end

`endif  // LUOSHU_MEM_SVH
