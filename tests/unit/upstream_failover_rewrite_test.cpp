// Failover to a primary whose files do not continue the stored ones (a
// promoted replica with its own numbering): the puller stores its binlog under
// the next local file names with end_log_pos and CRC32 rewritten
// (LocalContinuation), verified by GTID first, resumable after a reconnect and
// a restart, with semi-sync ACKs naming the primary's own coordinates.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <functional>

#include "binlog/crc32.h"
#include "binlog/event_type.h"
#include "binlog/mariadb_events.h"
#include "puller_test_harness.h"
#include "store/stored_file_scan.h"
#include "support/event_builder.h"
#include "upstream/local_continuation.h"
#include "upstream_stream.h"

namespace sidecar::testing {
namespace {

using binlog::EventType;

// A promoted replica's binlog: files of its own, each FDE, GTID_LIST (its own
// state at the file's start), BINLOG_CHECKPOINT, transactions 0-1-n, and a
// ROTATE to the next file (not the last file).
struct PromotedBinlog {
  struct Event {
    std::vector<uint8_t> bytes;
    uint64_t gtid_seq = 0;  // the transaction it belongs to (0: none)
    bool ends_transaction = false;
  };
  std::vector<std::string> names;
  std::vector<std::vector<Event>> files;  // events from the FDE on

  // Files of `per_file` transactions, numbered from 1, up to `transactions`.
  static PromotedBinlog Build(int transactions, int per_file) {
    PromotedBinlog b;
    const int file_count = (transactions + per_file - 1) / per_file;
    uint64_t seq = 0;
    for (int f = 0; f < file_count; ++f) {
      b.names.push_back(fmt::format("mysql-bin.{:06}", f + 1));
      BinlogFileBuilder builder(kMariadbFdeFixture);
      builder.Add({.type = EventType::kGtidList,
                   .body = BodyWriter().U32(1).U32(0).U32(1).U64(seq).bytes(),
                   .server_id = 2});
      BodyWriter checkpoint;
      checkpoint.U32(uint32_t(b.names.back().size())).Str(b.names.back());
      builder.Add(
          {.type = EventType::kBinlogCheckpoint, .body = checkpoint.bytes(), .server_id = 2});
      std::vector<uint64_t> seqs(1, 0);  // FDE
      seqs.push_back(0);
      seqs.push_back(0);
      for (int t = 0; t < per_file && int(seq) < transactions; ++t) {
        ++seq;
        builder.Add({.type = EventType::kMariadbGtid, .body = MariadbGtidBody(seq, 0, 0)});
        builder.Add({.type = EventType::kQuery,
                     .body = QueryBody("INSERT INTO t VALUES (" + std::to_string(seq) + ")")});
        builder.Add({.type = EventType::kXid, .body = XidBody(seq)});
        seqs.insert(seqs.end(), {seq, seq, seq});
      }
      if (f + 1 < file_count) {
        const std::string next = fmt::format("mysql-bin.{:06}", f + 2);
        builder.Add({.type = EventType::kRotate,
                     .body = BodyWriter().U64(4).Str(next).bytes(),
                     .server_id = 2});
        seqs.push_back(0);
      }
      std::vector<Event> events;
      const auto& bytes = builder.bytes();
      size_t i = 0;
      for (uint64_t at = 4; at < bytes.size(); ++i) {
        auto header = binlog::EventHeader::Parse(Bytes(bytes).subspan(at));
        EXPECT_TRUE(header.ok());
        if (!header.ok()) break;
        const auto begin = bytes.begin() + long(at);
        events.push_back({std::vector<uint8_t>(begin, begin + header->event_size), seqs.at(i),
                          EventType(header->type) == EventType::kXid});
        at += header->event_size;
      }
      b.files.push_back(std::move(events));
    }
    return b;
  }

  // The primary's own coordinates after the last event.
  std::pair<std::string, uint64_t> End() const {
    uint64_t size = 4;
    for (const auto& e : files.back()) size += e.bytes.size();
    return {names.back(), size};
  }
};

uint64_t ConnectSeq(const std::string& state) {
  const size_t dash = state.rfind('-');
  return dash == std::string::npos ? 0 : std::stoull(state.substr(dash + 1));
}

// How a dump of the promoted replica ends early.
struct Interruption {
  uint64_t cut_in = 0;   // > 0: ends the dump inside that transaction (after GTID and query)
  int crash_before = 0;  // > 0: calls `crash` before the n-th event sent, then ends the dump
  std::function<void()> crash;
};

// Serves `binlog` as MariaDB serves a GTID dump: from the first file, the
// transactions the replica has left out.
Status ServePromoted(FakeDump& dump, const PromotedBinlog& binlog, const Interruption& stop = {}) {
  const uint64_t have = ConnectSeq(dump.connect_state());
  int sent = 1;
  const auto rotate = Reframe(MakeEvent({.type = EventType::kRotate,
                                         .body = BodyWriter().U64(4).Str(binlog.names[0]).bytes(),
                                         .timestamp = 0},
                                        0),
                              0, binlog::kFlagArtificial);
  if (Status s = dump.SendEvent(rotate); !s.ok()) return s;
  for (const auto& file : binlog.files) {
    for (const auto& e : file) {
      if (e.gtid_seq != 0 && e.gtid_seq <= have) continue;
      if (stop.cut_in != 0 && e.gtid_seq == stop.cut_in && e.ends_transaction) {
        return Status::Ok();
      }
      if (++sent == stop.crash_before) {
        stop.crash();
        return Status::Ok();
      }
      if (Status s = dump.SendEvent(e.bytes, e.ends_transaction); !s.ok()) return s;
    }
  }
  dump.AwaitClose();
  return Status::Ok();
}

// Every stored file checks clean (framing, CRC32, positions) to its end, and
// the GTIDs stored, in order.
std::vector<uint64_t> CheckStoredHistory(PullerHarness& h) {
  std::vector<uint64_t> seqs;
  auto files = h.store().state_db().ListFiles();
  EXPECT_TRUE(files.ok());
  if (!files.ok()) return seqs;
  for (size_t i = 0; i < files->size(); ++i) {
    const auto& row = (*files)[i];
    const std::vector<uint8_t> bytes = h.StoredFile(row.name);
    auto scan = store::ScanStoredFile(h.env(), "/data/binlog/" + row.name, row.name, bytes.size(),
                                      bytes.size(),
                                      store::StreamState());
    EXPECT_TRUE(scan.ok());
    if (!scan.ok()) continue;
    EXPECT_TRUE(scan->damage.ok()) << row.name << ": " << scan->damage.ToString();
    EXPECT_EQ(scan->boundary, bytes.size()) << row.name;
    if (i + 1 < files->size()) {
      EXPECT_EQ(scan->rotates_to, (*files)[i + 1].name) << row.name << " must rotate to the next";
    }
    for (uint64_t at = 4; at < bytes.size();) {
      auto header = binlog::EventHeader::Parse(Bytes(bytes).subspan(at));
      if (!header.ok()) break;
      const auto event = Bytes(bytes).subspan(at, header->event_size);
      if (EventType(header->type) == EventType::kMariadbGtid) {
        auto gtid = binlog::DecodeMariadbGtidEvent(binlog::EventView{*header, event, true});
        EXPECT_TRUE(gtid.ok());
        if (gtid.ok()) seqs.push_back(gtid->gtid.seq_no);
      }
      EXPECT_NE(EventType(header->type), EventType::kBinlogCheckpoint) << row.name;
      at += header->event_size;
    }
  }
  return seqs;
}

std::vector<uint64_t> Range(uint64_t first, uint64_t last) {
  std::vector<uint64_t> v;
  for (uint64_t n = first; n <= last; ++n) v.push_back(n);
  return v;
}

FakePrimaryOptions Server(uint32_t server_id, bool semi_sync = false) {
  FakePrimaryOptions o;
  o.server_id = server_id;
  o.semi_sync = semi_sync;
  return o;
}

void Fill(PullerHarness& h, const TestBinlog& binlog) {
  FakePrimary first(Server(1), [&](FakeDump& dump) { return ServeBinlog(dump, binlog); });
  h.StartPuller(h.Options(first.port(), false));
  ASSERT_TRUE(h.WaitUntilDurable(kBinlogName, binlog.file.size()));
  h.StopPuller();
}

// The GTID state of the committed checkpoint. Read through the state db, which
// is safe while the puller runs (the writer's resume point is not).
std::string DurableGtidState(PullerHarness& h) {
  auto checkpoint = h.store().state_db().LoadCheckpoint();
  return checkpoint.ok() && *checkpoint ? (*checkpoint)->gtid_state : std::string();
}

upstream::PullerOptions GtidOptions(PullerHarness& h, uint16_t port, bool semi_sync) {
  auto options = h.Options(port, semi_sync);
  options.gtid = upstream::GtidResumeMode::kOn;
  return options;
}

TEST(LocalFileNameTest, NextNumberKeepsTheWidth) {
  EXPECT_EQ(*upstream::NextLocalFileName("mysql-bin.000008"), "mysql-bin.000009");
  EXPECT_EQ(*upstream::NextLocalFileName("a.b.0099"), "a.b.0100");
  EXPECT_EQ(*upstream::NextLocalFileName("mysql-bin.999999"), "mysql-bin.1000000");
  EXPECT_FALSE(upstream::NextLocalFileName("mysql-bin").ok());
  EXPECT_FALSE(upstream::NextLocalFileName("mysql-bin.x1").ok());
}

TEST(UpstreamFailoverRewriteTest, PromotedReplicaContinuesUnderTheNextLocalFiles) {
  PullerHarness h;
  h.OpenStore();
  Fill(h, TestBinlog::Build(6));  // the store: mysql-bin.000001 with 0-1-1..6
  // The promoted replica: mysql-bin.000001 (1..4), 000002 (5..8), 000003 (9..10).
  const PromotedBinlog promoted = PromotedBinlog::Build(10, 4);
  std::mutex mu;
  std::vector<std::pair<std::string, uint64_t>> acks;
  FakePrimaryOptions b = Server(2, true);
  b.on_ack = [&](const std::string& file, uint64_t pos) {
    std::lock_guard lock(mu);
    acks.emplace_back(file, pos);
  };
  FakePrimary primary(b, [&](FakeDump& dump) { return ServePromoted(dump, promoted); });
  h.StartPuller(GtidOptions(h, primary.port(), true));
  ASSERT_TRUE(PullerHarness::WaitFor([&] {
    std::lock_guard lock(mu);
    return !acks.empty() && acks.back() == promoted.End();
  })) << ::testing::PrintToString(h.log_lines());
  h.StopPuller();

  EXPECT_TRUE(h.Logged("continuing as local mysql-bin.000002, positions rewritten"))
      << ::testing::PrintToString(h.log_lines());
  EXPECT_TRUE(h.Logged("failover: MariaDB server_id 2"));
  EXPECT_EQ(CheckStoredHistory(h), Range(1, 10));
  auto files = h.store().state_db().ListFiles();
  ASSERT_TRUE(files.ok());
  std::vector<std::string> names;
  for (const auto& row : *files) names.push_back(row.name);
  // A's file closed, then one local file per upstream file the new transactions are in.
  EXPECT_EQ(names,
            (std::vector<std::string>{"mysql-bin.000001", "mysql-bin.000002", "mysql-bin.000003"}));
  EXPECT_EQ((*files)[1].start_gtid_state, "0-1-6");
  EXPECT_EQ((*files)[1].first_gtid, "0-1-7");
  EXPECT_EQ((*files)[2].start_gtid_state, "0-1-8");
  EXPECT_EQ(h.store().writer().resume_point()->gtid_state, "0-1-10");
  EXPECT_EQ(h.store().writer().upstream().server_id, 2u);
  // ACKs name the primary's files: 7, 8 in its 000002, 9, 10 in its 000003.
  std::lock_guard lock(mu);
  ASSERT_EQ(acks.size(), 4u);
  EXPECT_EQ(acks[0].first, "mysql-bin.000002");
  EXPECT_EQ(acks[3].first, "mysql-bin.000003");
}

TEST(UpstreamFailoverRewriteTest, ReconnectAndRestartMidWayResumeByGtidWithoutGapOrDuplicate) {
  PullerHarness h;
  h.OpenStore();
  Fill(h, TestBinlog::Build(6));
  const PromotedBinlog promoted = PromotedBinlog::Build(12, 4);
  // The first dump ends inside transaction 8, the second inside 11 (after a
  // local rotation); each reconnect (the same server, recorded as renumbered)
  // resumes by GTID in the open local file. The third serves the rest.
  const auto cut_in = [](int connection) -> uint64_t {
    return connection == 1 ? 8 : connection == 2 ? 11 : 0;
  };
  FakePrimary primary(Server(2), [&](FakeDump& dump) {
    return ServePromoted(dump, promoted,
                         {.cut_in = cut_in(dump.connection()), .crash_before = 0, .crash = {}});
  });
  h.StartPuller(GtidOptions(h, primary.port(), false));
  ASSERT_TRUE(PullerHarness::WaitFor([&] {
    return DurableGtidState(h) == "0-1-12";
  })) << ::testing::PrintToString(h.log_lines());
  h.StopPuller();
  primary.Stop();
  EXPECT_TRUE(h.Logged("resuming by GTID, positions rewritten"))
      << ::testing::PrintToString(h.log_lines());
  EXPECT_EQ(CheckStoredHistory(h), Range(1, 12));

  // Restart: recovery checks the renumbered files, the pull goes on renumbered.
  h.CloseStore();
  h.OpenStore();
  const PromotedBinlog more = PromotedBinlog::Build(14, 4);
  FakePrimary again(Server(2), [&](FakeDump& dump) { return ServePromoted(dump, more); });
  h.StartPuller(GtidOptions(h, again.port(), false));
  ASSERT_TRUE(PullerHarness::WaitFor([&] {
    return DurableGtidState(h) == "0-1-14";
  })) << ::testing::PrintToString(h.log_lines());
  h.StopPuller();
  EXPECT_EQ(CheckStoredHistory(h), Range(1, 14));
  EXPECT_FALSE(h.Logged("resuming by file and position"));
}

// Power fails before each event of the failover dump in turn (the closing
// ROTATE, the new file, its first transactions, a renumbered rotation):
// after recovery and a new pull, the history is whole, once. The process
// "dies" with the power: from then on no fdatasync succeeds, so the puller
// fails at its next sync and nothing it does later becomes durable.
TEST(UpstreamFailoverRewriteTest, PowerLossAtEveryStepOfTheFailoverRecovers) {
  const PromotedBinlog promoted = PromotedBinlog::Build(10, 4);
  store::Rng rng(7);
  for (int crash_before = 2; crash_before <= 24; ++crash_before) {
    SCOPED_TRACE(::testing::Message() << "power loss before event " << crash_before);
    PullerHarness h;
    h.OpenStore();
    Fill(h, TestBinlog::Build(6));
    std::atomic<bool> crashed{false};
    const Interruption crash{
        .cut_in = 0, .crash_before = crash_before, .crash = [&] {
          h.env().base().SimulatePowerLoss(rng, store::PowerLossMode::kTearWithGarbage);
          h.env().base().FailSyncs(1 << 20, Status::IOError("the power is off"));
          crashed = true;
        }};
    {
      FakePrimary primary(Server(2, true), [&](FakeDump& dump) {
        return ServePromoted(dump, promoted, dump.connection() == 1 ? crash : Interruption{});
      });
      h.StartPuller(GtidOptions(h, primary.port(), true));
      ASSERT_TRUE(PullerHarness::WaitFor([&] { return crashed.load() && h.puller().failed(); }));
      h.StopPuller();
    }
    h.env().base().FailSyncs(0, Status::IOError("the power is back"));
    h.CloseStore();
    h.OpenStore();
    FakePrimary primary(Server(2, true),
                        [&](FakeDump& dump) { return ServePromoted(dump, promoted); });
    h.StartPuller(GtidOptions(h, primary.port(), true));
    ASSERT_TRUE(PullerHarness::WaitFor([&] {
      return DurableGtidState(h) == "0-1-10";
    })) << ::testing::PrintToString(h.log_lines());
    h.StopPuller();
    EXPECT_EQ(CheckStoredHistory(h), Range(1, 10));
    EXPECT_EQ(h.store().writer().upstream().server_id, 2u);
  }
}

TEST(UpstreamFailoverRewriteTest, AGapAtTheFailoverIsRefusedAndNothingIsStored) {
  PullerHarness h;
  h.OpenStore();
  const TestBinlog before = TestBinlog::Build(6);
  Fill(h, before);
  // The promoted replica lacks 0-1-7: its dump resumes with 0-1-8.
  const PromotedBinlog promoted = PromotedBinlog::Build(10, 4);
  FakePrimary primary(Server(2), [&](FakeDump& dump) {
    dump.set_connect_state("0-1-7");
    return ServePromoted(dump, promoted);
  });
  h.StartPuller(GtidOptions(h, primary.port(), false));
  ASSERT_TRUE(PullerHarness::WaitFor([&] { return h.puller().status().reconnects >= 2; }));
  const auto status = h.puller().status();
  h.StopPuller();
  primary.Stop();
  EXPECT_NE(status.last_error.find("failover to"), std::string::npos) << status.last_error;
  EXPECT_NE(status.last_error.find("nothing is stored from it"), std::string::npos)
      << status.last_error;
  EXPECT_EQ(h.StoredFile(kBinlogName), before.file);
  EXPECT_FALSE(*h.env().FileExists("/data/binlog/mysql-bin.000002"));
  EXPECT_EQ(h.store().writer().upstream().server_id, 1u);
  auto recorded = h.store().state_db().GetConfig(upstream::kRenumberedPrimaryKey);
  ASSERT_TRUE(recorded.ok());
  EXPECT_FALSE(recorded->has_value());
}

}  // namespace
}  // namespace sidecar::testing
