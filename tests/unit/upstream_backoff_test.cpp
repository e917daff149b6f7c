// Backoff: capped exponential delays with equal jitter, as values (no sleeping).
#include <gtest/gtest.h>

#include "upstream/backoff.h"

namespace sidecar::upstream {
namespace {

using std::chrono::milliseconds;

TEST(UpstreamBackoffTest, GrowsExponentiallyWithinJitterBounds) {
  Backoff backoff({milliseconds(100), milliseconds(30000)}, 42);
  int64_t ceiling = 100;
  for (int i = 0; i < 8; ++i) {
    const int64_t d = backoff.Next().count();
    EXPECT_GE(d, ceiling / 2) << "attempt " << i;
    EXPECT_LE(d, ceiling) << "attempt " << i;
    ceiling *= 2;
  }
  EXPECT_EQ(backoff.attempts(), 8);
}

TEST(UpstreamBackoffTest, IsCappedAtMax) {
  Backoff backoff({milliseconds(100), milliseconds(30000)}, 7);
  for (int i = 0; i < 200; ++i) {
    const int64_t d = backoff.Next().count();
    EXPECT_LE(d, 30000);
    if (i >= 10) {
      EXPECT_GE(d, 15000);
    }
  }
}

TEST(UpstreamBackoffTest, IsJittered) {
  Backoff a({milliseconds(100), milliseconds(30000)}, 1);
  Backoff b({milliseconds(100), milliseconds(30000)}, 2);
  bool differ = false;
  for (int i = 0; i < 10; ++i) differ = differ || a.Next() != b.Next();
  EXPECT_TRUE(differ);
}

TEST(UpstreamBackoffTest, ResetStartsOver) {
  Backoff backoff({milliseconds(100), milliseconds(30000)}, 3);
  for (int i = 0; i < 10; ++i) backoff.Next();
  backoff.Reset();
  EXPECT_EQ(backoff.attempts(), 0);
  EXPECT_LE(backoff.Next().count(), 100);
}

}  // namespace
}  // namespace sidecar::upstream
