// Descriptor validation: exactly the checks of the model's ValidateDescriptor
// (sw/model/core_model.cc), combinational. The model reports the first failed check; every
// field check of an opcode comes before its L0 bounds, so "any field bad -> ILLEGAL_FIELD,
// else any bound exceeded -> L0_OVERFLOW" is the same answer:
//   1. opcode not LOAD/MATMUL/STORE/SYNC              -> ILLEGAL_OPCODE
//   2. reserved bit set, or a token mask names a channel that does not feed (wait) or leave
//      (signal) the opcode's queue                    -> ILLEGAL_FIELD
//   3. a field out of range (counts 0, valid_* > size, m/n not multiples of Dim, misaligned
//      c_offset / int32 dst / bias / SYNC addr)      -> ILLEGAL_FIELD
//   4. a block past the end of L0A / L0B / L0C        -> L0_OVERFLOW
// The three opcodes with bounds never need more than three products at once, so LOAD and
// STORE share MATMUL's multipliers (the operand fields sit at the same words).
module desc_decode
  import luoshu_isa_pkg::*;
#(
  parameter int Dim      = 16,
  parameter int L0aBytes = 65536,
  parameter int L0bBytes = 65536,
  parameter int L0cBytes = 131072
) (
  input  logic [DescBits-1:0] desc_i,
  output logic [FaultW-1:0]   fault_o  // a fault_e
);

  if (Dim < 2 || Dim > 64 || (Dim & (Dim - 1)) != 0) begin : g_bad_dim
    $error("desc_decode: Dim must be a power of two in 2..64 (got %0d)", Dim);
  end

  // ---- header ----
  logic [OpcodeW-1:0] opcode;
  logic [NumChannels-1:0] wait_mask, signal_mask;
  logic is_load, is_matmul, is_store, is_sync;
  assign opcode      = desc_i[HdrOpcodeLsb +: OpcodeW];
  assign wait_mask   = desc_i[HdrWaitMaskLsb +: NumChannels];
  assign signal_mask = desc_i[HdrSignalMaskLsb +: NumChannels];
  assign is_load     = opcode == OpLoad;
  assign is_matmul   = opcode == OpMatmul;
  assign is_store    = opcode == OpStore;
  assign is_sync     = opcode == OpSync;

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
    end
  end

  logic header_bad;
  assign header_bad = (|(desc_i & ~used_bits)) || (|(wait_mask & ~wait_allowed)) ||
                      (|(signal_mask & ~signal_allowed));

  // ---- fields (every count field is CountW bits, every L0 offset OffsetW bits) ----
  localparam int CountW  = LoadRowsW;
  localparam int OffsetW = LoadDstOffsetW;

  logic [CountW-1:0]  ld_rows, ld_row_bytes, ld_valid_rows, ld_valid_cols;
  logic [OffsetW-1:0] ld_dst_offset;
  logic               ld_dst_b;
  assign ld_rows       = desc_i[LoadRowsLsb +: CountW];
  assign ld_row_bytes  = desc_i[LoadRowBytesLsb +: CountW];
  assign ld_valid_rows = desc_i[LoadValidRowsLsb +: CountW];
  assign ld_valid_cols = desc_i[LoadValidColsLsb +: CountW];
  assign ld_dst_offset = desc_i[LoadDstOffsetLsb +: OffsetW];
  assign ld_dst_b      = desc_i[LoadDstBufferLsb];

  logic [CountW-1:0]  mm_m, mm_n, mm_k;
  logic [OffsetW-1:0] mm_a_offset, mm_b_offset, mm_c_offset;
  assign mm_m        = desc_i[MatmulMLsb +: CountW];
  assign mm_n        = desc_i[MatmulNLsb +: CountW];
  assign mm_k        = desc_i[MatmulKLsb +: CountW];
  assign mm_a_offset = desc_i[MatmulAOffsetLsb +: OffsetW];
  assign mm_b_offset = desc_i[MatmulBOffsetLsb +: OffsetW];
  assign mm_c_offset = desc_i[MatmulCOffsetLsb +: OffsetW];

  logic [CountW-1:0]  st_rows, st_cols, st_c_pitch;
  logic [OffsetW-1:0] st_c_offset;
  logic [1:0]         st_dst_addr_lo, st_dst_stride_lo, st_bias_addr_lo;  // word alignment
  logic               st_int8_out, st_bias_en;
  assign st_rows          = desc_i[StoreRowsLsb +: CountW];
  assign st_cols          = desc_i[StoreColsLsb +: CountW];
  assign st_c_pitch       = desc_i[StoreCPitchLsb +: CountW];
  assign st_c_offset      = desc_i[StoreCOffsetLsb +: OffsetW];
  assign st_dst_addr_lo   = desc_i[StoreDstAddrLsb +: 2];
  assign st_dst_stride_lo = desc_i[StoreDstStrideLsb +: 2];
  assign st_bias_addr_lo  = desc_i[StoreBiasAddrLsb +: 2];
  assign st_int8_out      = desc_i[StoreInt8OutLsb];
  assign st_bias_en       = desc_i[StoreBiasEnLsb];

  // ---- shared products ----
  // p0: LOAD rows * row_bytes | MATMUL m * k | STORE (rows - 1) * c_pitch
  // p1: MATMUL k * n;  p2: MATMUL m * n
  localparam int ProdW = 2 * CountW;
  logic [CountW-1:0] p0_a, p0_b;
  logic [ProdW-1:0]  p0, p1, p2;
  assign p0_a = is_store ? st_rows - 1'b1 : (is_load ? ld_rows : mm_m);
  assign p0_b = is_store ? st_c_pitch : (is_load ? ld_row_bytes : mm_k);
  assign p0   = ProdW'(p0_a) * ProdW'(p0_b);
  assign p1   = ProdW'(mm_k) * ProdW'(mm_n);
  assign p2   = ProdW'(mm_m) * ProdW'(mm_n);

  // Ends of the blocks in bytes (wide enough never to wrap).
  localparam int EndW = 40;
  logic [EndW-1:0] ld_end, mm_a_end, mm_b_end, mm_c_end, st_end, ld_size;
  assign ld_end   = EndW'(ld_dst_offset) + EndW'(p0);
  assign mm_a_end = EndW'(mm_a_offset) + EndW'(p0);
  assign mm_b_end = EndW'(mm_b_offset) + EndW'(p1);
  assign mm_c_end = EndW'(mm_c_offset) + (EndW'(p2) << 2);
  assign st_end   = EndW'(st_c_offset) + ((EndW'(p0) + EndW'(st_cols)) << 2);
  assign ld_size  = ld_dst_b ? EndW'(L0bBytes) : EndW'(L0aBytes);

  localparam logic [CountW-1:0] DimMask = CountW'(Dim - 1);

  logic field_bad, l0_bad;
  always_comb begin
    field_bad = 1'b0;
    l0_bad    = 1'b0;
    if (is_load) begin
      field_bad = (ld_rows == '0) || (ld_row_bytes == '0) || (ld_valid_rows > ld_rows) ||
                  (ld_valid_cols > ld_row_bytes);
      l0_bad    = ld_end > ld_size;
    end else if (is_matmul) begin
      field_bad = (mm_m == '0) || ((mm_m & DimMask) != '0) || (mm_n == '0) ||
                  ((mm_n & DimMask) != '0) || (mm_k == '0) || (mm_c_offset[1:0] != '0);
      l0_bad    = (mm_a_end > EndW'(L0aBytes)) || (mm_b_end > EndW'(L0bBytes)) ||
                  (mm_c_end > EndW'(L0cBytes));
    end else if (is_store) begin
      field_bad = (st_rows == '0) || (st_cols == '0) || (st_c_pitch < st_cols) ||
                  (st_c_offset[1:0] != '0) ||
                  (!st_int8_out && (st_dst_addr_lo != '0 || st_dst_stride_lo != '0)) ||
                  (st_bias_en && st_bias_addr_lo != '0);
      l0_bad    = st_end > EndW'(L0cBytes);
    end else if (is_sync) begin
      field_bad = desc_i[SyncAddrLsb +: 2] != '0;  // word-aligned
    end
  end

  always_comb begin
    if (!(is_load || is_matmul || is_store || is_sync)) begin
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
