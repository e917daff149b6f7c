// The puller's side of the disk budget (PullerOptions::pause_reason and
// on_no_space), against a fake primary: while the gate gives a reason the
// puller stops pulling after the batch it stored and does not reconnect; once
// the gate opens it resumes by itself and the stored file ends identical to
// the primary's. A full disk (an Append failing with NoSpace) is reported,
// pauses the puller instead of failing it, and loses nothing. With a real
// BudgetKeeper wired in (room_for, on_flushed, pause_reason, as the daemon
// does), the puller stops before the first event that does not fit in the
// share: the files on disk never exceed it, and once the share grows the
// event is fetched again and the file ends identical.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "budget/budget_keeper.h"
#include "budget/stored_bytes.h"
#include "puller_test_harness.h"

namespace sidecar::testing {
namespace {

constexpr int kTransactions = 20;

// Serves the binlog, stalling 300 ms at `offset` so the first part is a batch of its own.
Sabotage StallAt(uint64_t offset, const std::function<void()>& at_stall = {}) {
  return [offset, at_stall](FakeDump&, uint64_t at, std::vector<uint8_t>&) {
    if (at == offset) {
      if (at_stall) at_stall();
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
    return true;
  };
}

uint64_t MiddleTransactionEnd(const TestBinlog& binlog) {
  int seen = 0;
  for (const auto& e : binlog.events) {
    if (e.ends_transaction && ++seen == kTransactions / 2) return e.offset + e.bytes.size();
  }
  return 0;
}

TEST(BudgetPullerGateTest, AClosedGateStopsThePullUntilItOpens) {
  PullerHarness h;
  h.OpenStore();
  const TestBinlog binlog = TestBinlog::Build(kTransactions);
  const uint64_t middle = MiddleTransactionEnd(binlog);
  FakePrimary primary({}, [&](FakeDump& dump) {
    return ServeBinlog(dump, binlog, dump.connection() == 1 ? StallAt(middle) : Sabotage());
  });
  std::atomic<bool> closed{true};
  upstream::PullerOptions options = h.Options(primary.port(), false);
  options.pause_reason = [&]() -> std::string {
    return closed ? "budget_exhausted: the test says so" : "";
  };
  h.StartPuller(std::move(options));
  ASSERT_TRUE(PullerHarness::WaitFor([&] { return h.Logged("paused: budget_exhausted"); }))
      << ::testing::PrintToString(h.log_lines());
  // Paused after the first batch: no more is stored and no new dump starts.
  const auto paused_at = h.store().durable_position().Get();
  EXPECT_LT(paused_at.offset, binlog.file.size());
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  EXPECT_EQ(h.store().durable_position().Get().offset, paused_at.offset);
  EXPECT_EQ(primary.dumps(), 1);
  EXPECT_FALSE(h.puller().failed());

  closed = false;
  ASSERT_TRUE(h.WaitUntilDurable(kBinlogName, binlog.file.size()));
  EXPECT_GE(primary.dumps(), 2);
  EXPECT_TRUE(h.Logged("resumes"));
  h.StopPuller();
  EXPECT_EQ(h.StoredFile(kBinlogName), binlog.file);
}

TEST(BudgetPullerGateTest, AFullDiskPausesInsteadOfFailingAndLosesNothing) {
  PullerHarness h;
  h.OpenStore();
  const TestBinlog binlog = TestBinlog::Build(kTransactions);
  // Once the first half is durable (the file exists), the next write of its data hits a
  // full disk.
  const uint64_t middle = MiddleTransactionEnd(binlog);
  const auto fill_the_disk = [&] {
    PullerHarness::WaitFor([&] { return h.store().durable_position().Get().offset >= middle; });
    h.env().base().FailWrites(1, Status::NoSpace("injected: No space left on device"));
  };
  FakePrimary primary({}, [&](FakeDump& dump) {
    return ServeBinlog(dump, binlog,
                       dump.connection() == 1 ? StallAt(middle, fill_the_disk) : Sabotage());
  });
  std::atomic<bool> full{false};
  std::atomic<int> reports{0};
  upstream::PullerOptions options = h.Options(primary.port(), false);
  options.pause_reason = [&]() -> std::string { return full ? "disk_full: injected" : ""; };
  options.on_no_space = [&](const Status& s) {
    EXPECT_EQ(s.code(), Status::Code::kNoSpace);
    ++reports;
    full = true;
  };
  h.StartPuller(std::move(options));
  ASSERT_TRUE(PullerHarness::WaitFor([&] { return reports > 0; }))
      << ::testing::PrintToString(h.log_lines());
  ASSERT_TRUE(PullerHarness::WaitFor([&] { return h.Logged("paused: "); }));
  EXPECT_FALSE(h.puller().failed());

  full = false;
  ASSERT_TRUE(h.WaitUntilDurable(kBinlogName, binlog.file.size()))
      << ::testing::PrintToString(h.log_lines());
  EXPECT_FALSE(h.puller().failed());
  h.StopPuller();
  EXPECT_EQ(h.StoredFile(kBinlogName), binlog.file);
}

TEST(BudgetPullerGateTest, TheStoreNeverHoldsMoreThanItsShareNotEvenForOneBatch) {
  PullerHarness h;
  h.OpenStore();
  const TestBinlog binlog = TestBinlog::Build(kTransactions);
  // A share that ends inside the middle transaction's last event.
  const uint64_t share = MiddleTransactionEnd(binlog) - 7;
  const uint64_t disk = share + 5000;
  FakePrimary primary({}, [&](FakeDump& dump) { return ServeBinlog(dump, binlog); });

  std::atomic<uint64_t> relay_limit{disk - share};
  budget::BudgetKeeperOptions keeper_options;
  keeper_options.disk_budget = disk;
  keeper_options.keep_min = std::chrono::hours(1);
  keeper_options.poll_interval = std::chrono::milliseconds(50);
  keeper_options.poll_replica = [&] {
    budget::ReplicaSnapshot replica;
    replica.reachable = true;
    replica.is_replica = true;
    replica.relay_log_space_limit = relay_limit.load();
    return replica;
  };
  budget::BudgetKeeper keeper(&h.store(), std::move(keeper_options));
  keeper.RunOnce();  // the replica's relay_log_space_limit is known before the first event
  keeper.Start();

  upstream::PullerOptions options = h.Options(primary.port(), false);
  options.pause_reason = [&] { return keeper.PauseReason(); };
  options.room_for = [&](const binlog::EventView& event) { return keeper.RoomFor(event); };
  options.on_flushed = [&] { keeper.MarkFlushed(); };
  h.StartPuller(std::move(options));

  const auto stored = [&] {
    auto bytes = budget::StoredBinlogBytes(h.store().env(), h.store().binlog_dir());
    EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
    return bytes.ok() ? *bytes : 0;
  };
  uint64_t peak = 0;
  ASSERT_TRUE(PullerHarness::WaitFor([&] {
    peak = std::max(peak, stored());
    return h.Logged("paused: budget_exhausted");
  })) << ::testing::PrintToString(h.log_lines());
  const budget::BudgetStatus status = keeper.status();
  EXPECT_TRUE(status.back_pressure);
  EXPECT_EQ(std::string(budget::BudgetStateName(status)), "budget_exhausted");
  EXPECT_EQ(status.allowed_bytes, share);
  for (int i = 0; i < 10; ++i) {
    peak = std::max(peak, stored());
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
  }
  EXPECT_LE(peak, share);
  // Stopped right before the event that does not fit: every event up to it is in the file.
  const uint64_t held = stored();
  bool next_does_not_fit = false;
  for (const auto& e : binlog.events) {
    if (e.offset == held) next_does_not_fit = held + e.bytes.size() > share;
  }
  EXPECT_TRUE(next_does_not_fit) << "stopped at " << held << ", share " << share;
  EXPECT_FALSE(h.puller().failed());

  relay_limit = 0;  // the whole disk budget is the share now: room for the rest
  ASSERT_TRUE(h.WaitUntilDurable(kBinlogName, binlog.file.size()))
      << ::testing::PrintToString(h.log_lines());
  EXPECT_TRUE(h.Logged("resumes"));
  EXPECT_FALSE(keeper.status().back_pressure);
  h.StopPuller();
  keeper.Stop();
  EXPECT_EQ(h.StoredFile(kBinlogName), binlog.file);
}

}  // namespace
}  // namespace sidecar::testing
