#include "sw/hal/stop.h"

#include <csignal>

namespace luoshu::hal {
namespace {
volatile std::sig_atomic_t g_stop = 0;
}

void RequestStop() noexcept { g_stop = 1; }
bool StopRequested() noexcept { return g_stop != 0; }
void ClearStop() noexcept { g_stop = 0; }

}  // namespace luoshu::hal
