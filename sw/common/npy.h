// NumPy .npy files (sw/common): read and write int8/uint8/int16/int32 matrices (rank 2) and
// vectors (rank 1), the way np.save / np.load exchange them.
//
// Reading accepts format versions 1.0, 2.0 and 3.0, C order, and exactly the dtype asked for in
// little-endian or '|' byte order ('|i1' for int8, '|u1' for uint8, '<i2' for int16, '<i4' for
// int32). Anything else (another dtype, big-endian, Fortran order, another rank, a malformed
// header, truncated data, bytes after the data) is refused with an NpyError whose message
// starts with the file path and says what is wrong and what to do, e.g.
//   A.npy: dtype '<f4' (float32), expected int8 ('|i1'); convert with a.astype(np.int8)
// Writing produces version 1.0 files, header padded so the data starts at a multiple of 64
// bytes, exactly as np.save does; it is atomic (a temporary file in the same folder, renamed
// on success), so a failed Save never leaves a partial or temporary file behind.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "sw/common/matrix.h"

namespace luoshu::npy {

// A file that cannot be read or written as asked. The message starts with the file path.
class NpyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Arrays above this many data bytes are refused unless LoadOptions::max_bytes is raised.
inline constexpr uint64_t kDefaultMaxBytes = uint64_t{1} << 30;  // 1 GiB

struct LoadOptions {
  // Every dimension must be >= 1 unless this is set: GEMM operands need M, N, K >= 1, so an
  // empty array is almost always a mistake upstream. Matrices and vectors alike.
  bool allow_empty = false;
  // Sanity cap on the data size (a corrupt shape must not allocate gigabytes).
  uint64_t max_bytes = kDefaultMaxBytes;
};

// The parsed header of a .npy file (only its form is checked: magic, version, dict syntax,
// non-negative integer shape; not the dtype, order or rank).
struct Header {
  int major_version = 0;  // 1, 2 or 3 (minor is always 0)
  std::string descr;      // e.g. "<i4"; a structured dtype is refused while parsing
  bool fortran_order = false;
  std::vector<uint64_t> shape;
  uint64_t data_offset = 0;  // bytes from the start of the file to the data
};
Header ReadHeader(const std::string& path);

// T is one of int8_t, uint8_t, int16_t, int32_t (other types do not link).
template <class T>
Matrix<T> LoadMatrix(const std::string& path, const LoadOptions& options = {});  // rank 2
template <class T>
std::vector<T> LoadVector(const std::string& path, const LoadOptions& options = {});  // rank 1

// Write (or atomically replace) `path`: a temporary file in the same folder, renamed onto `path`
// when complete. The new file has the default permissions (0666 less the umask); a symlink at
// `path` is replaced, not followed. Empty arrays are written as they are.
template <class T>
void Save(const std::string& path, const Matrix<T>& m);
template <class T>
void Save(const std::string& path, const std::vector<T>& v);

}  // namespace luoshu::npy
