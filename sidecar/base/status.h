// Status and Result<T>: how errors cross module boundaries.
//
// Parsing untrusted input never throws and never aborts: every fallible
// function returns a Status (or a Result<T> carrying a value or a Status),
// whose message is a sentence a DBA can act on ("event at offset 1234 is 18
// bytes long, shorter than its 19-byte header").
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace sidecar {

class Status {
 public:
  enum class Code {
    kOk,
    kInvalidArgument,  // the caller's input is not acceptable (config, usage)
    kCorruption,       // bytes on disk or on the wire are malformed
    kIOError,          // the operating system refused
    kNotFound,
    kUnsupported,  // well-formed but outside what we implement
    kNoSpace,      // the disk or the quota is full (ENOSPC, EDQUOT, SQLITE_FULL)
  };

  Status() = default;  // OK
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) {
    return {Code::kInvalidArgument, std::move(msg)};
  }
  static Status Corruption(std::string msg) { return {Code::kCorruption, std::move(msg)}; }
  static Status IOError(std::string msg) { return {Code::kIOError, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {Code::kNotFound, std::move(msg)}; }
  static Status Unsupported(std::string msg) { return {Code::kUnsupported, std::move(msg)}; }
  static Status NoSpace(std::string msg) { return {Code::kNoSpace, std::move(msg)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // "corruption: <message>", or "ok".
  std::string ToString() const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}

  Code code_ = Code::kOk;
  std::string message_;
};

// A value or the Status that explains why there is none.
template <typename T>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : state_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(state_).ok() && "a Result built from a Status must carry an error");
  }

  bool ok() const { return std::holds_alternative<T>(state_); }
  // REQUIRES: !ok()
  const Status& status() const { return std::get<Status>(state_); }
  // REQUIRES: ok()
  const T& value() const& { return std::get<T>(state_); }
  T& value() & { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  const T& operator*() const& { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace sidecar
