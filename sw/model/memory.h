// Device memory for the functional model: a byte-addressed, little-endian image of one
// contiguous range of the 32-bit device address space. Every access is bounds-checked; an
// access outside the image throws MemoryError with the address range and the image bounds
// (the core model turns that into fault MEM_ERROR, the host side sees the exception).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace luoshu::model {

class MemoryError : public std::out_of_range {
 public:
  using std::out_of_range::out_of_range;
};

class DeviceMemory {
 public:
  // Bytes [base, base + size) of the device address space, zero-filled. Throws
  // std::invalid_argument if size is 0 or the range leaves the 32-bit address space.
  DeviceMemory(uint64_t base, uint64_t size);

  uint64_t base() const { return base_; }
  uint64_t size() const { return bytes_.size(); }
  // A supernode's other chips (docs/supernode.md): one more zero-filled range [base, base +
  // size) that Contains, Read and Write also serve, so one image holds every chip's memory
  // (keyed by the chip id in the address). base() and size() stay the first range's.
  // Throws std::invalid_argument if it overlaps a range already there.
  void AddRegion(uint64_t base, uint64_t size);
  // True if [addr, addr + len) lies inside the image (len 0: always true).
  bool Contains(uint64_t addr, uint64_t len) const;

  void Read(uint64_t addr, void* dst, uint64_t len) const;
  void Write(uint64_t addr, const void* src, uint64_t len);
  uint8_t Read8(uint64_t addr) const;
  void Write8(uint64_t addr, uint8_t value);
  uint32_t Read32(uint64_t addr) const;  // little-endian
  void Write32(uint64_t addr, uint32_t value);
  // n little-endian 32-bit words (descriptors, int32 arrays).
  void WriteWords(uint64_t addr, const uint32_t* words, uint64_t n);
  void ReadWords(uint64_t addr, uint32_t* words, uint64_t n) const;
  void Fill(uint64_t addr, uint64_t len, uint8_t value);

 private:
  void Check(uint64_t addr, uint64_t len, const char* what) const;
  // The range holding [addr, addr + len) and the offset of addr in it; nullptr if none does.
  uint8_t* Find(uint64_t addr, uint64_t len);
  const uint8_t* Find(uint64_t addr, uint64_t len) const;
  uint64_t base_;
  std::vector<uint8_t> bytes_;
  struct Region {
    uint64_t base;
    std::vector<uint8_t> bytes;
  };
  std::vector<Region> more_;  // AddRegion
};

}  // namespace luoshu::model
