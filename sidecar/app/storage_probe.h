// StorageProbe: is data_dir still writable? The writer finds out only when it next writes,
// which on an idle primary may be hours away; the probe asks every few seconds, so /health
// reports storage_error (and recovers) while nothing is being replicated.
//
// A probe creates data_dir/.write-probe, writes one byte to it, closes and removes it. It fails
// when the directory refuses new files (read-only remount, chattr +i, permissions) or the
// disk is full (ENOSPC). It never touches the binlog files or state.db.
//
// Thread-safety: one caller at a time (the probe file has a fixed name): the daemon's main loop.
#pragma once

#include <string>

namespace sidecar::app {

// "" when a probe file could be created, written and removed; else what failed and why.
std::string ProbeDataDirWritable(const std::string& data_dir);

}  // namespace sidecar::app
