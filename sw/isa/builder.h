// Command builder: emits checked LOAD / MATMUL / STORE / SYNC and vector descriptors, and a
// double-buffered GEMM program (the simple tiler used by tests and benchmarks; the general
// tiler comes with the host stack). See docs/isa.md for the token protocol it follows.
#pragma once

#include <cstdint>
#include <vector>

#include "sw/isa/luoshu_isa.h"

namespace luoshu::isa {

// Collects descriptors in ring order. Each Add* checks what it can without a core
// configuration (field widths, token masks allowed for the opcode, ranges such as
// valid_rows <= rows) and throws std::invalid_argument with a message; the core checks the
// rest (Dim multiples, L0 bounds, windows).
class ProgramBuilder {
 public:
  ProgramBuilder& Load(const LoadDesc& d);
  ProgramBuilder& Matmul(const MatmulDesc& d);
  ProgramBuilder& Store(const StoreDesc& d);
  ProgramBuilder& Sync(uint32_t addr, uint32_t value, bool irq);
  // Vector commands (ST queue, docs/isa.md): rows and cols >= 1, int32 operands' addresses
  // and strides multiples of 4.
  ProgramBuilder& Vadd(const VaddDesc& d);
  ProgramBuilder& Vmax(const VmaxDesc& d);
  ProgramBuilder& Vrequant(const VrequantDesc& d);
  ProgramBuilder& Vcopy(const VcopyDesc& d);
  const std::vector<Descriptor>& program() const { return program_; }
  size_t size() const { return program_.size(); }

 private:
  void CheckTokens(Opcode op, uint32_t wait, uint32_t signal);
  ProgramBuilder& Vector(const Descriptor& d, uint32_t wait, uint32_t signal);
  std::vector<Descriptor> program_;
};

// C[M x N] = epilogue(A[M x K] x B[K x N]), int8 operands row-major in device memory.
struct GemmProgram {
  int m = 0, n = 0, k = 0;
  uint32_t a_addr = 0, b_addr = 0, c_addr = 0;
  uint32_t lda = 0, ldb = 0, ldc = 0;  // row pitches in bytes; 0 = dense (k, n, n * elem)
  // Epilogue (STORE fields).
  bool int8_out = false;
  bool relu = false;
  bool bias_en = false;
  uint32_t bias_addr = 0;  // N int32 values
  int32_t scale = 1;
  uint32_t shift = 0;
  // The core: Dim and L0 sizes. Each buffer is used as two halves (double buffering).
  int dim = 16;
  uint32_t l0a_bytes = 64 << 10, l0b_bytes = 64 << 10, l0c_bytes = 128 << 10;
  // Tile sizes; 0 = choose (tile_m = tile_n = dim, tile_k as large as the halves allow).
  int tile_m = 0, tile_n = 0, tile_k = 0;
  // Each tile's K steps start at step k_rotate (mod their number) and wrap around: the same
  // sums (int32 addition is exact), but cores that run side by side read different rows of B
  // at the same time.
  int k_rotate = 0;
  // The first tile's K steps in order, each in 1..tile_k, summing to K (empty: tile_k each,
  // like every other tile). Short first steps that grow let the cube start before a whole
  // step's operands have arrived. They start at K = 0 (k_rotate applies to the other tiles).
  std::vector<int> first_k_steps;
  // A final SYNC writing sync_value to sync_addr (and raising the interrupt if irq).
  bool sync = true;
  uint32_t sync_addr = 0, sync_value = 1;
  bool irq = true;
};

// The double-buffered command stream for `p`: for every output tile (row-major over tiles)
// and every K step, LOAD A and B into one half of L0A/L0B (halves alternate per step), one
// MATMUL into one half of L0C (halves alternate per tile), then STORE the tile. Edge tiles
// load valid_rows/valid_cols and compute on Dim-padded m/n. Tokens: LOAD B signals LD2EX,
// MATMUL waits LD2EX; LOAD A of step s >= 2 waits EX2LD from MATMUL s-2; the last MATMUL of a
// tile signals EX2ST, its STORE waits EX2ST; the first MATMUL of tile t >= 2 waits ST2EX from
// STORE t-2. No token is left over at the end. Throws std::invalid_argument for bad shapes,
// tiles that do not fit the buffer halves, first_k_steps that do not split K into steps of
// 1..tile_k, or fields out of range.
std::vector<Descriptor> BuildGemmProgram(const GemmProgram& p);

}  // namespace luoshu::isa
