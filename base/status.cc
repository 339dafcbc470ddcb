#include "base/status.h"

#include <cstdio>
#include <cstdlib>

namespace imledger {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "OK";
    case StatusCode::kInvalidArgument:
      return "invalid argument";
    case StatusCode::kNotFound:
      return "not found";
    case StatusCode::kAlreadyExists:
      return "already exists";
    case StatusCode::kPermissionDenied:
      return "permission denied";
    case StatusCode::kUnauthenticated:
      return "unauthenticated";
    case StatusCode::kFailedPrecondition:
      return "failed precondition";
    case StatusCode::kOutOfRange:
      return "out of range";
    case StatusCode::kCorruption:
      return "corruption";
    case StatusCode::kIoError:
      return "I/O error";
    case StatusCode::kInternal:
      return "internal error";
    case StatusCode::kResourceExhausted:
      return "resource exhausted";
  }
  return "unknown status";
}

std::string Status::ToString() const {
  if (ok()) {
    return "OK";
  }
  std::string text(StatusCodeName(code_));
  text += ": ";
  text += message_;
  return text;
}

void Fail(std::string_view message, SourceLocation where) {
  std::fprintf(stderr, "imledger: internal check failed at %s:%d: %.*s\n", where.file, where.line,
               static_cast<int>(message.size()), message.data());
  std::abort();
}

}  // namespace imledger
