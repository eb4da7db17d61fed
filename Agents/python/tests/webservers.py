"""Real servers on loopback ports for the middleware tests: a threaded
wsgiref server and uvicorn in a thread; plus readers of agent documents."""

from __future__ import annotations

import contextlib
import socketserver
import threading
import time
import urllib.request
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from treering.stacks import merge_documents as merged  # noqa: F401 (the tests' name for it)


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve_wsgi(app):
    """Serves `app` with a thread per request; yields the base URL."""
    server = make_server("127.0.0.1", 0, app, server_class=ThreadingWSGIServer, handler_class=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="wsgi-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextlib.contextmanager
def serve_asgi(app):
    """Serves `app` with the real uvicorn (asyncio loop) in a thread; yields the base URL."""
    import uvicorn

    config = uvicorn.Config(app, host="127.0.0.1", port=0, loop="asyncio", lifespan="off", log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def get(url: str, timeout: float = 30) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def get_all(urls: list[str]) -> list[tuple[int, bytes]]:
    """Sends the requests concurrently, one thread each."""
    results: list = [None] * len(urls)

    def one(i):
        results[i] = get(urls[i])

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(urls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def wait_for(predicate, timeout: float = 10.0) -> bool:
    """Polls `predicate` until true or `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def samples_with(doc: dict, function: str) -> list[dict]:
    """Samples whose stack contains `function` (a frame name)."""
    frames = doc["frames"]
    return [s for s in doc["samples"] if any(frames[i]["name"] == function for i in s["stack"])]


def transactions_of(samples: list[dict]) -> dict:
    """transaction tag (None when absent) -> sample count."""
    out: dict = {}
    for s in samples:
        key = (s.get("tags") or {}).get("transaction")
        out[key] = out.get(key, 0) + s["count"]
    return out


def grind(seconds: float) -> int:
    """Keeps the CPU busy for `seconds` in a frame of its own: the work of a view."""
    x, deadline = 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        x += sum(range(200))
    return x
