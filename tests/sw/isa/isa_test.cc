// The command ISA: every field of every descriptor round-trips through Pack()/Unpack() at the
// position the field table names, values that do not fit are refused, and the generated
// SystemVerilog package agrees with the generated C++ header constant by constant.
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>

#include "sw/isa/luoshu_isa.h"
#include "tb/gtest_util.h"
#include "tb/options.h"
#include "tb/random.h"

namespace luoshu::isa {
namespace {

// "LOAD" / "src_addr" / "LD2EX" -> "Load" / "SrcAddr" / "Ld2Ex", as scripts/gen_isa.py names
// SystemVerilog constants.
std::string Camel(const std::string& name) {
  std::string out;
  bool up = true;
  for (char ch : name) {
    if (ch == '_') {
      up = true;
      continue;
    }
    const char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(lower))) : lower;
    up = std::isdigit(static_cast<unsigned char>(ch)) != 0;
  }
  return out;
}

// Pack/Unpack/Set/Get for one opcode without knowing its struct at the call site.
template <class D>
struct Codec {
  static Descriptor Pack(const std::map<std::string, int64_t>& values) {
    D d;
    for (const auto& [name, v] : values) EXPECT_TRUE(d.Set(name, v)) << name;
    return d.Pack();
  }
  static std::map<std::string, int64_t> Unpack(const Descriptor& raw,
                                               const std::map<std::string, int64_t>& like) {
    const D d = D::Unpack(raw);
    std::map<std::string, int64_t> out;
    for (const auto& [name, v] : like) {
      (void)v;
      EXPECT_TRUE(d.Get(name, &out[name])) << name;
    }
    return out;
  }
};

Descriptor PackFor(Opcode op, const std::map<std::string, int64_t>& v) {
  switch (op) {
    case Opcode::kLoad:
      return Codec<LoadDesc>::Pack(v);
    case Opcode::kMatmul:
      return Codec<MatmulDesc>::Pack(v);
    case Opcode::kStore:
      return Codec<StoreDesc>::Pack(v);
    case Opcode::kSync:
      return Codec<SyncDesc>::Pack(v);
    case Opcode::kVadd:
      return Codec<VaddDesc>::Pack(v);
    case Opcode::kVmax:
      return Codec<VmaxDesc>::Pack(v);
    case Opcode::kVrequant:
      return Codec<VrequantDesc>::Pack(v);
    case Opcode::kVcopy:
      return Codec<VcopyDesc>::Pack(v);
  }
  return {};
}

std::map<std::string, int64_t> UnpackFor(Opcode op, const Descriptor& d,
                                         const std::map<std::string, int64_t>& like) {
  switch (op) {
    case Opcode::kLoad:
      return Codec<LoadDesc>::Unpack(d, like);
    case Opcode::kMatmul:
      return Codec<MatmulDesc>::Unpack(d, like);
    case Opcode::kStore:
      return Codec<StoreDesc>::Unpack(d, like);
    case Opcode::kSync:
      return Codec<SyncDesc>::Unpack(d, like);
    case Opcode::kVadd:
      return Codec<VaddDesc>::Unpack(d, like);
    case Opcode::kVmax:
      return Codec<VmaxDesc>::Unpack(d, like);
    case Opcode::kVrequant:
      return Codec<VrequantDesc>::Unpack(d, like);
    case Opcode::kVcopy:
      return Codec<VcopyDesc>::Unpack(d, like);
  }
  return {};
}

std::vector<FieldInfo> FieldsOf(Opcode op) {
  std::vector<FieldInfo> out;
  for (const auto& f : kFields) {
    const std::string owner = f.op;
    if ((owner == "HEADER" && std::string(f.name) != "opcode") || owner == OpcodeName(op)) {
      out.push_back(f);
    }
  }
  return out;
}

int64_t RandomValue(const FieldInfo& f, tb::Rng& rng) {
  if (f.is_signed)
    return rng.Uniform(-(int64_t{1} << (f.width - 1)), (int64_t{1} << (f.width - 1)) - 1);
  return rng.Uniform(0, (int64_t{1} << f.width) - 1);
}

uint32_t RawField(const Descriptor& d, const FieldInfo& f) {
  return static_cast<uint32_t>((d[f.word] >> f.lsb) & ((uint64_t{1} << f.width) - 1));
}

TEST(IsaEncodingTest, DescriptorIs256Bits) {
  EXPECT_EQ(kDescriptorWords * 32, 256);
  EXPECT_EQ(kDescriptorBytes, 32);
  EXPECT_EQ(sizeof(Descriptor), 32u);
}

TEST(IsaEncodingTest, EachFieldLandsAtItsPositionAndRoundTrips) {
  tb::Rng rng(tb::SeedFromEnv(401));
  for (Opcode op : kAllOpcodes) {
    for (const auto& f : FieldsOf(op)) {
      for (int trial = 0; trial < 50; ++trial) {
        const int64_t v = RandomValue(f, rng);
        const Descriptor d = PackFor(op, {{f.name, v}});
        SCOPED_TRACE(std::string(OpcodeName(op)) + "." + f.name + " = " + std::to_string(v));
        EXPECT_EQ(RawOpcode(d), static_cast<uint32_t>(op));
        EXPECT_EQ(RawField(d, f), static_cast<uint32_t>(v) & ((uint64_t{1} << f.width) - 1));
        // Nothing else is set: only the opcode and this field.
        Descriptor rest = d;
        rest[0] &= ~0xffu;
        rest[f.word] &= ~static_cast<uint32_t>(((uint64_t{1} << f.width) - 1) << f.lsb);
        EXPECT_EQ(rest, Descriptor{});
        EXPECT_EQ(UnpackFor(op, d, {{f.name, 0}}).at(f.name), v);
      }
    }
  }
}

TEST(IsaEncodingTest, AllFieldsTogetherRoundTrip) {
  tb::Rng rng(tb::SeedFromEnv(402));
  for (Opcode op : kAllOpcodes) {
    for (int trial = 0; trial < 200; ++trial) {
      std::map<std::string, int64_t> v;
      for (const auto& f : FieldsOf(op)) v[f.name] = RandomValue(f, rng);
      const Descriptor d = PackFor(op, v);
      ASSERT_EQ(UnpackFor(op, d, v), v) << OpcodeName(op);
      // Reserved bits stay zero.
      for (int w = 0; w < kDescriptorWords; ++w) EXPECT_EQ(d[w] & ~UsedBits(op, w), 0u);
    }
  }
}

TEST(IsaEncodingTest, PackRefusesValuesThatDoNotFit) {
  for (Opcode op : kAllOpcodes) {
    for (const auto& f : FieldsOf(op)) {
      if (f.width >= 32) continue;
      const int64_t too_big = f.is_signed ? (int64_t{1} << (f.width - 1)) : (int64_t{1} << f.width);
      try {
        PackFor(op, {{f.name, too_big}});
        ADD_FAILURE() << OpcodeName(op) << "." << f.name << " accepted " << too_big;
      } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find(f.name), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("does not fit"), std::string::npos) << e.what();
      }
    }
  }
  StoreDesc s;
  s.scale = -32769;
  EXPECT_THROW(s.Pack(), std::invalid_argument);
  s.scale = -32768;
  EXPECT_EQ(StoreDesc::Unpack(s.Pack()).scale, -32768);
  EXPECT_THROW(s.Set("rows", -1), std::invalid_argument);
  EXPECT_FALSE(s.Set("no_such_field", 1));
}

TEST(IsaEncodingTest, OpcodesFaultsAndChannelsAreNamed) {
  EXPECT_FALSE(IsValidOpcode(0)) << "zeroed memory must not be a program";
  EXPECT_FALSE(IsValidOpcode(9));
  EXPECT_FALSE(IsValidOpcode(255));
  for (Opcode op : kAllOpcodes) EXPECT_TRUE(IsValidOpcode(static_cast<uint32_t>(op)));
  EXPECT_STREQ(OpcodeName(Opcode::kMatmul), "MATMUL");
  EXPECT_STREQ(FaultName(Fault::kDeadlock), "DEADLOCK");
  EXPECT_STREQ(ChannelName(3), "ST2EX");
  // Direction rules: wait only on channels into the queue, signal only channels out of it.
  EXPECT_EQ(WaitAllowedMask(Opcode::kLoad), kEx2Ld);
  EXPECT_EQ(SignalAllowedMask(Opcode::kLoad), kLd2Ex);
  EXPECT_EQ(WaitAllowedMask(Opcode::kMatmul), kLd2Ex | kSt2Ex);
  EXPECT_EQ(SignalAllowedMask(Opcode::kMatmul), kEx2Ld | kEx2St);
  EXPECT_EQ(WaitAllowedMask(Opcode::kStore), kEx2St);
  EXPECT_EQ(SignalAllowedMask(Opcode::kStore), kSt2Ex);
  EXPECT_EQ(WaitAllowedMask(Opcode::kSync) | SignalAllowedMask(Opcode::kSync), 0u);
}

// ---- The generated SystemVerilog package agrees with the generated C++ header.

class SvPackage {
 public:
  SvPackage() {
    std::ifstream in(LUOSHU_ISA_PKG_SV);
    if (!in) throw std::runtime_error(std::string("cannot read ") + LUOSHU_ISA_PKG_SV);
    std::stringstream ss;
    ss << in.rdbuf();
    text_ = ss.str();
    const std::regex ints(R"(localparam int (\w+) = (\d+);)");
    for (std::sregex_iterator it(text_.begin(), text_.end(), ints), end; it != end; ++it)
      ints_[(*it)[1]] = std::stoll((*it)[2]);
    const std::regex enums(R"((\w+) = \d+'d(\d+))");
    for (std::sregex_iterator it(text_.begin(), text_.end(), enums), end; it != end; ++it)
      enums_[(*it)[1]] = std::stoll((*it)[2]);
    const std::regex masks(R"(localparam logic \[NumChannels-1:0\] (\w+) = \d+'b([01]+);)");
    for (std::sregex_iterator it(text_.begin(), text_.end(), masks), end; it != end; ++it)
      enums_[(*it)[1]] = std::stoll((*it)[2], nullptr, 2);
    const std::regex used(R"(localparam logic \[DescBits-1:0\] (\w+) = 256'h([0-9a-f]{64});)");
    for (std::sregex_iterator it(text_.begin(), text_.end(), used), end; it != end; ++it)
      used_[(*it)[1]] = (*it)[2];
  }
  int64_t Int(const std::string& name) const { return Lookup(ints_, name); }
  int64_t Enum(const std::string& name) const { return Lookup(enums_, name); }
  // Word `w` of a 256-bit hex constant (word 0 = the last 8 hex digits).
  uint32_t UsedWord(const std::string& name, int w) const {
    auto it = used_.find(name);
    if (it == used_.end()) throw std::runtime_error("no " + name + " in the SV package");
    return static_cast<uint32_t>(std::stoul(it->second.substr(64 - 8 * (w + 1), 8), nullptr, 16));
  }
  const std::string& text() const { return text_; }

 private:
  static int64_t Lookup(const std::map<std::string, int64_t>& m, const std::string& name) {
    auto it = m.find(name);
    if (it == m.end()) throw std::runtime_error("no " + name + " in the SV package");
    return it->second;
  }
  std::string text_;
  std::map<std::string, int64_t> ints_, enums_;
  std::map<std::string, std::string> used_;
};

TEST(IsaAgreementTest, SvPackageAndCppHeaderAgree) {
  const SvPackage sv;
  EXPECT_EQ(sv.Int("DescWords"), kDescriptorWords);
  EXPECT_EQ(sv.Int("DescBytes"), kDescriptorBytes);
  EXPECT_EQ(sv.Int("NumChannels"), kNumChannels);
  EXPECT_EQ(sv.Int("TokenMax"), kTokenMax);
  EXPECT_EQ(sv.Int("TokenW"), kTokenWidth);
  for (Opcode op : kAllOpcodes) {
    const std::string n = Camel(OpcodeName(op));
    EXPECT_EQ(sv.Enum("Op" + n), static_cast<int>(op)) << n;
    EXPECT_EQ(sv.Enum(n + "WaitAllowed"), WaitAllowedMask(op)) << n;
    EXPECT_EQ(sv.Enum(n + "SignalAllowed"), SignalAllowedMask(op)) << n;
    for (int w = 0; w < kDescriptorWords; ++w)
      EXPECT_EQ(sv.UsedWord(n + "UsedBits", w), UsedBits(op, w)) << n << " word " << w;
  }
  for (Fault f : kAllFaults)
    EXPECT_EQ(sv.Enum("Fault" + Camel(FaultName(f))), static_cast<int>(f)) << FaultName(f);
  for (int b = 0; b < kNumChannels; ++b) EXPECT_EQ(sv.Int("Chan" + Camel(ChannelName(b))), b);
  int checked = 0;
  for (const auto& f : kFields) {
    const std::string prefix = std::string(f.op) == "HEADER" ? "Hdr" : Camel(f.op);
    const std::string n = prefix + Camel(f.name);
    EXPECT_EQ(sv.Int(n + "Lsb"), f.word * 32 + f.lsb) << n;
    EXPECT_EQ(sv.Int(n + "W"), f.width) << n;
    ++checked;
  }
  EXPECT_GT(checked, 30);
}

TEST(IsaAgreementTest, GeneratedFilesSayTheyAreGenerated) {
  const SvPackage sv;
  EXPECT_EQ(sv.text().rfind("// GENERATED by scripts/gen_isa.py from sw/isa/isa.toml", 0), 0u);
}

}  // namespace
}  // namespace luoshu::isa
