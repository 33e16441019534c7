// Device memory: little-endian words, bounds checks that say where and what.
#include "sw/model/memory.h"

#include <gtest/gtest.h>

#include <string>

namespace luoshu::model {
namespace {

TEST(DeviceMemoryTest, LittleEndianWordsAndBytes) {
  DeviceMemory mem(0x1000, 64);
  mem.Write32(0x1004, 0x11223344u);
  EXPECT_EQ(mem.Read8(0x1004), 0x44);
  EXPECT_EQ(mem.Read8(0x1007), 0x11);
  EXPECT_EQ(mem.Read32(0x1004), 0x11223344u);
  const uint32_t words[2] = {1, 0xdeadbeef};
  mem.WriteWords(0x1038, words, 2);
  uint32_t back[2];
  mem.ReadWords(0x1038, back, 2);
  EXPECT_EQ(back[1], 0xdeadbeefu);
  mem.Fill(0x1000, 4, 0xab);
  EXPECT_EQ(mem.Read32(0x1000), 0xababababu);
}

TEST(DeviceMemoryTest, OutOfBoundsAccessThrowsWithTheRange) {
  DeviceMemory mem(0x1000, 64);
  EXPECT_TRUE(mem.Contains(0x1000, 64));
  EXPECT_FALSE(mem.Contains(0x1000, 65));
  EXPECT_FALSE(mem.Contains(0xfff, 1));
  EXPECT_TRUE(mem.Contains(0x5000, 0));
  try {
    mem.Read32(0x103e);
    ADD_FAILURE() << "no exception";
  } catch (const MemoryError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("0x103e"), std::string::npos) << what;
    EXPECT_NE(what.find("[0x1000, 0x1040)"), std::string::npos) << what;
  }
  EXPECT_THROW(mem.Write8(0x1040, 0), MemoryError);
  EXPECT_THROW(DeviceMemory(0, 0), std::invalid_argument);
  EXPECT_THROW(DeviceMemory(0xffffff00u, 0x200), std::invalid_argument);
}

// A supernode image: other chips' memories as more regions; an access may not span two.
TEST(DeviceMemoryTest, RegionsOfOtherChipsServeEveryAccess) {
  DeviceMemory mem(0x0, 0x100);
  mem.AddRegion(0x20000000, 0x100);
  mem.AddRegion(0x40000000, 0x40);
  mem.Write32(0x200000fc, 0xcafef00du);
  EXPECT_EQ(mem.Read32(0x200000fc), 0xcafef00du);
  EXPECT_EQ(mem.Read8(0x40000000), 0);
  EXPECT_TRUE(mem.Contains(0x40000000, 0x40));
  EXPECT_FALSE(mem.Contains(0x40000000, 0x41));
  EXPECT_FALSE(mem.Contains(0xfc, 8));  // the end of one region is no start of the next
  EXPECT_EQ(mem.base(), 0u);            // base and size stay the first range's
  EXPECT_EQ(mem.size(), 0x100u);
  EXPECT_THROW(mem.Read32(0x20000100), MemoryError);
  EXPECT_THROW(mem.AddRegion(0x200000f0, 0x20), std::invalid_argument);  // overlaps
  EXPECT_THROW(mem.AddRegion(0x60000000, 0), std::invalid_argument);
}

}  // namespace
}  // namespace luoshu::model
