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

// std::source_location where the standard library provides it. Clang 14 with libstdc++ 12 (the
// libFuzzer build) does not, so there a stand-in with the two members Fail uses takes its place.
#if defined(__cpp_lib_source_location)
using SourceLocation = std::source_location;
#else
class SourceLocation {
 public:
  static constexpr SourceLocation current(const char* file = __builtin_FILE(),
                                          unsigned line = __builtin_LINE()) {
    return SourceLocation(file, line);
  }

  constexpr const char* file_name() const { return file_; }

  constexpr unsigned line() const { return line_; }

 private:
  constexpr SourceLocation(const char* file, unsigned line) : file_(file), line_(line) {}

  const char* file_;
  unsigned line_;
};
#endif

[[noreturn]] void Fail(std::string_view message, SourceLocation where = SourceLocation::current());

inline void Check(bool condition, std::string_view what,
                  SourceLocation where = SourceLocation::current()) {
  if (!condition) {
    Fail(what, where);
  }
}

template <typename A, typename B>
void CheckEq(const A& a, const B& b, std::string_view what,
             SourceLocation where = SourceLocation::current()) {
  if (!(a == b)) {
    std::ostringstream out;
    out << what << ": " << a << " != " << b;
    Fail(out.str(), where);
  }
}

template <typename A, typename B>
void CheckLe(const A& a, const B& b, std::string_view what,
             SourceLocation where = SourceLocation::current()) {
  if (!(a <= b)) {
    std::ostringstream out;
    out << what << ": " << a << " > " << b;
    Fail(out.str(), where);
  }
}

}  // namespace imledger
