#include "sw/runtime/supernode.h"

#include <mutex>

#include "sw/runtime/errors.h"

namespace luoshu {
namespace {

struct Registry {
  std::mutex m;
  std::vector<int> widths;
  SupernodeRunner runner;
};
Registry& TheRegistry() {
  static Registry r;
  return r;
}

}  // namespace

void RegisterSupernodeRunner(std::vector<int> link_widths, SupernodeRunner runner) {
  Registry& r = TheRegistry();
  std::lock_guard<std::mutex> l(r.m);
  r.widths = std::move(link_widths);
  r.runner = std::move(runner);
}

std::vector<int> SupernodeLinkWidths() {
  Registry& r = TheRegistry();
  std::lock_guard<std::mutex> l(r.m);
  return r.widths;
}

SupernodeRun RunSupernode(const SupernodeConfig& config, const SupernodeProgram& program) {
  SupernodeRunner runner;
  {
    Registry& r = TheRegistry();
    std::lock_guard<std::mutex> l(r.m);
    runner = r.runner;
  }
  if (!runner) {
    throw InvalidArgument(
        "no supernode simulator is linked into this program (link luoshu_supernode_runner and "
        "call RegisterSupernodeRunner, as sw/cli/main.cc does)");
  }
  return runner(config, program);
}

}  // namespace luoshu
