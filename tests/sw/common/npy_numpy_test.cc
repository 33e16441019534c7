// .npy files and NumPy itself: the files tests/sw/common/npy_numpy_files.py wrote with np.save
// (CTest fixture npy_numpy.write_files) are read here, contents and refusals checked; and the
// files written here are checked by the same script with np.load (npy_numpy.check_cpp_files).
// The folder comes from LUOSHU_NPY_NUMPY_DIR, which CTest sets.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "sw/common/npy.h"
#include "tests/sw/common/npy_testing.h"

namespace luoshu::npy {
namespace {

class NpyNumpyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* dir = std::getenv("LUOSHU_NPY_NUMPY_DIR");
    ASSERT_NE(dir, nullptr) << "LUOSHU_NPY_NUMPY_DIR is not set: run these tests through ctest "
                               "(ctest -R Npy), whose fixture writes the NumPy files first";
    dir_ = dir;
  }
  std::string NumPy(const std::string& name) const { return dir_ + "/numpy/" + name; }
  std::string FromCpp(const std::string& name) const { return dir_ + "/from_cpp/" + name; }
  std::string dir_;
};

TEST_F(NpyNumpyTest, ReadsMatricesNumPyWrote) {
  EXPECT_TRUE(LoadMatrix<int8_t>(NumPy("i8_5x7.npy")) == PatternMatrix<int8_t>(5, 7));
  EXPECT_TRUE(LoadMatrix<int8_t>(NumPy("i8_1x1.npy")) == PatternMatrix<int8_t>(1, 1));
  EXPECT_TRUE(LoadMatrix<int32_t>(NumPy("i32_1x9.npy")) == PatternMatrix<int32_t>(1, 9));
  EXPECT_TRUE(LoadMatrix<int32_t>(NumPy("i32_9x1.npy")) == PatternMatrix<int32_t>(9, 1));
  EXPECT_TRUE(LoadMatrix<int32_t>(NumPy("i32_397x64.npy")) == PatternMatrix<int32_t>(397, 64));
  EXPECT_TRUE(LoadMatrix<uint8_t>(NumPy("u8_3x4.npy")) == PatternMatrix<uint8_t>(3, 4));
}

TEST_F(NpyNumpyTest, ReadsVectorsNumPyWrote) {
  EXPECT_EQ(LoadVector<int8_t>(NumPy("i8_vec13.npy")), PatternVector<int8_t>(13));
  EXPECT_EQ(LoadVector<int16_t>(NumPy("i16_vec9.npy")), PatternVector<int16_t>(9));
  EXPECT_EQ(LoadVector<int32_t>(NumPy("i32_vec6.npy")), PatternVector<int32_t>(6));
}

TEST_F(NpyNumpyTest, ReadsFormatVersions2And3) {
  for (const char* name : {"i32_v2_3x4.npy", "i32_v3_3x4.npy"}) {
    SCOPED_TRACE(name);
    EXPECT_TRUE(LoadMatrix<int32_t>(NumPy(name)) == PatternMatrix<int32_t>(3, 4));
    EXPECT_EQ(ReadHeader(NumPy(name)).major_version, name[5] - '0');
  }
}

TEST_F(NpyNumpyTest, RefusesWhatNumPyWroteThatIsNotAsked) {
  const auto p = [&](const std::string& name) { return NumPy(name) + ": "; };
  EXPECT_EQ(ErrorOf([&] { LoadMatrix<int8_t>(NumPy("i8_fortran_3x4.npy")); }),
            p("i8_fortran_3x4.npy") + "Fortran-order array; save with np.ascontiguousarray(a)");
  // np.save(a.T) keeps the transpose's Fortran order.
  EXPECT_EQ(ErrorOf([&] { LoadMatrix<int8_t>(NumPy("i8_transposed_4x3.npy")); }),
            p("i8_transposed_4x3.npy") + "Fortran-order array; save with np.ascontiguousarray(a)");
  EXPECT_EQ(ErrorOf([&] { LoadMatrix<int8_t>(NumPy("f32_2x2.npy")); }),
            p("f32_2x2.npy") +
                "dtype '<f4' (float32), expected int8 ('|i1'); convert with a.astype(np.int8)");
  EXPECT_EQ(ErrorOf([&] { LoadVector<int32_t>(NumPy("i32_bigendian_vec6.npy")); }),
            p("i32_bigendian_vec6.npy") +
                "dtype '>i4' (big-endian int32), expected int32 ('<i4'); convert with "
                "a.astype('<i4')");
  EXPECT_EQ(ErrorOf([&] { LoadVector<int32_t>(NumPy("i64_vec4.npy")); }),
            p("i64_vec4.npy") +
                "dtype '<i8' (int64), expected int32 ('<i4'); convert with a.astype(np.int32)");
  EXPECT_EQ(ErrorOf([&] { LoadVector<int8_t>(NumPy("bool_vec3.npy")); }),
            p("bool_vec3.npy") +
                "dtype '|b1' (bool), expected int8 ('|i1'); convert with a.astype(np.int8)");
  EXPECT_EQ(ErrorOf([&] { LoadVector<int32_t>(NumPy("object_vec2.npy")); }),
            p("object_vec2.npy") +
                "dtype '|O' (Python objects), expected int32 ('<i4'); convert with "
                "a.astype(np.int32)");
  EXPECT_EQ(ErrorOf([&] { LoadVector<int32_t>(NumPy("struct_vec3.npy")); }),
            p("struct_vec3.npy") +
                "structured dtype [('a', '<i4'), ('b', '|i1')], expected int32 ('<i4'); save one "
                "field as a plain array, e.g. a['name'].astype(np.int32)");
  EXPECT_EQ(ErrorOf([&] { LoadMatrix<int8_t>(NumPy("i8_0x4.npy")); }),
            p("i8_0x4.npy") +
                "empty array (0 x 4 int8); expected every dimension >= 1, save a non-empty matrix");
  EXPECT_EQ(ErrorOf([&] { LoadMatrix<int32_t>(NumPy("i32_2x3x4.npy")); }),
            p("i32_2x3x4.npy") +
                "rank 3 (2 x 3 x 4), expected a matrix (rows x cols) of int32; save a 2-D array");
  EXPECT_EQ(
      ErrorOf([&] { LoadVector<int32_t>(NumPy("i32_scalar.npy")); }),
      p("i32_scalar.npy") + "rank 0 (a scalar), expected a vector of N int32; save a 1-D array");
  EXPECT_EQ(ErrorOf([&] { LoadVector<int32_t>(NumPy("i32_397x64.npy")); }),
            p("i32_397x64.npy") +
                "rank 2 (397 x 64), expected a vector of N int32; save a 1-D array, e.g. "
                "a.ravel() if the values are right");
  EXPECT_EQ(ErrorOf([&] { LoadMatrix<int8_t>(NumPy("i8_two_arrays.npy")); }),
            p("i8_two_arrays.npy") +
                "132 bytes of trailing data after the 2 x 2 int8 array (4 bytes); np.save writes "
                "nothing after the data (several arrays saved into one file?), re-save the array "
                "alone with np.save");
}

// Checked by npy_numpy_files.py --check (its FROM_CPP list names the same files).
TEST_F(NpyNumpyTest, WritesFilesNumPyLoads) {
  Save(FromCpp("i8_5x7.npy"), PatternMatrix<int8_t>(5, 7));
  Save(FromCpp("i8_1x1.npy"), PatternMatrix<int8_t>(1, 1));
  Save(FromCpp("i8_1x64.npy"), PatternMatrix<int8_t>(1, 64));
  Save(FromCpp("i8_64x1.npy"), PatternMatrix<int8_t>(64, 1));
  Save(FromCpp("i32_397x64.npy"), PatternMatrix<int32_t>(397, 64));
  Save(FromCpp("u8_3x4.npy"), PatternMatrix<uint8_t>(3, 4));
  Save(FromCpp("i16_2x5.npy"), PatternMatrix<int16_t>(2, 5));
  Save(FromCpp("i16_vec9.npy"), PatternVector<int16_t>(9));
  Save(FromCpp("i8_vec13.npy"), PatternVector<int8_t>(13));
  Save(FromCpp("i32_vec6.npy"), PatternVector<int32_t>(6));
  Save(FromCpp("i32_0x3.npy"), Matrix<int32_t>(0, 3));
  Save(FromCpp("i8_vec0.npy"), std::vector<int8_t>{});
}

}  // namespace
}  // namespace luoshu::npy
