#!/usr/bin/env python3
"""Poll binlog-sidecar's durable checkpoint (state.db, read-only) every millisecond.

Usage: latency_poll.py STATE_DB SECONDS OUT

Writes one line "UNIX_MICROS FILE POSITION" to OUT each time the checkpoint changes, for at
most SECONDS (bounded), so scripts/bench.sh can tell when each event became durable.
"""
import sqlite3
import sys
import time


def main() -> int:
    db, seconds, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    deadline = time.monotonic() + seconds
    last = None
    with open(out, "w", buffering=1) as f:
        while time.monotonic() < deadline:
            try:
                con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.1)
                break
            except sqlite3.Error:
                time.sleep(0.01)
        else:
            return 1
        while time.monotonic() < deadline:
            try:
                row = con.execute("SELECT file_name, position FROM checkpoint").fetchone()
            except sqlite3.Error:
                row = None
            now = time.time_ns() // 1000
            if row and row != last:
                f.write(f"{now} {row[0]} {row[1]}\n")
                last = row
            time.sleep(0.001)
    return 0


if __name__ == "__main__":
    sys.exit(main())
