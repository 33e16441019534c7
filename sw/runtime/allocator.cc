#include "sw/runtime/allocator.h"

#include <algorithm>
#include <iterator>
#include <sstream>
#include <string>

#include "sw/common/hex.h"
#include "sw/runtime/errors.h"

namespace luoshu {
Allocator::Allocator(uint64_t base, uint64_t size) : base_(base), size_(size) {
  if (size == 0) throw InvalidArgument("Allocator: empty device memory");
  free_[base] = size;
}

uint64_t Allocator::Alloc(uint64_t bytes, uint64_t align) {
  if (bytes == 0) throw InvalidArgument("Allocator::Alloc: 0 bytes asked; ask for at least 1");
  if (align == 0 || (align & (align - 1)) != 0) {
    throw InvalidArgument("Allocator::Alloc: alignment " + std::to_string(align) +
                          " is not a power of two");
  }
  for (auto it = free_.begin(); it != free_.end(); ++it) {
    const uint64_t start = it->first, size = it->second;
    const uint64_t addr = (start + align - 1) & ~(align - 1);
    if (addr - start > size || size - (addr - start) < bytes) continue;
    free_.erase(it);
    if (addr > start) free_[start] = addr - start;
    if (addr + bytes < start + size) free_[addr + bytes] = start + size - (addr + bytes);
    used_[addr] = bytes;
    return addr;
  }
  throw OutOfMemory(
      "out of device memory: " + std::to_string(bytes) + " bytes aligned to " +
      std::to_string(align) + " asked, " + std::to_string(bytes_free()) + " of " +
      std::to_string(size_) + " bytes free, largest free block " + std::to_string(largest_free()) +
      "; free buffers, use smaller problems or give the device more memory (--mem-mib)");
}

void Allocator::Free(uint64_t addr) {
  const auto it = used_.find(addr);
  if (it == used_.end()) {
    throw InvalidArgument("Allocator::Free: " + Hex(addr) +
                          " is not the start of a live allocation (double free?)");
  }
  uint64_t start = addr, size = it->second;
  used_.erase(it);
  auto next = free_.lower_bound(start);
  if (next != free_.end() && next->first == start + size) {  // merge with the next free block
    size += next->second;
    next = free_.erase(next);
  }
  if (next != free_.begin()) {  // and with the previous one
    auto prev = std::prev(next);
    if (prev->first + prev->second == start) {
      start = prev->first;
      size += prev->second;
      free_.erase(prev);
    }
  }
  free_[start] = size;
}

uint64_t Allocator::bytes_free() const {
  uint64_t n = 0;
  for (const auto& [start, size] : free_) n += size;
  return n;
}

uint64_t Allocator::largest_free() const {
  uint64_t n = 0;
  for (const auto& [start, size] : free_) n = std::max(n, size);
  return n;
}

}  // namespace luoshu
