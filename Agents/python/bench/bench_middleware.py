"""Per-request cost of the Treering middleware.

Each kind of app is built twice in this process, once without the
middleware (the baseline) and once with it, and both are driven the same way
in alternating batches while the agent runs (sampler at 100 Hz, uploader,
session poller). Printed: median µs per request of each, the difference
(the middleware's cost per request) and the ratio.

    bare WSGI   a WSGI callable answering [b"ok"], wrapped in TreeringWSGIMiddleware
    Flask       a Flask route, app.wsgi_app wrapped (named by its URL rule)
    Django      Django's WSGI handler with / without TreeringMiddleware in MIDDLEWARE
    FastAPI     a FastAPI route with / without TreeringASGIMiddleware, called as ASGI

Requests are called in-process (no sockets), so the figures are the
middleware's own cost, not lost in HTTP noise. Scenarios, with a stand-in
Treering server in this process answering the session polls:

    no session        no session is active (the usual case)
    other session     a session is active for another transaction
    matching session  (informational) a session wants this transaction: every
                      request is recorded and sent as its own document

    python Agents/python/bench/bench_middleware.py [--rounds 9] [--batch-s 0.15]
"""

from __future__ import annotations

import argparse
import asyncio
import http.server
import io
import json
import os
import statistics
import sys
import threading
import time
from wsgiref.util import setup_testing_defaults

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import django
from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench",
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=[],
    DATABASES={},
    MIDDLEWARE=[],
)
django.setup()

from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpResponse
from django.test.utils import override_settings
from django.urls import path

import treering
from treering.middleware.asgi import TreeringASGIMiddleware
from treering.middleware.wsgi import TreeringWSGIMiddleware


def order_detail(request, pk):
    return HttpResponse("ok")


urlpatterns = [path("orders/<int:pk>/", order_detail)]


# -- the apps, each (baseline, with middleware, its transaction name) ----------


def bare_app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


def wsgi_pair():
    return bare_app, TreeringWSGIMiddleware(bare_app), "GET /orders/5/"


def flask_pair():
    import flask

    def build():
        app = flask.Flask("bench")

        @app.get("/orders/<int:pk>/")
        def order(pk):
            return "ok"

        return app

    plain, wrapped = build(), build()
    wrapped.wsgi_app = TreeringWSGIMiddleware(wrapped.wsgi_app)
    return plain, wrapped, "GET /orders/<int:pk>/"


def django_pair():
    plain = WSGIHandler()
    with override_settings(MIDDLEWARE=["treering.middleware.django.TreeringMiddleware"]):
        wrapped = WSGIHandler()  # loads its middleware chain now
    return plain, wrapped, "GET orders/<int:pk>/"


def fastapi_pair():
    from fastapi import FastAPI
    from fastapi.responses import PlainTextResponse

    def build():
        app = FastAPI()

        @app.get("/orders/{pk}/", response_class=PlainTextResponse)
        async def order(pk: int):
            return "ok"

        return app

    wrapped = build()
    wrapped.add_middleware(TreeringASGIMiddleware)
    return build(), wrapped, "GET /orders/{pk}/"


# -- drivers: n requests, as a server would make them ------------------------


def wsgi_driver(app):
    base = {}
    setup_testing_defaults(base)
    base.update(REQUEST_METHOD="GET", PATH_INFO="/orders/5/", SERVER_NAME="127.0.0.1", HTTP_HOST="127.0.0.1")

    def start_response(status, headers, exc_info=None):
        return None

    def run(n):
        for _ in range(n):
            environ = dict(base)
            environ["wsgi.input"] = io.BytesIO()
            result = app(environ, start_response)
            for _chunk in result:
                pass
            close = getattr(result, "close", None)
            if close is not None:
                close()

    return run


def asgi_driver(app):
    loop = asyncio.new_event_loop()

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        pass

    async def many(n):
        for _ in range(n):
            scope = {
                "type": "http",
                "asgi": {"version": "3.0"},
                "http_version": "1.1",
                "method": "GET",
                "scheme": "http",
                "path": "/orders/5/",
                "raw_path": b"/orders/5/",
                "root_path": "",
                "query_string": b"",
                "headers": [(b"host", b"127.0.0.1")],
                "client": ("127.0.0.1", 5000),
                "server": ("127.0.0.1", 8000),
            }
            await app(scope, receive, send)

    def run(n):
        loop.run_until_complete(many(n))

    return run


KINDS = {
    "bare WSGI": (wsgi_pair, wsgi_driver),
    "Flask": (flask_pair, wsgi_driver),
    "Django": (django_pair, wsgi_driver),
    "FastAPI": (fastapi_pair, asgi_driver),
}


# -- a stand-in Treering server: session polls, ingest, session uploads ------


class StandIn(http.server.BaseHTTPRequestHandler):
    active: list = []
    session_posts = 0

    def do_GET(self):
        self._answer(200, {"sessions": StandIn.active, "poll_s": 0.2})

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if "/sessions/" in self.path:
            StandIn.session_posts += 1
            self._answer(201, {"session": 1, "count": 1, "requests": 1000, "state": "running"})
        else:
            self._answer(201, {"id": "1", "sessions": StandIn.active})

    def _answer(self, status, obj):
        raw = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args):
        pass


def set_sessions(agent, transactions: list[str]) -> None:
    StandIn.active = [
        {"id": i + 1, "transaction": t, "interval_ms": 5, "until": time.time() + 3600}
        for i, t in enumerate(transactions)
    ]
    deadline = time.monotonic() + 10
    while set(agent.sessions.by_transaction) != set(transactions):
        if time.monotonic() > deadline:
            raise RuntimeError("the agent did not pick up the sessions")
        time.sleep(0.05)


# -- measuring --------------------------------------------------------------


def calibrate(run, batch_s: float) -> int:
    n = 50
    while True:
        t0 = time.perf_counter()
        run(n)
        took = time.perf_counter() - t0
        if took > batch_s / 4:
            return max(50, int(n * batch_s / took))
        n *= 4


def measure(base_run, mw_run, n: int, rounds: int) -> tuple[float, float, float]:
    """Median µs per request of the baseline and the middleware, and the
    median of the per-round differences."""
    base, mw, diff = [], [], []
    for r in range(rounds):
        order = [(base_run, base), (mw_run, mw)] if r % 2 == 0 else [(mw_run, mw), (base_run, base)]
        for run, out in order:
            t0 = time.perf_counter()
            run(n)
            out.append((time.perf_counter() - t0) / n * 1e6)
        diff.append(mw[-1] - base[-1])
    return statistics.median(base), statistics.median(mw), statistics.median(diff)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--batch-s", type=float, default=0.15, help="seconds per batch of requests")
    ap.add_argument("--kinds", default=",".join(KINDS))
    args = ap.parse_args()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    agent = treering.start(
        app="bench", server=f"http://127.0.0.1:{server.server_address[1]}", interval_ms=10, upload_every_s=10
    )
    assert agent is not None and agent.sessions is not None

    kinds = []
    for name in args.kinds.split(","):
        try:
            plain, wrapped, transaction = KINDS[name][0]()
        except ImportError as e:
            print(f"{name}: skipped ({e})")
            continue
        driver = KINDS[name][1]
        kinds.append((name, driver(plain), driver(wrapped), transaction))

    print(
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; agent at 100 Hz; "
        f"{args.rounds} alternating rounds of ~{args.batch_s}s batches per figure"
    )
    print(f"{'scenario':<17} {'app':<10} {'baseline µs':>12} {'middleware µs':>14} {'cost µs':>8} {'ratio':>6}")
    try:
        for scenario in ("no session", "other session", "matching session"):
            for name, base_run, mw_run, transaction in kinds:
                if scenario == "no session":
                    set_sessions(agent, [])
                elif scenario == "other session":
                    set_sessions(agent, ["GET /reports/{year}/"])
                else:
                    set_sessions(agent, [transaction])
                base_run(200)
                mw_run(200)  # warm: routes compiled, names seen
                n = calibrate(mw_run, args.batch_s)  # the slower of the two, so a batch stays short
                b, m, d = measure(base_run, mw_run, n, args.rounds)
                print(f"{scenario:<17} {name:<10} {b:>12.1f} {m:>14.1f} {d:>8.1f} {m / b:>6.2f}", flush=True)
    finally:
        set_sessions(agent, [])
        treering.stop()
        server.shutdown()
    print(f"(session documents accepted by the stand-in server: {StandIn.session_posts})")


if __name__ == "__main__":
    main()
