// Device-memory allocator: first fit over [base, base + size) with coalescing of freed
// neighbours. Throws OutOfMemory (saying how much is free and the largest free block) for a
// request it cannot satisfy and InvalidArgument for a bad size, alignment or Free.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>

namespace luoshu {

class Allocator {
 public:
  Allocator(uint64_t base, uint64_t size);
  // `bytes` >= 1; `align` a power of two. Returns the device address.
  uint64_t Alloc(uint64_t bytes, uint64_t align = 64);
  void Free(uint64_t addr);
  uint64_t base() const { return base_; }
  uint64_t size() const { return size_; }
  uint64_t bytes_free() const;
  uint64_t largest_free() const;
  size_t live_blocks() const { return used_.size(); }

 private:
  uint64_t base_, size_;
  std::map<uint64_t, uint64_t> free_;  // start -> size
  std::map<uint64_t, uint64_t> used_;  // start -> size
};

}  // namespace luoshu
