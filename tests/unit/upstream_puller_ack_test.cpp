// The puller as a semi-sync replica, through the filesystem seam: every ACK a
// (fake) primary receives comes after the fdatasync that made its event
// durable, and a failing fdatasync sends no ACK at all.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "puller_test_harness.h"

namespace sidecar::testing {
namespace {

constexpr int kTransactions = 25;

std::vector<OrderEntry> Acks(const OrderLog& log) {
  std::vector<OrderEntry> acks;
  for (const auto& e : log.entries()) {
    if (e.kind == OrderEntry::Kind::kAck) acks.push_back(e);
  }
  return acks;
}

FakePrimaryOptions SemiSyncPrimary(OrderLog* log) {
  FakePrimaryOptions options;
  options.semi_sync = true;
  options.on_ack = [log](const std::string& file, uint64_t position) {
    log->Add({OrderEntry::Kind::kAck, file, position});
  };
  return options;
}

TEST(UpstreamPullerAckTest, EveryAckFollowsTheFdatasyncCoveringItsEvent) {
  PullerHarness h;
  h.OpenStore();
  const TestBinlog binlog = TestBinlog::Build(kTransactions);
  FakePrimary primary(SemiSyncPrimary(&h.order()),
                      [&](FakeDump& dump) { return ServeBinlog(dump, binlog); });
  h.StartPuller(h.Options(primary.port(), true));
  ASSERT_TRUE(PullerHarness::WaitFor([&] { return Acks(h.order()).size() == kTransactions; }))
      << Acks(h.order()).size() << " ACKs";

  std::vector<uint64_t> xid_ends;
  for (const auto& e : binlog.events) {
    if (e.ends_transaction) xid_ends.push_back(e.offset + e.bytes.size());
  }
  const auto entries = h.order().entries();
  size_t acks = 0;
  uint64_t synced = 0;  // what the seam saw fdatasync'd so far, in log order
  for (const auto& e : entries) {
    if (e.kind == OrderEntry::Kind::kSynced) {
      if (e.file == kBinlogName) synced = std::max(synced, e.position);
      continue;
    }
    ASSERT_LT(acks, xid_ends.size());
    EXPECT_EQ(e.file, kBinlogName);
    EXPECT_EQ(e.position, xid_ends[acks]) << "ACK " << acks << " is not its transaction's end";
    EXPECT_GE(synced, e.position) << "ACK of " << e.file << ":" << e.position
                                  << " arrived before an fdatasync covered it (synced "
                                  << synced << ")";
    ++acks;
  }
  EXPECT_EQ(acks, size_t(kTransactions));
  // Stopped first: the puller counts an ACK after writing it, so the primary may hold the last
  // ACK before the count does.
  h.puller().Stop();
  EXPECT_EQ(h.puller().status().acks_sent, uint64_t(kTransactions));
  h.StopPuller();
  EXPECT_EQ(h.StoredFile(kBinlogName), binlog.file);
}

// A primary's group commit: many transactions arrive at once, each asking
// for an ACK. One sync covers them, and the ACKs (fewer than the
// transactions) each name a transaction's end that an fdatasync already
// covered; the last names the end of the last transaction.
TEST(UpstreamPullerAckTest, AckRequestsArrivingTogetherShareSyncsAndAcks) {
  PullerHarness h;
  h.OpenStore();
  const TestBinlog binlog = TestBinlog::Build(kTransactions);
  FakePrimary primary(SemiSyncPrimary(&h.order()),
                      [&](FakeDump& dump) { return ServeBinlogInOneBurst(dump, binlog); });
  h.StartPuller(h.Options(primary.port(), true));
  ASSERT_TRUE(PullerHarness::WaitFor([&] {
    const auto acks = Acks(h.order());
    return !acks.empty() && acks.back().position == binlog.file.size();
  })) << Acks(h.order()).size() << " ACKs";
  h.puller().Stop();  // then the count includes the last ACK (counted after it is written)
  const uint64_t acks_sent = h.puller().status().acks_sent;
  h.StopPuller();

  std::set<uint64_t> xid_ends;
  for (const auto& e : binlog.events) {
    if (e.ends_transaction) xid_ends.insert(e.offset + e.bytes.size());
  }
  uint64_t synced = 0;
  uint64_t last_ack = 0;
  size_t acks = 0;
  for (const auto& e : h.order().entries()) {
    if (e.kind == OrderEntry::Kind::kSynced) {
      if (e.file == kBinlogName) synced = std::max(synced, e.position);
      continue;
    }
    ++acks;
    EXPECT_TRUE(xid_ends.count(e.position)) << "ACK of " << e.position << " is not at an XID end";
    EXPECT_GT(e.position, last_ack) << "ACKs go forward";
    EXPECT_GE(synced, e.position) << "ACK of " << e.position << " before an fdatasync covered it";
    last_ack = e.position;
  }
  EXPECT_LT(acks, size_t(kTransactions)) << "one ACK per transaction: no batching";
  EXPECT_EQ(acks_sent, acks);
  EXPECT_EQ(h.StoredFile(kBinlogName), binlog.file);
}

TEST(UpstreamPullerAckTest, FailingFdatasyncSendsNoAckAndStopsThePull) {
  PullerHarness h;
  h.OpenStore();
  const TestBinlog binlog = TestBinlog::Build(3);
  FakePrimary primary(SemiSyncPrimary(&h.order()),
                      [&](FakeDump& dump) { return ServeBinlog(dump, binlog); });
  h.env().set_fail_syncs(true);
  h.StartPuller(h.Options(primary.port(), true));
  ASSERT_TRUE(PullerHarness::WaitFor([&] { return h.puller().failed(); }));
  h.StopPuller();
  primary.Stop();
  EXPECT_TRUE(Acks(h.order()).empty()) << "an ACK was sent for bytes that are not durable";
  EXPECT_EQ(primary.dumps(), 1) << "a broken store must not pull on";
  EXPECT_TRUE(h.Logged("the store failed")) << ::testing::PrintToString(h.log_lines());
  EXPECT_TRUE(h.Logged("injected"));
}

}  // namespace
}  // namespace sidecar::testing
