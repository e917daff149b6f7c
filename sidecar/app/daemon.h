// The daemon: `binlog-sidecar --config FILE` once the configuration loaded.
//
// RunDaemon opens the store in storage.data_dir (lock + recovery), starts the
// puller, and runs until SIGTERM or SIGINT (clean shutdown: the puller stops,
// what it appended is synced and checkpointed, exit 0) or until the store
// fails (exit 1, so the service manager restarts it and recovery runs).
// Everything is logged through `logger` (stderr).
//
// REQUIRES: called from the main thread before any other thread exists: it
// blocks SIGTERM/SIGINT in the calling thread (threads it starts inherit the
// mask) and waits for them with sigtimedwait.
#pragma once

#include "app/config.h"
#include "app/logger.h"
#include "upstream/puller.h"

namespace sidecar::app {

// The puller's options from the configuration (upstream.*, storage.sync_interval).
upstream::PullerOptions PullerOptionsFromConfig(const Config& config);

// Returns the process exit code.
int RunDaemon(const Config& config, Logger& logger);

}  // namespace sidecar::app
