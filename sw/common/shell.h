// A string as one shell word, quoted only where needed (as Python's shlex.quote): commands the
// tools print for copy-and-paste (re-run a failing seed, replay a checkpoint) must work when a
// path has a space.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstring>
#include <string>

namespace luoshu {

inline std::string ShellWord(const std::string& s) {
  const bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("@%+=:,./-_", c) != nullptr;
  });
  if (plain) return s;
  std::string word = "'";
  for (char c : s) word += c == '\'' ? std::string("'\"'\"'") : std::string(1, c);
  return word + "'";
}

}  // namespace luoshu
