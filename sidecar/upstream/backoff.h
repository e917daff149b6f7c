// Backoff: the delays between reconnection attempts. Capped exponential with
// "equal jitter": attempt n (from 0) waits a value drawn uniformly from
// [d/2, d], d = min(max, initial * 2^n). Jitter keeps a fleet of sidecars
// from reconnecting in lockstep after a primary restart; the floor d/2 keeps
// the back-off meaningful. Reset() after a connection that worked.
//
// Deterministic for a given seed (tests check values, never sleep).
// Not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace sidecar::upstream {

class Backoff {
 public:
  struct Options {
    std::chrono::milliseconds initial{100};
    std::chrono::milliseconds max{30000};
  };

  Backoff(Options options, uint64_t seed);

  // The delay before the next attempt; advances the schedule.
  std::chrono::milliseconds Next();
  void Reset() { attempts_ = 0; }
  int attempts() const { return attempts_; }

 private:
  const Options options_;
  std::mt19937_64 random_;
  int attempts_ = 0;
};

}  // namespace sidecar::upstream
