// The device-memory allocator (sw/runtime/allocator.h): alignment, staying inside its range,
// reuse after free, coalescing of freed neighbours, and refusals with messages (out of memory
// says how much is free; double free; bad size and alignment).
#include "sw/runtime/allocator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "sw/runtime/errors.h"
#include "tb/gtest_util.h"
#include "tb/options.h"
#include "tb/random.h"

namespace luoshu {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

TEST(AllocatorTest, AlignsAndStaysInside) {
  Allocator a(0x1000, 0x10000);
  std::vector<std::pair<uint64_t, uint64_t>> blocks;  // [start, end)
  for (uint64_t align : {1, 4, 32, 64, 4096, 2, 256, 8}) {
    const uint64_t bytes = 33 * align % 1000 + 1;
    const uint64_t p = a.Alloc(bytes, align);
    EXPECT_EQ(p % align, 0u) << align;
    blocks.push_back({p, p + bytes});
  }
  for (size_t i = 0; i < blocks.size(); ++i) {
    EXPECT_GE(blocks[i].first, 0x1000u);
    EXPECT_LE(blocks[i].second, 0x11000u);
    for (size_t j = 0; j < i; ++j) {
      EXPECT_TRUE(blocks[i].second <= blocks[j].first || blocks[j].second <= blocks[i].first)
          << "blocks " << i << " and " << j << " overlap";
    }
  }
  EXPECT_EQ(a.live_blocks(), blocks.size());
}

TEST(AllocatorTest, DefaultAlignmentIs64Bytes) {
  Allocator a(0x1004, 0x1000);  // an unaligned base
  EXPECT_EQ(a.Alloc(3), 0x1040u);
  EXPECT_EQ(a.Alloc(1) % 64, 0u);
}

TEST(AllocatorTest, BadSizeAndAlignmentAreRefused) {
  Allocator a(0, 4096);
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([&] { a.Alloc(8, 3); }),
              HasSubstr("alignment 3 is not a power of two"));
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([&] { a.Alloc(8, 0); }), HasSubstr("alignment 0"));
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([&] { a.Alloc(0, 8); }), HasSubstr("0 bytes"));
  EXPECT_THROW(Allocator(0, 0), InvalidArgument);
  EXPECT_EQ(a.bytes_free(), 4096u) << "nothing taken by a refused call";
}

TEST(AllocatorTest, ExhaustionSaysHowMuchIsFree) {
  Allocator a(0, 1024);
  const uint64_t x = a.Alloc(512, 1);
  a.Alloc(256, 1);
  EXPECT_THAT(tb::ErrorOf<OutOfMemory>([&] { a.Alloc(300, 1); }),
              AllOf(HasSubstr("out of device memory"), HasSubstr("300 bytes"),
                    HasSubstr("256 of 1024 bytes free"), HasSubstr("largest free block 256")));
  a.Free(x);
  EXPECT_EQ(a.Alloc(300, 1), x) << "the freed block is reused";
}

TEST(AllocatorTest, AlignmentPaddingCountsAgainstTheBlock) {
  Allocator a(0, 256);
  a.Alloc(1, 1);  // [0, 1): the rest starts unaligned
  // 255 bytes are free, but not 255 bytes aligned to 128.
  EXPECT_THAT(tb::ErrorOf<OutOfMemory>([&] { a.Alloc(200, 128); }),
              HasSubstr("255 of 256 bytes free"));
  EXPECT_EQ(a.Alloc(128, 128), 128u);
}

TEST(AllocatorTest, FreedNeighboursCoalesce) {
  Allocator a(0, 3 * 1024);
  const uint64_t x = a.Alloc(1024, 1), y = a.Alloc(1024, 1), z = a.Alloc(1024, 1);
  EXPECT_EQ(a.bytes_free(), 0u);
  a.Free(x);
  a.Free(z);
  EXPECT_EQ(a.bytes_free(), 2048u);
  EXPECT_EQ(a.largest_free(), 1024u) << "two holes, not adjacent";
  EXPECT_THROW(a.Alloc(2048, 1), OutOfMemory);
  a.Free(y);  // merges with both neighbours
  EXPECT_EQ(a.largest_free(), 3072u);
  EXPECT_EQ(a.Alloc(3072, 1), 0u);
}

TEST(AllocatorTest, FreeRefusesStrangersAndDoubleFree) {
  Allocator a(0x8000, 4096);
  const uint64_t p = a.Alloc(100);
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([&] { a.Free(p + 1); }),
              HasSubstr("not the start of a live allocation"));
  a.Free(p);
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([&] { a.Free(p); }), HasSubstr("double free"));
  EXPECT_EQ(a.bytes_free(), 4096u);
}

TEST(AllocatorTest, RandomAllocAndFreeMergesBackIntoOneBlock) {
  tb::Rng rng(tb::SeedFromEnv(3));
  Allocator a(0x8000, 1 << 20);
  std::vector<std::pair<uint64_t, uint64_t>> live;  // addr, bytes
  uint64_t used = 0;
  for (int i = 0; i < 400; ++i) {
    if (!live.empty() && rng.Chance(0.45)) {
      const size_t j = static_cast<size_t>(rng.Uniform(0, static_cast<int64_t>(live.size()) - 1));
      a.Free(live[j].first);
      used -= live[j].second;
      live.erase(live.begin() + static_cast<long>(j));
    } else {
      const uint64_t bytes = static_cast<uint64_t>(rng.Uniform(1, 5000));
      const uint64_t align = uint64_t{1} << rng.Uniform(0, 8);
      const uint64_t p = a.Alloc(bytes, align);
      EXPECT_EQ(p % align, 0u);
      for (const auto& [q, n] : live) ASSERT_TRUE(p + bytes <= q || q + n <= p) << "overlap";
      live.push_back({p, bytes});
      used += bytes;
    }
    ASSERT_EQ(a.bytes_free(), (1u << 20) - used);
  }
  EXPECT_EQ(a.live_blocks(), live.size());
  for (const auto& [p, n] : live) a.Free(p);
  EXPECT_EQ(a.bytes_free(), 1u << 20);
  EXPECT_EQ(a.largest_free(), 1u << 20) << "everything merged back into one block";
  EXPECT_EQ(a.live_blocks(), 0u);
}

}  // namespace
}  // namespace luoshu
