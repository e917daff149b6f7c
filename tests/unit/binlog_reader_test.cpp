#include "store/binlog_reader.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "binlog/crc32.h"
#include "binlog/event_type.h"
#include "store/posix_env.h"
#include "support/event_builder.h"
#include "temp_dir.h"

namespace sidecar::store {
namespace {

using binlog::EventType;
using binlog::EventView;
using Clock = DurablePosition::Clock;
using testing::BinlogFileBuilder;
using testing::BodyWriter;

class FakeCatalogue : public CatalogueView {
 public:
  Result<std::vector<FileCatalogEntry>> Files() override {
    std::lock_guard lock(mu_);
    return files_;
  }
  // Inserts or replaces the entry of the same seq.
  void Put(const FileCatalogEntry& entry) {
    std::lock_guard lock(mu_);
    for (FileCatalogEntry& e : files_) {
      if (e.seq == entry.seq) {
        e = entry;
        return;
      }
    }
    files_.push_back(entry);
  }

 private:
  std::mutex mu_;
  std::vector<FileCatalogEntry> files_;  // GUARDED_BY(mu_)
};

FileCatalogEntry Entry(const std::string& name, int64_t seq, uint64_t size,
                       FileState state = FileState::kActive) {
  FileCatalogEntry entry;
  entry.name = name;
  entry.seq = seq;
  entry.size = size;
  entry.state = state;
  return entry;
}

// A MariaDB binlog file of `transactions` transactions (GTID, QUERY, XID),
// optionally ending with a ROTATE to `rotate_to`. `boundaries`: the end of
// the header and of each transaction (and of the ROTATE).
struct BuiltFile {
  std::string name;
  std::vector<uint8_t> bytes;
  std::vector<uint64_t> boundaries;
  std::vector<uint64_t> event_offsets;
};

BuiltFile MakeFile(std::string name, uint64_t first_seq, int transactions,
                   const std::string& rotate_to = "", size_t query_size = 20) {
  BinlogFileBuilder b(testing::kMariadbFdeFixture);
  BuiltFile f{std::move(name), {}, {b.position()}, {4}};
  auto add = [&](testing::EventSpec spec) {
    f.event_offsets.push_back(b.position());
    b.Add(std::move(spec));
  };
  for (int i = 0; i < transactions; ++i) {
    const uint64_t seq = first_seq + uint64_t(i);
    add({.type = EventType::kMariadbGtid, .body = testing::MariadbGtidBody(seq, 0, 0)});
    add({.type = EventType::kQuery,
         .body =
             testing::QueryBody("INSERT INTO t VALUES ('" + std::string(query_size, 'x') + "')")});
    add({.type = EventType::kXid, .body = testing::XidBody(seq)});
    f.boundaries.push_back(b.position());
  }
  if (!rotate_to.empty()) {
    add({.type = EventType::kRotate, .body = BodyWriter().U64(4).Str(rotate_to).bytes()});
    f.boundaries.push_back(b.position());
  }
  f.bytes = b.bytes();
  return f;
}

class BinlogReaderTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(env_->CreateDir(binlog_dir_).ok()); }

  StoredBinlog store() { return {env_.get(), binlog_dir_, &catalogue_, &durable_, &damage_}; }

  void Append(const std::string& name, Bytes bytes) {
    std::ofstream out(binlog_dir_ + "/" + name, std::ios::binary | std::ios::app);
    out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  }
  // Writes the whole file, catalogues it (durable up to `durable_size`) and
  // publishes that end.
  void Install(const BuiltFile& f, int64_t seq, uint64_t durable_size, FileState state) {
    Append(f.name, f.bytes);
    catalogue_.Put(Entry(f.name, seq, durable_size, state));
    durable_.Publish({seq, f.name, durable_size});
  }

  std::unique_ptr<BinlogReader> OpenReader(const std::string& name, uint64_t offset,
                                           BinlogReader::Options options = {}) {
    auto reader = BinlogReader::Open(store(), name, offset, options);
    EXPECT_TRUE(reader.ok()) << reader.status().ToString();
    return reader.ok() ? std::move(reader).value() : nullptr;
  }

  // Reads until caught up; returns the offsets of the events read.
  static std::vector<uint64_t> Drain(BinlogReader& reader) {
    std::vector<uint64_t> offsets;
    EventView event;
    for (;;) {
      auto outcome = reader.Next(&event, Clock::time_point::min());
      EXPECT_TRUE(outcome.ok()) << outcome.status().ToString();
      if (!outcome.ok() || *outcome == BinlogReader::Outcome::kTimedOut) return offsets;
      offsets.push_back(reader.event_offset());
    }
  }

  TempDir dir_;
  const std::string binlog_dir_ = dir_.Join("binlog");
  std::unique_ptr<Env> env_ = NewPosixEnv();
  FakeCatalogue catalogue_;
  DurablePosition durable_;
  DamageReports damage_;
};

TEST_F(BinlogReaderTest, ServesOnlyDurableBytesThenTimesOut) {
  const BuiltFile f = MakeFile("mariadb-bin.000001", 1, 3);
  // Every byte is on disk, but only the first transaction is durable.
  Install(f, 1, f.boundaries[1], FileState::kActive);
  auto reader = OpenReader(f.name, 4);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(Drain(*reader),
            std::vector<uint64_t>(f.event_offsets.begin(), f.event_offsets.begin() + 4));
  EXPECT_EQ(reader->position().offset, f.boundaries[1]);
  ASSERT_TRUE(reader->format().has_value());

  durable_.Publish({1, f.name, f.boundaries[3]});
  EXPECT_EQ(Drain(*reader),
            std::vector<uint64_t>(f.event_offsets.begin() + 4, f.event_offsets.end()));
}

TEST_F(BinlogReaderTest, TimesOutAtItsDeadline) {
  const BuiltFile f = MakeFile("mariadb-bin.000001", 1, 1);
  Install(f, 1, f.boundaries[1], FileState::kActive);
  auto reader = OpenReader(f.name, f.boundaries[1]);
  ASSERT_NE(reader, nullptr);
  EventView event;
  auto outcome = reader->Next(&event, Clock::now());
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(*outcome, BinlogReader::Outcome::kTimedOut);
}

TEST_F(BinlogReaderTest, WakesUpWhenMoreBecomesDurable) {
  const BuiltFile f = MakeFile("mariadb-bin.000001", 1, 2);
  Install(f, 1, f.boundaries[1], FileState::kActive);
  auto reader = OpenReader(f.name, f.boundaries[1]);
  ASSERT_NE(reader, nullptr);
  std::atomic<bool> waiting{false};
  Result<BinlogReader::Outcome> outcome = Status::IOError("not run");
  std::thread t([&] {
    EventView event;
    waiting = true;
    // A deadline far away: returning with an event proves the publish woke it.
    outcome = reader->Next(&event, Clock::now() + std::chrono::hours(1));
  });
  while (!waiting) std::this_thread::yield();
  durable_.Publish({1, f.name, f.boundaries[2]});
  t.join();
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(*outcome, BinlogReader::Outcome::kEvent);
  EXPECT_EQ(reader->event_offset(), f.boundaries[1]);
}

TEST_F(BinlogReaderTest, FollowsRotationByRotateEventAndByClosedFileEnd) {
  const BuiltFile a = MakeFile("mariadb-bin.000001", 1, 2, "mariadb-bin.000002");
  const BuiltFile b = MakeFile("mariadb-bin.000002", 3, 2);  // closed without a ROTATE
  const BuiltFile c = MakeFile("mariadb-bin.000007", 5, 1);
  Install(a, 1, a.bytes.size(), FileState::kClosed);
  Install(b, 2, b.bytes.size(), FileState::kClosed);
  Install(c, 3, c.bytes.size(), FileState::kActive);
  auto reader = OpenReader(a.name, 4);
  ASSERT_NE(reader, nullptr);
  std::vector<std::pair<std::string, uint64_t>> seen, expected;
  for (const BuiltFile* f : {&a, &b, &c}) {
    for (uint64_t offset : f->event_offsets) expected.emplace_back(f->name, offset);
  }
  EventView event;
  int starts = 0;
  for (;;) {
    auto outcome = reader->Next(&event, Clock::time_point::min());
    ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
    if (*outcome == BinlogReader::Outcome::kTimedOut) break;
    seen.emplace_back(reader->position().file, reader->event_offset());
    if (reader->event_starts_file()) {
      ++starts;
      EXPECT_EQ(event.header.type, uint8_t(EventType::kFormatDescription));
    }
  }
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(starts, 2);
  EXPECT_EQ(reader->position(), (BinlogPosition{3, c.name, c.bytes.size()}));
}

TEST_F(BinlogReaderTest, OpenedMidFileKnowsTheFormatDescription) {
  const BuiltFile f = MakeFile("mariadb-bin.000001", 1, 2);
  Install(f, 1, f.bytes.size(), FileState::kActive);
  auto reader = OpenReader(f.name, f.boundaries[1]);
  ASSERT_NE(reader, nullptr);
  ASSERT_TRUE(reader->format().has_value());
  const Bytes fde = reader->format_event();
  EXPECT_EQ(std::vector<uint8_t>(fde.begin(), fde.end()),
            std::vector<uint8_t>(f.bytes.begin() + 4, f.bytes.begin() + long(f.boundaries[0])));
  EXPECT_EQ(Drain(*reader),
            std::vector<uint64_t>(f.event_offsets.begin() + 4, f.event_offsets.end()));
}

TEST_F(BinlogReaderTest, RefusesBadStartPositions) {
  const BuiltFile f = MakeFile("mariadb-bin.000001", 1, 2);
  Install(f, 1, f.boundaries[1], FileState::kActive);
  auto beyond = BinlogReader::Open(store(), f.name, f.boundaries[2]);
  ASSERT_FALSE(beyond.ok());
  EXPECT_EQ(beyond.status().code(), Status::Code::kInvalidArgument);
  auto unknown = BinlogReader::Open(store(), "mariadb-bin.000009", 4);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), Status::Code::kNotFound);
  EXPECT_NE(unknown.status().message().find("mariadb-bin.000009"), std::string::npos);
}

TEST_F(BinlogReaderTest, DamagedByteIsCorruptionNamingFileAndOffset) {
  BuiltFile f = MakeFile("mariadb-bin.000001", 1, 3);
  const uint64_t damaged_event = f.event_offsets[5];  // the second transaction's QUERY
  f.bytes[damaged_event + 30] ^= 0x01;
  Install(f, 1, f.bytes.size(), FileState::kActive);
  auto reader = OpenReader(f.name, 4);
  ASSERT_NE(reader, nullptr);
  EventView event;
  for (int i = 0; i < 5; ++i) {
    auto outcome = reader->Next(&event, Clock::time_point::min());
    ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  }
  auto outcome = reader->Next(&event, Clock::time_point::min());
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().code(), Status::Code::kCorruption);
  EXPECT_NE(outcome.status().message().find(f.name), std::string::npos);
  EXPECT_NE(outcome.status().message().find("offset " + std::to_string(damaged_event)),
            std::string::npos)
      << outcome.status().message();
  EXPECT_NE(outcome.status().message().find("CRC32"), std::string::npos);
  // Reported for repair: the file and the offset of the event refused.
  auto report = damage_.Take(Clock::now());
  ASSERT_TRUE(report);
  EXPECT_EQ(report->file, f.name);
  EXPECT_EQ(report->offset, damaged_event);
}

TEST_F(BinlogReaderTest, GenerationChangeFailsTheReader) {
  const BuiltFile f = MakeFile("mariadb-bin.000001", 1, 2);
  Install(f, 1, f.bytes.size(), FileState::kActive);
  auto reader = OpenReader(f.name, 4);
  ASSERT_NE(reader, nullptr);
  durable_.Reset({1, f.name, f.boundaries[1]});
  EventView event;
  auto outcome = reader->Next(&event, Clock::time_point::min());
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().code(), Status::Code::kNotFound);
  EXPECT_NE(outcome.status().message().find("re-position"), std::string::npos);
}

TEST_F(BinlogReaderTest, PurgedNextFileIsNotFound) {
  const BuiltFile a = MakeFile("mariadb-bin.000001", 1, 1, "mariadb-bin.000002");
  const BuiltFile b = MakeFile("mariadb-bin.000002", 2, 1);
  Install(a, 1, a.bytes.size(), FileState::kClosed);
  Install(b, 2, b.bytes.size(), FileState::kActive);
  auto reader = OpenReader(a.name, a.boundaries[1]);
  ASSERT_NE(reader, nullptr);
  ASSERT_TRUE(env_->RemoveFile(binlog_dir_ + "/" + b.name).ok());
  EventView event;
  auto rotate = reader->Next(&event, Clock::time_point::min());
  ASSERT_TRUE(rotate.ok());
  auto outcome = reader->Next(&event, Clock::time_point::min());
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().code(), Status::Code::kNotFound);
  EXPECT_NE(outcome.status().message().find(b.name), std::string::npos);
}

TEST_F(BinlogReaderTest, ShutdownFailsAWaitingReader) {
  const BuiltFile f = MakeFile("mariadb-bin.000001", 1, 1);
  Install(f, 1, f.bytes.size(), FileState::kActive);
  auto reader = OpenReader(f.name, f.bytes.size());
  ASSERT_NE(reader, nullptr);
  durable_.Close();
  EventView event;
  auto outcome = reader->Next(&event, Clock::now() + std::chrono::hours(1));
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().code(), Status::Code::kIOError);
}

TEST_F(BinlogReaderTest, EventLargerThanTheBufferGrowsIt) {
  const BuiltFile f = MakeFile("mariadb-bin.000001", 1, 2, "", 10000);
  Install(f, 1, f.bytes.size(), FileState::kActive);
  auto reader = OpenReader(f.name, 4, {.buffer_size = 64});
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(Drain(*reader), f.event_offsets);
}

// A writer thread appends three files transaction by transaction, each time
// first writing half of the transaction (bytes that are on disk but not
// durable), then the rest, then publishing. Eight readers follow it.
TEST_F(BinlogReaderTest, ManyReadersSeeIdenticalDurableStreamsWhileTheWriterAppends) {
  const std::vector<BuiltFile> files = {
      MakeFile("mariadb-bin.000001", 1, 20, "mariadb-bin.000002"),
      MakeFile("mariadb-bin.000002", 21, 20),  // ends without a ROTATE
      MakeFile("mariadb-bin.000003", 41, 20)};
  std::vector<std::pair<int64_t, uint64_t>> expected;
  for (size_t i = 0; i < files.size(); ++i) {
    for (uint64_t offset : files[i].event_offsets) expected.emplace_back(int64_t(i + 1), offset);
  }
  // The first file's header is durable before the readers open it.
  Append(files[0].name, Bytes(files[0].bytes).first(files[0].boundaries[0]));
  catalogue_.Put(Entry(files[0].name, 1, files[0].boundaries[0]));
  durable_.Publish({1, files[0].name, files[0].boundaries[0]});

  constexpr int kReaders = 8;
  std::vector<std::vector<std::pair<int64_t, uint64_t>>> seen(kReaders);
  std::vector<std::string> errors(kReaders);
  std::vector<std::thread> readers;
  for (int r = 0; r < kReaders; ++r) {
    readers.emplace_back([&, r] {
      auto reader = BinlogReader::Open(store(), files[0].name, 4);
      if (!reader.ok()) {
        errors[r] = reader.status().ToString();
        return;
      }
      EventView event;
      while (seen[r].size() < expected.size()) {
        auto outcome = (*reader)->Next(&event, Clock::now() + std::chrono::seconds(60));
        if (!outcome.ok() || *outcome == BinlogReader::Outcome::kTimedOut) {
          errors[r] = outcome.ok() ? "timed out" : outcome.status().ToString();
          return;
        }
        const BinlogPosition end = (*reader)->position();
        if (durable_.Get() < end) errors[r] = "served a byte beyond the durable position";
        seen[r].emplace_back(end.file_seq, (*reader)->event_offset());
      }
    });
  }

  for (size_t i = 0; i < files.size(); ++i) {
    const BuiltFile& f = files[i];
    const int64_t seq = int64_t(i + 1);
    if (i > 0) {
      Append(f.name, Bytes(f.bytes).first(f.boundaries[0]));
      catalogue_.Put(Entry(f.name, seq, f.boundaries[0]));
      durable_.Publish({seq, f.name, f.boundaries[0]});
    }
    for (size_t t = 1; t < f.boundaries.size(); ++t) {
      const uint64_t from = f.boundaries[t - 1];
      const uint64_t half = from + (f.boundaries[t] - from) / 2;
      Append(f.name, Bytes(f.bytes).subspan(from, half - from));
      Append(f.name, Bytes(f.bytes).subspan(half, f.boundaries[t] - half));
      const bool last = t + 1 == f.boundaries.size() && i + 1 < files.size();
      catalogue_.Put(
          Entry(f.name, seq, f.boundaries[t], last ? FileState::kClosed : FileState::kActive));
      durable_.Publish({seq, f.name, f.boundaries[t]});
    }
  }
  for (std::thread& t : readers) t.join();
  for (int r = 0; r < kReaders; ++r) {
    EXPECT_EQ(errors[r], "") << "reader " << r;
    EXPECT_EQ(seen[r], expected) << "reader " << r;
  }
}

}  // namespace
}  // namespace sidecar::store
