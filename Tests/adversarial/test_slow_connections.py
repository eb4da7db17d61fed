"""Item 6 of issue 15: idle and slow clients must neither lock others out
nor be kept for ever.

300 idle sockets and 100 slowloris clients (a header line trickled every
half second) are held open while /healthz and an upload must still answer
(generous timeouts: the check is that they are answered, not how fast).
With the server's timeouts set low (found by name in `serve --help`), idle
sockets, clients trickling headers and clients trickling a body must be
closed by the server (a slow body after a 408); and at a 1,024 open-file
limit, 1,100 idle connections must not keep /healthz unanswered."""

from __future__ import annotations

import re
import resource
import socket
import threading
import time

import pytest

from adversarial_http import doc, find_option, get, healthy, post_json, serve_options
from support.treering_server import TreeringServer

IDLE = 300
SLOW = 100


class Trickler:
    """Slow clients: `head` sent at once, then `piece(n)` every `every` s, never the end
    (slowloris: a header line at a time; a slow body: a byte of a long body at a time)."""

    def __init__(self, port: int, count: int, every: float = 0.5, head: bytes | None = None, piece=None):
        self.socks: list[socket.socket] = []
        head = head or b"POST /api/v1/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        self.piece = piece or (lambda n: f"X-Trickle-{n}: {'a' * 10}\r\n".encode())
        for _ in range(count):
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(head)
            self.socks.append(s)
        self.closed_by_server: set[int] = set()
        self.every = every
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        n = 0
        while not self.stop.wait(self.every):
            n += 1
            for i, s in enumerate(self.socks):
                if i in self.closed_by_server:
                    continue
                try:
                    s.sendall(self.piece(n))
                except OSError:
                    self.closed_by_server.add(i)

    def close(self):
        self.stop.set()
        self.thread.join()
        for s in self.socks:
            s.close()


SLOW_BODY_HEAD = (
    b"POST /api/v1/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    b"Content-Length: 100000\r\n\r\n{"
)


def open_idle(port: int, count: int) -> list[socket.socket]:
    return [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(count)]


def closed_by_server(s: socket.socket, received: dict | None = None) -> bool:
    """True when the server has closed the socket (EOF or reset), perhaps after an
    answer such as 408 (kept in `received` by socket)."""
    s.settimeout(0.05)
    try:
        while True:
            data = s.recv(65536)
            if received is not None:
                received[s] = received.get(s, b"") + data
            if not data:
                return True
    except socket.timeout:
        return False
    except OSError:
        return True


def test_healthz_and_an_upload_answer_while_300_idle_and_100_slowloris_connections_are_open(tmp_path):
    with TreeringServer(tmp_path / "slow.sqlite") as server:
        idle = open_idle(server.port, IDLE)
        slow = Trickler(server.port, SLOW)
        try:
            time.sleep(1.0)
            health = get(server.port, "/healthz", timeout=20)
            upload = post_json(server.port, "/api/v1/ingest", doc(app="beside-slow-clients"), timeout=20)
            assert health.status == 200, f"/healthz with {IDLE} idle and {SLOW} slowloris connections open: {health}"
            assert upload.status == 201, f"an upload with {IDLE} idle and {SLOW} slowloris connections open: {upload}"
        finally:
            slow.close()
            for s in idle:
                s.close()
        assert healthy(server) is None


def timeout_option(kind: str) -> str | None:
    idle = find_option(r"idle")
    if kind == "idle":
        return idle
    if kind == "slow body":
        return find_option(r"body.*timeout|timeout.*body")
    # Slow headers: an option of their own, else the idle timeout when it bounds a whole request head.
    header = find_option(r"header.*timeout|timeout.*header", r"slow.*(client|header|request)")
    if header:
        return header
    return idle if idle and re.search(r"(?i)head", serve_options()[idle]) else None


def start_with_timeout(tmp_path, option: str, seconds: int) -> TreeringServer:
    """The server with `option` at `seconds`, written as a bare number or with an `s` as the option accepts."""
    last = None
    for value in (str(seconds), f"{seconds}s"):
        server = TreeringServer(tmp_path / f"timeout-{value}.sqlite", extra_args=[option, value])
        try:
            return server.start(timeout=15)
        except RuntimeError as e:
            last = e
            server.stop()
    raise AssertionError(f"the server did not start with {option} {seconds} or {seconds}s: {last}")


@pytest.mark.parametrize("kind", ["idle", "slow headers", "slow body"])
def test_the_server_closes_idle_and_trickling_connections_after_its_timeout(tmp_path, kind):
    option = timeout_option(kind)
    assert option, (
        f"no {kind} timeout setting in `treering serve --help` (options: "
        f"{', '.join(serve_options())}); issue 15 asks for idle, slow-header and slow-body timeouts"
    )
    seconds = 2
    server = start_with_timeout(tmp_path, option, seconds)
    received: dict = {}
    try:
        trickler = None
        if kind == "idle":
            socks = open_idle(server.port, 50)
        elif kind == "slow headers":
            trickler = Trickler(server.port, 50, every=0.5)
            socks = trickler.socks
        else:
            trickler = Trickler(server.port, 50, every=0.5, head=SLOW_BODY_HEAD, piece=lambda n: b" ")
            socks = trickler.socks
        # Generous: several timeouts, then every socket must have been closed by the server.
        deadline = time.monotonic() + 6 * seconds + 5
        open_left = list(range(len(socks)))
        while open_left and time.monotonic() < deadline:
            time.sleep(0.5)
            open_left = [
                i
                for i in open_left
                if not (trickler and i in trickler.closed_by_server) and not closed_by_server(socks[i], received)
            ]
        if trickler:
            trickler.close()
        else:
            for s in socks:
                s.close()
        assert not open_left, (
            f"{len(open_left)} of {len(socks)} {kind} connections still open "
            f"{6 * seconds + 5}s after connecting with {option} {seconds}"
        )
        if kind == "slow body":
            answered = [data for data in received.values() if data]
            assert answered and all(data.startswith(b"HTTP/1.1 408") for data in answered), (
                f"slow bodies were closed, but not after a 408: {[d[:60] for d in answered[:3]]}"
            )
        assert healthy(server) is None
    finally:
        server.stop()


def test_idle_connections_beyond_the_file_limit_do_not_lock_everyone_out(tmp_path):
    """At a 1,024 open-file limit, 1,100 idle connections used to leave /healthz unanswered for good.
    With the idle timeout at 2 s, /healthz must be answered (within a generous 20 s)."""
    option = timeout_option("idle")
    assert option, (
        f"no idle timeout setting in `treering serve --help` (options: {', '.join(serve_options())}); "
        "pending until the server has one"
    )
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (1024, hard))  # inherited by the server started now
    try:
        server = start_with_timeout(tmp_path, option, 2)
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    socks = []
    try:
        for _ in range(1_100):
            try:
                socks.append(socket.create_connection(("127.0.0.1", server.port), timeout=2))
            except OSError:
                break
        health = get(server.port, "/healthz", timeout=20)
        assert health.status == 200, (
            f"/healthz with {len(socks)} idle connections open at a 1,024 file limit ({option} 2): {health}"
        )
    finally:
        for s in socks:
            s.close()
        server.stop()
