#!/usr/bin/env python3
"""A loopback TCP proxy for tests that cuts connections: between a client and a server, it
forwards both directions and drops connections on purpose, abruptly (RST), so the client sees
a connection die in the middle of whatever the server was sending.

When it cuts:
  --cut-at MIN:MAX   each connection after a random number of server->client bytes in
                     [MIN, MAX] (drawn per connection; the chunk that crosses the limit is
                     forwarded only up to it, so the cut lands inside a packet/event).
  --cuts N           only the first N connections are cut that way; later ones pass through
                     (default: every connection).
  SIGUSR1            cuts every live connection now.
Every cut is logged to stderr as "cut connection K after B bytes (reason)".

Usage: tcp_cut_proxy.py --listen PORT --target HOST:PORT [--cut-at MIN:MAX] [--cuts N]
                        [--seed S]
It listens on 127.0.0.1 only and runs until SIGTERM/SIGINT. Standard library only.
"""
import argparse
import random
import signal
import socket
import struct
import sys
import threading

CHUNK = 65536


class Link:
    """One proxied connection: the client's socket, the server's, and the cut limit."""

    def __init__(self, number, client, server, limit):
        self.number = number
        self.client = client
        self.server = server
        self.limit = limit  # server->client bytes before the cut; None: never
        self.sent = 0
        self.lock = threading.Lock()
        self.closed = False

    def cut(self, reason):
        with self.lock:
            if self.closed:
                return
            self.closed = True
        log(f"cut connection {self.number} after {self.sent} bytes ({reason})")
        for s in (self.client, self.server):
            try:
                # SO_LINGER 0: close sends RST, as a dropped network path looks to the peer.
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                s.close()
            except OSError:
                pass

    def close(self):
        with self.lock:
            if self.closed:
                return
            self.closed = True
        for s in (self.client, self.server):
            try:
                s.close()
            except OSError:
                pass


def log(message):
    print(f"tcp_cut_proxy: {message}", file=sys.stderr, flush=True)


def pump_to_server(link):
    try:
        while True:
            data = link.client.recv(CHUNK)
            if not data:
                break
            link.server.sendall(data)
    except OSError:
        pass
    link.close()


def pump_to_client(link):
    try:
        while True:
            data = link.server.recv(CHUNK)
            if not data:
                break
            if link.limit is not None and link.sent + len(data) >= link.limit:
                part = data[: link.limit - link.sent]
                link.client.sendall(part)
                link.sent += len(part)
                link.cut("byte limit")
                return
            link.client.sendall(data)
            link.sent += len(data)
    except OSError:
        pass
    link.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--listen", type=int, required=True)
    parser.add_argument("--target", required=True, help="HOST:PORT")
    parser.add_argument("--cut-at", default=None, help="MIN:MAX server->client bytes")
    parser.add_argument("--cuts", type=int, default=-1, help="connections to cut (-1: all)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    host, port = args.target.rsplit(":", 1)
    cut_range = None
    if args.cut_at:
        low, high = (int(x) for x in args.cut_at.split(":"))
        if not 0 < low <= high:
            parser.error("--cut-at needs 0 < MIN <= MAX")
        cut_range = (low, high)
    rng = random.Random(args.seed)

    links = []
    links_lock = threading.Lock()

    def cut_all(_signum, _frame):
        with links_lock:
            live = list(links)
        for link in live:
            link.cut("SIGUSR1")

    def stop(_signum, _frame):
        raise SystemExit(0)

    signal.signal(signal.SIGUSR1, cut_all)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", args.listen))
    listener.listen(16)
    log(f"listening on 127.0.0.1:{args.listen}, forwarding to {host}:{port}")
    number = 0
    while True:
        try:
            client, _ = listener.accept()
        except InterruptedError:
            continue
        number += 1
        try:
            server = socket.create_connection((host, int(port)), timeout=10)
            server.settimeout(None)
        except OSError as e:
            log(f"connection {number}: cannot reach {host}:{port}: {e}")
            client.close()
            continue
        limit = None
        if cut_range and (args.cuts < 0 or number <= args.cuts):
            limit = rng.randint(*cut_range)
        link = Link(number, client, server, limit)
        with links_lock:
            links[:] = [x for x in links if not x.closed]
            links.append(link)
        for pump in (pump_to_server, pump_to_client):
            threading.Thread(target=pump, args=(link,), daemon=True).start()


if __name__ == "__main__":
    main()
