#!/usr/bin/env python3
"""Misbehaving HTTP clients for http_malformed_test.sh.

Usage: slow_http_client.py PORT MODE
  slowloris  open 6 connections (more than the server's 2 workers); on each send a request line
             and the start of a header, then trickle one byte of it every 0.5 s, on and on,
             until the server answers or closes (at most 30 s). After the first second, while
             all six are connected, ask GET /health on a seventh connection. Prints
             "health <its status line>", then one line per slow connection:
             "closed <first status line, or 'no answer'>".
  headers    send a request with 200 header fields; print the status line.
  bighdr     send a request with a 20 KiB header value; print the status line.
Bounded: every socket operation has a timeout, the whole run at most ~60 s.
"""
import select
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
    for _ in range(6):
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        socks.append(sock)
    answers = {}
    health = None
    start = time.monotonic()
    while len(answers) < len(socks) and time.monotonic() < start + 30:
        waiting = [s for i, s in enumerate(socks) if i not in answers]
        readable, _, _ = select.select(waiting, [], [], 0.5)
        for i, sock in enumerate(socks):
            if i in answers:
                continue
            if sock in readable:
                answers[i] = answer_of(sock, 5)
                continue
            try:
                sock.send(b"a")
            except OSError:
                answers[i] = answer_of(sock, 5)
        if health is None and time.monotonic() > start + 1:
            health = one_request(port, b"GET /health HTTP/1.1\r\nHost: h\r\n\r\n")
    print("health", health)
    for i, sock in enumerate(socks):
        print("closed", answers.get(i, "no answer"))
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
