// The board bridge's frame format (sw/hal/bridge_protocol.h): the CRC against its published
// check value, frames round-trip through the stream parser byte by byte and in one piece,
// garbage between frames is skipped, a flipped bit fails the CRC, an oversized LEN is refused.
#include "sw/hal/bridge_protocol.h"

#include <gtest/gtest.h>

#include <cstring>

namespace luoshu::hal::bridge {
namespace {

TEST(BridgeProtocol, Crc16CheckValue) {
  const char* check = "123456789";  // CRC-16/CCITT-FALSE check value
  EXPECT_EQ(Crc16(reinterpret_cast<const uint8_t*>(check), std::strlen(check)), 0x29B1);
}

TEST(BridgeProtocol, RequestLayout) {
  Request r{static_cast<uint8_t>(Cmd::kReadReg), 7, {0x10, 0, 0, 0}};
  const std::vector<uint8_t> f = EncodeRequest(r);
  ASSERT_EQ(f.size(), kRequestHeader + 4 + kCrcBytes);
  EXPECT_EQ(f[0], kRequestStart);
  EXPECT_EQ(f[1], 0x01);
  EXPECT_EQ(f[2], 7);
  EXPECT_EQ(Get16(&f[3]), 4);
  EXPECT_EQ(Get16(&f[9]), Crc16(f.data() + 1, 8));
}

TEST(BridgeProtocol, RepliesRoundTripInPiecesAndWhole) {
  std::vector<uint8_t> stream = {0x00, 0x13};  // line noise before the first frame
  std::vector<Reply> sent;
  for (int i = 0; i < 20; ++i) {
    Reply r{static_cast<uint8_t>(i % 8),
            static_cast<uint8_t>(i * 13),
            0xDEAD0000u + static_cast<uint32_t>(i),
            {}};
    for (int b = 0; b < i * 7; ++b) r.payload.push_back(static_cast<uint8_t>(b * 31 + i));
    sent.push_back(r);
    const std::vector<uint8_t> f = EncodeReply(r);
    stream.insert(stream.end(), f.begin(), f.end());
  }
  for (size_t chunk : {size_t{1}, size_t{5}, stream.size()}) {
    FrameParser p(kReplyStart, kReplyHeader, 256);
    std::vector<Reply> got;
    for (size_t at = 0; at < stream.size(); at += chunk) {
      const size_t end = std::min(stream.size(), at + chunk);
      size_t pos = 0;
      while (pos < end - at) {
        const FrameParser::Result res = p.Feed(stream.data() + at, end - at, &pos);
        if (res == FrameParser::Result::kNeedMore) break;
        ASSERT_EQ(res, FrameParser::Result::kFrame);
        got.push_back(DecodeReply(p.frame()));
      }
    }
    ASSERT_EQ(got.size(), sent.size()) << "chunk " << chunk;
    for (size_t i = 0; i < sent.size(); ++i) {
      EXPECT_EQ(got[i].status, sent[i].status);
      EXPECT_EQ(got[i].seq, sent[i].seq);
      EXPECT_EQ(got[i].cycle, sent[i].cycle);
      EXPECT_EQ(got[i].payload, sent[i].payload);
    }
    EXPECT_EQ(p.skipped(), 2u);
  }
}

TEST(BridgeProtocol, EveryFlippedBitFailsTheCrcOrTheFrame) {
  const std::vector<uint8_t> good = EncodeRequest({0x04, 3, {0, 1, 0, 0, 0xAB, 0xCD}});
  for (size_t bit = 8; bit < good.size() * 8; ++bit) {  // not the start byte
    std::vector<uint8_t> f = good;
    f[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    FrameParser p(kRequestStart, kRequestHeader, 260);
    size_t pos = 0;
    const FrameParser::Result res = p.Feed(f.data(), f.size(), &pos);
    EXPECT_NE(res, FrameParser::Result::kFrame) << "bit " << bit;
  }
}

TEST(BridgeProtocol, OversizedLengthIsRefused) {
  std::vector<uint8_t> f = EncodeRequest({0x04, 0, std::vector<uint8_t>(300, 1)});
  FrameParser p(kRequestStart, kRequestHeader, 260);
  size_t pos = 0;
  EXPECT_EQ(p.Feed(f.data(), f.size(), &pos), FrameParser::Result::kBadLen);
  EXPECT_EQ(pos, kRequestHeader);
}

TEST(BridgeProtocol, Names) {
  EXPECT_EQ(StatusName(0), "OK");
  EXPECT_EQ(StatusName(static_cast<uint8_t>(Status::kBadSeq) | kDuplicate), "BAD_SEQ (duplicate)");
  EXPECT_EQ(StatusName(0x1f), "status 0x1f");
  EXPECT_EQ(CmdName(0x04), "WRITE_MEM");
  EXPECT_EQ(CmdName(0x42), "command 0x42");
}

}  // namespace
}  // namespace luoshu::hal::bridge
