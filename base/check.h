// Invariant checks that stay on in release builds.
//
// A failed check is a bug in imledger itself, never a reaction to bad input: input errors are
// returned as Status. A failure prints the location and both values, then aborts.

#pragma once

#include <sstream>
#include <string>
#include <string_view>

namespace imledger {

// Source file and line of a check. std::source_location would do, but clang 14 (the fuzz
// build) lacks the builtin that libstdc++ 12 implements it with; these builtins work in both.
struct SourceLocation {
  static constexpr SourceLocation Current(const char* file = __builtin_FILE(),
                                          int line = __builtin_LINE()) {
    return {file, line};
  }

  const char* file;
  int line;
};

[[noreturn]] void Fail(std::string_view message, SourceLocation where = SourceLocation::Current());

inline void Check(bool condition, std::string_view what,
                  SourceLocation where = SourceLocation::Current()) {
  if (!condition) {
    Fail(what, where);
  }
}

template <typename A, typename B>
void CheckEq(const A& a, const B& b, std::string_view what,
             SourceLocation where = SourceLocation::Current()) {
  if (!(a == b)) {
    std::ostringstream out;
    out << what << ": " << a << " != " << b;
    Fail(out.str(), where);
  }
}

template <typename A, typename B>
void CheckLe(const A& a, const B& b, std::string_view what,
             SourceLocation where = SourceLocation::Current()) {
  if (!(a <= b)) {
    std::ostringstream out;
    out << what << ": " << a << " > " << b;
    Fail(out.str(), where);
  }
}

}  // namespace imledger
