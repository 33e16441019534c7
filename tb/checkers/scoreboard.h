// In-order scoreboard: expected items are queued by the stimulus side, actual items are
// checked against them as they arrive. Mismatches are recorded with their index and the
// cycle they appeared, so a failing test says where to look in the wave.
#pragma once

#include <cstdint>
#include <deque>
#include <sstream>
#include <string>
#include <vector>

namespace luoshu::tb {

template <class T>
class InOrderScoreboard {
 public:
  void Expect(const T& item) { expected_.push_back(item); }

  void Observe(const T& item, uint64_t cycle) {
    if (expected_.empty()) {
      errors_.push_back(Describe("unexpected extra item", item, cycle));
    } else if (!(expected_.front() == item)) {
      errors_.push_back(Describe("mismatch", item, cycle, &expected_.front()));
      expected_.pop_front();
    } else {
      expected_.pop_front();
    }
    ++observed_;
  }

  bool Done() const { return expected_.empty(); }
  size_t pending() const { return expected_.size(); }
  uint64_t observed() const { return observed_; }
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  std::string Describe(const char* what, const T& got, uint64_t cycle, const T* want = nullptr) {
    std::ostringstream s;
    s << what << " at item " << observed_ << ", cycle " << cycle << ": got " << got;
    if (want) s << ", expected " << *want;
    return s.str();
  }

  std::deque<T> expected_;
  std::vector<std::string> errors_;
  uint64_t observed_ = 0;
};

}  // namespace luoshu::tb
