// Invariant checks that stay on in release builds.
//
// A failed check is a bug in imledger itself, never a reaction to bad input: input errors are
// returned as Status. A failure prints the location and both values, then aborts.

#pragma once

#include <source_location>
#include <sstream>
#include <string>
#include <string_view>

namespace imledger {

[[noreturn]] void Fail(std::string_view message,
                       std::source_location where = std::source_location::current());

inline void Check(bool condition, std::string_view what,
                  std::source_location where = std::source_location::current()) {
  if (!condition) {
    Fail(what, where);
  }
}

template <typename A, typename B>
void CheckEq(const A& a, const B& b, std::string_view what,
             std::source_location where = std::source_location::current()) {
  if (!(a == b)) {
    std::ostringstream out;
    out << what << ": " << a << " != " << b;
    Fail(out.str(), where);
  }
}

template <typename A, typename B>
void CheckLe(const A& a, const B& b, std::string_view what,
             std::source_location where = std::source_location::current()) {
  if (!(a <= b)) {
    std::ostringstream out;
    out << what << ": " << a << " > " << b;
    Fail(out.str(), where);
  }
}

}  // namespace imledger
