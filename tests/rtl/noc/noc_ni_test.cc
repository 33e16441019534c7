// noc_dual_mesh (3x2, memory at nodes 2 and 5, request and response meshes, one noc_ni per
// node): real read/write round trips from the four clients against a C++ memory model at
// the memory nodes. Each client owns an address range per memory, so the value a read must
// return is known when the read is issued (requests of one flow arrive in order and a memory
// node serves them in arrival order). Checked: response kind, tag, source node, length,
// every read word, and that every request gets exactly one response. Run on the default
// routers and on PipeAlloc=1 (registered allocation, the FPGA build's routers).
#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <string>
#include <vector>

#include "Vnoc_dual_mesh_3x2.h"
#include "Vnoc_dual_mesh_3x2_pipe.h"
#include "tb/bits.h"
#include "tb/noc_flits.h"
#include "tb/options.h"
#include "tb/random.h"
#include "tb/sim.h"

namespace luoshu {
namespace {

using tb::GetBits;
using tb::PutBits;
using tb::Rng;
using tb::Simulation;

constexpr int kX = 3, kY = 2, kN = kX * kY;
constexpr unsigned kHdrW = 63, kDataW = 64;
enum Kind { kRead = 0, kWrite = 1, kReadResp = 2, kWriteResp = 3 };
bool IsMem(int n) { return n == 2 || n == 5; }

std::string TestName() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return std::string(info->test_suite_name()) + "." + info->name();
}

// noc_pkg::mem_hdr_t, LSB first: route {src[11:6], dst[5:0]}, kind, tag, len, addr.
struct Hdr {
  int kind = 0, src = 0, dst = 0, tag = 0, len = 0;
  uint32_t addr = 0;
  uint64_t Pack() const {
    return uint64_t(tb::noc::Coord(src, kX)) << 6 | tb::noc::Coord(dst, kX) | uint64_t(kind) << 12 |
           uint64_t(tag) << 14 | uint64_t(len) << 22 | uint64_t(addr) << 30;
  }
  static Hdr Unpack(uint64_t v) {
    Hdr h;
    h.dst = tb::noc::NodeOf(v & 63, kX);
    h.src = tb::noc::NodeOf((v >> 6) & 63, kX);
    h.kind = (v >> 12) & 3;
    h.tag = (v >> 14) & 255;
    h.len = (v >> 22) & 255;
    h.addr = static_cast<uint32_t>(v >> 30);
    return h;
  }
};

uint64_t InitialWord(int mem, uint32_t addr) {
  return (uint64_t(mem) << 56) ^ (uint64_t(addr) * 0x9E3779B97F4A7C15ull);
}

// Valid/ready output channel of messages (header or data word) with source stalls.
struct TxChannel {
  std::deque<uint64_t> q;
  bool presenting = false;
};

template <class Model>
class NiSystem {
 public:
  NiSystem(uint64_t seed, double stall)
      : rng_(tb::SeedFromEnv(seed)), stall_(stall), sim_(tb::SanitizeName(TestName()), "") {
    drive_hook_ = sim_.OnDrive([this] { Drive(); });
    sample_hook_ = sim_.OnSample([this] { Sample(); });
  }

  // Client `c` asks memory `mem` for a read or write of `len` words at word `offset` of
  // the client's own range.
  void Issue(int c, int mem, bool write, uint32_t offset, int len) {
    Client& cl = clients_[c];
    Hdr h;
    h.kind = write ? kWrite : kRead;
    h.dst = mem;
    h.src = 0;  // filled in by the NI
    h.tag = cl.next_tag++ & 255;
    h.len = len;
    h.addr = (uint32_t(c) << 16) | offset;
    Pending p{h, {}};
    for (int i = 0; i < len; ++i) {
      const uint64_t key = Key(mem, h.addr + i);
      if (write) {
        const uint64_t w = rng_.Bits64();
        shadow_[key] = w;
        cl.pending_data.push_back(w);
      } else {
        auto it = shadow_.find(key);
        p.expect.push_back(it == shadow_.end() ? InitialWord(mem, h.addr + i) : it->second);
      }
    }
    cl.to_issue.push_back(p);
    ++requests_;
  }

  void Run(uint64_t max_cycles) {
    sim_.Reset();
    sim_.RunUntil([&] { return responses_ == requests_ || !errors_.empty(); }, max_cycles,
                  "all memory responses (" + std::to_string(responses_) + " of " +
                      std::to_string(requests_) + ")");
    sim_.Step(100);
    for (const auto& e : errors_) ADD_FAILURE() << e;
    EXPECT_EQ(responses_, requests_);
    for (int c = 0; c < kN; ++c) {
      EXPECT_TRUE(clients_[c].outstanding.empty()) << "client " << c;
    }
  }

  Rng& rng() { return rng_; }
  uint64_t responses() const { return responses_; }
  uint64_t read_words_checked() const { return read_words_; }

 private:
  struct Pending {
    Hdr hdr;
    std::vector<uint64_t> expect;  // read data
  };
  struct Client {
    std::deque<Pending> to_issue;
    std::deque<uint64_t> pending_data;   // write data, in issue order
    std::map<int, Pending> outstanding;  // by tag
    int next_tag = 0;
    // Response being received.
    bool in_resp = false;
    Pending cur;
    size_t word = 0;
  };
  struct Memory {
    bool in_write = false;
    Hdr cur;
    int words = 0;
    std::deque<uint64_t> resp_hdr, resp_data;
  };
  static uint64_t Key(int mem, uint32_t addr) { return uint64_t(mem) << 32 | addr; }
  bool Stall() { return stall_ > 0 && rng_.Chance(stall_); }
  void Error(const std::string& s) {
    if (errors_.size() < 20) errors_.push_back("cycle " + std::to_string(sim_.cycle()) + ": " + s);
  }

  static constexpr int kMaxOutstanding = 8;

  void Drive() {
    auto& d = sim_.dut();
    const bool rst = sim_.in_reset();
    for (int n = 0; n < kN; ++n) {
      // Header and data channels into the NI.
      if (!rst) {
        if (!hdr_[n].presenting && !Stall()) {
          if (IsMem(n) && !mem_[n].resp_hdr.empty()) {
            hdr_[n].presenting = true;
            PutBits(d.tx_hdr_i, n * kHdrW, kHdrW, mem_[n].resp_hdr.front());
          } else if (!IsMem(n) && !clients_[n].to_issue.empty() &&
                     clients_[n].outstanding.size() < kMaxOutstanding) {
            hdr_[n].presenting = true;
            PutBits(d.tx_hdr_i, n * kHdrW, kHdrW, clients_[n].to_issue.front().hdr.Pack());
          }
        }
        std::deque<uint64_t>& dq = IsMem(n) ? mem_[n].resp_data : clients_[n].pending_data;
        if (!data_[n].presenting && !dq.empty() && !Stall()) {
          data_[n].presenting = true;
          PutBits(d.tx_data_i, n * kDataW, kDataW, dq.front());
        }
      }
      PutBits(d.tx_hdr_valid_i, n, 1, !rst && hdr_[n].presenting);
      PutBits(d.tx_data_valid_i, n, 1, !rst && data_[n].presenting);
      rx_ready_[n] = !rst && !Stall();
      PutBits(d.rx_hdr_ready_i, n, 1, rx_ready_[n]);
      PutBits(d.rx_data_ready_i, n, 1, rx_ready_[n]);
    }
  }

  void Sample() {
    auto& d = sim_.dut();
    if (sim_.in_reset()) return;
    for (int n = 0; n < kN; ++n) {
      if (hdr_[n].presenting && GetBits(d.tx_hdr_ready_o, n, 1)) {
        hdr_[n].presenting = false;
        if (IsMem(n)) {
          mem_[n].resp_hdr.pop_front();
        } else {
          Client& cl = clients_[n];
          Pending p = cl.to_issue.front();
          cl.to_issue.pop_front();
          if (cl.outstanding.count(p.hdr.tag)) Error("test bug: tag reused while outstanding");
          cl.outstanding[p.hdr.tag] = p;
        }
      }
      if (data_[n].presenting && GetBits(d.tx_data_ready_o, n, 1)) {
        data_[n].presenting = false;
        (IsMem(n) ? mem_[n].resp_data : clients_[n].pending_data).pop_front();
      }
      if (!rx_ready_[n]) continue;
      if (GetBits(d.rx_hdr_valid_o, n, 1)) {
        const Hdr h = Hdr::Unpack(GetBits(d.rx_hdr_o, n * kHdrW, kHdrW));
        if (IsMem(n))
          MemHeader(n, h);
        else
          ClientHeader(n, h);
      }
      if (GetBits(d.rx_data_valid_o, n, 1)) {
        const uint64_t w = GetBits(d.rx_data_o, n * kDataW, kDataW);
        const bool last = GetBits(d.rx_data_last_o, n, 1);
        if (IsMem(n))
          MemData(n, w, last);
        else
          ClientData(n, w, last);
      }
    }
  }

  // Memory node: serve requests in arrival order.
  void MemHeader(int m, const Hdr& h) {
    Memory& mm = mem_[m];
    if (mm.in_write) Error("memory " + std::to_string(m) + ": header inside write data");
    if (h.dst != m)
      Error("request for node " + std::to_string(h.dst) + " arrived at " + std::to_string(m));
    Hdr r;
    r.src = 0;
    r.dst = h.src;
    r.tag = h.tag;
    r.len = h.len;
    r.addr = h.addr;
    if (h.kind == kRead) {
      r.kind = kReadResp;
      mm.resp_hdr.push_back(r.Pack());
      for (int i = 0; i < h.len; ++i) {
        auto it = memory_.find(Key(m, h.addr + i));
        mm.resp_data.push_back(it == memory_.end() ? InitialWord(m, h.addr + i) : it->second);
      }
    } else if (h.kind == kWrite) {
      mm.in_write = true;
      mm.cur = h;
      mm.words = 0;
    } else {
      Error("memory " + std::to_string(m) + " got a response kind " + std::to_string(h.kind));
    }
  }
  void MemData(int m, uint64_t w, bool last) {
    Memory& mm = mem_[m];
    if (!mm.in_write) {
      Error("memory " + std::to_string(m) + ": data word without a write header");
      return;
    }
    memory_[Key(m, mm.cur.addr + mm.words)] = w;
    if (++mm.words == mm.cur.len) {
      if (!last) Error("write data: last word not marked tail");
      Hdr r;
      r.kind = kWriteResp;
      r.dst = mm.cur.src;
      r.tag = mm.cur.tag;
      r.len = mm.cur.len;
      r.addr = mm.cur.addr;
      mm.resp_hdr.push_back(r.Pack());
      mm.in_write = false;
    } else if (last) {
      Error("write data: tail before len words");
    }
  }

  // Client: match the response to its request by tag.
  void ClientHeader(int c, const Hdr& h) {
    Client& cl = clients_[c];
    if (cl.in_resp) Error("client " + std::to_string(c) + ": header inside read data");
    auto it = cl.outstanding.find(h.tag);
    if (h.dst != c || it == cl.outstanding.end()) {
      Error("client " + std::to_string(c) + ": response with unknown tag " + std::to_string(h.tag));
      return;
    }
    const Hdr& q = it->second.hdr;
    const int want = q.kind == kRead ? kReadResp : kWriteResp;
    if (h.kind != want || h.src != q.dst || h.len != q.len || h.addr != q.addr) {
      Error("client " + std::to_string(c) + " tag " + std::to_string(h.tag) +
            ": response kind/source/len/addr do not match the request");
    }
    if (h.kind == kReadResp) {
      cl.in_resp = true;
      cl.cur = it->second;
      cl.word = 0;
    } else {
      ++responses_;
    }
    cl.outstanding.erase(it);
  }
  void ClientData(int c, uint64_t w, bool last) {
    Client& cl = clients_[c];
    if (!cl.in_resp) {
      Error("client " + std::to_string(c) + ": data word without a response header");
      return;
    }
    if (w != cl.cur.expect[cl.word]) {
      Error("client " + std::to_string(c) + " tag " + std::to_string(cl.cur.hdr.tag) + " word " +
            std::to_string(cl.word) + ": read data mismatch");
    }
    ++read_words_;
    if (++cl.word == cl.cur.expect.size()) {
      if (!last) Error("read data: last word not marked tail");
      cl.in_resp = false;
      ++responses_;
    } else if (last) {
      Error("read data: tail before len words");
    }
  }

  Rng rng_;
  double stall_;
  Simulation<Model> sim_;
  tb::HookHandle drive_hook_, sample_hook_;  // removed with this object
  Client clients_[kN];
  Memory mem_[kN];
  TxChannel hdr_[kN], data_[kN];
  bool rx_ready_[kN] = {};
  std::map<uint64_t, uint64_t> shadow_, memory_;
  uint64_t requests_ = 0, responses_ = 0, read_words_ = 0;
  std::vector<std::string> errors_;
};

const int kClients[] = {0, 1, 3, 4};
const int kMems[] = {2, 5};

template <class Model>
class NocNiTest : public ::testing::Test {};
using DualMeshes = ::testing::Types<Vnoc_dual_mesh_3x2, Vnoc_dual_mesh_3x2_pipe>;
TYPED_TEST_SUITE(NocNiTest, DualMeshes);

// Each client writes a block to each memory and reads it back (and an unwritten block).
TYPED_TEST(NocNiTest, WriteThenReadBackFromEveryClientToEveryMemory) {
  NiSystem<TypeParam> s(51, 0);
  for (int c : kClients) {
    for (int m : kMems) {
      s.Issue(c, m, true, 0x10, 4);
      s.Issue(c, m, false, 0x10, 4);
      s.Issue(c, m, false, 0x80, 2);
    }
  }
  s.Run(20000);
  EXPECT_EQ(s.responses(), 24u);
  EXPECT_EQ(s.read_words_checked(), 4u * 2 * 6);
}

// Random mix of reads and writes (1..16 words) over a small address window, so reads often
// hit earlier writes, with random stalls on every NI channel when `stall` > 0.
template <class Model>
void RunRandom(uint64_t seed, double stall) {
  NiSystem<Model> s(seed, stall);
  for (int i = 0; i < 150; ++i) {
    for (int c : kClients) {
      const int m = kMems[s.rng().Uniform(0, 1)];
      s.Issue(c, m, s.rng().Chance(0.5), static_cast<uint32_t>(s.rng().Uniform(0, 48)),
              static_cast<int>(s.rng().Uniform(1, 16)));
    }
  }
  s.Run(400000);
  EXPECT_GT(s.read_words_checked(), 1000u);
}

TYPED_TEST(NocNiTest, RandomReadWriteRoundTrips) { RunRandom<TypeParam>(61, 0); }
TYPED_TEST(NocNiTest, RandomReadWriteRoundTripsWithStalls) { RunRandom<TypeParam>(62, 0.4); }

}  // namespace
}  // namespace luoshu
