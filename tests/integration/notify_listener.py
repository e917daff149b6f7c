#!/usr/bin/env python3
"""A stand-in for systemd's notification socket (sd_notify(3)), for systemd_notify_test.sh.

Usage: notify_listener.py SOCKET_PATH OUT_FILE MAX_SECONDS

Binds a unix datagram socket at SOCKET_PATH and appends each datagram to OUT_FILE as one line
(the message's newlines become '|'), until MAX_SECONDS have passed (a bound, so a forgotten
listener ends by itself).
"""
import socket
import sys
import time


def main() -> int:
    path, out_path, max_seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(0.5)
    deadline = time.monotonic() + max_seconds
    with open(out_path, "a", encoding="utf-8") as out:
        while time.monotonic() < deadline:
            try:
                data = sock.recv(65536)
            except socket.timeout:
                continue
            out.write(data.decode("utf-8", "replace").replace("\n", "|") + "\n")
            out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
