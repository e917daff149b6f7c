#!/usr/bin/env python3
"""Misbehaving HTTP clients for http_malformed_test.sh.

Usage: slow_http_client.py PORT MODE
  slowloris  open 3 connections; on each send a request line and one header, then trickle a
             header one byte every 0.5 s for 4 s, then go silent. Waits (at most 30 s) for the
             server to answer or close each one. Prints one line per connection:
             "closed <first status line or 'no answer'>".
  headers    send a request with 200 header fields; print the status line.
  bighdr     send a request with a 20 KiB header value; print the status line.
Bounded: every socket operation has a timeout, the whole run at most ~40 s.
"""
import socket
import sys
import time


def first_line(data: bytes) -> str:
    return data.split(b"\r\n", 1)[0].decode("latin-1") if data else "no answer"


def answer_of(sock: socket.socket, seconds: float) -> str:
    sock.settimeout(seconds)
    data = b""
    try:
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    except (socket.timeout, ConnectionResetError):
        if not data:
            return "timeout"
    return first_line(data)


def one_request(port: int, request: bytes) -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        try:
            sock.sendall(request)
        except (BrokenPipeError, ConnectionResetError):
            pass
        return answer_of(sock, 15)


def slowloris(port: int) -> None:
    socks = []
    for _ in range(3):
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        socks.append(sock)
    end = time.monotonic() + 4
    while time.monotonic() < end:
        for sock in socks:
            try:
                sock.send(b"a")
            except OSError:
                pass
        time.sleep(0.5)
    for sock in socks:
        print("closed", answer_of(sock, 30))
        sock.close()


def main() -> int:
    port, mode = int(sys.argv[1]), sys.argv[2]
    if mode == "slowloris":
        slowloris(port)
    elif mode == "headers":
        fields = b"".join(b"X-F%d: v\r\n" % i for i in range(200))
        print(one_request(port, b"GET /health HTTP/1.1\r\nHost: h\r\n" + fields + b"\r\n"))
    elif mode == "bighdr":
        print(one_request(port, b"GET /health HTTP/1.1\r\nHost: h\r\nX-Big: " + b"b" * 20480 +
                          b"\r\n\r\n"))
    else:
        print("unknown mode", mode, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
