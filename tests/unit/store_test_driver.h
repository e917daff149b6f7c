// Test support for the store: drives a BinlogStore with an UpstreamStream
// the way the puller would, and checks a recovered store against the
// stream (the promises of SPEC §2.3). Shared by the power-loss test and the
// kill -9 test's parent and child.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string>

#include "base/status.h"
#include "store/binlog_store.h"
#include "store/env.h"
#include "upstream_stream.h"

namespace sidecar::testing {

// A place in the stream: (index of the file in UpstreamStream::names(), offset).
struct StreamPosition {
  size_t file = 0;
  uint64_t offset = 0;

  friend auto operator<=>(const StreamPosition&, const StreamPosition&) = default;
};

// Files in the stream of the kill -9 test, parent and child alike: long
// enough that the child never reaches its end before it is killed.
inline constexpr int kKill9StreamFiles = 40;

struct FeedOptions {
  double sync_probability = 0.05;       // Sync after an item
  double request_sync_probability = 0;  // RequestSync after an item (no report)
  double reconnect_probability = 0.01;  // resume the dump from the writer's resume point
};

// Feeds `stream` to the store's writer from where the store stands, with
// Syncs (and RequestSyncs, which the syncer serves while appends go on) at
// random points and after the last item; after each successful Sync
// reports the durable position. Returns the first error (a crash).
Status FeedStream(store::BinlogStore& store, const UpstreamStream& stream, std::mt19937_64& rng,
                  const FeedOptions& options,
                  const std::function<void(const StreamPosition&)>& on_durable);

// Expects, with gtest, that the freshly opened `store` holds exactly the
// stream's bytes up to its checkpoint, which is a transaction boundary at or
// after `reported` (the last durable position a Sync reported), and that it
// resumes there.
void ExpectRecoveredStore(store::BinlogStore& store, const UpstreamStream& stream,
                          const std::optional<StreamPosition>& reported);

// The whole content of `path` read through `env` (empty and a gtest failure
// when unreadable).
std::vector<uint8_t> ReadWholeFile(store::Env& env, const std::string& path);

}  // namespace sidecar::testing
