// Supernode topologies in C++ (docs/supernode.md, "Topologies and routing"): a torus of
// dim_x x dim_y chips (a ring of n chips is n x 1), chip id = y * dim_x + x, link ports
// 0 X+, 1 X-, 2 Y+, 3 Y-. The reference for rtl/c2c/c2c_route.sv and the wiring of the
// multi-chip harness. Written as "count the hops each way round" rather than as the RTL's
// arithmetic, so the two are independent.
#pragma once

#include <string>
#include <vector>

namespace luoshu::tb::c2c {

constexpr int kMaxChips = 8;
constexpr int kNumLinkPorts = 4;

struct Hop {
  bool local = false;  // arrived
  int link = 0;        // else: leave on this link port ...
  int cls = 0;         // ... in this dateline class
  bool operator==(const Hop& o) const {
    return local == o.local && (local || (link == o.link && cls == o.cls));
  }
};

struct Topology {
  int dim_x = 2;
  int dim_y = 1;

  static Topology Ring(int n) { return {n, 1}; }
  static Topology Torus(int x, int y) { return {x, y}; }
  int chips() const { return dim_x * dim_y; }
  int Links() const { return dim_y > 1 ? 4 : 2; }  // link ports a chip uses
  std::string Name() const {
    return dim_y == 1 ? "ring" + std::to_string(dim_x)
                      : "torus" + std::to_string(dim_x) + "x" + std::to_string(dim_y);
  }
  int X(int chip) const { return chip % dim_x; }
  int Y(int chip) const { return chip / dim_x; }
  // The chip on the other end of `chip`'s link port.
  int Neighbour(int chip, int link) const {
    int x = X(chip), y = Y(chip);
    switch (link) {
      case 0:
        x = (x + 1) % dim_x;
        break;
      case 1:
        x = (x + dim_x - 1) % dim_x;
        break;
      case 2:
        y = (y + 1) % dim_y;
        break;
      default:
        y = (y + dim_y - 1) % dim_y;
        break;
    }
    return y * dim_x + x;
  }
  // The port on which the neighbour on `link` receives what `chip` sends there.
  static int Opposite(int link) { return link ^ 1; }

  // Where a packet at `chip` for `dst` goes next: X first, then Y, the shorter way round
  // (plus on a tie); class 1 from the dateline link (the wrap between n-1 and 0) on, kept
  // while the packet stays in the dimension it arrived in.
  Hop Route(int chip, int dst, bool from_link, int in_dim, int in_class) const {
    Hop h;
    int dim;
    int a, b, n;
    if (X(chip) != X(dst)) {
      dim = 0, a = X(chip), b = X(dst), n = dim_x;
    } else if (Y(chip) != Y(dst)) {
      dim = 1, a = Y(chip), b = Y(dst), n = dim_y;
    } else {
      h.local = true;
      return h;
    }
    int plus_hops = 0, minus_hops = 0;
    for (int c = a; c != b; c = (c + 1) % n) ++plus_hops;
    for (int c = a; c != b; c = (c + n - 1) % n) ++minus_hops;
    const bool plus = plus_hops <= minus_hops;
    h.link = 2 * dim + (plus ? 0 : 1);
    const bool wraps = plus ? a + 1 == n : a == 0;  // this hop crosses the dateline
    h.cls = ((from_link && in_dim == dim) ? in_class : 0) | (wraps ? 1 : 0);
    return h;
  }
  // Hops from `src` to `dst` on shortest paths (the sum over both dimensions).
  int Distance(int src, int dst) const {
    auto ring = [](int a, int b, int n) {
      const int d = ((b - a) % n + n) % n;
      return d < n - d ? d : n - d;
    };
    return ring(X(src), X(dst), dim_x) + ring(Y(src), Y(dst), dim_y);
  }
};

// The topologies the issue asks for: rings of 2..8 chips, 2 x 2 and 2 x 4 tori.
inline std::vector<Topology> AllTopologies() {
  std::vector<Topology> t;
  for (int n = 2; n <= kMaxChips; ++n) t.push_back(Topology::Ring(n));
  t.push_back(Topology::Torus(2, 2));
  t.push_back(Topology::Torus(2, 4));
  return t;
}

}  // namespace luoshu::tb::c2c
