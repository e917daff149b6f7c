// Secret: a password held by the configuration. It cannot be printed: it has
// no operator<< and no fmt formatter, so `fmt::format("{}", secret)` and
// `out << secret` do not compile. reveal() hands the text to the code that
// must send it (the protocol's authentication) and to nothing else; the
// memory is wiped when the Secret dies. Value type, not thread-safe.
#pragma once

#include <string>
#include <utility>

namespace sidecar::app {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string text) : text_(std::move(text)) {}
  Secret(const Secret&) = default;
  Secret& operator=(const Secret& other) {
    if (this != &other) {
      Wipe();
      text_ = other.text_;
    }
    return *this;
  }
  Secret(Secret&& other) noexcept : text_(std::move(other.text_)) { other.Wipe(); }
  Secret& operator=(Secret&& other) noexcept {
    if (this != &other) {
      Wipe();
      text_ = std::move(other.text_);
      other.Wipe();
    }
    return *this;
  }
  ~Secret() { Wipe(); }

  bool empty() const { return text_.empty(); }
  // For the protocol code only: never log, format or store what this returns.
  const std::string& reveal() const { return text_; }

  // What every printed form of a secret shows instead of it.
  static constexpr const char* kMask = "********";

 private:
  void Wipe() {
    volatile char* bytes = text_.data();
    for (std::size_t i = 0; i < text_.size(); ++i) bytes[i] = 0;
    text_.clear();
  }

  std::string text_;
};

}  // namespace sidecar::app
