// The memory network: a request mesh and a physically separate response mesh (same X x Y),
// and one network interface (noc_ni) per node. Bit n of MemNodes makes node n a memory
// node: its NI takes requests from the request mesh and sends responses into the response
// mesh. Every other node is a client: requests out, responses in. Because a response never
// waits behind a request for a buffer, memory traffic cannot protocol-deadlock.
// Per-node message ports are arrays over the nodes, node n at element n (see noc_ni for the
// rules).
`include "luoshu_assert.svh"

module noc_dual_mesh
  import noc_pkg::*;
#(
  parameter int          X        = 3,
  parameter int          Y        = 2,
  parameter int          FlitW    = 66,
  parameter int          Depth    = 2,
  parameter int          PipeAlloc = 0,  // 1: registered allocation in every router (noc_router)
  parameter logic [63:0] MemNodes = 64'h24,  // 3x2 default SoC: memory at nodes 2 and 5
  localparam int         N        = X * Y,
  localparam int         HdrW     = MemHdrW,
  localparam int         DataW    = FlitW - FrameW
) (
  input  logic                    clk_i,
  input  logic                    rst_ni,
  input  logic [N-1:0]            tx_hdr_valid_i,
  output logic [N-1:0]            tx_hdr_ready_o,
  input  logic [N-1:0][HdrW-1:0]  tx_hdr_i,
  input  logic [N-1:0]            tx_data_valid_i,
  output logic [N-1:0]            tx_data_ready_o,
  input  logic [N-1:0][DataW-1:0] tx_data_i,
  output logic [N-1:0]            rx_hdr_valid_o,
  input  logic [N-1:0]            rx_hdr_ready_i,
  output logic [N-1:0][HdrW-1:0]  rx_hdr_o,
  output logic [N-1:0]            rx_data_valid_o,
  input  logic [N-1:0]            rx_data_ready_i,
  output logic [N-1:0][DataW-1:0] rx_data_o,
  output logic [N-1:0]            rx_data_last_o
);
  // Inject/eject ports of the two meshes.
  logic [N-1:0]       req_inj_valid, req_inj_ready, req_ej_valid, req_ej_ready;
  logic [N-1:0]       rsp_inj_valid, rsp_inj_ready, rsp_ej_valid, rsp_ej_ready;
  logic [N-1:0][FlitW-1:0] req_inj_flit, req_ej_flit, rsp_inj_flit, rsp_ej_flit;

  noc_mesh #(.X(X), .Y(Y), .FlitW(FlitW), .Depth(Depth), .PipeAlloc(PipeAlloc)) u_req_mesh (
    .clk_i,
    .rst_ni,
    .inject_valid_i(req_inj_valid),
    .inject_ready_o(req_inj_ready),
    .inject_flit_i (req_inj_flit),
    .eject_valid_o (req_ej_valid),
    .eject_ready_i (req_ej_ready),
    .eject_flit_o  (req_ej_flit)
  );

  noc_mesh #(.X(X), .Y(Y), .FlitW(FlitW), .Depth(Depth), .PipeAlloc(PipeAlloc)) u_rsp_mesh (
    .clk_i,
    .rst_ni,
    .inject_valid_i(rsp_inj_valid),
    .inject_ready_o(rsp_inj_ready),
    .inject_flit_i (rsp_inj_flit),
    .eject_valid_o (rsp_ej_valid),
    .eject_ready_i (rsp_ej_ready),
    .eject_flit_o  (rsp_ej_flit)
  );

  for (genvar n = 0; n < N; n++) begin : g_node
    localparam bit IsMem = MemNodes[n];
    logic             out_valid, out_ready, in_valid, in_ready;
    logic [FlitW-1:0] out_flit, in_flit;

    noc_ni #(.FlitW(FlitW)) u_ni (
      .clk_i,
      .rst_ni,
      .x_i            (CoordW'(n % X)),
      .y_i            (CoordW'(n / X)),
      .tx_hdr_valid_i (tx_hdr_valid_i[n]),
      .tx_hdr_ready_o (tx_hdr_ready_o[n]),
      .tx_hdr_i       (tx_hdr_i[n]),
      .tx_data_valid_i(tx_data_valid_i[n]),
      .tx_data_ready_o(tx_data_ready_o[n]),
      .tx_data_i      (tx_data_i[n]),
      .net_out_valid_o(out_valid),
      .net_out_ready_i(out_ready),
      .net_out_flit_o (out_flit),
      .net_in_valid_i (in_valid),
      .net_in_ready_o (in_ready),
      .net_in_flit_i  (in_flit),
      .rx_hdr_valid_o (rx_hdr_valid_o[n]),
      .rx_hdr_ready_i (rx_hdr_ready_i[n]),
      .rx_hdr_o       (rx_hdr_o[n]),
      .rx_data_valid_o(rx_data_valid_o[n]),
      .rx_data_ready_i(rx_data_ready_i[n]),
      .rx_data_o      (rx_data_o[n]),
      .rx_data_last_o (rx_data_last_o[n])
    );

    // The side of each mesh this node does not use is tied off; nothing may arrive there.
    logic unused_ej;
    if (IsMem) begin : g_mem
      assign rsp_inj_valid[n]               = out_valid;
      assign rsp_inj_flit[n] = out_flit;
      assign out_ready                      = rsp_inj_ready[n];
      assign in_valid                       = req_ej_valid[n];
      assign in_flit                        = req_ej_flit[n];
      assign req_ej_ready[n]                = in_ready;
      assign req_inj_valid[n]               = 1'b0;
      assign req_inj_flit[n] = '0;
      assign rsp_ej_ready[n]                = 1'b0;
      assign unused_ej = ^{req_inj_ready[n], rsp_ej_flit[n]};
      `ASSERT_ALWAYS(a_no_rsp_to_mem, clk_i, rst_ni, !rsp_ej_valid[n],
                     "a response was addressed to a memory node")
    end else begin : g_client
      assign req_inj_valid[n]               = out_valid;
      assign req_inj_flit[n] = out_flit;
      assign out_ready                      = req_inj_ready[n];
      assign in_valid                       = rsp_ej_valid[n];
      assign in_flit                        = rsp_ej_flit[n];
      assign rsp_ej_ready[n]                = in_ready;
      assign rsp_inj_valid[n]               = 1'b0;
      assign rsp_inj_flit[n] = '0;
      assign req_ej_ready[n]                = 1'b0;
      assign unused_ej = ^{rsp_inj_ready[n], req_ej_flit[n]};
      `ASSERT_ALWAYS(a_no_req_to_client, clk_i, rst_ni, !req_ej_valid[n],
                     "a request was addressed to a client node")
    end
  end
endmodule
