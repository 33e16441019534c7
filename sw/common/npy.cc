#include "sw/common/npy.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstring>
#include <functional>
#include <string_view>

namespace luoshu::npy {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLen = 6;
// np.load refuses headers above 10000 bytes by default; ours are under 128.
constexpr uint64_t kMaxHeaderLen = 65536;
constexpr uint64_t kAlign = 64;  // np.save starts the data at a multiple of 64 bytes

#if !defined(__BYTE_ORDER__) || \
    (__BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__ && __BYTE_ORDER__ != __ORDER_BIG_ENDIAN__)
#error "sw/common/npy.cc: unknown host byte order"
#endif
constexpr bool kHostBigEndian = __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__;

// What a C++ element type is called on both sides.
struct DType {
  const char* name;    // "int32"
  const char* descr;   // "<i4": what np.save writes for it
  const char* astype;  // "np.int32": the conversion to suggest
  int size;
};
template <class T>
struct Traits;
template <>
struct Traits<int8_t> {
  static constexpr DType kType{"int8", "|i1", "np.int8", 1};
};
template <>
struct Traits<uint8_t> {
  static constexpr DType kType{"uint8", "|u1", "np.uint8", 1};
};
template <>
struct Traits<int16_t> {
  static constexpr DType kType{"int16", "<i2", "np.int16", 2};
};
template <>
struct Traits<int32_t> {
  static constexpr DType kType{"int32", "<i4", "np.int32", 4};
};

[[noreturn]] void Fail(const std::string& path, const std::string& message) {
  throw NpyError(path + ": " + message);
}

std::string ErrnoText(int e) { return std::strerror(e); }

// A printable, bounded copy of header text for messages.
std::string Excerpt(std::string_view text, size_t limit = 160) {
  while (!text.empty() && text.back() != '\0' && std::strchr(" \t\r\n", text.back()) != nullptr) {
    text.remove_suffix(1);
  }
  std::string out;
  for (size_t i = 0; i < text.size() && i < limit; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
  }
  if (text.size() > limit) out += "...";
  return out;
}

// "64 x 32", "5", "a scalar".
std::string ShapeText(const std::vector<uint64_t>& shape) {
  if (shape.empty()) return "a scalar";
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? " x " : "") + std::to_string(shape[i]);
  return s;
}

// A human name for a NumPy dtype string: "float32", "big-endian int32", "Python objects".
std::string DescrName(const std::string& d) {
  if (!d.empty() && d[0] == '[') return "structured";
  size_t i = 0;
  const char order = (!d.empty() && std::strchr("<>|=", d[0]) != nullptr) ? d[i++] : '=';
  if (i >= d.size()) return "unknown";
  const char kind = d[i++];
  int bytes = 0;
  while (i < d.size() && d[i] >= '0' && d[i] <= '9' && bytes < 100000)
    bytes = bytes * 10 + (d[i++] - '0');
  const std::string bits = bytes ? std::to_string(8 * bytes) : "";
  std::string name;
  switch (kind) {
    case 'b':
    case '?':
      return "bool";
    case 'i':
      name = "int" + bits;
      break;
    case 'u':
      name = "uint" + bits;
      break;
    case 'f':
      name = "float" + bits;
      break;
    case 'c':
      name = "complex" + bits;
      break;
    case 'O':
      return "Python objects";
    case 'S':
    case 'a':
      return "bytes";
    case 'U':
      return "str";
    case 'V':
      return "raw bytes";
    case 'M':
      return "datetime64";
    case 'm':
      return "timedelta64";
    default:
      return "unknown";
  }
  return (order == '>' && bytes > 1) ? "big-endian " + name : name;
}

void CheckDescr(const std::string& path, const std::string& d, const DType& t) {
  const std::string want = std::string("'") + t.descr + "'";
  if (!d.empty() && d[0] == '[') {
    Fail(path, "structured dtype " + Excerpt(d, 80) + ", expected " + t.name + " (" + want +
                   "); save one field as a plain array, e.g. a['name'].astype(" + t.astype + ")");
  }
  const std::string body = t.descr + 1;  // "i4"
  if (d.size() >= 2 && d.substr(1) == body) {
    const char order = d[0];
    if (order == '<' || (t.size == 1 && order == '|')) return;
    const std::string little = std::string("'<") + body + "'";
    const std::string what =
        order == '>' ? std::string("big-endian ") + t.name
                     : std::string(t.name) + " in byte order '" + order + "', not little-endian";
    Fail(path, "dtype '" + Excerpt(d, 40) + "' (" + what + "), expected " + t.name + " (" + want +
                   "); convert with a.astype(" + (t.size == 1 ? std::string(t.astype) : little) +
                   ")");
  }
  Fail(path, "dtype '" + Excerpt(d, 40) + "' (" + DescrName(d) + "), expected " + t.name + " (" +
                 want + "); convert with a.astype(" + t.astype + ")");
}

// Owns a file descriptor.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Fd& operator=(Fd&& o) noexcept {
    std::swap(fd_, o.fd_);
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  // Closes now and returns close()'s errno (0 on success).
  int Close() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc == 0 ? 0 : errno;
  }

 private:
  int fd_;
};

// Reads up to n bytes; returns how many there were before end of file.
uint64_t ReadFully(const std::string& path, int fd, void* dst, uint64_t n) {
  uint64_t got = 0;
  auto* p = static_cast<char*>(dst);
  while (got < n) {
    const size_t chunk = static_cast<size_t>(std::min<uint64_t>(n - got, 1u << 30));
    const ssize_t r = ::read(fd, p + got, chunk);
    if (r < 0) {
      if (errno == EINTR) continue;
      Fail(path, "cannot read: " + ErrnoText(errno));
    }
    if (r == 0) break;
    got += static_cast<uint64_t>(r);
  }
  return got;
}

// Parses the header dict, a small Python literal such as
//   {'descr': '<i4', 'fortran_order': False, 'shape': (3, 4), }
// with any whitespace and key order, as np.load's safe literal evaluation would.
class HeaderParser {
 public:
  HeaderParser(const std::string& path, std::string_view text) : path_(path), text_(text) {}

  void Parse(Header* h) {
    bool have_descr = false, have_order = false, have_shape = false;
    SkipSpace();
    Expect('{', "the header must be a dict");
    for (;;) {
      SkipSpace();
      if (Eat('}')) break;
      const std::string key = ParseString("a quoted key or '}'");
      SkipSpace();
      Expect(':', "':' after a key");
      SkipSpace();
      bool* seen;
      if (key == "descr") {
        seen = &have_descr;
        h->descr = Peek() == '[' ? SkipList() : ParseString("a dtype string such as '<i4'");
      } else if (key == "fortran_order") {
        seen = &have_order;
        h->fortran_order = ParseBool();
      } else if (key == "shape") {
        seen = &have_shape;
        h->shape = ParseShape();
      } else {
        Malformed("unexpected key '" + Excerpt(key, 40) +
                  "' (np.save writes only 'descr', 'fortran_order' and 'shape')");
      }
      if (*seen) Malformed("key '" + key + "' appears twice");
      *seen = true;
      SkipSpace();
      if (Eat(',')) continue;
      Expect('}', "',' or '}' after a value");
      break;
    }
    SkipSpace();
    if (pos_ != text_.size()) Malformed("unexpected text after the closing '}'");
    if (!have_descr) Malformed("missing key 'descr'");
    if (!have_order) Malformed("missing key 'fortran_order'");
    if (!have_shape) Malformed("missing key 'shape'");
  }

 private:
  [[noreturn]] void Malformed(const std::string& what) const {
    Fail(path_, "malformed header: " + what + " in \"" + Excerpt(text_) +
                    "\"; the file is corrupt or not written by np.save, re-save it with np.save");
  }
  char Peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void SkipSpace() {
    while (pos_ < text_.size() && std::strchr(" \t\r\n\f\v", text_[pos_]) != nullptr &&
           text_[pos_] != '\0') {
      ++pos_;
    }
  }
  bool Eat(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  std::string Where() const {
    return pos_ < text_.size()
               ? "'" + Excerpt(text_.substr(pos_, 1)) + "' at offset " + std::to_string(pos_)
               : "the end of the header";
  }
  void Expect(char c, const char* what) {
    if (!Eat(c)) Malformed(std::string("expected ") + what + ", found " + Where());
  }
  std::string ParseString(const char* what) {
    const char quote = Peek();
    if (quote != '\'' && quote != '"')
      Malformed(std::string("expected ") + what + ", found " + Where());
    const size_t start = ++pos_;
    while (pos_ < text_.size() && text_[pos_] != quote) {
      if (text_[pos_] == '\n') break;  // a Python string literal ends on its line
      if (text_[pos_] == '\\') {
        Malformed("escape sequences in strings are not supported (offset " + std::to_string(pos_) +
                  ")");
      }
      ++pos_;
    }
    if (pos_ >= text_.size() || text_[pos_] != quote) Malformed("unterminated string");
    return std::string(text_.substr(start, pos_++ - start));
  }
  // A structured dtype's field list, kept as text (it is refused later with its dtype).
  std::string SkipList() {
    const size_t start = pos_;
    int depth = 0;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '\'' || c == '"') {
        ParseString("a string");
        continue;
      }
      if (c == '[' || c == '(') ++depth;
      if (c == ']' || c == ')') --depth;
      ++pos_;
      if (depth == 0) return std::string(text_.substr(start, pos_ - start));
    }
    Malformed("unterminated list");
  }
  bool ParseBool() {
    for (const char* word : {"True", "False"}) {
      const size_t n = std::strlen(word);
      if (text_.substr(pos_, n) == word) {
        const char next = pos_ + n < text_.size() ? text_[pos_ + n] : ' ';
        if (!std::isalnum(static_cast<unsigned char>(next)) && next != '_') {
          pos_ += n;
          return word[0] == 'T';
        }
      }
    }
    Malformed("'fortran_order' must be True or False, found " + Where());
  }
  std::vector<uint64_t> ParseShape() {
    Expect('(', "a tuple such as (3, 4) for 'shape'");
    std::vector<uint64_t> shape;
    bool comma = false;
    for (;;) {
      SkipSpace();
      if (Eat(')')) break;
      const size_t start = pos_;
      while (pos_ < text_.size() &&
             (std::isalnum(static_cast<unsigned char>(text_[pos_])) ||
              std::strchr("+-._", text_[pos_]) != nullptr) &&
             text_[pos_] != '\0') {
        ++pos_;
      }
      const std::string field(text_.substr(start, pos_ - start));
      if (field.empty()) Malformed("expected a dimension or ')' in 'shape', found " + Where());
      uint64_t v = 0;
      for (char c : field) {
        if (c < '0' || c > '9') {
          Malformed("shape field '" + Excerpt(field, 40) + "' is not a non-negative integer");
        }
        if (v > (UINT64_MAX - (c - '0')) / 10) {
          Malformed("shape field '" + Excerpt(field, 40) + "' is too large");
        }
        v = v * 10 + (c - '0');
      }
      shape.push_back(v);
      SkipSpace();
      comma = Eat(',');
      if (!comma) {
        Expect(')', "',' or ')' in 'shape'");
        break;
      }
    }
    if (shape.size() == 1 && !comma) {
      Malformed("'shape' (" + std::to_string(shape[0]) +
                ") is not a tuple (a 1-D shape is written (" + std::to_string(shape[0]) + ",))");
    }
    return shape;
  }

  const std::string& path_;
  std::string_view text_;
  size_t pos_ = 0;
};

struct OpenFile {
  Fd fd;
  uint64_t size = 0;
  Header header;
};

OpenFile Open(const std::string& path) {
  OpenFile f;
  f.fd = Fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (f.fd.get() < 0) {
    const int e = errno;
    Fail(path, "cannot open: " + ErrnoText(e) +
                   (e == ENOENT   ? "; check the path"
                    : e == EACCES ? "; check its permissions"
                                  : ""));
  }
  struct stat st;
  if (::fstat(f.fd.get(), &st) != 0) Fail(path, "cannot stat: " + ErrnoText(errno));
  if (S_ISDIR(st.st_mode)) Fail(path, "is a directory, not a .npy file; pass the file's path");
  if (!S_ISREG(st.st_mode)) Fail(path, "not a regular file; pass a .npy file written by np.save");
  f.size = static_cast<uint64_t>(st.st_size);

  unsigned char pre[8];
  const uint64_t got = ReadFully(path, f.fd.get(), pre, sizeof(pre));
  if (got < kMagicLen || std::memcmp(pre, kMagic, kMagicLen) != 0) {
    const bool zip = got >= 4 && std::memcmp(pre, "PK\x03\x04", 4) == 0;
    Fail(path, zip ? "not a .npy file (bad magic: a zip archive, perhaps an .npz); extract the "
                     "array with np.load(f)['name'] and save it with np.save"
                   : "not a .npy file (bad magic" +
                         (got < kMagicLen ? ", the file is only " + std::to_string(got) + " bytes"
                                          : std::string()) +
                         "); expected a file written by np.save");
  }
  if (got < sizeof(pre)) {
    Fail(path, "truncated: the file ends inside the .npy preamble; re-save it with np.save");
  }
  const int major = pre[6], minor = pre[7];
  if (major < 1 || major > 3 || minor != 0) {
    Fail(path, "unsupported .npy format version " + std::to_string(major) + "." +
                   std::to_string(minor) +
                   "; this reader takes 1.0, 2.0 and 3.0, re-save it with np.save");
  }
  const uint64_t len_bytes = major == 1 ? 2 : 4;
  unsigned char len[4] = {0, 0, 0, 0};
  if (ReadFully(path, f.fd.get(), len, len_bytes) < len_bytes) {
    Fail(path, "truncated: the file ends inside the .npy preamble; re-save it with np.save");
  }
  uint64_t header_len = 0;
  for (int i = static_cast<int>(len_bytes) - 1; i >= 0; --i) header_len = header_len << 8 | len[i];
  if (header_len > kMaxHeaderLen) {
    Fail(path, "header length " + std::to_string(header_len) + " bytes is implausible (over " +
                   std::to_string(kMaxHeaderLen) + "); the file is corrupt, re-save it");
  }
  const uint64_t prefix = sizeof(pre) + len_bytes;
  if (prefix + header_len > f.size) {
    Fail(path, "truncated: the header is " + std::to_string(header_len) + " bytes but only " +
                   std::to_string(f.size - prefix) +
                   " bytes follow the preamble; the file was cut short, re-save it");
  }
  std::string text(header_len, '\0');
  if (ReadFully(path, f.fd.get(), text.data(), header_len) < header_len) {
    Fail(path, "truncated: the file shrank while its header was read");
  }
  f.header.major_version = major;
  HeaderParser(path, text).Parse(&f.header);
  f.header.data_offset = prefix + header_len;
  return f;
}

template <class T>
void SwapBytes(T* p, uint64_t n) {
  if constexpr (sizeof(T) > 1) {
    for (uint64_t i = 0; i < n; ++i) {
      auto* b = reinterpret_cast<unsigned char*>(p + i);
      std::reverse(b, b + sizeof(T));
    }
  }
}

// Opens `path`, checks it holds a rank-`rank` array of T that fits `options`, and reads its
// data into the storage `alloc` returns for the shape.
template <class T>
void Load(const std::string& path, size_t rank, const LoadOptions& options,
          const std::function<T*(const std::vector<uint64_t>&)>& alloc) {
  const DType& t = Traits<T>::kType;
  OpenFile f = Open(path);
  const Header& h = f.header;
  CheckDescr(path, h.descr, t);
  if (h.fortran_order) Fail(path, "Fortran-order array; save with np.ascontiguousarray(a)");
  if (h.shape.size() != rank) {
    const std::string got =
        "rank " + std::to_string(h.shape.size()) + " (" + ShapeText(h.shape) + "), expected a ";
    if (rank == 2) {
      Fail(path, got + "matrix (rows x cols) of " + t.name + "; save a 2-D array" +
                     (h.shape.size() == 1 ? ", e.g. a.reshape(1, -1) for one row" : ""));
    }
    Fail(path, got + "vector of N " + t.name + "; save a 1-D array" +
                   (h.shape.size() == 2 ? ", e.g. a.ravel() if the values are right" : ""));
  }
  const std::string what = ShapeText(h.shape) + " " + t.name;
  uint64_t elements = 1;
  bool overflow = false;
  for (uint64_t d : h.shape) {
    if (d == 0 && !options.allow_empty) {
      Fail(path, "empty array (" + what + "); expected every dimension >= 1, save a non-empty " +
                     (rank == 2 ? "matrix" : "vector"));
    }
    overflow |= d != 0 && elements > UINT64_MAX / sizeof(T) / d;
    elements *= d;
  }
  if (overflow) {
    Fail(path, "shape (" + ShapeText(h.shape) + ") is too large to exist (its byte size " +
                   "overflows 64 bits); the header is corrupt");
  }
  const uint64_t bytes = elements * sizeof(T);
  if (bytes > options.max_bytes) {
    Fail(path, what + " is " + std::to_string(bytes) + " bytes, more than the " +
                   std::to_string(options.max_bytes) +
                   "-byte limit; split the array or raise LoadOptions::max_bytes");
  }
  if (rank == 2 && std::max(h.shape[0], h.shape[1]) > static_cast<uint64_t>(INT_MAX)) {
    Fail(path, what + " has a dimension above " + std::to_string(INT_MAX) +
                   ", the largest a Matrix holds; split the array");
  }
  const uint64_t follow = f.size - h.data_offset;
  if (follow < bytes) {
    Fail(path, "truncated: header says " + what + " (" + std::to_string(bytes) + " bytes) but " +
                   std::to_string(follow) +
                   " data bytes follow; the file was cut short, re-save it");
  }
  if (follow > bytes) {
    Fail(path, std::to_string(follow - bytes) + " bytes of trailing data after the " + what +
                   " array (" + std::to_string(bytes) +
                   " bytes); np.save writes nothing after the data (several arrays saved into one "
                   "file?), re-save the array alone with np.save");
  }
  T* dst = alloc(h.shape);
  if (ReadFully(path, f.fd.get(), dst, bytes) < bytes) {
    Fail(path, "truncated: the file shrank while its data was read");
  }
  if (kHostBigEndian) SwapBytes(dst, elements);
}

std::string Folder(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// Removes the temporary file unless it was renamed into place.
struct TempFile {
  std::string name;
  bool renamed = false;
  ~TempFile() {
    if (!renamed && !name.empty()) ::unlink(name.c_str());
  }
};

void WriteAll(int fd, const void* src, uint64_t n, int* err) {
  const auto* p = static_cast<const char*>(src);
  while (n > 0 && *err == 0) {
    const ssize_t w = ::write(fd, p, static_cast<size_t>(std::min<uint64_t>(n, 1u << 30)));
    if (w < 0) {
      if (errno != EINTR) *err = errno;
      continue;
    }
    p += w;
    n -= static_cast<uint64_t>(w);
  }
}

std::string SpaceHint(int e) {
  return (e == ENOSPC || e == EDQUOT || e == EFBIG) ? "; free some space or write elsewhere" : "";
}

template <class T>
void SaveArray(const std::string& path, const std::vector<uint64_t>& shape, const T* data) {
  const DType& t = Traits<T>::kType;
  uint64_t elements = 1;
  for (uint64_t d : shape) elements *= d;

  // The header np.save writes: the dict, spaces, '\n', so that the data starts at a multiple
  // of 64 bytes.
  std::string dims;
  for (uint64_t d : shape) dims += (dims.empty() ? "" : ", ") + std::to_string(d);
  if (shape.size() == 1) dims += ",";
  std::string dict = std::string("{'descr': '") + t.descr +
                     "', 'fortran_order': False, 'shape': (" + dims + "), }";
  const uint64_t unpadded = kMagicLen + 2 + 2 + dict.size() + 1;
  dict.append((kAlign - unpadded % kAlign) % kAlign, ' ');
  dict += '\n';
  std::string header(kMagic, kMagicLen);
  header += '\x01';
  header += '\x00';
  header += static_cast<char>(dict.size() & 0xff);
  header += static_cast<char>(dict.size() >> 8);
  header += dict;

  std::vector<T> swapped;
  if (kHostBigEndian && sizeof(T) > 1) {
    swapped.assign(data, data + elements);
    SwapBytes(swapped.data(), elements);
    data = swapped.data();
  }

  static std::atomic<unsigned> counter{0};
  TempFile tmp;
  Fd fd;
  for (int attempt = 0; attempt < 100 && fd.get() < 0; ++attempt) {
    tmp.name = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
    fd = Fd(::open(tmp.name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666));
    if (fd.get() < 0 && errno != EEXIST) break;
  }
  if (fd.get() < 0) {
    const int e = errno;
    tmp.name.clear();  // not ours to remove
    Fail(path, "cannot create a file in '" + Folder(path) + "': " + ErrnoText(e) +
                   (e == EACCES || e == EPERM || e == EROFS ? "; choose a writable folder"
                    : e == ENOENT                           ? "; create the folder first"
                    : e == ENOTDIR                          ? "; a part of the path is not a folder"
                                                            : SpaceHint(e)));
  }
  int err = 0;
  WriteAll(fd.get(), header.data(), header.size(), &err);
  WriteAll(fd.get(), data, elements * sizeof(T), &err);
  if (err == 0 && ::fsync(fd.get()) != 0) err = errno;
  const int close_err = fd.Close();
  if (err == 0) err = close_err;
  if (err != 0)
    Fail(path, "cannot write: " + ErrnoText(err) + SpaceHint(err) + "; nothing was written");
  if (::rename(tmp.name.c_str(), path.c_str()) != 0) {
    const int e = errno;
    Fail(path, "cannot replace it: " + ErrnoText(e) +
                   (e == EISDIR || e == ENOTEMPTY || e == EEXIST
                        ? "; remove it or choose another file name"
                        : "; nothing was written"));
  }
  tmp.renamed = true;
}

}  // namespace

Header ReadHeader(const std::string& path) { return Open(path).header; }

template <class T>
Matrix<T> LoadMatrix(const std::string& path, const LoadOptions& options) {
  Matrix<T> m;
  Load<T>(path, 2, options, [&m](const std::vector<uint64_t>& shape) {
    m = Matrix<T>(static_cast<int>(shape[0]), static_cast<int>(shape[1]));
    return m.data();
  });
  return m;
}

template <class T>
std::vector<T> LoadVector(const std::string& path, const LoadOptions& options) {
  std::vector<T> v;
  Load<T>(path, 1, options, [&v](const std::vector<uint64_t>& shape) {
    v.resize(static_cast<size_t>(shape[0]));
    return v.data();
  });
  return v;
}

template <class T>
void Save(const std::string& path, const Matrix<T>& m) {
  SaveArray(path, {static_cast<uint64_t>(m.rows()), static_cast<uint64_t>(m.cols())}, m.data());
}

template <class T>
void Save(const std::string& path, const std::vector<T>& v) {
  SaveArray(path, {v.size()}, v.data());
}

#define LUOSHU_NPY_INSTANTIATE(T)                                                \
  template Matrix<T> LoadMatrix<T>(const std::string&, const LoadOptions&);      \
  template std::vector<T> LoadVector<T>(const std::string&, const LoadOptions&); \
  template void Save<T>(const std::string&, const Matrix<T>&);                   \
  template void Save<T>(const std::string&, const std::vector<T>&);
LUOSHU_NPY_INSTANTIATE(int8_t)
LUOSHU_NPY_INSTANTIATE(uint8_t)
LUOSHU_NPY_INSTANTIATE(int16_t)
LUOSHU_NPY_INSTANTIATE(int32_t)
#undef LUOSHU_NPY_INSTANTIATE

}  // namespace luoshu::npy
