// The puller checks which primary it talks to: the server the store was
// filled from is accepted at a new address; another server is refused (and
// nothing is dumped from it) unless gtid = on, where it is a failover that
// must continue the stored history by GTID (upstream_failover_rewrite_test.cpp).
#include <gtest/gtest.h>

#include "puller_test_harness.h"

namespace sidecar::testing {
namespace {

FakePrimaryOptions Server(uint32_t server_id) {
  FakePrimaryOptions o;
  o.server_id = server_id;
  return o;
}

// Fills the store from server_id 1 with `binlog`.
void Fill(PullerHarness& h, const TestBinlog& binlog) {
  FakePrimary first(Server(1), [&](FakeDump& dump) { return ServeBinlog(dump, binlog); });
  h.StartPuller(h.Options(first.port(), false));
  ASSERT_TRUE(h.WaitUntilDurable(kBinlogName, binlog.file.size()));
  h.StopPuller();
}

TEST(UpstreamPullerIdentityTest, SamePrimaryAtAnotherAddressContinues) {
  PullerHarness h;
  h.OpenStore();
  const TestBinlog before = TestBinlog::Build(6);
  const TestBinlog after = TestBinlog::Build(10);
  Fill(h, before);
  FakePrimary moved(Server(1), [&](FakeDump& dump) { return ServeBinlog(dump, after); });
  h.StartPuller(h.Options(moved.port(), false));
  ASSERT_TRUE(h.WaitUntilDurable(kBinlogName, after.file.size()));
  h.StopPuller();
  EXPECT_EQ(h.StoredFile(kBinlogName), after.file);
  EXPECT_FALSE(h.Logged("refusing"));
}

TEST(UpstreamPullerIdentityTest, AnotherServerIsRefusedWithoutGtidAndNothingIsDumped) {
  PullerHarness h;
  h.OpenStore();
  const TestBinlog before = TestBinlog::Build(6);
  Fill(h, before);
  FakePrimary other(Server(2), [&](FakeDump& dump) { return ServeBinlog(dump, before); });
  h.StartPuller(h.Options(other.port(), false));
  ASSERT_TRUE(PullerHarness::WaitFor([&] { return h.puller().status().reconnects >= 2; }));
  const auto status = h.puller().status();
  h.StopPuller();
  other.Stop();
  EXPECT_EQ(other.dumps(), 0);
  EXPECT_NE(status.last_error.find("refusing MariaDB server_id 2"), std::string::npos)
      << status.last_error;
  EXPECT_NE(status.last_error.find("MariaDB server_id 1"), std::string::npos);
  EXPECT_EQ(h.StoredFile(kBinlogName), before.file);
  EXPECT_EQ(h.store().writer().upstream().server_id, 1u);
}

}  // namespace
}  // namespace sidecar::testing
