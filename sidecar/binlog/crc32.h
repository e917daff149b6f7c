// CRC32 of binlog events (zlib's polynomial, as MySQL and MariaDB use): by carry-less
// multiplication where the CPU has it (crc32_clmul.h), by zlib otherwise; the same values.
#pragma once

#include <cstdint>

#include "base/byte_reader.h"

namespace sidecar::binlog {

// CRC32 of `data`, continuing from `crc` (0 to start).
uint32_t Crc32(Bytes data, uint32_t crc = 0);

// The CRC32 an event should carry in its last 4 bytes: computed over
// everything before them. For a FORMAT_DESCRIPTION event the servers compute it
// with LOG_EVENT_BINLOG_IN_USE_F cleared (the flag is set while the file is
// open and cleared on close without rewriting the CRC), so this does the same.
// REQUIRES: event.size() >= 19 + 4
uint32_t ExpectedEventCrc(Bytes event);

// The CRC32 stored in the event's last 4 bytes.
// REQUIRES: event.size() >= 4
uint32_t StoredEventCrc(Bytes event);

}  // namespace sidecar::binlog
