// Valid/ready FIFO of Depth entries of Width bits. Registered output (no fall-through), so
// it also cuts the combinational path from out_ready_i to in_ready_o. Full throughput: one
// push and one pop per cycle. Storage is flops (small depths); use sram for deep buffers.
// HeadReg = 1 keeps the head entry in its own register as well (same cycles): out_data_o
// then comes straight from a flip-flop instead of through the storage's read multiplexer
// (on an FPGA, distributed RAM), which shortens paths that start at the head (docs/fpga.md).
// HeadLsb / HeadW narrow the head register to the field [HeadLsb +: HeadW] of the entry (the
// rest of out_data_o is the storage's read, as without HeadReg): a pop then loads HeadW
// flip-flops, not Width, which keeps a late pop's fanout small (the sequencer's queues: the
// head's token masks are the register, the 260-bit command is read from distributed RAM).
`include "luoshu_assert.svh"

module stream_fifo #(
  parameter int Depth = 2,
  parameter int Width = 8,
  parameter int HeadReg = 0,
  parameter int HeadLsb = 0,
  parameter int HeadW = Width
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             in_valid_i,
  output logic             in_ready_o,
  input  logic [Width-1:0] in_data_i,
  output logic             out_valid_o,
  input  logic             out_ready_i,
  output logic [Width-1:0] out_data_o,
  output logic [$clog2(Depth+1)-1:0] count_o
);
  if (Depth < 1) begin : g_bad_depth
    $error("stream_fifo: Depth must be >= 1 (got %0d)", Depth);
  end
  if (Width < 1) begin : g_bad_width
    $error("stream_fifo: Width must be >= 1 (got %0d)", Width);
  end
  if (HeadLsb < 0 || HeadW < 1 || HeadLsb + HeadW > Width) begin : g_bad_head_field
    $error("stream_fifo: the head field [HeadLsb +: HeadW] must lie in the entry (got %0d, %0d)",
           HeadLsb, HeadW);
  end

  localparam int PtrW = Depth > 1 ? $clog2(Depth) : 1;
  localparam int CntW = $clog2(Depth + 1);
  // A pointer into a power-of-two memory wraps by itself; other depths compare.
  localparam bit Pow2 = Depth > 1 && (Depth & (Depth - 1)) == 0;

  logic [Width-1:0] mem_q [Depth];
  logic [PtrW-1:0]  rd_ptr_q, wr_ptr_q;
  logic [CntW-1:0]  count_q;
  logic push, pop;

  assign in_ready_o  = (count_q != CntW'(Depth));
  assign out_valid_o = (count_q != '0);
  assign count_o     = count_q;
  assign push        = in_valid_i && in_ready_o;
  assign pop         = out_valid_o && out_ready_i;

  // The pointer and count updates are written as enables in the clocked block rather than as
  // _d logic: they depend on the handshake inputs, and Verilator re-evaluates combinational
  // logic that depends on an input on every eval of the model (twice per cycle in the tb/
  // harness) and again after the clock edge; clocked logic runs once, at the edge.
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      rd_ptr_q <= '0;
      wr_ptr_q <= '0;
      count_q  <= '0;
    end else begin
      if (push) wr_ptr_q <= (Pow2 || wr_ptr_q != PtrW'(Depth - 1)) ? wr_ptr_q + 1'b1 : '0;
      if (pop)  rd_ptr_q <= (Pow2 || rd_ptr_q != PtrW'(Depth - 1)) ? rd_ptr_q + 1'b1 : '0;
      if (push != pop) count_q <= push ? count_q + 1'b1 : count_q - 1'b1;
    end
  end

  // Data storage is not reset: only entries covered by count_q are ever read.
  always_ff @(posedge clk_i) begin
    if (push) mem_q[wr_ptr_q] <= in_data_i;
  end

  if (HeadReg != 0) begin : g_head_reg
    // The head changes on a pop (to the next stored entry, or to the entry pushed now when
    // the FIFO held one) and on a push into an empty FIFO.
    logic [HeadW-1:0] head_q;
    logic [PtrW-1:0]  rd_next;
    logic [Width-1:0] next_entry, stored_head;
    assign rd_next    = (Pow2 || rd_ptr_q != PtrW'(Depth - 1)) ? rd_ptr_q + 1'b1 : '0;
    assign next_entry = mem_q[rd_next];
    always_ff @(posedge clk_i) begin
      if (pop && count_q > CntW'(1)) begin
        head_q <= next_entry[HeadLsb +: HeadW];
      end else if (push && (count_q == '0 || pop)) begin
        head_q <= in_data_i[HeadLsb +: HeadW];
      end
    end
    assign stored_head = mem_q[rd_ptr_q];
    always_comb begin
      out_data_o = stored_head;
      out_data_o[HeadLsb +: HeadW] = head_q;
    end
    `ASSERT_ALWAYS(a_head_reg, clk_i, rst_ni,
                   count_q == '0 || head_q == stored_head[HeadLsb +: HeadW],
                   "the head register disagrees with the stored head entry")
  end else begin : g_head_mem
    assign out_data_o = mem_q[rd_ptr_q];
  end

  `ASSERT_STREAM_STABLE(a_in_stable, clk_i, rst_ni, in_valid_i, in_ready_o, in_data_i)
  `ASSERT_STREAM_STABLE(a_out_stable, clk_i, rst_ni, out_valid_o, out_ready_i, out_data_o)
endmodule
