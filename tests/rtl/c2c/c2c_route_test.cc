// c2c_route: every input of every supported topology (rings of 2..8 chips, 2 x 2 and 2 x 4
// tori) against the C++ reference (tb/c2c_topology.h), and the routes it makes, followed hop
// by hop from every chip to every chip: they arrive on a shortest path, cross each dateline at
// most once, and the channels they take one after another (link, class) form no cycle, which
// is the deadlock argument of docs/supernode.md checked on the RTL itself.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "Vc2c_route.h"
#include "tb/c2c_topology.h"

namespace luoshu {
namespace {

using tb::c2c::Hop;
using tb::c2c::Topology;

Hop RtlRoute(Vc2c_route& m, const Topology& t, int chip, int dst, bool from_link, int in_dim,
             int in_class) {
  m.chip_id_i = chip;
  m.dim_x_i = t.dim_x;
  m.dim_y_i = t.dim_y;
  m.dst_chip_i = dst;
  m.from_link_i = from_link;
  m.in_dim_i = in_dim;
  m.in_class_i = in_class;
  m.eval();
  return Hop{m.local_o != 0, m.link_o, m.class_o};
}

std::string Describe(const Topology& t, int chip, int dst, bool from_link, int in_dim,
                     int in_class) {
  return t.Name() + " chip " + std::to_string(chip) + " -> " + std::to_string(dst) +
         (from_link
              ? " arrived in dim " + std::to_string(in_dim) + " class " + std::to_string(in_class)
              : " from this chip");
}

TEST(C2cRouteTest, MatchesTheReferenceOnEveryInput) {
  VerilatedContext ctx;
  Vc2c_route m(&ctx, "TOP");
  int checked = 0;
  for (const Topology& t : tb::c2c::AllTopologies()) {
    for (int chip = 0; chip < t.chips(); ++chip) {
      for (int dst = 0; dst < t.chips(); ++dst) {
        for (int from = 0; from < 2; ++from) {
          for (int dim = 0; dim < 2; ++dim) {
            for (int cls = 0; cls < 2; ++cls) {
              const Hop want = t.Route(chip, dst, from, dim, cls);
              const Hop got = RtlRoute(m, t, chip, dst, from, dim, cls);
              ASSERT_EQ(got.local, want.local) << Describe(t, chip, dst, from, dim, cls);
              if (!want.local) {
                ASSERT_EQ(got.link, want.link) << Describe(t, chip, dst, from, dim, cls);
                ASSERT_EQ(got.cls, want.cls) << Describe(t, chip, dst, from, dim, cls);
              }
              ++checked;
            }
          }
        }
      }
    }
  }
  EXPECT_EQ(checked, 8 * (4 + 9 + 16 + 25 + 36 + 49 + 64) + 8 * (16 + 64));
}

// A channel: (chip it leaves, link port, class).
using Channel = std::tuple<int, int, int>;

TEST(C2cRouteTest, RoutesAreShortestAndTheirChannelsFormNoCycle) {
  VerilatedContext ctx;
  Vc2c_route m(&ctx, "TOP");
  for (const Topology& t : tb::c2c::AllTopologies()) {
    SCOPED_TRACE(t.Name());
    std::map<Channel, std::set<Channel>> next;  // channel -> channels taken right after it
    int datelines = 0;
    for (int src = 0; src < t.chips(); ++src) {
      for (int dst = 0; dst < t.chips(); ++dst) {
        int chip = src, hops = 0, in_dim = 0, in_class = 0;
        bool from_link = false;
        bool have_prev = false;
        Channel prev{};
        std::map<int, int> class_ups;  // per dimension: 0 -> 1 changes
        for (;;) {
          const Hop h = RtlRoute(m, t, chip, dst, from_link, in_dim, in_class);
          if (h.local) break;
          const int dim = h.link / 2;
          if (from_link && in_dim == dim && in_class == 1) {
            EXPECT_EQ(h.cls, 1) << "a packet fell back to class 0 inside a dimension";
          }
          if (h.cls == 1 && !(from_link && in_dim == dim && in_class == 1)) {
            ++class_ups[dim];
            ++datelines;
          }
          const Channel c{chip, h.link, h.cls};
          if (have_prev) next[prev].insert(c);
          prev = c;
          have_prev = true;
          chip = t.Neighbour(chip, h.link);
          from_link = true;
          in_dim = dim;
          in_class = h.cls;
          ASSERT_LE(++hops, t.Distance(src, dst)) << src << " -> " << dst << " is no shortest path";
        }
        EXPECT_EQ(chip, dst);
        EXPECT_EQ(hops, t.Distance(src, dst)) << src << " -> " << dst;
        for (const auto& [dim, ups] : class_ups) EXPECT_LE(ups, 1) << "dimension " << dim;
      }
    }
    // Some route of every ring of more than ... chips crosses a dateline (else the test of
    // classes would be empty).
    EXPECT_GT(datelines, 0);
    // No cycle among channel dependencies (depth-first search, three colours).
    std::map<Channel, int> colour;
    std::function<bool(const Channel&)> cyclic = [&](const Channel& c) {
      colour[c] = 1;
      for (const Channel& n : next[c]) {
        if (colour[n] == 1) return true;
        if (colour[n] == 0 && cyclic(n)) return true;
      }
      colour[c] = 2;
      return false;
    };
    for (const auto& [c, unused] : next) {
      if (colour[c] == 0) EXPECT_FALSE(cyclic(c)) << "channel dependency cycle";
    }
  }
}

}  // namespace
}  // namespace luoshu
