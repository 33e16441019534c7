// The supernode runner of the tools (sw/runtime/supernode.h): SPMD programs on Verilated
// chips (tb/soc/supernode.h), one chip model per lane width built (tb/soc/CMakeLists.txt).
#pragma once

namespace luoshu::tb {

// Registers the runner and its lane widths with the runtime (the composition root, once).
void RegisterSupernodeRunner();

}  // namespace luoshu::tb
