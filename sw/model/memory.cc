#include "sw/model/memory.h"

#include <cstring>
#include <sstream>

#include "sw/common/hex.h"

namespace luoshu::model {
namespace {

// [addr, addr + len) inside [base, base + size); len 0 always is.
bool Inside(uint64_t base, uint64_t size, uint64_t addr, uint64_t len) {
  if (len == 0) return true;
  return addr >= base && addr - base <= size && len <= size - (addr - base);
}

}  // namespace

DeviceMemory::DeviceMemory(uint64_t base, uint64_t size) : base_(base) {
  if (size == 0) throw std::invalid_argument("DeviceMemory: size must be positive");
  if (base + size > (uint64_t{1} << 32)) {
    throw std::invalid_argument("DeviceMemory: [" + Hex(base) + ", " + Hex(base + size) +
                                ") leaves the 32-bit device address space");
  }
  bytes_.assign(size, 0);
}

void DeviceMemory::AddRegion(uint64_t base, uint64_t size) {
  if (size == 0) throw std::invalid_argument("DeviceMemory::AddRegion: size must be positive");
  if (base + size > (uint64_t{1} << 32)) {
    throw std::invalid_argument("DeviceMemory::AddRegion: [" + Hex(base) + ", " + Hex(base + size) +
                                ") leaves the 32-bit device address space");
  }
  auto overlaps = [&](uint64_t b, uint64_t s) { return base < b + s && b < base + size; };
  bool clash = overlaps(base_, bytes_.size());
  for (const Region& r : more_) clash = clash || overlaps(r.base, r.bytes.size());
  if (clash) {
    throw std::invalid_argument("DeviceMemory::AddRegion: [" + Hex(base) + ", " + Hex(base + size) +
                                ") overlaps a range already there");
  }
  more_.push_back({base, std::vector<uint8_t>(size, 0)});
}

const uint8_t* DeviceMemory::Find(uint64_t addr, uint64_t len) const {
  if (Inside(base_, bytes_.size(), addr, len)) return bytes_.data() + (addr - base_);
  for (const Region& r : more_) {
    if (Inside(r.base, r.bytes.size(), addr, len)) return r.bytes.data() + (addr - r.base);
  }
  return nullptr;
}

uint8_t* DeviceMemory::Find(uint64_t addr, uint64_t len) {
  return const_cast<uint8_t*>(static_cast<const DeviceMemory*>(this)->Find(addr, len));
}

bool DeviceMemory::Contains(uint64_t addr, uint64_t len) const {
  return len == 0 || Find(addr, len) != nullptr;
}

void DeviceMemory::Check(uint64_t addr, uint64_t len, const char* what) const {
  if (!Contains(addr, len)) {
    throw MemoryError(std::string("DeviceMemory: ") + what + " of " + std::to_string(len) +
                      " bytes at " + Hex(addr) + " is outside the memory image [" + Hex(base_) +
                      ", " + Hex(base_ + bytes_.size()) + ")" +
                      (more_.empty() ? "" : " and its other regions"));
  }
}

void DeviceMemory::Read(uint64_t addr, void* dst, uint64_t len) const {
  Check(addr, len, "read");
  if (len) std::memcpy(dst, Find(addr, len), len);
}

void DeviceMemory::Write(uint64_t addr, const void* src, uint64_t len) {
  Check(addr, len, "write");
  if (len) std::memcpy(Find(addr, len), src, len);
}

uint8_t DeviceMemory::Read8(uint64_t addr) const {
  Check(addr, 1, "read");
  return *Find(addr, 1);
}

void DeviceMemory::Write8(uint64_t addr, uint8_t value) {
  Check(addr, 1, "write");
  *Find(addr, 1) = value;
}

uint32_t DeviceMemory::Read32(uint64_t addr) const {
  uint32_t v;
  ReadWords(addr, &v, 1);
  return v;
}

void DeviceMemory::Write32(uint64_t addr, uint32_t value) { WriteWords(addr, &value, 1); }

void DeviceMemory::WriteWords(uint64_t addr, const uint32_t* words, uint64_t n) {
  Check(addr, 4 * n, "write");
  if (n == 0) return;
  uint8_t* p = Find(addr, 4 * n);
  for (uint64_t i = 0; i < n; ++i)
    for (int b = 0; b < 4; ++b) *p++ = static_cast<uint8_t>(words[i] >> (8 * b));
}

void DeviceMemory::ReadWords(uint64_t addr, uint32_t* words, uint64_t n) const {
  Check(addr, 4 * n, "read");
  if (n == 0) return;
  const uint8_t* p = Find(addr, 4 * n);
  for (uint64_t i = 0; i < n; ++i, p += 4)
    words[i] = uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

void DeviceMemory::Fill(uint64_t addr, uint64_t len, uint8_t value) {
  Check(addr, len, "fill");
  if (len) std::memset(Find(addr, len), value, len);
}

}  // namespace luoshu::model
