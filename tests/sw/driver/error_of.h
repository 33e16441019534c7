// Shared by the driver tests: run a call that must be refused and return its message.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "sw/driver/device.h"

namespace luoshu::driver {

// Runs `f`, expects a DriverError and returns its message ("" and a test failure if none).
inline std::string ErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const DriverError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no DriverError";
  return "";
}

}  // namespace luoshu::driver
