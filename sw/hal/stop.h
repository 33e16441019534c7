// A stop request raised from a signal handler (Ctrl-C, SIGTERM): the runtime's waits and the
// backends' long loops look at it and give up early, so a tool can unwind, close its wave
// and leave no partial output. Async-signal-safe to set.
#pragma once

namespace luoshu::hal {

void RequestStop() noexcept;
bool StopRequested() noexcept;
void ClearStop() noexcept;

}  // namespace luoshu::hal
