// The ops library's GEMM: C = epilogue(A x B) for int8 A (M x K) and B (K x N), any
// M, N, K >= 1, on every core of a Device. The epilogue is the STORE's: an optional int32 bias
// per column, ReLU, and requantization to int8 (C int8) or int32 output (C int32).
//
// The work is split across cores (row bands, column bands or a grid, whichever the cost model
// says is fastest; rows when the caller chains layers) and each core's part is tiled into L0
// with double buffering and dependency tokens (isa::BuildGemmProgram). Tile shapes are chosen
// from the shape, the L0 sizes and the memory bandwidth per core. Gemm only enqueues: the
// result is there after Device::Synchronize() or the returned events.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sw/runtime/device.h"

namespace luoshu::ops {

struct Epilogue {
  const Buffer* bias = nullptr;  // int32 vector of N, or none
  bool relu = false;
  bool requant = false;  // int8 output: saturate(round(x * scale / 2^shift)), else int32
  int32_t scale = 1;     // -32768..32767
  int shift = 0;         // 0..31
};

enum class Split { kAuto, kRows, kCols, kGrid };
const char* SplitName(Split s);

struct GemmOptions {
  int cores = 0;                           // cores to use; 0 = all
  int tile_m = 0, tile_n = 0, tile_k = 0;  // 0 = the tiler's choice
  Split split = Split::kAuto;              // kRows keeps row band r of C on core r (chaining)
                                           // kGrid needs at least 4 cores (2 x 2)
  std::string label = "gemm";              // names the work in fault messages and traces
};

struct Tiling {
  int tile_m = 0, tile_n = 0, tile_k = 0;
};

// One core's part of a GEMM: a block of C.
struct GemmPart {
  int core = 0;
  int row0 = 0, rows = 0, col0 = 0, cols = 0;
  Tiling tiling;
  size_t commands = 0;
  uint64_t macs = 0;  // Dim-padded MACs the cube does for this part
  Event start, end;   // doorbell of its first command, completion of its last
};

struct GemmLaunch {
  int m = 0, n = 0, k = 0, dim = 0;
  Split split = Split::kRows;
  std::vector<GemmPart> parts;
  uint64_t useful_macs() const { return uint64_t(m) * n * k; }
  // After the events completed: first doorbell to last completion.
  uint64_t cycles() const;
  // Useful MACs / (cores used x Dim^2 x cycles).
  double utilization() const;
  double part_utilization(const GemmPart& p) const;  // the part's useful MACs over its time
};

// Checks the operands (InvalidArgument says which and why), then enqueues. `c` must be
// M x N int32, or int8 with epilogue.requant.
GemmLaunch Gemm(Device& dev, const Buffer& a, const Buffer& b, Buffer* c,
                const Epilogue& epilogue = {}, const GemmOptions& options = {});

// The tile shape the tiler picks for one core's M x N x K block (out_bytes 1 or 4), given the
// memory bandwidth that core can count on (bytes per cycle).
Tiling ChooseTiling(int m, int n, int k, int out_bytes, const driver::DeviceInfo& info,
                    double read_bw, double write_bw);

// The first tile's K steps the tiler gives that block with tiling t (isa::GemmProgram::
// first_k_steps): short at first, so the cube starts before a whole step's operands have
// arrived, then growing while the loads keep up; empty when they would not pay (every step
// tile_k). Each is in 1..t.tile_k and they sum to K.
std::vector<int> FirstKSteps(int m, int n, int k, const Tiling& t, int dim, double read_bw);

}  // namespace luoshu::ops
