#include "puller_test_harness.h"

#include <gtest/gtest.h>

#include <thread>

#include "binlog/event_type.h"
#include "store_test_driver.h"
#include "support/event_builder.h"
#include "upstream_stream.h"

namespace sidecar::testing {

using binlog::EventType;

class SeamEnv::File final : public store::WritableFile {
 public:
  File(SeamEnv* env, std::string path, std::unique_ptr<store::WritableFile> base)
      : env_(env), path_(std::move(path)), base_(std::move(base)) {}
  Status Append(Bytes data) override { return base_->Append(data); }
  Status Sync() override {
    if (env_->fail_syncs_) return Status::IOError("cannot fdatasync " + path_ + ": injected");
    auto size = env_->base_.FileSize(path_);
    Status s = base_->Sync();
    if (s.ok() && size.ok()) {
      env_->log_->Add({OrderEntry::Kind::kSynced, path_.substr(path_.rfind('/') + 1), *size});
    }
    return s;
  }
  Status Truncate(uint64_t size) override { return base_->Truncate(size); }
  uint64_t Size() const override { return base_->Size(); }
  Status Close() override { return base_->Close(); }

 private:
  SeamEnv* const env_;
  const std::string path_;
  const std::unique_ptr<store::WritableFile> base_;
};

Result<std::unique_ptr<store::WritableFile>> SeamEnv::OpenWritable(const std::string& path) {
  auto file = base_.OpenWritable(path);
  if (!file.ok()) return file.status();
  return std::unique_ptr<store::WritableFile>(
      std::make_unique<File>(this, path, std::move(file).value()));
}

TestBinlog TestBinlog::Build(int transactions) {
  BinlogFileBuilder builder(kMariadbFdeFixture);
  for (int n = 1; n <= transactions; ++n) {
    builder.Add({.type = EventType::kMariadbGtid, .body = MariadbGtidBody(uint64_t(n), 0, 0)});
    builder.Add({.type = EventType::kQuery,
                 .body = QueryBody("INSERT INTO t VALUES (" + std::to_string(n) + ")")});
    builder.Add({.type = EventType::kXid, .body = XidBody(uint64_t(n))});
  }
  TestBinlog binlog;
  binlog.file = builder.bytes();
  for (uint64_t at = 4; at < binlog.file.size();) {
    auto header = binlog::EventHeader::Parse(Bytes(binlog.file).subspan(at));
    EXPECT_TRUE(header.ok());
    if (!header.ok()) break;
    const auto begin = binlog.file.begin() + long(at);
    binlog.events.push_back({at, std::vector<uint8_t>(begin, begin + header->event_size),
                             EventType(header->type) == EventType::kXid});
    at += header->event_size;
  }
  return binlog;
}

namespace {

// What a dump sends before the events: the artificial ROTATE, and the FDE
// again (next_position 0) when resuming past 4.
Status SendDumpStart(FakeDump& dump, const TestBinlog& binlog, const std::string& file) {
  BodyWriter rotate;
  rotate.U64(dump.position()).Str(file);
  const auto fake_rotate =
      Reframe(MakeEvent({.type = EventType::kRotate, .body = rotate.bytes(), .timestamp = 0}, 0), 0,
              binlog::kFlagArtificial);
  if (Status s = dump.SendEvent(fake_rotate); !s.ok()) return s;
  if (dump.position() > 4) {
    if (Status s = dump.SendEvent(Reframe(binlog.events.front().bytes, 0, 0)); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace

Status ServeBinlogInOneBurst(FakeDump& dump, const TestBinlog& binlog) {
  dump.Cork(true);
  if (Status s = SendDumpStart(dump, binlog, kBinlogName); !s.ok()) return s;
  for (const auto& e : binlog.events) {
    if (e.offset < dump.position()) continue;
    Status s = e.ends_transaction ? dump.SendEventAckLater(e.bytes) : dump.SendEvent(e.bytes);
    if (!s.ok()) return s;
  }
  dump.Cork(false);
  uint64_t acked = 0;
  while (acked < binlog.file.size()) {
    auto position = dump.ReadAck();
    if (!position.ok()) return position.status();
    acked = *position;
  }
  dump.AwaitClose();
  return Status::Ok();
}

Status ServeBinlog(FakeDump& dump, const TestBinlog& binlog, const Sabotage& sabotage,
                   const std::string& gtid_file) {
  // A GTID dump (no file named) starts at the beginning of the file; the
  // replica drops what it has.
  const std::string file = dump.file().empty() ? gtid_file : dump.file();
  if (Status s = SendDumpStart(dump, binlog, file); !s.ok()) return s;
  for (const auto& e : binlog.events) {
    if (e.offset < dump.position()) continue;
    std::vector<uint8_t> event = e.bytes;
    if (sabotage && !sabotage(dump, e.offset, event)) return Status::Ok();
    if (Status s = dump.SendEvent(event, e.ends_transaction); !s.ok()) return s;
  }
  dump.AwaitClose();
  return Status::Ok();
}

PullerHarness::PullerHarness() {
  EXPECT_TRUE(env_.CreateDir("/data").ok());
  EXPECT_TRUE(env_.SyncDir("/").ok());
}

PullerHarness::~PullerHarness() {
  StopPuller();
  CloseStore();
}

void PullerHarness::OpenStore() {
  store::BinlogStore::Options options;
  options.data_dir = "/data";
  options.state_db_path = temp_.Join("state.db");
  options.writer.log = [this](std::string_view line) { Log(line); };
  auto store = store::BinlogStore::Open(&env_, std::move(options));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  store_ = std::move(store).value();
}

void PullerHarness::CloseStore() { store_.reset(); }

upstream::PullerOptions PullerHarness::Options(uint16_t port, bool semi_sync) {
  upstream::PullerOptions o;
  o.client.host = "127.0.0.1";
  o.client.port = port;
  o.client.auth.user = "repl";
  o.client.auth.password = "secret";
  o.client.auth.ssl = protocol::SslMode::kDisabled;
  o.conversation.server_id = 99;
  o.conversation.semi_sync = semi_sync;
  o.gtid = upstream::GtidResumeMode::kOff;
  o.start = {upstream::StartSpec::Kind::kFilePosition, kBinlogName, 4, ""};
  o.backoff = {std::chrono::milliseconds(10), std::chrono::milliseconds(50)};
  o.backoff_seed = 1;
  o.log_info = [this](std::string_view line) { Log(line); };
  o.log_error = [this](std::string_view line) { Log(line); };
  return o;
}

void PullerHarness::StartPuller(upstream::PullerOptions options) {
  puller_ = std::make_unique<upstream::Puller>(store_.get(), std::move(options));
  puller_->Start();
}

void PullerHarness::StopPuller() {
  if (puller_) puller_->Stop();
  puller_.reset();
}

bool PullerHarness::WaitFor(const std::function<bool()>& done) {
  for (int i = 0; i < 3000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

bool PullerHarness::WaitUntilDurable(const std::string& file, uint64_t position) {
  return WaitFor([&] {
    const auto at = store_->durable_position().Get();
    return at.file == file && at.offset >= position;
  });
}

std::vector<std::string> PullerHarness::log_lines() const {
  std::lock_guard lock(mu_);
  return lines_;
}

bool PullerHarness::Logged(std::string_view text) const {
  for (const auto& line : log_lines()) {
    if (line.find(text) != std::string::npos) return true;
  }
  return false;
}

std::vector<uint8_t> PullerHarness::StoredFile(const std::string& name) {
  return ReadWholeFile(env_, "/data/binlog/" + name);
}

void PullerHarness::Log(std::string_view line) {
  std::lock_guard lock(mu_);
  lines_.emplace_back(line);
}

}  // namespace sidecar::testing
