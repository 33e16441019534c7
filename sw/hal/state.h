// Saved state as bytes: what a checkpoint (sw/hal/replay.h) holds for the host-bus log and the
// backend. Little-endian fixed-width integers, length-prefixed strings. A reader that runs
// past the end throws StateError, so a truncated or mangled state is refused, never read as
// garbage.
#pragma once

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

namespace luoshu::hal {

// A saved state that cannot be used: truncated, corrupt, from another build or configuration.
class StateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class StateWriter {
 public:
  void U8(uint8_t v) { bytes_.push_back(static_cast<char>(v)); }
  void U32(uint32_t v) { Raw(&v, sizeof v); }
  void U64(uint64_t v) { Raw(&v, sizeof v); }
  void F64(double v) { Raw(&v, sizeof v); }
  void Str(const std::string& s) {
    U64(s.size());
    bytes_.append(s);
  }
  void Raw(const void* p, size_t n) { bytes_.append(static_cast<const char*>(p), n); }
  const std::string& bytes() const { return bytes_; }
  std::string Take() { return std::move(bytes_); }

 private:
  std::string bytes_;
};

class StateReader {
 public:
  // `what` names the state in errors ("checkpoint x.ckpt").
  StateReader(const std::string& bytes, std::string what) : s_(bytes), what_(std::move(what)) {}
  uint8_t U8() { return static_cast<uint8_t>(*Take(1)); }
  uint32_t U32() { return Pod<uint32_t>(); }
  uint64_t U64() { return Pod<uint64_t>(); }
  double F64() { return Pod<double>(); }
  std::string Str() {
    const uint64_t n = U64();
    if (n > left()) Short(n);
    return std::string(Take(n), n);
  }
  void Raw(void* p, size_t n) { std::memcpy(p, Take(n), n); }
  // A count of items of at least `min_bytes` each, checked against what is left.
  uint64_t Count(uint64_t min_bytes) {
    const uint64_t n = U64();
    if (min_bytes && n > left() / min_bytes) Short(n * min_bytes);
    return n;
  }
  size_t left() const { return s_.size() - pos_; }
  const std::string& what() const { return what_; }
  [[noreturn]] void Fail(const std::string& why) const { throw StateError(what_ + ": " + why); }

 private:
  template <class T>
  T Pod() {
    T v;
    std::memcpy(&v, Take(sizeof v), sizeof v);
    return v;
  }
  const char* Take(size_t n) {
    if (n > left()) Short(n);
    const char* p = s_.data() + pos_;
    pos_ += n;
    return p;
  }
  [[noreturn]] void Short(uint64_t n) const {
    Fail("ends early (needs " + std::to_string(n) + " more bytes at offset " +
         std::to_string(pos_) + " of " + std::to_string(s_.size()) +
         "); the file is truncated or corrupt");
  }
  const std::string& s_;
  std::string what_;
  size_t pos_ = 0;
};

// FNV-1a, 64 bits: the checksum of a checkpoint and the fingerprint of a logged memory write.
inline uint64_t Fnv1a(const void* data, size_t n, uint64_t h = 0xcbf29ce484222325ull) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

}  // namespace luoshu::hal
