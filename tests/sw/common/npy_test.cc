// .npy reader and writer (sw/common/npy.h): round trips of every element type and odd shapes,
// the exact bytes written, every refusal with its message (the malformed files are written
// here byte by byte), and atomic writes that never leave a partial or temporary file. Files
// written and read by NumPy itself: npy_numpy_test.cc.
#include "sw/common/npy.h"

#include <gtest/gtest.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/sw/common/npy_testing.h"

namespace luoshu::npy {
namespace {

namespace fs = std::filesystem;

// A .npy file as bytes: magic, version, little-endian header length, header text, data.
std::string NpyBytes(const std::string& header, const std::string& data = "", int major = 1) {
  std::string s("\x93NUMPY", 6);
  s += static_cast<char>(major);
  s += '\0';
  const size_t n = header.size();
  for (int i = 0; i < (major == 1 ? 2 : 4); ++i) s += static_cast<char>((n >> (8 * i)) & 0xff);
  return s + header + data;
}

// The header dict np.save writes, with one part replaced.
std::string Dict(const std::string& descr, const std::string& shape,
                 const std::string& order = "False") {
  return "{'descr': '" + descr + "', 'fortran_order': " + order + ", 'shape': " + shape + ", }\n";
}

class NpyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "luoshu_npy_test_XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    for (const auto& e : fs::recursive_directory_iterator(dir_, ec)) {
      if (e.is_directory()) fs::permissions(e.path(), fs::perms::owner_all, ec);
    }
    fs::remove_all(dir_, ec);
  }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }
  std::string Write(const std::string& name, const std::string& bytes) const {
    std::ofstream(Path(name), std::ios::binary) << bytes;
    return Path(name);
  }
  std::string Read(const std::string& name) const {
    std::ifstream in(Path(name), std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  // The names in a folder (to prove no temporary file is left behind).
  static std::vector<std::string> Listing(const std::string& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }
  // `data` as a valid int8 file's refusal message when read with `load`.
  std::string Refusal(const std::string& name, const std::string& bytes) {
    const std::string path = Write(name, bytes);
    return ErrorOf([&] { LoadMatrix<int8_t>(path); });
  }

  std::string dir_;
};

template <class T>
class NpyRoundTripTest : public NpyTest {};
using ElementTypes = ::testing::Types<int8_t, uint8_t, int16_t, int32_t>;
TYPED_TEST_SUITE(NpyRoundTripTest, ElementTypes);

TYPED_TEST(NpyRoundTripTest, MatricesOfOddShapes) {
  for (auto [rows, cols] : std::vector<std::pair<int, int>>{
           {1, 1}, {1, 7}, {7, 1}, {1, 64}, {64, 1}, {3, 5}, {397, 64}}) {
    SCOPED_TRACE(std::to_string(rows) + " x " + std::to_string(cols));
    const auto m = PatternMatrix<TypeParam>(rows, cols);
    const std::string path = this->Path("m.npy");
    Save(path, m);
    const auto back = LoadMatrix<TypeParam>(path);
    EXPECT_EQ(back.rows(), rows);
    EXPECT_EQ(back.cols(), cols);
    EXPECT_TRUE(back == m);
  }
  EXPECT_EQ(this->Listing(this->dir_), std::vector<std::string>{"m.npy"});
}

TYPED_TEST(NpyRoundTripTest, Vectors) {
  for (int n : {1, 2, 63, 64, 65, 1000}) {
    SCOPED_TRACE(n);
    const auto v = PatternVector<TypeParam>(n);
    Save(this->Path("v.npy"), v);
    EXPECT_EQ(LoadVector<TypeParam>(this->Path("v.npy")), v);
  }
}

TYPED_TEST(NpyRoundTripTest, ExtremeValues) {
  using L = std::numeric_limits<TypeParam>;
  const std::vector<TypeParam> v = {L::min(), L::max(), 0, static_cast<TypeParam>(-1), 1};
  Save(this->Path("v.npy"), v);
  EXPECT_EQ(LoadVector<TypeParam>(this->Path("v.npy")), v);
}

TEST_F(NpyTest, WritesTheBytesNpSaveWrites) {
  Matrix<int32_t> m(3, 4);
  for (int i = 0; i < 12; ++i) m.data()[i] = i == 5 ? -2 : i * 0x01020304;
  Save(Path("m.npy"), m);
  const std::string dict = "{'descr': '<i4', 'fortran_order': False, 'shape': (3, 4), }";
  const std::string header = dict + std::string(128 - 10 - dict.size() - 1, ' ') + "\n";
  std::string data;
  for (int i = 0; i < 12; ++i) {
    const uint32_t v = static_cast<uint32_t>(m.data()[i]);
    for (int b = 0; b < 4; ++b) data += static_cast<char>((v >> (8 * b)) & 0xff);
  }
  EXPECT_EQ(Read("m.npy"), NpyBytes(header, data));

  Save(Path("v.npy"), std::vector<int8_t>{1, -1});
  const std::string vdict = "{'descr': '|i1', 'fortran_order': False, 'shape': (2,), }";
  EXPECT_EQ(Read("v.npy"),
            NpyBytes(vdict + std::string(128 - 10 - vdict.size() - 1, ' ') + "\n", "\x01\xff"));
  const Header h = ReadHeader(Path("v.npy"));
  EXPECT_EQ(h.major_version, 1);
  EXPECT_EQ(h.descr, "|i1");
  EXPECT_FALSE(h.fortran_order);
  EXPECT_EQ(h.shape, std::vector<uint64_t>{2});
  EXPECT_EQ(h.data_offset, 128u);
}

TEST_F(NpyTest, HeaderIsPaddedTo64BytesForLargeShapes) {
  Save(Path("m.npy"), Matrix<int16_t>(1000000, 1));
  EXPECT_EQ(ReadHeader(Path("m.npy")).data_offset % 64, 0u);
  EXPECT_EQ(Read("m.npy")[ReadHeader(Path("m.npy")).data_offset - 1], '\n');
}

TEST_F(NpyTest, ReadsVersions2And3AndAnyWhitespaceAndKeyOrder) {
  const std::string data = "\x01\x02\x03\x04\x05\x06";
  const std::vector<std::string> headers = {
      "{'descr': '|i1', 'fortran_order': False, 'shape': (2, 3), }",
      "{'shape':(2,3),'fortran_order':False,'descr':'|i1'}",
      "{\"descr\": \"<i1\", \"fortran_order\": False, \"shape\": (2, 3,)}",
      " \t{ 'fortran_order' : False ,\n 'shape' : ( 2 , 3 ) , 'descr' : '|i1' , } \n   ",
  };
  for (int major : {1, 2, 3}) {
    for (const auto& h : headers) {
      SCOPED_TRACE("version " + std::to_string(major) + ": " + h);
      Write("a.npy", NpyBytes(h, data, major));
      const auto m = LoadMatrix<int8_t>(Path("a.npy"));
      ASSERT_EQ(m.rows(), 2);
      ASSERT_EQ(m.cols(), 3);
      EXPECT_EQ(m.at(1, 2), 6);
      EXPECT_EQ(ReadHeader(Path("a.npy")).major_version, major);
    }
  }
}

TEST_F(NpyTest, EmptyArraysAreRefusedUnlessAllowed) {
  Save(Path("m.npy"), Matrix<int8_t>(0, 3));
  EXPECT_EQ(ErrorOf([&] { LoadMatrix<int8_t>(Path("m.npy")); }),
            Path("m.npy") +
                ": empty array (0 x 3 int8); expected every dimension >= 1, save a non-empty "
                "matrix");
  LoadOptions allow;
  allow.allow_empty = true;
  const auto m = LoadMatrix<int8_t>(Path("m.npy"), allow);
  EXPECT_EQ(m.rows(), 0);
  EXPECT_EQ(m.cols(), 3);

  Save(Path("v.npy"), std::vector<int32_t>{});
  EXPECT_EQ(ErrorOf([&] { LoadVector<int32_t>(Path("v.npy")); }),
            Path("v.npy") +
                ": empty array (0 int32); expected every dimension >= 1, save a non-empty vector");
  EXPECT_TRUE(LoadVector<int32_t>(Path("v.npy"), allow).empty());
}

TEST_F(NpyTest, RefusesOtherDtypesSayingHowToConvert) {
  const auto refusal = [&](const std::string& descr, bool int32) {
    const std::string path = Write("A.npy", NpyBytes(Dict(descr, "(2,)"), "12345678"));
    return ErrorOf([&] {
      if (int32) {
        LoadVector<int32_t>(path);
      } else {
        LoadVector<int8_t>(path);
      }
    });
  };
  const std::string p = Path("A.npy") + ": ";
  EXPECT_EQ(refusal("<f4", false),
            p + "dtype '<f4' (float32), expected int8 ('|i1'); convert with a.astype(np.int8)");
  EXPECT_EQ(refusal(">i4", true),
            p + "dtype '>i4' (big-endian int32), expected int32 ('<i4'); convert with "
                "a.astype('<i4')");
  EXPECT_EQ(refusal("|i4", true),
            p + "dtype '|i4' (int32 in byte order '|', not little-endian), expected int32 "
                "('<i4'); convert with a.astype('<i4')");
  EXPECT_EQ(refusal("|i1", true),
            p + "dtype '|i1' (int8), expected int32 ('<i4'); convert with a.astype(np.int32)");
  EXPECT_EQ(refusal("<i4", false),
            p + "dtype '<i4' (int32), expected int8 ('|i1'); convert with a.astype(np.int8)");
  EXPECT_EQ(refusal("|u1", false),
            p + "dtype '|u1' (uint8), expected int8 ('|i1'); convert with a.astype(np.int8)");
  EXPECT_EQ(refusal("<i8", true),
            p + "dtype '<i8' (int64), expected int32 ('<i4'); convert with a.astype(np.int32)");
  EXPECT_EQ(refusal("|b1", false),
            p + "dtype '|b1' (bool), expected int8 ('|i1'); convert with a.astype(np.int8)");
  EXPECT_EQ(refusal("|O", true), p + "dtype '|O' (Python objects), expected int32 ('<i4'); "
                                     "convert with a.astype(np.int32)");
  EXPECT_EQ(refusal("<f8", true),
            p + "dtype '<f8' (float64), expected int32 ('<i4'); convert with a.astype(np.int32)");

  Write("A.npy", NpyBytes("{'descr': [('a', '<i4'), ('b', '|i1')], 'fortran_order': False, "
                          "'shape': (2,), }",
                          "0123456789"));
  EXPECT_EQ(ErrorOf([&] { LoadVector<int32_t>(Path("A.npy")); }),
            p + "structured dtype [('a', '<i4'), ('b', '|i1')], expected int32 ('<i4'); save "
                "one field as a plain array, e.g. a['name'].astype(np.int32)");
}

TEST_F(NpyTest, RefusesFortranOrder) {
  Write("B.npy", NpyBytes(Dict("|i1", "(2, 3)", "True"), "123456"));
  EXPECT_EQ(ErrorOf([&] { LoadMatrix<int8_t>(Path("B.npy")); }),
            Path("B.npy") + ": Fortran-order array; save with np.ascontiguousarray(a)");
}

TEST_F(NpyTest, RefusesTheWrongRank) {
  Write("bias.npy", NpyBytes(Dict("<i4", "(3, 4)"), std::string(48, '\0')));
  EXPECT_EQ(ErrorOf([&] { LoadVector<int32_t>(Path("bias.npy")); }),
            Path("bias.npy") +
                ": rank 2 (3 x 4), expected a vector of N int32; save a 1-D array, e.g. "
                "a.ravel() if the values are right");
  Write("A.npy", NpyBytes(Dict("|i1", "(5,)"), "12345"));
  EXPECT_EQ(ErrorOf([&] { LoadMatrix<int8_t>(Path("A.npy")); }),
            Path("A.npy") +
                ": rank 1 (5), expected a matrix (rows x cols) of int8; save a 2-D array, e.g. "
                "a.reshape(1, -1) for one row");
  Write("A.npy", NpyBytes(Dict("|i1", "()"), "1"));
  EXPECT_EQ(ErrorOf([&] { LoadMatrix<int8_t>(Path("A.npy")); }),
            Path("A.npy") +
                ": rank 0 (a scalar), expected a matrix (rows x cols) of int8; save a 2-D array");
  Write("A.npy", NpyBytes(Dict("|i1", "(1, 2, 3)"), "123456"));
  EXPECT_EQ(ErrorOf([&] { LoadVector<int8_t>(Path("A.npy")); }),
            Path("A.npy") + ": rank 3 (1 x 2 x 3), expected a vector of N int8; save a 1-D array");
}

TEST_F(NpyTest, RefusesShapeFieldsThatAreNotNonNegativeIntegers) {
  const std::string tail =
      "; the file is corrupt or not written by np.save, re-save it with np.save";
  const auto refusal = [&](const std::string& shape) {
    return Refusal("A.npy", NpyBytes(Dict("|i1", shape), "123456"));
  };
  const auto expect = [&](const std::string& what, const std::string& shape) {
    return Path("A.npy") + ": malformed header: " + what +
           " in \"{'descr': '|i1', 'fortran_order': False, 'shape': " + shape + ", }\"" + tail;
  };
  EXPECT_EQ(refusal("(-2, 3)"),
            expect("shape field '-2' is not a non-negative integer", "(-2, 3)"));
  EXPECT_EQ(refusal("(2.0, 3)"),
            expect("shape field '2.0' is not a non-negative integer", "(2.0, 3)"));
  EXPECT_EQ(refusal("(2, 'x')"),
            expect("expected a dimension or ')' in 'shape', found ''' at offset 54", "(2, 'x')"));
  EXPECT_EQ(refusal("(2, None)"),
            expect("shape field 'None' is not a non-negative integer", "(2, None)"));
  EXPECT_EQ(refusal("(2,, 3)"),
            expect("expected a dimension or ')' in 'shape', found ',' at offset 53", "(2,, 3)"));
  EXPECT_EQ(refusal("(99999999999999999999, 3)"),
            expect("shape field '99999999999999999999' is too large", "(99999999999999999999, 3)"));
  EXPECT_EQ(
      refusal("[2, 3]"),
      expect("expected a tuple such as (3, 4) for 'shape', found '[' at offset 50", "[2, 3]"));
  EXPECT_EQ(refusal("(6)"),
            expect("'shape' (6) is not a tuple (a 1-D shape is written (6,))", "(6)"));
  EXPECT_EQ(refusal("(2 3)"),
            expect("expected ',' or ')' in 'shape', found '3' at offset 53", "(2 3)"));
}

TEST_F(NpyTest, RefusesShapesWhoseSizeOverflowsOrExceedsTheCap) {
  Write("A.npy", NpyBytes(Dict("<i4", "(4294967296, 1073741824)")));
  EXPECT_EQ(ErrorOf([&] { LoadMatrix<int32_t>(Path("A.npy")); }),
            Path("A.npy") +
                ": shape (4294967296 x 1073741824) is too large to exist (its byte size overflows "
                "64 bits); the header is corrupt");
  Write("A.npy", NpyBytes(Dict("<i4", "(100000, 100000)")));
  EXPECT_EQ(ErrorOf([&] { LoadMatrix<int32_t>(Path("A.npy")); }),
            Path("A.npy") +
                ": 100000 x 100000 int32 is 40000000000 bytes, more than the 1073741824-byte "
                "limit; split the array or raise LoadOptions::max_bytes");
  // The cap is an option: a small one refuses a small file, the default reads it.
  Save(Path("B.npy"), PatternMatrix<int8_t>(4, 4));
  LoadOptions tight;
  tight.max_bytes = 15;
  EXPECT_EQ(ErrorOf([&] { LoadMatrix<int8_t>(Path("B.npy"), tight); }),
            Path("B.npy") +
                ": 4 x 4 int8 is 16 bytes, more than the 15-byte limit; split the array or raise "
                "LoadOptions::max_bytes");
  EXPECT_TRUE(LoadMatrix<int8_t>(Path("B.npy")) == PatternMatrix<int8_t>(4, 4));
  // Rows beyond what a Matrix (int dimensions) holds.
  LoadOptions huge;
  huge.max_bytes = UINT64_MAX;
  Write("A.npy", NpyBytes(Dict("|i1", "(1, 2147483648)")));
  EXPECT_EQ(ErrorOf([&] { LoadMatrix<int8_t>(Path("A.npy"), huge); }),
            Path("A.npy") +
                ": 1 x 2147483648 int8 has a dimension above 2147483647, the largest a Matrix "
                "holds; split the array");
}

TEST_F(NpyTest, RefusesTruncatedData) {
  Write("A.npy", NpyBytes(Dict("|i1", "(64, 32)"), std::string(100, '\x01')));
  EXPECT_EQ(ErrorOf([&] { LoadMatrix<int8_t>(Path("A.npy")); }),
            Path("A.npy") +
                ": truncated: header says 64 x 32 int8 (2048 bytes) but 100 data bytes follow; "
                "the file was cut short, re-save it");
  Write("v.npy", NpyBytes(Dict("<i4", "(5,)"), std::string(19, '\x01')));
  EXPECT_EQ(ErrorOf([&] { LoadVector<int32_t>(Path("v.npy")); }),
            Path("v.npy") +
                ": truncated: header says 5 int32 (20 bytes) but 19 data bytes follow; the file "
                "was cut short, re-save it");
  // Cut inside the header and inside the preamble.
  const std::string whole = NpyBytes(Dict("|i1", "(2, 2)"), "1234");
  EXPECT_EQ(Refusal("A.npy", whole.substr(0, 30)),
            Path("A.npy") +
                ": truncated: the header is 60 bytes but only 20 bytes follow the preamble; the "
                "file was cut short, re-save it");
  EXPECT_EQ(Refusal("A.npy", whole.substr(0, 9)),
            Path("A.npy") +
                ": truncated: the file ends inside the .npy preamble; re-save it with np.save");
}

TEST_F(NpyTest, RefusesTrailingData) {
  Write("A.npy", NpyBytes(Dict("|i1", "(2, 2)"), "1234567"));
  EXPECT_EQ(ErrorOf([&] { LoadMatrix<int8_t>(Path("A.npy")); }),
            Path("A.npy") +
                ": 3 bytes of trailing data after the 2 x 2 int8 array (4 bytes); np.save writes "
                "nothing after the data (several arrays saved into one file?), re-save the array "
                "alone with np.save");
}

TEST_F(NpyTest, RefusesMalformedHeaderDicts) {
  const std::string tail =
      "; the file is corrupt or not written by np.save, re-save it with np.save";
  const auto refusal = [&](const std::string& dict) {
    return Refusal("A.npy", NpyBytes(dict + "\n", "1234"));
  };
  const auto expect = [&](const std::string& what, const std::string& dict) {
    return Path("A.npy") + ": malformed header: " + what + " in \"" + dict + "\"" + tail;
  };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{'descr': '|i1', 'fortran_order': False}", "missing key 'shape'"},
      {"{'fortran_order': False, 'shape': (2, 2)}", "missing key 'descr'"},
      {"{'descr': '|i1', 'shape': (2, 2)}", "missing key 'fortran_order'"},
      {"{'descr': '|i1', 'descr': '|i1', 'fortran_order': False, 'shape': (2, 2)}",
       "key 'descr' appears twice"},
      {"{'descr': '|i1', 'fortran_order': False, 'shape': (2, 2), 'x': 1}",
       "unexpected key 'x' (np.save writes only 'descr', 'fortran_order' and 'shape')"},
      {"'descr': '|i1', 'fortran_order': False, 'shape': (2, 2)",
       "expected the header must be a dict, found ''' at offset 0"},
      {"{'descr': '|i1', 'fortran_order': False, 'shape': (2, 2)",
       "expected ',' or '}' after a value, found the end of the header"},
      {"{'descr': '|i1' 'fortran_order': False, 'shape': (2, 2)}",
       "expected ',' or '}' after a value, found ''' at offset 16"},
      {"{'descr': '|i1', 'fortran_order': 0, 'shape': (2, 2)}",
       "'fortran_order' must be True or False, found '0' at offset 34"},
      {"{'descr': '|i1', 'fortran_order': Falsey, 'shape': (2, 2)}",
       "'fortran_order' must be True or False, found 'F' at offset 34"},
      {"{'descr': '|i1, 'fortran_order': False, 'shape': (2, 2)}",
       "expected ',' or '}' after a value, found 'f' at offset 17"},
      {"{'descr': '|i1', 'fortran_order': False, 'shape': (2, 2)} x",
       "unexpected text after the closing '}'"},
      {"{descr: '|i1', 'fortran_order': False, 'shape': (2, 2)}",
       "expected a quoted key or '}', found 'd' at offset 1"},
      {"{'descr': <i1, 'fortran_order': False, 'shape': (2, 2)}",
       "expected a dtype string such as '<i4', found '<' at offset 10"},
      {"{'descr': '|i1', 'fortran_order': False, 'shape': (2, 2), 'x", "unterminated string"},
      {"{'descr': 'a\\b', 'fortran_order': False, 'shape': (2, 2)}",
       "escape sequences in strings are not supported (offset 12)"},
      {"{'descr': [('a', '<i4'), 'fortran_order': False, 'shape': (2, 2)}", "unterminated list"},
      {"", "expected the header must be a dict, found the end of the header"},
  };
  for (const auto& [dict, what] : cases) {
    SCOPED_TRACE(dict);
    EXPECT_EQ(refusal(dict), expect(what, dict));
  }
  // Control characters are shown as '?', long headers are cut.
  EXPECT_EQ(refusal(std::string("{'descr'\0", 9)),
            expect("expected ':' after a key, found '?' at offset 8", "{'descr'?"));
  const std::string long_key = "{'" + std::string(300, 'k') + "': 1}";
  EXPECT_EQ(refusal(long_key), expect("unexpected key '" + std::string(40, 'k') +
                                          "...' (np.save writes only 'descr', 'fortran_order' "
                                          "and 'shape')",
                                      long_key.substr(0, 160) + "..."));
}

TEST_F(NpyTest, RefusesFilesThatAreNotNpy) {
  const std::string p = Path("x.npy") + ": ";
  EXPECT_EQ(Refusal("x.npy", "hello, world, this is text"),
            p + "not a .npy file (bad magic); expected a file written by np.save");
  EXPECT_EQ(Refusal("x.npy", ""),
            p + "not a .npy file (bad magic, the file is only 0 bytes); expected a file written "
                "by np.save");
  EXPECT_EQ(Refusal("x.npy", std::string("PK\x03\x04rest of a zip", 18)),
            p + "not a .npy file (bad magic: a zip archive, perhaps an .npz); extract the array "
                "with np.load(f)['name'] and save it with np.save");
  for (const auto& [major, minor] : std::vector<std::pair<int, int>>{{0, 0}, {1, 1}, {4, 0}}) {
    std::string bytes = NpyBytes(Dict("|i1", "(2, 2)"), "1234");
    bytes[6] = static_cast<char>(major);
    bytes[7] = static_cast<char>(minor);
    EXPECT_EQ(Refusal("x.npy", bytes),
              p + "unsupported .npy format version " + std::to_string(major) + "." +
                  std::to_string(minor) +
                  "; this reader takes 1.0, 2.0 and 3.0, re-save it with np.save");
  }
  std::string huge = NpyBytes(Dict("|i1", "(2, 2)"), "1234", 2);
  huge[11] = '\x7f';  // header length 0x7f00003c
  EXPECT_EQ(Refusal("x.npy", huge),
            p + "header length 2130706492 bytes is implausible (over 65536); the file is "
                "corrupt, re-save it");
}

TEST_F(NpyTest, ReportsFilesThatCannotBeOpened) {
  EXPECT_EQ(ErrorOf([&] { LoadMatrix<int8_t>(Path("missing.npy")); }),
            Path("missing.npy") + ": cannot open: No such file or directory; check the path");
  EXPECT_EQ(ErrorOf([&] { LoadVector<int32_t>(dir_); }),
            dir_ + ": is a directory, not a .npy file; pass the file's path");
  EXPECT_EQ(ErrorOf([&] { ReadHeader("/dev/null"); }),
            "/dev/null: not a regular file; pass a .npy file written by np.save");
}

TEST_F(NpyTest, SaveReplacesAnExistingFileAndLeavesNoTemporary) {
  Save(Path("A.npy"), PatternMatrix<int8_t>(3, 3));
  Save(Path("A.npy"), PatternMatrix<int8_t>(2, 5));
  EXPECT_TRUE(LoadMatrix<int8_t>(Path("A.npy")) == PatternMatrix<int8_t>(2, 5));
  EXPECT_EQ(Listing(dir_), std::vector<std::string>{"A.npy"});
}

TEST_F(NpyTest, SaveIntoAMissingFolderThrowsAndLeavesNothing) {
  EXPECT_EQ(ErrorOf([&] { Save(Path("no/such/A.npy"), PatternMatrix<int8_t>(2, 2)); }),
            Path("no/such/A.npy") + ": cannot create a file in '" + Path("no/such") +
                "': No such file or directory; create the folder first");
  Write("file", "x");
  EXPECT_EQ(ErrorOf([&] { Save(Path("file/A.npy"), PatternVector<int32_t>(3)); }),
            Path("file/A.npy") + ": cannot create a file in '" + Path("file") +
                "': Not a directory; a part of the path is not a folder");
  EXPECT_EQ(Listing(dir_), std::vector<std::string>{"file"});
}

TEST_F(NpyTest, SaveOntoADirectoryThrowsAndLeavesNoTemporary) {
  fs::create_directory(Path("A.npy"));
  EXPECT_EQ(ErrorOf([&] { Save(Path("A.npy"), PatternMatrix<int8_t>(2, 2)); }),
            Path("A.npy") +
                ": cannot replace it: Is a directory; remove it or choose another "
                "file name");
  EXPECT_EQ(Listing(dir_), std::vector<std::string>{"A.npy"});
  EXPECT_TRUE(fs::is_directory(Path("A.npy")));
  EXPECT_TRUE(fs::is_empty(Path("A.npy")));
}

// Permissions do not stop root, so as root the save runs in a child process as user nobody.
TEST_F(NpyTest, SaveIntoAnUnwritableFolderThrowsAndLeavesNothing) {
  fs::create_directory(Path("ro"));
  Save(Path("ro/A.npy"), PatternMatrix<int8_t>(1, 1));
  fs::permissions(dir_, fs::perms::owner_all | fs::perms::others_exec | fs::perms::group_exec);
  fs::permissions(Path("ro"), fs::perms::owner_read | fs::perms::owner_exec |
                                  fs::perms::others_read | fs::perms::others_exec);
  const std::string path = Path("ro/A.npy");
  EXPECT_EXIT(
      {
        if (::geteuid() == 0) {
          const struct passwd* nobody = ::getpwnam("nobody");
          if (nobody == nullptr || ::setgid(nobody->pw_gid) != 0 || ::setuid(nobody->pw_uid) != 0) {
            std::fprintf(stderr, "cannot become user nobody\n");
            std::_Exit(2);
          }
        }
        std::fprintf(stderr, "%s\n",
                     ErrorOf([&] { Save(path, PatternMatrix<int8_t>(4, 4)); }).c_str());
        std::_Exit(0);
      },
      ::testing::ExitedWithCode(0),
      "ro/A.npy: cannot create a file in '.*/ro': Permission denied; choose a writable folder");
  EXPECT_EQ(Listing(Path("ro")), std::vector<std::string>{"A.npy"});
  EXPECT_TRUE(LoadMatrix<int8_t>(path) == PatternMatrix<int8_t>(1, 1));
}

// A write that fails half way (here: the file size limit) leaves the old file as it was.
TEST_F(NpyTest, FailedWriteLeavesTheOldFileAndNoTemporary) {
  Save(Path("A.npy"), PatternMatrix<int32_t>(2, 2));
  struct rlimit old_limit;
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  auto* old_handler = ::signal(SIGXFSZ, SIG_IGN);
  struct rlimit limit = old_limit;
  limit.rlim_cur = 4096;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &limit), 0);
  const std::string message =
      ErrorOf([&] { Save(Path("A.npy"), PatternMatrix<int32_t>(397, 64)); });
  ::setrlimit(RLIMIT_FSIZE, &old_limit);
  ::signal(SIGXFSZ, old_handler);
  EXPECT_EQ(message, Path("A.npy") +
                         ": cannot write: File too large; free some space or write elsewhere; "
                         "nothing was written");
  EXPECT_EQ(Listing(dir_), std::vector<std::string>{"A.npy"});
  EXPECT_TRUE(LoadMatrix<int32_t>(Path("A.npy")) == PatternMatrix<int32_t>(2, 2));
}

}  // namespace
}  // namespace luoshu::npy
