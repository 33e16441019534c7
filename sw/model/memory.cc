#include "sw/model/memory.h"

#include <cstring>
#include <sstream>

#include "sw/common/hex.h"

namespace luoshu::model {
DeviceMemory::DeviceMemory(uint64_t base, uint64_t size) : base_(base) {
  if (size == 0) throw std::invalid_argument("DeviceMemory: size must be positive");
  if (base + size > (uint64_t{1} << 32)) {
    throw std::invalid_argument("DeviceMemory: [" + Hex(base) + ", " + Hex(base + size) +
                                ") leaves the 32-bit device address space");
  }
  bytes_.assign(size, 0);
}

bool DeviceMemory::Contains(uint64_t addr, uint64_t len) const {
  if (len == 0) return true;
  return addr >= base_ && addr - base_ <= bytes_.size() && len <= bytes_.size() - (addr - base_);
}

void DeviceMemory::Check(uint64_t addr, uint64_t len, const char* what) const {
  if (!Contains(addr, len)) {
    throw MemoryError(std::string("DeviceMemory: ") + what + " of " + std::to_string(len) +
                      " bytes at " + Hex(addr) + " is outside the memory image [" + Hex(base_) +
                      ", " + Hex(base_ + bytes_.size()) + ")");
  }
}

void DeviceMemory::Read(uint64_t addr, void* dst, uint64_t len) const {
  Check(addr, len, "read");
  if (len) std::memcpy(dst, bytes_.data() + (addr - base_), len);
}

void DeviceMemory::Write(uint64_t addr, const void* src, uint64_t len) {
  Check(addr, len, "write");
  if (len) std::memcpy(bytes_.data() + (addr - base_), src, len);
}

uint8_t DeviceMemory::Read8(uint64_t addr) const {
  Check(addr, 1, "read");
  return bytes_[addr - base_];
}

void DeviceMemory::Write8(uint64_t addr, uint8_t value) {
  Check(addr, 1, "write");
  bytes_[addr - base_] = value;
}

uint32_t DeviceMemory::Read32(uint64_t addr) const {
  uint32_t v;
  ReadWords(addr, &v, 1);
  return v;
}

void DeviceMemory::Write32(uint64_t addr, uint32_t value) { WriteWords(addr, &value, 1); }

void DeviceMemory::WriteWords(uint64_t addr, const uint32_t* words, uint64_t n) {
  Check(addr, 4 * n, "write");
  uint8_t* p = bytes_.data() + (addr - base_);
  for (uint64_t i = 0; i < n; ++i)
    for (int b = 0; b < 4; ++b) *p++ = static_cast<uint8_t>(words[i] >> (8 * b));
}

void DeviceMemory::ReadWords(uint64_t addr, uint32_t* words, uint64_t n) const {
  Check(addr, 4 * n, "read");
  const uint8_t* p = bytes_.data() + (addr - base_);
  for (uint64_t i = 0; i < n; ++i, p += 4)
    words[i] = uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

void DeviceMemory::Fill(uint64_t addr, uint64_t len, uint8_t value) {
  Check(addr, len, "fill");
  if (len) std::memset(bytes_.data() + (addr - base_), value, len);
}

}  // namespace luoshu::model
