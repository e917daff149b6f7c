// PosixEnv: the Env of the real filesystem (Linux).
//
// Every file descriptor is opened O_CLOEXEC and owned by one RAII object.
// WritableFile::Append is one write(2) of the caller's bytes on an O_APPEND
// descriptor (looping only on partial writes and EINTR), with no allocation:
// batching is the caller's job. Sync is fdatasync(2), SyncDir fsync(2) of the
// directory, LockFile flock(2) (per open file description, so a second
// LockFile in the same process fails too, and the kernel drops the lock when
// the process dies).
//
// Thread-safe, stateless: one instance can serve the whole process.
#pragma once

#include <memory>

#include "store/env.h"

namespace sidecar::store {

std::unique_ptr<Env> NewPosixEnv();

}  // namespace sidecar::store
