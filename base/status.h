// Status and Result<T>: how every fallible call in imledger reports failure.
//
// A Status is a code plus a message written for the person who must act on it: it names the
// value that was wrong and states what to do. Byzantine or malformed input is always reported
// this way, never by an exception or an abort. Both types are values and thread-compatible.

#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "base/check.h"

namespace imledger {

enum class StatusCode : uint8_t {
  kOk = 0,
  kInvalidArgument,   // The caller's input is malformed or out of range.
  kNotFound,          // The named object does not exist.
  kAlreadyExists,     // The object exists and may not be created again.
  kPermissionDenied,  // The file or signer is not allowed to do this.
  kUnauthenticated,   // A signature, MAC or passphrase did not verify.
  kFailedPrecondition,
  kOutOfRange,
  kCorruption,  // Stored or received bytes are inconsistent with their format.
  kIoError,
  kInternal,
  kResourceExhausted,  // A bounded queue or quota is full; retrying later may succeed.
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;

  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  static Status InvalidArgument(std::string m) {
    return {StatusCode::kInvalidArgument, std::move(m)};
  }

  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }

  static Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }

  static Status PermissionDenied(std::string m) {
    return {StatusCode::kPermissionDenied, std::move(m)};
  }

  static Status Unauthenticated(std::string m) {
    return {StatusCode::kUnauthenticated, std::move(m)};
  }

  static Status FailedPrecondition(std::string m) {
    return {StatusCode::kFailedPrecondition, std::move(m)};
  }

  static Status OutOfRange(std::string m) { return {StatusCode::kOutOfRange, std::move(m)}; }

  static Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }

  static Status IoError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }

  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  static Status ResourceExhausted(std::string m) {
    return {StatusCode::kResourceExhausted, std::move(m)};
  }

  bool ok() const { return code_ == StatusCode::kOk; }

  StatusCode code() const { return code_; }

  const std::string& message() const { return message_; }

  // "Corruption: <message>", or "OK".
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Result<T> contains either a T or a failed Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT(google-explicit-constructor)

  Result(Status status) : state_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    Check(!std::get<Status>(state_).ok(), "Result constructed from an OK status");
  }

  bool ok() const { return std::holds_alternative<T>(state_); }

  // The failure, or OK when the result contains a value.
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(state_); }

  const T& value() const& {
    CheckHasValue();
    return std::get<T>(state_);
  }

  T& value() & {
    CheckHasValue();
    return std::get<T>(state_);
  }

  T&& value() && {
    CheckHasValue();
    return std::get<T>(std::move(state_));
  }

  const T& operator*() const& { return value(); }

  T& operator*() & { return value(); }

  const T* operator->() const { return &value(); }

  T* operator->() { return &value(); }

 private:
  void CheckHasValue() const {
    if (!ok()) {
      Fail("value() called on a failed Result: " + std::get<Status>(state_).ToString());
    }
  }

  std::variant<T, Status> state_;
};

}  // namespace imledger
