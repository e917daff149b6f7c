#include "store_test_driver.h"

#include <gtest/gtest.h>

#include <set>

#include "support/event_builder.h"

namespace sidecar::testing {

Status FeedStream(store::BinlogStore& store, const UpstreamStream& stream, std::mt19937_64& rng,
                  const FeedOptions& options,
                  const std::function<void(const StreamPosition&)>& on_durable) {
  store::BinlogWriter& writer = store.writer();
  std::uniform_real_distribution<double> coin(0, 1);
  const auto resume = [&]() -> Result<size_t> {
    StreamPosition at{0, 4};
    if (auto point = writer.resume_point()) at = {*stream.FileIndex(point->file), point->position};
    for (const auto& event : stream.Prelude(at.file, at.offset)) {
      if (Status s = writer.Append(ViewOf(event)); !s.ok()) return s;
    }
    return stream.ResumeIndex(at.file, at.offset);
  };
  const auto sync = [&]() -> Status {
    if (Status s = writer.Sync(); !s.ok()) return s;
    const store::BinlogPosition durable = store.durable_position().Get();
    if (!durable.file.empty()) on_durable({*stream.FileIndex(durable.file), durable.offset});
    return Status::Ok();
  };
  auto next = resume();
  if (!next.ok()) return next.status();
  for (size_t i = *next; i < stream.items().size();) {
    if (Status s = writer.Append(ViewOf(stream.items()[i].bytes)); !s.ok()) return s;
    ++i;
    if (coin(rng) < options.request_sync_probability) {
      if (Status s = writer.RequestSync(); !s.ok()) return s;
    }
    if (coin(rng) < options.sync_probability) {
      if (Status s = sync(); !s.ok()) return s;
    }
    if (coin(rng) < options.reconnect_probability) {
      next = resume();
      if (!next.ok()) return next.status();
      i = *next;
    }
  }
  return sync();
}

std::vector<uint8_t> ReadWholeFile(store::Env& env, const std::string& path) {
  auto file = env.OpenRandomAccess(path);
  EXPECT_TRUE(file.ok()) << file.status().ToString();
  if (!file.ok()) return {};
  auto size = (*file)->Size();
  EXPECT_TRUE(size.ok());
  std::vector<uint8_t> bytes(size.ok() ? *size : 0);
  auto got = (*file)->Read(0, bytes);
  EXPECT_TRUE(got.ok() && got->size() == bytes.size()) << path;
  return bytes;
}

void ExpectRecoveredStore(store::BinlogStore& store, const UpstreamStream& stream,
                          const std::optional<StreamPosition>& reported) {
  auto checkpoint = store.state_db().LoadCheckpoint();
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.status().ToString();
  auto rows = store.state_db().ListFiles();
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  auto entries = store.env().ListDir(store.binlog_dir());
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  const auto& resume = store.recovered_resume_point();
  if (!*checkpoint) {
    EXPECT_FALSE(reported) << "a Sync reported a durable position, but no checkpoint survived";
    EXPECT_TRUE(rows->empty());
    EXPECT_FALSE(resume);
    EXPECT_TRUE(entries->empty()) << "first entry: " << entries->front();
    return;
  }
  const store::Checkpoint& cp = **checkpoint;
  const auto file = stream.FileIndex(cp.file_name);
  ASSERT_TRUE(file) << cp.file_name;
  const StreamPosition at{*file, cp.position};
  EXPECT_TRUE(stream.IsBoundary(at.file, at.offset))
      << cp.file_name << ":" << cp.position << " is not a transaction boundary";
  if (reported) {
    EXPECT_GE(at, *reported) << "checkpoint " << cp.file_name << ":" << cp.position
                             << " is behind what a Sync reported durable: "
                             << stream.names()[reported->file] << ":" << reported->offset;
  }
  ASSERT_EQ(rows->size(), at.file + 1);
  const store::FileCatalogEntry& last = rows->back();
  const store::ResumePoint expected_resume{last.seq, cp.file_name, cp.position,
                                           stream.GtidStateAt(at.file, at.offset)};
  ASSERT_TRUE(resume);
  EXPECT_EQ(*resume, expected_resume);
  EXPECT_EQ(cp.gtid_state, expected_resume.gtid_state);
  EXPECT_EQ(store.durable_position().Get(),
            (store::BinlogPosition{last.seq, cp.file_name, cp.position}));

  std::set<std::string> expected_entries;
  std::string index;
  for (size_t f = 0; f < rows->size(); ++f) {
    const store::FileCatalogEntry& row = (*rows)[f];
    ASSERT_EQ(row.name, stream.names()[f]);
    expected_entries.insert(row.name);
    index += "./" + row.name + "\n";
    const std::vector<uint8_t>& primary = stream.file_bytes(f);
    const uint64_t size = f + 1 < rows->size() ? primary.size() : cp.position;
    EXPECT_EQ(row.size, size) << row.name;
    if (f + 1 < rows->size()) {
      EXPECT_EQ(row.state, store::FileState::kClosed) << row.name;
    }
    const std::vector<uint8_t> stored =
        ReadWholeFile(store.env(), store.binlog_dir() + "/" + row.name);
    ASSERT_EQ(stored.size(), size) << row.name << " does not end at its durable size";
    EXPECT_TRUE(std::equal(stored.begin(), stored.end(), primary.begin()))
        << row.name << " differs from the primary's file";
  }
  const std::string index_name = std::string(store::BinlogBaseName(cp.file_name)) + ".index";
  expected_entries.insert(index_name);
  EXPECT_EQ(std::set<std::string>(entries->begin(), entries->end()), expected_entries);
  const std::vector<uint8_t> index_bytes =
      ReadWholeFile(store.env(), store.binlog_dir() + "/" + index_name);
  EXPECT_EQ(std::string(index_bytes.begin(), index_bytes.end()), index);
}

}  // namespace sidecar::testing
