// Host runtime over a Device: a device-memory allocator and a multi-core int8 GEMM that
// splits C's rows into one band per core, runs each band's double-buffered program
// (isa::BuildGemmProgram) under exactly the windows it needs, and waits on the interrupt.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "sw/driver/device.h"
#include "sw/model/gemm.h"

namespace luoshu::driver {

// First-fit allocator over [base, base + size) with coalescing of freed neighbours. Throws
// DriverError for a request it cannot satisfy (saying how much is free) and for a Free of an
// address it did not hand out.
class DeviceAllocator {
 public:
  DeviceAllocator(uint64_t base, uint64_t size);
  // `bytes` >= 1; `align` a power of two. Returns the device address.
  uint64_t Alloc(uint64_t bytes, uint64_t align = 64);
  void Free(uint64_t addr);
  uint64_t bytes_free() const;
  uint64_t largest_free() const;
  size_t live_blocks() const { return used_.size(); }

 private:
  uint64_t base_, size_;
  std::map<uint64_t, uint64_t> free_;  // start -> size
  std::map<uint64_t, uint64_t> used_;  // start -> size
};

struct GemmOptions {
  int cores = 0;  // cores to use; 0 = all. Fewer are used when M has fewer Dim-row blocks.
  int tile_m = 0, tile_n = 0, tile_k = 0;  // passed to isa::BuildGemmProgram; 0 = its choice
  // Give up (DriverError) after this many cycles (bus->Now()); 0 = an estimate from the size.
  uint64_t timeout_cycles = 0;
};

struct GemmCoreReport {
  int core = 0;
  int row_begin = 0, rows = 0;  // the band of C
  size_t commands = 0;          // descriptors in its program (SYNC included)
  uint64_t cycles = 0;          // from its doorbell to its completion being seen
  uint64_t macs = 0;            // counter MACS (Dim-padded)
  uint64_t cube_busy = 0;       // counter BUSY_EX
};

struct GemmReport {
  std::vector<GemmCoreReport> cores;
  uint64_t total_cycles = 0;  // first doorbell to the last completion
};

class Runtime {
 public:
  // `device` is not owned and must outlive the Runtime. Device memory must lie below 4 GiB.
  explicit Runtime(Device* device);

  Device& device() { return *device_; }
  uint64_t Alloc(uint64_t bytes, uint64_t align = 64) { return alloc_.Alloc(bytes, align); }
  void Free(uint64_t addr) { alloc_.Free(addr); }
  const DeviceAllocator& allocator() const { return alloc_; }

  // C (M x N int32) = A (M x K int8) x B (K x N int8), bit-exact as model::GemmInt8. `c` is
  // resized if empty, else must be M x N. Throws DriverError for bad shapes or options
  // (before touching the device), for a fault (core, fault name, ring slot; the cores are
  // cleared) and on timeout. Uses cores 0..n-1, which must not be running anything else.
  GemmReport Gemm(const model::Matrix<int8_t>& a, const model::Matrix<int8_t>& b,
                  model::Matrix<int32_t>* c, const GemmOptions& options = {});

 private:
  Device* device_;
  DeviceAllocator alloc_;
};

}  // namespace luoshu::driver
