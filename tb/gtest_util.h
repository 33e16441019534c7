// Small GoogleTest helpers shared by the test binaries (header-only; tests only).
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "tb/random.h"
#include "tb/sim.h"

namespace luoshu::tb {

// "Suite.Name" of the running test, file-name safe: the wave is build/waves/<this>.fst.
inline std::string CurrentTestName() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return SanitizeName(std::string(info->test_suite_name()) + "." + info->name());
}

// Runs `f`, expects an exception of type E and returns its message ("" and a test failure if
// none, or one of another type, is thrown): for tests of error messages.
template <class E>
std::string ErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected another exception type, got: " << e.what();
    return "";
  }
  ADD_FAILURE() << "no exception";
  return "";
}

// Text for SCOPED_TRACE so a failing random test prints how to re-run it.
inline std::string SeedNote(const Rng& rng) {
  return "seed " + std::to_string(rng.seed()) +
         " (re-run with LUOSHU_SEED=" + std::to_string(rng.seed()) + ")";
}

}  // namespace luoshu::tb
