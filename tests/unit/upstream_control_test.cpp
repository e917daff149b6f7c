// UpstreamControl (START/STOP/CHANGE MASTER over the puller, persisted in state.db) and
// DaemonContext (the server's facts over the store), on a real store in a temp dir. The
// upstream is a closed loopback port: the puller only ever connects and backs off.
#include "app/upstream_control.h"

#include <gtest/gtest.h>

#include <sstream>

#include "app/daemon_context.h"
#include "store/posix_env.h"
#include "temp_dir.h"

namespace sidecar::app {
namespace {

class FakeRegistry : public downstream::ConnectionRegistry {
 public:
  std::vector<downstream::ReaderStatus> Readers() const override {
    downstream::ReaderStatus reader;
    reader.connection_id = 8;
    reader.user = "repl";
    return {reader};
  }
  downstream::SentTotals TotalSent() const override { return {}; }
  std::vector<downstream::RegisteredReplica> RegisteredReplicas() const override { return {}; }
  std::optional<store::BinlogPosition> OldestReaderPosition() const override {
    return std::nullopt;
  }
  Status Kill(uint32_t id) override {
    killed.push_back(id);
    return Status::Ok();
  }
  std::vector<uint32_t> killed;
};

class UpstreamControlTest : public ::testing::Test {
 protected:
  UpstreamControlTest() : env_(store::NewPosixEnv()), logger_(log_) {
    store::BinlogStore::Options options;
    options.data_dir = dir_.path();
    auto store = store::BinlogStore::Open(env_.get(), options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    if (store.ok()) store_ = std::move(store).value();
    options_.client.host = "127.0.0.1";
    options_.client.port = 1;  // refused: the puller connects and backs off
    options_.client.auth.user = "repl";
    options_.client.auth.password = "config-password";
  }

  std::unique_ptr<UpstreamControl> Create() {
    auto control = UpstreamControl::Create(store_.get(), options_, &logger_);
    EXPECT_TRUE(control.ok()) << control.status().ToString();
    return control.ok() ? std::move(control).value() : nullptr;
  }

  std::optional<std::string> Persisted(const std::string& key) {
    auto value = store_->state_db().GetConfig("change_master." + key);
    EXPECT_TRUE(value.ok());
    return value.ok() ? *value : std::nullopt;
  }

  TempDir dir_;
  std::unique_ptr<store::Env> env_;
  std::ostringstream log_;
  Logger logger_;
  std::unique_ptr<store::BinlogStore> store_;
  upstream::PullerOptions options_;
};

TEST_F(UpstreamControlTest, ChangePersistsAndAppliesToTheNextStart) {
  auto control = Create();
  ASSERT_TRUE(control);
  downstream::UpstreamChange change;
  change.host = "10.0.0.6";
  change.port = 3310;
  change.password = "new-secret";
  change.use_gtid = "no";
  ASSERT_TRUE(control->Change(change).ok());
  EXPECT_EQ(Persisted("host"), "10.0.0.6");
  EXPECT_EQ(Persisted("port"), "3310");
  EXPECT_EQ(Persisted("password"), "new-secret");
  EXPECT_EQ(Persisted("use_gtid"), "no");
  EXPECT_FALSE(Persisted("user").has_value());
  const upstream::PullerOptions now = control->options();
  EXPECT_EQ(now.client.host, "10.0.0.6");
  EXPECT_EQ(now.client.port, 3310);
  EXPECT_EQ(now.client.auth.user, "repl");
  EXPECT_EQ(now.client.auth.password, "new-secret");
  EXPECT_EQ(now.gtid, upstream::GtidResumeMode::kOff);
  EXPECT_EQ(log_.str().find("new-secret"), std::string::npos) << log_.str();
}

TEST_F(UpstreamControlTest, CreateAppliesPersistedSettingsAndLogsThem) {
  ASSERT_TRUE(store_->state_db()
                  .SetConfig({{"change_master.port", "3311"},
                              {"change_master.password", "persisted-secret"}})
                  .ok());
  auto control = Create();
  ASSERT_TRUE(control);
  EXPECT_EQ(control->options().client.port, 3311);
  EXPECT_EQ(control->options().client.auth.password, "persisted-secret");
  EXPECT_NE(log_.str().find("state.db (CHANGE MASTER TO) overrides upstream port = 3311"),
            std::string::npos)
      << log_.str();
  EXPECT_NE(log_.str().find("overrides upstream password = <hidden>"), std::string::npos);
  EXPECT_EQ(log_.str().find("persisted-secret"), std::string::npos);
}

TEST_F(UpstreamControlTest, UnusablePersistedSettingIsAnError) {
  ASSERT_TRUE(store_->state_db().SetConfig({{"change_master.port", "70000"}}).ok());
  auto control = UpstreamControl::Create(store_.get(), options_, &logger_);
  ASSERT_FALSE(control.ok());
  EXPECT_NE(control.status().message().find("port"), std::string::npos)
      << control.status().message();
}

TEST_F(UpstreamControlTest, ChangeIsRefusedWhileRunning) {
  auto control = Create();
  ASSERT_TRUE(control);
  control->Start();
  EXPECT_TRUE(control->running());
  downstream::UpstreamChange change;
  change.port = 3312;
  EXPECT_FALSE(control->Change(change).ok());
  EXPECT_FALSE(Persisted("port").has_value());
  control->Stop();
  EXPECT_FALSE(control->running());
  EXPECT_EQ(control->status().state, upstream::PullerState::kStopped);
  EXPECT_TRUE(control->Change(change).ok());
  control->Start();  // a new puller with the new port
  EXPECT_EQ(control->status().primary, "127.0.0.1:3312");
}

TEST_F(UpstreamControlTest, StartAndStopAreIdempotent) {
  auto control = Create();
  ASSERT_TRUE(control);
  control->Stop();
  EXPECT_EQ(control->status().state, upstream::PullerState::kStopped);
  control->Start();
  control->Start();
  EXPECT_TRUE(control->running());
  EXPECT_NE(control->status().state, upstream::PullerState::kStopped);
  control->Stop();
  control->Stop();
  EXPECT_FALSE(control->running());
  EXPECT_EQ(control->status().state, upstream::PullerState::kStopped);
}

TEST_F(UpstreamControlTest, LogFileChoosesWhereAnEmptyStoreStarts) {
  auto control = Create();
  ASSERT_TRUE(control);
  downstream::UpstreamChange change;
  change.log_file = "mysql-bin.000002";
  change.log_pos = 4;
  ASSERT_TRUE(control->Change(change).ok());
  EXPECT_EQ(control->options().start.kind, upstream::StartSpec::Kind::kFilePosition);
  EXPECT_EQ(control->options().start.file, "mysql-bin.000002");
  downstream::UpstreamChange bad;
  bad.use_gtid = "maybe";
  EXPECT_FALSE(control->Change(bad).ok());
}

TEST_F(UpstreamControlTest, DaemonContextOfAnEmptyStore) {
  auto control = Create();
  ASSERT_TRUE(control);
  FakeRegistry registry;
  DaemonContext context(4001, store_.get(), control.get(), &registry, nullptr);
  EXPECT_EQ(context.server_id(), 4001u);
  EXPECT_EQ(context.server_uuid(), "5e1dca12-0000-4000-8000-000000000fa1");
  EXPECT_EQ(context.server_uuid(), SidecarUuid(4001));
  EXPECT_EQ(context.server_version(), "10.11.0-MariaDB-binlog-sidecar");
  EXPECT_EQ(context.greeting_version(), "5.5.5-10.11.0-MariaDB-binlog-sidecar");
  EXPECT_EQ(context.binlog_checksum(), "CRC32");
  EXPECT_EQ(context.gtid_state(), "");
  ASSERT_TRUE(context.binlog_files().ok());
  EXPECT_TRUE(context.binlog_files()->empty());
  EXPECT_FALSE(context.gtid_state_at("mysql-bin.000001", 4).ok());
  const downstream::UpstreamSettings settings = context.upstream_settings();
  EXPECT_EQ(settings.host, "127.0.0.1");
  EXPECT_EQ(settings.port, 1);
  EXPECT_EQ(settings.user, "repl");
  EXPECT_EQ(context.connection_user(8), "repl");
  EXPECT_FALSE(context.connection_user(9).has_value());
  EXPECT_TRUE(context.Kill(8).ok());
  EXPECT_EQ(registry.killed, std::vector<uint32_t>{8});
  EXPECT_FALSE(context.PurgeTo("mysql-bin.000001").ok());
  EXPECT_EQ(context.upstream_status().state, upstream::PullerState::kStopped);
  ASSERT_TRUE(context.StartUpstream().ok());
  EXPECT_NE(context.upstream_status().state, upstream::PullerState::kStopped);
  ASSERT_TRUE(context.StopUpstream().ok());
  EXPECT_EQ(context.upstream_status().state, upstream::PullerState::kStopped);
}

}  // namespace
}  // namespace sidecar::app
