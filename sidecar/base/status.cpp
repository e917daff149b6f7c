#include "base/status.h"

namespace sidecar {

std::string Status::ToString() const {
  const char* prefix = "ok";
  switch (code_) {
    case Code::kOk:
      return "ok";
    case Code::kInvalidArgument:
      prefix = "invalid argument";
      break;
    case Code::kCorruption:
      prefix = "corruption";
      break;
    case Code::kIOError:
      prefix = "I/O error";
      break;
    case Code::kNotFound:
      prefix = "not found";
      break;
    case Code::kUnsupported:
      prefix = "unsupported";
      break;
    case Code::kNoSpace:
      prefix = "no space";
      break;
  }
  return std::string(prefix) + ": " + message_;
}

}  // namespace sidecar
