// Bad upstream input, from a fake primary: an event with a bad CRC, an event
// longer than its packet, a packet header promising more than comes, a
// sequence-id jump, an ERR in the middle of the stream. Each ends the
// connection with one clear log line and a reconnect; nothing of the bad
// event is stored (when the primary is asked again, the store holds a prefix
// of the primary's file ending before the bad event, and the checkpoint sits
// on the transaction end before it); in the end the stored file is the
// primary's, byte for byte.
#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

#include "puller_test_harness.h"
#include "store_test_driver.h"

namespace sidecar::testing {
namespace {

constexpr int kTransactions = 12;
// The bad event: transaction 6's INSERT query (GTID, QUERY, XID per transaction).
constexpr size_t kBadEvent = 1 + 5 * 3 + 1;

struct Observed {
  std::mutex mu;
  std::vector<uint32_t> dump_positions;
  std::vector<std::string> problems;  // found on the fake's thread
};

// Connection 1 gets the binlog with `sabotage` applied to the bad event; later
// connections get it intact, after checking what the store holds.
void RunCase(const Sabotage& sabotage, const std::string& expected_log) {
  PullerHarness h;
  h.OpenStore();
  const TestBinlog binlog = TestBinlog::Build(kTransactions);
  const uint64_t bad_offset = binlog.events[kBadEvent].offset;
  const uint64_t boundary_before = binlog.events[kBadEvent - 1].offset;  // its GTID's start
  Observed seen;
  FakePrimary primary({}, [&](FakeDump& dump) {
    {
      std::lock_guard lock(seen.mu);
      seen.dump_positions.push_back(dump.position());
      if (dump.connection() > 1) {
        const auto stored = ReadWholeFile(h.env(), "/data/binlog/" + std::string(kBinlogName));
        if (stored.size() > bad_offset ||
            !std::equal(stored.begin(), stored.end(), binlog.file.begin())) {
          seen.problems.push_back("the store holds bytes the primary did not send before the "
                                  "bad event (" + std::to_string(stored.size()) + " bytes)");
        }
        if (h.store().durable_position().Get().offset > boundary_before) {
          seen.problems.push_back("the durable position passed the last good transaction end");
        }
      }
    }
    if (dump.connection() > 1) return ServeBinlog(dump, binlog);
    return ServeBinlog(dump, binlog, [&](FakeDump& d, uint64_t offset, std::vector<uint8_t>& e) {
      return offset != bad_offset || sabotage(d, offset, e);
    });
  });
  h.StartPuller(h.Options(primary.port(), false));
  const uint64_t end = binlog.file.size();
  ASSERT_TRUE(h.WaitUntilDurable(kBinlogName, end)) << ::testing::PrintToString(h.log_lines());
  const auto status = h.puller().status();
  h.StopPuller();
  primary.Stop();

  EXPECT_TRUE(h.Logged(expected_log)) << "no log line with '" << expected_log << "' in "
                                      << ::testing::PrintToString(h.log_lines());
  EXPECT_TRUE(h.Logged("reconnecting in"));
  EXPECT_GE(status.reconnects, 1u);
  std::lock_guard lock(seen.mu);
  EXPECT_TRUE(seen.problems.empty()) << ::testing::PrintToString(seen.problems);
  ASSERT_GE(seen.dump_positions.size(), 2u);
  EXPECT_EQ(seen.dump_positions[0], 4u);
  EXPECT_EQ(seen.dump_positions[1], boundary_before)
      << "the second dump must resume at the transaction end before the bad event";
  EXPECT_EQ(h.StoredFile(kBinlogName), binlog.file);
}

TEST(UpstreamPullerBadInputTest, BadCrcIsLoggedNotStoredAndPulledAgain) {
  RunCase(
      [](FakeDump&, uint64_t, std::vector<uint8_t>& event) {
        event[event.size() / 2] ^= 0x5A;
        return true;
      },
      "CRC32 mismatch");
}

TEST(UpstreamPullerBadInputTest, EventLengthDisagreeingWithItsPacketIsRefused) {
  RunCase(
      [](FakeDump&, uint64_t, std::vector<uint8_t>& event) {
        event.resize(event.size() - 7);
        return true;
      },
      "the packet carries");
}

TEST(UpstreamPullerBadInputTest, PacketHeaderPromisingMoreThanComesEndsTheConnection) {
  RunCase(
      [](FakeDump& dump, uint64_t, std::vector<uint8_t>& event) {
        // Says 0x00FFF0 payload bytes, sends the event, closes.
        std::vector<uint8_t> raw = {0xF0, 0xFF, 0x00, 2, 0x00};
        raw.insert(raw.end(), event.begin(), event.end());
        (void)dump.SendRaw(raw);
        return false;
      },
      "truncated packet");
}

TEST(UpstreamPullerBadInputTest, SequenceIdJumpIsRefused) {
  RunCase(
      [](FakeDump& dump, uint64_t, std::vector<uint8_t>&) {
        dump.SkipIds(3);
        return true;
      },
      "sequence id");
}

TEST(UpstreamPullerBadInputTest, ErrMidStreamIsLoggedWithThePrimarysMessage) {
  RunCase(
      [](FakeDump& dump, uint64_t, std::vector<uint8_t>&) {
        const std::string message = "binlog truncated in the middle of event; consider out of disk";
        std::vector<uint8_t> err = {0xFF, 0xD4, 0x04, '#', 'H', 'Y', '0', '0', '0'};
        err.insert(err.end(), message.begin(), message.end());
        (void)dump.SendPayload(err);
        return false;
      },
      "ERROR 1236 (HY000): binlog truncated in the middle of event");
}

}  // namespace
}  // namespace sidecar::testing
