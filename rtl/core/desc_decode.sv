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
// Pipe = 1 takes two cycles: fault_o is the verdict on the desc_i of two cycles before. The
// first register holds the descriptor and p0's two operands (picked by opcode), the second the
// three products and the room after each offset, so the opcode select, the multipliers and
// the block-end compares each get a cycle (FPGA timing, docs/fpga.md). Pipe = 0 is
// combinational (clk_i unused).
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
  input  logic [DescBits-1:0] desc_i,
  output logic [FaultW-1:0]   fault_o  // a fault_e
);

  if (Dim < 2 || Dim > 64 || (Dim & (Dim - 1)) != 0) begin : g_bad_dim
    $error("desc_decode: Dim must be a power of two in 2..64 (got %0d)", Dim);
  end
  if (Pipe != 0 && Pipe != 1) begin : g_bad_pipe
    $error("desc_decode: Pipe must be 0 or 1 (got %0d)", Pipe);
  end

  // ---- shared products ----
  // p0: LOAD rows * row_bytes | MATMUL m * k | STORE rows * c_pitch (its block spans
  // (rows - 1) * c_pitch + cols: the c_pitch is added to the room instead, so no decrement
  // sits in front of the multiplier)
  // p1: MATMUL k * n;  p2: MATMUL m * n
  localparam int CountW  = LoadRowsW;
  localparam int ProdW   = 2 * CountW;
  logic [OpcodeW-1:0]  in_op;
  logic [CountW-1:0]   in_a, in_b;  // p0's operands of desc_i
  assign in_op = desc_i[HdrOpcodeLsb +: OpcodeW];
  assign in_a  = in_op == OpStore ? desc_i[StoreRowsLsb +: CountW]
                                  : (in_op == OpLoad ? desc_i[LoadRowsLsb +: CountW]
                                                     : desc_i[MatmulMLsb +: CountW]);
  assign in_b  = in_op == OpStore ? desc_i[StoreCPitchLsb +: CountW]
                                  : (in_op == OpLoad ? desc_i[LoadRowBytesLsb +: CountW]
                                                     : desc_i[MatmulKLsb +: CountW]);

  // Stage 1: the descriptor the products and rooms are made from, with p0's operands. Pipe = 1
  // registers them, so the opcode select is not in front of the multiplier.
  logic [DescBits-1:0] desc1;
  logic [CountW-1:0]   op_a, op_b;
  if (Pipe != 0) begin : g_ops
    logic [DescBits-1:0] desc1_q;
    logic [CountW-1:0]   op_a_q, op_b_q;
    always_ff @(posedge clk_i) begin
      desc1_q <= desc_i;
      op_a_q  <= in_a;
      op_b_q  <= in_b;
    end
    assign desc1 = desc1_q;
    assign op_a  = op_a_q;
    assign op_b  = op_b_q;
  end else begin : g_ops_comb
    assign desc1 = desc_i;
    assign op_a  = in_a;
    assign op_b  = in_b;
  end

  logic [CountW-1:0]  in_m, in_n, in_k;
  logic [3*ProdW-1:0] in_prod;  // {p2, p1, p0} of desc1
  assign in_m    = desc1[MatmulMLsb +: CountW];
  assign in_n    = desc1[MatmulNLsb +: CountW];
  assign in_k    = desc1[MatmulKLsb +: CountW];
  assign in_prod = {ProdW'(in_m) * ProdW'(in_n), ProdW'(in_k) * ProdW'(in_n),
                    ProdW'(op_a) * ProdW'(op_b)};

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
  room_t in_room_ld, in_room_a, in_room_b, in_room_c, in_room_st;
  assign in_room_ld = room(desc1[LoadDstBufferLsb] ? L0bBytes : L0aBytes,
                           desc1[LoadDstOffsetLsb +: OffsetW]);
  assign in_room_a  = room(L0aBytes, desc1[MatmulAOffsetLsb +: OffsetW]);
  assign in_room_b  = room(L0bBytes, desc1[MatmulBOffsetLsb +: OffsetW]);
  assign in_room_c  = room(L0cBytes, desc1[MatmulCOffsetLsb +: OffsetW]) >>> 2;
  // (rows - 1) * c_pitch + cols <= room  iff  rows * c_pitch <= room - cols + c_pitch (rows
  // of 0 is an illegal field, which wins over the overflow).
  assign in_room_st = (room(L0cBytes, desc1[StoreCOffsetLsb +: OffsetW]) >>> 2) -
                      room_t'(desc1[StoreColsLsb +: CountW]) +
                      room_t'(desc1[StoreCPitchLsb +: CountW]);

  // Stage 2: Pipe = 1 registers the products and rooms.
  logic [DescBits-1:0] desc;   // the descriptor the checks below look at
  logic [ProdW-1:0]    p0, p1, p2;
  room_t               room_ld, room_a, room_b, room_c, room_st;
  if (Pipe != 0) begin : g_pipe
    logic [DescBits-1:0] desc_q;
    logic [3*ProdW-1:0]  prod_q;
    room_t               room_ld_q, room_a_q, room_b_q, room_c_q, room_st_q;
    always_ff @(posedge clk_i) begin
      desc_q    <= desc1;
      prod_q    <= in_prod;
      room_ld_q <= in_room_ld;
      room_a_q  <= in_room_a;
      room_b_q  <= in_room_b;
      room_c_q  <= in_room_c;
      room_st_q <= in_room_st;
    end
    assign desc         = desc_q;
    assign {p2, p1, p0} = prod_q;
    assign {room_ld, room_a, room_b, room_c, room_st} =
        {room_ld_q, room_a_q, room_b_q, room_c_q, room_st_q};
  end else begin : g_comb
    logic unused_clk;
    assign unused_clk   = clk_i;
    assign desc         = desc1;
    assign {p2, p1, p0} = in_prod;
    assign {room_ld, room_a, room_b, room_c, room_st} =
        {in_room_ld, in_room_a, in_room_b, in_room_c, in_room_st};
  end

  // ---- header ----
  logic [OpcodeW-1:0] opcode;
  logic [NumChannels-1:0] wait_mask, signal_mask;
  logic is_load, is_matmul, is_store, is_sync, is_vadd, is_vmax, is_vrequant, is_vcopy;
  assign opcode      = desc[HdrOpcodeLsb +: OpcodeW];
  assign wait_mask   = desc[HdrWaitMaskLsb +: NumChannels];
  assign signal_mask = desc[HdrSignalMaskLsb +: NumChannels];
  assign is_load     = opcode == OpLoad;
  assign is_matmul   = opcode == OpMatmul;
  assign is_store    = opcode == OpStore;
  assign is_sync     = opcode == OpSync;
  assign is_vadd     = opcode == OpVadd;
  assign is_vmax     = opcode == OpVmax;
  assign is_vrequant = opcode == OpVrequant;
  assign is_vcopy    = opcode == OpVcopy;

  logic [DescBits-1:0]    used_bits;
  logic [NumChannels-1:0] wait_allowed, signal_allowed;
  always_comb begin
    used_bits      = SyncUsedBits;
    wait_allowed   = SyncWaitAllowed;
    signal_allowed = SyncSignalAllowed;
    if (is_load) begin
      used_bits      = LoadUsedBits;
      wait_allowed   = LoadWaitAllowed;
      signal_allowed = LoadSignalAllowed;
    end else if (is_matmul) begin
      used_bits      = MatmulUsedBits;
      wait_allowed   = MatmulWaitAllowed;
      signal_allowed = MatmulSignalAllowed;
    end else if (is_store) begin
      used_bits      = StoreUsedBits;
      wait_allowed   = StoreWaitAllowed;
      signal_allowed = StoreSignalAllowed;
    end else if (is_vadd) begin
      used_bits      = VaddUsedBits;
      wait_allowed   = VaddWaitAllowed;
      signal_allowed = VaddSignalAllowed;
    end else if (is_vmax) begin
      used_bits      = VmaxUsedBits;
      wait_allowed   = VmaxWaitAllowed;
      signal_allowed = VmaxSignalAllowed;
    end else if (is_vrequant) begin
      used_bits      = VrequantUsedBits;
      wait_allowed   = VrequantWaitAllowed;
      signal_allowed = VrequantSignalAllowed;
    end else if (is_vcopy) begin
      used_bits      = VcopyUsedBits;
      wait_allowed   = VcopyWaitAllowed;
      signal_allowed = VcopySignalAllowed;
    end
  end

  logic header_bad;
  assign header_bad = (|(desc & ~used_bits)) || (|(wait_mask & ~wait_allowed)) ||
                      (|(signal_mask & ~signal_allowed));

  // ---- fields (every count field is CountW bits; of the L0 offsets only the alignment is
  // left to check here) ----
  logic [CountW-1:0]  ld_rows, ld_row_bytes, ld_valid_rows, ld_valid_cols;
  assign ld_rows       = desc[LoadRowsLsb +: CountW];
  assign ld_row_bytes  = desc[LoadRowBytesLsb +: CountW];
  assign ld_valid_rows = desc[LoadValidRowsLsb +: CountW];
  assign ld_valid_cols = desc[LoadValidColsLsb +: CountW];

  logic [CountW-1:0]  mm_m, mm_n, mm_k;
  logic [1:0]         mm_c_offset_lo;
  assign mm_m        = desc[MatmulMLsb +: CountW];
  assign mm_n        = desc[MatmulNLsb +: CountW];
  assign mm_k        = desc[MatmulKLsb +: CountW];
  assign mm_c_offset_lo = desc[MatmulCOffsetLsb +: 2];

  logic [CountW-1:0]  st_rows, st_cols, st_c_pitch;
  logic [1:0]         st_c_offset_lo, st_dst_addr_lo, st_dst_stride_lo, st_bias_addr_lo;  // word alignment
  logic               st_int8_out, st_bias_en;
  assign st_rows          = desc[StoreRowsLsb +: CountW];
  assign st_cols          = desc[StoreColsLsb +: CountW];
  assign st_c_pitch       = desc[StoreCPitchLsb +: CountW];
  assign st_c_offset_lo   = desc[StoreCOffsetLsb +: 2];
  assign st_dst_addr_lo   = desc[StoreDstAddrLsb +: 2];
  assign st_dst_stride_lo = desc[StoreDstStrideLsb +: 2];
  assign st_bias_addr_lo  = desc[StoreBiasAddrLsb +: 2];
  assign st_int8_out      = desc[StoreInt8OutLsb];
  assign st_bias_en       = desc[StoreBiasEnLsb];

  // Vector commands (one layout for all four, isa.toml): counts, and the word alignment of
  // each int32 operand's address and stride (src0, src1, dst).
  logic [CountW-1:0] vec_rows, vec_cols;
  logic [2:0]        vec_misaligned;
  assign vec_rows = desc[VaddRowsLsb +: CountW];
  assign vec_cols = desc[VaddColsLsb +: CountW];
  assign vec_misaligned = {
    (desc[VaddDstAddrLsb +: 2] | desc[VaddDstStrideLsb +: 2]) != '0,
    (desc[VaddSrc1AddrLsb +: 2] | desc[VaddSrc1StrideLsb +: 2]) != '0,
    (desc[VaddSrc0AddrLsb +: 2] | desc[VaddSrc0StrideLsb +: 2]) != '0};
  logic [2:0] vec_int32;  // which operands hold int32 elements
  always_comb begin
    vec_int32 = 3'b000;
    if (is_vadd || (is_vmax && !desc[VmaxInt8Lsb])) vec_int32 = 3'b111;
    if (is_vrequant) vec_int32 = 3'b001;
  end

  // Blocks past the end of their L0: a size above the room after the offset. (Written as <:
  // Yosys maps < and >= to a carry chain alone, > and <= to a LUT tree besides.)
  logic over_p0_ld, over_p0_a, over_p1_b, over_p2_c, over_p0_st;
  assign over_p0_ld = room_ld < room_t'(p0);
  assign over_p0_a  = room_a < room_t'(p0);
  assign over_p1_b  = room_b < room_t'(p1);
  assign over_p2_c  = room_c < room_t'(p2);
  assign over_p0_st = room_st < room_t'(p0);

  localparam logic [CountW-1:0] DimMask = CountW'(Dim - 1);

  logic field_bad, l0_bad;
  always_comb begin
    field_bad = 1'b0;
    l0_bad    = 1'b0;
    if (is_load) begin
      field_bad = (ld_rows == '0) || (ld_row_bytes == '0) || (ld_rows < ld_valid_rows) ||
                  (ld_row_bytes < ld_valid_cols);
      l0_bad    = over_p0_ld;
    end else if (is_matmul) begin
      field_bad = (mm_m == '0) || ((mm_m & DimMask) != '0) || (mm_n == '0) ||
                  ((mm_n & DimMask) != '0) || (mm_k == '0) || (mm_c_offset_lo != '0);
      l0_bad    = over_p0_a || over_p1_b || over_p2_c;
    end else if (is_store) begin
      field_bad = (st_rows == '0) || (st_cols == '0) || (st_c_pitch < st_cols) ||
                  (st_c_offset_lo != '0) ||
                  (!st_int8_out && (st_dst_addr_lo != '0 || st_dst_stride_lo != '0)) ||
                  (st_bias_en && st_bias_addr_lo != '0);
      l0_bad    = over_p0_st;
    end else if (is_sync) begin
      field_bad = desc[SyncAddrLsb +: 2] != '0;  // word-aligned
    end else if (is_vadd || is_vmax || is_vrequant || is_vcopy) begin
      field_bad = (vec_rows == '0) || (vec_cols == '0) || ((vec_misaligned & vec_int32) != '0);
    end
  end

  always_comb begin
    if (!(is_load || is_matmul || is_store || is_sync || is_vadd || is_vmax || is_vrequant ||
          is_vcopy)) begin
      fault_o = FaultIllegalOpcode;
    end else if (header_bad || field_bad) begin
      fault_o = FaultIllegalField;
    end else if (l0_bad) begin
      fault_o = FaultL0Overflow;
    end else begin
      fault_o = FaultNone;
    end
  end
endmodule
