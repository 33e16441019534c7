// Descriptor validation: exactly the checks of the model's ValidateDescriptor
// (sw/model/core_model.cc), combinational. The model reports the first failed check; every
// field check of an opcode comes before its L0 bounds, so "any field bad -> ILLEGAL_FIELD,
// else any bound exceeded -> L0_OVERFLOW" is the same answer:
//   1. opcode not LOAD/MATMUL/STORE/SYNC/VADD/VMAX/VREQUANT/VCOPY -> ILLEGAL_OPCODE
//   2. reserved bit set, or a token mask names a channel that does not feed (wait) or leave
//      (signal) the opcode's queue                    -> ILLEGAL_FIELD
//   3. a field out of range (counts 0, valid_* > size, m/n not multiples of Dim, misaligned
//      c_offset / int32 dst / bias / SYNC addr / int32 vector operand) -> ILLEGAL_FIELD
//   4. a block past the end of L0A / L0B / L0C        -> L0_OVERFLOW
// The three opcodes with bounds never need more than three products at once, so LOAD and
// STORE share MATMUL's multipliers (the operand fields sit at the same words).
// Pipe = 1 takes three cycles: fault_o is the verdict on the desc_i of three cycles before.
// The first register holds the descriptor and each product's two operands (p0's picked by
// opcode), the second the three products, the room after each offset and each opcode's
// header and field checks, the third the block-end compares and the verdict of every check
// but the bounds, so the opcode select, the multipliers and the field checks, and the
// block-end compares each get a cycle and only the fault's select is left after them (FPGA
// timing, docs/fpga.md). Pipe = 0 is combinational (clk_i unused).
`include "luoshu_assert.svh"

module desc_decode
  import luoshu_isa_pkg::*;
#(
  parameter int Dim      = 16,
  parameter int L0aBytes = 65536,
  parameter int L0bBytes = 65536,
  parameter int L0cBytes = 131072,
  parameter int Pipe     = 0
) (
  input  logic                clk_i,
  input  logic                rst_ni,  // assertions only
  // desc_i is a whole slot this cycle (Pipe = 1: the first register's descriptor loads only
  // then; its verdict is read only for such a slot).
  input  logic                valid_i,
  input  logic [DescBits-1:0] desc_i,
  output logic [FaultW-1:0]   fault_o,  // a fault_e
  output logic                faulty_o  // fault_o != FaultNone (no code compare after it)
);

  if (Dim < 2 || Dim > 64 || (Dim & (Dim - 1)) != 0) begin : g_bad_dim
    $error("desc_decode: Dim must be a power of two in 2..64 (got %0d)", Dim);
  end
  if (Pipe != 0 && Pipe != 1) begin : g_bad_pipe
    $error("desc_decode: Pipe must be 0 or 1 (got %0d)", Pipe);
  end

  localparam int CountW  = LoadRowsW;
  localparam int ProdW   = 2 * CountW;
  localparam logic [CountW-1:0] DimMask = CountW'(Dim - 1);

  // ---- the checks that need no product: opcode, header, fields ----
  // Their verdict, and which blocks' bounds the opcode has (none once a field is bad, which
  // wins over an overflow). Pipe = 1 makes it over the first two registers (per-opcode
  // checks, then the opcode's pick) and registers it beside the block-end compares.
  typedef struct packed {
    logic [FaultW-1:0] fault;   // FaultIllegalOpcode, FaultIllegalField or FaultNone
    logic              bnd_ld;  // LOAD's block against L0A/L0B (p0)
    logic              bnd_mm;  // MATMUL's A, B, C blocks (p0, p1, p2)
    logic              bnd_st;  // STORE's C rows (p0)
  } pre_t;

  // The checks in two halves, so Pipe = 1 can register between them: per opcode (in
  // isa::Opcodes order), whether the descriptor has it and whether its header or fields would
  // be bad for it (constant masks and compares, no opcode select in front of the wide ORs),
  // then the select by the opcode (pre_pick). The model's answer is the same: one opcode at
  // most matches, and a bad header or field of the matching one is ILLEGAL_FIELD.
  typedef struct packed {
    logic [NumOpcodes-1:0] is_op;   // the opcode is entry i
    logic [NumOpcodes-1:0] bad_op;  // header or field bad, read as entry i's
  } parts_t;
  localparam int ILoad = 0, IMatmul = 1, IStore = 2, ISync = 3;
  localparam int IVadd = 4, IVmax = 5, IVrequant = 6, IVcopy = 7;
  localparam logic [NumOpcodes-1:0][DescBits-1:0] UsedBits = {
    VcopyUsedBits, VrequantUsedBits, VmaxUsedBits, VaddUsedBits, SyncUsedBits, StoreUsedBits,
    MatmulUsedBits, LoadUsedBits};
  localparam logic [NumOpcodes-1:0][NumChannels-1:0] WaitAllowed = {
    VcopyWaitAllowed, VrequantWaitAllowed, VmaxWaitAllowed, VaddWaitAllowed, SyncWaitAllowed,
    StoreWaitAllowed, MatmulWaitAllowed, LoadWaitAllowed};
  localparam logic [NumOpcodes-1:0][NumChannels-1:0] SignalAllowed = {
    VcopySignalAllowed, VrequantSignalAllowed, VmaxSignalAllowed, VaddSignalAllowed,
    SyncSignalAllowed, StoreSignalAllowed, MatmulSignalAllowed, LoadSignalAllowed};

  function automatic parts_t pre_parts(input logic [DescBits-1:0] d);
    logic [OpcodeW-1:0]     opcode;
    logic [NumChannels-1:0] wait_mask, signal_mask;
    logic [NumOpcodes-1:0]  field_bad;
    logic [CountW-1:0]      ld_rows, ld_row_bytes, ld_valid_rows, ld_valid_cols;
    logic [CountW-1:0]      mm_m, mm_n, mm_k;
    logic [CountW-1:0]      st_rows, st_cols, st_c_pitch;
    logic                   st_int8_out, st_bias_en;
    logic [CountW-1:0]      vec_rows, vec_cols;
    logic                   vec_empty;
    logic [2:0]             vec_misaligned;  // per operand: src0, src1, dst
    parts_t                 r;
    opcode      = d[HdrOpcodeLsb +: OpcodeW];
    wait_mask   = d[HdrWaitMaskLsb +: NumChannels];
    signal_mask = d[HdrSignalMaskLsb +: NumChannels];

    // ---- fields (every count field is CountW bits; of the L0 offsets only the alignment
    // is left to check here) ----
    ld_rows       = d[LoadRowsLsb +: CountW];
    ld_row_bytes  = d[LoadRowBytesLsb +: CountW];
    ld_valid_rows = d[LoadValidRowsLsb +: CountW];
    ld_valid_cols = d[LoadValidColsLsb +: CountW];
    mm_m          = d[MatmulMLsb +: CountW];
    mm_n          = d[MatmulNLsb +: CountW];
    mm_k          = d[MatmulKLsb +: CountW];
    st_rows       = d[StoreRowsLsb +: CountW];
    st_cols       = d[StoreColsLsb +: CountW];
    st_c_pitch    = d[StoreCPitchLsb +: CountW];
    st_int8_out   = d[StoreInt8OutLsb];
    st_bias_en    = d[StoreBiasEnLsb];
    // Vector commands (one layout for all four, isa.toml): counts, and the word alignment of
    // each int32 operand's address and stride (VADD: all three, VMAX: all three unless int8,
    // VREQUANT: src0, VCOPY: none).
    vec_rows       = d[VaddRowsLsb +: CountW];
    vec_cols       = d[VaddColsLsb +: CountW];
    vec_empty      = (vec_rows == '0) || (vec_cols == '0);
    vec_misaligned = {(d[VaddDstAddrLsb +: 2] | d[VaddDstStrideLsb +: 2]) != '0,
                      (d[VaddSrc1AddrLsb +: 2] | d[VaddSrc1StrideLsb +: 2]) != '0,
                      (d[VaddSrc0AddrLsb +: 2] | d[VaddSrc0StrideLsb +: 2]) != '0};

    field_bad[ILoad]     = (ld_rows == '0) || (ld_row_bytes == '0) ||
                           (ld_rows < ld_valid_rows) || (ld_row_bytes < ld_valid_cols);
    field_bad[IMatmul]   = (mm_m == '0) || ((mm_m & DimMask) != '0) || (mm_n == '0) ||
                           ((mm_n & DimMask) != '0) || (mm_k == '0) ||
                           (d[MatmulCOffsetLsb +: 2] != '0);
    field_bad[IStore]    = (st_rows == '0) || (st_cols == '0) || (st_c_pitch < st_cols) ||
                           (d[StoreCOffsetLsb +: 2] != '0) ||
                           (!st_int8_out && (d[StoreDstAddrLsb +: 2] != '0 ||
                                             d[StoreDstStrideLsb +: 2] != '0)) ||
                           (st_bias_en && d[StoreBiasAddrLsb +: 2] != '0);
    field_bad[ISync]     = d[SyncAddrLsb +: 2] != '0;  // word-aligned
    field_bad[IVadd]     = vec_empty || vec_misaligned != '0;
    field_bad[IVmax]     = vec_empty || (!d[VmaxInt8Lsb] && vec_misaligned != '0);
    field_bad[IVrequant] = vec_empty || vec_misaligned[0];
    field_bad[IVcopy]    = vec_empty;

    for (int i = 0; i < NumOpcodes; i++) begin
      r.is_op[i]  = opcode == Opcodes[i*OpcodeW +: OpcodeW];
      r.bad_op[i] = (|(d & ~UsedBits[i])) || (|(wait_mask & ~WaitAllowed[i])) ||
                    (|(signal_mask & ~SignalAllowed[i])) || field_bad[i];
    end
    return r;
  endfunction

  function automatic pre_t pre_pick(input parts_t p);
    logic  bad;
    pre_t  r;
    bad = (p.is_op & p.bad_op) != '0;
    r   = '0;
    if (p.is_op == '0) begin
      r.fault = FaultIllegalOpcode;
    end else if (bad) begin
      r.fault = FaultIllegalField;
    end else begin
      r.fault  = FaultNone;
      r.bnd_ld = p.is_op[ILoad];
      r.bnd_mm = p.is_op[IMatmul];
      r.bnd_st = p.is_op[IStore];
    end
    return r;
  endfunction

  function automatic pre_t pre_check(input logic [DescBits-1:0] d);
    return pre_pick(pre_parts(d));
  endfunction

  // ---- shared products ----
  // p0: LOAD rows * row_bytes | MATMUL m * k | STORE rows * c_pitch (its block spans
  // (rows - 1) * c_pitch + cols: the c_pitch is added to the room instead, so no decrement
  // sits in front of the multiplier)
  // p1: MATMUL k * n;  p2: MATMUL m * n
  logic [OpcodeW-1:0]  in_op;
  logic [CountW-1:0]   in_a, in_b;  // p0's operands of desc_i
  assign in_op = desc_i[HdrOpcodeLsb +: OpcodeW];
  assign in_a  = in_op == OpStore ? desc_i[StoreRowsLsb +: CountW]
                                  : (in_op == OpLoad ? desc_i[LoadRowsLsb +: CountW]
                                                     : desc_i[MatmulMLsb +: CountW]);
  assign in_b  = in_op == OpStore ? desc_i[StoreCPitchLsb +: CountW]
                                  : (in_op == OpLoad ? desc_i[LoadRowBytesLsb +: CountW]
                                                     : desc_i[MatmulKLsb +: CountW]);

  // Stage 1: the descriptor the rooms and the checks are made from, and each product's two
  // operands. Pipe = 1 registers them; each multiplier has operand registers of its own that
  // feed nothing else, with no logic between them and the `*` (p0's opcode select sits in
  // front of its registers), so the MULT18X18D's input registers can take them.
  logic [DescBits-1:0] desc1;
  logic [CountW-1:0]   op_a, op_b, kn_k, kn_n, mn_m, mn_n;  // p0's, p1's, p2's operands
  if (Pipe != 0) begin : g_ops
    logic [DescBits-1:0] desc1_q;
    logic [CountW-1:0]   op_a_q, op_b_q, kn_k_q, kn_n_q, mn_m_q, mn_n_q;
    // The descriptor loads with its slot only: an enable of its own keeps Yosys from merging
    // these flip-flops with another unit's register of the same read data (the vector unit's
    // R stage), which tied the two units' logic to one set of flip-flops (FPGA placement).
    always_ff @(posedge clk_i) begin
      if (valid_i) desc1_q <= desc_i;
    end
    always_ff @(posedge clk_i) begin
      op_a_q  <= in_a;
      op_b_q  <= in_b;
      kn_k_q  <= desc_i[MatmulKLsb +: CountW];
      kn_n_q  <= desc_i[MatmulNLsb +: CountW];
      mn_m_q  <= desc_i[MatmulMLsb +: CountW];
      mn_n_q  <= desc_i[MatmulNLsb +: CountW];
    end
    assign desc1 = desc1_q;
    assign {op_a, op_b, kn_k, kn_n, mn_m, mn_n} =
        {op_a_q, op_b_q, kn_k_q, kn_n_q, mn_m_q, mn_n_q};
  end else begin : g_ops_comb
    logic unused_valid;
    assign unused_valid = valid_i;
    assign desc1 = desc_i;
    assign {op_a, op_b} = {in_a, in_b};
    assign {kn_k, kn_n} = {desc_i[MatmulKLsb +: CountW], desc_i[MatmulNLsb +: CountW]};
    assign {mn_m, mn_n} = {desc_i[MatmulMLsb +: CountW], desc_i[MatmulNLsb +: CountW]};
  end

  logic [3*ProdW-1:0] in_prod;  // {p2, p1, p0} of desc1
  assign in_prod = {ProdW'(mn_m) * ProdW'(mn_n), ProdW'(kn_k) * ProdW'(kn_n),
                    ProdW'(op_a) * ProdW'(op_b)};
  parts_t in_parts;
  assign in_parts = pre_parts(desc1);

  // ---- room in L0 after each block's offset, from desc1 (negative: none) ----
  // A block fits iff its size, a product, is at most the room, so the check after the
  // products is one compare per block, no sum. int32 blocks (MATMUL's C, STORE's C rows):
  // offset + 4 x <= L0c iff x <= floor((L0c - offset) / 4).
  localparam int OffsetW = LoadDstOffsetW;
  localparam int RoomW   = 42;  // signed; holds every size, offset and product
  typedef logic signed [RoomW-1:0] room_t;
  function automatic room_t room(input int size, input logic [OffsetW-1:0] offset);
    room = room_t'(size) - room_t'(offset);
  endfunction
  // The five rooms of a descriptor: LOAD's destination, MATMUL's A, B and C (int32 elements),
  // STORE's C rows.
  typedef struct packed {room_t ld, a, b, c, st;} rooms_t;
  function automatic rooms_t rooms_of(input logic [DescBits-1:0] d);
    rooms_of.ld = room(d[LoadDstBufferLsb] ? L0bBytes : L0aBytes, d[LoadDstOffsetLsb +: OffsetW]);
    rooms_of.a  = room(L0aBytes, d[MatmulAOffsetLsb +: OffsetW]);
    rooms_of.b  = room(L0bBytes, d[MatmulBOffsetLsb +: OffsetW]);
    rooms_of.c  = room(L0cBytes, d[MatmulCOffsetLsb +: OffsetW]) >>> 2;
    // (rows - 1) * c_pitch + cols <= room  iff  rows * c_pitch <= room - cols + c_pitch (rows
    // of 0 is an illegal field, which wins over the overflow).
    rooms_of.st = (room(L0cBytes, d[StoreCOffsetLsb +: OffsetW]) >>> 2) -
                  room_t'(d[StoreColsLsb +: CountW]) + room_t'(d[StoreCPitchLsb +: CountW]);
  endfunction
  rooms_t in_room;
  assign in_room = rooms_of(desc1);

  // The rooms the compares after the products see: a flag for "negative" (every block
  // overflows) and the low NarrowW bits, which hold every non-negative room (the largest is
  // STORE's, L0c / 4 + a c_pitch). A product fits iff the room is not negative, the product
  // has no bit at or above NarrowW, and its low bits are at most the room's: a carry chain of
  // NarrowW bits, not RoomW (FPGA timing: the multiplier's output -> the fetch FIFO,
  // docs/fpga.md; the same verdict, asserted).
  localparam int MaxL0Ab  = L0aBytes > L0bBytes ? L0aBytes : L0bBytes;
  localparam int MaxStore = L0cBytes / 4 + (1 << CountW) - 1;
  localparam int NarrowW  = $clog2((MaxL0Ab > MaxStore ? MaxL0Ab : MaxStore) + 1);
  typedef struct packed {
    logic               neg;
    logic [NarrowW-1:0] lo;
  } nroom_t;
  function automatic nroom_t narrow(input room_t r);
    nroom_t n;
    n.neg = r[RoomW-1];
    n.lo  = r[NarrowW-1:0];
    return n;
  endfunction
  // A block of `size` bytes past its room.
  function automatic logic nover(input nroom_t r, input logic [ProdW-1:0] size);
    nover = r.neg || (size[ProdW-1:NarrowW] != '0) || (r.lo < size[NarrowW-1:0]);
  endfunction

  // Stage 2: Pipe = 1 registers the products, the rooms and the per-opcode checks.
  logic [ProdW-1:0] p0, p1, p2;
  nroom_t           room_ld, room_a, room_b, room_c, room_st;
  parts_t           parts;
  if (Pipe != 0) begin : g_pipe
    logic [3*ProdW-1:0] prod_q;
    nroom_t             room_ld_q, room_a_q, room_b_q, room_c_q, room_st_q;
    parts_t             parts_q;
    always_ff @(posedge clk_i) begin
      prod_q    <= in_prod;
      room_ld_q <= narrow(in_room.ld);
      room_a_q  <= narrow(in_room.a);
      room_b_q  <= narrow(in_room.b);
      room_c_q  <= narrow(in_room.c);
      room_st_q <= narrow(in_room.st);
      parts_q   <= in_parts;
    end
`ifdef LUOSHU_ECP5
    // ECP5 synthesis (rtl/fpga/ecp5_cells.sv): each product on a MULT18X18D with its input
    // and output registers on, standing for the operand registers and prod_q (the same two
    // edges), so no route lies between the flip-flops and the multiplier. Yosys and nextpnr
    // never move flip-flops into a DSP themselves.
    localparam int MulW = CountW + 1;  // the cell is signed: the counts zero-extended
    logic [2:0][CountW-1:0] mul_a, mul_b;
    logic [2:0][2*MulW-1:0] mul_p;
    assign mul_a = {desc_i[MatmulMLsb +: CountW], desc_i[MatmulKLsb +: CountW], in_a};
    assign mul_b = {desc_i[MatmulNLsb +: CountW], desc_i[MatmulNLsb +: CountW], in_b};
    for (genvar i = 0; i < 3; i++) begin : g_mul
      ecp5_mul_regs #(.W(MulW), .InRegs(1'b1)) u_mul (
        .clk_i, .en_i(1'b1), .a_i(MulW'(signed'({1'b0, mul_a[i]}))),
        .b_i(MulW'(signed'({1'b0, mul_b[i]}))), .p_o(mul_p[i]));
    end
    assign {p2, p1, p0} = {ProdW'(mul_p[2]), ProdW'(mul_p[1]), ProdW'(mul_p[0])};
    logic unused_prod;  // the high bits of a product of two non-negative counts are zero
    assign unused_prod = ^{prod_q, mul_p[2][2*MulW-1:ProdW], mul_p[1][2*MulW-1:ProdW],
                           mul_p[0][2*MulW-1:ProdW]};
`else
    assign {p2, p1, p0} = prod_q;
`endif
    assign {room_ld, room_a, room_b, room_c, room_st} =
        {room_ld_q, room_a_q, room_b_q, room_c_q, room_st_q};
    assign parts = parts_q;
  end else begin : g_comb
    assign {p2, p1, p0} = in_prod;
    assign {room_ld, room_a, room_b, room_c, room_st} =
        {narrow(in_room.ld), narrow(in_room.a), narrow(in_room.b), narrow(in_room.c),
         narrow(in_room.st)};
    assign parts = in_parts;
  end

  // Blocks past the end of their L0: a size above the room after the offset. (Written as <:
  // Yosys maps < and >= to a carry chain alone, > and <= to a LUT tree besides.)
  logic over_p0_ld, over_p0_a, over_p1_b, over_p2_c, over_p0_st;
  assign over_p0_ld = nover(room_ld, p0);
  assign over_p0_a  = nover(room_a, p0);
  assign over_p1_b  = nover(room_b, p1);
  assign over_p2_c  = nover(room_c, p2);
  assign over_p0_st = nover(room_st, p0);
  pre_t mid_pre;  // the verdict without the bounds
  assign mid_pre = pre_pick(parts);

  // Stage 3: Pipe = 1 registers the block-end compares and the verdict without the bounds,
  // so the products leave their multipliers for a register (the compares' carry chains after
  // them), and the fault's two selects are all that stand between a register and the fetch
  // FIFO (FPGA timing, docs/fpga.md).
  logic [4:0] over;   // {ld, a, b, c, st}
  pre_t       pre;
  logic       pre_faulty;  // pre.fault != FaultNone
  if (Pipe != 0) begin : g_late
    logic [4:0] over_q;
    pre_t       pre_q;
    logic       pre_faulty_q;
    always_ff @(posedge clk_i) begin
      over_q       <= {over_p0_ld, over_p0_a, over_p1_b, over_p2_c, over_p0_st};
      pre_q        <= mid_pre;
      pre_faulty_q <= mid_pre.fault != FaultNone;
    end
    assign over       = over_q;
    assign pre        = pre_q;
    assign pre_faulty = pre_faulty_q;
    `ASSERT_ALWAYS(a_pre_faulty_reg, clk_i, rst_ni, pre_faulty_q == (pre_q.fault != FaultNone),
                   "the registered field-fault flag disagrees with the registered verdict")
  end else begin : g_late_comb
    logic unused;
    assign unused     = ^{clk_i, rst_ni};
    assign over       = {over_p0_ld, over_p0_a, over_p1_b, over_p2_c, over_p0_st};
    assign pre        = mid_pre;
    assign pre_faulty = mid_pre.fault != FaultNone;
  end
  logic l0_bad;
  assign l0_bad = (pre.bnd_ld && over[4]) || (pre.bnd_mm && (|over[3:1])) ||
                  (pre.bnd_st && over[0]);

  // The bounds are set only where the opcode and fields passed, so an overflow is the only
  // fault left then.
  assign fault_o  = l0_bad ? FaultW'(FaultL0Overflow) : pre.fault;
  assign faulty_o = l0_bad || pre_faulty;

`ifndef SYNTHESIS
  // The narrow compares against the full-width rooms of the descriptor in stage 2.
  logic [DescBits-1:0] desc2, desc3;  // desc1 one and two cycles later (Pipe = 1)
  rooms_t              wide;
  if (Pipe != 0) begin : g_desc2
    always_ff @(posedge clk_i) begin
      desc2 <= desc1;
      desc3 <= desc2;
    end
    // The verdict was made over two cycles: it is the checks of the descriptor in stage 3.
    `ASSERT_ALWAYS(a_pre_reg, clk_i, rst_ni, pre == pre_check(desc3),
                   "the registered field verdict disagrees with the descriptor's checks")
  end else begin : g_desc2_comb
    assign desc2 = desc1;
    assign desc3 = desc2;
    logic unused_desc3;
    assign unused_desc3 = ^desc3;
  end
  assign wide = rooms_of(desc2);
  `ASSERT_ALWAYS(a_narrow_rooms, clk_i, rst_ni,
                 {over_p0_ld, over_p0_a, over_p1_b, over_p2_c, over_p0_st} ==
                 {wide.ld < room_t'(p0), wide.a < room_t'(p0), wide.b < room_t'(p1),
                  wide.c < room_t'(p2), wide.st < room_t'(p0)},
                 "a narrow block-end compare disagrees with the full-width room")
`endif
endmodule
