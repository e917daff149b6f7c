#include "upstream/backoff.h"

#include <algorithm>

namespace sidecar::upstream {

Backoff::Backoff(Options options, uint64_t seed) : options_(options), random_(seed) {}

std::chrono::milliseconds Backoff::Next() {
  const int64_t initial = std::max<int64_t>(1, options_.initial.count());
  const int64_t cap = std::max<int64_t>(initial, options_.max.count());
  int64_t ceiling = initial;
  for (int i = 0; i < attempts_ && ceiling < cap; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, cap);
  ++attempts_;
  std::uniform_int_distribution<int64_t> jitter(ceiling / 2, ceiling);
  return std::chrono::milliseconds(jitter(random_));
}

}  // namespace sidecar::upstream
